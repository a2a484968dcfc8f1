"""Every read API of an MMS migration, as the client calls it: the declarations of `pulumi_mms.declarations`
(the wire contract, shared with the emulator) bound to their typed models (`models`).

Adding a read API is one `Declaration` there plus the model of its items here in `models`; the client, the
Pulumi functions, schema.json, the CLI, the README's tables and the emulator's routes pick it up. The named
constants below are for the code that calls an API by name (typed by its item model).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from ... import declarations
from . import models
from .models import ConfigItem, Db, FetchMetadataJob, Job, Partition, Table, Task, TaskLog, Timer, TimerLog
from .spec import Param, ReadApi

T = TypeVar("T")

READ_APIS: tuple[ReadApi[Any], ...] = tuple(ReadApi.declared(d, models) for d in declarations.DECLARATIONS)
"""All read APIs, in the order of the README's table."""

BY_ACTION: dict[str, ReadApi[Any]] = {api.action: api for api in READ_APIS}


def _api(action: str, item: type[T]) -> ReadApi[T]:
    api = BY_ACTION[action]
    if api.item is not item:
        raise TypeError(f"{action} is declared with item {api.item.__name__}, not {item.__name__}")
    return cast(ReadApi[T], api)


LIST_MMS_JOBS = _api("ListMmsJobs", Job)
GET_MMS_JOB = _api("GetMmsJob", Job)
LIST_MMS_DBS = _api("ListMmsDbs", Db)
GET_MMS_DB = _api("GetMmsDb", Db)
LIST_MMS_TABLES = _api("ListMmsTables", Table)
GET_MMS_TABLE = _api("GetMmsTable", Table)
LIST_MMS_PARTITIONS = _api("ListMmsPartitions", Partition)
GET_MMS_PARTITION = _api("GetMmsPartition", Partition)
LIST_MMS_TASKS = _api("ListMmsTasks", Task)
GET_MMS_TASK = _api("GetMmsTask", Task)
LIST_MMS_TASK_LOGS = _api("ListMmsTaskLogs", TaskLog)
LIST_MMS_TIMERS = _api("ListMmsTimers", Timer)
GET_MMS_TIMER = _api("GetMmsTimer", Timer)
LIST_MMS_TIMER_LOGS = _api("ListMmsTimerLogs", TimerLog)
GET_MMS_FETCH_METADATA_JOB = _api("GetMmsFetchMetadataJob", FetchMetadataJob)
LIST_MMS_DATA_SOURCE_CONFIG_ITEMS = _api("ListMmsDataSourceConfigItems", ConfigItem)

__all__ = ["BY_ACTION", "READ_APIS", "Param"]
