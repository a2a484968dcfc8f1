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
