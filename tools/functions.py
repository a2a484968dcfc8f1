"""pulumi_mms/surface/migration_functions.py: the migration functions written out as source.

One plain and one `_output` function per entry of `pulumi_mms.surface.migration_lookups.FUNCTIONS`, with
explicit keyword arguments (from the read API's declaration: path ids, query filters in the SDK's order,
their descriptions), as Pulumi's SDK generator writes them. Being real source, editors, type checkers and
`help()` see the arguments; schema.json and the README derive their inputs from these signatures.

`./dev schema` writes the module; `--check` fails when it is stale.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulumi_mms.core.apis.spec import Kind
from pulumi_mms.surface import migration_lookups
from pulumi_mms.surface.migration_lookups import FUNCTIONS, Function

TARGET = Path("pulumi_mms/surface/migration_functions.py")

_PLAIN = {Kind.STR: "str", Kind.INT: "int", Kind.BOOL: "bool", Kind.STR_LIST: "str | Sequence[str]"}
_INPUT = {Kind.STR: "str", Kind.INT: "int", Kind.BOOL: "bool", Kind.STR_LIST: "Sequence[str]"}
_ID_DOCS = {
    "source_id": "The data source ID (give this or `source_name`).",
    "source_name": "The exact name of the data source (instead of `source_id`).",
    "name_regex": (
        "A regular expression (RE2 syntax) searched in each item's name; only matching items are returned."
    ),
    "wait_timeout": "How long to wait, in seconds (default 600).",
}
_WAIT_FOR = {
    "succeeded": "Wait until the job `succeeded` (DONE); a FAILED job fails at once with its error.",
    "migrated": (
        "Wait until every matching table is `migrated` (DONE); fails once nothing runs and some failed, "
        "and at once when no table matches."
    ),
}


def _doc(fn: Function, name: str) -> str:
    if name in _ID_DOCS:
        return _ID_DOCS[name]
    if name == "wait_for":
        return (
            " ".join(_WAIT_FOR[c] for c in fn.gate) + " Not during `pulumi preview`, which shows the state."
        )
    if name in fn.own_ids:
        return f"The {name.removesuffix('_id').replace('_', ' ')} ID."
    return next(p.description for p in fn.api.query if p.name == name)


def _kind(fn: Function, name: str) -> Kind:
    if name in ("source_name", "name_regex", "wait_for"):
        return Kind.STR
    if name == "source_id" or name in fn.own_ids:
        return Kind.INT
    return next(p.kind for p in fn.api.query if p.name == name)


def _sorter(fn: Function, name: str) -> str | None:
    """The sorter model's name of a `Kind.SORTER` argument (its value: the model, or a mapping)."""
    param = next((p for p in fn.api.query if p.name == name and p.kind is Kind.SORTER), None)
    return param.sorter.__name__ if param is not None and param.sorter is not None else None


def _sorters() -> list[str]:
    return sorted({s for fn in FUNCTIONS for name in fn.arguments if (s := _sorter(fn, name))})


def _required(fn: Function, name: str) -> bool:
    return any(p.name == name and p.required for p in fn.api.query)


def _ordered(fn: Function) -> list[str]:
    """The arguments, those the API requires first (no default in Python, `required` in the schema)."""
    return sorted(fn.arguments, key=lambda name: not _required(fn, name))


def _signature(fn: Function, *, output: bool) -> list[str]:
    lines = []
    for name in _ordered(fn):
        if name == "wait_timeout":
            annotation = "pulumi.Input[float] | None" if output else "float | None"
            lines.append(f"    {name}: {annotation} = None,")
            continue
        kind = _kind(fn, name)
        sorter = _sorter(fn, name)
        if sorter is not None:
            value = f"{sorter} | Mapping[str, str]"
            annotation = f"pulumi.Input[{value}] | None" if output else f"{value} | None"
        elif output:
            annotation = f"pulumi.Input[{_INPUT[kind]}] | None"
        elif kind is Kind.INT and (name == "source_id" or name in fn.own_ids):
            annotation = "int | str | None"
        else:
            annotation = f"{_PLAIN[kind]} | None"
        if _required(fn, name):
            annotation = annotation.removesuffix(" | None")
            lines.append(f"    {name}: {annotation},")
            continue
        lines.append(f"    {name}: {annotation} = None,")
    opts = (
        "pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None"
        if output
        else "pulumi.InvokeOptions | None"
    )
    lines.append(f"    opts: {opts} = None,")
    return lines


def _docstring(fn: Function, *, output: bool) -> list[str]:
    if output:
        return [f'    """As `{fn.name}`, but every argument may be an Output; the result is an Output."""']
    what = "Every item of" if fn.items else "One item of"
    apis = f"APIs {', '.join(fn.actions[:-1])} and {fn.actions[-1]}" if fn.summary else f"API {fn.api.action}"
    first = f'"""{fn.description.rstrip(".")} (MaxCompute {apis}).'
    lines = [f"    {line}" for line in textwrap.wrap(first, 104, break_on_hyphens=False)] + [""]
    if fn.summary:
        lines += ["    Every page of each: one call for what a migration's gates and dashboards ask.", ""]
    if fn.items:
        lines.append(
            f"    {what} every page, filtered on the server by the API's filters and here by `name_regex`."
        )
        lines.append("")
    for name in _ordered(fn):
        text = f":param {name}: {_doc(fn, name)}"
        wrapped = textwrap.wrap(text, 104, subsequent_indent="       ", break_on_hyphens=False)
        lines += [f"    {line}" for line in wrapped]
    lines.append('    """')
    return lines


def _function(fn: Function, *, output: bool) -> str:
    name = f"{fn.name}_output" if output else fn.name
    returns = f"pulumi.Output[{fn.result_name}]" if output else f"Awaitable{fn.result_name}"
    call = "invoke_output" if output else "invoke"
    arguments = ", ".join(f'"{a}": {a}' for a in fn.arguments)
    return "\n".join(
        [
            f"def {name}(",
            *_signature(fn, output=output),
            f") -> {returns}:",
            *_docstring(fn, output=output),
            f'    result: {returns} = {call}(BY_NAME["{fn.name}"], {{{arguments}}}, opts)',
            "    return result",
        ]
    )


def _result_names() -> list[str]:
    return sorted(name for fn in FUNCTIONS for name in (fn.result_name, "Awaitable" + fn.result_name))


def render() -> str:
    names = sorted(n for fn in FUNCTIONS for n in (fn.name, f"{fn.name}_output"))
    parts = [
        "# Generated by `./dev schema` (tools/functions.py) from the read API declarations: do not edit.",
        '"""The migration functions: jobs, databases, tables, partitions, tasks, timers, logs, scans and',
        "config items, and a migration's summary, in the shape of Pulumi's generated SDKs (a plain form",
        "and an `_output` form).",
        "",
        "Each runs through `migration_lookups`: checked arguments, the lookup pool, typed results.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping, Sequence",
        "",
        "import pulumi",
        "",
        "from ..core.apis.models import (",
        *(f"    {n}," for n in _sorters()),
        ")",
        "from .generated_types import (",
        *(f"    {n}," for n in _result_names()),
        ")",
        "from .migration_lookups import BY_NAME, invoke, invoke_output",
        "",
        "__all__ = [",
        *(f'    "{n}",' for n in names),
        "]",
    ]
    for fn in FUNCTIONS:
        parts += ["", "", _function(fn, output=False), "", "", _function(fn, output=True)]
    return "\n".join(parts) + "\n"


def rewrite(_old: str) -> str:
    """The module's source, formatted as the repository's code is (ruff format)."""
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=render(),
        capture_output=True,
        text=True,
        check=True,
    )
    return formatted.stdout


# -- the result types (written into generated_types.py by tools/outputs.py) -------------------------------


def output_types(known: Mapping[type, str]) -> list[Any]:
    """The output types of the migration functions: nested types first, then each function's result."""
    from tools.outputs import OutputType, model_fields

    nested = migration_lookups.nested_type_names()
    names = {**nested, **known}
    specs: list[Any] = []
    for model, name in nested.items():
        if model not in known:
            doc = f"{_first_line(model.__doc__)} Keys are the Pulumi names (camelCase, as in schema.json)."
            specs.append(OutputType(name, doc, model_fields(model, names), as_dict=True))
    for fn in FUNCTIONS:
        doc = f"The result of {fn.name}: {_first_line(fn.api.description)}"
        if fn.summary is not None:
            doc = f"The result of {fn.name}: {_first_line(fn.summary.__doc__)}"
            specs.append(OutputType(fn.result_name, doc, model_fields(fn.summary, names), awaitable=True))
            continue
        if fn.items is None:
            specs.append(OutputType(fn.result_name, doc, model_fields(fn.api.item, names), awaitable=True))
            continue
        item_name = migration_lookups.item_type_name(fn)
        if fn.api.item not in names:
            item_doc = f"One item of {fn.name}'s result. Keys are the Pulumi names (camelCase)."
            specs.append(OutputType(item_name, item_doc, model_fields(fn.api.item, names), as_dict=True))
        fields = model_fields(migration_lookups.listing_model(fn), {**names, fn.api.item: item_name})
        specs.append(OutputType(fn.result_name, doc, fields, awaitable=True))
    return specs


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0]
