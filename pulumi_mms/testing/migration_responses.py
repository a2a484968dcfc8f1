"""Handlers of the migration read APIs, derived from their declarations (`pulumi_mms.declarations`).

Each declared API under a data source is served by one generic handler over its collection of the state
(`migration.MigrationStore`): an item by id, a sub-list beneath an item, or a paged listing with its
filters (by default the item's field of the parameter's wire name, matched as its kind says; `_BY_NAME`
and `_SPECIAL` hold the filters that mean more) and its sorter. The emulator is an independent
implementation of the API: it shares the declarations with the client, never the client's code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..declarations import BY_ACTION, DECLARATIONS, PAGING, Declaration, Kind, Param, Shape
from .exceptions import DataSourceNotFound, EmulatorError, InvalidParameter
from .migration import collection_of
from .responses import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Handler,
    RequestContext,
    _check_ram,
    _positive_int,
    parse_lang,
    parse_source_id,
    render_config_item,
)

Matcher = Callable[[RequestContext, Mapping[str, Any], str], bool]
"""Whether an answered item matches a query value (the request is there for filters across collections)."""


class NotFound(EmulatorError):
    status = 404
    code = "NotFound"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def equal(name: str) -> Matcher:
    return lambda _ctx, item, raw: _text(item.get(name)) == raw


def like(name: str) -> Matcher:
    """Case-insensitive substring, as the service's fuzzy name filters."""
    return lambda _ctx, item, raw: raw.lower() in _text(item.get(name)).lower()


def number(name: str) -> Matcher:
    def match(_ctx: RequestContext, item: Mapping[str, Any], raw: str) -> bool:
        if not raw.isascii() or not raw.isdigit():
            raise InvalidParameter(f"The parameter {name} must be an integer, got {raw!r}.")
        return item.get(name) == int(raw)

    return match


def flag(name: str) -> Matcher:
    def match(_ctx: RequestContext, item: Mapping[str, Any], raw: str) -> bool:
        if raw.lower() not in ("true", "false", "1", "0"):
            raise InvalidParameter(f"The parameter {name} must be true or false, got {raw!r}.")
        return bool(item.get(name)) == (raw.lower() in ("true", "1"))

    return match


def one_of(name: str) -> Matcher:
    """A JSON array of values (the SDK's `status` list)."""

    def match(_ctx: RequestContext, item: Mapping[str, Any], raw: str) -> bool:
        try:
            wanted = json.loads(raw)
        except ValueError:
            wanted = None
        if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
            raise InvalidParameter(f"The parameter {name} must be a JSON array of strings, got {raw!r}.")
        return _text(item.get(name)) in wanted

    return match


def since(name: str) -> Matcher:
    return lambda _ctx, item, raw: _text(item.get(name)) >= raw


def until(name: str) -> Matcher:
    return lambda _ctx, item, raw: _text(item.get(name)) <= raw


def _job_timer(ctx: RequestContext, item: Mapping[str, Any], raw: str) -> bool:
    if not raw.isascii() or not raw.isdigit():
        raise InvalidParameter(f"The parameter timerId must be an integer, got {raw!r}.")
    return ctx.backend.migration.job_timer(int(item["sourceId"]), int(item["id"])) == int(raw)


def _job_table(key: str) -> Matcher:
    """Jobs with a task on the table named `raw` (`key`: srcTableName or dstTableName)."""

    def match(ctx: RequestContext, item: Mapping[str, Any], raw: str) -> bool:
        tasks = _rendered(ctx, int(item["sourceId"]), "tasks")
        return any(t.get("jobId") == item["id"] and t.get(key) == raw for t in tasks)

    return match


def _timer_table(_ctx: RequestContext, item: Mapping[str, Any], raw: str) -> bool:
    config = item.get("config") or {}
    return raw in (config.get("tables") or []) or raw in (config.get("tableWhiteList") or [])


def _always(_ctx: RequestContext, _item: Mapping[str, Any], _raw: str) -> bool:
    return True


_BY_KIND: dict[Kind, Callable[[str], Matcher]] = {
    Kind.STR: equal,
    Kind.INT: number,
    Kind.BOOL: flag,
    Kind.STR_LIST: one_of,
}
"""How a filter matches by default: the item's field of the same wire name, as the parameter's kind says."""

_BY_NAME: dict[str, Matcher] = {
    "name": like("name"),
    "value": like("value"),
    "lastDdlTimeEnd": until("lastDdlTime"),
    "lastDdlTimeStart": since("lastDdlTime"),
    "stopped": flag("stopped"),  # ListMmsJobs takes 1/0, ListMmsTimers true/false
}
"""Filters that mean the same in every API, whatever their kind."""

_SPECIAL: dict[tuple[str, str], Matcher] = {
    ("ListMmsJobs", "dstTableName"): _job_table("dstTableName"),
    ("ListMmsJobs", "srcTableName"): _job_table("srcTableName"),
    ("ListMmsJobs", "timerId"): _job_timer,
    ("ListMmsTables", "onlyName"): lambda ctx, _item, raw: flag("onlyName")(ctx, {}, raw) or True,  # shapes
    ("ListMmsTasks", "partition"): _always,  # a task answer carries no partition field
    ("ListMmsTimers", "srcTableName"): _timer_table,
}
"""Filters of one API that look beyond the item's own field (its tasks, its config)."""


@dataclass(frozen=True)
class Collection:
    """One emulated read API, derived from its declaration: the collection it reads, `key` the path
    parameter of an item, `parent` (path parameter, parent collection) of a sub-list (a task's logs), a
    matcher per filter, and its sorter's declaration."""

    action: str
    path: str
    collection: str
    shape: str  # "item", "page" or "list"
    key: str | None = None
    parent: tuple[str, str] | None = None
    filters: Mapping[str, Matcher] = field(default_factory=dict)
    sorter: Param | None = None

    @classmethod
    def of(cls, declaration: Declaration) -> Collection:
        collection = collection_of(declaration)
        if collection is None:
            raise ValueError(f"{declaration.action} is not about a data source's migration")
        own = declaration.path_params[1:]
        key = own[-1] if own and declaration.shape is Shape.ITEM else None
        parent = None
        if own and declaration.shape is not Shape.ITEM:  # a list beneath an item: a task's logs
            parent = (own[-1], declaration.path.split("/{" + own[-1] + "}")[0].rsplit("/", 1)[-1])
        filters: dict[str, Matcher] = {}
        for param in declaration.query:
            if param.kind is Kind.SORTER or param.wire in PAGING:
                continue
            special = _SPECIAL.get((declaration.action, param.wire)) or _BY_NAME.get(param.wire)
            filters[param.wire] = special or _BY_KIND[param.kind](param.wire)
        sorter = next((p for p in declaration.query if p.kind is Kind.SORTER), None)
        return cls(
            declaration.action,
            declaration.path,
            collection,
            declaration.shape.value,
            key=key,
            parent=parent,
            filters=filters,
            sorter=sorter,
        )


COLLECTIONS: tuple[Collection, ...] = tuple(
    Collection.of(d) for d in DECLARATIONS if collection_of(d) is not None
)
"""Every migration read API the emulator serves, derived from the declarations (ListMmsDataSourceConfigItems,
which is not about one data source, is `list_config_items`)."""

_NOUNS = {collection_of(d): d.noun for d in DECLARATIONS if d.shape is Shape.ITEM}
_PAGING = PAGING
_ORDERS = ("asc", "desc")


def _rendered(ctx: RequestContext, source_id: int, collection: str) -> list[dict[str, Any]]:
    source = ctx.backend.data_source(source_id) or {"id": source_id}
    return ctx.backend.migration.render(source_id, collection, source)


def _id(ctx: RequestContext, name: str) -> int:
    raw = ctx.path_params[name]
    if not raw.isascii() or not raw.isdigit() or int(raw) <= 0:
        raise InvalidParameter(f"The parameter {name} must be a positive integer, got {raw!r}.")
    return int(raw)


def handler(spec: Collection) -> Callable[[RequestContext], dict[str, Any]]:
    """The request handler for one declared collection."""

    def handle(ctx: RequestContext) -> dict[str, Any]:
        source_id = parse_source_id(ctx.path_params["sourceId"])
        allowed = (*spec.filters, *(_PAGING if spec.shape == "page" else ()))
        for name in ctx.query:
            if name not in allowed and not _is_sorter(spec, name):
                raise InvalidParameter(f"{spec.action} has no parameter {name}.")
        order = _sort_order(spec, ctx.query)
        _check_ram(ctx, source_id)
        if ctx.backend.data_source(source_id) is None:
            raise DataSourceNotFound(source_id)
        ctx.backend.migration.tick(source_id)
        items = _rendered(ctx, source_id, spec.collection)
        if spec.shape == "item":
            assert spec.key is not None
            wanted = _id(ctx, spec.key)
            found = next((item for item in items if item["id"] == wanted), None)
            if found is None:
                raise NotFound(
                    f"The {_NOUNS[spec.collection]} {wanted} of data source {source_id} does not exist."
                )
            return {"requestId": ctx.request_id, "data": found}
        if spec.parent is not None:
            param, parents = spec.parent
            key = param
            parent_id = _id(ctx, param)
            if not any(item["id"] == parent_id for item in _rendered(ctx, source_id, parents)):
                raise NotFound(
                    f"The {_NOUNS[parents]} {parent_id} of data source {source_id} does not exist."
                )
            items = [item for item in items if item.get(key) == parent_id]
            if spec.collection == "timerLogs":
                items = [{k: v for k, v in item.items() if k != "timerId"} for item in items]
        for name, raw in ctx.query.items():
            matcher = spec.filters.get(name)
            if matcher is None:
                continue
            items = [item for item in items if matcher(ctx, item, raw)]
        items = _sorted(items, order)
        if spec.collection == "tables" and (ctx.query.get("onlyName") or "").lower() == "true":
            items = [{"id": item["id"], "name": item["name"]} for item in items]
        if spec.shape == "list":
            return {"requestId": ctx.request_id, "data": items}
        page_num = _positive_int(ctx.query, "pageNum", 1)
        page_size = _positive_int(ctx.query, "pageSize", DEFAULT_PAGE_SIZE)
        if page_size > MAX_PAGE_SIZE:
            raise InvalidParameter(
                f"The parameter pageSize must not exceed {MAX_PAGE_SIZE}, got {page_size}."
            )
        start = (page_num - 1) * page_size
        return {
            "requestId": ctx.request_id,
            "data": {
                "objectList": items[start : start + page_size],
                "pageNum": page_num,
                "pageSize": page_size,
                "total": len(items),
            },
        }

    return handle


def _is_sorter(spec: Collection, name: str) -> bool:
    if spec.sorter is None:
        return False
    return name == "sorter" if spec.sorter.style == "json" else name.startswith("sorter.")


def _sort_order(spec: Collection, query: Mapping[str, str]) -> list[tuple[str, bool]]:
    """The (field, descending) pairs a request's sorter asks for, in the declared field order; a sorter
    naming another field, or another direction than asc or desc, is an InvalidParameter."""
    if spec.sorter is None:
        return []
    fields = ", ".join(spec.sorter.fields)
    if spec.sorter.style == "json":
        raw = query.get("sorter")
        if raw is None:
            return []
        try:
            asked = json.loads(raw)
        except ValueError:
            asked = None
        if not isinstance(asked, dict) or not all(isinstance(v, str) for v in asked.values()):
            raise InvalidParameter(
                f"The parameter sorter must be a JSON object of field to asc or desc, got {raw!r}."
            )
    else:
        asked = {name.removeprefix("sorter."): v for name, v in query.items() if name.startswith("sorter.")}
    for name, direction in asked.items():
        if name not in spec.sorter.fields:
            raise InvalidParameter(f"{spec.action} cannot sort by {name!r}: the sorter takes {fields}.")
        if direction.lower() not in _ORDERS:
            raise InvalidParameter(f"The sort order of {name} must be asc or desc, got {direction!r}.")
    return [(name, asked[name].lower() == "desc") for name in spec.sorter.fields if name in asked]


def _sorted(items: list[dict[str, Any]], order: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """`items` ordered by each (field, descending) pair, the first deciding; ties keep the id order and
    items without the field come last either way."""
    for name, descending in reversed(order):
        present = [item for item in items if item.get(name) is not None]
        absent = [item for item in items if item.get(name) is None]
        items = sorted(present, key=lambda item: item[name], reverse=descending) + absent
    return items


def list_config_items(ctx: RequestContext) -> dict[str, Any]:
    """``GET /api/v1/mms/configItems``; query ``sourceType`` (required), ``lang``."""
    declared = [p.wire for p in BY_ACTION["ListMmsDataSourceConfigItems"].query]
    for name in ctx.query:
        if name not in declared:
            raise InvalidParameter(f"ListMmsDataSourceConfigItems has no parameter {name}.")
    lang = parse_lang(ctx.query.get("lang"))
    kind = ctx.query.get("sourceType")
    if not kind:
        raise InvalidParameter("The parameter sourceType is required.")
    _check_ram(ctx, None)
    items = ctx.backend.migration.config_items(kind)
    if items is None:
        raise InvalidParameter(f"The parameter sourceType {kind!r} is not a supported data source type.")
    return {"requestId": ctx.request_id, "data": [render_config_item(item, lang) for item in items]}


OUTSIDE_A_SOURCE: dict[str, Handler] = {"ListMmsDataSourceConfigItems": list_config_items}
"""The handlers of the declared APIs that are not about one data source's migration."""


def handler_for(declaration: Declaration) -> Handler:
    """The handler serving a declared API: the generic one for a data source's collection, else its own."""
    if collection_of(declaration) is not None:
        return handler(Collection.of(declaration))
    found = OUTSIDE_A_SOURCE.get(declaration.action)
    if found is None:
        raise LookupError(f"{declaration.action} is declared but has no handler in OUTSIDE_A_SOURCE")
    return found


def path_pattern(path: str) -> re.Pattern[str]:
    """The route regex of a `{name}` path template."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "/?$")
