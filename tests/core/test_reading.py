"""The one read path of the functions, the resource and the CLI: by id or by name, then maybe wait."""

from __future__ import annotations

import pytest

from pulumi_mms.core import reading
from pulumi_mms.core.errors import DataSourceNotFound, NotReady, ValidationError
from pulumi_mms.core.readiness import Wait
from pulumi_mms.testing import MmsEmulator
from tests.clients import FakeClock, fake_time_client

SOURCE = 2000015
STARTING = {"status": "STARTING", "agentIsOnline": False}
READY = {"status": "STARTED", "agentIsOnline": True}


def test_reads_by_id_with_the_options(mms_emulator: MmsEmulator) -> None:
    client = fake_time_client(mms_emulator, FakeClock())
    response = reading.read(client, source_id=SOURCE, with_config=True, lang="en_US")
    assert response.data.id == SOURCE
    assert response.data.config
    [record] = mms_emulator.request_log
    assert (record.action, record.source_id) == ("GetMmsDataSource", SOURCE)
    assert not reading.read(client, source_id=SOURCE).data.config


def test_reads_by_exact_name(mms_emulator: MmsEmulator) -> None:
    response = reading.read(fake_time_client(mms_emulator, FakeClock()), name="demo")
    assert response.data.id == SOURCE
    assert response.data.name == "demo"


def test_needs_exactly_one_of_id_and_name(mms_emulator: MmsEmulator) -> None:
    client = fake_time_client(mms_emulator, FakeClock())
    for source_id, name in ((None, None), (SOURCE, "demo")):
        with pytest.raises(ValidationError, match="exactly one of source_id and name") as caught:
            reading.read(client, source_id=source_id, name=name)
        assert caught.value.argument == "source_id"
    with pytest.raises(ValidationError, match="exactly one of SOURCE_ID and --name"):
        reading.exactly_one(None, None, id_argument="SOURCE_ID", name_argument="--name")
    assert mms_emulator.stats.requests == 0


def test_waits_until_ready_reporting_progress(mms_emulator: MmsEmulator) -> None:
    mms_emulator.script_states(SOURCE, [STARTING, READY])
    clock = FakeClock()
    progress: list[str] = []
    response = reading.read(
        fake_time_client(mms_emulator, clock), name="demo", wait=Wait("ready"), on_progress=progress.append
    )
    assert response.data.status == "STARTED"
    assert clock.sleeps == [2.0]
    assert progress == ["waiting for data source 2000015 to be ready: status STARTING, agent offline"]


def test_a_preview_never_waits(mms_emulator: MmsEmulator) -> None:
    mms_emulator.script_states(SOURCE, [STARTING, READY])
    clock = FakeClock()
    response = reading.read(
        fake_time_client(mms_emulator, clock), source_id=SOURCE, wait=Wait("ready"), is_preview=True
    )
    assert response.data.status == "STARTING"
    assert clock.sleeps == []
    assert mms_emulator.stats.requests == 1


@pytest.mark.parametrize("is_preview", [True, False])
def test_a_failed_data_source_fails_preview_and_wait_alike(
    mms_emulator: MmsEmulator, is_preview: bool
) -> None:
    mms_emulator.update_data_source(SOURCE, status="START_FAILED", errMsg="bad kerberos keytab")
    clock = FakeClock()
    with pytest.raises(NotReady, match="bad kerberos keytab"):
        reading.read(
            fake_time_client(mms_emulator, clock), source_id=SOURCE, wait=Wait("ready"), is_preview=is_preview
        )
    assert clock.sleeps == []


def test_an_unknown_name_is_not_found(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(DataSourceNotFound, match="no data source is named 'nope'"):
        reading.read(fake_time_client(mms_emulator, FakeClock()), name="nope")
