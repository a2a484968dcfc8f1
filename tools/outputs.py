"""pulumi_mms/surface/generated_types.py: the Pulumi types of the package, written as source from the model.

The output types of the functions (`GetMmsDataSourceResult`, its nested `GetMmsDataSourceConfigResult`,
...), the typed outputs of `MmsDataSource` (`MmsDataSourceOutputs`, its nested `MmsDataSourceConfig`) and
`MmsDataSourceArgs` are generated here from the pydantic model (`pulumi_mms.core.model`) and the declared
resource inputs (`pulumi_mms.surface.drift.ResourceInputs`), in the shape of Pulumi's generated SDKs:
nested output types subclass `dict` (so they can be exported and passed to resource inputs), one
`@pulumi.getter` property per field. Being real source, what type checkers see is what runs.

`./dev schema` writes the module with schema.json; `--check` fails when it is stale.
"""

from __future__ import annotations

import textwrap
import types
import typing
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import attrs
from pydantic import BaseModel
from pydantic.dataclasses import is_pydantic_dataclass

from pulumi_mms.core.model import (
    ConfigItem,
    DataSource,
    DataSourceList,
    DataSourceSummary,
    GetMmsDataSourceResponse,
    fields_of,
    wire_name,
)
from pulumi_mms.surface import drift

TARGET = Path("pulumi_mms/surface/generated_types.py")
"""Where the module goes, relative to the repository root."""


class GeneratorError(Exception):
    """A model field cannot be written as a Python type (extend `annotation_source`)."""


@attrs.frozen
class Field:
    """One property of a generated class."""

    python_name: str
    pulumi_name: str
    annotation: str
    description: str


@attrs.frozen
class OutputType:
    """An `@pulumi.output_type` class.

    `as_dict`: a nested type, a `dict` whose keys are the Pulumi names (camelCase for the functions, as in
    schema.json; the state's snake_case names for the resource). `awaitable`: also write the
    `Awaitable<name>` twin that the plain form of a function returns, as generated SDKs do.
    """

    name: str
    doc: str
    fields: tuple[Field, ...]
    as_dict: bool = False
    awaitable: bool = False


# -- Python annotations as source ------------------------------------------------------------------------

_BUILTINS = {bool: "bool", int: "int", float: "float", str: "str"}


def annotation_source(annotation: Any, nested: Mapping[type, str]) -> str:
    """Source text of the output type of a model annotation; enums become `str` (their plain values)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return annotation_source(args[0], nested)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in args if m is not type(None)]
        texts = list(dict.fromkeys(annotation_source(m, nested) for m in members))
        if type(None) in args:
            texts.append("None")
        return " | ".join(texts)
    if annotation is Any:
        return "Any"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "str"
    if annotation in nested:
        return nested[annotation]
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or is_pydantic_dataclass(annotation)
    ):
        raise GeneratorError(f"no output type is declared for the nested model {annotation.__name__}")
    if annotation in _BUILTINS:
        return _BUILTINS[annotation]
    if origin in (list, Sequence) and len(args) == 1:
        return f"list[{annotation_source(args[0], nested)}]"
    if origin in (dict, Mapping) and len(args) == 2:
        return f"dict[{annotation_source(args[0], nested)}, {annotation_source(args[1], nested)}]"
    raise GeneratorError(f"cannot write {annotation!r} as an output type")


def model_fields(
    model: type[Any],
    nested: Mapping[type, str],
    *,
    keys: str = "wire",
    exclude: Sequence[str] = (),
    only: Sequence[str] | None = None,
) -> tuple[Field, ...]:
    """The fields of a model as properties: `keys` is `wire` (camelCase, schema.json) or `python`."""
    found = []
    for name, info in fields_of(model).items():
        if name in exclude or (only is not None and name not in only):
            continue
        pulumi_name = wire_name(model, name) if keys == "wire" else name
        found.append(
            Field(name, pulumi_name, annotation_source(info.annotation, nested), info.description or "")
        )
    return tuple(found)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0]


def output_types() -> tuple[OutputType, ...]:
    """Every generated output type, nested ones first."""
    function_nested: dict[type, str] = {ConfigItem: "GetMmsDataSourceConfigResult"}
    config = OutputType(
        "GetMmsDataSourceConfigResult",
        "A configuration item of a data source. Keys are the Pulumi names (camelCase, as in schema.json).",
        model_fields(ConfigItem, function_nested),
        as_dict=True,
    )
    response = model_fields(GetMmsDataSourceResponse, function_nested, exclude=("data",))
    result = OutputType(
        "GetMmsDataSourceResult",
        "The result of get_mms_data_source: the data source's fields and the request id.",
        model_fields(DataSource, function_nested) + response,
        awaitable=True,
    )
    item = OutputType(
        "GetMmsDataSourcesItemResult",
        "One data source of get_mms_data_sources' result. Keys are the Pulumi names (camelCase).",
        model_fields(DataSourceSummary, function_nested),
        as_dict=True,
    )
    listing = OutputType(
        "GetMmsDataSourcesResult",
        "The result of get_mms_data_sources: " + _first_line(DataSourceList.__doc__),
        model_fields(DataSourceList, {**function_nested, DataSourceSummary: "GetMmsDataSourcesItemResult"}),
        awaitable=True,
    )
    resource_config = OutputType(
        "MmsDataSourceConfig",
        "A configuration item in `MmsDataSource`'s state (keys in snake_case; password values are null).",
        model_fields(ConfigItem, {}, keys="python"),
        as_dict=True,
    )
    from tools import functions

    return (config, result, item, listing, resource_config, *functions.output_types(function_nested))


def resource_outputs() -> tuple[Field, ...]:
    """The typed outputs of `MmsDataSource`: `source_id`, every input, every state field."""
    nested: dict[type, str] = {ConfigItem: "MmsDataSourceConfig"}
    fields = [Field("source_id", "source_id", "int", "The data source ID.")]
    for field in _inputs():
        if field.python_name not in drift.STATE_FIELDS and field.python_name != "source_id":
            fields.append(field)
    fields += model_fields(DataSource, nested, keys="python", only=drift.STATE_FIELDS)
    return tuple(fields)


def _inputs() -> tuple[Field, ...]:
    return model_fields(drift.ResourceInputs, {}, keys="python")


# -- rendering -------------------------------------------------------------------------------------------

WIDTH = 110
_ANY_RETURN = "  # type: ignore[no-any-return]"  # pulumi.get is untyped

HEADER = '''\
# Generated by `./dev schema` (tools/outputs.py) from pulumi_mms.core.model: do not edit by hand.
"""Pulumi types of pulumi-mms, generated from the model as Pulumi's SDK generator would write them.

Nested output types subclass `dict` (keys: the Pulumi names), so a result's `data_sources` or `config`
can be exported or passed to another resource's input as it is.
"""

from __future__ import annotations

import builtins as _builtins
from collections.abc import Generator, Sequence
from typing import Any

import pulumi

'''


def _docstring(text: str, indent: str) -> list[str]:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if len(indent) + len(text) + 6 <= WIDTH:
        return [f'{indent}"""{text}"""']
    body = textwrap.wrap(text, WIDTH - len(indent), break_long_words=False, break_on_hyphens=False)
    return [f'{indent}"""', *(indent + line for line in body), f'{indent}"""']


def _getter(field: Field, annotation: str) -> list[str]:
    decorator = (
        "    @pulumi.getter"
        if field.pulumi_name == field.python_name
        else f'    @pulumi.getter(name="{field.pulumi_name}")'
    )
    return [
        "    @_builtins.property",
        decorator,
        f"    def {field.python_name}(self) -> {annotation}:",
        *_docstring(field.description, "        "),
        f'        return pulumi.get(self, "{field.python_name}"){_ANY_RETURN if annotation != "Any" else ""}',
        "",
    ]


def _init(fields: Sequence[Field], annotation: Any, skip_none: bool) -> list[str]:
    lines = ["    def __init__(", "        __self__,", "        *,"]
    lines += [f"        {f.python_name}: {annotation(f)} = None," for f in fields]
    lines += ["    ) -> None:"]
    for field in fields:
        if skip_none:
            lines += [
                f"        if {field.python_name} is not None:",
                f'            pulumi.set(__self__, "{field.python_name}", {field.python_name})',
            ]
        else:
            lines.append(f'        pulumi.set(__self__, "{field.python_name}", {field.python_name})')
    return [*lines, ""]


def _output_init(spec: OutputType) -> list[str]:
    """An output type's `__init__`, storing each value where `pulumi.set` would, without its per-call lookups.

    `pulumi.set` on an output type stores a value in the instance's `__dict__` under its Python name, or,
    for a `dict` type, under its Pulumi name (the key `_translate_property` leaves it), skipping None as
    generated SDKs do; writing there directly gives the same object for a fraction of the cost (a program
    builds one result per lookup: BENCHMARKS.md, B11); the getters read it with `pulumi.get` as before.
    """
    lines = ["    def __init__(", "        __self__,", "        *,"]
    lines += [f"        {f.python_name}: {_optional(f.annotation)} = None," for f in spec.fields]
    lines += ["    ) -> None:"]
    if spec.as_dict:
        for field in spec.fields:
            lines += [
                f"        if {field.python_name} is not None:",
                f'            __self__["{field.pulumi_name}"] = {field.python_name}',
            ]
    else:
        lines += [
            "        __self__.__dict__.update(",
            *(f"            {f.python_name}={f.python_name}," for f in spec.fields),
            "        )",
        ]
    return [*lines, ""]


def _optional(annotation: str) -> str:
    return annotation if annotation.endswith("| None") or annotation == "Any" else f"{annotation} | None"


def render_output_type(spec: OutputType) -> list[str]:
    base = "(dict[str, Any])" if spec.as_dict else ""
    lines = ["@pulumi.output_type", f"class {spec.name}{base}:", *_docstring(spec.doc, "    "), ""]
    lines += _output_init(spec)
    if spec.as_dict and any(f.pulumi_name != f.python_name for f in spec.fields):
        lines += [
            "    def _translate_property(self, prop: str) -> str:",
            "        # The dict's keys are the Pulumi names: what an export or a resource input receives.",
            "        return prop",
            "",
        ]
    for field in spec.fields:
        lines += _getter(field, field.annotation)
    lines.append("")
    if spec.awaitable:
        lines += [
            f"class Awaitable{spec.name}({spec.name}):",
            *_docstring(
                f"`{spec.name}` as the plain form returns it (awaitable, as generated SDKs do).", "    "
            ),
            "",
            f"    def __await__(self) -> Generator[Any, None, {spec.name}]:",
            "        if False:",
            "            yield self",
            f"        return {spec.name}(",
            *(f"            {f.python_name}=self.{f.python_name}," for f in spec.fields),
            "        )",
            "",
            "",
        ]
    return lines


def _input_annotation(field: Field) -> str:
    inner = field.annotation.removesuffix(" | None")
    if inner.startswith("list["):
        inner = f"Sequence[pulumi.Input[{inner[5:-1]}]]"
    return f"pulumi.Input[{inner}] | None"


def render_args() -> list[str]:
    fields = _inputs()
    lines = [
        "@pulumi.input_type",
        "class MmsDataSourceArgs:",
        *_docstring("The arguments of `MmsDataSource`.", "    "),
        "",
        *_init(fields, _input_annotation, skip_none=True),
    ]
    for field in fields:
        annotation = _input_annotation(field)
        lines += _getter(field, annotation)
        lines += [
            f"    @{field.python_name}.setter",
            f"    def {field.python_name}(self, value: {annotation}) -> None:",
            f'        pulumi.set(self, "{field.python_name}", value)',
            "",
        ]
    return [*lines, ""]


def render_resource_outputs() -> list[str]:
    lines = [
        "class MmsDataSourceOutputs:",
        *_docstring(
            "The typed outputs of `MmsDataSource` (a base class of the resource): one `pulumi.Output` per "
            "input and per field of the data source, named as in the state (snake_case).",
            "    ",
        ),
        "",
    ]
    for field in resource_outputs():
        lines += _getter(field, f"pulumi.Output[{field.annotation}]")
    return [*lines, ""]


def render() -> str:
    specs = output_types()
    names = sorted([s.name for s in specs] + [f"Awaitable{s.name}" for s in specs if s.awaitable])
    names += ["MmsDataSourceArgs", "MmsDataSourceOutputs"]
    lines = [HEADER.rstrip("\n"), "", "__all__ = [", *(f'    "{n}",' for n in sorted(names)), "]", "", ""]
    for spec in specs:
        lines += render_output_type(spec)
    lines += render_args()
    lines += render_resource_outputs()
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text.replace("\n\n\n\n", "\n\n\n")
