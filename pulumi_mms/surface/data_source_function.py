"""`get_mms_data_source` and `get_mms_data_source_output`: the data-source functions.

Shaped like the functions of Pulumi's generated SDKs (pulumi_alicloud's `maxcompute.get_projects`), but
they run in the program process, through `pulumi_mms.lookups`, during `pulumi preview` as well as `up`:
dependent resources see real values and previews show concrete diffs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import pulumi

from ..core import readiness, reading, validation
from ..core.client import MmsClient
from ..core.errors import MmsError
from ..core.model import GetMmsDataSourceResponse
from . import lookups
from .outputs import (
    AwaitableGetMmsDataSourceResult,
    GetMmsDataSourceResult,
    data_source_output_result,
    data_source_result,
    secret_if_password,
)

__all__ = ["get_mms_data_source", "get_mms_data_source_output"]

T = TypeVar("T")


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
        return reading.read(
            client,
            source_id=self.source_id,
            name=self.name,
            with_config=self.with_config,
            lang=self.lang,
            wait=self.wait,
            is_preview=pulumi.runtime.is_dry_run(),
            on_progress=pulumi.log.info,
        )


def run_in_program(check: Callable[[], T]) -> T:
    """Run `check`, turning an `MmsError` into one Pulumi prints as a single clear message."""
    try:
        return check()
    except MmsError as error:
        raise lookups.as_program_error(error) from None


def _submit(lookup: Lookup) -> Any:
    return lookups.submit(lookups.program_settings(), ("get", lookup), lookup.run)


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
    :param opts: Invoke options (accepted for the generated-SDK shape; settings come from stack config).

    Password-typed configuration values are returned as secret Outputs (the Output form instead returns
    a result that is secret as a whole). Errors are `MmsError`s.
    """
    lookup = run_in_program(lambda: Lookup.check(source_id, name, with_config, lang, wait_for, wait_timeout))
    response = run_in_program(lambda: _submit(lookup).result())
    return data_source_result(response.data, response.request_id)


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

    The result keeps the inputs' dependencies and secretness (and those of `opts.depends_on`). Plain
    inputs are checked at once, before any request, and the lookup starts at once too (it has nothing to
    wait for); otherwise it starts when the inputs and `opts.depends_on` are known.
    """
    args = (source_id, name, with_config, lang, wait_for, wait_timeout)
    depends_on = depends_on_urns(opts)
    settings = run_in_program(lookups.program_settings)
    started = None
    if not any(isinstance(arg, pulumi.Output) for arg in args):
        checked = run_in_program(lambda: Lookup.check(*args))
        if not depends_on:
            started = lookups.submit(settings, ("get", checked), checked.run)

    async def lookup(values: list[Any]) -> GetMmsDataSourceResult:
        future = started
        if future is None:
            checked = run_in_program(lambda: Lookup.check(*values[: len(args)]))
            future = lookups.submit(settings, ("get", checked), checked.run)
        try:
            response = await lookups.wait(future)
        except MmsError as error:
            raise lookups.as_program_error(error) from None
        return data_source_output_result(response.data, response.request_id)

    # Secret as a whole when it holds a password, as Pulumi makes an invoke's result (see outputs.py).
    result: pulumi.Output[GetMmsDataSourceResult] = pulumi.Output.all(*args, *depends_on).apply(lookup)
    return result.apply(secret_if_password)


def depends_on_urns(
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None,
) -> list[pulumi.Output[str]]:
    """The URNs of `opts.depends_on`: awaiting them makes a lookup wait for (and depend on) them."""
    if not isinstance(opts, pulumi.InvokeOutputOptions) or opts.depends_on is None:
        return []
    items = opts.depends_on if isinstance(opts.depends_on, list) else [opts.depends_on]
    return [item.urn for item in items if isinstance(item, pulumi.Resource)]
