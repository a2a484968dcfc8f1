"""`get_mms_data_source` and `get_mms_data_source_output`: the data-source functions.

Shaped like the functions of Pulumi's generated SDKs (pulumi_alicloud's `maxcompute.get_projects`), but
they run in the program process, through `pulumi_mms.lookups`, during `pulumi preview` as well as `up`:
dependent resources see real values and previews show concrete diffs.
"""

from __future__ import annotations

from typing import Any

import pulumi

from . import lookups, validation
from .client import MmsClient
from .errors import MmsError
from .model import GetMmsDataSourceResponse
from .outputs import AwaitableGetMmsDataSourceResult, GetMmsDataSourceResult, data_source_result
from .settings import Settings

__all__ = ["get_mms_data_source", "get_mms_data_source_output"]


def _fetch(settings: Settings, source_id: int, with_config: bool | None, lang: str | None) -> Any:
    def work(client: MmsClient) -> GetMmsDataSourceResponse:
        return client.get_data_source(source_id, with_config=with_config, lang=lang)

    return lookups.submit(settings, ("get", source_id, with_config, lang), work)


def _result(response: GetMmsDataSourceResponse) -> AwaitableGetMmsDataSourceResult:
    return data_source_result(response.data, response.request_id)


def get_mms_data_source(
    source_id: int | str,
    with_config: bool | None = None,
    lang: str | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> AwaitableGetMmsDataSourceResult:
    """Read an MMS data source (MaxCompute API GetMmsDataSource).

    :param source_id: The data source ID.
    :param with_config: Whether to return the data source's configuration items.
    :param lang: The language of configuration item descriptions: `zh_CN` or `en_US`.
    :param opts: Invoke options (accepted for the generated-SDK shape; settings come from stack config).

    Password-typed configuration values are returned as secret Outputs. Errors are `MmsError`s.
    """
    sid = validation.source_id(source_id)
    wc = validation.with_config(with_config)
    language = validation.lang(lang)
    try:
        response = _fetch(lookups.program_settings(), sid, wc, language).result()
    except MmsError as error:
        raise lookups.as_program_error(error) from None
    return _result(response)


def get_mms_data_source_output(
    source_id: pulumi.Input[int],
    with_config: pulumi.Input[bool] | None = None,
    lang: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None = None,
) -> pulumi.Output[GetMmsDataSourceResult]:
    """Read an MMS data source as an Output; inputs may be Outputs.

    The result keeps the inputs' dependencies and secretness (and those of `opts.depends_on`). Plain
    inputs are checked at once, before any request.
    """
    for value, check in ((source_id, validation.source_id), (with_config, validation.with_config),
                         (lang, validation.lang)):
        if not isinstance(value, pulumi.Output):
            check(value)
    settings = lookups.program_settings()
    depends_on = [resource.urn for resource in _depends_on(opts)]

    async def lookup(args: list[Any]) -> GetMmsDataSourceResult:
        sid = validation.source_id(args[0])
        wc = validation.with_config(args[1])
        language = validation.lang(args[2])
        try:
            response = await lookups.wait(_fetch(settings, sid, wc, language))
        except MmsError as error:
            raise lookups.as_program_error(error) from None
        return _result(response)

    return pulumi.Output.all(source_id, with_config, lang, *depends_on).apply(lookup)


def _depends_on(opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None) -> list[pulumi.Resource]:
    if not isinstance(opts, pulumi.InvokeOutputOptions) or opts.depends_on is None:
        return []
    items = opts.depends_on if isinstance(opts.depends_on, list) else [opts.depends_on]
    return [item for item in items if isinstance(item, pulumi.Resource)]
