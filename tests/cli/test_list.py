"""`pulumi-mms list`: rows that fit the terminal, and filters that match in any case or say why not."""

from __future__ import annotations

import json
import unicodedata

import pytest

from pulumi_mms.cli.render import LIST_COLUMNS, label
from pulumi_mms.testing import MmsEmulator, generate_data_sources

from .run import SOURCE, clean_env, cli, one_line_error


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture
def crowded(mms_emulator: MmsEmulator) -> dict[str, str]:
    """60 data sources, one with a long name, many destination projects and a wide-character name."""
    records = generate_data_sources(60, seed=5)
    records[0] |= {"name": "orders-" + "x" * 90, "dstProjects": [f"project_{i}" for i in range(12)]}
    records[1] |= {"name": "迁移数据源-订单-" * 4}
    mms_emulator.put_data_sources(records)
    return clean_env(**mms_emulator.env())


@pytest.mark.parametrize("columns", [80, 100, 60])
def test_no_line_is_wider_than_the_terminal(crowded: dict[str, str], columns: int) -> None:
    result = cli("list", env={**crowded, "COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 61 + 2  # header, rows, blank, footer
    assert max(display_width(line) for line in lines) <= columns
    header = lines[0].split()
    assert header[:2] == ["id", "name"]  # the most wanted columns stay
    assert "…" in result.stdout  # the long name was cut, not wrapped
    assert "more column(s) with --wide" in lines[-1]


def test_wide_shows_every_column_uncut(crowded: dict[str, str]) -> None:
    result = cli("list", "--wide", env={**crowded, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    for column in LIST_COLUMNS:
        assert label(column) in header
    assert "orders-" + "x" * 90 in result.stdout
    assert "project_11" in result.stdout
    assert "…" not in result.stdout
    assert result.stdout.splitlines()[-1] == "61 data source(s)"


def test_a_wide_terminal_shows_every_column(mms_emulator: MmsEmulator) -> None:
    result = cli("list", env=clean_env(**mms_emulator.env(), COLUMNS="200"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split("  ")[-1].strip() == label(LIST_COLUMNS[-1])
    assert result.stdout.splitlines()[-1] == "1 data source(s)"


def ids(result_stdout: str) -> list[int]:
    return [item["id"] for item in json.loads(result_stdout)]


def test_enum_filters_match_in_any_case(crowded: dict[str, str], mms_emulator: MmsEmulator) -> None:
    records = mms_emulator.data_sources()
    started = sorted(r["id"] for r in records if r["status"] == "STARTED")
    hive = sorted(r["id"] for r in records if r["type"] == "HIVE")
    assert started
    assert hive
    for status in ("STARTED", "started", "Started"):
        result = cli("list", "--status", status, "-o", "json", env=crowded)
        assert result.returncode == 0, result.stderr
        assert ids(result.stdout) == started
    result = cli("list", "--type", "hive", "-o", "json", env=crowded)
    assert ids(result.stdout) == hive
    # a type the API does not document, present in the account, still filters
    databricks = sorted(r["id"] for r in records if r["type"] == "DATABRICKS")
    assert ids(cli("list", "--type", "databricks", "-o", "json", env=crowded).stdout) == databricks


def test_functions_filter_in_any_case_too(mms_emulator: MmsEmulator) -> None:
    from pulumi_mms import MmsClient
    from pulumi_mms.core.discovery import list_matching
    from tests.clients import settings_for

    mms_emulator.put_data_sources(generate_data_sources(20, seed=3))
    client = MmsClient(settings_for(mms_emulator))
    assert [i.id for i in list_matching(client, status="started")] == [
        i.id for i in list_matching(client, status="STARTED")
    ]
    assert list_matching(client, type="bigquery")[0].id == SOURCE


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--status", "RUNNING"),
            "invalid --status: --status 'RUNNING' matches no data source and is not one of",
        ),
        (
            ("--type", "oracle"),
            "invalid --type: --type 'oracle' matches no data source and is not one of HIVE",
        ),
    ],
)
def test_an_unknown_enum_value_that_matches_nothing_is_refused_with_the_valid_values(
    crowded: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    result = cli("list", *args, env=crowded)
    assert result.returncode == 2
    line = one_line_error(result)
    assert expected in line
    assert "STARTED" in line or "BIGQUERY" in line
    assert "Fix: use one of those values (in any case)" in line


def test_filter_region_typos_get_did_you_mean(mms_emulator: MmsEmulator) -> None:
    result = cli("list", "--filter-region", "cn-shangai", env=clean_env(**mms_emulator.env()))
    assert result.returncode == 2
    line = one_line_error(result)
    assert "invalid --filter-region: unknown region 'cn-shangai'; did you mean 'cn-shanghai'?" in line
    assert "Fix: " in line
    assert mms_emulator.stats.requests == 0  # refused before any request
    # the same words as --region (when the region picks the endpoint, i.e. no endpoint override)
    region = cli("get", str(SOURCE), "--region", "cn-shangai", env=clean_env())
    assert "invalid --region: unknown region 'cn-shangai'; did you mean 'cn-shanghai'?" in one_line_error(
        region
    )
