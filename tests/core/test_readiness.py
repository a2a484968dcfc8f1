"""Waiting for a data source to be ready: polling with backoff, terminal failures, timeouts."""

from __future__ import annotations

import pytest

from pulumi_mms.core.errors import NotReady, ValidationError
from pulumi_mms.core.readiness import Wait, wait_until
from pulumi_mms.testing import MmsEmulator
from tests.clients import FakeClock, fake_time_client

SOURCE = 2000015


def test_waits_through_states_with_growing_polls(mms_emulator: MmsEmulator) -> None:
    mms_emulator.script_states(
        SOURCE,
        [
            {"status": "STARTING", "agentIsOnline": False},
            {"status": "STARTING", "agentIsOnline": False},
            {"status": "STARTED", "agentIsOnline": False},
            {"status": "STARTED", "agentIsOnline": True},
        ],
    )
    clock = FakeClock()
    progress: list[str] = []
    response = wait_until(
        fake_time_client(mms_emulator, clock), SOURCE, Wait("ready"), on_progress=progress.append
    )
    assert response.data.status == "STARTED"
    assert response.data.agent_is_online is True
    assert mms_emulator.stats.requests == 4
    assert clock.sleeps == [2.0, 3.0, 4.5]
    assert progress[0] == "waiting for data source 2000015 to be ready: status STARTING, agent offline"


def test_started_does_not_need_the_agent(mms_emulator: MmsEmulator) -> None:
    mms_emulator.script_states(SOURCE, [{"status": "STARTED", "agentIsOnline": False}])
    clock = FakeClock()
    wait_until(fake_time_client(mms_emulator, clock), SOURCE, Wait("started"))
    assert clock.sleeps == []


def test_scanned_needs_a_finished_scan(mms_emulator: MmsEmulator) -> None:
    mms_emulator.script_states(
        SOURCE,
        [
            {"status": "STARTED", "agentIsOnline": True, "scanId": None, "lastUpdateTime": None},
            {
                "status": "STARTED",
                "agentIsOnline": True,
                "scanId": 7,
                "lastUpdateTime": "2024-12-17 15:44:17",
            },
        ],
    )
    clock = FakeClock()
    response = wait_until(fake_time_client(mms_emulator, clock), SOURCE, Wait("scanned"))
    assert response.data.scan_id == 7
    assert len(clock.sleeps) == 1


def test_terminal_failure_ends_the_wait_at_once_with_err_msg(mms_emulator: MmsEmulator) -> None:
    mms_emulator.script_states(
        SOURCE,
        [{"status": "STARTING"}, {"status": "START_FAILED", "errMsg": "agent cannot reach hive metastore"}],
    )
    clock = FakeClock()
    with pytest.raises(NotReady) as caught:
        wait_until(fake_time_client(mms_emulator, clock), SOURCE, Wait("ready"))
    assert caught.value.status == "START_FAILED"
    assert "agent cannot reach hive metastore" in str(caught.value)
    assert "data source 2000015 failed" in str(caught.value)
    assert mms_emulator.stats.requests == 2


def test_timeout_is_bounded_and_reports_the_last_state(mms_emulator: MmsEmulator) -> None:
    mms_emulator.update_data_source(SOURCE, status="STARTING", agentIsOnline=False)
    clock = FakeClock()
    with pytest.raises(NotReady) as caught:
        wait_until(fake_time_client(mms_emulator, clock), SOURCE, Wait("ready", timeout_s=20))
    assert "was not ready within 20s (status STARTING, agent offline)" in str(caught.value)
    assert sum(clock.sleeps) == pytest.approx(20)
    assert max(clock.sleeps) <= 30


@pytest.mark.parametrize(
    ("wait_for", "timeout", "argument"),
    [
        ("soon", None, "wait_for"),
        (5, None, "wait_for"),
        ("ready", -1, "wait_timeout"),
        (None, 10, "wait_timeout"),
    ],
)
def test_bad_wait_arguments(wait_for: object, timeout: object, argument: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Wait.parse(wait_for, timeout)
    assert caught.value.argument == argument


@pytest.mark.parametrize("timeout", [10**400, float("nan"), float("inf"), 0.5, True, "60"])
def test_a_timeout_out_of_range_is_a_validation_error_never_an_overflow(timeout: object) -> None:
    with pytest.raises(ValidationError, match="seconds between 1 and 86400") as caught:
        Wait.parse("ready", timeout)
    assert caught.value.argument == "wait_timeout"
