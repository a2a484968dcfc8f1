"""Every declared read API parses answers exactly as the official SDK's models do (`from_map`/`to_map`).

Bodies are drawn by hypothesis from the SDK's own response classes (every field, nested models, lists,
maps), so a field we lack, misname or mistype shows as a difference.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from alibabacloud_maxcompute20220104 import models as sdk_models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_mms.core import apis
from pulumi_mms.core.apis.models import JobStatus, MigrationStatus, ScanStatus
from pulumi_mms.core.apis.spec import ReadApi

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=8))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
STATUSES = [*(s.value for s in (*JobStatus, *MigrationStatus, *ScanStatus)), "SOMETHING_NEW"]
LEAVES: dict[str, st.SearchStrategy[Any]] = {
    "str": st.text(max_size=12),
    "int": st.integers(-(2**53), 2**53),
    "float": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "bool": st.booleans(),
    "Any": json_values,
    "List[str]": st.lists(st.text(max_size=6), max_size=3),
    "List[int]": st.lists(st.integers(0, 2**31), max_size=3),
    "Dict[str, str]": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    "Dict[str, Any]": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
}


def sdk_instances(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of an SDK model class with any subset of its fields set."""
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self":
            continue
        hint = str(param.annotation).replace("main_models.", "")
        if name == "status" and hint == "str":
            optional[name] = st.sampled_from(STATUSES)
        elif hint in LEAVES:
            optional[name] = LEAVES[hint]
        elif hint.startswith("List["):
            optional[name] = st.lists(
                st.deferred(lambda h=hint: sdk_instances(getattr(sdk_models, h[5:-1]))), max_size=2
            )
        else:
            optional[name] = st.deferred(lambda h=hint: sdk_instances(getattr(sdk_models, h)))
    return st.fixed_dictionaries({}, optional=optional).map(lambda kwargs: cls(**kwargs))


def pruned(value: Any) -> Any:
    """Without absent values: the SDK writes absent lists as [], pydantic keeps None."""
    if isinstance(value, dict):
        return {k: pruned(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [pruned(v) for v in value]
    return value


def ours(api: ReadApi[Any], body: dict[str, Any]) -> Any:
    parsed = api.response.model_validate(body)
    return pruned(parsed.model_dump(by_alias=True, exclude_none=True, mode="json"))


def sdk(api: ReadApi[Any], body: dict[str, Any]) -> Any:
    return pruned(getattr(sdk_models, f"{api.action}ResponseBody")().from_map(body).to_map())


@pytest.mark.parametrize("api", apis.READ_APIS, ids=lambda api: api.action)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_bodies_parse_as_the_sdk_parses_them(api: ReadApi[Any], data: st.DataObject) -> None:
    instance = data.draw(sdk_instances(getattr(sdk_models, f"{api.action}ResponseBody")))
    body = instance.to_map()
    body.setdefault("data", {} if api.shape.value == "item" else [] if api.shape.value == "list" else {})
    assert ours(api, body) == sdk(api, body)


SAMPLES: dict[str, dict[str, Any]] = {
    "ListMmsTables": {
        "requestId": "R1",
        "data": {
            "total": 1,
            "pageNum": 1,
            "pageSize": 10,
            "objectList": [
                {
                    "id": 9, "dbId": 3, "dbName": "sales", "name": "orders", "status": "DONE",
                    "hasPartitions": True, "dstProjectName": "mms_dst", "partitionsDone": 4,
                    "schema": {
                        "name": "orders", "comment": "",
                        "columns": [{"name": "id", "type": "bigint", "nullable": False}],
                        "partitions": [{"name": "ds", "type": "string"}],
                    },
                }
            ],
        },
    },
    "GetMmsJob": {
        "requestId": "R2",
        "data": {
            "id": 18, "name": "mig_sales", "status": "FAILED", "stopped": False, "taskNum": 3, "taskDone": 2,
            "config": {"tables": ["orders"], "enableVerification": True, "others": {"k": [1, {"x": None}]}},
        },
    },
    "ListMmsTaskLogs": {
        "requestId": "R3",
        "data": [{"id": 1, "taskId": 5, "status": "DOING", "action": "start", "msg": "ok"}],
    },
    "GetMmsFetchMetadataJob": {
        "requestId": "R4",
        "data": {"id": 2, "sourceId": 2000015, "status": "SUCCESS", "progress": 10000, "result": "{}"},
    },
    "ListMmsDataSourceConfigItems": {
        "requestId": "R5",
        "data": [{"key": "hive.password", "type": "password", "value": None, "required": True}],
    },
}  # fmt: skip


@pytest.mark.parametrize("action", SAMPLES)
def test_samples_parse_as_the_sdk_parses_them(action: str) -> None:
    api = apis.BY_ACTION[action]
    assert ours(api, SAMPLES[action]) == sdk(api, SAMPLES[action])


def test_statuses_are_open_enums() -> None:
    table = apis.BY_ACTION["GetMmsTable"].response.model_validate({"data": {"status": "DONE"}})
    assert table.data.status is MigrationStatus.DONE  # type: ignore[attr-defined]
    newer = apis.BY_ACTION["GetMmsTable"].response.model_validate({"data": {"status": "ARCHIVED"}})
    assert newer.data.status == "ARCHIVED"  # type: ignore[attr-defined]
    job = apis.BY_ACTION["GetMmsJob"].response.model_validate({"data": {"status": "FAILED"}})
    assert job.data.status is JobStatus.FAILED  # type: ignore[attr-defined]
