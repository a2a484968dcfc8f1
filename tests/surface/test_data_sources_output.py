"""`get_mms_data_sources_output(with_config=True)`: each match read for its config, and a failed read."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_mms import PermissionDenied, get_mms_data_sources_output
from pulumi_mms.testing import MmsEmulator, generate_data_sources
from tests.clients import stack_config
from tests.programs import run_program

SOURCE = 2000015


def test_with_config_reads_each_match_for_its_config_items(mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_sources(generate_data_sources(5, seed=7))
    matches = sorted(d["id"] for d in mms_emulator.data_sources() if d["status"] == "STARTED")
    assert len(matches) >= 2

    def program() -> Any:
        result = get_mms_data_sources_output(status="started", with_config=pulumi.Output.from_input(True))
        return result.data_sources.apply(lambda items: [(d.id, len(d.config or [])) for d in items])

    run = run_program(program, preview=True, config=stack_config(mms_emulator))
    assert [source_id for source_id, _ in run.value] == matches
    assert all(count > 0 for _, count in run.value)
    assert mms_emulator.stats.requests_by_action == {
        "ListMmsDataSources": 1,
        "GetMmsDataSource": len(matches),
    }


def test_a_failed_config_read_fails_the_program_with_that_error(mms_emulator: MmsEmulator) -> None:
    mms_emulator.deny(mms_emulator.access_key_id, SOURCE)  # may list, may not read this one

    def program() -> Any:
        return get_mms_data_sources_output(name_regex="^demo$", with_config=True).ids

    with pytest.raises(PermissionDenied) as caught:
        run_program(program, preview=True, config=stack_config(mms_emulator))
    assert isinstance(caught.value, pulumi.RunError)  # Pulumi prints it as one message
    assert f"mmsdatasource/{SOURCE}" in str(caught.value)
    assert "Fix: grant RAM action odps:GetMmsDataSource" in str(caught.value)
