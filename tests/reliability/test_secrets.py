"""Secrets: the access key secret, the STS token and password config values never leak.

Checked in: exception messages, reprs and context; log records at every level (the `pulumi_mms` logger,
the SDKs' loggers with `DEBUG=sdk`, urllib3, and pulumi's log under mocks); the CLI's output with
`--debug`; the serialized provider; the resources a mocked program registers and the dynamic host's
state. Password values appear only where the user asked for them, and then as Pulumi secrets.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from pulumi_mms import (
    MmsClient,
    MmsDataSource,
    MmsError,
    RetryPolicy,
    StaticCredentials,
    get_mms_data_source_output,
)
from pulumi_mms.core import client as client_module
from pulumi_mms.core.settings import Settings
from pulumi_mms.testing import (
    ConnectionReset,
    HttpError,
    Latency,
    MmsEmulator,
    NonJsonBody,
    Throttle,
    TruncatedBody,
)

from ..dynamic_host import DynamicHost, serialized_provider
from ..programs import run_program
from . import SOURCE, settings_for, stack_config

KEY_ID = "STS.SecretsSuiteKey01"
SECRET = "AkSecret-7f3a9c1e-distinctive"
TOKEN = "StsToken-91c2d4e6-distinctive"
PASSWORD = "HivePassword-55aa33-distinctive"
WRONG_SECRET = "WrongSecret-0b1d2f3a-distinctive"
EXPIRED_TOKEN = "ExpiredToken-c3d4e5f6-distinctive"
MARKERS = (SECRET, TOKEN, PASSWORD, WRONG_SECRET, EXPIRED_TOKEN)
_CLI = shutil.which("pulumi-mms", path=str(Path(sys.executable).parent)) or "pulumi-mms"


def assert_clean(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in text, f"{marker!r} leaked into {where}"


def is_secret_wrapper(value: dict[str, Any]) -> bool:
    return value.get(rpc._special_sig_key) == rpc._special_secret_sig


def plain_occurrences(value: Any, marker: str) -> int:
    """How often `marker` appears in `value` outside Pulumi secret wrappers."""
    if isinstance(value, dict):
        if is_secret_wrapper(value):
            return 0
        return sum(plain_occurrences(item, marker) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(plain_occurrences(item, marker) for item in value)
    return str(value).count(marker)


def secret_values(value: Any) -> list[Any]:
    """The values inside Pulumi secret wrappers in `value`."""
    if isinstance(value, dict):
        if is_secret_wrapper(value):
            return [value.get("value")]
        return [found for item in value.values() for found in secret_values(item)]
    if isinstance(value, (list, tuple)):
        return [found for item in value for found in secret_values(item)]
    return []


@pytest.fixture
def emu() -> Iterator[MmsEmulator]:
    with MmsEmulator() as emulator:
        data = emulator.data_source(SOURCE)
        password = {"key": "hive.password", "name": "Password", "type": "password", "value": PASSWORD}
        emulator.update_data_source(SOURCE, config=[*data["config"], password])
        emulator.add_sts_token(KEY_ID, SECRET, TOKEN)
        past = datetime.now(timezone.utc) - timedelta(hours=1)
        emulator.add_sts_token("STS.ExpiredKey01", SECRET, EXPIRED_TOKEN, expires_at=past)
        yield emulator


def sts_client(emu: MmsEmulator, **overrides: Any) -> MmsClient:
    settings = settings_for(
        emu,
        credentials=StaticCredentials(KEY_ID, SECRET, TOKEN),
        retry=RetryPolicy(max_attempts=2, base_delay_s=0.001, max_delay_s=0.001, deadline_s=5),
        **overrides,
    )
    return MmsClient(settings)


Scenario = Callable[[MmsEmulator], MmsClient]


def with_fault(*faults: Any, **overrides: Any) -> Scenario:
    def arrange(emu: MmsEmulator) -> MmsClient:
        emu.faults.set_rate(1.0, list(faults))
        return sts_client(emu, **overrides)

    return arrange


def missing(emu: MmsEmulator) -> MmsClient:
    emu.remove_data_source(SOURCE)
    return sts_client(emu)


def denied(emu: MmsEmulator) -> MmsClient:
    emu.deny(KEY_ID)
    return sts_client(emu)


def wrong_secret(emu: MmsEmulator) -> MmsClient:
    return MmsClient(settings_for(emu, credentials=StaticCredentials(KEY_ID, WRONG_SECRET, TOKEN)))


def expired(emu: MmsEmulator) -> MmsClient:
    creds = StaticCredentials("STS.ExpiredKey01", SECRET, EXPIRED_TOKEN)
    return MmsClient(settings_for(emu, credentials=creds))


ECHO = f"echo: x-acs-security-token={TOKEN} secret={SECRET}"
"""A server or proxy echoing our credentials (which the client knows, and masks) in its error text."""
SCENARIOS: dict[str, Scenario] = {
    "not found": missing,
    "RAM denied": denied,
    "wrong secret": wrong_secret,
    "expired token": expired,
    "throttled": with_fault(Throttle(retry_after_ms=1)),
    "503": with_fault(HttpError(503)),
    "connection reset": with_fault(ConnectionReset()),
    "timeout": with_fault(Latency(2000), read_timeout_ms=100),  # only here a short read timeout
    "truncated body with a password": with_fault(TruncatedBody()),
    "error message echoing secrets": with_fault(HttpError(400, f"Bad.{TOKEN}", ECHO)),
    "non-JSON page echoing secrets": with_fault(NonJsonBody(403, f"<html>{ECHO} {PASSWORD}</html>")),
    "wrong shape around a password": with_fault(
        NonJsonBody(
            200,
            json.dumps(
                {
                    "requestId": "R",
                    "data": {"dstProjects": "x", "config": [{"type": "password", "value": PASSWORD}]},
                }
            ),
            "application/json",
        )
    ),
}


def everything_about(error: BaseException) -> str:
    parts = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    ]
    if isinstance(error, MmsError):
        parts.append(json.dumps(error.context(), default=str))
    return "\n".join(parts)


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> pytest.LogCaptureFixture:
    """Every log record at DEBUG, with the SDKs dumping headers (DEBUG=sdk)."""
    monkeypatch.setenv("DEBUG", "sdk")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="pulumi_mms")
    return caplog


def assert_logs_clean(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records  # something was logged to check
    for record in caplog.records:
        assert_clean(record.getMessage(), f"log record {record.name}")
        if record.exc_info:
            assert_clean(
                "".join(traceback.format_exception(*record.exc_info)), f"log traceback {record.name}"
            )
    assert_clean(caplog.text, "formatted log")


@pytest.mark.parametrize("arrange", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_errors_and_logs_never_show_secrets(emu: MmsEmulator, arrange: Scenario, all_logs: Any) -> None:
    client = arrange(emu)
    with pytest.raises(MmsError) as caught:
        client.get_data_source(SOURCE, with_config=True)
    assert_clean(everything_about(caught.value), "the error")
    assert_clean(repr(client) + repr(client.settings), "the client's repr")
    assert_logs_clean(all_logs)


def test_echoed_secrets_are_masked_not_dropped(emu: MmsEmulator) -> None:
    emu.faults.set_rate(1.0, [HttpError(400, "InvalidParameter", ECHO)])
    with pytest.raises(MmsError) as caught:
        sts_client(emu).get_data_source(SOURCE)
    assert "x-acs-security-token=********" in str(caught.value)  # the rest of the message stays useful


def test_a_successful_lookup_logs_nothing_secret(emu: MmsEmulator, all_logs: Any) -> None:
    response = sts_client(emu).get_data_source(SOURCE, with_config=True)
    password = next(item for item in response.data.config or [] if item.key == "hive.password")
    assert password.value == PASSWORD  # the library's caller asked for the config: it gets the value
    assert_clean(repr(response) + str(response) + repr(password), "the response's repr")
    assert_logs_clean(all_logs)


def secret_config(emu: MmsEmulator) -> dict[str, str]:
    return {
        **stack_config(emu),
        "mms:accessKey": KEY_ID,
        "mms:secretKey": SECRET,
        "mms:securityToken": TOKEN,
    }


class Sink(pulumi.CustomResource):
    """A resource that takes anything: what the program hands on is what state would hold."""

    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__("test:index:Sink", name, props)


def test_a_mocked_program_keeps_passwords_secret_and_secrets_out(
    emu: MmsEmulator, all_logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More STARTING reads than the program's other reads (the plain lookup, the resource's check and
    # create), whatever order the threads run in: the waiting lookup sees STARTING at least once.
    emu.script_states(SOURCE, [{"status": "STARTING"}] * 5 + [{"status": "STARTED"}])
    config = secret_config(emu)
    # The program's shared client, with waits that take no time (readiness polls through client.sleep).
    settings = Settings.resolve(config.get)
    monkeypatch.setitem(
        client_module._shared, client_module.client_key(settings), MmsClient(settings, sleep=lambda _s: None)
    )

    def program() -> Any:
        source = get_mms_data_source_output(SOURCE, with_config=True)
        waited = get_mms_data_source_output(SOURCE, wait_for="started", wait_timeout=30)
        MmsDataSource("resource", source_id=SOURCE, with_config=True)
        items = source.config.apply(lambda found: [{"key": i.key, "value": i.value} for i in found])
        Sink("everything", {"config": items, "name": source.name, "status": waited.status})

        def password_of(items: list[Any]) -> Any:
            return next(item.value for item in items if item.key == "hive.password")

        asked = source.config.apply(password_of)  # the user explicitly asks for the password
        Sink("asked", {"password": asked})
        return pulumi.Output.all(source.name, pulumi.Output.from_input(asked).is_secret())

    run = run_program(program, preview=False, config=config, secret_keys=["mms:secretKey"])
    progress = [r.getMessage() for r in all_logs.records if "waiting for data source" in r.getMessage()]
    assert progress  # pulumi's log (under mocks: the root logger) was exercised
    name, asked_is_secret = run.value
    assert name == "demo"
    assert asked_is_secret is True
    inputs = [r.inputs for r in run.resources]
    assert PASSWORD in [value for found in inputs for value in secret_values(found)]  # present, as a secret
    for registered in run.resources:
        for marker in MARKERS:
            assert plain_occurrences(registered.inputs, marker) == 0, (registered.name, marker)
    [resource] = run.of_type("pulumi-python:dynamic/mms:MmsDataSource")
    provider = base64.b64decode(resource.inputs["__provider"])
    for marker in MARKERS:
        assert marker.encode() not in provider
    assert_logs_clean(all_logs)


def test_the_serialized_provider_holds_no_secret(emu: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    provider = serialized_provider()
    assert_clean(provider, "the serialized provider")
    assert_clean(base64.b64decode(provider).decode("latin-1"), "the unpickled bytes of the provider")


def test_the_dynamic_hosts_state_has_no_secret(emu: MmsEmulator) -> None:
    provider = serialized_provider()
    host = DynamicHost(env={"DEBUG": "sdk"})
    try:
        host.configure(secret_config(emu))
        checked, failures = host.check({}, {"__provider": provider, "source_id": SOURCE, "with_config": True})
        assert failures == []
        _, state = host.create(checked)
        emu.remove_data_source(SOURCE)
        _, failed = host.check(state, {"__provider": provider, "source_id": SOURCE, "with_config": True})
    finally:
        stderr = host.close()
    items = {item["key"]: item for item in state["config"]}
    assert items["hive.password"].get("value") is None  # a password never reaches state
    assert_clean(json.dumps(checked) + json.dumps(state), "the host's check and create results")
    assert_clean(repr(failed), "a check failure")
    assert_clean(stderr, "the host's stderr (DEBUG=sdk)")


def cli_env(emu: MmsEmulator, **extra: str) -> dict[str, str]:
    dropped = ("ALIBABA_CLOUD_", "ALICLOUD_", "MMS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped) and "proxy" not in k.lower()}
    return {
        **env,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        "ALIBABA_CLOUD_REGION_ID": emu.region,
        "MMS_ENDPOINT": emu.endpoint,
        "MMS_PROTOCOL": "http",
        "ALICLOUD_ACCESS_KEY": KEY_ID,
        "ALICLOUD_SECRET_KEY": SECRET,
        "ALICLOUD_SECURITY_TOKEN": TOKEN,
        "DEBUG": "sdk",
        **extra,
    }


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_cli_output_with_debug(emu: MmsEmulator) -> None:
    env = cli_env(emu)
    shown = cli("get", str(SOURCE), "--with-config", "--debug", "-o", "json", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "hive.password" in shown.stdout
    assert_clean(shown.stdout + shown.stderr, "pulumi-mms get --debug")
    failed = cli("get", "424242", "--debug", env=env)
    assert failed.returncode == 3
    assert "data source 424242 does not exist" in failed.stderr
    assert_clean(failed.stdout + failed.stderr, "a failing pulumi-mms get --debug")
    refused = cli("get", str(SOURCE), "--debug", env=cli_env(emu, ALICLOUD_SECRET_KEY=WRONG_SECRET))
    assert refused.returncode == 4
    assert_clean(refused.stdout + refused.stderr, "a refused pulumi-mms get --debug")


def test_cli_shows_passwords_only_when_asked(emu: MmsEmulator) -> None:
    asked = cli("get", str(SOURCE), "--with-config", "--show-secrets", "-o", "json", env=cli_env(emu))
    assert asked.returncode == 0, asked.stderr
    assert PASSWORD in asked.stdout
    for marker in (SECRET, TOKEN):
        assert marker not in asked.stdout + asked.stderr
