"""Suite-wide isolation: no proxy, no real credentials chain, no machine profiles, no cloud."""

from __future__ import annotations

import os

import pytest

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
