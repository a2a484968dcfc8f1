"""schema.json: the Pulumi Package Schema of `mms`, derived from the model, `SETTINGS` and the Pulumi surface.

Nothing here lists a field. Output properties, their types and descriptions come from the pydantic models
(`pulumi_mms.model`); function inputs come from the signatures (`pulumi.Input[T]` annotations) and
`:param` docstrings of the Python functions, the resource's from its declared inputs
(`drift.ResourceInputs`, which `MmsDataSourceArgs` is generated from); config variables come from
`SETTINGS`. Descriptions are made language-neutral (`neutral`). Exposing another function is one more
`Function(...)` entry in `functions()`.

`./dev schema` writes schema.json, README.md's generated blocks and the generated Pulumi types
(`tools/outputs.py`); `--check` exits 1 when any is stale.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs
import pulumi.output
from pulumi import Output
from pydantic import BaseModel
from pydantic.alias_generators import to_camel, to_snake
from pydantic.dataclasses import is_pydantic_dataclass

from pulumi_mms.core.model import (
    DataSource,
    DataSourceList,
    GetMmsDataSourceResponse,
    fields_of,
    is_volatile,
    wire_name,
)
from pulumi_mms.core.settings import SETTINGS, SettingSpec
from pulumi_mms.surface import drift
from pulumi_mms.surface.data_source_function import get_mms_data_source, get_mms_data_source_output
from pulumi_mms.surface.data_sources_function import get_mms_data_sources, get_mms_data_sources_output

PACKAGE = "mms"
DISTRIBUTION = "pulumi-mms"
ANY = {"$ref": "pulumi.json#/Any"}
REPO_ROOT = Path(__file__).resolve().parents[1]


class SchemaError(Exception):
    """The Python surface cannot be expressed in the schema (an undocumented parameter, an unknown type)."""


DYNAMIC_RESOURCE = "pulumi-python:dynamic/mms:MmsDataSource"
"""The type `MmsDataSource` registers with: Python dynamic resources are `pulumi-python:dynamic/<name>`."""

DESCRIPTION_NOTE = (
    "The functions run inside the Python program and MmsDataSource is a dynamic resource of the Python "
    "SDK: no provider plugin serves this package, so programs in other languages cannot use it yet."
)


def token(name: str) -> str:
    return f"{PACKAGE}:index:{name}"


_PYTHON_NAME = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`")


def neutral(text: str) -> str:
    """A description for every language: backquoted snake_case names become the schema's camelCase."""
    return _PYTHON_NAME.sub(lambda match: f"`{to_camel(match.group(1))}`", text)


def pascal(name: str) -> str:
    """`getMmsDataSource` -> `GetMmsDataSource`, `dst_projects` -> `DstProjects`."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


@attrs.frozen
class Function:
    """One data-source function: the plain and Output forms, and the model of what it returns.

    Inputs: the Output form's parameters (their `pulumi.Input[T]` types) with the plain form's `:param`
    descriptions. Outputs: the fields of `result`; the fields of its `flatten` field are lifted to the top
    (GetMmsDataSource's `data`), as the Python result type does.
    """

    name: str
    plain: Callable[..., Any]
    output: Callable[..., Any]
    result: type[BaseModel]
    flatten: str | None = None
    description: str | None = None
    """Language-neutral text; by default the plain form's docstring (without its `:param` lines)."""


@attrs.frozen
class Resource:
    """A resource: its runtime type token, its inputs, the model of its state and how state maps to it.

    `inputs` declares the arguments (a model; the class must take the same ones); `state` lists model
    fields kept as outputs; `renamed` maps a model field to its output name (Pulumi drops an output named
    `id`); `notes` appends a sentence to a property's description.
    """

    token: str
    description: str
    inputs: type[Any]
    model: type[BaseModel]
    state: Sequence[str]
    renamed: Mapping[str, str] = attrs.field(factory=dict)
    always_set: Sequence[str] = ()
    replace_on_changes: Sequence[str] = ()
    notes: Mapping[str, str] = attrs.field(factory=dict)
    args: type | None = None


def functions() -> tuple[Function, ...]:
    """The functions of the package, in schema order."""
    return (
        Function(
            "getMmsDataSource",
            get_mms_data_source,
            get_mms_data_source_output,
            GetMmsDataSourceResponse,
            flatten="data",
            description=(
                "Reads an MMS data source (MaxCompute API GetMmsDataSource), by id or by exact name, and "
                "optionally waits until it is ready. Password-typed configuration values are secrets."
            ),
        ),
        Function(
            "getMmsDataSources",
            get_mms_data_sources,
            get_mms_data_sources_output,
            DataSourceList,
            description=(
                "Lists the MMS data sources matching every given filter, ordered by id (MaxCompute API "
                "ListMmsDataSources, every page; with `withConfig`, each one is also read with "
                "GetMmsDataSource). Password-typed configuration values are secrets."
            ),
        ),
        *migration_functions(),
    )


def migration_functions() -> tuple[Function, ...]:
    """One per declared read API of a migration (`migration_lookups.FUNCTIONS`)."""
    from pulumi_mms.surface import migration_functions as generated
    from pulumi_mms.surface.migration_lookups import FUNCTIONS, listing_model

    return tuple(
        Function(
            fn.token.rsplit(":", 1)[-1],
            getattr(generated, fn.name),
            getattr(generated, f"{fn.name}_output"),
            fn.summary or (fn.api.item if fn.items is None else listing_model(fn)),
        )
        for fn in FUNCTIONS
    )


def resources() -> tuple[Resource, ...]:
    """The resources of the package, in schema order."""
    return (
        Resource(
            DYNAMIC_RESOURCE,
            (
                "An MMS data source read as a resource: live values in previews, drift shown as a diff. It "
                "never changes anything in the cloud; deleting it only forgets it. Its provider is a Pulumi "
                "dynamic provider of the Python SDK, so only Python programs can use it."
            ),
            drift.ResourceInputs,
            DataSource,
            drift.STATE_FIELDS,
            renamed={"id": "source_id"},
            always_set=("source_id",),
            replace_on_changes=("source_id",),
            notes={
                "config": "Password values are omitted (null): a secret never reaches state.",
                "drift_fields": f"Valid names: {', '.join(f'`{f}`' for f in drift.STATE_FIELDS)}.",
            },
        ),
    )


# -- types ---------------------------------------------------------------------------------------------


class TypeRegistry:
    """The `types` section, filled as properties refer to object and enum types."""

    def __init__(self) -> None:
        self.specs: dict[str, dict[str, Any]] = {}

    def enum(self, cls: type[Enum]) -> str:
        ref = token(cls.__name__)
        if ref not in self.specs:
            self.specs[ref] = {
                "description": inspect.getdoc(cls) or cls.__name__,
                "type": "string",
                "enum": [{"name": member.name, "value": member.value} for member in cls],
            }
        return f"#/types/{ref}"

    def object(self, model: type[Any], name: str) -> str:
        ref = token(name)
        if ref not in self.specs:
            self.specs[ref] = {}  # reserved first: a model may refer to itself
            self.specs[ref] = {
                "description": neutral(inspect.getdoc(model) or name),
                "type": "object",
                "properties": model_properties(model, self, owner=name),
            }
        return f"#/types/{ref}"


def _strip_input(members: list[Any]) -> list[Any]:
    """Drop None and the Awaitable/Output members of `pulumi.Input[T]`: what is left is T."""
    kept = []
    for member in members:
        origin = typing.get_origin(member) or member
        if member is type(None) or origin in (Awaitable, Output):
            continue
        kept.append(member)
    return kept


def type_spec(annotation: Any, registry: TypeRegistry, owner: str, prop: str) -> dict[str, Any]:
    """The schema typeSpec of a Python annotation; nested models become object types `<owner><Prop>`."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_spec(args[0], registry, owner, prop)
    if origin in (typing.Union, types.UnionType):
        members = _strip_input(list(args))
        if len(members) == 1:
            return type_spec(members[0], registry, owner, prop)
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        mappings = [m for m in members if typing.get_origin(m) in (dict, Mapping)]
        if len(models) == 1 and len(mappings) == 1 and len(members) == 2:
            # A typed object also given as a plain mapping (a sorter): the schema shows its type.
            return type_spec(models[0], registry, owner, prop)
        enums = [m for m in members if isinstance(m, type) and issubclass(m, Enum)]
        if len(enums) == 1 and set(members) - set(enums) == {str}:
            # An open enum: documented values, and any string the service adds later.
            return {"oneOf": [{"type": "string"}, {"type": "string", "$ref": registry.enum(enums[0])}]}
        raise SchemaError(f"{owner}.{prop}: cannot express {annotation!r} in the schema")
    if annotation is Any:
        return dict(ANY)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return {"type": "string", "$ref": registry.enum(annotation)}
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or is_pydantic_dataclass(annotation)
    ):
        return {"$ref": registry.object(annotation, owner + pascal(prop))}
    primitive = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(annotation)
    if primitive:
        return {"type": primitive}
    if origin in (list, tuple, Sequence) and args:
        return {"type": "array", "items": type_spec(args[0], registry, owner, prop)}
    if origin in (dict, Mapping) and len(args) == 2:
        return {"type": "object", "additionalProperties": type_spec(args[1], registry, owner, prop)}
    raise SchemaError(f"{owner}.{prop}: cannot express {annotation!r} in the schema")


def _property(spec: dict[str, Any], description: str, note: str | None = None) -> dict[str, Any]:
    text = " ".join(part for part in (neutral(description), note) if part)
    return {**spec, "description": text} if text else spec


def _volatile_note(model: type[Any], field: str, resource: bool) -> str | None:
    if resource and is_volatile(model, field):
        return "Changes on its own during a migration: not drift unless listed in `driftFields`."
    return None


def model_properties(
    model: type[Any],
    registry: TypeRegistry,
    *,
    owner: str,
    fields: Sequence[str] | None = None,
    renamed: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
    resource: bool = False,
) -> dict[str, dict[str, Any]]:
    """One property per model field (by wire name), typed from its annotation, described by its Field."""
    renamed = renamed or {}
    notes = notes or {}
    properties: dict[str, dict[str, Any]] = {}
    for field, info in fields_of(model).items():
        python_name = renamed.get(field, field)
        if fields is not None and field not in fields and field not in renamed:
            continue
        name = to_camel(python_name) if field in renamed else wire_name(model, field)
        spec = type_spec(info.annotation, registry, owner, python_name)
        note = notes.get(python_name) or _volatile_note(model, field, resource)
        properties[name] = _property(spec, info.description or "", note)
        if to_snake(name) != python_name:  # a wire name that is not camelCase (`networklink`)
            properties[name]["language"] = {"python": {"name": python_name}}
    return properties


# -- inputs from signatures and docstrings ---------------------------------------------------------------

_PARAM = re.compile(r"^:param\s+(?:\S+\s+)?(\w+):\s*(.*)$")
_SKIPPED_PARAMS = ("self", "__self__", "resource_name", "opts")


def param_docs(func: Callable[..., Any]) -> tuple[str, dict[str, str]]:
    """A docstring split into its text (without the `:param` lines) and the description of each param."""
    text: list[str] = []
    params: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in (inspect.getdoc(func) or "").splitlines():
        if match := _PARAM.match(line):
            current = params[match.group(1)] = [match.group(2)]
        elif current is not None and line.startswith((" ", "\t")) and line.strip():
            current.append(line.strip())
        else:
            current = None
            text.append(line)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(text)).strip()
    return body, {name: " ".join(words) for name, words in params.items()}


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    # `pulumi.Input[T]` refers to "Output[T]" by name: resolve it in pulumi.output's namespace.
    return typing.get_type_hints(func, localns=vars(pulumi.output))


def input_properties(
    signature_of: Callable[..., Any],
    docs_of: Callable[..., Any],
    registry: TypeRegistry,
    owner: str,
    notes: Mapping[str, str] | None = None,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Properties for the parameters of `signature_of` (docs from `docs_of`), and the required ones."""
    hints = _hints(signature_of)
    _, docs = param_docs(docs_of)
    properties: dict[str, dict[str, Any]] = {}
    required: list[str] = []
    for name, param in inspect.signature(signature_of).parameters.items():
        if name in _SKIPPED_PARAMS:
            continue
        if name not in docs:
            raise SchemaError(f"{owner}: parameter {name!r} has no `:param {name}:` description")
        spec = type_spec(hints[name], registry, owner, name)
        properties[to_camel(name)] = _property(spec, docs[name], (notes or {}).get(name))
        if param.default is inspect.Parameter.empty:
            required.append(to_camel(name))
    return properties, required


# -- the document ----------------------------------------------------------------------------------------


def function_spec(function: Function, registry: TypeRegistry) -> dict[str, Any]:
    owner = pascal(function.name)
    description = function.description or param_docs(function.plain)[0]
    plain_params = [p for p in inspect.signature(function.plain).parameters if p not in _SKIPPED_PARAMS]
    output_params = [p for p in inspect.signature(function.output).parameters if p not in _SKIPPED_PARAMS]
    if plain_params != output_params:
        raise SchemaError(f"{function.name}: the plain and Output forms take different parameters")
    inputs, required = input_properties(function.output, function.plain, registry, owner)
    outputs: dict[str, dict[str, Any]] = {}
    if function.flatten:
        inner = function.result.model_fields[function.flatten].annotation
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise SchemaError(f"{function.name}: {function.flatten} is not a model")
        outputs.update(model_properties(inner, registry, owner=owner))
    rest = [field for field in function.result.model_fields if field != function.flatten]
    outputs.update(model_properties(function.result, registry, owner=owner, fields=rest))
    spec: dict[str, Any] = {
        "description": neutral(description),
        "inputs": {"type": "object", "properties": inputs},
        "outputs": {
            "type": "object",
            "description": f"The result of {function.name}.",
            "properties": outputs,
        },
    }
    if required:
        spec["inputs"]["required"] = required
    return spec


def resource_spec(resource: Resource, registry: TypeRegistry) -> dict[str, Any]:
    owner = resource.token.rsplit(":", 1)[-1]
    inputs = model_properties(resource.inputs, registry, owner=owner, notes=resource.notes)
    required_inputs = [
        wire_name(resource.inputs, name)
        for name, info in fields_of(resource.inputs).items()
        if info.is_required()
    ]
    for name in resource.replace_on_changes:
        inputs[to_camel(name)]["replaceOnChanges"] = True
    state = model_properties(
        resource.model,
        registry,
        owner=owner,
        fields=resource.state,
        renamed=resource.renamed,
        notes=resource.notes,
        resource=True,
    )
    spec: dict[str, Any] = {
        "description": neutral(resource.description),
        "type": "object",
        "properties": {**inputs, **state},
        "inputProperties": inputs,
    }
    if resource.always_set:
        spec["required"] = [to_camel(name) for name in resource.always_set]
    if required_inputs:
        spec["requiredInputs"] = required_inputs
    return spec


def alicloud_name(setting: SettingSpec) -> str:
    """How the pulumi-alicloud key a setting falls back to is named: `alicloud:region`, or the
    `sts` entry of `alicloud:endpoints`."""
    config_key, _, entry = (setting.alicloud_key or "").partition(".")
    return f"the `{entry}` entry of `alicloud:{config_key}`" if entry else f"`alicloud:{config_key}`"


def setting_property(setting: SettingSpec, registry: TypeRegistry) -> dict[str, Any]:
    """The property spec of one setting: type (an object setting refers to its type), description,
    default and environment variables, all from `SETTINGS`."""
    description = setting.description
    if setting.alicloud_key:
        description += f" Falls back to {alicloud_name(setting)}."
    spec: dict[str, Any]
    if setting.type == "object":
        ref = f"{PACKAGE}:config/{setting.key}:{setting.key}"
        registry.specs[ref] = {
            "description": setting.description,
            "type": "object",
            "properties": {
                name: {
                    "type": "integer" if name.endswith(("Expiration", "Seconds")) else "string",
                    "description": text,
                }
                for name, text in setting.properties.items()
            },
            "required": [name for name, text in setting.properties.items() if "(required)" in text],
        }
        spec = {"$ref": f"#/types/{ref}", "description": description}
    else:
        spec = {"type": setting.type, "description": description}
    if setting.default is not None:
        spec["default"] = setting.default
    if setting.env:
        spec["defaultInfo"] = {"environment": list(setting.env)}
    if setting.secret:
        spec["secret"] = True
    return spec


def config_spec(registry: TypeRegistry) -> dict[str, Any]:
    """The config variables, one per `SETTINGS` entry (read as `mms:<key>`)."""
    return {"variables": {setting.key: setting_property(setting, registry) for setting in SETTINGS}}


def provider_spec(config: Mapping[str, Any]) -> dict[str, Any]:
    """`pulumi_mms.Provider`: one input per setting, typed and described as its config variable."""
    variables = config["variables"]
    return {
        "description": "Settings for another region or account: give it as the `provider` of a function "
        "call or of `MmsDataSource` (or to a parent). Its inputs are those of the `mms:` config, and are "
        "read the same way; the stack config does not fill what it leaves unset. At run time it is a "
        "provider of the `pulumi-python` dynamic-provider package, with its inputs keyed `mms:<name>`.",
        "inputProperties": variables,
        "properties": variables,
    }


def generate() -> dict[str, Any]:
    """The whole schema document."""
    registry = TypeRegistry()
    function_specs = {token(f.name): function_spec(f, registry) for f in functions()}
    resource_specs = {r.token: resource_spec(r, registry) for r in resources()}
    config = config_spec(registry)
    info = metadata.metadata(DISTRIBUTION)
    return {
        "name": PACKAGE,
        "displayName": "MaxCompute Migration Assist (MMS)",
        "version": info["Version"],
        "description": f"{info['Summary']} {DESCRIPTION_NOTE}",
        # No `kind/...`: not a native provider, nor a bridged or component one; there is no plugin at all.
        "keywords": ["pulumi", "alicloud", "maxcompute", "mms", "category/cloud"],
        "license": "Apache-2.0",
        "config": config,
        "provider": provider_spec(config),
        "types": dict(sorted(registry.specs.items())),
        "resources": resource_specs,
        "functions": function_specs,
        "language": {"python": {"packageName": "pulumi_mms"}},
    }


def render(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# -- the command -----------------------------------------------------------------------------------------


def _targets(root: Path, readme_only: bool) -> dict[Path, Callable[[str], str]]:
    """Each generated file and how to produce its new text from its current text."""
    from tools import functions as function_source
    from tools import outputs, readme

    targets: dict[Path, Callable[[str], str]] = {}
    if not readme_only:
        targets[root / function_source.TARGET] = function_source.rewrite
    schema = generate()
    if not readme_only:
        targets[root / "schema.json"] = lambda _old: render(schema)
        targets[root / outputs.TARGET] = lambda _old: outputs.render()
    targets[root / "README.md"] = lambda old: readme.rewrite(old, schema)
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./dev schema",
        description="Write schema.json, README.md's generated blocks and the Pulumi types from the model.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale")
    parser.add_argument("--readme", action="store_true", help="only README.md's generated blocks")
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, help="the repository root (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root
    if not (root / "pyproject.toml").is_file():
        print(f"error: {root} is not the pulumi-mms checkout; pass --root", file=sys.stderr)
        return 2
    stale: list[str] = []
    for path, produce in _targets(root, args.readme).items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        try:
            new = produce(old)
        except ValueError as error:
            print(f"error: {path.name}: {error}", file=sys.stderr)
            return 1
        if new == old:
            continue
        if args.check:
            stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"stale: {', '.join(stale)}; run `./dev schema`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
