"""Running the installed `pulumi-mms` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def cli(
    *args: str, env: dict[str, str], python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, *python_flags, SCRIPT, *args] if python_flags else [SCRIPT, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]
