"""Building results: generated types hold what `pulumi.set` would; the model answers `holds_password`."""

from __future__ import annotations

from typing import Any

import pulumi
from hypothesis import given
from hypothesis import strategies as st
from pulumi import _types

from pulumi_mms.core.model import DataSource, DataSourceSummary
from pulumi_mms.surface import generated_types
from pulumi_mms.surface.outputs import (
    GetMmsDataSourceConfigResult,
    GetMmsDataSourceResult,
    data_source_output_result,
    data_sources_output_result,
    holds_password,
    holds_password_value,
)


def _output_types() -> list[type[Any]]:
    return [
        cls
        for name in generated_types.__all__
        if _types.is_output_type(cls := getattr(generated_types, name))
    ]


def _sample(cls: type[Any]) -> dict[str, Any]:
    """A value for every property (None for every other one)."""
    properties = _types._py_properties(cls)
    return {name: f"v-{name}" if index % 3 else None for index, (name, _, _) in enumerate(properties)}


def test_every_output_type_stores_its_values_where_pulumi_set_does() -> None:
    for cls in _output_types():
        values = _sample(cls)
        built = cls(**values)
        expected = cls.__new__(cls)
        if isinstance(expected, dict):
            for name, value in values.items():
                if value is not None:
                    pulumi.set(expected, name, value)
            assert dict(built) == dict(expected), cls.__name__
        else:
            for name, value in values.items():
                pulumi.set(expected, name, value)
            assert vars(built) == vars(expected), cls.__name__
        for name, value in values.items():
            assert getattr(built, name) == value == pulumi.get(built, name), (cls.__name__, name)
        assert _types.output_type_to_dict(built) == _types.output_type_to_dict(expected)


_item = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["password", "Password", "string", "map", None]),
        "value": st.one_of(st.none(), st.text(max_size=3), st.just({"type": "password", "value": "p"})),
        "subItems": st.one_of(
            st.none(),
            st.just({"inner": {"type": "PASSWORD", "value": "p"}}),
            st.just({"inner": {"type": "password", "value": None}}),
            st.just({"inner": {"type": "string", "value": "p"}}),
        ),
    }
)


@given(st.one_of(st.none(), st.lists(_item, max_size=3)))
def test_the_model_says_whether_a_result_holds_a_password(config: list[dict[str, Any]] | None) -> None:
    data = DataSource.model_validate({"id": 1, "name": "n", "type": "HIVE", "config": config})
    assert holds_password_value(data) == holds_password(data_source_output_result(data, "r"))
    summary = DataSourceSummary.model_validate({"id": 2, "config": config})
    listing = [DataSourceSummary.model_validate({"id": 1}), summary]
    assert holds_password_value(listing) == holds_password(data_sources_output_result(listing))


def test_a_result_built_from_the_model_is_typed_and_keyed_as_the_schema() -> None:
    data = DataSource.model_validate(
        {"id": 1, "type": "HIVE", "config": [{"type": "password", "value": "p", "placeHolder": "x"}]}
    )
    result = data_source_output_result(data, "req")
    assert isinstance(result, GetMmsDataSourceResult)
    assert result.type == "HIVE"
    assert type(result.type) is str
    assert result.request_id == "req"
    (item,) = result.config or []
    assert isinstance(item, GetMmsDataSourceConfigResult)
    assert dict(item) == {"type": "password", "value": "p", "placeHolder": "x"}
    assert item.place_holder == "x" == pulumi.get(item, "place_holder")
