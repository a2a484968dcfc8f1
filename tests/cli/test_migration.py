"""`pulumi-mms jobs|dbs|tables|partitions|tasks|timers` against the emulator."""

from __future__ import annotations

import json

import pytest
import yaml

from pulumi_mms.cli import main
from pulumi_mms.testing import MmsEmulator

SOURCE = "2000015"


@pytest.fixture
def env(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> MmsEmulator:
    for key, value in mms_emulator.env().items():
        monkeypatch.setenv(key, value)
    return mms_emulator


def test_tables_as_a_table_with_filters(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables", SOURCE, "--db-name", "sales", "--status", "DONE", "--status", "DOING"]) == 0
    out = capsys.readouterr().out
    assert "orders" in out
    assert "returns" in out
    assert "employees" not in out
    assert out.rstrip().endswith("3 tables")


@pytest.mark.parametrize("command", ["jobs", "dbs", "tables", "partitions", "tasks", "timers"])
def test_every_command_lists_as_json_and_yaml(
    env: MmsEmulator, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main([command, "--source-name", "demo", "-o", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items
    assert all(item["sourceId"] == int(SOURCE) for item in items)
    assert main([command, SOURCE, "-o", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == items


def test_one_item_by_id_and_a_job_gate(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", SOURCE, "--id", "1", "--wait", "succeeded", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "mig_sales_base"
    assert main(["jobs", SOURCE, "--id", "3", "--wait", "succeeded"]) != 0
    assert "bigquery.tables.getData denied" in capsys.readouterr().err


def test_the_tables_gate_reports_counts(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    env.migration.finish_job(int(SOURCE), 2)
    assert main(["tables", SOURCE, "--db-name", "sales", "--wait", "migrated", "--wait-timeout", "5"]) == 0
    captured = capsys.readouterr()
    assert "3 of 3 tables done, 0 running, 0 failed" in captured.err
    assert main(["tables", SOURCE, "--db-name", "hr", "--wait", "migrated"]) != 0
    assert "failed: employees" in capsys.readouterr().err


def test_the_tables_gate_refuses_what_it_cannot_wait_for(
    env: MmsEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """No matching table is an error, not "0 of 0 done"; one table read by --id is not a gate."""
    assert main(["tables", SOURCE, "--db-name", "salez", "--wait", "migrated", "--wait-timeout", "3"]) != 0
    err = capsys.readouterr().err
    assert "no table of data source 2000015 matches (db_name=salez)" in err
    requests = env.stats.requests
    assert main(["tables", SOURCE, "--id", "13", "--wait", "migrated"]) != 0
    err = capsys.readouterr().err
    assert "--wait" in err
    assert "not for one read with --id" in err
    assert "--name" in err
    assert env.stats.requests == requests  # refused before any request


def test_bad_flags_are_named(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables"]) != 0
    assert "SOURCE_ID" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["tables", SOURCE, "--has-partitions", "maybe"])


def test_a_listing_is_sorted_by_sort(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables", SOURCE, "--sort", "num_rows:desc", "-o", "json"]) == 0
    names = [t["name"] for t in json.loads(capsys.readouterr().out)]
    assert names == ["orders", "customers", "salaries", "returns", "employees"]
    assert main(["tables", SOURCE, "--sort", "numRows", "-o", "json"]) == 0  # asc; the wire name works too
    assert [t["name"] for t in json.loads(capsys.readouterr().out)] == names[::-1]
    assert main(["tasks", SOURCE, "--sort", "start-time:DESC", "--sort", "status", "-o", "json"]) == 0
    assert [t["id"] for t in json.loads(capsys.readouterr().out)] == [1004, 1003, 1001, 1002]
    assert [r.path for r in env.request_log][-1].endswith("sorter.startTime=desc&sorter.status=asc")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tables", SOURCE, "--sort", "rows"], "invalid --sort: tables cannot be sorted by 'rows'"),
        (
            ["jobs", SOURCE, "--sort", "status:up"],
            "invalid --sort: the direction of status must be asc or desc",
        ),
    ],
)
def test_a_bad_sort_is_named_before_any_request(
    env: MmsEmulator, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = env.stats.requests
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Fix: " in err
    assert env.stats.requests == before
    with pytest.raises(SystemExit):
        main(["timers", SOURCE, "--sort", "name"])  # timers take no sorter


def test_the_summary_as_a_table_json_and_yaml(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", SOURCE]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Migration of data source {SOURCE}\n")
    sales = next(line for line in out.splitlines() if " sales " in line)
    assert "DOING 1, DONE 2" in sales  # statuses in their lifecycle order
    assert "Jobs: DOING 1, DONE 1, FAILED 1" in out
    assert main(["summary", "--name", "demo", "-o", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["sourceId"] == int(SOURCE)
    assert [db["dbName"] for db in body["databases"]] == ["sales", "hr"]
    assert body["jobsByStatus"] == {"DONE": 1, "DOING": 1, "FAILED": 1}
    assert main(["summary", "--source-name", "demo", "-o", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == body


def test_the_summary_needs_one_data_source(env: MmsEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 2
    assert "SOURCE_ID" in capsys.readouterr().err
    assert main(["summary", "0"]) == 2
    assert main(["summary", "999"]) == 3
    assert "999" in capsys.readouterr().err
