"""``python -m pulumi_mms.testing``: starts, prints the endpoint and credentials, serves, stops on SIGTERM."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from alibabacloud_maxcompute20220104 import models as mc_models
from alibabacloud_maxcompute20220104.client import Client as MaxComputeClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util.models import RuntimeOptions

from pulumi_mms.testing import generate_data_sources
from pulumi_mms.testing.__main__ import serve

ROOT = Path(__file__).parents[2]


def _lines(stream: IO[str]) -> queue.Queue[str | None]:
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.fixture
def run_main() -> Iterator[Callable[..., tuple[subprocess.Popen[str], dict[str, str]]]]:
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "pulumi_mms.testing", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        processes.append(process)
        assert process.stdout is not None
        lines = _lines(process.stdout)
        info: dict[str, str] = {}
        while True:
            line = lines.get(timeout=20)
            assert line is not None, "the emulator exited early"
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").partition("=")
                info[name] = value
            key, sep, value = line.partition(": ")
            if sep:
                info[key] = value
            if line.startswith("Press Ctrl-C"):
                return process, info

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_main_prints_endpoint_and_credentials_and_serves(
    run_main: Callable[..., tuple[subprocess.Popen[str], dict[str, str]]],
) -> None:
    process, info = run_main("--port", "0")
    assert info["endpoint"].startswith("127.0.0.1:")
    assert info["access key id"].startswith("LTAI")
    assert info["data sources"] == "2000015"
    config = open_api_models.Config(
        access_key_id=info["access key id"],
        access_key_secret=info["access key secret"],
        endpoint=info["endpoint"],
        protocol="http",
        region_id="cn-shanghai",
    )
    response = MaxComputeClient(config).get_mms_data_source_with_options(
        "2000015", mc_models.GetMmsDataSourceRequest(), {}, RuntimeOptions()
    )
    assert response.body.data.name == "demo"
    process.terminate()
    assert process.wait(timeout=10) == 0


def test_main_with_data_file_and_fixed_key(
    run_main: Callable[..., tuple[subprocess.Popen[str], dict[str, str]]], tmp_path: Path
) -> None:
    data = tmp_path / "sources.json"
    data.write_text(json.dumps(generate_data_sources(2, start_id=41)), encoding="utf-8")
    process, info = run_main(
        "--data", str(data), "--access-key-id", "LTAI5tFixed", "--access-key-secret", "s3"
    )
    assert info["data sources"] == "41, 42"
    assert (info["access key id"], info["access key secret"]) == ("LTAI5tFixed", "s3")
    assert info["MMS_ENDPOINT"] == info["endpoint"]
    assert info["ALIBABA_CLOUD_ACCESS_KEY_ID"] == "LTAI5tFixed"
    assert info["MMS_PROTOCOL"] == "http"
    process.terminate()
    assert process.wait(timeout=10) == 0


def test_serve_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        serve(["--help"])
    assert exited.value.code == 0
    assert "--data" in capsys.readouterr().out
