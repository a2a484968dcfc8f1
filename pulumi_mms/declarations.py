"""The read APIs of an MMS migration, declared once as plain data (standard library only).

Each `Declaration` is the wire contract of one API as the official SDK (alibabacloud-maxcompute20220104)
has it: action, path, answer shape, query parameters in the order `*_with_options` adds them (kind,
description, a sorter's fields and spelling), and the names of its item model (and sorter model) in
`pulumi_mms.core.apis.models`.

Two independent implementations read it and nothing else of each other: the client
(`core.apis.catalog` binds the typed models; the request parity tests hold it to the SDK) and the
emulator (`testing.urls` derives its routes and `testing.migration_responses` its parameter checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """How a query parameter is checked and spelt on the wire."""

    STR = "string"
    INT = "integer"
    BOOL = "boolean"
    STR_LIST = "array"  # sent as a JSON array, as the SDK's "shrink" requests do
    SORTER = "object"  # field -> asc|desc (see `Param.fields` and `Param.style`)


class Shape(str, Enum):
    """What `data` holds in the answer."""

    ITEM = "item"  # Get*: one object
    PAGE = "page"  # paged List*: objectList, pageNum, pageSize, total
    LIST = "list"  # unpaged List*: a plain array


def snake(name: str) -> str:
    """`srcDbName` -> `src_db_name`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Param:
    """A query parameter: wire name, kind, description.

    A sorter (`Kind.SORTER`) also has its `fields` (wire names, in the SDK model's order: the order they
    apply in when several are given), its `style` as the SDK spells it (`json`: one parameter holding a
    JSON object, `sorter={"numRows":"desc"}`; `flat`: one parameter per field, `sorter.numRows=desc`) and
    the name of its typed `model`.
    """

    wire: str
    kind: Kind
    description: str
    fields: tuple[str, ...] = ()
    style: str = ""
    model: str = ""
    required: bool = False
    """The API reference marks it required: refused when missing, before any request."""

    @property
    def name(self) -> str:
        """The Python name: the wire name in snake_case."""
        return snake(self.wire)


def q(wire: str, kind: Kind, description: str, *, required: bool = False) -> Param:
    return Param(wire, kind, description, required=required)


def sorter(fields: tuple[str, ...], style: str, model: str) -> Param:
    """The `sorter` of a listing: `fields` (wire names, SDK order), spelt in `style` (json or flat)."""
    names = ", ".join(snake(f) for f in fields)
    description = f"How to order the items: a field ({names}) and its direction, asc or desc."
    return Param("sorter", Kind.SORTER, description, fields, style, model)


PAGING = ("pageNum", "pageSize")
_PATH_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Declaration:
    """One read-only MMS API. `path` is the SDK's template (`{sourceId}` style; positive integer ids)."""

    action: str
    path: str
    item: str
    """The name of the item model in `pulumi_mms.core.apis.models`."""
    shape: Shape
    noun: str
    description: str
    query: tuple[Param, ...] = ()
    max_page_size: int = 100

    @property
    def path_params(self) -> tuple[str, ...]:
        """The path parameters' wire names, outermost first (`sourceId`, `jobId`, ...)."""
        return tuple(_PATH_PARAM.findall(self.path))


_SOURCE = "/api/v1/mms/datasources/{sourceId}"
_PAGE_NUM = q("pageNum", Kind.INT, "The page number, from 1.")
_PAGE_SIZE = q("pageSize", Kind.INT, "The number of items per page.")
_SRC_DB = q("srcDbName", Kind.STR, "The source database name.")
_SRC_TABLE = q("srcTableName", Kind.STR, "The source table name.")
_DST_DB = q("dstDbName", Kind.STR, "The destination MaxCompute project.")
_DST_TABLE = q("dstTableName", Kind.STR, "The destination MaxCompute table.")
_DB_ID = q("dbId", Kind.INT, "The database ID.")
_DB_NAME = q("dbName", Kind.STR, "The database name.")
_DDL_END = q("lastDdlTimeEnd", Kind.STR, "Only items whose last DDL time is before this time.")
_DDL_START = q("lastDdlTimeStart", Kind.STR, "Only items whose last DDL time is after this time.")
_STATUS_LIST = q(
    "status", Kind.STR_LIST, "Only items in these migration statuses (INIT, DOING, DONE, PART_DONE, FAILED)."
)
_SIZES = ("lastDdlTime", "numRows", "size")

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "ListMmsJobs",
        f"{_SOURCE}/jobs",
        "Job",
        Shape.PAGE,
        "job",
        "The migration jobs of a data source.",
        (
            _DST_DB,
            _DST_TABLE,
            q("name", Kind.STR, "The job name."),
            _PAGE_NUM,
            _PAGE_SIZE,
            _SRC_DB,
            _SRC_TABLE,
            q("status", Kind.STR, "Only jobs in this status: INIT, DOING, DONE or FAILED."),
            q("stopped", Kind.INT, "1 for stopped jobs only, 0 for jobs that are not stopped."),
            q("timerId", Kind.INT, "Only jobs created by this timer."),
            sorter(("status",), "flat", "JobSorter"),
        ),
    ),
    Declaration(
        "GetMmsJob",
        f"{_SOURCE}/jobs/{{jobId}}",
        "Job",
        Shape.ITEM,
        "job",
        "A migration job of a data source.",
    ),
    Declaration(
        "ListMmsDbs",
        f"{_SOURCE}/dbs",
        "Db",
        Shape.PAGE,
        "database",
        "The source databases of a data source.",
        (
            q("name", Kind.STR, "The database name."),
            _PAGE_NUM,
            _PAGE_SIZE,
            sorter(("numRows", "size", "updateTime"), "json", "DbSorter"),
            q("status", Kind.STR, "Only databases in this migration status."),
        ),
    ),
    Declaration(
        "GetMmsDb",
        f"{_SOURCE}/dbs/{{dbId}}",
        "Db",
        Shape.ITEM,
        "database",
        "A source database of a data source.",
    ),
    Declaration(
        "ListMmsTables",
        f"{_SOURCE}/tables",
        "Table",
        Shape.PAGE,
        "table",
        "The source tables of a data source.",
        (
            _DB_ID,
            _DB_NAME,
            q("dstName", Kind.STR, "The destination table name."),
            q("dstProjectName", Kind.STR, "The destination MaxCompute project."),
            q("dstSchemaName", Kind.STR, "The destination MaxCompute schema."),
            q("hasPartitions", Kind.BOOL, "Only partitioned (true) or unpartitioned (false) tables."),
            _DDL_END,
            _DDL_START,
            q("name", Kind.STR, "The table name."),
            q("onlyName", Kind.BOOL, "Return only the names of the tables."),
            _PAGE_NUM,
            _PAGE_SIZE,
            _STATUS_LIST,
            q("type", Kind.STR, "The table type."),
            sorter(_SIZES, "flat", "TableSorter"),
        ),
    ),
    Declaration(
        "GetMmsTable", f"{_SOURCE}/tables/{{tableId}}", "Table", Shape.ITEM, "table", "A source table."
    ),
    Declaration(
        "ListMmsPartitions",
        f"{_SOURCE}/partitions",
        "Partition",
        Shape.PAGE,
        "partition",
        "The partitions of the source tables of a data source.",
        (
            _DB_ID,
            _DB_NAME,
            _DDL_END,
            _DDL_START,
            _PAGE_NUM,
            _PAGE_SIZE,
            _STATUS_LIST,
            q("tableId", Kind.INT, "The table ID."),
            q("tableName", Kind.STR, "The table name."),
            q("updated", Kind.BOOL, "Only partitions whose metadata changed (true) or did not (false)."),
            q("value", Kind.STR, "The partition value."),
            sorter(_SIZES, "flat", "PartitionSorter"),
        ),
    ),
    Declaration(
        "GetMmsPartition",
        f"{_SOURCE}/partitions/{{partitionId}}",
        "Partition",
        Shape.ITEM,
        "partition",
        "A partition of a source table.",
    ),
    Declaration(
        "ListMmsTasks",
        f"{_SOURCE}/tasks",
        "Task",
        Shape.PAGE,
        "task",
        "The migration tasks of a data source.",
        (
            _DST_DB,
            _DST_TABLE,
            q("jobId", Kind.INT, "Only tasks of this job."),
            q("jobName", Kind.STR, "Only tasks of the job of this name."),
            _PAGE_NUM,
            _PAGE_SIZE,
            q("partition", Kind.STR, "The partition."),
            _SRC_DB,
            _SRC_TABLE,
            q("status", Kind.STR, "Only tasks in this status."),
            sorter(("startTime", "status"), "flat", "TaskSorter"),
        ),
    ),
    Declaration("GetMmsTask", f"{_SOURCE}/tasks/{{taskId}}", "Task", Shape.ITEM, "task", "A migration task."),
    Declaration(
        "ListMmsTaskLogs",
        f"{_SOURCE}/tasks/{{taskId}}/logs",
        "TaskLog",
        Shape.LIST,
        "task log",
        "The log of a migration task.",
    ),
    Declaration(
        "ListMmsTimers",
        f"{_SOURCE}/timers",
        "Timer",
        Shape.PAGE,
        "timer",
        "The scheduled migrations of a data source.",
        (
            q("name", Kind.STR, "The timer name."),
            _PAGE_NUM,
            _PAGE_SIZE,
            _SRC_DB,
            _SRC_TABLE,
            q("stopped", Kind.BOOL, "Only stopped (true) or running (false) timers."),
        ),
    ),
    Declaration(
        "GetMmsTimer", f"{_SOURCE}/timers/{{timerId}}", "Timer", Shape.ITEM, "timer", "A scheduled migration."
    ),
    Declaration(
        "ListMmsTimerLogs",
        f"{_SOURCE}/timers/{{timerId}}/logs",
        "TimerLog",
        Shape.PAGE,
        "timer log",
        "The log of a scheduled migration.",
        (_PAGE_NUM, _PAGE_SIZE),
    ),
    Declaration(
        "GetMmsFetchMetadataJob",
        f"{_SOURCE}/scans/{{scanId}}",
        "FetchMetadataJob",
        Shape.ITEM,
        "metadata scan",
        "A metadata synchronization job of a data source.",
    ),
    Declaration(
        "ListMmsDataSourceConfigItems",
        "/api/v1/mms/configItems",
        "ConfigItem",
        Shape.LIST,
        "config item",
        "The configuration items a data source of a type takes.",
        (
            q("lang", Kind.STR, "The language of the descriptions: zh_CN or en_US."),
            q("sourceType", Kind.STR, "The data source type: HIVE, BIGQUERY or MAXCOMPUTE.", required=True),
        ),
    ),
)
"""Every read API of a migration, in the order of the README's table."""

BY_ACTION: dict[str, Declaration] = {d.action: d for d in DECLARATIONS}
