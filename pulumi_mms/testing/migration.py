"""The emulator's model of a migration: per data source, databases, tables and partitions; jobs and their
tasks and task logs; timers and their logs; metadata scans. Plus the config item catalogue per source type.

Records are stored as wire dicts holding only their own fields and their parents' ids; everything that
follows from the relations (a table's database name, a database's table counts, a job's task counts, a
partition's destination) is derived when answering, so the answers always agree with each other.

State moves like the service's: `start_job` marks a job, its tasks, their tables and partitions DOING;
`finish_job` completes them (DONE, or FAILED for the tables named); `script_job` starts a job now and
finishes it after a number of reads of that data source's migration, so that a waiting program sees it
progress.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from .. import declarations

SAMPLE_RESOURCE = "migration_sample.json"
_SOURCE_PATH = "/api/v1/mms/datasources/{sourceId}/"


def collection_of(declaration: declarations.Declaration) -> str | None:
    """The collection of records an API reads: its path's last word (`.../tables/{tableId}` -> `tables`),
    after its parent's noun beneath an item (`.../tasks/{taskId}/logs` -> `taskLogs`); None for an API
    that is not about one data source's migration (ListMmsDataSourceConfigItems)."""
    if not declaration.path.startswith(_SOURCE_PATH):
        return None
    words = [w for w in declaration.path.removeprefix(_SOURCE_PATH).split("/") if not w.startswith("{")]
    if len(words) == 1:
        return words[0]
    return words[-2].removesuffix("s") + words[-1][:1].upper() + words[-1][1:]


COLLECTIONS = tuple(dict.fromkeys(c for d in declarations.DECLARATIONS if (c := collection_of(d))))
"""Every collection a declared read API reads (dbs, tables, partitions, jobs, tasks, taskLogs, ...).
Records refer to their parents by id: a table's `dbId`, a partition's `tableId`, a task's `jobId` and
`tableId`, a task log's `taskId`, a timer log's `timerId`."""


def sample_migration() -> dict[str, Any]:
    """The packaged migration fixture (a fresh copy)."""
    text = resources.files("pulumi_mms.testing").joinpath(SAMPLE_RESOURCE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _status_of(statuses: list[str], default: str = "INIT") -> str:
    """A parent's migration status from its children's."""
    if not statuses:
        return default
    if "DOING" in statuses:
        return "DOING"
    if "FAILED" in statuses:
        return "FAILED"
    if all(s == "DONE" for s in statuses):
        return "DONE"
    if any(s in ("DONE", "PART_DONE") for s in statuses):
        return "PART_DONE"
    return "INIT"


class MigrationStore:
    """Thread-safe migration state of one emulated service, keyed by data source id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sources: dict[int, dict[str, dict[int, dict[str, Any]]]] = {}
        self._config_items: dict[str, list[dict[str, Any]]] = {}
        self._scripts: dict[tuple[int, int], tuple[int, tuple[str, ...]]] = {}
        # Rendered answers, reused until the state changes: a listing of thousands of items is paged
        # in many requests, and each must not render them all again.
        self._version = 0
        self._rendered: dict[tuple[int, str, Any], tuple[int, list[dict[str, Any]]]] = {}

    # -- loading and editing ----------------------------------------------------------------------------

    def load(self, document: Mapping[str, Any]) -> None:
        """Add the records of a fixture document (the shape of `migration_sample.json`)."""
        for source_id, collections in (document.get("sources") or {}).items():
            for name, records in collections.items():
                self.put(int(source_id), name, records)
        with self._lock:
            for kind, items in (document.get("configItems") or {}).items():
                self._config_items[str(kind).upper()] = copy.deepcopy(list(items))
            self._version += 1

    def put(self, source_id: int, collection: str, records: Iterable[Mapping[str, Any]]) -> list[int]:
        """Store (or replace) records of `collection` for `source_id`; a missing `id` gets the next one."""
        if collection not in COLLECTIONS:
            raise ValueError(f"unknown collection {collection!r}; one of {', '.join(COLLECTIONS)}")
        ids: list[int] = []
        with self._lock:
            store = self._source(source_id)[collection]
            for record in records:
                item = copy.deepcopy(dict(record))
                if item.get("id") is None:
                    item["id"] = max(store, default=0) + 1
                item["id"] = int(item["id"])
                store[item["id"]] = item
                ids.append(item["id"])
            self._version += 1
        return ids

    def update(self, source_id: int, collection: str, item_id: int, **fields: Any) -> None:
        """Overwrite wire fields of one stored record."""
        with self._lock:
            self._require(source_id, collection, item_id).update(copy.deepcopy(fields))
            self._version += 1

    def records(self, source_id: int, collection: str) -> list[dict[str, Any]]:
        """Copies of the stored records (own fields only), ordered by id."""
        with self._lock:
            store = self._sources.get(source_id, {}).get(collection, {})
            return [copy.deepcopy(store[i]) for i in sorted(store)]

    def clear(self, source_id: int | None = None) -> None:
        with self._lock:
            if source_id is None:
                self._sources.clear()
            else:
                self._sources.pop(source_id, None)
            self._version += 1

    def has_source(self, source_id: int) -> bool:
        with self._lock:
            return source_id in self._sources

    def config_items(self, source_type: str) -> list[dict[str, Any]] | None:
        with self._lock:
            items = self._config_items.get(source_type.upper())
            return copy.deepcopy(items) if items is not None else None

    # -- state transitions --------------------------------------------------------------------------------

    def start_job(self, source_id: int, job_id: int) -> None:
        """The job runs: it, its tasks, and their tables and partitions are DOING."""
        with self._lock:
            self._set_job(source_id, job_id, "DOING", ())

    def finish_job(self, source_id: int, job_id: int, failed_tables: Iterable[str] = ()) -> None:
        """The job ends: its tasks' tables (and partitions) are DONE, or FAILED when named; so is the job."""
        with self._lock:
            self._set_job(source_id, job_id, "DONE", tuple(failed_tables))

    def script_job(
        self, source_id: int, job_id: int, *, after_reads: int, failed_tables: Iterable[str] = ()
    ) -> None:
        """Start the job now; finish it after `after_reads` reads of this data source's migration."""
        with self._lock:
            self._set_job(source_id, job_id, "DOING", ())
            self._scripts[(source_id, job_id)] = (after_reads, tuple(failed_tables))

    def tick(self, source_id: int) -> None:
        """One read of `source_id`'s migration: scripted jobs move one step towards their end."""
        with self._lock:
            for key, (left, failed) in list(self._scripts.items()):
                if key[0] != source_id:
                    continue
                if left <= 1:
                    del self._scripts[key]
                    self._set_job(source_id, key[1], "DONE", failed)
                else:
                    self._scripts[key] = (left - 1, failed)

    def _set_job(self, source_id: int, job_id: int, status: str, failed_tables: tuple[str, ...]) -> None:
        job = self._require(source_id, "jobs", job_id)
        state = self._sources[source_id]
        failed_any = False
        for task in state["tasks"].values():
            if task.get("jobId") != job_id:
                continue
            table = state["tables"].get(task.get("tableId", -1))
            failed = table is not None and table.get("name") in failed_tables
            failed_any |= failed
            outcome = "FAILED" if failed else status
            task.update(status=outcome, running=outcome == "DOING")
            if table is not None:
                table["status"] = outcome
                for part in state["partitions"].values():
                    if part.get("tableId") == table["id"]:
                        part["status"] = outcome
        job["status"] = "FAILED" if failed_any else status
        self._version += 1

    # -- answers (wire dicts with every derived field) ----------------------------------------------------

    def render(self, source_id: int, collection: str, source: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every record of `collection`, as the API answers it (ordered by id). Shared: never change it."""
        with self._lock:
            state = self._sources.get(source_id)
            if state is None:
                return []
            key = (source_id, collection, tuple(sorted((k, repr(v)) for k, v in source.items())))
            cached = self._rendered.get(key)
            if cached is not None and cached[0] == self._version:
                return cached[1]
            index = _Index(state)
            rendered = [
                self._render(state, index, collection, r, source)
                for _, r in sorted(state[collection].items())
            ]
            self._rendered = {k: v for k, v in self._rendered.items() if v[0] == self._version}
            self._rendered[key] = (self._version, rendered)
            return rendered

    def _render(
        self,
        state: dict[str, dict[int, dict[str, Any]]],
        index: _Index,
        collection: str,
        record: Mapping[str, Any],
        source: Mapping[str, Any],
    ) -> dict[str, Any]:
        # A shallow copy: answers are serialised, never changed in place, so nested values can be shared.
        out = dict(record)
        out["sourceId"] = source.get("id")
        if collection in ("dbs", "tables", "partitions", "jobs", "tasks"):
            out["sourceName"] = source.get("name")
        if collection == "dbs":
            tables = index.tables_of_db.get(record["id"], [])
            parts = [p for t in tables for p in index.partitions_of_table.get(t["id"], [])]
            out.update(_counts("tables", [t.get("status", "INIT") for t in tables]))
            out.update(_counts("partitions", [p.get("status", "INIT") for p in parts]))
            out.pop("partitionsPartDone", None)
            out["tables"], out["partitions"] = len(tables), len(parts)
            out["status"] = _status_of(
                [t.get("status", "INIT") for t in tables], record.get("status", "INIT")
            )
            out.setdefault("dstName", record.get("name"))
        elif collection == "tables":
            db = state["dbs"].get(record.get("dbId", -1), {})
            parts = index.partitions_of_table.get(record["id"], [])
            out.update(
                dbName=db.get("name"), dstProjectName=record.get("dstProjectName", db.get("dstProjectName"))
            )
            out.setdefault("dstSchemaName", db.get("dstName"))
            out.setdefault("dstName", record.get("name"))
            counts = _counts("partitions", [p.get("status", "INIT") for p in parts])
            counts.pop("partitionsPartDone", None)
            out.update(counts, partitions=len(parts))
            out.setdefault("hasPartitions", bool(parts))
        elif collection == "partitions":
            table = state["tables"].get(record.get("tableId", -1), {})
            db = state["dbs"].get(table.get("dbId", -1), {})
            out.update(
                dbId=db.get("id"),
                dbName=db.get("name"),
                tableName=table.get("name"),
                dstProjectName=table.get("dstProjectName", db.get("dstProjectName")),
                dstSchemaName=table.get("dstSchemaName", db.get("dstName")),
                dstTableName=table.get("dstName", table.get("name")),
            )
            out.setdefault("dstValue", record.get("value"))
        elif collection == "jobs":
            db = state["dbs"].get(record.get("dbId", -1), {})
            tasks = index.tasks_of_job.get(record["id"], [])
            out.update(srcDbName=db.get("name"), taskNum=len(tasks))
            out["taskDone"] = sum(1 for t in tasks if t.get("status") == "DONE")
            out.setdefault("dstDbName", db.get("dstProjectName"))
            out.setdefault("dstSchemaName", db.get("dstName"))
            out.pop("timerId", None)
        elif collection == "tasks":
            job = state["jobs"].get(record.get("jobId", -1), {})
            table = state["tables"].get(record.get("tableId", -1), {})
            db = state["dbs"].get(table.get("dbId", job.get("dbId", -1)), {})
            out.update(
                jobName=job.get("name"),
                dbId=db.get("id"),
                srcDbName=db.get("name"),
                srcTableName=table.get("name"),
                dstDbName=table.get("dstProjectName", db.get("dstProjectName")),
                dstSchemaName=db.get("dstName"),
                dstTableName=table.get("dstName", table.get("name")),
            )
        elif collection == "timers":
            db = state["dbs"].get(record.get("dbId", -1), {})
            out["srcDbName"] = db.get("name")
        return out

    def job_timer(self, source_id: int, job_id: int) -> int | None:
        """The timer that created a job (not part of the job's answer; used by the timerId filter)."""
        with self._lock:
            job = self._sources.get(source_id, {}).get("jobs", {}).get(job_id, {})
            timer = job.get("timerId")
            return int(timer) if timer is not None else None

    def _source(self, source_id: int) -> dict[str, dict[int, dict[str, Any]]]:
        return self._sources.setdefault(source_id, {name: {} for name in COLLECTIONS})

    def _require(self, source_id: int, collection: str, item_id: int) -> dict[str, Any]:
        record = self._sources.get(source_id, {}).get(collection, {}).get(item_id)
        if record is None:
            raise KeyError(f"no {collection} record {item_id} for data source {source_id}")
        return record


class _Index:
    """Children by parent id, built once per answer (an answer may render thousands of records)."""

    def __init__(self, state: dict[str, dict[int, dict[str, Any]]]) -> None:
        self.tables_of_db = _group(state["tables"], "dbId")
        self.partitions_of_table = _group(state["partitions"], "tableId")
        self.tasks_of_job = _group(state["tasks"], "jobId")


def _group(records: dict[int, dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for record in records.values():
        groups.setdefault(record.get(key), []).append(record)
    return groups


def _counts(prefix: str, statuses: list[str]) -> dict[str, int]:
    return {
        f"{prefix}Doing": statuses.count("DOING"),
        f"{prefix}Done": statuses.count("DONE"),
        f"{prefix}Failed": statuses.count("FAILED"),
        f"{prefix}PartDone": statuses.count("PART_DONE"),
    }
