"""The read side of an MMS migration: jobs, databases, tables, partitions, tasks, timers and their logs.

Field names, wire names and types are exactly the official SDK's (alibabacloud-maxcompute20220104): the
`Get*` and `List*` variants of an entity share one model here (a list item may carry a few more fields,
which are then simply absent from a `Get` answer). Statuses are open enums: a documented value parses into
its member, a value the service learns later stays a plain string.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import ConfigDict, Field

from ..model import ConfigItem, _WireModel

_OPEN = Field(union_mode="left_to_right")


class MigrationStatus(str, Enum):
    """The migration state of a database, a table or a partition."""

    INIT = "INIT"
    DOING = "DOING"
    DONE = "DONE"
    PART_DONE = "PART_DONE"
    FAILED = "FAILED"


class JobStatus(str, Enum):
    """The state of a migration job (and of its tasks)."""

    INIT = "INIT"
    DOING = "DOING"
    DONE = "DONE"
    FAILED = "FAILED"


class ScanStatus(str, Enum):
    """The state of a metadata synchronization job."""

    INIT = "INIT"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


OpenMigrationStatus = Annotated[MigrationStatus | str, _OPEN]
OpenJobStatus = Annotated[JobStatus | str, _OPEN]
OpenTaskStatus = OpenJobStatus
OpenScanStatus = Annotated[ScanStatus | str, _OPEN]


class JobConfig(_WireModel):
    """The configuration of a migration job."""

    column_mapping: dict[str, str] | None = Field(
        None,
        description=(
            "The column name mapping in the format of {source column name: destination column name}."
        ),
    )
    enable_verification: bool | None = Field(
        None,
        description=(
            "Specifies whether to enable verification. The current verification method executes SELECT "
            "COUNT on both the source and destination to compare row counts."
        ),
    )
    increment: bool | None = Field(
        None,
        description=(
            "Specifies whether to enable incremental migration. Only new partitions or modified "
            "partitions are migrated. Modified partitions are re-migrated."
        ),
    )
    others: dict[str, Any] | None = Field(None, description="The additional configuration information.")
    partition_filters: dict[str, str] | None = Field(
        None,
        description=(
            "The partition filter expressions. Specifies the partition filter expression for a given table."
        ),
    )
    partitions: list[int] | None = Field(
        None,
        description=(
            "The list of partition IDs of the tables to migrate. This parameter takes effect when type "
            "is set to Partitions."
        ),
    )
    schema_only: bool | None = Field(None, description="Deprecated.")
    table_black_list: list[str] | None = Field(
        None,
        description=(
            "The list of tables to exclude from migration. This parameter takes effect when type is set "
            "to Database."
        ),
    )
    table_mapping: dict[str, str] | None = Field(
        None,
        description="The mapping from source table names to destination table names.",
    )
    table_white_list: list[str] | None = Field(
        None,
        description=(
            "The list of tables to migrate. This parameter takes effect when type is set to Database. "
            "If tableWhiteList is not specified, all tables in the corresponding database are migrated."
        ),
    )
    tables: list[str] | None = Field(
        None,
        description=(
            "The list of table names to migrate. This parameter takes effect when type is set to Tables."
        ),
    )
    task_type: str | None = Field(
        None,
        description=(
            "**[Deprecated]** Valid values: MOCK, HIVE (hive udtf task), HIVE_DATAX (hive datax task), "
            "COPY_TASK (ODPS Copy Task), ODPS_INSERT_OVERWRITE (ODPS simple insert overwrite task), "
            "MC2MC_VERIFY, OSS, HIVE_OSS, HIVE_SPARK, BIGQUERY."
        ),
    )
    tunnel_quota: str | None = Field(None, description="Deprecated.")


class Job(_WireModel):
    """A migration job (GetMmsJob `data`, ListMmsJobs `objectList` items)."""

    config: JobConfig | None = Field(None, description="The configuration of the migration job.")
    create_time: str | None = Field(
        None,
        description="The creation time in the format of YYYY-MM-DD HH:mm:ss.",
    )
    db_id: int | None = Field(None, description="The source database ID.")
    dst_db_name: str | None = Field(None, description="The destination MaxCompute project.")
    dst_schema_name: str | None = Field(None, description="The destination MaxCompute schema.")
    eta: str | None = Field(
        None,
        description=(
            "The expected migration completion time. A smaller eta value indicates a higher priority "
            "for the migration task."
        ),
    )
    id: int | None = Field(None, description="The migration job ID.")
    name: str | None = Field(None, description="The migration job name.")
    source_id: int | None = Field(None, description="The data source ID.")
    source_name: str | None = Field(None, description="The data source name.")
    src_db_name: str | None = Field(None, description="The source database name.")
    src_schema_name: str | None = Field(
        None,
        description="The source schema name in a three-level namespace.",
    )
    status: OpenJobStatus | None = Field(
        None, description="The status of the migration job: INIT, DOING, DONE or FAILED."
    )
    stopped: bool | None = Field(None, description="Indicates whether the job is stopped.")
    task_done: int | None = Field(None, description="The number of completed migration tasks.")
    task_num: int | None = Field(None, description="The number of migration tasks included.")
    type: str | None = Field(
        None,
        description="The migration scope. Valid values: Database, Tables, Partitions.",
    )


class Db(_WireModel):
    """A source database (GetMmsDb `data`, ListMmsDbs `objectList` items)."""

    description: str | None = Field(None, description="The database description.")
    dst_name: str | None = Field(
        None,
        description=(
            "The MaxCompute schema corresponding to the source database. If the destination MaxCompute "
            "project does not enable the schema layer, this value is null. By default, this value "
            "matches the source database name."
        ),
    )
    dst_project_name: str | None = Field(None, description="The name of the destination MaxCompute project.")
    extra: str | None = Field(None, description="Other information stored in JSON format.")
    id: int | None = Field(None, description="The database ID.")
    last_ddl_time: str | None = Field(None, description="The last DDL time.")
    location: str | None = Field(None, description="The storage location of the database.")
    name: str | None = Field(None, description="The database name.")
    num_rows: int | None = Field(None, description="The number of rows in the database.")
    owner: str | None = Field(None, description="The database owner.")
    partitions: int | None = Field(None, description="The number of partitions.")
    partitions_doing: int | None = Field(None, description="The partitions that are being migrated.")
    partitions_done: int | None = Field(
        None,
        description="The number of partitions whose migration is complete.",
    )
    partitions_failed: int | None = Field(None, description="The partitions that failed during migration.")
    size: int | None = Field(None, description="The size of the database in bytes.")
    source_id: int | None = Field(None, description="The ID of the data source.")
    source_name: str | None = Field(None, description="The name of the data source.")
    status: OpenMigrationStatus | None = Field(
        None,
        description="The migration status. Valid values: INIT, DOING, FAILED, DONE, and PART_DONE.",
    )
    tables: int | None = Field(None, description="The number of tables.")
    tables_doing: int | None = Field(None, description="The tables that are being migrated.")
    tables_done: int | None = Field(None, description="Tables for which migration has completed")
    tables_failed: int | None = Field(None, description="The tables that failed to migrate.")
    tables_part_done: int | None = Field(
        None,
        description="The tables whose migration is partially complete.",
    )
    updated: bool | None = Field(None, description="Indicates whether the metadata is updated.")
    create_time: str | None = Field(None, description="The time when the database was created in MMS.")
    deleted: bool | None = Field(None, description="Indicates whether the database has been deleted.")
    update_time: str | None = Field(
        None,
        description="The latest update time of the data. Format: YYYY-MM-DD HH:mm:ss.",
    )


class Column(_WireModel):
    """A column of a table schema."""

    comment: str | None = Field(None, description="The comment of the column.")
    default_value: str | None = Field(None, description="The default value of the column.")
    name: str | None = Field(None, description="The column name.")
    nullable: bool | None = Field(None, description="Indicates whether the column can be null.")
    type: str | None = Field(None, description="The data type of the column.")


class TableSchema(_WireModel):
    """The schema of a source table."""

    columns: list[Column] | None = Field(None, description="All common columns.")
    comment: str | None = Field(None, description="The comment of the table.")
    name: str | None = Field(None, description="The table name.")
    partitions: list[Column] | None = Field(None, description="All partition key columns.")


class Table(_WireModel):
    """A source table (GetMmsTable `data`, ListMmsTables `objectList` items)."""

    db_id: int | None = Field(None, description="The database ID.")
    db_name: str | None = Field(None, description="The database name.")
    dst_name: str | None = Field(
        None,
        description=(
            "The destination MaxCompute table name. By default, this name matches the original table name."
        ),
    )
    dst_project_name: str | None = Field(None, description="The destination MaxCompute project name.")
    dst_schema_name: str | None = Field(
        None,
        description=(
            "The destination MaxCompute schema name. This value is null if the destination MaxCompute "
            "project does not enable the schema layer."
        ),
    )
    extra: str | None = Field(None, description="Other information stored in JSON format.")
    has_partitions: bool | None = Field(
        None,
        description="Indicates whether the table is a partitioned table.",
    )
    id: int | None = Field(None, description="The table ID.")
    input_format: str | None = Field(None, description="The input format.")
    last_ddl_time: str | None = Field(None, description="The last DDL time.")
    location: str | None = Field(None, description="The storage location of the table.")
    name: str | None = Field(None, description="The table name.")
    num_rows: int | None = Field(None, description="The number of rows.")
    output_format: str | None = Field(None, description="The output format.")
    owner: str | None = Field(None, description="The owner of the table.")
    partitions: int | None = Field(None, description="The number of partitions.")
    partitions_doing: int | None = Field(
        None,
        description="The number of partitions that are being migrated.",
    )
    partitions_done: int | None = Field(None, description="The number of partitions that are migrated.")
    partitions_failed: int | None = Field(
        None,
        description="The number of partitions that failed to be migrated.",
    )
    table_schema: TableSchema | None = Field(None, alias="schema", description="The table schema.")
    serde: str | None = Field(None, description="The serializer/deserializer (SerDe).")
    size: int | None = Field(None, description="The data size in bytes.")
    source_id: int | None = Field(None, description="The data source ID.")
    source_name: str | None = Field(None, description="The data source name.")
    status: OpenMigrationStatus | None = Field(
        None, description="The migration status: INIT, DOING, DONE, PART_DONE or FAILED."
    )
    type: str | None = Field(None, description="The table type.")
    updated: bool | None = Field(None, description="Indicates whether the metadata is updated.")


class Partition(_WireModel):
    """A partition of a source table (GetMmsPartition `data`, ListMmsPartitions items)."""

    db_id: int | None = Field(
        None,
        description=(
            "The ID of the database that contains the partition. The name for this metadata layer "
            "depends on the data source. For example, it is a Dataset in BigQuery, a Database in Hive, "
            "or a Schema in Databricks and MaxCompute."
        ),
    )
    db_name: str | None = Field(
        None,
        description=(
            "The name of the database. The name for this metadata layer depends on the data source. For "
            "example, it is a Dataset in BigQuery, a Database in Hive, or a Schema in Databricks and "
            "MaxCompute."
        ),
    )
    dst_project_name: str | None = Field(None, description="The name of the destination MaxCompute project.")
    dst_schema_name: str | None = Field(
        None,
        description=(
            "The name of the destination MaxCompute schema. This parameter is null if the destination "
            "MaxCompute project does not use a schema layer."
        ),
    )
    dst_table_name: str | None = Field(None, description="The name of the destination MaxCompute table.")
    dst_value: str | None = Field(
        None,
        description=(
            "The value of the destination MaxCompute partition. By default, this value is the same as "
            "the source partition value."
        ),
    )
    id: int | None = Field(None, description="The partition ID.")
    last_ddl_time: str | None = Field(None, description="The time of the last DDL operation.")
    num_rows: int | None = Field(None, description="The number of rows.")
    size: int | None = Field(None, description="The data size in bytes.")
    source_id: int | None = Field(None, description="The data source ID.")
    source_name: str | None = Field(None, description="The data source name.")
    status: OpenMigrationStatus | None = Field(
        None, description="The migration status: INIT, DOING, DONE, PART_DONE or FAILED."
    )
    table_id: int | None = Field(None, description="The table ID.")
    table_name: str | None = Field(None, description="The table name.")
    updated: bool | None = Field(None, description="Indicates whether the metadata is updated.")
    value: str | None = Field(None, description="The partition value.")


class Task(_WireModel):
    """A migration task of a job (GetMmsTask `data`, ListMmsTasks items)."""

    create_time: str | None = Field(None, description="The creation time of the task.")
    db_id: int | None = Field(None, description="The source database ID.")
    dst_db_name: str | None = Field(None, description="The destination MaxCompute project.")
    dst_schema_name: str | None = Field(None, description="The destination MaxCompute schema.")
    dst_table_name: str | None = Field(None, description="The destination MaxCompute table.")
    end_time: str | None = Field(None, description="The end time of the task.")
    id: int | None = Field(None, description="The migration task ID.")
    job_id: int | None = Field(None, description="The migration job ID.")
    job_name: str | None = Field(None, description="The migration job name.")
    retried_times: int | None = Field(None, description="The number of times the task has been retried.")
    running: bool | None = Field(None, description="Indicates if the task is running.")
    source_id: int | None = Field(None, description="The data source ID.")
    source_name: str | None = Field(None, description="The data source name.")
    src_db_name: str | None = Field(None, description="The source database name.")
    src_schema_name: str | None = Field(
        None,
        description="The name of the source schema. This refers to the schema in a Layer 3 namespace.",
    )
    src_table_name: str | None = Field(None, description="The source table name.")
    start_time: str | None = Field(None, description="The start time of the task.")
    status: OpenTaskStatus | None = Field(
        None, description="The status of the migration task: INIT, DOING, DONE or FAILED."
    )
    stopped: bool | None = Field(None, description="Indicates if the task is stopped.")
    table_id: int | None = Field(None, description="The source table ID.")
    type: str | None = Field(None, description="The task type.")


class TaskLog(_WireModel):
    """One log entry of a migration task (ListMmsTaskLogs `data` items)."""

    action: str | None = Field(None, description="The operation performed by the migration task.")
    create_time: str | None = Field(None, description="The creation time. Format: YYYY-MM-DD HH:mm:ss.")
    id: int | None = Field(None, description="The log ID.")
    msg: str | None = Field(None, description="The result of the migration task operation.")
    source_id: int | None = Field(None, description="The ID of the data source.")
    status: OpenTaskStatus | None = Field(None, description="The status of the migration task.")
    task_id: int | None = Field(None, description="The ID of the migration task.")


class TimerConfig(_WireModel):
    """The configuration of the jobs a timer creates."""

    column_mapping: dict[str, str] | None = Field(
        None,
        description="A map of source column names to destination column names.",
    )
    enable_data_migration: bool | None = Field(None, description="Whether to migrate table data.")
    enable_schema_migration: bool | None = Field(None, description="Whether to migrate the table schema.")
    enable_verification: bool | None = Field(
        None,
        description=(
            "Whether to enable verification. The system performs verification by running a `SELECT "
            "COUNT(*)` query on both the source and destination to compare the row count."
        ),
    )
    others: dict[str, Any] | None = Field(None, description="Other configurations.")
    partition_filters: dict[str, str] | None = Field(
        None,
        description="A map of table names to their corresponding partition filter expressions.",
    )
    partitions: list[int] | None = Field(
        None,
        description=(
            "If `type` is set to `Partitions`, this parameter specifies a list of partition IDs to migrate."
        ),
    )
    table_black_list: list[str] | None = Field(
        None,
        description=(
            "If `type` is set to `Database`, this parameter specifies a table deny list. Tables on this "
            "list are excluded from the migration."
        ),
    )
    table_mapping: dict[str, str] | None = Field(
        None,
        description="A map of source table names to destination table names.",
    )
    table_white_list: list[str] | None = Field(
        None,
        description=(
            "If `type` is set to `Database`, this parameter specifies a table allowlist. If this "
            "parameter is not specified, all tables in the database are migrated."
        ),
    )
    tables: list[str] | None = Field(
        None,
        description=(
            "If `type` is set to `Tables`, this parameter specifies a list of table names to migrate."
        ),
    )


class Timer(_WireModel):
    """A scheduled migration (GetMmsTimer `data`, ListMmsTimers items)."""

    config: TimerConfig | None = Field(None, description="The configuration of the migration job.")
    create_time: str | None = Field(
        None,
        description="The creation time of the scheduled task. This is a Unix timestamp in milliseconds.",
    )
    db_id: int | None = Field(None, description="The ID of the source database.")
    id: int | None = Field(None, description="The ID of the scheduled task.")
    name: str | None = Field(None, description="The name of the scheduled task.")
    schedule_type: str | None = Field(
        None,
        description="The scheduling type of the scheduled task. Valid values: `Daily` and `Hourly`.",
    )
    source_id: int | None = Field(None, description="The ID of the data source.")
    src_db_name: str | None = Field(None, description="The name of the source database.")
    stopped: bool | None = Field(None, description="Indicates whether the scheduled task is stopped.")
    type: str | None = Field(None, description="The type of the scheduled task.")
    update_time: str | None = Field(
        None,
        description="The last update time of the scheduled task, in ISO 8601 format.",
    )
    value: str | None = Field(
        None,
        description=(
            "The scheduling time. If `scheduleType` is `Daily`, the value is in the `HH:MM` format. If "
            "`scheduleType` is `Hourly`, the value is in the `MM` format."
        ),
    )


class TimerLog(_WireModel):
    """One log entry of a timer (ListMmsTimerLogs items)."""

    action: str | None = Field(
        None,
        description="The action log of the migration job created by the scheduled task.",
    )
    create_time: str | None = Field(
        None,
        description="The time when the log was created. The format is YYYY-MM-DD HH:mm:ss.",
    )
    id: int | None = Field(
        None,
        description=(
            "The ID of the asynchronous task created by the scheduled task to create a migration job."
        ),
    )
    msg: str | None = Field(
        None,
        description="The log information of the migration job created by the scheduled task.",
    )
    source_id: int | None = Field(None, description="The data source ID.")
    status: str | None = Field(
        None,
        description="The status of the migration job created by the scheduled task.",
    )


class FetchMetadataJob(_WireModel):
    """A metadata synchronization job (GetMmsFetchMetadataJob `data`)."""

    end_time: str | None = Field(None, description="The time when metadata synchronization ended.")
    error_msg: str | None = Field(None, description="The error message.")
    id: int | None = Field(None, description="The ID of the asynchronous task.")
    progress: float | None = Field(
        None,
        description="The progress of metadata synchronization. Valid values: 1 to 10000.",
    )
    result: str | None = Field(None, description="The result of metadata synchronization.")
    source_id: int | None = Field(None, description="The data source ID.")
    start_time: str | None = Field(None, description="The time when metadata synchronization started.")
    status: OpenScanStatus | None = Field(
        None,
        description="The status of the asynchronous task for metadata synchronization.",
    )


# -- sorters (the `sorter` query parameter of ListMmsJobs, ListMmsDbs, ListMmsTables, ...) ---------------


class SortOrder(str, Enum):
    """The direction of a sort: ascending or descending."""

    ASC = "asc"
    DESC = "desc"


class _Sorter(_WireModel):
    model_config = ConfigDict(extra="forbid")


class JobSorter(_Sorter):
    """How ListMmsJobs orders the jobs."""

    status: SortOrder | None = Field(None, description="Sort by status: asc or desc.")


class DbSorter(_Sorter):
    """How ListMmsDbs orders the databases."""

    num_rows: SortOrder | None = Field(None, description="Sort by the number of rows: asc or desc.")
    size: SortOrder | None = Field(None, description="Sort by the data size: asc or desc.")
    update_time: SortOrder | None = Field(None, description="Sort by the update time: asc or desc.")


class TableSorter(_Sorter):
    """How ListMmsTables orders the tables."""

    last_ddl_time: SortOrder | None = Field(None, description="Sort by the last DDL time: asc or desc.")
    num_rows: SortOrder | None = Field(None, description="Sort by the number of rows: asc or desc.")
    size: SortOrder | None = Field(None, description="Sort by the data size: asc or desc.")


class PartitionSorter(_Sorter):
    """How ListMmsPartitions orders the partitions."""

    last_ddl_time: SortOrder | None = Field(None, description="Sort by the last DDL time: asc or desc.")
    num_rows: SortOrder | None = Field(None, description="Sort by the number of rows: asc or desc.")
    size: SortOrder | None = Field(None, description="Sort by the data size: asc or desc.")


class TaskSorter(_Sorter):
    """How ListMmsTasks orders the tasks."""

    start_time: SortOrder | None = Field(None, description="Sort by the start time: asc or desc.")
    status: SortOrder | None = Field(None, description="Sort by status: asc or desc.")


# -- response envelopes ------------------------------------------------------------------------------

T = TypeVar("T")


class Page(_WireModel, Generic[T]):
    """One page of a List* answer (`data`)."""

    object_list: list[T] | None = Field(None, description="The items on this page.")
    page_num: int | None = Field(None, description="The page number, from 1.")
    page_size: int | None = Field(None, description="The page size.")
    total: int | None = Field(None, description="The number of items matching the filters.")


class ItemResponse(_WireModel, Generic[T]):
    """A Get* answer: one item in `data`."""

    request_id: str | None = Field(None, description="The request ID.")
    data: T = Field(description="The data returned.")


class PageResponse(_WireModel, Generic[T]):
    """A paged List* answer: `data` is a page."""

    request_id: str | None = Field(None, description="The request ID.")
    data: Page[T] = Field(description="The data returned.")


class ListResponse(_WireModel, Generic[T]):
    """An unpaged List* answer: `data` is the whole list."""

    request_id: str | None = Field(None, description="The request ID.")
    data: list[T] | None = Field(None, description="The data returned.")


__all__ = [
    "Column",
    "ConfigItem",
    "Db",
    "DbSorter",
    "FetchMetadataJob",
    "ItemResponse",
    "Job",
    "JobConfig",
    "JobSorter",
    "JobStatus",
    "ListResponse",
    "MigrationStatus",
    "Page",
    "PageResponse",
    "Partition",
    "PartitionSorter",
    "ScanStatus",
    "SortOrder",
    "Table",
    "TableSchema",
    "TableSorter",
    "Task",
    "TaskLog",
    "TaskSorter",
    "Timer",
    "TimerConfig",
    "TimerLog",
]
