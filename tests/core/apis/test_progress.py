"""Gates on a migration's progress and the one-call summary, against the emulator, in fake time."""

from __future__ import annotations

import pytest

from pulumi_mms import NotFound, NotReady, ValidationError
from pulumi_mms.core.apis import progress
from pulumi_mms.core.apis.models import JobStatus
from pulumi_mms.testing import MmsEmulator
from tests.clients import FakeClock, fake_time_client

SOURCE = 2000015
SUCCEEDED = progress.Gate("succeeded", timeout_s=600)
MIGRATED = progress.Gate("migrated", timeout_s=600)


def test_a_job_gate_waits_until_the_job_succeeded(mms_emulator: MmsEmulator) -> None:
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock)
    mms_emulator.migration.script_job(SOURCE, 2, after_reads=4)
    seen: list[str] = []
    job = progress.wait_for_job(client, SOURCE, 2, SUCCEEDED, on_progress=seen.append)
    assert job.status is JobStatus.DONE
    assert len(seen) == 3
    assert "0 of 1 tasks done" in seen[0]
    assert clock.sleeps == [2.0, 3.0, 4.5]


def test_a_failed_job_fails_the_gate_at_once_with_its_error(mms_emulator: MmsEmulator) -> None:
    client = fake_time_client(mms_emulator, FakeClock())
    with pytest.raises(NotReady) as caught:
        progress.wait_for_job(client, SOURCE, 3, SUCCEEDED)
    message = str(caught.value)
    assert "job 3 of data source 2000015 (mig_hr) failed" in message
    assert "task 1004 (hr.employees)" in message
    assert "bigquery.tables.getData denied" in message
    assert caught.value.status == "FAILED"


def test_a_preview_never_blocks_but_still_fails_fast(mms_emulator: MmsEmulator) -> None:
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock)
    job = progress.wait_for_job(client, SOURCE, 2, SUCCEEDED, is_preview=True)
    assert job.status is JobStatus.DOING
    assert clock.sleeps == []
    with pytest.raises(NotReady):
        progress.wait_for_job(client, SOURCE, 3, SUCCEEDED, is_preview=True)


def test_the_gate_is_bounded(mms_emulator: MmsEmulator) -> None:
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock)
    with pytest.raises(NotReady, match="not succeeded within 10s"):
        progress.wait_for_job(client, SOURCE, 2, progress.Gate("succeeded", timeout_s=10))
    assert sum(clock.sleeps) == pytest.approx(10)


def test_tables_gate_counts_and_waits_until_every_table_is_done(mms_emulator: MmsEmulator) -> None:
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock)
    mms_emulator.migration.script_job(SOURCE, 2, after_reads=3)
    listing, state = progress.wait_for_tables(client, MIGRATED, source_name="demo", db_name="sales")
    assert listing.names == ["orders", "customers", "returns"]
    assert (state.total, state.done, state.failed, state.running) == (3, 3, 0, 0)
    assert len(clock.sleeps) == 2


def test_tables_gate_fails_when_nothing_runs_and_some_failed(mms_emulator: MmsEmulator) -> None:
    client = fake_time_client(mms_emulator, FakeClock())
    with pytest.raises(NotReady, match=r"0 of 2 tables done, 0 running, 1 failed \(failed: employees\)"):
        progress.wait_for_tables(client, MIGRATED, source_id=SOURCE, db_name="hr")


@pytest.mark.parametrize("is_preview", [False, True])
def test_a_tables_gate_with_no_matching_table_fails_at_once(
    mms_emulator: MmsEmulator, is_preview: bool
) -> None:
    """A misspelt database must neither open the gate (0 of 0 done) nor wait out its timeout."""
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock)
    expected = r"no table of data source 2000015 matches \(db_name=salez\)"
    with pytest.raises(NotFound, match=expected) as caught:
        progress.wait_for_tables(client, MIGRATED, is_preview=is_preview, source_id=SOURCE, db_name="salez")
    assert caught.value.kind == "table"
    assert "pulumi-mms tables 2000015" in str(caught.value)
    assert clock.sleeps == []
    assert not progress.table_progress([]).migrated


def test_a_table_preview_reports_the_counts(mms_emulator: MmsEmulator) -> None:
    client = fake_time_client(mms_emulator, FakeClock())
    _, state = progress.wait_for_tables(client, MIGRATED, is_preview=True, source_id=SOURCE, db_id=1)
    assert (state.done, state.running, state.waiting) == (2, 1, 0)


def test_gate_arguments_are_checked() -> None:
    with pytest.raises(ValidationError, match="wait_for"):
        progress.Gate.parse("done", None, progress.JOB_CONDITIONS)
    with pytest.raises(ValidationError, match="wait_timeout"):
        progress.Gate.parse(None, 5, progress.TABLE_CONDITIONS)
    assert progress.Gate.parse("migrated", 30, progress.TABLE_CONDITIONS) == progress.Gate("migrated", 30)


def test_the_summary_counts_per_database(mms_emulator: MmsEmulator) -> None:
    client = fake_time_client(mms_emulator, FakeClock())
    summary = progress.summarize(client, source_name="demo")
    sales, hr = summary.databases
    assert sales.tables_by_status == {"DONE": 2, "DOING": 1}
    assert sales.partitions_by_status == {"DONE": 4, "DOING": 1}
    assert hr.tables_by_status == {"FAILED": 1, "INIT": 1}
    assert summary.jobs_by_status == {"DONE": 1, "DOING": 1, "FAILED": 1}
    assert summary.dst_projects == ["mms_test1", "mms_test2"]
    assert summary.running_dst_projects == ["mms_test1"]
