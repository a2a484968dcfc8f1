"""`get_mms_data_sources` and `get_mms_data_sources_output`: every data source matching some filters.

All pages of ListMmsDataSources are read; `type` and `region` filter on the server, `name_regex` and
`status` here. With `with_config`, each match is also read with GetMmsDataSource (concurrently, and
shared with any identical single lookups of the same program run) to add its configuration items.
"""

from __future__ import annotations

import asyncio
from typing import Any

import attrs
import pulumi

from ..core import discovery, validation
from ..core.client import MmsClient
from ..core.errors import DataSourceNotFound, MmsError
from ..core.model import DataSourceSummary, GetMmsDataSourceResponse
from ..core.settings import Settings
from . import lookups
from .data_source_function import Lookup, depends_on_urns, run_in_program
from .outputs import (
    AwaitableGetMmsDataSourcesResult,
    GetMmsDataSourcesResult,
    data_sources_output_result,
    data_sources_result,
    secret_if_password,
)

__all__ = ["get_mms_data_sources", "get_mms_data_sources_output"]


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


def _outcome(future: Any) -> GetMmsDataSourceResponse | BaseException:
    try:
        response: GetMmsDataSourceResponse = future.result()
    except MmsError as error:
        return error
    return response


def _config_lookups(settings: Settings, items: list[DataSourceSummary]) -> list[Any]:
    lookups_ = [Lookup.check(item.id, None, True, None) for item in items]
    return [lookups.submit(settings, ("get", lookup), lookup.run) for lookup in lookups_]


def get_mms_data_sources(
    name_regex: str | None = None,
    type: str | None = None,
    status: str | None = None,
    region: str | None = None,
    with_config: bool | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> AwaitableGetMmsDataSourcesResult:
    """List the MMS data sources matching every given filter, ordered by id.

    :param name_regex: A regular expression searched in each data source's name.
    :param type: HIVE, BIGQUERY, MAXCOMPUTE, ... (exact).
    :param status: STARTED, STOPPED, ... (exact).
    :param region: The data sources' region id (exact).
    :param with_config: Also read each data source's configuration items.
    """
    filters = run_in_program(lambda: Filters.check(name_regex, type, status, region, with_config))
    settings = run_in_program(lookups.program_settings)

    def collect() -> list[DataSourceSummary]:
        items: list[DataSourceSummary] = lookups.submit(settings, ("list", filters), filters.run).result()
        if filters.with_config:
            items = _keep_found(items, [_outcome(future) for future in _config_lookups(settings, items)])
        return items

    return data_sources_result(run_in_program(collect))


def get_mms_data_sources_output(
    name_regex: pulumi.Input[str] | None = None,
    type: pulumi.Input[str] | None = None,
    status: pulumi.Input[str] | None = None,
    region: pulumi.Input[str] | None = None,
    with_config: pulumi.Input[bool] | None = None,
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetMmsDataSourcesResult]:
    """`get_mms_data_sources` as an Output; every argument may be an Output."""
    args = (name_regex, type, status, region, with_config)
    if not any(isinstance(arg, pulumi.Output) for arg in args):
        run_in_program(lambda: Filters.check(*args))
    settings = run_in_program(lookups.program_settings)

    async def listing(values: list[Any]) -> GetMmsDataSourcesResult:
        filters = run_in_program(lambda: Filters.check(*values[: len(args)]))
        try:
            items = await lookups.wait(lookups.submit(settings, ("list", filters), filters.run))
            if filters.with_config:
                outcomes = await asyncio.gather(
                    *(lookups.wait(f) for f in _config_lookups(settings, items)), return_exceptions=True
                )
                items = _keep_found(items, list(outcomes))
        except MmsError as error:
            raise lookups.as_program_error(error) from None
        return data_sources_output_result(items)

    # Secret as a whole when it holds a password, as Pulumi makes an invoke's result (see outputs.py).
    inputs = pulumi.Output.all(*args, *depends_on_urns(opts))
    result: pulumi.Output[GetMmsDataSourcesResult] = inputs.apply(listing)
    return result.apply(secret_if_password)
