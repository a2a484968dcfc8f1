"""`pulumi-mms jobs|dbs|tables|partitions|tasks|timers|summary`: a migration's read side on the command line.

One command per entity, derived from the read API declarations: its filters become flags (`--db-name`,
`--status DONE --status FAILED`, `--has-partitions true`), `--sort num_rows:desc` orders a listing,
`--id` reads one item, `--wait` polls a gate (`jobs --id N --wait succeeded`, `tables --wait migrated`).
Output as a table, JSON or YAML. `summary` prints what get_mms_migration_summary returns.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from pydantic.alias_generators import to_camel

from ..core.apis import catalog, progress, reader
from ..core.apis.models import JobStatus, MigrationStatus
from ..core.apis.spec import Kind, ReadApi, sort_fields
from ..core.errors import ValidationError


@attrs.frozen
class Command:
    name: str
    listing: ReadApi[Any]
    item: ReadApi[Any]
    columns: tuple[str, ...]
    gate: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("jobs", catalog.LIST_MMS_JOBS, catalog.GET_MMS_JOB,
            ("id", "name", "status", "src_db_name", "dst_db_name", "task_done", "task_num"),
            progress.JOB_CONDITIONS),
    Command("dbs", catalog.LIST_MMS_DBS, catalog.GET_MMS_DB,
            ("id", "name", "status", "dst_project_name", "tables", "tables_done", "tables_failed")),
    Command("tables", catalog.LIST_MMS_TABLES, catalog.GET_MMS_TABLE,
            ("id", "db_name", "name", "status", "dst_project_name", "partitions", "partitions_done"),
            progress.TABLE_CONDITIONS),
    Command("partitions", catalog.LIST_MMS_PARTITIONS, catalog.GET_MMS_PARTITION,
            ("id", "db_name", "table_name", "value", "status", "num_rows")),
    Command("tasks", catalog.LIST_MMS_TASKS, catalog.GET_MMS_TASK,
            ("id", "job_name", "src_db_name", "src_table_name", "status", "retried_times")),
    Command("timers", catalog.LIST_MMS_TIMERS, catalog.GET_MMS_TIMER,
            ("id", "name", "src_db_name", "schedule_type", "value", "stopped")),
)  # fmt: skip


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _boolean(text: str) -> bool:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def register(commands: Any, common: argparse.ArgumentParser, connection: Callable[[Any], None]) -> None:
    """Add the migration commands to the `pulumi-mms` subcommands."""
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            parents=[common],
            help=f"{command.listing.description[0].lower()}{command.listing.description[1:].rstrip('.')} "
            f"({command.listing.action}, every page)",
            description=f"{command.listing.description} With --id, one of them ({command.item.action}).",
        )
        sub.add_argument("source_id", metavar="SOURCE_ID", nargs="?", help="the data source id")
        sub.add_argument("--source-name", help="the data source's exact name, instead of SOURCE_ID")
        sub.add_argument("--id", type=int, help=f"read one {command.item.noun} by its id")
        for param in command.listing.filters:
            if param.kind is Kind.SORTER:
                assert param.sorter is not None
                sub.add_argument(
                    "--sort",
                    action="append",
                    metavar="FIELD[:asc|desc]",
                    help=f"order by {', '.join(sort_fields(param.sorter))} (asc unless :desc); "
                    "repeat to sort by several, applied in that field order",
                )
                continue
            kwargs: dict[str, Any] = {"help": param.description, "dest": param.name}
            if param.kind is Kind.INT:
                kwargs["type"] = int
            elif param.kind is Kind.BOOL:
                kwargs.update(type=_boolean, metavar="true|false")
            elif param.kind is Kind.STR_LIST:
                kwargs["action"] = "append"
            sub.add_argument(_flag(param.name), **kwargs)
        sub.add_argument("--name-regex", metavar="REGEX", help="a regular expression searched in the name")
        if command.gate:
            sub.add_argument("--wait", choices=command.gate, help="poll until this state (a progress gate)")
            sub.add_argument(
                "--wait-timeout", type=float, metavar="SECONDS", help="how long --wait waits (600)"
            )
        connection(sub)
        sub.set_defaults(run=run, migration_command=command)
    summary = commands.add_parser(
        "summary",
        parents=[common],
        help="a migration at a glance: tables, partitions and jobs by status (every page of "
        f"{', '.join(api.action for api in progress.SUMMARY_READS)})",
        description="A data source's migration at a glance: per source database its tables and partitions "
        "by migration status, the jobs by status, the destination projects in use (as "
        "get_mms_migration_summary returns it).",
    )
    summary.add_argument("source_id", metavar="SOURCE_ID", nargs="?", help="the data source id")
    summary.add_argument("--source-name", "--name", dest="source_name", help="the data source's exact name")
    connection(summary)
    summary.set_defaults(run=run_summary)


def _parent(args: argparse.Namespace) -> dict[str, Any]:
    if (args.source_id is None) == (args.source_name is None):
        raise ValidationError("SOURCE_ID", "give exactly one of SOURCE_ID and --source-name")
    return {"source_id": args.source_id} if args.source_id is not None else {"source_name": args.source_name}


def run_summary(args: argparse.Namespace, redact: Any) -> int:
    """`pulumi-mms summary`: what get_mms_migration_summary returns, for people or as JSON/YAML."""
    from . import _client, _print, _serialise

    parent = _parent(args)
    reader.check(catalog.LIST_MMS_DBS, parent)  # before any request
    found = progress.summarize(_client(args, redact), **parent)
    if args.output == "table":
        return _print(summary_table(found), redact)
    return _print(_serialise(found.model_dump(mode="json", by_alias=True), args.output), redact)


def _by_status(counts: dict[str, int]) -> str:
    order = [s.value for s in MigrationStatus] + [s.value for s in JobStatus]
    known = sorted(
        counts, key=lambda status: (order.index(status) if status in order else len(order), status)
    )
    return ", ".join(f"{status} {counts[status]}" for status in known) or "-"


def summary_table(found: progress.MigrationSummary) -> str:
    """A migration summary as people read it: one row per source database, then the jobs and projects."""
    from .render import _grid, label

    columns = ("db_id", "db_name", "dst_project_name")
    rows = [[*(label(c) for c in columns), "Tables", "Partitions"]]
    for db in found.databases:
        values = [str(v) if v is not None else "-" for v in (db.db_id, db.db_name, db.dst_project_name)]
        rows.append([*values, _by_status(db.tables_by_status), _by_status(db.partitions_by_status)])
    lines = [f"Migration of data source {found.source_id}", ""]
    lines += _grid(rows, indent="") if found.databases else ["No databases."]
    lines += [
        "",
        f"Jobs: {_by_status(found.jobs_by_status)}",
        f"Destination projects: {', '.join(found.dst_projects) or '-'}",
        f"Projects with running jobs: {', '.join(found.running_dst_projects) or '-'}",
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, redact: Any) -> int:
    """Run one migration command (the `run` of its subparser)."""
    from . import _client, _print, _progress, _serialise

    command: Command = args.migration_command
    parent = _parent(args)
    gate = progress.Gate.parse(getattr(args, "wait", None), getattr(args, "wait_timeout", None), command.gate)
    filters = {
        p.name: getattr(args, p.name)
        for p in command.listing.filters
        if p.kind is not Kind.SORTER and getattr(args, p.name) is not None
    }
    sorter = sort_argument(command, getattr(args, "sort", None))
    if sorter:
        filters["sorter"] = sorter
    client = _client(args, redact)
    items: list[Any]
    if args.id is not None:
        own = command.item.path_params[-1]
        if gate is not None and command.name != "jobs":
            raise ValidationError(
                "--wait",
                f"{command.name} --wait {gate.condition} waits for the listed {command.name}, "
                "not for one read with --id",
                hint=f"drop --id and select the {command.name} with filters such as --name",
            )
        if gate is not None:
            source_id = reader.source_of(client, parent)
            items = [progress.wait_for_job(client, source_id, args.id, gate, on_progress=_progress)]
        else:
            items = [reader.read_item(client, command.item, **parent, **{own: args.id})]
    elif gate is not None and command.name == "tables":
        listing, state = progress.wait_for_tables(
            client, gate, on_progress=_progress, name_regex=args.name_regex, **parent, **filters
        )
        items = listing.items
        _progress(state.describe())
    elif gate is not None:
        raise ValidationError("--wait", f"{command.name} --wait {gate.condition} needs --id")
    else:
        items = reader.read_list(
            client, command.listing, name_regex=args.name_regex, **parent, **filters
        ).items
    if args.output == "table":
        return _print(table(items, command.columns, command.name), redact)
    dumped = [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in items]
    return _print(_serialise(dumped[0] if args.id is not None else dumped, args.output), redact)


def sort_argument(command: Command, given: Sequence[str] | None) -> dict[str, str]:
    """`--sort FIELD[:asc|desc]` (repeated) as the listing's sorter: {python field name: direction}."""
    param = next((p for p in command.listing.filters if p.kind is Kind.SORTER), None)
    if not given or param is None or param.sorter is None:
        return {}
    fields = sort_fields(param.sorter)
    by_any_name = {
        spelling: name for name in fields for spelling in (name, to_camel(name), name.replace("_", "-"))
    }
    example = f"--sort {fields[0]}:desc"
    sorter: dict[str, str] = {}
    for text in given:
        field, _, direction = text.partition(":")
        name = by_any_name.get(field)
        if name is None:
            raise ValidationError(
                "--sort",
                f"{command.name} cannot be sorted by {field!r}",
                hint=f"sort by one of {', '.join(fields)}, e.g. {example}",
            )
        if direction.lower() not in ("", "asc", "desc"):
            raise ValidationError(
                "--sort",
                f"the direction of {field} must be asc or desc, got {direction!r}",
                hint=f"e.g. {example}",
            )
        sorter[name] = direction.lower() or "asc"
    return sorter


def table(items: Sequence[Any], columns: Sequence[str], noun: str) -> str:
    """Items as one row each, with the given columns."""
    from .render import _grid, label, show

    if not items:
        return f"No {noun} match.\n"
    rows = [[label(column) for column in columns]]
    rows += [[show(getattr(item, column, None)) for column in columns] for item in items]
    return "\n".join([*_grid(rows, indent=""), "", f"{len(items)} {noun}"]) + "\n"
