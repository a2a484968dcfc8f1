"""Suite-wide isolation: no proxy, no real credentials chain, no machine profiles, no cloud, and no mocked
Pulumi program run left over from an earlier test; hypothesis draws the same examples on every run."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import settings as hypothesis_settings

# The same examples on every run (seeded from each test's own code), so the suite passes or fails the same
# way everywhere. `HYPOTHESIS_PROFILE=explore` draws new ones on each run, for hunting (README, Tests).
hypothesis_settings.register_profile("mms", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mms"))

_CLEARED_PREFIXES = ("ALIBABA_CLOUD_", "ALICLOUD_", "MMS_", "PULUMI_CONFIG")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts from an environment with no proxy, no keys and an empty home directory.

    tea sends through HTTP(S)_PROXY even to loopback; the credentials chain would read ~/.aliyun and ask
    the ECS metadata service. None of that may leak in from the machine running the suite.
    """
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES) or name.upper() in _PROXY_VARS:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def _no_program_run_outlives_its_test() -> Iterator[None]:
    """After each test, this process is outside any Pulumi program run again, as a fresh one is.

    A mocked run (`run_program`, `set_mocks`) leaves Pulumi's mock monitor and its stack config in the
    process; a later test on the same worker calling a function "as a script would" then read that config
    (a deliberately misspelt region, say). Which test runs next on a worker is xdist's choice, so without
    this the suite's outcome would depend on scheduling.
    """
    yield
    settings = sys.modules.get("pulumi.runtime.settings")
    config = sys.modules.get("pulumi.runtime.config")
    if settings is not None and settings.SETTINGS.monitor is not None:
        settings.SETTINGS.monitor = None
    if config is not None and config.CONFIG.get():
        config.set_all_config({}, [])
