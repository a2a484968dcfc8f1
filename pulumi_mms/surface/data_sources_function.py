"""`get_mms_data_sources` and `get_mms_data_sources_output`: every data source matching some filters.

All pages of ListMmsDataSources are read; `type` and `region` filter on the server, `name_regex` and
`status` here. With `with_config`, each match is also read with GetMmsDataSource (concurrently, and
shared with any identical single lookups of the same program run) to add its configuration items.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, TypeVar

import attrs
import pulumi

from ..core import discovery, validation
from ..core.client import MmsClient
from ..core.errors import DataSourceNotFound
from ..core.model import DataSourceSummary, GetMmsDataSourceResponse
from ..core.settings import Settings
from . import invoke, lookups
from .data_source_function import Lookup
from .outputs import (
    AwaitableGetMmsDataSourcesResult,
    GetMmsDataSourcesResult,
    data_sources_output_result,
    data_sources_result,
    holds_password_value,
)

__all__ = ["get_mms_data_sources", "get_mms_data_sources_output"]

T = TypeVar("T")
R = TypeVar("R")


@attrs.frozen
class Filters:
    """Checked filters of one listing."""

    name_regex: str | None
    type: str | None
    status: str | None
    region: str | None
    with_config: bool | None

    @classmethod
    def check(cls, name_regex: Any, type: Any, status: Any, region: Any, with_config: Any) -> Filters:
        discovery.check_filters(name_regex, type, status, region)
        return cls(name_regex, type, status, region, validation.with_config(with_config))

    def run(self, client: MmsClient) -> list[DataSourceSummary]:
        return discovery.list_matching(
            client, name_regex=self.name_regex, type=self.type, status=self.status, region=self.region
        )


def _with_config(item: DataSourceSummary, response: GetMmsDataSourceResponse) -> DataSourceSummary:
    return item.model_copy(update={"config": response.data.config})


def _keep_found(
    items: list[DataSourceSummary], outcomes: list[GetMmsDataSourceResponse | BaseException]
) -> list[DataSourceSummary]:
    """Each item with its config; one deleted since the listing is left out with a warning.

    Any other failure of a config read fails the listing (the first one, in listing order).
    """
    kept: list[DataSourceSummary] = []
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, DataSourceNotFound):
            pulumi.log.warn(
                f"data source {item.id} ({item.name!r}) was deleted while it was being listed: left out of "
                "get_mms_data_sources"
            )
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            kept.append(_with_config(item, outcome))
    return kept


def _answer(answer: Mapping[str, Any]) -> list[DataSourceSummary]:
    """The data sources of a `Mocks.call` answer (`dataSources`, camelCase as in schema.json), read as a
    real listing is; `ids` and `names` follow from them."""
    return [DataSourceSummary.model_validate(item) for item in answer.get("dataSources") or []]


def _start(settings: Settings, filters: Filters) -> Future[list[DataSourceSummary]]:
    """List; with `with_config`, then read each match's config (each read shared with equal lookups)."""
    listed = lookups.submit(settings, ("list", filters), filters.run)
    if not filters.with_config:
        return listed
    done: Future[list[DataSourceSummary]] = Future()
    # The reads are submitted from whichever thread finishes the listing, in this program run's context
    # (the run's lookup cache is found through Pulumi's context variables).
    context = contextvars.copy_context()

    def read_configs(listing: Future[list[DataSourceSummary]]) -> None:
        try:
            items = listing.result()
            reads = context.copy().run(_config_reads, settings, items)
        except BaseException as error:
            done.set_exception(error)
            return
        # A data source deleted since the listing is left out with a warning, in the run's context.
        _when_done(reads, lambda outcomes: context.copy().run(_keep_found, items, outcomes), done)

    listed.add_done_callback(read_configs)
    return done


def _config_reads(
    settings: Settings, items: list[DataSourceSummary]
) -> list[Future[GetMmsDataSourceResponse]]:
    checked = [Lookup.check(item.id, None, True, None) for item in items]
    return [lookups.submit(settings, ("get", lookup), lookup.run) for lookup in checked]


def _when_done(
    futures: list[Future[T]], combine: Callable[[list[T | BaseException]], R], done: Future[R]
) -> None:
    """Complete `done` with `combine(outcomes)` once every future has finished (each outcome its result
    or its exception, in order); an exception from `combine` completes `done` with it."""
    remaining = [len(futures)]
    lock = threading.Lock()

    def finish() -> None:
        outcomes: list[T | BaseException] = []
        for future in futures:
            error = future.exception()
            outcomes.append(error if error is not None else future.result())
        try:
            done.set_result(combine(outcomes))
        except BaseException as failure:
            done.set_exception(failure)

    def finished(_future: Future[T]) -> None:
        with lock:
            remaining[0] -= 1
            if remaining[0]:
                return
        finish()

    if not futures:
        finish()
    for future in futures:
        future.add_done_callback(finished)


FUNCTION: invoke.Function[Filters, list[DataSourceSummary]] = invoke.Function(
    name="get_mms_data_sources",
    token="mms:index:getMmsDataSources",  # noqa: S106 - a schema token, not a password
    check=lambda args: Filters.check(**args),
    start=_start,
    answer=_answer,
)


def get_mms_data_sources(
    name_regex: str | None = None,
    type: str | None = None,
    status: str | None = None,
    region: str | None = None,
    with_config: bool | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> AwaitableGetMmsDataSourcesResult:
    """List the MMS data sources matching every given filter, ordered by id.

    :param name_regex: A regular expression (RE2 syntax) searched in each data source's name.
    :param type: HIVE, BIGQUERY, MAXCOMPUTE, ... (any case).
    :param status: STARTED, STOPPED, ... (any case).
    :param region: The data sources' region id (exact).
    :param with_config: Also read each data source's configuration items.
    :param opts: Invoke options: `provider` (a `pulumi_mms.Provider`) or `parent` choose the region and
           account; without one, the `mms:` stack config does.
    """
    return invoke.invoke(
        FUNCTION,
        _args(name_regex, type, status, region, with_config),
        opts,
        result=data_sources_result,
    )


def get_mms_data_sources_output(
    name_regex: pulumi.Input[str] | None = None,
    type: pulumi.Input[str] | None = None,
    status: pulumi.Input[str] | None = None,
    region: pulumi.Input[str] | None = None,
    with_config: pulumi.Input[bool] | None = None,
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetMmsDataSourcesResult]:
    """`get_mms_data_sources` as an Output; every argument may be an Output (`opts.depends_on` as for
    `get_mms_data_source_output`)."""
    return invoke.invoke_output(
        FUNCTION,
        _args(name_regex, type, status, region, with_config),
        opts,
        result=data_sources_output_result,
        secret=lambda found, _result: holds_password_value(found),
    )


def _args(name_regex: Any, type: Any, status: Any, region: Any, with_config: Any) -> dict[str, Any]:
    return {
        "name_regex": name_regex,
        "type": type,
        "status": status,
        "region": region,
        "with_config": with_config,
    }
