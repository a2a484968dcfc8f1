"""Credentials for the client: keys, a named profile, or Alibaba Cloud's default chain; then maybe a role.

Base credentials, first match wins (see `Settings.resolve` for which layer sets what):
1. access keys set as arguments or in the stack config;
2. a profile (`profile`, `sharedCredentialsFile`) set with higher precedence than any keys: the aliyun
   CLI file's profile, else the credentials INI file's; a profile that is not found is an error, never a
   fall back to other credentials;
3. keys in the environment (`ALIBABA_CLOUD_ACCESS_KEY_*`, then `ALICLOUD_*`);
4. the default chain (OIDC, CLI profile, credentials file, ECS RAM role, credentials URI).
With `assumeRole`, the library's RAM-role provider assumes the role with those base credentials.

alibabacloud-credentials reads its environment variables once, at import. Everything here is built from
the environment as it is when a client is built, so a program (or test) that sets variables later is
honoured. The providers themselves are the library's.
"""

from __future__ import annotations

import configparser
import contextlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.http import HttpOptions
from alibabacloud_credentials.provider import (
    CLIProfileCredentialsProvider,
    EcsRamRoleCredentialsProvider,
    OIDCRoleArnCredentialsProvider,
    ProfileCredentialsProvider,
    RamRoleArnCredentialsProvider,
    StaticAKCredentialsProvider,
    StaticSTSCredentialsProvider,
    URLCredentialsProvider,
)

from .errors import CredentialsError, MmsError
from .settings import AssumeRole, Settings, StaticCredentials, cli_config_path, env_credentials

_HINT = (
    "set mms:accessKey and mms:secretKey (as secrets) or alicloud:accessKey/secretKey in the stack config, "
    "or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET in the environment, "
    "or configure a profile with `aliyun configure`"
)


class _Chain:
    """The default chain, in alibabacloud-credentials' order, from an environment snapshot."""

    def __init__(self, providers: list[tuple[str, Any]]) -> None:
        self._providers = providers
        self._last: Any = None

    def get_provider_name(self) -> str:
        return "pulumi_mms_default_chain"

    def _resolve(self) -> Any:
        if self._last is not None:
            return self._last.get_credentials()
        tried: list[str] = []
        for name, provider in self._providers:
            try:
                credentials = provider.get_credentials()
            except Exception as error:  # each provider fails in its own way; we only report which did
                tried.append(f"{name} ({type(error).__name__})")
                continue
            if credentials is not None:
                self._last = provider
                return credentials
        raise CredentialsError(
            "no Alibaba Cloud credentials found; tried " + (", ".join(tried) or "nothing"),
            hint=_HINT,
        )

    def get_credentials(self) -> Any:
        return self._resolve()

    async def get_credentials_async(self) -> Any:
        return self._resolve()


def _chain_providers(profile: str | None, env: Mapping[str, str]) -> list[tuple[str, Any]]:
    providers: list[tuple[str, Any]] = []
    token_file, role_arn, oidc_arn = (
        env.get("ALIBABA_CLOUD_OIDC_TOKEN_FILE"),
        env.get("ALIBABA_CLOUD_ROLE_ARN"),
        env.get("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
    )
    if token_file and role_arn and oidc_arn:
        providers.append(
            (
                "OIDC role",
                OIDCRoleArnCredentialsProvider(
                    role_arn=role_arn,
                    oidc_provider_arn=oidc_arn,
                    oidc_token_file_path=token_file,
                    role_session_name=env.get("ALIBABA_CLOUD_ROLE_SESSION_NAME"),
                ),
            )
        )
    profile_name = profile or env.get("ALIBABA_CLOUD_PROFILE")
    home = env.get("HOME") or os.path.expanduser("~")
    if env.get("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "false").lower() != "true":
        cli = CLIProfileCredentialsProvider(
            profile_name=profile_name, profile_file=os.path.join(home, ".aliyun", "config.json")
        )
        # Without a name the library falls back to ALIBABA_CLOUD_PROFILE as it was at *import*; ours is
        # the one read now (None: the file's `current` profile).
        cli._profile_name = profile_name
        providers.append(("CLI profile ~/.aliyun/config.json", cli))
    providers.append(
        (
            "credentials file",
            ProfileCredentialsProvider(
                profile_file=env.get("ALIBABA_CLOUD_CREDENTIALS_FILE")
                or os.path.join(home, ".alibabacloud", "credentials.ini"),
                profile_name=profile_name or "default",
            ),
        )
    )
    if env.get("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false").lower() != "true":
        # The constructor refuses when the environment the library saw at import disabled it.
        with contextlib.suppress(ValueError):
            providers.append(
                (
                    "ECS RAM role",
                    EcsRamRoleCredentialsProvider(role_name=env.get("ALIBABA_CLOUD_ECS_METADATA")),
                )
            )
    if uri := env.get("ALIBABA_CLOUD_CREDENTIALS_URI"):
        providers.append(("credentials URI", URLCredentialsProvider(uri=uri)))
    return providers


class _Profile:
    """A named profile (or the current one of a given file), found when first used, or an error naming it.

    The aliyun CLI file (`sharedCredentialsFile`, default ~/.aliyun/config.json) is searched first, then
    the credentials INI file; each mode (AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ...) is served by the
    library's providers.
    """

    def __init__(self, profile: str | None, cli_file: str, cli_file_given: bool, ini_file: str) -> None:
        self._profile = profile
        self._cli_file = cli_file
        self._cli_file_given = cli_file_given
        self._ini_file = ini_file
        self._inner: Any = None

    def get_provider_name(self) -> str:
        return "pulumi_mms_profile"

    def _find(self) -> Any:
        wanted = self._profile
        looked: list[str] = []
        if os.path.isfile(self._cli_file):
            try:
                with open(self._cli_file, encoding="utf-8") as file:
                    document = json.load(file)
            except (OSError, ValueError) as error:
                raise CredentialsError(
                    f"the shared credentials file {self._cli_file} cannot be read ({type(error).__name__})",
                    hint="fix the file (`aliyun configure` writes it), or set another sharedCredentialsFile",
                ) from None
            document = document if isinstance(document, dict) else {}
            wanted = wanted or document.get("current")
            names = {p.get("name") for p in document.get("profiles") or [] if isinstance(p, dict)}
            if wanted in names:
                cli = CLIProfileCredentialsProvider(profile_name=wanted, profile_file=self._cli_file)
                cli._profile_name = wanted  # not the library's import-time ALIBABA_CLOUD_PROFILE
                return cli
            looked.append(self._cli_file)
        elif self._cli_file_given:
            raise CredentialsError(
                f"the shared credentials file {self._cli_file} does not exist",
                hint="fix sharedCredentialsFile (mms: or alicloud:) or ALICLOUD_SHARED_CREDENTIALS_FILE",
            )
        if wanted and os.path.isfile(self._ini_file):
            parser = configparser.ConfigParser()
            with contextlib.suppress(configparser.Error, OSError):
                parser.read(self._ini_file, encoding="utf-8")
            if parser.has_section(wanted):
                return ProfileCredentialsProvider(profile_file=self._ini_file, profile_name=wanted)
            looked.append(self._ini_file)
        raise CredentialsError(
            f"the credentials profile {wanted!r} was not found"
            + (f" (looked in {', '.join(looked)})" if looked else f" ({self._cli_file} does not exist)"),
            hint="create it with `aliyun configure --profile NAME`, or fix profile (mms:, alicloud:, "
            "ALICLOUD_PROFILE or ALIBABA_CLOUD_PROFILE)",
        )

    def get_credentials(self) -> Any:
        if self._inner is None:
            self._inner = self._find()
        return _unwrapped(lambda: self._inner.get_credentials(), f"profile {self._profile or 'current'}")

    async def get_credentials_async(self) -> Any:
        return self.get_credentials()


class _Role:
    """The library's RAM-role provider, with its failures as `CredentialsError`s naming the role."""

    def __init__(self, role: AssumeRole, inner: Any) -> None:
        self._role = role
        self._inner = inner

    def get_provider_name(self) -> str:
        return "pulumi_mms_assume_role"

    def get_credentials(self) -> Any:
        return _unwrapped(self._inner.get_credentials, f"assuming role {self._role.role_arn}", role=True)

    async def get_credentials_async(self) -> Any:
        return self.get_credentials()


_translating = threading.local()


class _Translated(logging.Filter):
    """Drops the credentials library's own log of a failure this module turns into a `CredentialsError`:
    it would print a traceback (with the STS answer) to stderr before our one-line error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_translating, "active", False)


logging.getLogger("credentials").addFilter(_Translated())


def _unwrapped(get: Any, what: str, *, role: bool = False) -> Any:
    """`get()`, with a library failure turned into a `CredentialsError` saying what failed and the fix."""
    _translating.active = True
    try:
        return get()
    except MmsError:
        raise
    except Exception as error:  # the library raises CredentialException, ValueError, requests' errors...
        detail = _sts_detail(str(error)) if role else None
        raise CredentialsError(
            f"{what} failed: {detail or type(error).__name__ + ': ' + str(error)[:200]}",
            hint=(
                "check the role ARN, that the base credentials may assume it (the role's trust policy, "
                "externalId) and stsEndpoint"
                if role
                else "check the profile's settings in the credentials file"
            ),
        ) from None
    finally:
        _translating.active = False


def _sts_detail(message: str) -> str | None:
    """The STS error code and message from the library's `... result: {json}` text, if there."""
    _, found, body = message.partition("result: ")
    if not found:
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    code, text = answer.get("Code"), answer.get("Message")
    return f"STS answered {code}: {text}" if code else None


def _static(static: StaticCredentials) -> Any:
    if static.security_token:
        return StaticSTSCredentialsProvider(
            access_key_id=static.access_key_id,
            access_key_secret=static.access_key_secret,
            security_token=static.security_token,
        )
    return StaticAKCredentialsProvider(
        access_key_id=static.access_key_id, access_key_secret=static.access_key_secret
    )


def _base_provider(settings: Settings, env: Mapping[str, str]) -> Any:
    if settings.credentials is not None:
        return _static(settings.credentials)
    if settings.profile or settings.shared_credentials_file:
        home = env.get("HOME") or os.path.expanduser("~")
        return _Profile(
            settings.profile,
            cli_config_path(settings.shared_credentials_file, env),
            settings.shared_credentials_file is not None,
            env.get("ALIBABA_CLOUD_CREDENTIALS_FILE")
            or os.path.join(home, ".alibabacloud", "credentials.ini"),
        )
    static = env_credentials(env)
    if static is not None:
        return _static(static)
    return _Chain(_chain_providers(None, env))


def credential_client(settings: Settings, environ: Mapping[str, str] | None = None) -> CredentialClient:
    """A credentials client for tea's `Config(credential=...)`, as the module docstring says."""
    env = dict(os.environ if environ is None else environ)
    provider = _base_provider(settings, env)
    role = settings.assume_role
    if role is not None:
        provider = _Role(
            role,
            RamRoleArnCredentialsProvider(
                credentials_provider=provider,
                role_arn=role.role_arn,
                role_session_name=role.session_name,
                duration_seconds=role.session_expiration_s
                or RamRoleArnCredentialsProvider.DEFAULT_DURATION_SECONDS,
                policy=role.policy,
                external_id=role.external_id,
                sts_endpoint=settings.sts_endpoint,
                sts_region_id=env.get("ALIBABA_CLOUD_STS_REGION"),
                enable_vpc=env.get("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "false").lower() == "true",
                http_options=HttpOptions(
                    connect_timeout=settings.connect_timeout_ms, read_timeout=settings.read_timeout_ms
                ),
            ),
        )
    return CredentialClient(provider=provider)
