"""Handlers of the migration read APIs, declared as a table: path, collection, answer shape and filters.

The emulator is an independent implementation of the API (it imports nothing of the client); a test
checks that every read API the client declares is served here at the same path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .exceptions import DataSourceNotFound, EmulatorError, InvalidParameter
from .responses import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
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


@dataclass(frozen=True)
class Collection:
    """One emulated read API: `path` with `{name}` parameters; `key` the path parameter of an item."""

    action: str
    path: str
    collection: str
    shape: str  # "item", "page" or "list"
    key: str | None = None
    parent: tuple[str, str] | None = None  # (path parameter, record field): a sub-list, e.g. a task's logs
    filters: Mapping[str, Matcher] = field(default_factory=dict)
    sorter: tuple[str, ...] = ()
    """The fields the listing sorts by (`sorter`), in the order they apply when several are given."""
    sorter_style: str = "flat"
    """`flat`: one `sorter.<field>=asc|desc` parameter per field; `json`: `sorter={"field":"asc"}`."""


_TABLE_FILTERS: dict[str, Matcher] = {
    "dbId": number("dbId"),
    "dbName": equal("dbName"),
    "dstName": equal("dstName"),
    "dstProjectName": equal("dstProjectName"),
    "dstSchemaName": equal("dstSchemaName"),
    "hasPartitions": flag("hasPartitions"),
    "lastDdlTimeEnd": until("lastDdlTime"),
    "lastDdlTimeStart": since("lastDdlTime"),
    "name": like("name"),
    "onlyName": lambda ctx, _item, raw: flag("onlyName")(ctx, {}, raw) or True,  # shapes the answer
    "status": one_of("status"),
    "type": equal("type"),
}
_SOURCE = "/api/v1/mms/datasources/{sourceId}"

COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        "ListMmsJobs",
        f"{_SOURCE}/jobs",
        "jobs",
        "page",
        filters={
            "dstDbName": equal("dstDbName"),
            "dstTableName": _job_table("dstTableName"),
            "name": like("name"),
            "srcDbName": equal("srcDbName"),
            "srcTableName": _job_table("srcTableName"),
            "status": equal("status"),
            "stopped": flag("stopped"),
            "timerId": _job_timer,
        },
        sorter=("status",),
    ),
    Collection("GetMmsJob", f"{_SOURCE}/jobs/{{jobId}}", "jobs", "item", key="jobId"),
    Collection(
        "ListMmsDbs",
        f"{_SOURCE}/dbs",
        "dbs",
        "page",
        filters={"name": like("name"), "status": equal("status")},
        sorter=("numRows", "size", "updateTime"),
        sorter_style="json",
    ),
    Collection("GetMmsDb", f"{_SOURCE}/dbs/{{dbId}}", "dbs", "item", key="dbId"),
    Collection(
        "ListMmsTables",
        f"{_SOURCE}/tables",
        "tables",
        "page",
        filters=_TABLE_FILTERS,
        sorter=("lastDdlTime", "numRows", "size"),
    ),
    Collection("GetMmsTable", f"{_SOURCE}/tables/{{tableId}}", "tables", "item", key="tableId"),
    Collection(
        "ListMmsPartitions",
        f"{_SOURCE}/partitions",
        "partitions",
        "page",
        filters={
            "dbId": number("dbId"),
            "dbName": equal("dbName"),
            "lastDdlTimeEnd": until("lastDdlTime"),
            "lastDdlTimeStart": since("lastDdlTime"),
            "status": one_of("status"),
            "tableId": number("tableId"),
            "tableName": equal("tableName"),
            "updated": flag("updated"),
            "value": like("value"),
        },
        sorter=("lastDdlTime", "numRows", "size"),
    ),
    Collection(
        "GetMmsPartition", f"{_SOURCE}/partitions/{{partitionId}}", "partitions", "item", key="partitionId"
    ),
    Collection(
        "ListMmsTasks",
        f"{_SOURCE}/tasks",
        "tasks",
        "page",
        filters={
            "dstDbName": equal("dstDbName"),
            "dstTableName": equal("dstTableName"),
            "jobId": number("jobId"),
            "jobName": equal("jobName"),
            "partition": lambda _ctx, _item, _raw: True,  # a task answer carries no partition field
            "srcDbName": equal("srcDbName"),
            "srcTableName": equal("srcTableName"),
            "status": equal("status"),
        },
        sorter=("startTime", "status"),
    ),
    Collection("GetMmsTask", f"{_SOURCE}/tasks/{{taskId}}", "tasks", "item", key="taskId"),
    Collection(
        "ListMmsTaskLogs", f"{_SOURCE}/tasks/{{taskId}}/logs", "taskLogs", "list", parent=("taskId", "taskId")
    ),
    Collection(
        "ListMmsTimers",
        f"{_SOURCE}/timers",
        "timers",
        "page",
        filters={
            "name": like("name"),
            "srcDbName": equal("srcDbName"),
            "srcTableName": _timer_table,
            "stopped": flag("stopped"),
        },
    ),
    Collection("GetMmsTimer", f"{_SOURCE}/timers/{{timerId}}", "timers", "item", key="timerId"),
    Collection(
        "ListMmsTimerLogs",
        f"{_SOURCE}/timers/{{timerId}}/logs",
        "timerLogs",
        "page",
        parent=("timerId", "timerId"),
    ),
    Collection("GetMmsFetchMetadataJob", f"{_SOURCE}/scans/{{scanId}}", "scans", "item", key="scanId"),
)
"""Every migration read API the emulator serves (ListMmsDataSourceConfigItems is `list_config_items`)."""

_NOUNS = {"jobs": "job", "dbs": "database", "tables": "table", "partitions": "partition", "tasks": "task",
          "timers": "timer", "scans": "metadata scan", "taskLogs": "task", "timerLogs": "timer"}  # fmt: skip
_PAGING = ("pageNum", "pageSize")
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
            if name not in allowed and not (spec.sorter and _is_sorter(spec, name)):
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
            param, key = spec.parent
            parent_id = _id(ctx, param)
            parents = "tasks" if param == "taskId" else "timers"
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
    return name == "sorter" if spec.sorter_style == "json" else name.startswith("sorter.")


def _sort_order(spec: Collection, query: Mapping[str, str]) -> list[tuple[str, bool]]:
    """The (field, descending) pairs a request's sorter asks for, in `spec.sorter`'s order; a sorter
    naming another field, or another direction than asc or desc, is an InvalidParameter."""
    fields = ", ".join(spec.sorter)
    if spec.sorter_style == "json":
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
        asked = {
            name.removeprefix("sorter."): value for name, value in query.items() if name.startswith("sorter.")
        }
    for name, direction in asked.items():
        if name not in spec.sorter:
            raise InvalidParameter(f"{spec.action} cannot sort by {name!r}: the sorter takes {fields}.")
        if direction.lower() not in _ORDERS:
            raise InvalidParameter(f"The sort order of {name} must be asc or desc, got {direction!r}.")
    return [(name, asked[name].lower() == "desc") for name in spec.sorter if name in asked]


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
    for name in ctx.query:
        if name not in ("sourceType", "lang"):
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


def path_pattern(path: str) -> re.Pattern[str]:
    """The route regex of a `{name}` path template."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "/?$")
