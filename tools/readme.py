"""README.md's generated blocks: the reference tables, rendered from the schema document and `SETTINGS`.

A block sits between `<!-- NAME:start -->` and `<!-- NAME:end -->`; `rewrite` replaces the content of each
known block and leaves the rest of the README alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic.alias_generators import to_snake

from pulumi_mms.core.settings import SETTINGS
from tools.schema import alicloud_name

_MARKERS = "<!-- {name}:start -->\n{body}<!-- {name}:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(ref: str) -> str:
    return ref.rsplit(":", 1)[-1]


def type_name(spec: Mapping[str, Any]) -> str:
    """A typeSpec for people: `string`, `list of string`, `DataSourceStatus` (open: any string too), ..."""
    if "oneOf" in spec:
        named = [_short(member["$ref"]) for member in spec["oneOf"] if "$ref" in member]
        return f"{' or '.join(named)} (or any string)"
    if "$ref" in spec:
        return "any" if spec["$ref"] == "pulumi.json#/Any" else _short(spec["$ref"])
    if spec.get("type") == "array":
        return f"list of {type_name(spec['items'])}"
    if spec.get("type") == "object":
        return f"map of {type_name(spec.get('additionalProperties', {'type': 'string'}))}"
    return str(spec.get("type", "any"))


def _values(enum: Mapping[str, Any]) -> str:
    return ", ".join(f"`{member['value']}`" for member in enum["enum"])


def property_table(properties: Mapping[str, Mapping[str, Any]], required: list[str] | None = None) -> str:
    required = required or []
    rows = ["| Name | Python | Type | Description |", "|---|---|---|---|"]
    for name, spec in properties.items():
        flag = " (required)" if name in required else ""
        python = spec.get("language", {}).get("python", {}).get("name") or to_snake(name)
        rows.append(
            f"| `{name}`{flag} | `{python}` | {_cell(type_name(spec))} | "
            f"{_cell(spec.get('description', ''))} |"
        )
    return "\n".join(rows) + "\n"


def fields_block(schema: Mapping[str, Any]) -> str:
    """Every function, resource, object type and enum of the schema, with every property."""
    out: list[str] = []
    for ref, function in schema["functions"].items():
        name = _short(ref)
        out += [f"#### Function `{name}` (`{ref}`)\n", function["description"] + "\n"]
        out += [
            "Inputs:\n",
            property_table(function["inputs"]["properties"], function["inputs"].get("required")),
        ]
        out += ["Outputs:\n", property_table(function["outputs"]["properties"])]
    for ref, resource in schema["resources"].items():
        out += [f"#### Resource `{_short(ref)}` (`{ref}`)\n", resource["description"] + "\n"]
        out += ["Inputs:\n", property_table(resource["inputProperties"], resource.get("requiredInputs"))]
        out += ["Outputs (state, inputs included):\n", property_table(resource["properties"])]
    for ref, spec in schema["types"].items():
        if spec["type"] == "object":
            out += [
                f"#### Type `{_short(ref)}`\n",
                spec["description"] + "\n",
                property_table(spec["properties"]),
            ]
    enums = [
        f"- `{_short(ref)}`: {_values(spec)}. {spec['description']}"
        for ref, spec in schema["types"].items()
        if "enum" in spec
    ]
    if enums:
        out += ["#### Enums\n", "\n".join(enums) + "\n"]
    return "\n".join(out)


def settings_block(_schema: Mapping[str, Any]) -> str:
    """One row per setting: its keys, environment variables, secrecy, default and meaning."""
    rows = [
        "| `mms:` key | `alicloud:` key | Environment | Secret | Default | Description |",
        "|---|---|---|---|---|---|",
    ]
    for setting in SETTINGS:
        alicloud = alicloud_name(setting) if setting.alicloud_key else ""
        env = ", ".join(f"`{name}`" for name in setting.env)
        shown = setting.default if isinstance(setting.default, str) else json.dumps(setting.default)
        default = "" if setting.default is None else f"`{shown}`"
        description = setting.description
        if setting.properties:
            description += f" An object: see type `{setting.key}` above."
        rows.append(
            f"| `mms:{setting.key}` | {alicloud} | {env} | {'yes' if setting.secret else ''} | {default} | "
            f"{_cell(description)} |"
        )
    return "\n".join(rows) + "\n"


BLOCKS: dict[str, Callable[[Mapping[str, Any]], str]] = {"fields": fields_block, "settings": settings_block}


def rewrite(text: str, schema: Mapping[str, Any]) -> str:
    """`text` with each block's content regenerated; ValueError when a block's markers are missing."""
    for name, produce in BLOCKS.items():
        pattern = re.compile(rf"<!-- {name}:start -->\n.*?<!-- {name}:end -->", re.DOTALL)
        match = pattern.search(text)
        if match is None:
            raise ValueError(f"markers <!-- {name}:start --> / <!-- {name}:end --> not found")
        block = _MARKERS.format(name=name, body=produce(schema))
        text = text[: match.start()] + block + text[match.end() :]
    return text
