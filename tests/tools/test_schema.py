"""schema.json and README's generated blocks: current, valid against Pulumi's metaschema, complete."""

from __future__ import annotations

import inspect
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pulumi
import pytest
from pydantic import BaseModel, Field
from pydantic.alias_generators import to_camel

from pulumi_mms import MmsDataSource
from pulumi_mms.core.model import (
    ConfigItem,
    ConfigItemType,
    DataSource,
    DataSourceStatus,
    DataSourceType,
    GetMmsDataSourceResponse,
    fields_of,
    wire_name,
)
from pulumi_mms.core.settings import SETTINGS
from pulumi_mms.surface import drift
from pulumi_mms.surface.data_source_function import get_mms_data_source
from tests.programs import run_program
from tools import readme, schema

ROOT = Path(__file__).resolve().parents[2]
METASCHEMA = ROOT / "tests" / "data" / "pulumi-package-metaschema.json"
FUNCTION = "mms:index:getMmsDataSource"
RESOURCE = "pulumi-python:dynamic/mms:MmsDataSource"


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return schema.generate()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    # The metaschema's patterns use ECMAScript named groups `(?<name>...)`; Python spells them `(?P<name>`.
    text = re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", METASCHEMA.read_text(encoding="utf-8"))
    meta = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(meta)
    return jsonschema.Draft202012Validator(
        meta, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_committed_schema_is_current(generated: dict[str, Any]) -> None:
    committed = (ROOT / "schema.json").read_text(encoding="utf-8")
    assert committed == schema.render(generated), "schema.json is stale: run `./dev schema`"


def test_readme_blocks_are_current(generated: dict[str, Any]) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.rewrite(text, generated) == text, "README.md is stale: run `./dev schema`"


def test_schema_validates_against_the_metaschema(
    generated: dict[str, Any], validator: jsonschema.Draft202012Validator
) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(generated)]
    assert errors == []
    # `language` is free-form at the top level; its python part must still be a pythonLanguageSpec.
    python_spec = {"$defs": validator.schema["$defs"], "$ref": "#/$defs/pythonLanguageSpec"}
    assert (
        list(jsonschema.Draft202012Validator(python_spec).iter_errors(generated["language"]["python"])) == []
    )
    assert generated["language"]["python"]["packageName"] == "pulumi_mms"


@pytest.mark.parametrize(
    "breakage",
    [
        lambda doc: doc["functions"][FUNCTION]["inputs"]["properties"]["sourceId"].update(type="int"),
        lambda doc: doc["resources"][RESOURCE]["properties"]["dbNum"].update(type="int"),
        lambda doc: doc["config"]["variables"]["secretKey"].update(secret="yes"),
        lambda doc: doc.update(version="one"),
        lambda doc: doc["types"].update({"not a token": {"type": "object"}}),
    ],
)
def test_the_metaschema_check_catches_a_broken_schema(
    generated: dict[str, Any], validator: jsonschema.Draft202012Validator, breakage: Any
) -> None:
    broken = json.loads(json.dumps(generated))
    breakage(broken)
    assert list(validator.iter_errors(broken))


def test_every_model_field_is_a_function_output_with_its_description(generated: dict[str, Any]) -> None:
    outputs = generated["functions"][FUNCTION]["outputs"]["properties"]
    for field, info in DataSource.model_fields.items():
        assert outputs[wire_name(DataSource, field)]["description"] == schema.neutral(info.description or "")
    request_id = GetMmsDataSourceResponse.model_fields["request_id"]
    assert outputs["requestId"] == {"type": "string", "description": request_id.description}
    assert len(outputs) == len(DataSource.model_fields) + 1
    config_type = generated["types"]["mms:index:GetMmsDataSourceConfig"]["properties"]
    for field, info in fields_of(ConfigItem).items():
        assert config_type[wire_name(ConfigItem, field)]["description"] == schema.neutral(
            info.description or ""
        )
    assert outputs["config"]["items"] == {"$ref": "#/types/mms:index:GetMmsDataSourceConfig"}


def test_every_model_field_is_a_resource_output(generated: dict[str, Any]) -> None:
    properties = generated["resources"][RESOURCE]["properties"]
    for field in drift.STATE_FIELDS:
        spec = properties[wire_name(DataSource, field)]
        assert spec["description"].startswith(
            schema.neutral(DataSource.model_fields[field].description or "")
        )
        volatile = "not drift unless listed in `driftFields`" in spec["description"]
        assert volatile == (field in drift.VOLATILE_FIELDS)
    assert properties["sourceId"]["description"] == DataSource.model_fields["id"].description
    assert "id" not in properties  # Pulumi drops an output named id
    assert properties["networklink"]["language"] == {"python": {"name": "network_link"}}
    assert "omitted" in properties["config"]["description"]


def test_types_follow_the_annotations(generated: dict[str, Any]) -> None:
    outputs = generated["functions"][FUNCTION]["outputs"]["properties"]
    assert outputs["dbNum"]["type"] == "integer"
    assert outputs["agentIsOnline"]["type"] == "boolean"
    assert outputs["createTime"]["type"] == "string"
    assert outputs["dstProjects"]["type"] == "array"
    assert outputs["dstProjects"]["items"] == {"type": "string"}
    # open enums: the documented values, or any string the service adds later
    assert outputs["status"]["oneOf"] == [
        {"type": "string"},
        {"type": "string", "$ref": "#/types/mms:index:DataSourceStatus"},
    ]
    config_type = generated["types"]["mms:index:GetMmsDataSourceConfig"]["properties"]
    assert config_type["value"]["$ref"] == "pulumi.json#/Any"
    assert config_type["subItems"] == {
        "type": "object",
        "additionalProperties": {"$ref": "pulumi.json#/Any"},
        "description": fields_of(ConfigItem)["sub_items"].description,
    }
    for enum in (DataSourceStatus, DataSourceType, ConfigItemType):
        spec = generated["types"][f"mms:index:{enum.__name__}"]
        assert [e["value"] for e in spec["enum"]] == [member.value for member in enum]


def test_inputs_follow_the_python_signatures(generated: dict[str, Any]) -> None:
    skipped = ("self", "resource_name", "opts", "args")  # `args`: the resource also takes MmsDataSourceArgs
    function = generated["functions"][FUNCTION]["inputs"]
    params = [p for p in inspect.signature(get_mms_data_source).parameters if p not in skipped]
    assert list(function["properties"]) == [to_camel(p) for p in params]
    assert function["properties"]["sourceId"]["type"] == "integer"
    assert function["properties"]["withConfig"]["type"] == "boolean"
    assert function["properties"]["lang"]["type"] == "string"
    resource = generated["resources"][RESOURCE]
    params = [p for p in inspect.signature(MmsDataSource.__init__).parameters if p not in skipped]
    assert list(resource["inputProperties"]) == [to_camel(p) for p in fields_of(drift.ResourceInputs)]
    assert sorted(resource["inputProperties"]) == sorted(to_camel(p) for p in params)
    assert resource["inputProperties"]["sourceId"]["replaceOnChanges"] is True
    assert resource["inputProperties"]["driftFields"]["items"] == {"type": "string"}
    assert set(resource["inputProperties"]) <= set(resource["properties"])


def test_the_schema_tells_what_runs(generated: dict[str, Any]) -> None:
    # The token MmsDataSource really registers with (a Python dynamic resource), no `kind/native`.
    assert list(generated["resources"]) == [RESOURCE]
    assert not [k for k in generated["keywords"] if k.startswith("kind/")]
    assert "no provider plugin serves this package" in generated["description"]
    assert "other languages cannot use it" in generated["description"]


def test_the_resource_registers_with_the_schema_token() -> None:
    run = run_program(lambda: MmsDataSource("source", source_id=2000015), preview=True, config={})
    assert [resource.type for resource in run.resources] == [RESOURCE]


def test_descriptions_are_language_neutral(generated: dict[str, Any]) -> None:
    python_only = re.compile(r"`[a-z]+(?:_[a-z0-9]+)+`|pulumi\.|pulumi_mms|MmsError|\bOutputs?\b|snake_case")
    found = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    # drift field names are values, spelt as in state: not property names
                    text = value.split(" Valid names: ")[0]
                    found.extend(f"{path}: {m}" for m in python_only.findall(text))
                else:
                    walk(value, f"{path}/{key}")

    walk({k: v for k, v in generated.items() if k != "config"}, "")
    assert not found


def test_config_variables_are_the_settings(generated: dict[str, Any]) -> None:
    variables = generated["config"]["variables"]
    assert list(variables) == [setting.key for setting in SETTINGS]
    for setting in SETTINGS:
        assert variables[setting.key].get("secret", False) is setting.secret
        assert variables[setting.key].get("type", "object") == setting.type
        assert variables[setting.key].get("default") == setting.default
        assert variables[setting.key].get("defaultInfo", {}).get("environment", []) == list(setting.env)
    assert variables["secretKey"]["secret"] is True
    assert variables["securityToken"]["secret"] is True


# -- adding a function is one entry ----------------------------------------------------------------------


class _Widget(BaseModel):
    """A widget."""

    widget_id: int | None = Field(None, description="The widget ID.")
    tags: list[str] | None = Field(None, description="Its tags.")
    parts: list[ConfigItem] | None = Field(None, description="Its parts.")


def _get_widget(widget_id: int, verbose: bool | None = None, opts: Any = None) -> Any:
    """Read a widget.

    :param widget_id: Which widget.
    :param verbose: Whether to say more,
           over two lines.
    """


def _get_widget_output(
    widget_id: pulumi.Input[int], verbose: pulumi.Input[bool] | None = None, opts: Any = None
) -> Any:
    """`_get_widget` as an Output."""


def test_a_new_function_is_one_entry() -> None:
    registry = schema.TypeRegistry()
    spec = schema.function_spec(
        schema.Function("getWidget", _get_widget, _get_widget_output, _Widget), registry
    )
    assert spec["description"] == "Read a widget."
    assert spec["inputs"]["required"] == ["widgetId"]
    assert spec["inputs"]["properties"] == {
        "widgetId": {"type": "integer", "description": "Which widget."},
        "verbose": {"type": "boolean", "description": "Whether to say more, over two lines."},
    }
    assert spec["outputs"]["properties"]["tags"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "Its tags.",
    }
    assert spec["outputs"]["properties"]["parts"]["items"] == {"$ref": "#/types/mms:index:GetWidgetParts"}
    assert "mms:index:GetWidgetParts" in registry.specs


def test_an_undocumented_parameter_is_refused() -> None:
    def get_gadget(gadget_id: int, opts: Any = None) -> Any:
        """Read a gadget."""

    with pytest.raises(schema.SchemaError, match="gadget_id"):
        schema.function_spec(
            schema.Function("getGadget", get_gadget, get_gadget, _Widget), schema.TypeRegistry()
        )


# -- the command -----------------------------------------------------------------------------------------


def test_the_command_writes_and_checks(tmp_path: Path, generated: dict[str, Any]) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    blocks = [f"<!-- {name}:start -->\nSTALE-BLOCK\n<!-- {name}:end -->\n" for name in readme.BLOCKS]
    (tmp_path / "README.md").write_text("# x\n" + "".join(blocks))
    (tmp_path / "schema.json").write_text("{}\n")
    assert schema.main(["--check", "--root", str(tmp_path)]) == 1
    assert (tmp_path / "schema.json").read_text() == "{}\n"  # --check changes nothing
    assert schema.main(["--root", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "schema.json").read_text()) == generated
    text = (tmp_path / "README.md").read_text()
    assert "STALE-BLOCK" not in text
    assert "`dstProjects`" in text
    assert "`mms:secretKey`" in text
    assert schema.main(["--check", "--root", str(tmp_path)]) == 0


def test_readme_lists_every_output_and_setting(generated: dict[str, Any]) -> None:
    block = readme.fields_block(generated)
    for field in DataSource.model_fields:
        assert f"| `{wire_name(DataSource, field)}` | `{field}` |" in block
    for field in fields_of(ConfigItem):
        assert f"| `{wire_name(ConfigItem, field)}` | `{field}` |" in block
    settings = readme.settings_block(generated)
    for setting in SETTINGS:
        row = next(line for line in settings.splitlines() if line.startswith(f"| `mms:{setting.key}` |"))
        assert ("| yes |" in row) is setting.secret
        assert all(f"`{name}`" in row for name in setting.env)


def test_missing_markers_are_reported() -> None:
    with pytest.raises(ValueError, match="fields:start"):
        readme.rewrite("# no markers\n", {})


def test_the_provider_section_matches_pulumi_mms_provider() -> None:
    from pulumi_mms import Provider
    from pulumi_mms.surface.provider import PARAMETERS

    provider = json.loads((ROOT / "schema.json").read_text())["provider"]
    assert set(provider["inputProperties"]) == {spec.key for spec in SETTINGS} == set(PARAMETERS.values())
    named = [
        p for p in inspect.signature(Provider).parameters if p not in ("resource_name", "opts", "settings")
    ]
    assert {to_camel(name) for name in named} <= set(provider["inputProperties"])
    secret = {key for key, spec in provider["inputProperties"].items() if spec.get("secret")}
    assert {"secretKey", "securityToken"} <= secret
