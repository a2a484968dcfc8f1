"""Loading data sources (sample, files, objects) and generating them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pulumi_mms.testing import MmsEmulator, generate_data_sources, load_data_sources, sample_data

if TYPE_CHECKING:
    from .conftest import RawClient

REFERENCE = json.loads(
    (Path(__file__).parents[2] / "pulumi_mms" / "testing" / "sample_data.json").read_text()
)


def test_default_data_is_the_packaged_sample() -> None:
    assert sample_data() == REFERENCE["data"]
    assert load_data_sources(None) == [REFERENCE["data"]]
    emulator = MmsEmulator()
    assert emulator.data_sources() == [REFERENCE["data"]]


def _one(n: int) -> dict[str, Any]:
    return {**sample_data(), "id": n, "name": f"source-{n}"}


@pytest.mark.parametrize(
    ("document", "ids"),
    [
        ({"requestId": "X", "data": _one(1)}, [1]),
        (_one(2), [2]),
        ([_one(3), _one(4)], [3, 4]),
        ({"requestId": "X", "data": {"objectList": [_one(5), _one(6)], "total": 2}}, [5, 6]),
    ],
    ids=["full-response", "single-dict", "list", "list-response"],
)
def test_load_from_file_and_objects(tmp_path: Path, document: Any, ids: list[int]) -> None:
    file = tmp_path / "data.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    for source in (file, str(file), document):
        emulator = MmsEmulator(source)
        assert [record["id"] for record in emulator.data_sources()] == ids


def test_empty_list_means_no_data() -> None:
    assert MmsEmulator([]).data_sources() == []


def test_missing_file() -> None:
    with pytest.raises(FileNotFoundError):
        MmsEmulator("no-such-file.json")


@pytest.mark.parametrize("document", [[1, 2], 3, b"{}", [{"id": "abc"}], [{"id": True}], [{"id": 0}]])
def test_invalid_data(document: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        MmsEmulator(document)


def test_put_assigns_ids(emu: MmsEmulator) -> None:
    emu.clear_data_sources()
    assert emu.put_data_source({"name": "a"}) == 2000001
    assert emu.put_data_source({"name": "b"}) == 2000002
    assert emu.put_data_source({"id": "42", "name": "c"}) == 42
    assert emu.data_source(42)["id"] == 42


def test_generate_data_sources() -> None:
    records = generate_data_sources(50, start_id=500, seed=3)
    assert [r["id"] for r in records] == list(range(500, 550))
    assert len({r["name"] for r in records}) == 50
    assert len({r["type"] for r in records}) > 1
    assert len({r["status"] for r in records}) > 2
    assert {len(r["dstProjects"]) for r in records} > {1}
    for record in records:
        assert record["dstProject"] == record["dstProjects"][0]
        passwords = [item for item in record["config"] if item["type"] == "password"]
        assert len(passwords) == 1
        assert passwords[0]["value"]
        assert (
            record["tablesDoneNum"] + record["tablesFailedNum"] + record["tablesDoingNum"]
            <= record["tableNum"]
        )
        assert set(REFERENCE["data"]) <= set(record)
    assert generate_data_sources(50, start_id=500, seed=3) == records
    assert generate_data_sources(50, start_id=500, seed=4) != records


def test_generated_sources_through_the_emulator(raw: RawClient, emu: MmsEmulator) -> None:
    ids = emu.put_data_sources(generate_data_sources(3, start_id=10))
    response = raw.get(f"/api/v1/mms/datasources/{ids[0]}", {"withConfig": "true", "lang": "en_US"})
    config = response.json()["data"]["config"]
    assert config[0]["name"] == "Endpoint"
    assert all(isinstance(item["name"], str) and isinstance(item["desc"], str) for item in config)
