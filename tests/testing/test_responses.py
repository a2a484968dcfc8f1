"""GetMmsDataSource and ListMmsDataSources: withConfig, lang, pagination, filters, scripted states."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

from pulumi_mms.testing import MmsEmulator, generate_data_sources, sample_data

if TYPE_CHECKING:
    from .conftest import RawClient

SAMPLE_ID = 2000015
LIST = "/api/v1/mms/datasources"


def path(source_id: int) -> str:
    return f"{LIST}/{source_id}"


def data(raw: RawClient, source_id: int = SAMPLE_ID, /, **query: str) -> Any:
    response = raw.get(path(source_id), query)
    assert response.status == 200, response.body
    return response.json()["data"]


def listing(raw: RawClient, **query: str) -> Any:
    response = raw.get(LIST, query, action="ListMmsDataSources")
    assert response.status == 200, response.body
    return response.json()["data"]


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "tRuE"])
def test_with_config_true_any_case(raw: RawClient, value: str) -> None:
    assert data(raw, withConfig=value)["config"] == sample_data()["config"]


@pytest.mark.parametrize(
    "query", [{}, {"withConfig": "false"}, {"withConfig": "False"}, {"withConfig": "FALSE"}]
)
def test_config_absent_unless_asked(raw: RawClient, query: dict[str, str]) -> None:
    assert "config" not in data(raw, **query)


def test_with_config_on_a_source_without_config(raw: RawClient, emu: MmsEmulator) -> None:
    emu.put_data_source({"id": 5, "name": "bare"})
    assert data(raw, 5, withConfig="true") == {"id": 5, "name": "bare", "config": []}


@pytest.fixture
def bilingual(emu: MmsEmulator) -> int:
    return emu.put_data_source(
        {
            "id": 10,
            "name": "bilingual",
            "config": [
                {
                    "key": "a",
                    "name": {"zh_CN": "名称", "en_US": "Name"},
                    "desc": {"zh_CN": "描述", "en_US": "Desc"},
                },
                {"key": "b", "name": {"en_US": "Only English"}, "desc": "纯文本"},
                {
                    "key": "c",
                    "name": "plain",
                    "desc": {"zh_CN": "只有中文"},
                    "value": {"zh_CN": "kept as is"},
                },
            ],
        }
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (None, [("名称", "描述"), ("Only English", "纯文本"), ("plain", "只有中文")]),
        ("zh_CN", [("名称", "描述"), ("Only English", "纯文本"), ("plain", "只有中文")]),
        ("en_US", [("Name", "Desc"), ("Only English", "纯文本"), ("plain", "只有中文")]),
    ],
)
def test_lang_renders_names_and_descriptions(
    raw: RawClient, bilingual: int, lang: str | None, expected: list[tuple[str, str]]
) -> None:
    query = {"withConfig": "true", **({"lang": lang} if lang else {})}
    config = data(raw, bilingual, **query)["config"]
    assert [(item["name"], item["desc"]) for item in config] == expected
    assert config[2]["value"] == {"zh_CN": "kept as is"}


def test_stored_data_keeps_both_languages(raw: RawClient, emu: MmsEmulator, bilingual: int) -> None:
    data(raw, bilingual, withConfig="true", lang="en_US")
    assert emu.data_source(bilingual)["config"][0]["name"] == {"zh_CN": "名称", "en_US": "Name"}


@pytest.fixture
def many(emu: MmsEmulator) -> list[dict[str, Any]]:
    emu.clear_data_sources()
    records = generate_data_sources(25, start_id=100, seed=7)
    emu.put_data_sources(reversed(records))  # insertion order must not matter
    return records


def test_list_pagination_covers_everything_once(raw: RawClient, many: list[dict[str, Any]]) -> None:
    seen: list[int] = []
    for page in (1, 2, 3):
        result = listing(raw, pageNum=str(page), pageSize="10")
        assert (result["pageNum"], result["pageSize"], result["total"]) == (page, 10, 25)
        seen += [item["id"] for item in result["objectList"]]
    assert seen == sorted(record["id"] for record in many)
    assert listing(raw, pageNum="4", pageSize="10")["objectList"] == []


def test_list_defaults(raw: RawClient, many: list[dict[str, Any]]) -> None:
    result = listing(raw)
    assert (result["pageNum"], result["pageSize"], result["total"]) == (1, 10, 25)
    assert len(result["objectList"]) == 10
    item = result["objectList"][0]
    assert "config" not in item
    assert {"scanStatus", "scanErrMsg"} <= set(item)


def test_list_page_size_limit(raw: RawClient, many: list[dict[str, Any]]) -> None:
    assert len(listing(raw, pageSize="100")["objectList"]) == 25
    response = raw.get(LIST, {"pageSize": "101"}, action="ListMmsDataSources")
    assert (response.status, response.code) == (400, "InvalidParameter")


@pytest.mark.parametrize(
    "query", [{"pageNum": "0"}, {"pageSize": "-1"}, {"pageNum": "x"}, {"pageSize": "1.5"}]
)
def test_list_invalid_paging(raw: RawClient, query: dict[str, str]) -> None:
    response = raw.get(LIST, query, action="ListMmsDataSources")
    assert (response.status, response.code) == (400, "InvalidParameter")


def test_list_filters(raw: RawClient, emu: MmsEmulator) -> None:
    emu.clear_data_sources()
    emu.put_data_source({"id": 1, "name": "Warehouse_Prod", "type": "HIVE", "region": "cn-shanghai"})
    emu.put_data_source({"id": 2, "name": "warehouse_dev", "type": "BIGQUERY", "region": "cn-shanghai"})
    emu.put_data_source({"id": 3, "name": "crm", "type": "HIVE", "region": "cn-beijing"})

    def ids(**query: str) -> list[int]:
        return [item["id"] for item in listing(raw, **query)["objectList"]]

    assert ids(name="WAREHOUSE") == [1, 2]
    assert ids(name="house_p") == [1]
    assert ids(type="HIVE") == [1, 3]
    assert ids(type="hive", region="cn-beijing") == [3]
    assert ids(name="warehouse", type="BIGQUERY") == [2]
    assert ids(name="nothing") == []
    assert listing(raw, name="warehouse", pageSize="1")["total"] == 2


def test_list_scan_fields_come_from_the_record(raw: RawClient, emu: MmsEmulator) -> None:
    emu.update_data_source(SAMPLE_ID, scanStatus="FAILED", scanErrMsg="metastore unreachable")
    [item] = listing(raw)["objectList"]
    assert (item["scanStatus"], item["scanErrMsg"]) == ("FAILED", "metastore unreachable")
    assert "scanStatus" not in data(raw)  # list-only fields


def test_script_states(raw: RawClient, emu: MmsEmulator) -> None:
    emu.script_states(SAMPLE_ID, [{"status": "STARTING", "agentIsOnline": False}, {"status": "STARTED"}])
    first = data(raw)
    assert (first["status"], first["agentIsOnline"]) == ("STARTING", False)
    assert listing(raw)["objectList"][0]["status"] == "STARTING"  # listing does not advance the script
    second = data(raw)
    assert (second["status"], second["agentIsOnline"]) == ("STARTED", False)
    assert data(raw)["status"] == "STARTED"  # stays on the last step
    assert emu.data_source(SAMPLE_ID)["status"] == "STARTED"


def test_script_states_unknown_source(emu: MmsEmulator) -> None:
    with pytest.raises(KeyError):
        emu.script_states(1, [{"status": "STARTED"}])


def test_mutation_while_running(raw: RawClient, emu: MmsEmulator) -> None:
    assert data(raw)["status"] == "STARTED"
    emu.update_data_source(SAMPLE_ID, status="STOPPED")
    assert data(raw)["status"] == "STOPPED"
    new_id = emu.put_data_source({**sample_data(), "id": None, "name": "added"})
    assert data(raw, new_id)["name"] == "added"
    emu.remove_data_source(SAMPLE_ID)
    assert raw.get(path(SAMPLE_ID)).code == "NotFound.DataSource"


def test_concurrent_mutation_and_reads(raw: RawClient, emu: MmsEmulator) -> None:
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            emu.update_data_source(SAMPLE_ID, dbNum=n, tableNum=n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        conn = raw.connect()
        for _ in range(50):
            target, headers = raw.build(path(SAMPLE_ID))
            body = raw.send(target, headers, connection=conn).json()["data"]
            assert body["dbNum"] == body["tableNum"]  # never a half-applied update
    finally:
        stop.set()
        thread.join()


def test_returned_records_are_copies(emu: MmsEmulator) -> None:
    record = emu.data_source(SAMPLE_ID)
    record["dstProjects"].append("mutated")
    assert emu.data_source(SAMPLE_ID)["dstProjects"] == ["mms_test1"]
    with pytest.raises(KeyError):
        emu.data_source(1)
    with pytest.raises(KeyError):
        emu.update_data_source(1, status="STOPPED")
    with pytest.raises(ValueError, match="id"):
        emu.update_data_source(SAMPLE_ID, id=3)
