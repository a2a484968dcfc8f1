"""Declarations check arguments before any request and bound every listing, whatever the server answers."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_mms import ValidationError
from pulumi_mms.core.apis import catalog
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


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"rows": "asc"}, "cannot sort by 'rows' (it sorts by last_ddl_time, num_rows, size)"),
        ({"num_rows": "up"}, "each direction must be asc or desc"),
        ({}, "names no field to sort by"),
        ("num_rows", "must be a mapping of field to direction"),
    ],
)
def test_a_bad_sorter_is_refused_before_any_request_naming_the_fields(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        catalog.LIST_MMS_TABLES.call({"source_id": 1, "sorter": value})
    assert caught.value.argument == "sorter"
    assert message in str(caught.value)
    assert 'Fix: give a mapping of a field (last_ddl_time, num_rows, size) to "asc" or "desc"' in str(
        caught.value
    )


def test_a_sorter_takes_python_or_wire_names_any_case_or_its_model() -> None:
    from pulumi_mms.core.apis.models import SortOrder, TableSorter

    by_python = catalog.LIST_MMS_TABLES.call({"source_id": 1, "sorter": {"num_rows": "DESC", "size": "asc"}})
    by_wire = catalog.LIST_MMS_TABLES.call(
        {"source_id": 1, "sorter": {"numRows": SortOrder.DESC, "size": "asc"}}
    )
    by_model = catalog.LIST_MMS_TABLES.call(
        {"source_id": 1, "sorter": TableSorter(num_rows=SortOrder.DESC, size=SortOrder.ASC)}
    )
    assert (
        by_python.query == by_wire.query == by_model.query == {"sorter.numRows": "desc", "sorter.size": "asc"}
    )
    dbs = catalog.LIST_MMS_DBS.call({"source_id": 1, "sorter": {"update_time": "asc", "num_rows": "desc"}})
    assert dbs.query == {"sorter": '{"numRows":"desc","updateTime":"asc"}'}  # the SDK's field order
