"""Every read API of an MMS migration, one declaration each (query parameters in the official SDK's order).

Adding a read API is one `ReadApi` here plus the model of its items in `models`; the client, the Pulumi
functions, schema.json, the CLI and the README's tables pick it up from `READ_APIS`.
"""

from __future__ import annotations

from typing import Any

from .models import (
    ConfigItem,
    Db,
    DbSorter,
    FetchMetadataJob,
    Job,
    JobSorter,
    Partition,
    PartitionSorter,
    Table,
    TableSorter,
    Task,
    TaskLog,
    TaskSorter,
    Timer,
    TimerLog,
)
from .spec import Kind, Param, ReadApi, Shape, q, sorter

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

LIST_MMS_JOBS = ReadApi(
    "ListMmsJobs",
    f"{_SOURCE}/jobs",
    Job,
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
        sorter(JobSorter, "flat"),
    ),
)
GET_MMS_JOB = ReadApi(
    "GetMmsJob", f"{_SOURCE}/jobs/{{jobId}}", Job, Shape.ITEM, "job", "A migration job of a data source."
)
LIST_MMS_DBS = ReadApi(
    "ListMmsDbs",
    f"{_SOURCE}/dbs",
    Db,
    Shape.PAGE,
    "database",
    "The source databases of a data source.",
    (
        q("name", Kind.STR, "The database name."),
        _PAGE_NUM,
        _PAGE_SIZE,
        sorter(DbSorter, "json"),
        q("status", Kind.STR, "Only databases in this migration status."),
    ),
)
GET_MMS_DB = ReadApi(
    "GetMmsDb", f"{_SOURCE}/dbs/{{dbId}}", Db, Shape.ITEM, "database", "A source database of a data source."
)
LIST_MMS_TABLES = ReadApi(
    "ListMmsTables",
    f"{_SOURCE}/tables",
    Table,
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
        sorter(TableSorter, "flat"),
    ),
)
GET_MMS_TABLE = ReadApi(
    "GetMmsTable", f"{_SOURCE}/tables/{{tableId}}", Table, Shape.ITEM, "table", "A source table."
)
LIST_MMS_PARTITIONS = ReadApi(
    "ListMmsPartitions",
    f"{_SOURCE}/partitions",
    Partition,
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
        sorter(PartitionSorter, "flat"),
    ),
)
GET_MMS_PARTITION = ReadApi(
    "GetMmsPartition",
    f"{_SOURCE}/partitions/{{partitionId}}",
    Partition,
    Shape.ITEM,
    "partition",
    "A partition of a source table.",
)
LIST_MMS_TASKS = ReadApi(
    "ListMmsTasks",
    f"{_SOURCE}/tasks",
    Task,
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
        sorter(TaskSorter, "flat"),
    ),
)
GET_MMS_TASK = ReadApi(
    "GetMmsTask", f"{_SOURCE}/tasks/{{taskId}}", Task, Shape.ITEM, "task", "A migration task."
)
LIST_MMS_TASK_LOGS = ReadApi(
    "ListMmsTaskLogs",
    f"{_SOURCE}/tasks/{{taskId}}/logs",
    TaskLog,
    Shape.LIST,
    "task log",
    "The log of a migration task.",
)
LIST_MMS_TIMERS = ReadApi(
    "ListMmsTimers",
    f"{_SOURCE}/timers",
    Timer,
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
)
GET_MMS_TIMER = ReadApi(
    "GetMmsTimer", f"{_SOURCE}/timers/{{timerId}}", Timer, Shape.ITEM, "timer", "A scheduled migration."
)
LIST_MMS_TIMER_LOGS = ReadApi(
    "ListMmsTimerLogs",
    f"{_SOURCE}/timers/{{timerId}}/logs",
    TimerLog,
    Shape.PAGE,
    "timer log",
    "The log of a scheduled migration.",
    (_PAGE_NUM, _PAGE_SIZE),
)
GET_MMS_FETCH_METADATA_JOB = ReadApi(
    "GetMmsFetchMetadataJob",
    f"{_SOURCE}/scans/{{scanId}}",
    FetchMetadataJob,
    Shape.ITEM,
    "metadata scan",
    "A metadata synchronization job of a data source.",
)
LIST_MMS_DATA_SOURCE_CONFIG_ITEMS = ReadApi(
    "ListMmsDataSourceConfigItems",
    "/api/v1/mms/configItems",
    ConfigItem,
    Shape.LIST,
    "config item",
    "The configuration items a data source of a type takes.",
    (
        q("lang", Kind.STR, "The language of the descriptions: zh_CN or en_US."),
        q("sourceType", Kind.STR, "The data source type: HIVE, BIGQUERY or MAXCOMPUTE."),
    ),
)

READ_APIS: tuple[ReadApi[Any], ...] = (
    LIST_MMS_JOBS,
    GET_MMS_JOB,
    LIST_MMS_DBS,
    GET_MMS_DB,
    LIST_MMS_TABLES,
    GET_MMS_TABLE,
    LIST_MMS_PARTITIONS,
    GET_MMS_PARTITION,
    LIST_MMS_TASKS,
    GET_MMS_TASK,
    LIST_MMS_TASK_LOGS,
    LIST_MMS_TIMERS,
    GET_MMS_TIMER,
    LIST_MMS_TIMER_LOGS,
    GET_MMS_FETCH_METADATA_JOB,
    LIST_MMS_DATA_SOURCE_CONFIG_ITEMS,
)
"""All read APIs, in the order of the README's table."""

BY_ACTION: dict[str, ReadApi[Any]] = {api.action: api for api in READ_APIS}

__all__ = ["BY_ACTION", "READ_APIS", "Param"]
