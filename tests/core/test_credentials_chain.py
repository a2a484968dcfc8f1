"""The default chain: the provider that answered is reused on the next request; OIDC comes first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pulumi_mms import CredentialsError, MmsClient, Settings
from pulumi_mms.core.credentials import _chain_providers
from pulumi_mms.testing import MmsEmulator
from tests.core.test_credentials import write_cli_config, write_ini

SOURCE = 2000015


def chain_client(emu: MmsEmulator) -> MmsClient:
    """A client with no keys given: its credentials come from the default chain."""
    return MmsClient(Settings.resolve(endpoint=emu.endpoint, protocol="http", region="cn-shanghai"))


def test_the_chain_reuses_the_provider_that_answered(mms_emulator: MmsEmulator) -> None:
    """The first request walks the chain and settles on the credentials file; later requests ask that
    provider again, without walking the chain: a CLI profile (earlier in the chain) that appears in
    between, with a key the service refuses, is not used."""
    home = Path(os.environ["HOME"])
    write_ini(home, mms_emulator.access_key_id, mms_emulator.access_key_secret)
    client = MmsClient(
        Settings.resolve(endpoint=mms_emulator.endpoint, protocol="http", region="cn-shanghai")
    )
    assert client.get_data_source(SOURCE).data.id == SOURCE
    write_cli_config(home, "LTAI5tUnknownKey0000", "not-the-secret-0000000000")
    assert client.get_data_source(SOURCE).data.id == SOURCE
    assert mms_emulator.stats.requests == 2
    # a client built now walks the chain afresh and takes the CLI profile (refused by the service)
    fresh = chain_client(mms_emulator)
    with pytest.raises(CredentialsError):
        fresh.get_data_source(SOURCE)


def test_oidc_is_the_first_link_of_the_chain_when_configured(tmp_path: Path) -> None:
    token = tmp_path / "oidc-token"
    token.write_text("eyJhbGciOi.test.token", encoding="utf-8")
    env = {
        "HOME": str(tmp_path),
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE": str(token),
        "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1234567890123456:role/mms-reader",
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1234567890123456:oidc-provider/ack",
        "ALIBABA_CLOUD_ROLE_SESSION_NAME": "mms-ci",
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    }
    providers = _chain_providers(None, env)
    names = [name for name, _ in providers]
    assert names[0] == "OIDC role"
    assert names[1:] == ["CLI profile ~/.aliyun/config.json", "credentials file"]
    oidc = providers[0][1]
    assert oidc.get_provider_name() == "oidc_role_arn"
    # without all three variables there is no OIDC link
    partial = {key: value for key, value in env.items() if key != "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"}
    assert "OIDC role" not in [name for name, _ in _chain_providers(None, partial)]
