"""pytest plugin (entry point ``pytest11: pulumi_mms``): the ``mms_emulator`` and ``mms_env`` fixtures.

Kept light on purpose: importing it loads only the standard-library emulator, never pulumi or tea.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .emulator import MmsEmulator

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def mms_emulator() -> Iterator[MmsEmulator]:
    """A running :class:`MmsEmulator` with the packaged sample data (data source 2000015)."""
    with MmsEmulator() as emulator:
        yield emulator


@pytest.fixture
def mms_env(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> MmsEmulator:
    """``mms_emulator``, with the environment pointing at it.

    Sets ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``_SECRET``, ``ALIBABA_CLOUD_REGION_ID=cn-shanghai``,
    ``MMS_ENDPOINT=<host:port>`` and ``MMS_PROTOCOL=http``, and removes HTTP(S)_PROXY/ALL_PROXY (tea would
    send loopback requests through them). Note: alibabacloud-credentials' default chain reads the
    ``ALIBABA_CLOUD_*`` variables once, when it is imported.
    """
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in mms_emulator.env().items():
        monkeypatch.setenv(name, value)
    return mms_emulator
