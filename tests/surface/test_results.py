"""The functions' results in real-shaped programs: exported, passed on, secrets kept, values usable.

Run under Pulumi's mock runtime against the emulator, its sample data source given a password item.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from pulumi_mms import (
    get_mms_data_source,
    get_mms_data_source_output,
    get_mms_data_sources,
    get_mms_data_sources_output,
)
from pulumi_mms.testing import MmsEmulator
from tests.clients import stack_config
from tests.programs import run_program

SOURCE = 2000015
SINK = "test:index:Sink"
PASSWORD = "HivePassword-results-distinctive"


@pytest.fixture
def mms_emulator(mms_emulator: MmsEmulator) -> MmsEmulator:
    config = mms_emulator.data_source(SOURCE)["config"]
    item = {"key": "hive.password", "name": "Password", "type": "password", "value": PASSWORD}
    mms_emulator.update_data_source(SOURCE, config=[*config, {**item, "placeHolder": "the password"}])
    return mms_emulator


def _sink(**inputs: Any) -> pulumi.CustomResource:
    return pulumi.CustomResource(SINK, "sink", inputs)


def _unwrap(value: Any) -> tuple[Any, bool]:
    """A mocked resource's input value and whether it arrived as a secret."""
    if rpc.is_rpc_secret(value):
        return rpc.unwrap_rpc_secret(value), True
    return value, False


def _secret_path(value: Any, *path: str | int) -> tuple[Any, bool]:
    """The value at `path` in an input, and whether it or anything around it on the way was secret."""
    value, secret = _unwrap(value)
    for step in path:
        value, inner = _unwrap(value[step])
        secret = secret or inner
    return value, secret


def _password_entry(items: list[Any]) -> dict[str, Any]:
    return next(item for item in items if str(item.get("type")).lower() == "password")


def test_plain_results_are_passed_on_with_schema_keys_and_secret_passwords(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        one = get_mms_data_source(SOURCE, with_config=True)
        listing = get_mms_data_sources(name_regex="^demo$", with_config=True)
        pulumi.export("sources", listing.data_sources)
        pulumi.export("config", one.config)
        _sink(config=one.config, sources=listing.data_sources)
        return listing.ids

    run = run_program(program, preview=False, config=stack_config(mms_emulator))
    assert run.value == [SOURCE]
    (sink,) = run.of_type(SINK)
    config, _ = _unwrap(sink.inputs["config"])
    index = config.index(_password_entry(config))
    password = config[index]
    assert password["placeHolder"] == "the password"  # the schema's names
    assert "place_holder" not in password
    assert _secret_path(sink.inputs["config"], index, "value") == (PASSWORD, True)
    sources, _ = _unwrap(sink.inputs["sources"])
    assert sources[0]["id"] == SOURCE
    assert sources[0]["dstProjects"] == ["mms_test1"]
    path = ("config", sources[0]["config"].index(_password_entry(sources[0]["config"])), "value")
    assert _secret_path(sink.inputs["sources"], 0, *path) == (PASSWORD, True)


def test_output_results_are_secret_as_a_whole_and_usable_in_apply(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        listing = get_mms_data_sources_output(name_regex="^demo$", with_config=True)
        one = get_mms_data_source_output(SOURCE, with_config=True)
        _sink(sources=listing.data_sources, config=one.config)

        def connection(items: list[Any]) -> str:
            password = _password_entry(items)
            return f"jdbc:hive2://u:{password.value}@host"

        url = one.config.apply(connection)
        return pulumi.Output.all(url, url.is_secret(), listing.is_secret(), one.name.is_secret())

    run = run_program(program, preview=False, config=stack_config(mms_emulator))
    url, url_secret, listing_secret, name_secret = run.value
    assert url == f"jdbc:hive2://u:{PASSWORD}@host"
    assert url_secret
    assert listing_secret
    assert name_secret
    (sink,) = run.of_type(SINK)
    for key in ("sources", "config"):
        assert _unwrap(sink.inputs[key])[1], f"{key} reached the resource in plaintext"


def test_a_result_without_passwords_is_not_secret(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        one = get_mms_data_source_output(SOURCE)  # no config: nothing secret
        return pulumi.Output.all(one.name, one.name.is_secret())

    assert run_program(program, preview=False, config=stack_config(mms_emulator)).value == ["demo", False]
