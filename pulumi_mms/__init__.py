"""Read Alibaba Cloud MaxCompute Migration Assist (MMS) data sources from Pulumi programs.

- `get_mms_data_source` / `get_mms_data_source_output`: read one data source (by id or exact name,
  optionally waiting until it is ready).
- `get_mms_data_sources` / `get_mms_data_sources_output`: every data source matching some filters.
- `get_mms_job(s)`, `get_mms_db(s)`, `get_mms_table(s)`, `get_mms_partition(s)`, `get_mms_task(s)`,
  `get_mms_timer(s)`, their logs, metadata scans and config items: the read side of a migration.
- `MmsDataSource`: a read-only dynamic resource whose values show in `pulumi preview` and whose drift
  shows as a diff.
- `Provider`: an explicit provider, for another region or account in the same program.
- `MmsClient`: the signed API client underneath, usable on its own.
- `pulumi_mms.testing`: a local emulator of the API for tests.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_attributes

_MIGRATION_FUNCTIONS = (
    "get_mms_job",
    "get_mms_job_output",
    "get_mms_migration_summary",
    "get_mms_migration_summary_output",
    "get_mms_jobs",
    "get_mms_jobs_output",
    "get_mms_db",
    "get_mms_db_output",
    "get_mms_dbs",
    "get_mms_dbs_output",
    "get_mms_table",
    "get_mms_table_output",
    "get_mms_tables",
    "get_mms_tables_output",
    "get_mms_partition",
    "get_mms_partition_output",
    "get_mms_partitions",
    "get_mms_partitions_output",
    "get_mms_task",
    "get_mms_task_output",
    "get_mms_tasks",
    "get_mms_tasks_output",
    "get_mms_task_logs",
    "get_mms_task_logs_output",
    "get_mms_timer",
    "get_mms_timer_output",
    "get_mms_timers",
    "get_mms_timers_output",
    "get_mms_timer_logs",
    "get_mms_timer_logs_output",
    "get_mms_fetch_metadata_job",
    "get_mms_fetch_metadata_job_output",
    "get_mms_data_source_config_items",
    "get_mms_data_source_config_items_output",
)

# Every public name loads on first use: `import pulumi_mms` (and the pytest plugin, which every pytest
# session on the machine imports) costs nothing; the client (tea, pydantic: ~0.5 s) and the Pulumi
# surface (pulumi: ~0.2 s more) load only when a program, the CLI or a test uses them.
_LAZY = {
    "MmsClient": "core.client",
    "AmbiguousDataSource": "core.errors",
    "CredentialsError": "core.errors",
    "DataSourceNotFound": "core.errors",
    "InvalidRequest": "core.errors",
    "MalformedResponse": "core.errors",
    "MmsError": "core.errors",
    "NotFound": "core.errors",
    "NotReady": "core.errors",
    "PermissionDenied": "core.errors",
    "ServiceUnavailable": "core.errors",
    "Throttled": "core.errors",
    "ValidationError": "core.errors",
    "ConfigItem": "core.model",
    "ConfigItemType": "core.model",
    "DataSource": "core.model",
    "DataSourceStatus": "core.model",
    "DataSourceType": "core.model",
    "RetryPolicy": "core.settings",
    "Settings": "core.settings",
    "StaticCredentials": "core.settings",
    "ALL_DRIFT_FIELDS": "surface.drift",
    "DEFAULT_DRIFT_FIELDS": "surface.drift",
    "VOLATILE_FIELDS": "surface.drift",
    "get_mms_data_source": "surface.data_source_function",
    "get_mms_data_source_output": "surface.data_source_function",
    "get_mms_data_sources": "surface.data_sources_function",
    "get_mms_data_sources_output": "surface.data_sources_function",
    "MmsDataSource": "surface.resource",
    "MmsDataSourceProvider": "surface.resource",
    "MmsDataSourceArgs": "surface.generated_types",
    "Provider": "surface.provider",
    "AwaitableGetMmsDataSourceResult": "surface.outputs",
    "GetMmsDataSourceConfigResult": "surface.outputs",
    "GetMmsDataSourceResult": "surface.outputs",
    "AwaitableGetMmsDataSourcesResult": "surface.outputs",
    "GetMmsDataSourcesItemResult": "surface.outputs",
    "GetMmsDataSourcesResult": "surface.outputs",
    **dict.fromkeys(_MIGRATION_FUNCTIONS, "surface.migration_functions"),
}

if TYPE_CHECKING:
    from .core.client import MmsClient
    from .core.errors import (
        AmbiguousDataSource,
        CredentialsError,
        DataSourceNotFound,
        InvalidRequest,
        MalformedResponse,
        MmsError,
        NotFound,
        NotReady,
        PermissionDenied,
        ServiceUnavailable,
        Throttled,
        ValidationError,
    )
    from .core.model import ConfigItem, ConfigItemType, DataSource, DataSourceStatus, DataSourceType
    from .core.settings import RetryPolicy, Settings, StaticCredentials
    from .surface.data_source_function import get_mms_data_source, get_mms_data_source_output
    from .surface.data_sources_function import get_mms_data_sources, get_mms_data_sources_output
    from .surface.drift import ALL_DRIFT_FIELDS, DEFAULT_DRIFT_FIELDS, VOLATILE_FIELDS
    from .surface.generated_types import MmsDataSourceArgs
    from .surface.migration_functions import *  # noqa: F403 - the names of _MIGRATION_FUNCTIONS
    from .surface.outputs import (
        AwaitableGetMmsDataSourceResult,
        AwaitableGetMmsDataSourcesResult,
        GetMmsDataSourceConfigResult,
        GetMmsDataSourceResult,
        GetMmsDataSourcesItemResult,
        GetMmsDataSourcesResult,
    )
    from .surface.provider import Provider
    from .surface.resource import MmsDataSource, MmsDataSourceProvider


__getattr__ = lazy_attributes(__name__, _LAZY, globals())


__all__ = [
    "ALL_DRIFT_FIELDS",
    "DEFAULT_DRIFT_FIELDS",
    "VOLATILE_FIELDS",
    "AmbiguousDataSource",
    "AwaitableGetMmsDataSourceResult",
    "AwaitableGetMmsDataSourcesResult",
    "ConfigItem",
    "ConfigItemType",
    "CredentialsError",
    "DataSource",
    "DataSourceNotFound",
    "DataSourceStatus",
    "DataSourceType",
    "GetMmsDataSourceConfigResult",
    "GetMmsDataSourceResult",
    "GetMmsDataSourcesItemResult",
    "GetMmsDataSourcesResult",
    "InvalidRequest",
    "MalformedResponse",
    "MmsClient",
    "MmsDataSource",
    "MmsDataSourceArgs",
    "MmsDataSourceProvider",
    "MmsError",
    "NotFound",
    "NotReady",
    "PermissionDenied",
    "Provider",
    "RetryPolicy",
    "ServiceUnavailable",
    "Settings",
    "StaticCredentials",
    "Throttled",
    "ValidationError",
    "get_mms_data_source",
    "get_mms_data_source_output",
    "get_mms_data_sources",
    "get_mms_data_sources_output",
    *_MIGRATION_FUNCTIONS,
]
