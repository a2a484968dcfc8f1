"""Gates on a migration's progress, and the summary users ask for in one call.

- `wait_for_job`: until a job `succeeded` (DONE); a FAILED job ends the wait at once with its error (the
  last log line of its first failed task).
- `wait_for_tables`: until the matching tables are `migrated` (every one DONE); the result counts done,
  failed and running tables; when nothing is left running and some failed, the wait ends at once, and
  when no table matches at all it fails at once (`NotFound`): a misspelt filter never opens the gate.
Both follow the data source's wait: never blocking during a preview (one read, failing fast on a failure),
bounded by a timeout, polling with backoff, progress through `on_progress`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs
from pydantic import Field

from .. import validation
from ..client import MmsClient
from ..errors import NotFound, NotReady, ValidationError
from ..model import _WireModel
from ..readiness import DEFAULT_TIMEOUT_S
from . import catalog, reader
from .models import Job, JobStatus, MigrationStatus, Table

JOB_CONDITIONS = ("succeeded",)
TABLE_CONDITIONS = ("migrated",)


@attrs.frozen
class Gate:
    """A checked `wait_for` / `wait_timeout` pair; polls start at `first_poll_s` and grow to `max_poll_s`."""

    condition: str
    timeout_s: float = DEFAULT_TIMEOUT_S
    first_poll_s: float = 2.0
    max_poll_s: float = 30.0

    @classmethod
    def parse(cls, wait_for: object, timeout: object, conditions: tuple[str, ...]) -> Gate | None:
        if wait_for is None:
            if timeout is not None:
                raise ValidationError(
                    "wait_timeout",
                    "wait_timeout needs wait_for",
                    hint=f"also set wait_for ({conditions[0]!r})",
                )
            return None
        condition = validation.one_of_names(wait_for, dict.fromkeys(conditions), "wait_for")
        if timeout is None:
            return cls(condition)
        return cls(condition, timeout_s=validation.wait_timeout(timeout))


def _status(value: object) -> str:
    return str(getattr(value, "value", value))


def _poll(
    client: MmsClient,
    gate: Gate,
    read: Callable[[], Any],
    settled: Callable[[Any], bool],
    check_failed: Callable[[Any], None],
    describe: Callable[[Any], str],
    subject: str,
    *,
    is_preview: bool,
    on_progress: Callable[[str], None],
    context: dict[str, Any],
) -> Any:
    deadline = client.clock() + gate.timeout_s
    poll = gate.first_poll_s
    while True:
        state = read()
        if settled(state):
            return state
        check_failed(state)
        if is_preview:
            return state  # a preview shows the current state and never blocks
        remaining = deadline - client.clock()
        if remaining <= 0:
            raise NotReady(
                f"{subject} was not {gate.condition} within {gate.timeout_s:g}s ({describe(state)})",
                hint="raise wait_timeout, or look at the migration in the MMS console",
                **context,
            )
        on_progress(f"waiting for {subject} to be {gate.condition}: {describe(state)}")
        client.sleep(min(poll, remaining))
        poll = min(poll * 1.5, gate.max_poll_s)


def job_error(client: MmsClient, source_id: int, job_id: int) -> str:
    """Why a job failed: its first failed task, and that task's last log message."""
    tasks = reader.list_all(
        client, catalog.LIST_MMS_TASKS, source_id=source_id, job_id=job_id, status="FAILED"
    )
    if not tasks or tasks[0].id is None:
        return "no failed task reported"
    task = tasks[0]
    logs = reader.list_all(client, catalog.LIST_MMS_TASK_LOGS, source_id=source_id, task_id=task.id)
    message = next((log.msg for log in reversed(logs) if log.msg), None) or "no log message"
    return f"task {task.id} ({task.src_db_name}.{task.src_table_name}): {message}"


def wait_for_job(
    client: MmsClient,
    source_id: int,
    job_id: int,
    gate: Gate,
    *,
    is_preview: bool = False,
    on_progress: Callable[[str], None] = lambda _message: None,
) -> Job:
    """Poll a job until it succeeded; NotReady at once when it failed, or at the timeout."""
    subject = f"job {job_id} of data source {source_id}"
    context = {"source_id": source_id, "region": client.settings.region, "endpoint": client.endpoint}

    def failed(job: Job) -> None:
        if job.status == JobStatus.FAILED:
            raise NotReady(
                f"{subject} ({job.name}) failed: {job_error(client, source_id, job_id)}",
                hint="fix the cause and retry the job in the MMS console",
                status="FAILED",
                **context,
            )

    def describe(job: Job) -> str:
        return f"status {_status(job.status)}, {job.task_done or 0} of {job.task_num or 0} tasks done"

    found: Job = _poll(
        client,
        gate,
        lambda: reader.get(client, catalog.GET_MMS_JOB, source_id=source_id, job_id=job_id),
        lambda job: job.status == JobStatus.DONE,
        failed,
        describe,
        subject,
        is_preview=is_preview,
        on_progress=on_progress,
        context=context,
    )
    return found


class TableProgress(_WireModel):
    """The migration state of a set of tables."""

    total: int = Field(description="The number of matching tables.")
    done: int = Field(description="The number of tables migrated (DONE).")
    failed: int = Field(description="The number of tables that failed to migrate (FAILED).")
    running: int = Field(description="The number of tables being migrated (DOING).")
    waiting: int = Field(description="The number of tables not migrated yet (INIT, PART_DONE, others).")
    failed_names: list[str] = Field(description="The names of the failed tables.")

    @property
    def migrated(self) -> bool:
        """Every matching table is DONE, and there is at least one: no table is not a migration."""
        return self.total > 0 and self.done == self.total

    def describe(self) -> str:
        return f"{self.done} of {self.total} tables done, {self.running} running, {self.failed} failed"


def table_progress(tables: list[Table]) -> TableProgress:
    statuses = Counter(_status(t.status) for t in tables)
    done, failed, running = statuses["DONE"], statuses["FAILED"], statuses["DOING"]
    return TableProgress(
        total=len(tables),
        done=done,
        failed=failed,
        running=running,
        waiting=len(tables) - done - failed - running,
        failed_names=[t.name or str(t.id) for t in tables if t.status == MigrationStatus.FAILED],
    )


def wait_for_tables(
    client: MmsClient,
    gate: Gate,
    *,
    is_preview: bool = False,
    on_progress: Callable[[str], None] = lambda _message: None,
    **arguments: Any,
) -> tuple[reader.Listing[Table], TableProgress]:
    """Poll ListMmsTables (with `arguments`: filters, name_regex) until every matching table is DONE.

    NotReady when nothing is running any more and some tables failed, or at the timeout.
    """
    listing_arguments = {k: v for k, v in arguments.items() if k != "source_name"}
    reader.check(catalog.LIST_MMS_TABLES, {k: v for k, v in arguments.items() if k != "name_regex"})
    source_id = listing_arguments["source_id"] = reader.source_of(client, arguments)
    where = ", ".join(
        f"{k}={v}" for k, v in arguments.items() if k not in ("source_id", "source_name") and v is not None
    )
    subject = f"the tables of data source {source_id}" + (f" ({where})" if where else "")
    context = {"source_id": source_id, "region": client.settings.region, "endpoint": client.endpoint}

    def read() -> tuple[reader.Listing[Table], TableProgress]:
        listing = reader.read_list(client, catalog.LIST_MMS_TABLES, **listing_arguments)
        return listing, table_progress(listing.items)

    def failed(state: tuple[reader.Listing[Table], TableProgress]) -> None:
        progress = state[1]
        if not progress.total:
            # A misspelt database or filter must not open the gate, nor wait its whole timeout.
            raise NotFound(
                f"no table of data source {source_id} matches"
                + (f" ({where})" if where else "")
                + ": there is nothing to wait for",
                kind="table",
                hint="check the filters (list the tables with `pulumi-mms tables "
                f"{source_id}`); tables are listed once the data source's metadata has been scanned",
                **context,
            )
        if progress.failed and not progress.running:
            raise NotReady(
                f"{subject} cannot all be migrated: {progress.describe()} "
                f"(failed: {', '.join(progress.failed_names[:10])})",
                hint="retry the failed tables' jobs in the MMS console",
                status="FAILED",
                **context,
            )

    found: tuple[reader.Listing[Table], TableProgress] = _poll(
        client,
        gate,
        read,
        lambda state: state[1].migrated,
        failed,
        lambda state: state[1].describe(),
        subject,
        is_preview=is_preview,
        on_progress=on_progress,
        context=context,
    )
    return found


# -- the summary -------------------------------------------------------------------------------------------


class DbSummary(_WireModel):
    """One source database of a migration: its tables and partitions counted by migration status."""

    db_id: int | None = Field(None, description="The database ID.")
    db_name: str | None = Field(None, description="The database name.")
    dst_project_name: str | None = Field(None, description="The destination MaxCompute project.")
    tables_by_status: dict[str, int] = Field(
        default_factory=dict, description="The number of tables in each migration status."
    )
    partitions_by_status: dict[str, int] = Field(
        default_factory=dict, description="The number of partitions in each migration status."
    )


class MigrationSummary(_WireModel):
    """A data source's migration at a glance.

    Per source database, its tables and partitions by migration status; the jobs by status; the
    destination MaxCompute projects in use.
    """

    source_id: int | None = Field(None, description="The data source ID.")
    databases: list[DbSummary] = Field(
        default_factory=list, description="Each source database, with its tables and partitions."
    )
    jobs_by_status: dict[str, int] = Field(
        default_factory=dict, description="The number of migration jobs in each status."
    )
    dst_projects: list[str] = Field(
        default_factory=list, description="The destination MaxCompute projects of the databases and tables."
    )
    running_dst_projects: list[str] = Field(
        default_factory=list, description="The destination MaxCompute projects of the running (DOING) jobs."
    )


SUMMARY_READS = (
    catalog.LIST_MMS_DBS,
    catalog.LIST_MMS_TABLES,
    catalog.LIST_MMS_PARTITIONS,
    catalog.LIST_MMS_JOBS,
)
"""The read APIs a summary is made of (every page of each)."""


def summarize(client: MmsClient, **arguments: Any) -> MigrationSummary:
    """Databases with their tables and partitions by status, jobs by status, destination projects in use."""
    reader.check(catalog.LIST_MMS_DBS, arguments)
    source_id = reader.source_of(client, arguments)
    source = reader.read_list(client, catalog.LIST_MMS_DBS, source_id=source_id)
    tables = reader.list_all(client, catalog.LIST_MMS_TABLES, source_id=source_id)
    partitions = reader.list_all(client, catalog.LIST_MMS_PARTITIONS, source_id=source_id)
    jobs = reader.list_all(client, catalog.LIST_MMS_JOBS, source_id=source_id)
    databases = [
        DbSummary(
            db_id=db.id,
            db_name=db.name,
            dst_project_name=db.dst_project_name,
            tables_by_status=dict(Counter(_status(t.status) for t in tables if t.db_id == db.id)),
            partitions_by_status=dict(Counter(_status(p.status) for p in partitions if p.db_id == db.id)),
        )
        for db in source.items
    ]
    projects = {db.dst_project_name for db in source.items} | {t.dst_project_name for t in tables}
    running = {j.dst_db_name for j in jobs if j.status == JobStatus.DOING}
    return MigrationSummary(
        source_id=source_id,
        databases=databases,
        jobs_by_status=dict(Counter(_status(j.status) for j in jobs)),
        dst_projects=sorted(p for p in projects if p),
        running_dst_projects=sorted(p for p in running if p),
    )
