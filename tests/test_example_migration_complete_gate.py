"""examples/migration-complete-gate under the mock runtime against the emulator: it deploys a database's
reporting roles only once every table is migrated and no job failed."""

from __future__ import annotations

import pytest

from pulumi_mms import NotReady
from pulumi_mms.testing import MmsEmulator

from .test_examples import ATTACHMENT, ROLE, SOURCE, run_example

NAME = "migration-complete-gate"
USER = "RAM$1234567890123456:role/reporting"


def test_an_update_waits_until_every_table_is_migrated(mms_emulator: MmsEmulator) -> None:
    mms_emulator.migration.script_job(SOURCE, 2, after_reads=3)
    ran = run_example(NAME, mms_emulator, preview=False, database="sales", reportingUser=USER)
    assert ran.value["migrated"] is True
    assert ran.value["tablesDone"] == 3
    assert ran.value["projects"] == ["mms_test1"]
    (role,) = ran.of_type(ROLE)
    assert role.inputs["projectName"] == "mms_test1"
    (attachment,) = ran.of_type(ATTACHMENT)
    assert attachment.inputs["user"] == USER


def test_a_preview_shows_the_counts_and_deploys_nothing_yet(mms_emulator: MmsEmulator) -> None:
    ran = run_example(NAME, mms_emulator, preview=True, database="sales", reportingUser=USER)
    assert (ran.value["tablesDone"], ran.value["tablesRunning"], ran.value["migrated"]) == (2, 1, False)
    assert ran.of_type(ROLE) == []


def test_a_failed_job_stops_the_deployment(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(Exception, match=r"migration job\(s\) of database hr failed: mig_hr") as caught:
        run_example(NAME, mms_emulator, preview=False, database="hr", reportingUser=USER)
    assert not isinstance(caught.value, NotReady)


def test_failed_tables_with_nothing_running_fail_the_update(mms_emulator: MmsEmulator) -> None:
    mms_emulator.migration.update(SOURCE, "jobs", 1, status="DONE")
    mms_emulator.migration.start_job(SOURCE, 2)
    mms_emulator.migration.finish_job(SOURCE, 2, failed_tables=["returns"])
    mms_emulator.migration.update(SOURCE, "jobs", 2, status="DONE")  # a job retried to DONE, a table left
    with pytest.raises(NotReady, match="failed: returns"):
        run_example(NAME, mms_emulator, preview=False, database="sales", reportingUser=USER)
