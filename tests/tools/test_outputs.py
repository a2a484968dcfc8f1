"""The generated Pulumi types: current, derived from the model, and what the package really exports."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

import pulumi_mms
from pulumi_mms import MmsDataSource
from pulumi_mms.core.model import ConfigItem, DataSource, DataSourceSummary, fields_of, wire_name
from pulumi_mms.surface import drift, generated_types
from tools import outputs

ROOT = Path(__file__).resolve().parents[2]


def test_committed_module_is_current() -> None:
    committed = (ROOT / outputs.TARGET).read_text(encoding="utf-8")
    assert committed == outputs.render(), f"{outputs.TARGET} is stale: run `./dev schema`"


def test_the_exported_result_types_are_the_generated_classes() -> None:
    # What type checkers see (the generated source) is what runs: no second definition anywhere.
    for name in generated_types.__all__:
        if hasattr(pulumi_mms, name) or name in pulumi_mms.__all__:
            assert getattr(pulumi_mms, name) is getattr(generated_types, name)
    assert pulumi_mms.GetMmsDataSourceConfigResult is generated_types.GetMmsDataSourceConfigResult


@pytest.mark.parametrize(
    ("cls", "model"),
    [
        (generated_types.GetMmsDataSourceConfigResult, ConfigItem),
        (generated_types.GetMmsDataSourcesItemResult, DataSourceSummary),
    ],
)
def test_nested_types_are_dicts_keyed_by_the_schema_names(cls: type, model: type[Any]) -> None:
    assert issubclass(cls, dict)
    values = {name: f"v-{name}" for name in fields_of(model)}
    instance = cls(**values)
    assert dict(instance) == {wire_name(model, name): f"v-{name}" for name in fields_of(model)}
    for name in fields_of(model):
        assert getattr(instance, name) == f"v-{name}"


def test_every_model_field_is_a_typed_property() -> None:
    result = generated_types.GetMmsDataSourceResult
    hints = {
        name: typing.get_type_hints(member.fget, vars(generated_types))["return"]
        for name, member in vars(result).items()
        if isinstance(member, property)
    }
    assert set(hints) == {*fields_of(DataSource), "request_id"}
    assert hints["db_num"] == int | None
    assert hints["status"] == str | None  # an open enum reaches the program as its plain value
    assert hints["config"] == list[generated_types.GetMmsDataSourceConfigResult] | None


def test_the_resource_outputs_cover_the_state_and_the_inputs() -> None:
    props = {
        name: member
        for name, member in vars(generated_types.MmsDataSourceOutputs).items()
        if isinstance(member, property)
    }
    assert set(props) == {"source_id", *drift.STATE_FIELDS, *fields_of(drift.ResourceInputs)}
    hint = typing.get_type_hints(props["source_id"].fget, vars(generated_types))["return"]
    assert hint == pulumi.Output[int]


def test_the_resource_takes_exactly_the_declared_inputs() -> None:
    # MmsDataSourceArgs is generated from `ResourceInputs`: the resource must accept the same arguments.
    params = inspect.signature(MmsDataSource.__init__).parameters
    taken = [name for name in params if name not in ("self", "resource_name", "args", "opts")]
    assert sorted(taken) == sorted(fields_of(drift.ResourceInputs))
    args = generated_types.MmsDataSourceArgs(source_id=5, drift_fields=["status"])
    assert args.source_id == 5
    assert args.drift_fields == ["status"]
    assert args.name is None


class _Gadget(BaseModel):
    """A gadget."""

    model_config = ConfigDict(alias_generator=to_camel)
    gadget_name: str | None = Field(None, description="The gadget's name.")
    size: int | None = Field(None, description="Its size.")


def test_a_field_added_to_the_model_appears_in_the_source() -> None:
    spec = outputs.OutputType("GadgetResult", "A gadget.", outputs.model_fields(_Gadget, {}), as_dict=True)
    source = "\n".join(outputs.render_output_type(spec))
    assert '@pulumi.getter(name="gadgetName")' in source
    assert "def gadget_name(self) -> str | None:" in source
    assert "def size(self) -> int | None:" in source


def test_an_unexpressible_annotation_is_refused() -> None:
    with pytest.raises(outputs.GeneratorError, match="nested model"):
        outputs.annotation_source(ConfigItem, {})
    with pytest.raises(outputs.GeneratorError):
        outputs.annotation_source(set[int], {})
