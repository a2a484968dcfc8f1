"""The model against the API page, and against the official SDK as an oracle."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from alibabacloud_maxcompute20220104.models import GetMmsDataSourceResponseBody
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic.alias_generators import to_snake

from pulumi_mms.core.model import (
    ConfigItem,
    ConfigItemType,
    DataSource,
    DataSourceStatus,
    DataSourceType,
    GetMmsDataSourceResponse,
    fields_of,
    is_volatile,
    wire_name,
)

SAMPLE: dict[str, Any] = json.loads(
    resources.files("pulumi_mms.testing").joinpath("sample_data.json").read_text(encoding="utf-8")
)

API_DATA_FIELDS = {
    "id",
    "region",
    "name",
    "dstProject",
    "dstProjects",
    "type",
    "networklink",
    "lastUpdateTime",
    "dbNum",
    "tableNum",
    "partitionNum",
    "createTime",
    "status",
    "errMsg",
    "config",
    "agentIsOnline",
    "tablesDoingNum",
    "tablesDoneNum",
    "tablesPartDoneNum",
    "tablesFailedNum",
    "partitionsDoingNum",
    "partitionsDoneNum",
    "partitionsFailedNum",
    "scanId",
}
API_CONFIG_FIELDS = {
    "name",
    "key",
    "desc",
    "placeHolder",
    "type",
    "subType",
    "value",
    "enums",
    "required",
    "group",
    "subItems",
}


def test_every_documented_field_is_modelled_with_a_description() -> None:
    assert {wire_name(DataSource, f) for f in DataSource.model_fields} == API_DATA_FIELDS
    assert {wire_name(ConfigItem, f) for f in fields_of(ConfigItem)} == API_CONFIG_FIELDS
    for model in (DataSource, ConfigItem):
        for name, info in fields_of(model).items():
            assert info.description, f"{model.__name__}.{name} has no description"


def test_sample_response_parses_to_snake_case_fields() -> None:
    response = GetMmsDataSourceResponse.model_validate(SAMPLE)
    data = response.data
    assert response.request_id == "98EC8C47-3D6D-560C-808B-84E494220A32"
    assert data.id == 2000015
    assert data.dst_projects == ["mms_test1"]
    assert data.network_link == "vpc-2zebqp6uojhdla46677tl:cn-shanghai"
    assert data.type is DataSourceType.BIGQUERY
    assert data.status is DataSourceStatus.STARTED
    assert data.partition_num == 10000000
    assert data.config is not None
    item = data.config[0]
    assert item.place_holder == "Cluster or Partition"
    assert item.type is ConfigItemType.STRING
    assert item.value == "Partition\n"


def test_unknown_enum_values_are_kept_and_the_page_typo_is_accepted() -> None:
    data = DataSource.model_validate({"type": "ORACLE", "status": "PAUSED"})
    assert data.type == "ORACLE"
    assert data.status == "PAUSED"
    assert TypeAdapter(ConfigItem).validate_python({"type": "booelan"}).type is ConfigItemType.BOOLEAN
    assert TypeAdapter(ConfigItem).validate_python({"type": "secret-file"}).type == "secret-file"


def test_missing_optional_fields_are_none() -> None:
    data = GetMmsDataSourceResponse.model_validate({"requestId": "r", "data": {"id": 7}}).data
    assert data.db_num is None
    assert data.config is None
    assert data.agent_is_online is None


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"requestId": "r", "data": []}, "data"),
        ({"requestId": "r", "data": {"dstProjects": "p1"}}, "data.dstProjects"),
        ({"requestId": "r", "data": {"dbNum": "three"}}, "data.dbNum"),
        ({"requestId": "r", "data": {"config": [{"enums": 5}]}}, "data.config.0.enums"),
    ],
)
def test_structurally_wrong_bodies_name_the_field_path(body: dict[str, Any], path: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        GetMmsDataSourceResponse.model_validate(body)
    assert ".".join(str(p) for p in caught.value.errors()[0]["loc"]) == path


def test_password_values_are_masked_in_repr() -> None:
    item = TypeAdapter(ConfigItem).validate_python({"type": "password", "value": "hunter2-distinctive"})
    assert "hunter2-distinctive" not in repr(item)
    assert "hunter2-distinctive" not in str(item)
    assert item.value == "hunter2-distinctive"


def test_volatile_fields_are_counters_and_times() -> None:
    volatile = {f for f in DataSource.model_fields if is_volatile(DataSource, f)}
    assert "status" not in volatile
    assert "dst_projects" not in volatile
    assert {"tables_done_num", "partitions_doing_num", "last_update_time", "scan_id"} <= volatile


# -- oracle: the official SDK reads the same values ------------------------------------------------

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.text(max_size=8))
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
opt = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731
ints = st.integers(0, 2**53)
texts = st.text(max_size=12)

config_items = st.fixed_dictionaries(
    {},
    optional={
        "name": opt(texts),
        "key": opt(texts),
        "desc": opt(texts),
        "placeHolder": opt(texts),
        "type": opt(st.sampled_from(["password", "file", "string", "map", "boolean", "int", "float"])),
        "subType": opt(texts),
        "value": json_value,
        "enums": opt(st.lists(texts, max_size=3)),
        "required": opt(st.booleans()),
        "group": opt(texts),
        "subItems": opt(st.dictionaries(texts, json_value, max_size=3)),
    },
)
data_bodies = st.fixed_dictionaries(
    {},
    optional={
        "id": opt(ints),
        "region": opt(texts),
        "name": opt(texts),
        "dstProject": opt(texts),
        "dstProjects": opt(st.lists(texts, max_size=4)),
        "type": opt(st.sampled_from(["HIVE", "BIGQUERY", "MAXCOMPUTE", "DATABRICKS"])),
        "networklink": opt(texts),
        "lastUpdateTime": opt(texts),
        "dbNum": opt(ints),
        "tableNum": opt(ints),
        "partitionNum": opt(ints),
        "createTime": opt(texts),
        "status": opt(st.sampled_from([s.value for s in DataSourceStatus] + ["NEW_STATE"])),
        "errMsg": opt(texts),
        "config": opt(st.lists(config_items, max_size=3)),
        "agentIsOnline": opt(st.booleans()),
        "tablesDoingNum": opt(ints),
        "tablesDoneNum": opt(ints),
        "tablesPartDoneNum": opt(ints),
        "tablesFailedNum": opt(ints),
        "partitionsDoingNum": opt(ints),
        "partitionsDoneNum": opt(ints),
        "partitionsFailedNum": opt(ints),
        "scanId": opt(ints),
    },
)
bodies = st.fixed_dictionaries({"requestId": texts, "data": data_bodies})


def _plain(value: Any) -> Any:
    return (
        value.value if hasattr(value, "value") and not isinstance(value, (ConfigItem, DataSource)) else value
    )


def _assert_same(ours: Any, theirs: Any, model: type[Any]) -> None:
    for name in fields_of(model):
        sdk_name = to_snake(wire_name(model, name))
        mine = getattr(ours, name)
        sdk = getattr(theirs, sdk_name)
        if name == "config":
            assert (mine or []) == [] if not sdk else len(mine or []) == len(sdk)
            for my_item, sdk_item in zip(mine or [], sdk or [], strict=True):
                _assert_same(my_item, sdk_item, ConfigItem)
        elif isinstance(mine, ConfigItemType) and sdk == "booelan":
            assert mine is ConfigItemType.BOOLEAN
        else:
            assert _plain(mine) == sdk, f"{model.__name__}.{name}: {mine!r} != {sdk!r}"


def test_oracle_sample_response() -> None:
    ours = GetMmsDataSourceResponse.model_validate(SAMPLE)
    theirs = GetMmsDataSourceResponseBody().from_map(json.loads(json.dumps(SAMPLE)))
    assert ours.request_id == theirs.request_id
    _assert_same(ours.data, theirs.data, DataSource)


@settings(max_examples=150, deadline=None)
@given(bodies)
def test_oracle_generated_bodies(body: dict[str, Any]) -> None:
    ours = GetMmsDataSourceResponse.model_validate(body)
    theirs = GetMmsDataSourceResponseBody().from_map(json.loads(json.dumps(body)))
    assert ours.request_id == theirs.request_id
    _assert_same(ours.data, theirs.data, DataSource)


def test_equal_responses_share_their_set_of_given_fields_and_copies_do_not_change_it() -> None:
    from pulumi_mms.core.model import DataSourceSummary, share_fields_set

    body = b'{"requestId": "r", "data": {"id": 1, "name": "a", "status": "STARTED"}}'
    first, second = (GetMmsDataSourceResponse.model_validate_json(body) for _ in range(2))
    assert first.data.model_fields_set is not second.data.model_fields_set
    share_fields_set(first)
    share_fields_set(second)
    assert first.data.model_fields_set is second.data.model_fields_set
    assert first.model_fields_set is second.model_fields_set
    assert first.data.model_fields_set == {"id", "name", "status"}
    updated = first.data.model_copy(update={"region": "cn-shanghai"})
    assert updated.model_fields_set == {"id", "name", "status", "region"}
    assert second.data.model_fields_set == {"id", "name", "status"}
    assert first.model_dump(exclude_unset=True) == second.model_dump(exclude_unset=True)
    summary = DataSourceSummary.model_validate({"id": 2})
    share_fields_set(summary)
    assert summary.model_fields_set == {"id"}


def test_only_frozen_models_share_their_set_of_given_fields() -> None:
    from pydantic import BaseModel

    from pulumi_mms.core.model import share_fields_set

    class Open(BaseModel):
        x: int = 0

    with pytest.raises(TypeError):
        share_fields_set(Open(x=1))
