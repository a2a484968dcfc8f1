"""How `pulumi-mms get` shows a data source: a table for people, or the response as JSON/YAML for scripts.

Rows and labels come from the model: every field of `DataSource` appears once, labelled by its name.
Progress counters (`tables_<state>_num`, `partitions_<state>_num`) are shown against their totals
(`table_num`, `partition_num`) with percentages; config items are grouped by `group`. Password values
are masked unless `show_secrets`. Text from the service is shown with control characters escaped, so a
value cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from typing import Any

from ..core.model import ConfigItem, DataSource, DataSourceSummary, GetMmsDataSourceResponse
from ..core.secrets import MASK, mask_password_values

_COUNTER = re.compile(r"^(?P<kind>tables|partitions)_(?P<state>\w+)_num$")


def _total_field(kind: str) -> str:
    return f"{kind[:-1]}_num"  # tables -> table_num


def _progress_fields() -> dict[str, dict[str, str]]:
    """kind -> state -> counter field, for every counter whose total the model also has."""
    found: dict[str, dict[str, str]] = {}
    for name in DataSource.model_fields:
        if (match := _COUNTER.match(name)) and _total_field(match["kind"]) in DataSource.model_fields:
            found.setdefault(match["kind"], {})[match["state"]] = name
    return found


PROGRESS = _progress_fields()
"""The counters of the progress section, e.g. PROGRESS["tables"]["done"] == "tables_done_num"."""


def label(field: str) -> str:
    return field.replace("_", " ")


def printable(text: str) -> str:
    """`text` with control characters escaped (`\\n`, `\\x1b`)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def show(value: Any) -> str:
    """A value for a table cell."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return printable(str(value.value))
    if isinstance(value, (list, tuple)):
        return ", ".join(show(item) for item in value) or "-"
    if isinstance(value, dict):
        return printable(json.dumps(value, ensure_ascii=False))
    return printable(str(value))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _grid(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(_width(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows)))]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def share(count: int | None, total: int | None) -> str:
    """`16 (1.6%)`; just the count when the total is unknown or zero; `-` when the count is unknown."""
    if count is None:
        return "-"
    if not total:
        return f"{count:,}"
    return f"{count:,} ({100 * count / total:.1f}%)"


def _progress(data: DataSource) -> list[str]:
    states = list(dict.fromkeys(state for kind in PROGRESS.values() for state in kind))
    rows = [["", "total", *(label(state) for state in states)]]
    for kind, counters in PROGRESS.items():
        total = getattr(data, _total_field(kind))
        cells = [share(getattr(data, counters[s]), total) if s in counters else "" for s in states]
        rows.append([kind, "-" if total is None else f"{total:,}", *cells])
    return ["Progress", *_grid(rows)]


def config_value(item: ConfigItem, show_secrets: bool) -> Any:
    if item.is_password and item.value is not None and not show_secrets:
        return MASK
    return item.value


def _config(items: Sequence[ConfigItem], show_secrets: bool) -> list[str]:
    groups: dict[str, list[ConfigItem]] = {}
    for item in items:
        groups.setdefault(item.group or "(no group)", []).append(item)
    lines: list[str] = []
    for group, members in groups.items():
        rows = [
            [
                show(item.key),
                show(item.type),
                show(config_value(item, show_secrets)),
                "required" if item.required else "",
                show(item.name),
            ]
            for item in members
        ]
        lines += ["", f"Config: {printable(group)}", *_grid(rows)]
    return lines


def table(data: DataSource, *, show_secrets: bool = False) -> str:
    """The data source for people: its fields, its progress, its config items by group."""
    shown_in_progress = {f for counters in PROGRESS.values() for f in counters.values()}
    shown_in_progress |= {_total_field(kind) for kind in PROGRESS}
    rows = [
        [label(name), show(getattr(data, name))]
        for name in DataSource.model_fields
        if name not in shown_in_progress and name != "config"
    ]
    lines = [f"MMS data source {show(data.id)}: {show(data.name)}", "", *_grid(rows), "", *_progress(data)]
    if data.config is not None:
        lines += _config(data.config, show_secrets) if data.config else ["", "Config: none"]
    return "\n".join(lines) + "\n"


def dump(response: GetMmsDataSourceResponse, *, show_secrets: bool = False) -> dict[str, Any]:
    """The response as the API sent it (wire names, only the fields it had); password values masked.

    Config items leave out their null fields (an item does not record which fields the service sent).
    """
    body: dict[str, Any] = response.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if "data" in body:
        body["data"] = _dumped_source(body["data"], show_secrets)
    return body


def _dumped_source(dumped: dict[str, Any], show_secrets: bool) -> dict[str, Any]:
    """A dumped data source with null config fields left out and passwords masked (at any depth)."""
    items = dumped.get("config")
    if items:
        items = [{k: v for k, v in item.items() if v is not None} for item in items]
        dumped["config"] = items if show_secrets else mask_password_values(items)
    return dumped


def to_json(body: Any) -> str:
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def to_yaml(body: Any) -> str:
    import yaml

    text: str = yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
    return text


LIST_COLUMNS = ("id", "name", "type", "status", "agent_is_online", "region", "dst_projects", "scan_status")
"""The fields `pulumi-mms list` shows for each data source, most wanted first: at a narrow terminal the
last ones are left out (`--wide` shows them all; the JSON/YAML output has every field)."""

_SHRINKABLE = ("name", "dst_projects")
"""Columns whose cells are cut short (ending in `…`) before a column is left out; never below MIN_CELL."""
MIN_CELL = 12
_GAP = 2


def _cut(text: str, width: int) -> str:
    """`text` cut to at most `width` display columns, ending in `…` when cut."""
    if _width(text) <= width:
        return text
    out = ""
    for char in text:
        if _width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def _fit(table: list[list[str]], width: int | None) -> tuple[list[int], list[int]]:
    """The columns to show (indexes, a prefix of the table's) and their widths, to fit `width` (None: all
    of them, nothing cut)."""
    natural = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    if width is None:
        return list(range(len(natural))), natural
    floor = [
        min(natural[i], max(MIN_CELL, _width(table[0][i]))) if LIST_COLUMNS[i] in _SHRINKABLE else natural[i]
        for i in range(len(natural))
    ]
    shown = len(natural)
    while shown > 1 and sum(floor[:shown]) + _GAP * (shown - 1) > width:
        shown -= 1
    widths = natural[:shown]
    excess = sum(widths) + _GAP * (shown - 1) - width
    for i in sorted(range(shown), key=lambda i: -natural[i]):
        if excess <= 0:
            break
        if LIST_COLUMNS[i] in _SHRINKABLE:
            cut = min(excess, widths[i] - floor[i])
            widths[i] -= cut
            excess -= cut
    return list(range(shown)), widths


def listing(items: Sequence[DataSourceSummary], width: int | None = None) -> str:
    """Data sources as one row each, in `width` display columns (None: every column, nothing cut)."""
    if not items:
        return "No data sources match.\n"
    table = [[label(column) for column in LIST_COLUMNS]]
    table += [[show(getattr(item, column)) for column in LIST_COLUMNS] for item in items]
    columns, widths = _fit(table, width)
    rows = [[_cut(row[i], widths[i]) for i in columns] for row in table]
    footer = f"{len(items)} data source(s)"
    if hidden := len(LIST_COLUMNS) - len(columns):
        footer += f"; {hidden} more column(s) with --wide"
    return "\n".join([*_grid(rows, indent=""), "", footer]) + "\n"


def dump_list(items: Sequence[DataSourceSummary], *, show_secrets: bool = False) -> list[dict[str, Any]]:
    """Data sources as the API sent them (wire names, only the fields it had); password values masked."""
    return [
        _dumped_source(item.model_dump(mode="json", by_alias=True, exclude_unset=True), show_secrets)
        for item in items
    ]
