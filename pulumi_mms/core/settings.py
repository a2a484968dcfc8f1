"""Client settings: what they are, where each comes from, and how they are checked.

`SETTINGS` is the one table of configurable settings; it drives resolution from stack config and the
environment, the config section of schema.json and the README's configuration table. Resolution order,
first match wins: explicit values, stack config `mms:<key>`, pulumi-alicloud's `alicloud:<key>`, the
environment, then (credentials only) the Alibaba Cloud default credentials chain.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from .endpoints import endpoint_problem, region_problem
from .errors import ValidationError
from .validation import show

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
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
_INTEGER_RANGES: dict[str, tuple[int, int, str]] = {
    "maxRetries": (0, 100, ""),
    "connectTimeout": (1, 3_600_000, " ms"),
    "readTimeout": (1, 3_600_000, " ms"),
    "totalTimeout": (1, 86_400_000, " ms"),
    "maxConcurrency": (1, 1024, ""),
}
_CREDENTIAL_KEYS = ("accessKey", "secretKey", "securityToken")
# Environment credentials come as a group of names; the first group with a key id wins.
_ENV_CREDENTIAL_GROUPS = (
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"),
)


MAX_TIMEOUT_MS = 3_600_000
"""Upper bound of connectTimeout and readTimeout (one hour)."""
MAX_TOTAL_TIMEOUT_MS = 86_400_000
"""Upper bound of totalTimeout (one day)."""
MAX_RETRIES = 100
MAX_CONCURRENCY = 1024
_MAX_DELAY_S = 3600.0


def _bounded(
    name: str, maximum: float, *, integer: bool = False, unit: str = ""
) -> Callable[[Any, Any, Any], None]:
    """A validator: a finite number in (0, maximum] (a whole number if `integer`)."""

    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            kind = "a whole number" if integer else "a number"
            raise ValidationError(name, f"{name} must be {kind}, got {show(value)}")
        number = float(value) if isinstance(value, int) and abs(value) < 2**1000 else value
        if not (isinstance(number, float) and math.isfinite(number) and 0 < number <= maximum):
            raise ValidationError(
                name, f"{name} must be positive and at most {maximum:.0f}{unit}, got {show(value)}"
            )

    return check


@attrs.frozen
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter."""

    max_attempts: int = attrs.field(
        default=4, validator=_bounded("maxRetries + 1", MAX_RETRIES + 1, integer=True)
    )
    base_delay_s: float = attrs.field(default=0.2, validator=_bounded("base_delay_s", _MAX_DELAY_S))
    max_delay_s: float = attrs.field(default=5.0, validator=_bounded("max_delay_s", _MAX_DELAY_S))
    deadline_s: float = attrs.field(
        default=60.0, validator=_bounded("totalTimeout", MAX_TOTAL_TIMEOUT_MS / 1000, unit=" s")
    )


@attrs.frozen
class StaticCredentials:
    """An access key pair (and STS token). The secret and token never appear in repr."""

    access_key_id: str
    access_key_secret: str = attrs.field(repr=False)
    security_token: str | None = attrs.field(default=None, repr=False)
    source: str = "settings"

    def __attrs_post_init__(self) -> None:
        # Messages name the setting and where it came from, never a secret value.
        for key, value in (
            ("accessKey", self.access_key_id),
            ("secretKey", self.access_key_secret),
            ("securityToken", self.security_token),
        ):
            if value is not None and not isinstance(value, str):
                raise ValidationError(
                    key, f"{key} must be a string (from {self.source}), got a {type(value).__name__}"
                )
        if not self.access_key_id:
            given = "a secret key" if self.access_key_secret else "a security token"
            raise ValidationError(
                "accessKey",
                f"{given} was given without an access key id (from {self.source}); "
                "set accessKey too, or remove the secret",
            )
        if not _TOKEN_SHAPE.fullmatch(self.access_key_id):
            raise ValidationError(
                "accessKey",
                f"access key id {show(self.access_key_id)} (from {self.source}) is not an access key id: "
                "it must be printable ASCII without spaces (e.g. LTAI5t...)",
            )
        if not self.access_key_secret:
            raise ValidationError(
                "secretKey",
                f"access key id {self.access_key_id!r} was given without its secret (from {self.source}); "
                "set secretKey too",
            )
        if any(ch in self.access_key_secret for ch in "\r\n\0"):
            raise ValidationError(
                "secretKey",
                f"the secret of access key id {self.access_key_id!r} (from {self.source}) contains a line "
                "break or NUL: check how it was copied",
            )
        if self.security_token is not None and not _TOKEN_SHAPE.fullmatch(self.security_token):
            raise ValidationError(
                "securityToken",
                f"the security token (from {self.source}) must be printable ASCII without spaces or line "
                "breaks: check how it was copied",
            )


_TOKEN_SHAPE = re.compile(r"[\x21-\x7e]+")
"""Access key ids and STS tokens travel in HTTP headers: printable ASCII, no spaces."""


def _check_retry(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, RetryPolicy):
        raise ValidationError("retry", f"retry must be a RetryPolicy, got {show(value)}")


def _check_credentials(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, StaticCredentials):
        raise ValidationError(
            "credentials", f"credentials must be StaticCredentials, got a {type(value).__name__}"
        )


def _check_profile(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValidationError("profile", f"profile must be a non-empty profile name, got {show(value)}")


def _check_region(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ValidationError("region", f"region must be a string such as 'cn-shanghai', got {show(value)}")
    if value is not None and (problem := region_problem(value)):
        raise ValidationError("region", problem)


def _check_endpoint(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ValidationError("endpoint", f"endpoint must be a host[:port] string, got {show(value)}")
    if value is not None and (problem := endpoint_problem(value)):
        raise ValidationError("endpoint", problem)


def _one_of(name: str, allowed: tuple[str, ...]) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value not in allowed:
            raise ValidationError(name, f"{name} must be one of {', '.join(allowed)}; got {show(value)}")

    return check


@attrs.frozen
class Settings:
    """Everything a client needs. Immutable and hashable: equal settings share one client."""

    region: str | None = attrs.field(default=None, validator=_check_region)
    endpoint: str | None = attrs.field(default=None, validator=_check_endpoint)
    protocol: str = attrs.field(default="https", validator=_one_of("protocol", ("https", "http")))
    network: str = attrs.field(default="public", validator=_one_of("network", ("public", "vpc")))
    connect_timeout_ms: int = attrs.field(
        default=5000, validator=_bounded("connectTimeout", MAX_TIMEOUT_MS, unit=" ms")
    )
    read_timeout_ms: int = attrs.field(
        default=10000, validator=_bounded("readTimeout", MAX_TIMEOUT_MS, unit=" ms")
    )
    retry: RetryPolicy = attrs.field(default=RetryPolicy(), validator=_check_retry)
    max_concurrency: int = attrs.field(
        default=16, validator=_bounded("maxConcurrency", MAX_CONCURRENCY, integer=True)
    )
    credentials: StaticCredentials | None = attrs.field(default=None, validator=_check_credentials)
    profile: str | None = attrs.field(default=None, validator=_check_profile)

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
            if isinstance(raw, int) and not isinstance(raw, bool):
                value = raw
            elif isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
                value = int(raw.strip())
            else:
                raise ValidationError(key, f"{key} must be a whole number (from {origin}), got {show(raw)}")
            low, high, unit = _INTEGER_RANGES[key]
            if value < low:
                least = "positive" if low else "zero or more"
                raise ValidationError(key, f"{key} must be {least} (from {origin}), got {show(value)}")
            if value > high:
                raise ValidationError(
                    key, f"{key} must be at most {high}{unit} (from {origin}), got {show(value)}"
                )
            return value

        def text(key: str, default: str | None = None) -> str | None:
            hit = first(key)
            if hit is None:
                return default
            origin, raw = hit
            if not isinstance(raw, str):
                if _SPECS[key].secret:
                    raise ValidationError(key, f"{key} must be a string (from {origin})")
                raise ValidationError(key, f"{key} must be a string (from {origin}), got {show(raw)}")
            return raw.strip()

        plain = {key: text(key) for key in ("region", "endpoint", "protocol", "network", "profile")}
        try:
            return cls(
                region=plain["region"],
                endpoint=plain["endpoint"],
                protocol=(plain["protocol"] or "https").lower(),
                network=(plain["network"] or "public").lower(),
                connect_timeout_ms=integer("connectTimeout", 5000),
                read_timeout_ms=integer("readTimeout", 10000),
                retry=RetryPolicy(
                    max_attempts=integer("maxRetries", 3) + 1,
                    deadline_s=integer("totalTimeout", 60000) / 1000,
                ),
                max_concurrency=integer("maxConcurrency", 16),
                credentials=_resolve_credentials(sources("accessKey"), env),
                profile=plain["profile"],
            )
        except ValidationError as error:
            # Say where a refused plain value came from (argument, which config key, which variable).
            hit = first(error.argument) if plain.get(error.argument) else None
            if hit is None or "(from " in error.message:
                raise
            raise ValidationError(error.argument, f"{error.message} (from {hit[0]})") from None


def _resolve_credentials(
    sources: list[tuple[str, ConfigLookup]], env: Mapping[str, str]
) -> StaticCredentials | None:
    """The first source that sets any credential supplies all of them (a partial set is an error)."""
    for origin, read in sources:
        values = tuple(read(key) for key in _CREDENTIAL_KEYS)
        key_id, secret, token = values
        if key_id or secret or token:
            return StaticCredentials(
                access_key_id=key_id if key_id is not None else "",
                access_key_secret=secret if secret is not None else "",
                security_token=token if token not in (None, "") else None,
                source=origin.replace(
                    "*", "/".join(k for k, v in zip(_CREDENTIAL_KEYS, values, strict=True) if v)
                ),
            )
    return env_credentials(env)


def env_credentials(env: Mapping[str, str]) -> StaticCredentials | None:
    """Keys from `ALIBABA_CLOUD_ACCESS_KEY_*`, else from pulumi-alicloud's `ALICLOUD_*` names, else None.

    The first group that sets a key id or a secret supplies all of them (a partial set is an error).
    """
    for key_id_var, secret_var, token_var in _ENV_CREDENTIAL_GROUPS:
        if env.get(key_id_var) or env.get(secret_var):
            return StaticCredentials(
                access_key_id=env.get(key_id_var, ""),
                access_key_secret=env.get(secret_var, ""),
                security_token=env.get(token_var) or None,
                source=f"env {key_id_var}",
            )
    return None
