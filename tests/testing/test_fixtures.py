"""The pytest plugin's fixtures, and that the emulator stays independent of pulumi, tea and pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pulumi_mms.testing import MmsEmulator


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


HEAVY = ("pulumi", "alibabacloud_tea_openapi", "alibabacloud_credentials", "Tea", "darabonba", "pydantic")
HEAVY += ("requests", "aiohttp", "grpc", "yaml")

PROBE = f"""
import json, sys

def snapshot(name):
    loaded = sorted(sys.modules)
    with open(name, "w") as out:
        json.dump({{
            "heavy": sorted({{m.split(".")[0] for m in loaded}} & set({HEAVY!r})),
            "ours": [m for m in loaded if m.split(".")[0] == "pulumi_mms"],
        }}, out)

def test_a_session_that_uses_no_fixture():
    snapshot("unused.json")

def test_a_session_that_uses_the_emulator(mms_emulator):
    assert mms_emulator.running
    snapshot("used.json")
"""


def run_pytest(where: Path, *args: str) -> dict[str, dict[str, list[str]]]:
    """pytest in a fresh process, in a folder of its own (no conftest, no ini of this repository)."""
    (where / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (where / "test_probe.py").write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_probe.py"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {
        name: json.loads((where / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("unused", "used")
        if (where / f"{name}.json").exists()
    }


def test_the_plugin_imports_nothing_heavy_until_a_fixture_is_used(tmp_path: Path) -> None:
    """The installed plugin loads in every pytest session: it must not bring tea, pydantic, pulumi, ..."""
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    with_plugin = run_pytest(tmp_path / "with")
    without = run_pytest(tmp_path / "without", "-p", "no:pulumi_mms", "-k", "no_fixture")
    unused = with_plugin["unused"]
    # the plugin did load (through its entry point), as four small modules, and added nothing heavy
    assert unused["ours"] == [
        "pulumi_mms",
        "pulumi_mms._lazy",
        "pulumi_mms.testing",
        "pulumi_mms.testing.fixtures",
    ]
    assert without["unused"]["ours"] == []
    assert set(unused["heavy"]) == set(without["unused"]["heavy"]), "the plugin imported a dependency"
    # a test that uses a fixture gets the emulator, loaded then
    used = with_plugin["used"]
    assert "pulumi_mms.testing.emulator" in used["ours"]
    assert "pulumi_mms.core.client" not in used["ours"]
