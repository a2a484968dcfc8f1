"""How the migration functions run: one `Function` per declared read API, and one way to run any of them.

Each public function (`get_mms_job`, `get_mms_tables`, ...; written out in `migration_functions` from this
table by `./dev schema`) hands its arguments here. They are checked before any request; the lookup runs
on the program's lookup pool (`lookups.submit`: bounded, pooled, deduplicated in a program run); the
result is an `@pulumi.output_type` derived from the item model. The plain form returns the awaitable
result, the `_output` form an Output that keeps the inputs' dependencies.
"""

from __future__ import annotations

from collections.abc import Hashable
from enum import Enum
from typing import Any

import attrs
import pulumi
import pydantic
from pydantic import BaseModel

from ..core import discovery
from ..core.apis import catalog, reader
from ..core.apis.spec import ReadApi, Shape
from ..core.client import MmsClient
from ..core.errors import MmsError
from ..core.model import ConfigItem
from . import lookups
from .data_source_function import depends_on_urns, run_in_program
from .outputs import _awaitable, _secret_password, derive_output_type


@attrs.frozen
class Function:
    """A Pulumi function over one read API. `items` names the result's list for a List* API."""

    name: str
    api: ReadApi[Any]
    items: str | None = None

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
        regex = ("name_regex",) if self.items else ()
        return (*source, *self.own_ids, *self.filters, *regex)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


FUNCTIONS: tuple[Function, ...] = (
    Function("get_mms_job", catalog.GET_MMS_JOB),
    Function("get_mms_jobs", catalog.LIST_MMS_JOBS, "jobs"),
    Function("get_mms_db", catalog.GET_MMS_DB),
    Function("get_mms_dbs", catalog.LIST_MMS_DBS, "dbs"),
    Function("get_mms_table", catalog.GET_MMS_TABLE),
    Function("get_mms_tables", catalog.LIST_MMS_TABLES, "tables"),
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
    description = f"The result of {fn.name}: {fn.api.description[0].lower()}{fn.api.description[1:]}"
    model: type[BaseModel] = pydantic.create_model(
        fn.result_name.removesuffix("Result") + "Listing", __doc__=description, **fields
    )
    return model


def _result_types(fn: Function) -> tuple[type, type]:
    if fn.items is None:
        plain = derive_output_type(fn.api.item, fn.result_name)
    else:
        item_type = derive_output_type(fn.api.item, fn.result_name.removesuffix("Result") + "ItemResult")
        plain = derive_output_type(listing_model(fn), fn.result_name, nested={fn.items: item_type})
    return plain, _awaitable(plain)


RESULT_TYPES: dict[str, tuple[type, type]] = {fn.name: _result_types(fn) for fn in FUNCTIONS}
"""Per function: its result type and the awaitable twin the plain form returns."""


def _plain(value: Any) -> Any:
    """Nested models as dicts keyed by their wire names (as schema.json), enums as their values."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True, mode="json")
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.value if isinstance(value, Enum) else value


def _build(output_type: type, item: Any) -> Any:
    names: tuple[str, ...] = output_type._field_names  # type: ignore[attr-defined]
    if isinstance(item, ConfigItem):
        item = _secret_password(item)
    return output_type(**{name: _plain(getattr(item, name, None)) for name in names})


def result(fn: Function, found: Any, *, awaitable: bool) -> Any:
    """The Pulumi result of `fn` for what the reader found."""
    plain, twin = RESULT_TYPES[fn.name]
    output_type = twin if awaitable else plain
    if fn.items is None:
        return _build(output_type, found)
    item_type = output_type._nested[fn.items]  # type: ignore[attr-defined]
    return output_type(
        ids=found.ids, names=found.names, **{fn.items: [_build(item_type, i) for i in found.items]}
    )


# -- running ----------------------------------------------------------------------------------------------


def _key(fn: Function, arguments: dict[str, Any]) -> Hashable:
    frozen = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(arguments.items()))
    return ("migration", fn.name, frozen)


def _work(fn: Function, arguments: dict[str, Any]) -> Any:
    def run(client: MmsClient) -> Any:
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
    reader.check(fn.api, given)
    if regex is not None:
        discovery.check_filters(name_regex=regex)
        given["name_regex"] = regex
    return given


def invoke(fn: Function, arguments: dict[str, Any], opts: pulumi.InvokeOptions | None) -> Any:
    """The plain form: the result now (awaitable, as generated SDKs return)."""
    given = run_in_program(lambda: check(fn, arguments))
    settings = run_in_program(lookups.program_settings)
    found = run_in_program(lambda: lookups.submit(settings, _key(fn, given), _work(fn, given)).result())
    return result(fn, found, awaitable=True)


def invoke_output(
    fn: Function, arguments: dict[str, Any], opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None
) -> pulumi.Output[Any]:
    """The `_output` form: every argument may be an Output; the result keeps their dependencies."""
    names = tuple(arguments)
    values = tuple(arguments.values())
    if not any(isinstance(v, pulumi.Output) for v in values):
        run_in_program(lambda: check(fn, arguments))
    settings = run_in_program(lookups.program_settings)

    async def lookup(resolved: list[Any]) -> Any:
        given = run_in_program(lambda: check(fn, dict(zip(names, resolved[: len(names)], strict=True))))
        try:
            found = await lookups.wait(lookups.submit(settings, _key(fn, given), _work(fn, given)))
        except MmsError as error:
            raise lookups.as_program_error(error) from None
        return result(fn, found, awaitable=False)

    return pulumi.Output.all(*values, *depends_on_urns(opts)).apply(lookup)
