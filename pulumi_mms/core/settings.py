"""Client settings: what they are, where each comes from, and how they are checked.

`SETTINGS` is the one table of configurable settings: key, type, default, bounds, where else each may
come from. It drives `Settings`' defaults, resolution from stack config and the environment, the config
section of schema.json and the README's configuration table. Resolution order, first match wins:
explicit values, stack config `mms:<key>`, pulumi-alicloud's `alicloud:<key>`, the environment; the
region falls back to the aliyun CLI profile's, and credentials are resolved as `credentials.py` says.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from . import validation
from .errors import ValidationError
from .validation import show

ConfigLookup = Callable[[str], "str | None"]
"""Reads one stack config value by its full key (e.g. `mms:region`); None when unset."""

SettingType = Literal["string", "integer", "boolean", "object"]


@attrs.frozen
class SettingSpec:
    """One configurable setting: its config key, type, default, bounds and where else it may come from.

    `properties` (object settings only) maps each accepted property to its description.
    """

    key: str
    description: str
    type: SettingType = "string"
    secret: bool = False
    alicloud_key: str | None = None
    env: tuple[str, ...] = ()
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    properties: Mapping[str, str] = attrs.field(factory=dict)


MIB = 1024 * 1024

SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "region",
        "The region of the data sources, e.g. cn-shanghai. Any region id is accepted (new regions "
        "too); without one, the region of the aliyun CLI profile in use is taken.",
        alicloud_key="region",
        env=("ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"),
    ),
    SettingSpec(
        "endpoint",
        "Endpoint override as host[:port]; by default it is derived from the region as the official "
        "SDK derives it.",
        alicloud_key="endpoints.maxcompute",
        env=("MMS_ENDPOINT",),
    ),
    SettingSpec("protocol", "`https` or `http`.", env=("MMS_PROTOCOL",), default="https"),
    SettingSpec("network", "`public` or `vpc`: which endpoint a region resolves to.", default="public"),
    SettingSpec(
        "skipRegionValidation",
        "Use the region as given, even when it looks like a typo of a known region.",
        type="boolean",
        alicloud_key="skipRegionValidation",
        env=("ALICLOUD_SKIP_REGION_VALIDATION",),
        default=False,
    ),
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
        "The credentials profile to use, from the shared credentials file (the aliyun CLI's), else "
        "from ~/.alibabacloud/credentials.ini (ALIBABA_CLOUD_CREDENTIALS_FILE). A profile that is not "
        "found is an error.",
        alicloud_key="profile",
        env=("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"),
    ),
    SettingSpec(
        "sharedCredentialsFile",
        "The aliyun CLI configuration file holding the profiles (default ~/.aliyun/config.json).",
        alicloud_key="sharedCredentialsFile",
        env=("ALICLOUD_SHARED_CREDENTIALS_FILE",),
    ),
    SettingSpec(
        "assumeRole",
        "A RAM role to assume with the credentials found (through STS AssumeRole); the lookups then "
        "use the role's temporary credentials.",
        type="object",
        alicloud_key="assumeRole",
        env=("ALICLOUD_ASSUME_ROLE_ARN",),
        properties={
            "roleArn": "The ARN of the RAM role, e.g. acs:ram::123456789012:role/reader (required).",
            "sessionName": "The role session name (default pulumi-mms).",
            "externalId": "The external id the role's trust policy requires, if any.",
            "policy": "A policy (JSON) that further restricts the role's permissions.",
            "sessionExpiration": "The session's lifetime in seconds, 900 to 43200 (default 3600).",
        },
    ),
    SettingSpec(
        "stsEndpoint",
        "The STS endpoint assumeRole calls, as host[:port] (HTTPS); by default sts.aliyuncs.com (or "
        "sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com). `http://127.0.0.1:<port>` reaches a local STS "
        "such as the emulator's.",
        alicloud_key="endpoints.sts",
    ),
    SettingSpec(
        "maxRetries", "Retries after the first attempt.", type="integer", default=3, minimum=0, maximum=100
    ),
    SettingSpec(
        "connectTimeout",
        "Connect timeout in milliseconds.",
        type="integer",
        default=5000,
        minimum=1,
        maximum=3_600_000,
        unit=" ms",
    ),
    SettingSpec(
        "readTimeout",
        "Read timeout in milliseconds.",
        type="integer",
        default=10000,
        minimum=1,
        maximum=3_600_000,
        unit=" ms",
    ),
    SettingSpec(
        "totalTimeout",
        "Deadline for one lookup including retries, in milliseconds.",
        type="integer",
        default=60000,
        minimum=1,
        maximum=86_400_000,
        unit=" ms",
    ),
    SettingSpec(
        "maxConcurrency",
        "Lookups in flight at once in one program.",
        type="integer",
        default=16,
        minimum=1,
        maximum=1024,
    ),
    SettingSpec(
        "maxResponseBytes",
        "The largest response body accepted, in bytes, after decompression.",
        type="integer",
        default=8 * MIB,
        minimum=1024,
        maximum=1024 * MIB,
        unit=" bytes",
    ),
)

SPECS: Mapping[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}
_PLAIN = ("region", "endpoint", "protocol", "network", "profile", "sharedCredentialsFile", "stsEndpoint")


def default(key: str) -> Any:
    """The default of setting `key`, as declared in `SETTINGS`."""
    return SPECS[key].default


def _maximum(key: str) -> int:
    return SPECS[key].maximum or 0


MAX_TIMEOUT_MS = _maximum("readTimeout")
"""Upper bound of connectTimeout and readTimeout (one hour)."""
MAX_TOTAL_TIMEOUT_MS = _maximum("totalTimeout")
"""Upper bound of totalTimeout (one day)."""
MAX_RETRIES = _maximum("maxRetries")
MAX_CONCURRENCY = _maximum("maxConcurrency")
_MAX_DELAY_S = 3600.0
_CREDENTIAL_KEYS = ("accessKey", "secretKey", "securityToken")
# Environment credentials come as a group of names; the first group with a key id wins.
_ENV_CREDENTIAL_GROUPS = (
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"),
)


def _setting(key: str, *, integer: bool = True) -> Callable[[Any, Any, Any], None]:
    """An attrs validator for a numeric setting, with the bounds its spec declares."""
    spec = SPECS[key]
    return validation.bounded(key, spec.maximum or 0, integer=integer, unit=spec.unit)


@attrs.frozen
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter."""

    max_attempts: int = attrs.field(
        default=default("maxRetries") + 1,
        validator=validation.bounded("maxRetries + 1", MAX_RETRIES + 1, integer=True),
    )
    base_delay_s: float = attrs.field(default=0.2, validator=validation.bounded("base_delay_s", _MAX_DELAY_S))
    max_delay_s: float = attrs.field(default=5.0, validator=validation.bounded("max_delay_s", _MAX_DELAY_S))
    deadline_s: float = attrs.field(
        default=default("totalTimeout") / 1000,
        validator=validation.bounded("totalTimeout", MAX_TOTAL_TIMEOUT_MS / 1000, unit=" s"),
    )

    @property
    def min_attempt_s(self) -> float:
        """Less of the deadline than this left, an attempt is not sent: it could not get an answer.

        50 ms (a round trip to a region), or a twentieth of a deadline shorter than one second.
        """
        return min(0.05, self.deadline_s / 20)


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
                raise validation.refuse(key, "a string", value, origin=self.source, secret=True)
        if not self.access_key_id:
            given = "a secret key" if self.access_key_secret else "a security token"
            raise ValidationError(
                "accessKey",
                f"{given} was given without an access key id (from {self.source}); "
                "set accessKey too, or remove the secret",
            )
        if not _TOKEN_SHAPE.fullmatch(self.access_key_id):
            raise validation.refuse(
                "accessKey",
                "an access key id: printable ASCII without spaces (e.g. LTAI5t...)",
                self.access_key_id,
                origin=self.source,
                fix="check how the access key id was copied",
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
            raise validation.refuse(
                "securityToken",
                "printable ASCII without spaces or line breaks",
                self.security_token,
                origin=self.source,
                secret=True,
                fix="check how the security token was copied",
            )


_TOKEN_SHAPE = re.compile(r"[\x21-\x7e]+")
"""Access key ids and STS tokens travel in HTTP headers: printable ASCII, no spaces."""


_ROLE_ARN = re.compile(r"acs:ram::[0-9]+:role/[\x21-\x7e]+", re.IGNORECASE)
_SESSION_NAME = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
_ASSUME_ROLE_FIELDS = {
    "roleArn": "role_arn",
    "sessionName": "session_name",
    "externalId": "external_id",
    "policy": "policy",
    "sessionExpiration": "session_expiration_s",
}
_ASSUME_ROLE_ALIASES = {
    **{key: key for key in _ASSUME_ROLE_FIELDS},
    "role_arn": "roleArn",
    "session_name": "sessionName",
    "external_id": "externalId",
    "session_expiration": "sessionExpiration",
}
DEFAULT_SESSION_NAME = "pulumi-mms"
MIN_SESSION_S, MAX_SESSION_S = 900, 43_200


@attrs.frozen
class AssumeRole:
    """A RAM role to assume (STS AssumeRole) with the base credentials; pulumi-alicloud's `assumeRole`."""

    role_arn: str
    session_name: str = DEFAULT_SESSION_NAME
    external_id: str | None = None
    policy: str | None = None
    session_expiration_s: int | None = None

    @classmethod
    def parse(cls, raw: Any, origin: str | None = None, key: str = "assumeRole") -> AssumeRole:
        """From a mapping or its JSON text, with pulumi-alicloud's camelCase keys (snake_case also
        accepted). An unknown property is an error naming it, never ignored."""
        if isinstance(raw, AssumeRole):
            return raw
        given = validation.mapping(key, raw, origin=origin)
        unknown = sorted(name for name in given if name not in _ASSUME_ROLE_ALIASES)
        if unknown:
            raise ValidationError(
                key,
                f"{key} has unknown propert{'ies' if len(unknown) > 1 else 'y'} "
                f"{', '.join(map(show, unknown))}{validation._origin(origin)}",
                hint=f"use only {', '.join(_ASSUME_ROLE_FIELDS)}",
            )
        values = {_ASSUME_ROLE_ALIASES[name]: value for name, value in given.items() if value is not None}

        def refuse(name: str, accepted: str, value: Any) -> ValidationError:
            return validation.refuse(f"{key}.{name}", accepted, value, origin=origin, argument=key)

        role_arn = values.get("roleArn")
        if not isinstance(role_arn, str) or not _ROLE_ARN.fullmatch(role_arn.strip()):
            raise refuse("roleArn", "a RAM role ARN such as 'acs:ram::123456789012:role/reader'", role_arn)
        session_name = values.get("sessionName", DEFAULT_SESSION_NAME)
        if not isinstance(session_name, str) or not _SESSION_NAME.fullmatch(session_name):
            raise refuse("sessionName", "2 to 64 letters, digits or . @ _ -", session_name)
        expiration = values.get("sessionExpiration")
        if isinstance(expiration, float) and expiration.is_integer():
            expiration = int(expiration)  # numbers from Pulumi's protobuf Structs are floats
        seconds: int | None = None
        if expiration is not None:
            accepted = f"from {MIN_SESSION_S} to {MAX_SESSION_S} seconds (0: the default)"
            if isinstance(expiration, bool) or not isinstance(expiration, (int, str)):
                raise refuse("sessionExpiration", accepted, expiration)
            text = str(expiration).strip()
            if not text.isdigit() or not (int(text) == 0 or MIN_SESSION_S <= int(text) <= MAX_SESSION_S):
                raise refuse("sessionExpiration", accepted, expiration)
            seconds = int(text) or None
        texts: dict[str, str | None] = {}
        for name in ("externalId", "policy"):
            value = values.get(name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise refuse(name, "a non-empty string", value)
            texts[name] = value.strip() if isinstance(value, str) else None
        if texts["policy"] is not None:
            try:
                json.loads(texts["policy"])
            except ValueError:
                raise refuse("policy", "a RAM policy document in JSON", texts["policy"]) from None
        return cls(
            role_arn=role_arn.strip(),
            session_name=session_name,
            external_id=texts["externalId"],
            policy=texts["policy"],
            session_expiration_s=seconds,
        )


def _check_retry(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, RetryPolicy):
        raise validation.refuse("retry", "a RetryPolicy", value)


def _check_credentials(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, StaticCredentials):
        raise validation.refuse("credentials", "StaticCredentials", value, secret=True)


def _check_assume_role(_instance: Any, _attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, AssumeRole):
        raise validation.refuse("assumeRole", "an AssumeRole (or use Settings.resolve)", value)


def _check_region(instance: Settings, _attribute: Any, value: Any) -> None:
    validation.region(
        value,
        endpoint_given=instance.endpoint is not None,
        skip_validation=instance.skip_region_validation is True,
    )


def _check_endpoint(_instance: Any, _attribute: Any, value: Any) -> None:
    validation.endpoint(value)


def _check_sts_endpoint(_instance: Any, _attribute: Any, value: Any) -> None:
    validation.sts_endpoint(value)


def _check_flag(_instance: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise validation.refuse("skipRegionValidation", "True or False", value)


@attrs.frozen
class Settings:
    """Everything a client needs. Immutable and hashable: equal settings share one client.

    Defaults are those of `SETTINGS`.
    """

    region: str | None = attrs.field(default=default("region"), validator=_check_region)
    endpoint: str | None = attrs.field(default=default("endpoint"), validator=_check_endpoint)
    protocol: str = attrs.field(
        default=default("protocol"), validator=validation.one_of("protocol", ("https", "http"))
    )
    network: str = attrs.field(
        default=default("network"), validator=validation.one_of("network", ("public", "vpc"))
    )
    connect_timeout_ms: int = attrs.field(
        default=default("connectTimeout"), validator=_setting("connectTimeout", integer=False)
    )
    read_timeout_ms: int = attrs.field(
        default=default("readTimeout"), validator=_setting("readTimeout", integer=False)
    )
    retry: RetryPolicy = attrs.field(default=RetryPolicy(), validator=_check_retry)
    max_concurrency: int = attrs.field(
        default=default("maxConcurrency"), validator=_setting("maxConcurrency")
    )
    max_response_bytes: int = attrs.field(
        default=default("maxResponseBytes"), validator=_setting("maxResponseBytes")
    )
    credentials: StaticCredentials | None = attrs.field(default=None, validator=_check_credentials)
    profile: str | None = attrs.field(
        default=default("profile"), validator=validation.optional_name("profile", "a non-empty profile name")
    )
    shared_credentials_file: str | None = attrs.field(
        default=default("sharedCredentialsFile"),
        validator=validation.optional_name("sharedCredentialsFile", "a file path"),
    )
    assume_role: AssumeRole | None = attrs.field(default=None, validator=_check_assume_role)
    sts_endpoint: str | None = attrs.field(default=default("stsEndpoint"), validator=_check_sts_endpoint)
    skip_region_validation: bool = attrs.field(default=default("skipRegionValidation"), validator=_check_flag)

    @classmethod
    def resolve(
        cls,
        config: ConfigLookup | None = None,
        environ: Mapping[str, str] | None = None,
        **explicit: Any,
    ) -> Settings:
        """Build settings from explicit values, stack config and the environment (in that order).

        `config` reads a full config key such as `mms:region`; `environ` defaults to `os.environ`, read now.
        `explicit` takes the config keys (`region`, `accessKey`, `maxRetries`, `assumeRole`, ...); None
        means unset. Without a region anywhere, the aliyun CLI profile's `region_id` is used.
        """
        env = dict(os.environ if environ is None else environ)
        lookup: ConfigLookup = config or (lambda _key: None)
        unknown = set(explicit) - set(SPECS)
        if unknown:
            first_unknown = sorted(unknown)[0]
            close = difflib.get_close_matches(first_unknown, list(SPECS), n=1)
            raise ValidationError(
                first_unknown,
                f"unknown setting(s) {', '.join(map(show, sorted(unknown)))}"
                + (f"; did you mean {close[0]!r}?" if close else ""),
                hint="use the keys of the settings table (README, Configuration)",
            )
        layers = _layers(explicit, lookup, env)

        def first(key: str) -> tuple[int, Any, str] | None:
            for rank, layer in enumerate(layers):
                if (hit := layer(key)) is not None:
                    return rank, *hit
            return None

        def integer(key: str) -> int:
            hit, spec = first(key), SPECS[key]
            if hit is None:
                return int(spec.default)
            return validation.whole_number(
                key, hit[1], spec.minimum or 0, spec.maximum or 0, unit=spec.unit, origin=hit[2]
            )

        def text(key: str) -> str | None:
            hit = first(key)
            if hit is None:
                return SPECS[key].default  # type: ignore[no-any-return]
            return validation.text(key, hit[1], origin=hit[2], secret=SPECS[key].secret)

        plain = {key: text(key) for key in _PLAIN}
        skip, role = first("skipRegionValidation"), first("assumeRole")
        keys_rank, credentials = _resolve_credentials(layers, env)
        # A profile (or profile file) set with higher precedence than the keys wins over them.
        profile_rank = min(
            (hit[0] for hit in (first("profile"), first("sharedCredentialsFile")) if hit), default=len(layers)
        )
        if profile_rank < keys_rank:
            credentials = None
        region = plain["region"]
        if region is None:
            region = profile_region(plain["sharedCredentialsFile"], plain["profile"], env)
        try:
            return cls(
                region=region,
                endpoint=plain["endpoint"],
                protocol=(plain["protocol"] or "").lower(),
                network=(plain["network"] or "").lower(),
                connect_timeout_ms=integer("connectTimeout"),
                read_timeout_ms=integer("readTimeout"),
                retry=RetryPolicy(
                    max_attempts=integer("maxRetries") + 1, deadline_s=integer("totalTimeout") / 1000
                ),
                max_concurrency=integer("maxConcurrency"),
                max_response_bytes=integer("maxResponseBytes"),
                credentials=credentials,
                profile=plain["profile"],
                shared_credentials_file=plain["sharedCredentialsFile"],
                assume_role=None if role is None else _assume_role(role[1], role[2], env),
                sts_endpoint=plain["stsEndpoint"],
                skip_region_validation=(
                    default("skipRegionValidation")
                    if skip is None
                    else validation.boolean("skipRegionValidation", skip[1], origin=skip[2])
                ),
            )
        except ValidationError as error:
            # Say where a refused plain value came from (argument, which config key, which variable).
            hit = first(error.argument) if plain.get(error.argument) else None
            if hit is None or "(from " in error.message:
                raise
            raise ValidationError(
                error.argument, f"{error.message} (from {hit[2]})", hint=error.hint
            ) from None


Layer = Callable[[str], "tuple[Any, str] | None"]
"""Reads one setting from one place: its value and where it came from, or None when unset there."""


def _layers(explicit: Mapping[str, Any], lookup: ConfigLookup, env: Mapping[str, str]) -> list[Layer]:
    """Where settings come from, highest precedence first."""

    def found(value: Any, origin: str) -> tuple[Any, str] | None:
        return None if value is None or value == "" else (value, origin)

    def alicloud(key: str) -> tuple[Any, str] | None:
        name = SPECS[key].alicloud_key
        if not name:
            return None
        config_key, _, entry = name.partition(".")
        raw = lookup(f"alicloud:{config_key}")
        if entry and raw not in (None, ""):
            raw = _endpoints_entry(key, raw, entry, f"config alicloud:{config_key}")
        return found(raw, f"config alicloud:{name}")

    def environment(key: str) -> tuple[Any, str] | None:
        return next(((env[name], f"env {name}") for name in SPECS[key].env if env.get(name)), None)

    return [
        lambda key: found(explicit.get(key), f"argument {key}"),
        lambda key: found(lookup(f"mms:{key}"), f"config mms:{key}"),
        alicloud,
        environment,
    ]


def _endpoints_entry(key: str, raw: Any, entry: str, origin: str) -> Any:
    """The `entry` of pulumi-alicloud's `endpoints` config: a list of objects (or one object)."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = None
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, Mapping) for item in items):
        raise validation.refuse(key, "a list of objects such as [{sts: ...}]", raw, origin=origin)
    return next((item[entry] for item in items if item.get(entry) not in (None, "")), None)


_ENV_LAYER = 3
_LAYER_NAMES = ("argument {}", "config mms:{}", "config alicloud:{}")


def _resolve_credentials(layers: list[Layer], env: Mapping[str, str]) -> tuple[int, StaticCredentials | None]:
    """The rank of the layer that sets keys, and the keys: the first layer that sets any of them supplies
    all of them (a partial set is an error)."""
    for rank, layer in enumerate(layers[:_ENV_LAYER]):
        hits = [layer(key) for key in _CREDENTIAL_KEYS]
        if any(hits):
            key_id, secret, token = (hit[0] if hit else None for hit in hits)
            given = "/".join(key for key, hit in zip(_CREDENTIAL_KEYS, hits, strict=True) if hit)
            return rank, StaticCredentials(
                access_key_id=key_id if key_id is not None else "",
                access_key_secret=secret if secret is not None else "",
                security_token=token,
                source=_LAYER_NAMES[rank].format(given),
            )
    credentials = env_credentials(env)
    return (_ENV_LAYER if credentials else len(layers)), credentials


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


def _assume_role(raw: Any, origin: str, env: Mapping[str, str]) -> AssumeRole:
    if origin == "env ALICLOUD_ASSUME_ROLE_ARN":  # pulumi-alicloud's variables, one per property
        raw = {
            "roleArn": raw,
            "sessionName": env.get("ALICLOUD_ASSUME_ROLE_SESSION_NAME") or None,
            "sessionExpiration": env.get("ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION") or None,
        }
    return AssumeRole.parse(raw, origin)


def cli_config_path(shared_credentials_file: str | None, env: Mapping[str, str]) -> str:
    """The aliyun CLI configuration file: the one given, else ~/.aliyun/config.json."""
    if shared_credentials_file:
        return os.path.expanduser(shared_credentials_file)
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".aliyun", "config.json")


def profile_region(
    shared_credentials_file: str | None, profile: str | None, env: Mapping[str, str]
) -> str | None:
    """The `region_id` of the aliyun CLI profile in use (`profile`, else the file's `current`), if any.

    Best effort: a missing or unreadable file gives None here; the credentials step reports it when the
    file is needed for credentials.
    """
    try:
        with open(cli_config_path(shared_credentials_file, env), encoding="utf-8") as file:
            document = json.load(file)
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    wanted = profile or document.get("current")
    for entry in document.get("profiles") or []:
        if isinstance(entry, dict) and entry.get("name") == wanted:
            region = entry.get("region_id")
            return region.strip() if isinstance(region, str) and region.strip() else None
    return None
