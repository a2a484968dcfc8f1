"""Client settings: what they are, where each comes from, and how they are checked.

`SETTINGS` is the one table of configurable settings; it drives resolution from stack config and the
environment, the config section of schema.json and the README's configuration table. Resolution order,
first match wins: explicit values, stack config `mms:<key>`, pulumi-alicloud's `alicloud:<key>`, the
environment, then (credentials only) the Alibaba Cloud default credentials chain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from .endpoints import endpoint_problem, region_problem
from .errors import ValidationError

ConfigLookup = Callable[[str], "str | None"]
"""Reads one stack config value by its full key (e.g. `mms:region`); None when unset."""


@attrs.frozen
class SettingSpec:
    """One configurable setting: its config key, where else it may come from, and what it means."""

    key: str
    description: str
    type: Literal["string", "integer"] = "string"
    secret: bool = False
    alicloud_key: str | None = None
    env: tuple[str, ...] = ()


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "region",
        "The region of the data sources, e.g. cn-shanghai.",
        alicloud_key="region",
        env=("ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"),
    ),
    SettingSpec(
        "endpoint",
        "Endpoint override as host[:port]; by default it is derived from the region.",
        env=("MMS_ENDPOINT",),
    ),
    SettingSpec("protocol", "`https` (default) or `http`.", env=("MMS_PROTOCOL",)),
    SettingSpec("network", "`public` (default) or `vpc`: which endpoint a region resolves to."),
    SettingSpec(
        "accessKey",
        "The AccessKey ID.",
        alicloud_key="accessKey",
        env=("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"),
    ),
    SettingSpec(
        "secretKey",
        "The AccessKey secret.",
        secret=True,
        alicloud_key="secretKey",
        env=("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"),
    ),
    SettingSpec(
        "securityToken",
        "The STS security token, with temporary credentials.",
        secret=True,
        alicloud_key="securityToken",
        env=("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"),
    ),
    SettingSpec(
        "profile",
        "The credentials profile (~/.aliyun/config.json or the credentials file) to use.",
        alicloud_key="profile",
        env=("ALIBABA_CLOUD_PROFILE",),
    ),
    SettingSpec("maxRetries", "Retries after the first attempt (default 3).", type="integer"),
    SettingSpec("connectTimeout", "Connect timeout in milliseconds (default 5000).", type="integer"),
    SettingSpec("readTimeout", "Read timeout in milliseconds (default 10000).", type="integer"),
    SettingSpec(
        "totalTimeout",
        "Deadline for one lookup including retries, in milliseconds (default 60000).",
        type="integer",
    ),
    SettingSpec("maxConcurrency", "Lookups in flight at once in one program (default 16).", type="integer"),
)

_SPECS = {spec.key: spec for spec in SETTINGS}
_CREDENTIAL_KEYS = ("accessKey", "secretKey", "securityToken")
# Environment credentials come as a group of names; the first group with a key id wins.
_ENV_CREDENTIAL_GROUPS = (
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"),
)


def _positive(name: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValidationError(name, f"{name} must be a positive number, got {value!r}")

    return check


@attrs.frozen
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter."""

    max_attempts: int = attrs.field(default=4, validator=_positive("maxRetries + 1"))
    base_delay_s: float = attrs.field(default=0.2, validator=_positive("base_delay_s"))
    max_delay_s: float = attrs.field(default=5.0, validator=_positive("max_delay_s"))
    deadline_s: float = attrs.field(default=60.0, validator=_positive("totalTimeout"))


@attrs.frozen
class StaticCredentials:
    """An access key pair (and STS token). The secret and token never appear in repr."""

    access_key_id: str
    access_key_secret: str = attrs.field(repr=False)
    security_token: str | None = attrs.field(default=None, repr=False)
    source: str = "settings"

    def __attrs_post_init__(self) -> None:
        if not self.access_key_id:
            raise ValidationError(
                "accessKey",
                f"a secret key was given without an access key id (from {self.source}); "
                "set accessKey too, or remove the secret",
            )
        if not self.access_key_secret:
            raise ValidationError(
                "secretKey",
                f"access key id {self.access_key_id!r} was given without its secret (from {self.source}); "
                "set secretKey too",
            )


def _check_region(_instance: Any, _attribute: Any, value: str | None) -> None:
    if value is not None and (problem := region_problem(value)):
        raise ValidationError("region", problem)


def _check_endpoint(_instance: Any, _attribute: Any, value: str | None) -> None:
    if value is not None and (problem := endpoint_problem(value)):
        raise ValidationError("endpoint", problem)


def _one_of(name: str, allowed: tuple[str, ...]) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value not in allowed:
            raise ValidationError(name, f"{name} must be one of {', '.join(allowed)}; got {value!r}")

    return check


@attrs.frozen
class Settings:
    """Everything a client needs. Immutable and hashable: equal settings share one client."""

    region: str | None = attrs.field(default=None, validator=_check_region)
    endpoint: str | None = attrs.field(default=None, validator=_check_endpoint)
    protocol: str = attrs.field(default="https", validator=_one_of("protocol", ("https", "http")))
    network: str = attrs.field(default="public", validator=_one_of("network", ("public", "vpc")))
    connect_timeout_ms: int = attrs.field(default=5000, validator=_positive("connectTimeout"))
    read_timeout_ms: int = attrs.field(default=10000, validator=_positive("readTimeout"))
    retry: RetryPolicy = RetryPolicy()
    max_concurrency: int = attrs.field(default=16, validator=_positive("maxConcurrency"))
    credentials: StaticCredentials | None = None
    profile: str | None = None

    @classmethod
    def resolve(
        cls,
        config: ConfigLookup | None = None,
        environ: Mapping[str, str] | None = None,
        **explicit: Any,
    ) -> Settings:
        """Build settings from explicit values, stack config and the environment (in that order).

        `config` reads a full config key such as `mms:region`; `environ` defaults to `os.environ`, read now.
        `explicit` takes the config keys (`region`, `accessKey`, `maxRetries`, ...) with non-None values.
        """
        import os

        env = dict(os.environ if environ is None else environ)
        lookup: ConfigLookup = config or (lambda _key: None)
        unknown = set(explicit) - set(_SPECS)
        if unknown:
            raise ValidationError(
                sorted(unknown)[0],
                f"unknown setting(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(spec.key for spec in SETTINGS)}",
            )

        def sources(key: str) -> list[tuple[str, ConfigLookup]]:
            spec = _SPECS[key]
            found: list[tuple[str, ConfigLookup]] = [
                ("argument", explicit.get),
                ("config mms:*", lambda k: lookup(f"mms:{k}")),
            ]
            if spec.alicloud_key:
                found.append(("config alicloud:*", lambda k: lookup(f"alicloud:{_SPECS[k].alicloud_key}")))
            return found

        def first(key: str) -> tuple[str, Any] | None:
            for origin, read in sources(key):
                if (value := read(key)) not in (None, ""):
                    return origin.replace("*", key), value
            return next(((f"env {name}", env[name]) for name in _SPECS[key].env if env.get(name)), None)

        def integer(key: str, default: int) -> int:
            hit = first(key)
            if hit is None:
                return default
            origin, raw = hit
            try:
                value = int(str(raw).strip())
            except ValueError:
                raise ValidationError(
                    key, f"{key} must be a whole number (from {origin}), got {raw!r}"
                ) from None
            if value < 0 or (value == 0 and key != "maxRetries"):
                raise ValidationError(key, f"{key} must be positive (from {origin}), got {value}")
            return value

        def text(key: str, default: str | None = None) -> str | None:
            hit = first(key)
            return default if hit is None else str(hit[1]).strip()

        return cls(
            region=text("region"),
            endpoint=text("endpoint"),
            protocol=(text("protocol", "https") or "https").lower(),
            network=(text("network", "public") or "public").lower(),
            connect_timeout_ms=integer("connectTimeout", 5000),
            read_timeout_ms=integer("readTimeout", 10000),
            retry=RetryPolicy(
                max_attempts=integer("maxRetries", 3) + 1,
                deadline_s=integer("totalTimeout", 60000) / 1000,
            ),
            max_concurrency=integer("maxConcurrency", 16),
            credentials=_resolve_credentials(sources("accessKey"), env),
            profile=text("profile"),
        )


def _resolve_credentials(
    sources: list[tuple[str, ConfigLookup]], env: Mapping[str, str]
) -> StaticCredentials | None:
    """The first source that sets any credential supplies all of them (a partial set is an error)."""
    for origin, read in sources:
        key_id, secret, token = (read(key) for key in _CREDENTIAL_KEYS)
        if key_id or secret or token:
            return StaticCredentials(
                access_key_id=str(key_id or ""),
                access_key_secret=str(secret or ""),
                security_token=str(token) if token else None,
                source=origin.replace(":*", ""),
            )
    for key_id_var, secret_var, token_var in _ENV_CREDENTIAL_GROUPS:
        if env.get(key_id_var) or env.get(secret_var):
            return StaticCredentials(
                access_key_id=env.get(key_id_var, ""),
                access_key_secret=env.get(secret_var, ""),
                security_token=env.get(token_var) or None,
                source=f"env {key_id_var}",
            )
    return None
