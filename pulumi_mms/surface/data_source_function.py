"""`get_mms_data_source` and `get_mms_data_source_output`: the data-source functions.

Shaped like the functions of Pulumi's generated SDKs (pulumi_alicloud's `maxcompute.get_projects`), but
they run in the program process (through `invoke` and `lookups`), during `pulumi preview` as well as `up`:
dependent resources see real values and previews show concrete diffs.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import attrs
import pulumi

from ..core import model, readiness, reading, validation
from ..core.client import MmsClient
from ..core.model import GetMmsDataSourceResponse
from ..core.settings import Settings
from . import invoke, lookups
from .outputs import (
    AwaitableGetMmsDataSourceResult,
    GetMmsDataSourceResult,
    data_source_output_result,
    data_source_result,
    holds_password_value,
)

__all__ = ["get_mms_data_source", "get_mms_data_source_output"]


@attrs.frozen
class Lookup:
    """The checked arguments of one lookup; equal lookups share one request in a program run."""

    source_id: int | None
    name: str | None
    with_config: bool | None
    lang: str | None
    wait: readiness.Wait | None

    @classmethod
    def check(
        cls,
        source_id: Any,
        name: Any,
        with_config: Any,
        lang: Any,
        wait_for: Any = None,
        wait_timeout: Any = None,
    ) -> Lookup:
        """Validate user arguments (before any request): exactly one of source_id and name."""
        reading.exactly_one(source_id, name)
        return cls(
            source_id=None if source_id is None else validation.source_id(source_id),
            name=None if name is None else validation.name(name),
            with_config=validation.with_config(with_config),
            lang=validation.lang(lang),
            wait=readiness.Wait.parse(wait_for, wait_timeout),
        )

    def run(self, client: MmsClient) -> GetMmsDataSourceResponse:
        """Resolve the name, read the data source, and wait for it if asked (not during a preview)."""
        response = reading.read(
            client,
            source_id=self.source_id,
            name=self.name,
            with_config=self.with_config,
            lang=self.lang,
            wait=self.wait,
            is_preview=pulumi.runtime.is_dry_run(),
            on_progress=pulumi.log.info,
        )
        model.share_fields_set(response)  # kept for the whole program run (its dedupe)
        return response


def _start(settings: Settings, lookup: Lookup) -> Future[GetMmsDataSourceResponse]:
    return lookups.submit(settings, ("get", lookup), lookup.run)


FUNCTION: invoke.Function[Lookup, GetMmsDataSourceResponse] = invoke.Function(
    name="get_mms_data_source",
    token="mms:index:getMmsDataSource",  # noqa: S106 - a schema token, not a password
    check=lambda args: Lookup.check(**args),
    start=_start,
    answer=lambda answer: GetMmsDataSourceResponse.model_validate(
        {"requestId": answer.get("requestId"), "data": answer}
    ),
)


def get_mms_data_source(
    source_id: int | str | None = None,
    with_config: bool | None = None,
    lang: str | None = None,
    name: str | None = None,
    wait_for: str | None = None,
    wait_timeout: float | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> AwaitableGetMmsDataSourceResult:
    """Read an MMS data source (MaxCompute API GetMmsDataSource).

    :param source_id: The data source ID (give this or `name`).
    :param with_config: Whether to return the data source's configuration items.
    :param lang: The language of configuration item descriptions: `zh_CN` or `en_US`.
    :param name: The data source's exact name, resolved through ListMmsDataSources (instead of `source_id`).
    :param wait_for: Wait until the data source is `started`, `ready` (started, agent online) or `scanned`
           (ready, metadata scanned). Not during `pulumi preview`, which shows the current state.
    :param wait_timeout: How long to wait, in seconds (default 600).
    :param opts: Invoke options: `provider` (a `pulumi_mms.Provider`) or `parent` choose the region and
           account; without one, the `mms:` stack config does.

    Password-typed configuration values are returned as secret Outputs (the Output form instead returns
    a result that is secret as a whole). Errors are `MmsError`s.
    """
    args = _args(source_id, with_config, lang, name, wait_for, wait_timeout)
    return invoke.invoke(
        FUNCTION,
        args,
        opts,
        result=lambda response: data_source_result(response.data, response.request_id),
    )


def get_mms_data_source_output(
    source_id: pulumi.Input[int] | None = None,
    with_config: pulumi.Input[bool] | None = None,
    lang: pulumi.Input[str] | None = None,
    name: pulumi.Input[str] | None = None,
    wait_for: pulumi.Input[str] | None = None,
    wait_timeout: pulumi.Input[float] | None = None,
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetMmsDataSourceResult]:
    """Read an MMS data source as an Output; every argument may be an Output (see `get_mms_data_source`).

    The result keeps the inputs' dependencies and secretness, and waits for `opts.depends_on` as
    `pulumi.runtime.invoke_output` does (in a preview, a dependency still to be created makes it unknown).
    Plain inputs are checked at once, before any request, and the lookup starts at once too when it has
    nothing to wait for.
    """
    args = _args(source_id, with_config, lang, name, wait_for, wait_timeout)
    return invoke.invoke_output(FUNCTION, args, opts, result=_output_result, secret=_secret)


# Module-level, not lambdas: one function object for every lookup, not two per lookup.
def _output_result(response: GetMmsDataSourceResponse) -> GetMmsDataSourceResult:
    return data_source_output_result(response.data, response.request_id)


def _secret(found: GetMmsDataSourceResponse, _result: GetMmsDataSourceResult) -> bool:
    return holds_password_value(found.data)


def _args(
    source_id: Any, with_config: Any, lang: Any, name: Any, wait_for: Any, wait_timeout: Any
) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "with_config": with_config,
        "lang": lang,
        "name": name,
        "wait_for": wait_for,
        "wait_timeout": wait_timeout,
    }
