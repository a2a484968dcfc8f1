"""Declarations check arguments before any request and bound every listing, whatever the server answers."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_mms import MalformedResponse, ValidationError
from pulumi_mms.core.apis import catalog, reader
from pulumi_mms.core.apis.spec import Shape


def test_a_get_needs_every_id_of_its_path() -> None:
    with pytest.raises(ValidationError, match="job_id") as caught:
        catalog.GET_MMS_JOB.call({"source_id": 2000015})
    assert caught.value.argument == "job_id"
    call = catalog.GET_MMS_JOB.call({"source_id": "2000015", "job_id": 7})
    assert call.pathname == "/api/v1/mms/datasources/2000015/jobs/7"
    assert call.subject == "job 7 of data source 2000015"
    assert call.source_id == 2000015


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"stauts": "DONE"}, "stauts"),
        ({"status": ""}, "status"),
        ({"status": 5}, "status"),
        ({"has_partitions": "yes"}, "has_partitions"),
        ({"db_id": True}, "db_id"),
        ({"db_id": 0}, "db_id"),
        ({"page_size": 101}, "page_size"),
        ({"page_num": 0}, "page_num"),
    ],
)
def test_bad_arguments_name_the_argument(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        catalog.LIST_MMS_TABLES.call({"source_id": 2000015, **arguments})
    assert caught.value.argument == field
    assert field in str(caught.value)


def test_status_lists_travel_as_json_arrays_and_a_single_status_as_one() -> None:
    many = catalog.LIST_MMS_TABLES.call({"source_id": 1, "status": ["DONE", "FAILED"]})
    one = catalog.LIST_MMS_PARTITIONS.call({"source_id": 1, "status": "DONE"})
    assert many.query["status"] == '["DONE","FAILED"]'
    assert one.query["status"] == '["DONE"]'
    assert catalog.LIST_MMS_TABLES.call({"source_id": 1}).subject == "table list of data source 1"


def test_every_declaration_is_consistent() -> None:
    for api in catalog.READ_APIS:
        wires = [p.wire for p in api.query]
        assert len(set(wires)) == len(wires), api.action
        assert ("pageNum" in wires) == (api.shape is Shape.PAGE), api.action
        assert api.response.model_fields["data"]


def pages_of(items: list[int], size: int, *, total: int | None, ignore_page_num: bool = False) -> Any:
    calls: list[int] = []

    def fetch(number: int) -> tuple[list[Any], int | None]:
        calls.append(number)
        start = 0 if ignore_page_num else (number - 1) * size
        return [type("Item", (), {"id": i})() for i in items[start : start + size]], total

    return fetch, calls


def test_pages_are_followed_to_the_total_and_deduplicated() -> None:
    fetch, calls = pages_of([1, 2, 3, 3, 4, 5, 6], 3, total=7)
    got = reader.collect_pages(fetch, 3, subject="t")
    assert [item.id for item in got] == [1, 2, 3, 4, 5, 6]
    assert calls == [1, 2, 3]


def test_a_server_ignoring_page_num_is_read_once() -> None:
    fetch, calls = pages_of(list(range(10)), 5, total=10**9, ignore_page_num=True)
    assert len(reader.collect_pages(fetch, 5, subject="t")) == 5
    assert calls == [1, 2]


def test_a_missing_total_pages_until_a_short_page() -> None:
    fetch, calls = pages_of(list(range(7)), 3, total=None)
    assert len(reader.collect_pages(fetch, 3, subject="t")) == 7
    assert calls == [1, 2, 3]


def test_endless_paging_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_PAGES", 4)
    counter = iter(range(10**6))

    def fetch(number: int) -> tuple[list[Any], int | None]:
        return [type("Item", (), {"id": next(counter)})()], None

    with pytest.raises(MalformedResponse, match="more than 4 pages"):
        reader.collect_pages(fetch, 1, subject="table list")
