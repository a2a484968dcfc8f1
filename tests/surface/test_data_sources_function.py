"""Lookup by name, listing and waiting in Pulumi programs (mock runtime) against the emulator."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_mms import get_mms_data_source, get_mms_data_source_output
from pulumi_mms.core.client import shared_client
from pulumi_mms.core.errors import AmbiguousDataSource, NotReady, ValidationError
from pulumi_mms.core.settings import Settings
from pulumi_mms.surface.data_sources_function import get_mms_data_sources, get_mms_data_sources_output
from pulumi_mms.testing import MmsEmulator, generate_data_sources
from tests.clients import FakeClock, stack_config
from tests.programs import run_program

SOURCE = 2000015


def test_lookup_by_name(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        return get_mms_data_source_output(name="demo").apply(lambda r: (r.id, r.dst_projects))

    assert run_program(program, preview=True, config=stack_config(mms_emulator)).value == (
        SOURCE,
        ["mms_test1"],
    )


def test_exactly_one_of_id_and_name() -> None:
    with pytest.raises(ValidationError, match="exactly one of source_id and name"):
        get_mms_data_source_output(SOURCE, name="demo")
    with pytest.raises(ValidationError, match="exactly one of source_id and name"):
        get_mms_data_source_output()


def test_ambiguous_name_is_one_clear_error(mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_source({**mms_emulator.data_source(SOURCE), "id": 2000016})

    def program() -> Any:
        return get_mms_data_source(name="demo").id

    with pytest.raises(AmbiguousDataSource) as caught:
        run_program(program, preview=True, config=stack_config(mms_emulator))
    assert isinstance(caught.value, pulumi.RunError)
    assert "2 data sources are named 'demo'" in str(caught.value)


def test_list_follows_pages_filters_and_orders(mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_sources(generate_data_sources(130, seed=3))
    expected = sorted(
        (d["id"], d["name"])
        for d in mms_emulator.data_sources()
        if d["type"] == "HIVE" and d["status"] == "STARTED"
    )
    assert len(expected) > 1

    def program() -> Any:
        result = get_mms_data_sources_output(type="HIVE", status="STARTED")
        return pulumi.Output.all(
            result.ids, result.names, result.data_sources.apply(lambda ds: [d.type for d in ds])
        )

    ids, names, types = run_program(program, preview=True, config=stack_config(mms_emulator)).value
    assert list(zip(ids, names, strict=True)) == expected
    assert set(types) == {"HIVE"}


def test_list_with_config_reads_each_match(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        result = get_mms_data_sources(name_regex="^de", with_config=True)
        return [(d.id, d.config[0].key, d.scan_status) for d in result.data_sources]

    run = run_program(program, preview=True, config=stack_config(mms_emulator))
    assert run.value == [(SOURCE, "bigquery.range.partition.migrate.type", "SUCCESS")]
    assert mms_emulator.stats.requests_by_action == {"ListMmsDataSources": 1, "GetMmsDataSource": 1}


def test_list_bad_regex_fails_before_any_request(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(ValidationError, match="name_regex"):
        get_mms_data_sources_output(name_regex="[")
    assert mms_emulator.stats.requests == 0


def _fake_time(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Make the program's shared client wait on a fake clock (its settings equal the program's)."""
    config = stack_config(mms_emulator)
    client = shared_client(Settings.resolve(config=config.get))
    clock = FakeClock()
    monkeypatch.setattr(client, "sleep", clock.sleep)
    monkeypatch.setattr(client, "clock", clock)
    return clock


def test_wait_for_ready_during_up(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _fake_time(mms_emulator, monkeypatch)
    mms_emulator.script_states(
        SOURCE, [{"status": "STARTING", "agentIsOnline": False}, {"status": "STARTED", "agentIsOnline": True}]
    )

    def program() -> Any:
        return get_mms_data_source_output(SOURCE, wait_for="ready").status

    assert run_program(program, preview=False, config=stack_config(mms_emulator)).value == "STARTED"
    assert clock.sleeps == [2.0]


def test_preview_does_not_wait_but_fails_on_a_failed_data_source(mms_emulator: MmsEmulator) -> None:
    mms_emulator.update_data_source(SOURCE, status="STARTING")

    def program() -> Any:
        return get_mms_data_source_output(SOURCE, wait_for="ready").status

    assert run_program(program, preview=True, config=stack_config(mms_emulator)).value == "STARTING"
    assert mms_emulator.stats.requests == 1
    mms_emulator.update_data_source(SOURCE, status="START_FAILED", errMsg="no route to metastore")
    with pytest.raises(NotReady, match="no route to metastore"):
        run_program(program, preview=True, config=stack_config(mms_emulator))


def test_wait_timeout_is_one_clear_error(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_time(mms_emulator, monkeypatch)
    mms_emulator.update_data_source(SOURCE, status="STOPPED", agentIsOnline=False)

    def program() -> Any:
        return get_mms_data_source_output(SOURCE, wait_for="started", wait_timeout=60).status

    with pytest.raises(NotReady) as caught:
        run_program(program, preview=False, config=stack_config(mms_emulator))
    assert isinstance(caught.value, pulumi.RunError)
    assert "was not started within 60s (status STOPPED, agent offline)" in str(caught.value)
