"""The pytest plugin's fixtures, and that the emulator stays independent of pulumi, tea and pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pulumi_mms.testing import MmsEmulator

ROOT = Path(__file__).parents[2]


def test_mms_emulator_fixture(mms_emulator: MmsEmulator) -> None:
    assert mms_emulator.running
    assert [record["id"] for record in mms_emulator.data_sources()] == [2000015]


def test_mms_env_fixture(mms_env: MmsEmulator) -> None:
    assert os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"] == mms_env.access_key_id
    assert os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] == mms_env.access_key_secret
    assert os.environ["ALIBABA_CLOUD_REGION_ID"] == "cn-shanghai"
    assert os.environ["MMS_ENDPOINT"] == mms_env.endpoint
    assert os.environ["MMS_PROTOCOL"] == "http"
    assert not {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} & set(os.environ)


def test_plugin_is_registered() -> None:
    from importlib.metadata import entry_points

    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("pulumi_mms") == "pulumi_mms.testing.fixtures"


def test_emulator_imports_no_heavy_dependencies() -> None:
    """Import the emulator package by itself (the parent package's own imports stubbed away)."""
    code = f"""
import sys, types
parent = types.ModuleType("pulumi_mms")
parent.__path__ = [{str(ROOT / "pulumi_mms")!r}]
sys.modules["pulumi_mms"] = parent
import pulumi_mms.testing, pulumi_mms.testing.fixtures
heavy = sorted(m for m in sys.modules if m.split(".")[0] in
    ("pulumi", "alibabacloud_tea_openapi", "Tea", "darabonba", "pydantic", "requests", "aiohttp"))
print(heavy)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
