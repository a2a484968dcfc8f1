"""`pulumi-mms jobs|dbs|tables|partitions|tasks|timers`: the read side of a migration on the command line.

One command per entity, derived from the read API declarations: its filters become flags (`--db-name`,
`--status DONE --status FAILED`, `--has-partitions true`), `--id` reads one item, `--wait` polls a gate
(`jobs --id N --wait succeeded`, `tables --wait migrated`). Output as a table, JSON or YAML.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ..core.apis import catalog, progress, reader
from ..core.apis.spec import Kind, ReadApi
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


def run(args: argparse.Namespace, redact: Any) -> int:
    """Run one migration command (the `run` of its subparser)."""
    from . import _client, _print, _progress, _serialise

    command: Command = args.migration_command
    if (args.source_id is None) == (args.source_name is None):
        raise ValidationError("SOURCE_ID", "give exactly one of SOURCE_ID and --source-name")
    parent: dict[str, Any] = (
        {"source_id": args.source_id} if args.source_id is not None else {"source_name": args.source_name}
    )
    gate = progress.Gate.parse(getattr(args, "wait", None), getattr(args, "wait_timeout", None), command.gate)
    filters = {
        p.name: getattr(args, p.name) for p in command.listing.filters if getattr(args, p.name) is not None
    }
    client = _client(args, redact)
    items: list[Any]
    if args.id is not None:
        own = command.item.path_params[-1]
        if gate is not None and command.name == "jobs":
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


def table(items: Sequence[Any], columns: Sequence[str], noun: str) -> str:
    """Items as one row each, with the given columns."""
    from .render import _grid, label, show

    if not items:
        return f"No {noun} match.\n"
    rows = [[label(column) for column in columns]]
    rows += [[show(getattr(item, column, None)) for column in columns] for item in items]
    return "\n".join([*_grid(rows, indent=""), "", f"{len(items)} {noun}"]) + "\n"
