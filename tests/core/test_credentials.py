"""Where credentials come from: explicit, environment (both spellings), then the default chain.

Each test runs with an empty HOME, no ALIBABA_CLOUD_*/ALICLOUD_* variables and the ECS metadata service
disabled (tests/conftest.py); a guard below also fails any attempt to connect to the metadata address.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pulumi_mms
from pulumi_mms import CredentialsError, MmsClient, Settings, StaticCredentials, ValidationError
from pulumi_mms.core.credentials import _chain_providers
from pulumi_mms.testing import MmsEmulator
from pulumi_mms.testing.sts import StsService
from tests.reliability import SOURCE, settings_for

ECS_METADATA_HOST = "100.100.100.200"


@pytest.fixture(autouse=True)
def _no_metadata_service(monkeypatch: pytest.MonkeyPatch) -> None:
    connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] == ECS_METADATA_HOST:
            raise AssertionError("a test tried to reach the ECS metadata service")
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def home() -> Path:
    return Path(os.environ["HOME"])


def env_client(emu: MmsEmulator) -> MmsClient:
    """A client built the way a program builds one: settings resolved from the environment, now."""
    return MmsClient(Settings.resolve(endpoint=emu.endpoint, protocol="http", region=emu.region))


def key_in_use(emu: MmsEmulator, client: MmsClient, keys: dict[str, tuple[str, str]]) -> str:
    """The emulator's refusal of the client's request, which names the access key id it was signed with."""
    for key_id, _ in keys.values():
        emu.deny(key_id)  # a RAM denial names the caller's key in its message
    try:
        with pytest.raises(pulumi_mms.PermissionDenied) as caught:
            client.get_data_source(SOURCE)
    finally:
        for key_id, _ in keys.values():
            emu.allow(key_id)
    return str(caught.value)


def write_ini(home: Path, key_id: str, secret: str) -> None:
    (home / ".alibabacloud").mkdir(exist_ok=True)
    (home / ".alibabacloud" / "credentials.ini").write_text(
        f"[default]\ntype = access_key\naccess_key_id = {key_id}\naccess_key_secret = {secret}\n"
    )


def write_cli_config(home: Path, key_id: str, secret: str, profile: str = "default") -> None:
    (home / ".aliyun").mkdir(exist_ok=True)
    config = {
        "current": profile,
        "profiles": [
            {
                "name": profile,
                "mode": "AK",
                "access_key_id": key_id,
                "access_key_secret": secret,
                "region_id": "cn-shanghai",
            }
        ],
    }
    (home / ".aliyun" / "config.json").write_text(json.dumps(config))


class Keys:
    """Four distinct key pairs registered with the emulator, one per place credentials can come from."""

    def __init__(self, emu: MmsEmulator) -> None:
        self.pairs: dict[str, tuple[str, str]] = {}
        for place in ("EXPLICIT", "ALIBABA", "ALICLOUD", "INI", "CLI"):
            pair = (f"LTAI5t{place}KeyId000", f"{place.lower()}-secret")
            emu.add_access_key(*pair)
            self.pairs[place] = pair


def test_precedence_explicit_then_env_then_terraform_names_then_the_chain(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    keys = Keys(mms_emulator).pairs
    write_ini(home, *keys["INI"])
    write_cli_config(home, *keys["CLI"])
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", keys["ALICLOUD"][0])
    monkeypatch.setenv("ALICLOUD_SECRET_KEY", keys["ALICLOUD"][1])
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", keys["ALIBABA"][0])
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", keys["ALIBABA"][1])

    explicit = Settings.resolve(
        endpoint=mms_emulator.endpoint,
        protocol="http",
        region="cn-shanghai",
        accessKey=keys["EXPLICIT"][0],
        secretKey=keys["EXPLICIT"][1],
    )
    assert keys["EXPLICIT"][0] in key_in_use(mms_emulator, MmsClient(explicit), keys)
    assert keys["ALIBABA"][0] in key_in_use(mms_emulator, env_client(mms_emulator), keys)
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    assert keys["ALICLOUD"][0] in key_in_use(mms_emulator, env_client(mms_emulator), keys)
    monkeypatch.delenv("ALICLOUD_ACCESS_KEY")
    monkeypatch.delenv("ALICLOUD_SECRET_KEY")
    # the chain, in alibabacloud-credentials' order: the CLI profile before the credentials file
    assert keys["CLI"][0] in key_in_use(mms_emulator, env_client(mms_emulator), keys)
    (home / ".aliyun" / "config.json").unlink()
    assert keys["INI"][0] in key_in_use(mms_emulator, env_client(mms_emulator), keys)


def test_environment_is_read_when_the_client_is_built_not_at_import(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" not in os.environ  # pulumi_mms was imported long before
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", mms_emulator.access_key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", mms_emulator.access_key_secret)
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-shanghai")
    monkeypatch.setenv("MMS_ENDPOINT", mms_emulator.endpoint)
    monkeypatch.setenv("MMS_PROTOCOL", "http")
    assert MmsClient().get_data_source(SOURCE).data.id == SOURCE
    # Settings built without credentials still take the environment's keys when the client is built
    bare = settings_for(mms_emulator, credentials=None)
    assert MmsClient(bare).get_data_source(SOURCE).data.id == SOURCE


def test_sts_credentials_from_the_environment(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    mms_emulator.add_sts_token("STS.EnvKeyId0001", "sts-env-secret", "sts-env-token-value")
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", "STS.EnvKeyId0001")
    monkeypatch.setenv("ALICLOUD_SECRET_KEY", "sts-env-secret")
    monkeypatch.setenv("ALICLOUD_SECURITY_TOKEN", "sts-env-token-value")
    assert env_client(mms_emulator).get_data_source(SOURCE).data.id == SOURCE
    monkeypatch.delenv("ALICLOUD_SECURITY_TOKEN")
    with pytest.raises(CredentialsError) as caught:
        env_client(mms_emulator).get_data_source(SOURCE)
    assert caught.value.hint
    assert "STS token" in caught.value.hint


def test_named_profile_of_the_cli_config(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    keys = Keys(mms_emulator).pairs
    write_cli_config(home, *keys["CLI"], profile="work")
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "work")
    assert keys["CLI"][0] in key_in_use(mms_emulator, env_client(mms_emulator), keys)
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "absent")
    with pytest.raises(CredentialsError):
        env_client(mms_emulator).get_data_source(SOURCE)


def test_no_credentials_anywhere_is_a_credentials_error_before_any_request(mms_emulator: MmsEmulator) -> None:
    client = env_client(mms_emulator)
    with pytest.raises(CredentialsError) as caught:
        client.get_data_source(SOURCE)
    error = caught.value
    assert "no Alibaba Cloud credentials found" in str(error)
    assert "CLI profile" in str(error)
    assert "credentials file" in str(error)
    assert error.hint is not None
    for fragment in ("mms:accessKey", "ALIBABA_CLOUD_ACCESS_KEY_ID", "aliyun configure"):
        assert fragment in error.hint
    assert (error.source_id, error.region, error.endpoint) == (SOURCE, "cn-shanghai", mms_emulator.endpoint)
    assert mms_emulator.stats.requests == 0


def test_the_chain_never_includes_the_metadata_service_in_tests() -> None:
    assert os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] == "true"  # tests/conftest.py
    names = [name for name, _ in _chain_providers(None, dict(os.environ))]
    assert names == ["CLI profile ~/.aliyun/config.json", "credentials file"]
    with_uri = {**os.environ, "ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:1/creds"}
    assert [name for name, _ in _chain_providers(None, with_uri)][-1] == "credentials URI"


@pytest.mark.parametrize(
    ("env", "argument", "fragment"),
    [
        ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tOnlyTheId"}, "secretKey", "without its secret"),
        ({"ALICLOUD_SECRET_KEY": "only-the-secret"}, "accessKey", "without an access key id"),
        (
            {"ALIBABA_CLOUD_ACCESS_KEY_ID": "has space", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"},
            "accessKey",
            "ASCII",
        ),
    ],
)
def test_a_partial_or_broken_key_in_the_environment_is_a_validation_error(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], argument: str, fragment: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings.resolve(region="cn-shanghai")
    assert caught.value.argument == argument
    assert fragment in str(caught.value)
    assert "only-the-secret" not in str(caught.value)


def test_secret_and_token_never_in_reprs() -> None:
    creds = StaticCredentials("LTAI5tVisibleId", "secret-never-shown", "token-never-shown")
    settings = Settings(region="cn-shanghai", credentials=creds)
    client = MmsClient(settings)
    for text in (repr(creds), str(creds), repr(settings), repr(client), repr(client.settings)):
        assert "secret-never-shown" not in text
        assert "token-never-shown" not in text
    assert "LTAI5tVisibleId" in repr(creds)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"access_key_id": "LTAI5t id", "access_key_secret": "s"}, "accessKey"),
        ({"access_key_id": "LTAI5tId", "access_key_secret": "line\nbreak"}, "secretKey"),
        (
            {"access_key_id": "LTAI5tId", "access_key_secret": "s", "security_token": "tok en"},
            "securityToken",
        ),
        ({"access_key_id": "LTAI5tId", "access_key_secret": 42}, "secretKey"),
    ],
)
def test_keys_that_cannot_travel_in_headers_are_refused_without_showing_them(
    kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        StaticCredentials(**kwargs)
    assert caught.value.argument == argument
    for secret in ("line\nbreak", "tok en", "42"):
        assert secret not in str(caught.value)


# -- profiles, the shared credentials file and assumeRole: honoured, or an error naming them -----------


def cli_profiles(path: Path, current: str, **profiles: tuple[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [
        {"name": name, "mode": "AK", "access_key_id": key_id, "access_key_secret": secret}
        for name, (key_id, secret) in profiles.items()
    ]
    path.write_text(json.dumps({"current": current, "profiles": entries}))
    return path


def emulator_settings(emu: MmsEmulator, config: dict[str, str]) -> Settings:
    """Settings as a program resolves them from its stack config (and the environment, now)."""
    return Settings.resolve(
        {"mms:endpoint": emu.endpoint, "mms:protocol": "http", "mms:region": emu.region, **config}.get
    )


def test_a_profile_in_config_beats_environment_keys_and_a_missing_one_never_falls_back(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    keys = Keys(mms_emulator).pairs
    cli_profiles(home / ".aliyun" / "config.json", "other", work=keys["CLI"], other=keys["INI"])
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", keys["ALIBABA"][0])
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", keys["ALIBABA"][1])
    for config in ({"alicloud:profile": "work"}, {"mms:profile": "work"}):
        client = MmsClient(emulator_settings(mms_emulator, config))
        assert keys["CLI"][0] in key_in_use(mms_emulator, client, keys)
    monkeypatch.setenv("ALICLOUD_PROFILE", "work")  # the environment: its keys still win, as in the chain
    assert keys["ALIBABA"][0] in key_in_use(
        mms_emulator, MmsClient(emulator_settings(mms_emulator, {})), keys
    )
    before = mms_emulator.stats.requests
    with pytest.raises(CredentialsError) as caught:
        MmsClient(emulator_settings(mms_emulator, {"alicloud:profile": "absent"})).get_data_source(SOURCE)
    assert "profile 'absent' was not found" in str(caught.value)
    assert "aliyun configure --profile" in str(caught.value)
    assert mms_emulator.stats.requests == before  # nothing sent, with no other credentials


def test_the_shared_credentials_file_of_pulumi_alicloud(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch, home: Path, tmp_path: Path
) -> None:
    keys = Keys(mms_emulator).pairs
    cli_profiles(home / ".aliyun" / "config.json", "default", default=keys["CLI"])
    shared = cli_profiles(tmp_path / "team" / "aliyun.json", "team", team=keys["EXPLICIT"], ci=keys["INI"])
    client = MmsClient(emulator_settings(mms_emulator, {"alicloud:sharedCredentialsFile": str(shared)}))
    assert keys["EXPLICIT"][0] in key_in_use(mms_emulator, client, keys)  # its current profile
    named = {"alicloud:sharedCredentialsFile": str(shared), "alicloud:profile": "ci"}
    assert keys["INI"][0] in key_in_use(mms_emulator, MmsClient(emulator_settings(mms_emulator, named)), keys)
    monkeypatch.setenv("ALICLOUD_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing.json"))
    with pytest.raises(CredentialsError) as caught:
        MmsClient(emulator_settings(mms_emulator, {})).get_data_source(SOURCE)
    assert "missing.json does not exist" in str(caught.value)
    assert "sharedCredentialsFile" in str(caught.value)


def test_a_profile_missing_from_the_cli_file_is_taken_from_the_credentials_ini(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch, home: Path, tmp_path: Path
) -> None:
    keys = Keys(mms_emulator).pairs
    cli_profiles(home / ".aliyun" / "config.json", "default", default=keys["CLI"])
    ini = tmp_path / "credentials.ini"
    ini.write_text(
        f"[batch]\ntype = access_key\naccess_key_id = {keys['INI'][0]}\n"
        f"access_key_secret = {keys['INI'][1]}\n"
    )
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(ini))
    client = MmsClient(emulator_settings(mms_emulator, {"mms:profile": "batch"}))
    assert keys["INI"][0] in key_in_use(mms_emulator, client, keys)


ROLE_ARN = "acs:ram::1234567890123456:role/mms-reader"


@pytest.fixture
def sts(mms_emulator: MmsEmulator) -> Iterator[StsService]:
    with StsService(mms_emulator.backend) as service:
        yield service


def test_assume_role_end_to_end_through_the_credentials_library(
    mms_emulator: MmsEmulator, sts: StsService
) -> None:
    sts.add_role(ROLE_ARN, external_id="ext-42", trusted_access_keys=[mms_emulator.access_key_id])
    role = json.dumps(
        {"roleArn": ROLE_ARN, "sessionName": "nightly", "externalId": "ext-42", "sessionExpiration": 1800}
    )
    settings = emulator_settings(
        mms_emulator,
        {
            "mms:accessKey": mms_emulator.access_key_id,
            "mms:secretKey": mms_emulator.access_key_secret,
            "alicloud:assumeRole": role,
            "mms:stsEndpoint": sts.endpoint,
        },
    )
    mms_emulator.deny(mms_emulator.access_key_id)  # the base key may assume the role, not read MMS
    client = MmsClient(settings)
    assert client.get_data_source(SOURCE).data.id == SOURCE
    assert client.get_data_source(SOURCE).data.id == SOURCE
    [call] = sts.calls  # one AssumeRole, its credentials reused
    assert (call.role_arn, call.session_name, call.external_id, call.duration_s) == (
        ROLE_ARN,
        "nightly",
        "ext-42",
        1800,
    )
    assert call.caller_access_key_id == mms_emulator.access_key_id
    mms_emulator.deny(call.access_key_id)  # MMS saw the role's temporary key, not the base key
    with pytest.raises(pulumi_mms.PermissionDenied, match=call.access_key_id):
        client.get_data_source(SOURCE)


def test_assume_role_with_a_profile_as_the_base_credentials(
    mms_emulator: MmsEmulator, sts: StsService, home: Path
) -> None:
    keys = Keys(mms_emulator).pairs
    cli_profiles(home / ".aliyun" / "config.json", "default", default=keys["CLI"])
    sts.add_role(ROLE_ARN, trusted_access_keys=[keys["CLI"][0]])
    config = {"alicloud:assumeRole": json.dumps({"roleArn": ROLE_ARN}), "mms:stsEndpoint": sts.endpoint}
    assert MmsClient(emulator_settings(mms_emulator, config)).get_data_source(SOURCE).data.id == SOURCE
    [call] = sts.calls
    assert (call.caller_access_key_id, call.session_name) == (keys["CLI"][0], "pulumi-mms")


@pytest.mark.parametrize(
    ("role", "fragment"),
    [
        ({"roleArn": "acs:ram::1234567890123456:role/absent"}, "STS answered EntityNotExist.Role"),
        ({"roleArn": ROLE_ARN, "externalId": "wrong"}, "STS answered NoPermission"),
        (
            {"roleArn": ROLE_ARN, "externalId": "ext-42", "sessionExpiration": 7200},
            "STS answered InvalidParameter.DurationSeconds",
        ),
    ],
)
def test_a_refused_assume_role_is_a_credentials_error_naming_the_role_never_a_fallback(
    mms_emulator: MmsEmulator,
    sts: StsService,
    role: dict[str, Any],
    fragment: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sts.add_role(ROLE_ARN, external_id="ext-42")
    settings = emulator_settings(
        mms_emulator,
        {
            "mms:accessKey": mms_emulator.access_key_id,
            "mms:secretKey": mms_emulator.access_key_secret,
            "mms:assumeRole": json.dumps(role),
            "mms:stsEndpoint": sts.endpoint,
        },
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(CredentialsError) as caught:
        MmsClient(settings).get_data_source(SOURCE)
    assert fragment in str(caught.value)
    assert f"assuming role {role['roleArn']} failed" in str(caught.value)
    assert [r for r in caplog.records if r.name == "credentials"] == []  # one error, no library traceback
    assert "trust policy" in str(caught.value)
    assert mms_emulator.access_key_secret not in str(caught.value)
    assert mms_emulator.stats.requests == 0  # no request with the base keys instead


def test_assume_role_in_a_pulumi_program(mms_emulator: MmsEmulator, sts: StsService) -> None:
    from pulumi_mms import get_mms_data_source_output
    from tests.clients import stack_config
    from tests.programs import run_program

    sts.add_role(ROLE_ARN)
    mms_emulator.deny(mms_emulator.access_key_id)
    config = stack_config(
        mms_emulator,
        **{"alicloud:assumeRole": json.dumps({"roleArn": ROLE_ARN}), "mms:stsEndpoint": sts.endpoint},
    )
    run = run_program(lambda: get_mms_data_source_output(SOURCE).name, preview=False, config=config)
    assert run.value == mms_emulator.data_source(SOURCE)["name"]
    assert len(sts.calls) == 1


def test_an_sts_endpoint_over_plain_http_must_be_loopback() -> None:
    for ok in (
        "sts.cn-shanghai.aliyuncs.com",
        "https://sts.example.com",
        "http://127.0.0.1:8080",
        "http://localhost:1",
    ):
        assert Settings.resolve(environ={}, stsEndpoint=ok).sts_endpoint == ok
    with pytest.raises(ValidationError) as caught:
        Settings.resolve({"mms:stsEndpoint": "http://sts.aliyuncs.com"}.get, {})
    assert caught.value.argument == "stsEndpoint"
    assert "plain HTTP only to 127.0.0.1" in str(caught.value)


def test_assume_role_in_the_dynamic_host(mms_emulator: MmsEmulator, sts: StsService) -> None:
    """The resource's provider, in the real `python -m pulumi.dynamic` host, assumes the configured role."""
    from tests.clients import stack_config
    from tests.dynamic_host import DynamicHost, serialized_provider

    sts.add_role(ROLE_ARN, external_id="ext-7")
    mms_emulator.deny(mms_emulator.access_key_id)
    role = json.dumps({"roleArn": ROLE_ARN, "externalId": "ext-7", "sessionName": "host"})
    host = DynamicHost()
    try:
        host.configure(
            stack_config(mms_emulator, **{"mms:assumeRole": role, "mms:stsEndpoint": sts.endpoint})
        )
        inputs, failures = host.check({}, {"__provider": serialized_provider(), "source_id": SOURCE})
        assert failures == []
        assert inputs["name"] == mms_emulator.data_source(SOURCE)["name"]
    finally:
        stderr = host.close()
    [call] = sts.calls
    assert (call.session_name, call.caller_access_key_id) == ("host", mms_emulator.access_key_id)
    assert mms_emulator.access_key_secret not in stderr
