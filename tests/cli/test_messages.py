"""What `pulumi-mms` says: errors named by the flag typed and ending with a fix, `--debug` request logs,
the emulator's own help, and an unexpected error reported without leaking a secret."""

from __future__ import annotations

import re
import subprocess

import pytest

from pulumi_mms import cli as command_line
from pulumi_mms.cli import render
from pulumi_mms.testing import (
    ConnectionReset,
    Fault,
    HttpError,
    MmsEmulator,
    NonJsonBody,
    Throttle,
    TruncatedBody,
)
from pulumi_mms.testing.__main__ import _parser as emulator_parser

from .run import SCRIPT, SOURCE, clean_env, cli, one_line_error

FIX = re.compile(r" Fix: \S.*$")


@pytest.mark.parametrize(
    ("args", "flag", "python_name"),
    [
        ((str(SOURCE), "--wait-timeout", "5"), "--wait-timeout", "wait_timeout"),
        ((str(SOURCE), "--wait", "ready", "--wait-timeout", "0.5"), "--wait-timeout", "wait_timeout"),
        (("--name", ""), "--name", None),
    ],
)
def test_messages_name_the_flag_the_user_typed(
    mms_emulator: MmsEmulator, args: tuple[str, ...], flag: str, python_name: str | None
) -> None:
    result = cli("get", *args, env=clean_env(**mms_emulator.env()))
    assert result.returncode == 2
    line = result.stderr.strip().splitlines()[-1]
    assert f"invalid {flag}:" in line or f"argument {flag}" in line, line
    if python_name:
        assert python_name not in line
        assert "wait_for" not in line
    assert FIX.search(line), line


ALL_ATTEMPTS = 4  # maxRetries 3 + the first attempt


@pytest.mark.parametrize(
    "fault",
    [
        HttpError(503, "ServiceUnavailable", None),
        NonJsonBody(),  # an HTML 502 from a gateway
        TruncatedBody(),
        HttpError(400, "InvalidParameter", "bad request"),
        ConnectionReset(),
        Throttle(retry_after_ms=1),
    ],
    ids=lambda fault: type(fault).__name__,
)
def test_every_api_error_ends_with_a_fix(mms_emulator: MmsEmulator, fault: Fault) -> None:
    mms_emulator.faults.script([fault] * ALL_ATTEMPTS)
    result = cli("get", str(SOURCE), env=clean_env(**mms_emulator.env()))
    assert result.returncode != 0
    assert FIX.search(one_line_error(result)), result.stderr


@pytest.mark.parametrize(
    "args",
    [("get", "424242"), ("get",), ("get", "abc"), ("list", "--name-regex", "("), ("frobnicate",), ()],
)
def test_usage_and_lookup_errors_end_with_a_fix(mms_emulator: MmsEmulator, args: tuple[str, ...]) -> None:
    result = cli(*args, env=clean_env(**mms_emulator.env()))
    assert result.returncode in (2, 3)
    assert FIX.search(result.stderr.strip().splitlines()[-1]), result.stderr


def test_debug_logs_every_request_redacted(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.script([Throttle(retry_after_ms=1), None])
    env = clean_env(**mms_emulator.env())
    result = cli("get", str(SOURCE), "--debug", "-o", "json", env=env)
    assert result.returncode == 0, result.stderr
    requests = [line for line in result.stderr.splitlines() if line.startswith("pulumi_mms.http: ")]
    pattern = r"GET /api/v1/mms/datasources/2000015 -> {}, request id [0-9A-F-]{{36}}, \d+\.\d ms$"
    assert len(requests) == 2, result.stderr
    assert re.search(pattern.format(429), requests[0]), requests[0]
    assert re.search(pattern.format(200), requests[1]), requests[1]
    assert env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] not in result.stderr + result.stdout
    # without --debug, nothing is logged
    quiet = cli("get", str(SOURCE), "-o", "json", env=env)
    assert quiet.stderr == ""


def test_an_unexpected_error_is_one_line_with_the_fix_and_never_leaks_a_secret(
    mms_env: MmsEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug (here: the table renderer failing, with the secret in its message) is reported, not dumped."""
    secret = mms_env.access_key_secret

    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError(f"renderer failed near {secret}")

    monkeypatch.setattr(render, "table", broken)
    assert command_line.main(["get", str(SOURCE)]) == 1
    err = capsys.readouterr().err
    assert (
        err == "error: unexpected RuntimeError: renderer failed near ********. Fix: rerun with --debug "
        "for the traceback\n"
    )
    assert command_line.main(["get", str(SOURCE), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert 'raise RuntimeError(f"renderer failed near {secret}")' in err  # the source line, not the value
    assert secret not in err
    assert err.strip().splitlines()[-1].endswith("Fix: report this bug with the traceback above")


def test_emulator_help_shows_its_own_name_and_documents_every_option() -> None:
    result = subprocess.run(
        [SCRIPT, "emulator", "--help"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.startswith("usage: pulumi-mms emulator ")
    undocumented = [action.dest for action in emulator_parser("x")._actions if not action.help]
    assert undocumented == []
    for action in emulator_parser("x")._actions:
        assert action.option_strings[-1] in result.stdout
