"""How the migration functions run: one `Function` per declared read API, and one way to run any of them.

Each public function (`get_mms_job`, `get_mms_tables`, ...; written out in `migration_functions` from this
table by `./dev schema`) hands its arguments here. They are checked before any request; the lookup runs
on the program's lookup pool (`lookups.submit`: bounded, pooled, deduplicated in a program run); the
result is an `@pulumi.output_type` derived from the item model. The plain form returns the awaitable
result, the `_output` form an Output that keeps the inputs' dependencies.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Hashable, Mapping
from enum import Enum
from typing import Any

import attrs
import pulumi
import pydantic
from pydantic import BaseModel
from pydantic.dataclasses import is_pydantic_dataclass

from ..core import discovery
from ..core.apis import catalog, progress, reader
from ..core.apis.spec import ReadApi, Shape
from ..core.client import MmsClient
from ..core.model import ConfigItem, fields_of
from ..core.secrets import has_password_value
from . import generated_types, lookups
from . import invoke as runner
from .outputs import config_result


@attrs.frozen
class Function:
    """A Pulumi function over one read API. `items` names the result's list for a List* API."""

    name: str
    api: ReadApi[Any]
    items: str | None = None
    gate: tuple[str, ...] = ()
    """The `wait_for` conditions the function offers (a progress gate), if any."""
    counts: bool = False
    """Whether the result counts the items by migration progress (done, failed, running)."""
    summary: type[BaseModel] | None = None
    """The result model of a function that sums up several reads (`progress.summarize`) instead of
    returning the API's item or listing; `api` then only checks the data source argument."""

    @property
    def description(self) -> str:
        """What the function reads, one sentence."""
        return " ".join((self.summary.__doc__ or "").split()) if self.summary else self.api.description

    @property
    def actions(self) -> tuple[str, ...]:
        """The MaxCompute APIs the function calls."""
        reads = progress.SUMMARY_READS if self.summary else (self.api,)
        return tuple(api.action for api in reads)

    @property
    def token(self) -> str:
        """The schema token (`mms:index:getMmsJobs`)."""
        return "mms:index:" + _camel(self.name)

    @property
    def result_name(self) -> str:
        return _camel(self.name)[0].upper() + _camel(self.name)[1:] + "Result"

    @property
    def own_ids(self) -> tuple[str, ...]:
        """The path ids besides the data source's (`job_id`; `task_id` of a task's logs)."""
        return tuple(p for p in self.api.path_params if p != "source_id")

    @property
    def has_source(self) -> bool:
        return "source_id" in self.api.path_params

    @property
    def filters(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.api.filters)

    @property
    def arguments(self) -> tuple[str, ...]:
        """The function's arguments in order (without `opts`)."""
        source = ("source_id", "source_name") if self.has_source else ()
        if self.summary:
            return source
        regex = ("name_regex",) if self.items else ()
        wait = ("wait_for", "wait_timeout") if self.gate else ()
        return (*source, *self.own_ids, *self.filters, *regex, *wait)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


FUNCTIONS: tuple[Function, ...] = (
    Function("get_mms_job", catalog.GET_MMS_JOB, gate=progress.JOB_CONDITIONS),
    Function("get_mms_jobs", catalog.LIST_MMS_JOBS, "jobs"),
    Function("get_mms_db", catalog.GET_MMS_DB),
    Function("get_mms_dbs", catalog.LIST_MMS_DBS, "dbs"),
    Function("get_mms_table", catalog.GET_MMS_TABLE),
    Function(
        "get_mms_tables", catalog.LIST_MMS_TABLES, "tables", gate=progress.TABLE_CONDITIONS, counts=True
    ),
    Function("get_mms_partition", catalog.GET_MMS_PARTITION),
    Function("get_mms_partitions", catalog.LIST_MMS_PARTITIONS, "partitions"),
    Function("get_mms_task", catalog.GET_MMS_TASK),
    Function("get_mms_tasks", catalog.LIST_MMS_TASKS, "tasks"),
    Function("get_mms_task_logs", catalog.LIST_MMS_TASK_LOGS, "logs"),
    Function("get_mms_timer", catalog.GET_MMS_TIMER),
    Function("get_mms_timers", catalog.LIST_MMS_TIMERS, "timers"),
    Function("get_mms_timer_logs", catalog.LIST_MMS_TIMER_LOGS, "logs"),
    Function("get_mms_fetch_metadata_job", catalog.GET_MMS_FETCH_METADATA_JOB),
    Function("get_mms_data_source_config_items", catalog.LIST_MMS_DATA_SOURCE_CONFIG_ITEMS, "config_items"),
    Function("get_mms_migration_summary", catalog.LIST_MMS_DBS, summary=progress.MigrationSummary),
)
"""Every migration function, in the order of schema.json and the README."""

BY_NAME: dict[str, Function] = {fn.name: fn for fn in FUNCTIONS}


# -- result types, derived from the item models ----------------------------------------------------------


def listing_model(fn: Function) -> type[BaseModel]:
    """The model of a plural function's result: ids, names and the typed items."""
    assert fn.items is not None
    item: Any = fn.api.item
    fields: dict[str, Any] = {
        "ids": (list[int], pydantic.Field(description="The IDs of the matching items.")),
        "names": (list[str], pydantic.Field(description="The names of the matching items.")),
        fn.items: (list[item], pydantic.Field(description="The matching items.", alias=_camel(fn.items))),
    }
    if fn.counts:
        for count, what in (
            ("done", "migrated (DONE)"),
            ("failed", "failed (FAILED)"),
            ("running", "being migrated (DOING)"),
        ):
            fields[count] = (int, pydantic.Field(description=f"The number of matching items {what}."))
    description = f"The result of {fn.name}: {fn.api.description[0].lower()}{fn.api.description[1:]}"
    model: type[BaseModel] = pydantic.create_model(
        fn.result_name.removesuffix("Result") + "Listing", __doc__=description, **fields
    )
    return model


def nested_type_names() -> dict[type, str]:
    """The output type of each model nested in an item (`JobConfig` -> `GetMmsJobConfigResult`)."""
    names: dict[type, str] = {ConfigItem: "GetMmsDataSourceConfigResult"}
    pending = [model for fn in FUNCTIONS for model in (fn.api.item, fn.summary) if model is not None]
    while pending:
        for info in fields_of(pending.pop()).values():
            for inner in _models_in(info.annotation):
                if inner not in names:
                    names[inner] = f"GetMms{inner.__name__}Result"
                    pending.append(inner)
    return names


def _models_in(annotation: Any) -> list[type]:
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    if is_model or is_pydantic_dataclass(annotation):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def item_type_name(fn: Function) -> str:
    """The output type of one item of a plural function's result."""
    known = nested_type_names().get(fn.api.item)
    return known or fn.result_name.removesuffix("Result") + "ItemResult"


_NESTED: dict[type, str] = {}


def _generated(name: str) -> type:
    found: type = getattr(generated_types, name)
    return found


def _build(output_type: type, item: Any, *, secret_values: bool) -> Any:
    """An output type filled from a model instance; nested models become their (dict) output types."""
    if isinstance(item, ConfigItem):
        return config_result(item, secret_values=secret_values)
    values = {name: _value(getattr(item, name), secret_values) for name in fields_of(type(item))}
    return output_type(**values)


def _value(value: Any, secret_values: bool) -> Any:
    if isinstance(value, list):
        return [_value(inner, secret_values) for inner in value]
    if isinstance(value, BaseModel | ConfigItem):
        if not _NESTED:
            _NESTED.update(nested_type_names())
        return _build(_generated(_NESTED[type(value)]), value, secret_values=secret_values)
    return value.value if isinstance(value, Enum) else value


def result(fn: Function, found: Any, *, awaitable: bool) -> Any:
    """The Pulumi result of `fn` for what the reader found (the plain form's is awaitable)."""
    name = ("Awaitable" if awaitable else "") + fn.result_name
    if fn.items is None:
        return _build(_generated(name), found, secret_values=awaitable)
    item_type = _generated(item_type_name(fn))
    items = [_build(item_type, item, secret_values=awaitable) for item in found.items]
    counts: dict[str, int] = {}
    if fn.counts:
        state = progress.table_progress(found.items)
        counts = {"done": state.done, "failed": state.failed, "running": state.running}
    return _generated(name)(ids=found.ids, names=found.names, **{fn.items: items}, **counts)


def _holds_password(found: Any) -> bool:
    items = found.items if isinstance(found, reader.Listing) else [found]
    return any(has_password_value(dataclasses.asdict(item)) for item in items if isinstance(item, ConfigItem))


# -- running ----------------------------------------------------------------------------------------------


def _key(fn: Function, arguments: dict[str, Any]) -> Hashable:
    frozen = tuple((k, _frozen(v)) for k, v in sorted(arguments.items()))
    return ("migration", fn.name, frozen)


def _frozen(value: Any) -> Hashable:
    """A hashable form of an argument (a list of statuses, a sorter given as a mapping or its model)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_none=True)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    frozen: Hashable = value
    return frozen


def _work(fn: Function, arguments: dict[str, Any]) -> Any:
    arguments = dict(arguments)
    gate: progress.Gate | None = arguments.pop("gate", None)

    def run(client: MmsClient) -> Any:
        preview, log = pulumi.runtime.is_dry_run(), pulumi.log.info
        if fn.summary is not None:
            return progress.summarize(client, **arguments)
        if gate is not None and fn.api is catalog.GET_MMS_JOB:
            source_id = reader.source_of(client, arguments)
            return progress.wait_for_job(
                client, source_id, int(arguments["job_id"]), gate, is_preview=preview, on_progress=log
            )
        if gate is not None:
            listing, _ = progress.wait_for_tables(
                client, gate, is_preview=preview, on_progress=log, **arguments
            )
            return listing
        if fn.api.shape is Shape.ITEM:
            return reader.read_item(client, fn.api, **arguments)
        return reader.read_list(client, fn.api, **arguments)

    return run


def _given(arguments: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in arguments.items() if value is not None}


def check(fn: Function, arguments: dict[str, Any]) -> dict[str, Any]:
    """The given arguments, checked before any request (an `MmsError` naming the bad one)."""
    given = _given(arguments)
    regex = given.pop("name_regex", None)
    gate = progress.Gate.parse(given.pop("wait_for", None), given.pop("wait_timeout", None), fn.gate)
    reader.check(fn.api, given)
    if gate is not None:
        given["gate"] = gate
    if regex is not None:
        discovery.check_filters(name_regex=regex)
        given["name_regex"] = regex
    return given


def _answer(fn: Function, answer: Mapping[str, Any]) -> Any:
    """A `Mocks.call` answer (keyed as schema.json's outputs) read as the reader's result."""
    item: Any = pydantic.TypeAdapter(fn.summary or fn.api.item)
    if fn.items is None:
        return item.validate_python(answer)
    found = [item.validate_python(inner) for inner in answer.get(_camel(fn.items)) or []]
    ids, names = list(answer.get("ids") or []), list(answer.get("names") or [])
    return reader.Listing(ids=ids, names=names, items=found)


def _function(fn: Function) -> runner.Function[dict[str, Any], Any]:
    """`fn` as the shared function runner runs it: providers, mocks and `depends_on` as generated SDKs."""
    return runner.Function(
        name=fn.name,
        token=fn.token,
        check=lambda arguments: check(fn, dict(arguments)),
        start=lambda settings, given: lookups.submit(settings, _key(fn, given), _work(fn, given)),
        answer=lambda answer: _answer(fn, answer),
    )


def invoke(fn: Function, arguments: dict[str, Any], opts: pulumi.InvokeOptions | None) -> Any:
    """The plain form: the result now (awaitable, as generated SDKs return)."""
    return runner.invoke(_function(fn), arguments, opts, result=lambda found: _plain_result(fn, found))


def _plain_result(fn: Function, found: Any) -> Any:
    return result(fn, found, awaitable=True)


def invoke_output(
    fn: Function, arguments: dict[str, Any], opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None
) -> pulumi.Output[Any]:
    """The `_output` form: every argument may be an Output; the result keeps their dependencies, and is
    secret as a whole when it holds a password value (as get_mms_data_source_output's)."""
    return runner.invoke_output(
        _function(fn),
        arguments,
        opts,
        result=lambda found: result(fn, found, awaitable=False),
        secret=lambda found, _value: _holds_password(found),
    )
