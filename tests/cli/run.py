"""Running the `pulumi-mms` command as a user would: `cli` calls its entry point `pulumi_mms.cli:main`
in this process (what the installed console script calls, with the environment, standard streams and exit
status of the command); `cli_process` runs the installed script in a subprocess.

In-process runs take milliseconds instead of a Python start-up each. What needs a real process keeps
one: the console script itself, exit statuses as the shell sees them, import-time behaviour (`-X
importtime`), signals, and the demo (it starts a Pulumi engine stand-in of its own). Tests that prove
those use `cli_process` (or start the script themselves)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from pulumi_mms.cli import main

SOURCE = 2000015
SCRIPT = shutil.which("pulumi-mms", path=str(Path(sys.executable).parent)) or "pulumi-mms"


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without proxies or cloud settings, plus `extra`."""
    dropped = ("ALIBABA_CLOUD_", "ALICLOUD_", "MMS_")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(dropped) and "proxy" not in name.lower()
    }
    env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
    return {**env, **extra}


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` is exactly `env` inside; only the variables that differ are changed (and restored)."""
    saved = dict(os.environ)
    for name in set(saved) - set(env):
        del os.environ[name]
    for name, value in env.items():
        if saved.get(name) != value:
            os.environ[name] = value
    try:
        yield
    finally:
        for name in set(os.environ) - set(saved):
            del os.environ[name]
        for name, value in saved.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """`--debug` adds a handler to the package's logger: a process ends with it, a test must remove it."""
    logger = logging.getLogger("pulumi_mms")
    handlers, level = list(logger.handlers), logger.level
    try:
        yield
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(level)


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`pulumi-mms ARGS` through its entry point in this process, with `env` as its whole environment."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        _environment(env),
        _logging_restored(),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            status = main(list(args))
        except SystemExit as stop:  # argparse's usage errors and --help, as the console script exits
            if stop.code is None or isinstance(stop.code, int):
                status = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
                status = 1
    return subprocess.CompletedProcess(["pulumi-mms", *args], status, stdout.getvalue(), stderr.getvalue())


def cli_process(
    *args: str, env: dict[str, str], python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The installed `pulumi-mms` script in a subprocess (`python_flags`: run it with those)."""
    command = [sys.executable, *python_flags, SCRIPT, *args] if python_flags else [SCRIPT, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]
