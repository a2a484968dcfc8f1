"""Bad stack config is a clear ValidationError before any request: in Settings, a program, the host."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_mms import Settings, ValidationError, get_mms_data_source_output
from pulumi_mms.testing import MmsEmulator

from ..dynamic_host import DynamicHost, serialized_provider
from ..programs import run_program
from . import SOURCE, stack_config

SECRET = "bad-config-secret-value-9q8w7e"

# (config overrides, keys removed, the argument named, a fragment of the fix)
CASES: list[tuple[str, dict[str, str], tuple[str, ...], str, str]] = [
    # A region is only checked for typos when it picks the endpoint (no mms:endpoint).
    (
        "misspelt region",
        {"mms:region": "cn-shangai"},
        ("mms:endpoint",),
        "region",
        "did you mean 'cn-shanghai'",
    ),
    (
        "misspelt region (2)",
        {"mms:region": "eu-centrall-1"},
        ("mms:endpoint",),
        "region",
        "did you mean 'eu-central-1'",
    ),
    ("region that is no region", {"mms:region": "Shanghai China"}, (), "region", "not a region id"),
    (
        "endpoint with scheme",
        {"mms:endpoint": "https://maxcompute.aliyuncs.com"},
        (),
        "endpoint",
        "has a scheme",
    ),
    ("endpoint with path", {"mms:endpoint": "maxcompute.aliyuncs.com/api/v1"}, (), "endpoint", "has a path"),
    ("endpoint port out of range", {"mms:endpoint": "127.0.0.1:99999"}, (), "endpoint", "1 to 65535"),
    ("non-numeric read timeout", {"mms:readTimeout": "ten"}, (), "readTimeout", "whole number"),
    ("fractional connect timeout", {"mms:connectTimeout": "1.5"}, (), "connectTimeout", "whole number"),
    ("negative retries", {"mms:maxRetries": "-1"}, (), "maxRetries", "zero or more"),
    ("zero total timeout", {"mms:totalTimeout": "0"}, (), "totalTimeout", "positive"),
    ("huge read timeout", {"mms:readTimeout": "99999999999"}, (), "readTimeout", "at most 3600000 ms"),
    ("zero concurrency", {"mms:maxConcurrency": "0"}, (), "maxConcurrency", "positive"),
    ("unknown protocol", {"mms:protocol": "ftp"}, (), "protocol", "https, http"),
    ("unknown network", {"mms:network": "internal"}, (), "network", "public, vpc"),
    (
        "secretKey without accessKey",
        {"mms:secretKey": SECRET},
        ("mms:accessKey",),
        "accessKey",
        "without an access",
    ),
    ("accessKey without secretKey", {}, ("mms:secretKey",), "secretKey", "without its secret"),
    (
        "token without keys",
        {"mms:securityToken": SECRET},
        ("mms:accessKey", "mms:secretKey"),
        "accessKey",
        "token was given",
    ),
]
IDS = [case[0] for case in CASES]
HOST_CASES = [
    "misspelt region",
    "endpoint with scheme",
    "non-numeric read timeout",
    "secretKey without accessKey",
]


def config_for(emu: MmsEmulator, overrides: dict[str, str], removed: tuple[str, ...]) -> dict[str, str]:
    config = {**stack_config(emu), **overrides}
    for key in removed:
        config.pop(key)
    return config


@pytest.mark.parametrize(("overrides", "removed", "argument", "fragment"), [c[1:] for c in CASES], ids=IDS)
def test_settings_name_the_key_and_the_fix(
    mms_emulator: MmsEmulator,
    overrides: dict[str, str],
    removed: tuple[str, ...],
    argument: str,
    fragment: str,
) -> None:
    config = config_for(mms_emulator, overrides, removed)
    with pytest.raises(ValidationError) as caught:
        Settings.resolve(config.get, environ={})
    assert caught.value.argument == argument
    assert fragment in str(caught.value)
    assert "mms:" in str(caught.value)  # says which config key it came from
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(("overrides", "removed", "argument", "fragment"), [c[1:] for c in CASES], ids=IDS)
def test_a_program_fails_before_any_request(
    mms_emulator: MmsEmulator,
    overrides: dict[str, str],
    removed: tuple[str, ...],
    argument: str,
    fragment: str,
) -> None:
    def program() -> Any:
        return get_mms_data_source_output(SOURCE).name

    with pytest.raises(ValidationError) as caught:
        run_program(program, preview=True, config=config_for(mms_emulator, overrides, removed))
    assert isinstance(caught.value, pulumi.RunError)  # one message, no traceback
    assert caught.value.argument == argument
    assert fragment in str(caught.value)
    assert SECRET not in str(caught.value)
    assert mms_emulator.stats.requests == 0


def test_the_dynamic_hosts_check_reports_bad_config_before_any_request(mms_emulator: MmsEmulator) -> None:
    provider = serialized_provider()
    cases = [case for case in CASES if case[0] in HOST_CASES]
    hosts = [DynamicHost() for _ in cases]  # started together: their start-up overlaps
    try:
        for host, (_, overrides, removed, argument, fragment) in zip(hosts, cases, strict=True):
            host.configure(config_for(mms_emulator, overrides, removed))
            inputs, failures = host.check({}, {"__provider": provider, "source_id": SOURCE})
            assert inputs["source_id"] == SOURCE
            [(field, reason)] = failures
            assert field == argument
            assert reason.startswith("invalid stack config: ")
            assert fragment in reason
            assert SECRET not in reason
            assert "Traceback" not in reason
    finally:
        stderr = "".join(host.close() for host in hosts)
    assert SECRET not in stderr
    assert mms_emulator.stats.requests == 0


def test_bad_environment_is_a_validation_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-shangai")
    with pytest.raises(
        ValidationError, match=r"did you mean 'cn-shanghai'\? \(from env ALIBABA_CLOUD_REGION_ID\)"
    ):
        Settings.resolve()
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-shanghai")
    monkeypatch.setenv("MMS_ENDPOINT", "http://127.0.0.1:8080")
    with pytest.raises(ValidationError, match=r"has a scheme.*\(from env MMS_ENDPOINT\)"):
        Settings.resolve()
