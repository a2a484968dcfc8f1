"""Finding data sources by name and listing them with filters, across pages, against the emulator."""

from __future__ import annotations

import pytest

from pulumi_mms import MmsClient
from pulumi_mms.core.discovery import find_by_name, list_matching
from pulumi_mms.core.errors import AmbiguousDataSource, DataSourceNotFound, ValidationError
from pulumi_mms.testing import MmsEmulator, generate_data_sources
from tests.clients import settings_for


@pytest.fixture
def many(mms_emulator: MmsEmulator) -> MmsEmulator:
    mms_emulator.put_data_sources(generate_data_sources(120, seed=7))
    return mms_emulator


def test_find_by_name_is_exact_among_fuzzy_matches(mms_emulator: MmsEmulator) -> None:
    sample = mms_emulator.data_source(2000015)
    mms_emulator.put_data_source({**sample, "id": 2000016, "name": "demo-2"})
    mms_emulator.put_data_source({**sample, "id": 2000017, "name": "my-demo"})
    client = MmsClient(settings_for(mms_emulator))
    assert find_by_name(client, "demo").id == 2000015
    assert find_by_name(client, "demo-2").id == 2000016


def test_find_by_name_follows_every_page(many: MmsEmulator) -> None:
    last = many.data_sources()[-1]
    client = MmsClient(settings_for(many))
    found = find_by_name(client, last["name"])
    assert found.id == last["id"]


def test_find_by_name_pages_through_a_large_fuzzy_match(mms_emulator: MmsEmulator) -> None:
    sample = mms_emulator.data_source(2000015)
    mms_emulator.put_data_sources(
        [{**sample, "id": 3000000 + i, "name": f"orders-{i:03d}"} for i in range(130)]
    )
    mms_emulator.put_data_source({**sample, "id": 3999999, "name": "orders"})  # the exact match, last
    mms_emulator.reset_stats()
    client = MmsClient(settings_for(mms_emulator))
    assert find_by_name(client, "orders").id == 3999999
    assert mms_emulator.stats.requests_by_action["ListMmsDataSources"] == 2  # 131 candidates, 100 a page


def test_no_match_lists_what_exists(mms_emulator: MmsEmulator) -> None:
    client = MmsClient(settings_for(mms_emulator))
    with pytest.raises(DataSourceNotFound) as caught:
        find_by_name(client, "nope")
    assert "no data source is named 'nope'" in str(caught.value)
    assert "'demo' (id 2000015)" in str(caught.value)


def test_several_matches_are_ambiguous_and_listed(mms_emulator: MmsEmulator) -> None:
    sample = mms_emulator.data_source(2000015)
    mms_emulator.put_data_source({**sample, "id": 2000099})
    client = MmsClient(settings_for(mms_emulator))
    with pytest.raises(AmbiguousDataSource) as caught:
        find_by_name(client, "demo")
    assert "2 data sources are named 'demo'" in str(caught.value)
    assert "id 2000015" in str(caught.value)
    assert "id 2000099" in str(caught.value)
    assert "source_id" in str(caught.value)


def test_error_lists_are_capped(mms_emulator: MmsEmulator) -> None:
    sample = mms_emulator.data_source(2000015)
    mms_emulator.put_data_sources([{**sample, "id": 4000000 + i, "name": "dup"} for i in range(25)])
    client = MmsClient(settings_for(mms_emulator))
    with pytest.raises(AmbiguousDataSource, match="and 15 more"):
        find_by_name(client, "dup")


def test_list_matching_filters_and_orders(many: MmsEmulator) -> None:
    client = MmsClient(settings_for(many))
    everything = list_matching(client)
    assert [d.id for d in everything] == sorted(d["id"] for d in many.data_sources())
    hive = list_matching(client, type="HIVE")
    expected = sorted(d["id"] for d in many.data_sources() if d["type"] == "HIVE")
    assert [d.id for d in hive] == expected
    assert expected  # the generated data has HIVE sources
    started = list_matching(client, status="STARTED", name_regex=r"\d$")
    expected = sorted(
        d["id"] for d in many.data_sources() if d["status"] == "STARTED" and d["name"][-1].isdigit()
    )
    assert [d.id for d in started] == expected


def test_bad_filters_fail_before_any_request(mms_emulator: MmsEmulator) -> None:
    client = MmsClient(settings_for(mms_emulator))
    with pytest.raises(ValidationError, match="name_regex is not a valid regular expression"):
        list_matching(client, name_regex="(")
    with pytest.raises(ValidationError, match="status must be a non-empty string"):
        list_matching(client, status="")
    with pytest.raises(ValidationError, match="name must be a non-empty"):
        find_by_name(client, " ")
    assert mms_emulator.stats.requests == 0
