"""Credentials for the client: explicit or environment keys, else Alibaba Cloud's default chain.

alibabacloud-credentials reads its environment variables once, at import. The chain here is built from
the environment as it is when a client is built, so a program (or test) that sets variables later is
honoured. The providers themselves are the library's.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import Any

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.provider import (
    CLIProfileCredentialsProvider,
    EcsRamRoleCredentialsProvider,
    OIDCRoleArnCredentialsProvider,
    ProfileCredentialsProvider,
    StaticAKCredentialsProvider,
    StaticSTSCredentialsProvider,
    URLCredentialsProvider,
)

from .errors import CredentialsError
from .settings import StaticCredentials, env_credentials

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


def credential_client(
    static: StaticCredentials | None, profile: str | None, environ: Mapping[str, str] | None = None
) -> CredentialClient:
    """A credentials client for tea's `Config(credential=...)`.

    First match wins: `static` keys; keys in the environment (`ALIBABA_CLOUD_ACCESS_KEY_*`, then
    `ALICLOUD_*`), read now; then the default chain (OIDC, CLI profile, credentials file, ECS RAM role,
    credentials URI), built from the environment as it is now.
    """
    env = dict(os.environ if environ is None else environ)
    if static is None:
        static = env_credentials(env)
    if static is not None:
        if static.security_token:
            provider: Any = StaticSTSCredentialsProvider(
                access_key_id=static.access_key_id,
                access_key_secret=static.access_key_secret,
                security_token=static.security_token,
            )
        else:
            provider = StaticAKCredentialsProvider(
                access_key_id=static.access_key_id, access_key_secret=static.access_key_secret
            )
        return CredentialClient(provider=provider)
    return CredentialClient(provider=_Chain(_chain_providers(profile, env)))
