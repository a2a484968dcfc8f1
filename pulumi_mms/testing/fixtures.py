"""pytest plugin (entry point ``pytest11: pulumi_mms``): the ``mms_emulator`` and ``mms_env`` fixtures.

Installing pulumi-mms loads this module into every pytest session on the machine, so it costs nothing
until a test asks for a fixture: it imports only pytest here, and the emulator inside the fixtures
(``tests/testing/test_fixtures.py`` runs pytest in a subprocess and checks what it imported).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .emulator import MmsEmulator

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def mms_emulator() -> Iterator[MmsEmulator]:
    """A running :class:`MmsEmulator` with the packaged sample data (data source 2000015)."""
    from .emulator import MmsEmulator

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
