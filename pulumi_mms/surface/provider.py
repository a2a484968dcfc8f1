"""`pulumi_mms.Provider`: an explicit provider, for a second region or account in one program.

It is a `pulumi.ProviderResource` of the dynamic-provider package `pulumi-python`, so `MmsDataSource`
accepts it as `ResourceOptions(provider=...)` (or through `providers` or a parent). The engine configures
the dynamic-provider host serving such a resource with the provider's inputs; they are keyed as stack
config is (`mms:region`, `mms:accessKey`, ...) and hold text as stack config does, so the host's
`MmsDataSourceProvider.configure` reads them exactly as it reads the `mms:` stack config. The functions
read the same inputs in the program process. Either way only the provider's own settings and the
environment count: the stack config does not fill what a provider leaves unset, as for the host it is
not there.

The parameters are the settings of `core.settings.SETTINGS`, by their snake_case names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
import pulumi
import pulumi.runtime
from pydantic.alias_generators import to_snake

from ..core.errors import MmsError, ValidationError
from ..core.settings import SETTINGS, Settings
from . import lookups

PACKAGE = "pulumi-python"
"""The package of every Python dynamic resource, and so of the provider that may serve one."""

PARAMETERS: Mapping[str, str] = {to_snake(spec.key): spec.key for spec in SETTINGS}
"""Provider parameter name -> setting (config) key, for every setting."""

_SECRET = frozenset(spec.key for spec in SETTINGS if spec.secret) | {"secretKey", "securityToken"}


def config_text(value: Any) -> str:
    """A value as stack config holds it: text (numbers and flags as written, objects as JSON)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True)


class Provider(pulumi.ProviderResource):
    """MMS settings for the lookups and resources given this provider: another region, endpoint or account.

    Pass it as `opts=pulumi.InvokeOptions(provider=p)` (or `InvokeOutputOptions`) to the functions and as
    `opts=pulumi.ResourceOptions(provider=p)` to `MmsDataSource`, or to a parent (`providers=[p]`) whose
    children then use it. Without a provider, lookups use the `mms:` stack config, then the environment.
    """

    def __init__(
        self,
        resource_name: str,
        region: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
        protocol: pulumi.Input[str] | None = None,
        access_key: pulumi.Input[str] | None = None,
        secret_key: pulumi.Input[str] | None = None,
        security_token: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        assume_role: pulumi.Input[Mapping[str, Any]] | None = None,
        max_concurrency: pulumi.Input[int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **settings: pulumi.Input[Any],
    ) -> None:
        """
        :param resource_name: The Pulumi name of the provider.
        :param region: The region of the data sources, e.g. cn-beijing.
        :param endpoint: Endpoint override as host[:port]; by default it is derived from the region.
        :param protocol: `https` (default) or `http`.
        :param access_key: The AccessKey ID.
        :param secret_key: The AccessKey secret (always stored as a secret).
        :param security_token: The STS security token (always stored as a secret).
        :param profile: The credentials profile to use.
        :param assume_role: A RAM role to assume: `{"roleArn": ..., "sessionName": ..., ...}`.
        :param max_concurrency: Lookups in flight at once through this provider.
        :param settings: Any other setting by its snake_case name (`network`, `max_retries`,
               `connect_timeout`, `read_timeout`, `total_timeout`, ...), as the `mms:` config keys.

        Plain values are checked now, as the stack config would be; a bad one raises `ValidationError`.
        """
        given: dict[str, Any] = {
            "region": region,
            "endpoint": endpoint,
            "protocol": protocol,
            "access_key": access_key,
            "secret_key": secret_key,
            "security_token": security_token,
            "profile": profile,
            "assume_role": assume_role,
            "max_concurrency": max_concurrency,
            **settings,
        }
        values = {name: value for name, value in given.items() if value is not None}
        unknown = sorted(name for name in values if name not in PARAMETERS)
        if unknown:
            raise lookups.as_program_error(
                ValidationError(
                    unknown[0],
                    f"pulumi_mms.Provider has no setting {', '.join(unknown)}",
                    hint=f"use the settings {', '.join(PARAMETERS)}",
                )
            )
        texts: dict[str, pulumi.Input[str]] = {}
        for name, value in values.items():
            if isinstance(value, pulumi.Output) or _holds_outputs(value):
                texts[f"mms:{PARAMETERS[name]}"] = pulumi.Output.from_input(value).apply(config_text)
            else:
                texts[f"mms:{PARAMETERS[name]}"] = config_text(value)
        plain = {key: text for key, text in texts.items() if isinstance(text, str)}
        # A bad plain setting fails here, before anything is registered (as bad stack config would).
        settings_now = _resolve(plain) if len(plain) == len(texts) else None
        props = {
            key: pulumi.Output.secret(text) if key.removeprefix("mms:") in _SECRET else text
            for key, text in texts.items()
        }
        super().__init__(PACKAGE, resource_name, props, opts)
        self._mms_settings = ProviderSettings(
            endpoint_given=endpoint is not None,
            now=settings_now,
            later=None if settings_now is not None else pulumi.Output.all(**texts).apply(_resolve),
        )


def _holds_outputs(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_holds_outputs(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_outputs(item) for item in value)
    return isinstance(value, pulumi.Output)


def _resolve(config: Mapping[str, Any]) -> Settings:
    try:
        return Settings.resolve(config=dict(config).get)
    except ValidationError as error:
        raise lookups.as_program_error(error) from None


@attrs.frozen
class ProviderSettings:
    """A provider's settings in the program: known now (plain inputs) or `later` (inputs were Outputs)."""

    endpoint_given: bool
    now: Settings | None
    later: pulumi.Output[Settings] | None

    async def resolved(self) -> Settings | None:
        """The settings; None while they are unknown (a preview with inputs still to be computed)."""
        if self.now is not None:
            return self.now
        assert self.later is not None
        if not await self.later.is_known():
            return None
        return await self.later.future()


# -- which provider serves a call ----------------------------------------------------------------------


def _describe(provider: pulumi.ProviderResource) -> str:
    cls = type(provider)
    return f"a provider of package {provider.package!r} ({cls.__module__}.{cls.__qualname__})"


def _refuse(subject: str, provider: pulumi.ProviderResource, where: str) -> MmsError:
    return lookups.as_program_error(
        ValidationError(
            "provider",
            f"{subject} got {where} {_describe(provider)}, which cannot serve MMS lookups",
            hint="pass a pulumi_mms.Provider(name, region=..., access_key=..., secret_key=...) instead, "
            "or no provider to use the mms: stack config",
        )
    )


def invoke_provider(
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None, subject: str
) -> Provider | None:
    """The `pulumi_mms.Provider` that serves a function call: `opts.provider`, else the parent's.

    A parent's provider is the one it holds for the `mms` package or, failing that, for `pulumi-python`
    (as `MmsDataSource` children get); a parent's provider of another package is none of our business.
    Any other explicit provider is refused: it would otherwise be silently ignored.
    """
    if opts is None:
        return None
    provider = opts.provider
    if provider is not None:
        if not isinstance(provider, Provider):
            raise _refuse(subject, provider, "opts.provider =")
        return provider
    parent = opts.parent
    if parent is None:
        return None
    for key in ("mms", PACKAGE):
        inherited = parent._providers.get(key)
        if isinstance(inherited, Provider):
            return inherited
    return None


def check_resource_options(opts: pulumi.ResourceOptions | None, subject: str) -> None:
    """Refuse a provider `MmsDataSource` would get but could not use (Pulumi would drop or misuse it).

    Pulumi keeps an explicit provider of another package for children only, and gives a dynamic resource
    whatever `pulumi-python` provider `providers` or the parent hold: both must be a `pulumi_mms.Provider`.
    """
    if opts is None:
        return
    if opts.provider is not None and not isinstance(opts.provider, Provider):
        raise _refuse(subject, opts.provider, "ResourceOptions(provider=...)")
    providers = opts.providers
    listed: Mapping[str, pulumi.ProviderResource] = (
        dict(providers) if isinstance(providers, Mapping) else {p.package: p for p in providers or ()}
    )
    if opts.provider is None:
        candidate = listed.get(PACKAGE)
        where = "ResourceOptions(providers=...) holding"
        if candidate is None and opts.parent is not None:
            candidate = opts.parent._providers.get(PACKAGE)
            where = "a parent holding"
        if candidate is not None and not isinstance(candidate, Provider):
            raise _refuse(subject, candidate, where)
