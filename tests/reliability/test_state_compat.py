"""State written by earlier releases keeps working: refresh and destroy through the real dynamic host.

`tests/data/state/<release>.json` holds the state of `MmsDataSource` resources as a release wrote it:
each resource's id, stored inputs and outputs, with the `__provider` string the engine passes back to the
host on every call. Pulumi unpickles that string to find the provider class: moving or renaming
`pulumi_mms.mms_data_source.MmsDataSourceProvider` would break the refresh and destroy of every existing
stack, and these tests fail first. Add one file per release (see tests/data/state/README.md):

    .venv/bin/python -m tests.reliability.test_state_compat 0.2.0
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import grpc
import pytest

from pulumi_mms import MmsDataSource, ValidationError, get_mms_data_source
from pulumi_mms.cli import main as cli_main
from pulumi_mms.testing import MmsEmulator

from ..dynamic_host import URN, DynamicHost, EngineLog, rpc_error_last_line, serialized_provider
from ..programs import run_program
from . import SOURCE, stack_config

STATE_DIR = Path(__file__).parent.parent / "data" / "state"
GOLDEN = sorted(STATE_DIR.glob("*.json"))
ABOVE_2_53 = 2**53 + 1


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineLog]:
    log = EngineLog()
    yield log
    log.close()


@pytest.fixture
def host(mms_emulator: MmsEmulator, engine: EngineLog) -> Iterator[DynamicHost]:
    host = DynamicHost(engine=engine.address)
    host.configure(stack_config(mms_emulator))
    yield host
    host.close()


def resources(path: Path) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = json.loads(path.read_text())["resources"]
    return written


def test_there_is_state_from_this_release() -> None:
    release = version("pulumi-mms")
    assert STATE_DIR / f"{release}.json" in GOLDEN, (
        f"run: python -m tests.reliability.test_state_compat {release}"
    )


@pytest.mark.parametrize("path", GOLDEN, ids=[path.stem for path in GOLDEN])
def test_state_of_each_release_refreshes_and_destroys(
    path: Path, host: DynamicHost, mms_emulator: MmsEmulator
) -> None:
    mms_emulator.update_data_source(SOURCE, status="STOPPED")
    for resource in resources(path):
        id_, outs, inputs = host.read(resource["id"], resource["outputs"], resource["inputs"])
        assert id_ == resource["id"] == str(SOURCE)
        assert outs["status"] == "STOPPED"  # read live, through the provider unpickled from old state
        assert outs["__provider"] == resource["outputs"]["__provider"]
        assert inputs["source_id"] == SOURCE
        before = mms_emulator.stats.requests
        host.delete(resource["id"], resource["outputs"])
        assert mms_emulator.stats.requests == before
    mms_emulator.remove_data_source(SOURCE)
    for resource in resources(path):
        assert host.read(resource["id"], resource["outputs"], resource["inputs"])[0] == ""  # gone


@pytest.mark.parametrize(
    ("field", "stale"),
    [
        ("drift_fields", ["tables_scanned_num"]),  # a field a future model may drop
        ("drift_fields", "status"),
        ("wait_for", "online"),
        ("wait_timeout", 100_000),
        ("lang", "fr_FR"),
    ],
)
def test_a_stored_value_this_release_refuses_is_dropped_with_a_warning(
    host: DynamicHost, engine: EngineLog, field: str, stale: Any
) -> None:
    resource = max(resources(GOLDEN[-1]), key=lambda r: len(r["outputs"]))
    outputs = {**resource["outputs"], field: stale}
    inputs = {**resource["inputs"], field: stale}
    engine.records.clear()
    id_, outs, new_inputs = host.read(resource["id"], outputs, inputs)
    assert id_ == str(SOURCE)
    assert outs["status"] == "STARTED"
    assert outs.get(field) is None
    assert new_inputs.get(field) is None
    warnings = [(urn, message) for severity, urn, message in engine.records if severity == "warning"]
    urn, message = warnings[0]  # (a dropped wait_for also drops the wait_timeout that needs it)
    assert urn == URN  # attached to the resource
    assert message.startswith(f"MmsDataSource {SOURCE}: ignoring the {field} stored in state")
    assert f"invalid {field}" in message
    assert "Fix: " in message
    assert not any("source_id" in message for _, message in warnings)
    host.delete(resource["id"], outputs)


def test_a_stale_wait_for_drops_its_timeout_too(host: DynamicHost, engine: EngineLog) -> None:
    resource = max(resources(GOLDEN[-1]), key=lambda r: len(r["outputs"]))
    outputs = {**resource["outputs"], "wait_for": "online", "wait_timeout": 30}
    engine.records.clear()
    _, outs, _ = host.read(resource["id"], outputs, outputs)
    assert outs.get("wait_for") is None
    assert outs.get("wait_timeout") is None
    [first, second] = [message for severity, _, message in engine.records if severity == "warning"]
    assert "ignoring the wait_for stored in state" in first
    assert "ignoring the wait_timeout stored in state" in second
    assert "needs wait_for" in second


def test_a_bad_id_in_state_is_an_error_labelled_source_id(host: DynamicHost) -> None:
    resource = resources(GOLDEN[-1])[0]
    with pytest.raises(grpc.RpcError) as caught:
        host.read(resource["id"], {**resource["outputs"], "source_id": "abc"}, resource["inputs"])
    assert rpc_error_last_line(caught.value).startswith(
        "pulumi_mms.core.errors.ValidationError: invalid source_id:"
    )


# -- ids Pulumi cannot carry exactly -------------------------------------------------------------------


@pytest.mark.parametrize("value", [ABOVE_2_53, str(ABOVE_2_53), 2**53, float(2**53)])
def test_ids_above_2_53_are_refused_in_the_program(value: Any, mms_emulator: MmsEmulator) -> None:
    def program() -> None:
        get_mms_data_source(value)

    with pytest.raises(ValidationError, match=r"at most 2\^53 - 1") as caught:
        run_program(program, preview=False, config=stack_config(mms_emulator))
    assert caught.value.argument == "source_id"
    with pytest.raises(ValidationError, match=r"at most 2\^53 - 1"):
        MmsDataSource("big", source_id=value)
    with pytest.raises(ValidationError, match=r"at most 2\^53 - 1") as by_id:
        MmsDataSource.get("big", str(value if isinstance(value, str) else int(value)))
    assert by_id.value.argument == "id"
    assert mms_emulator.stats.requests == 0


def test_ids_above_2_53_are_refused_by_the_host(host: DynamicHost, mms_emulator: MmsEmulator) -> None:
    provider = serialized_provider()
    # The engine hands the host a double: 2^53 + 1 arrives as 2^53, which must not read data source 2^53.
    _, failures = host.check({}, {"__provider": provider, "source_id": float(ABOVE_2_53)})
    [(field, reason)] = failures
    assert field == "source_id"
    assert "2^53 - 1" in reason
    with pytest.raises(grpc.RpcError) as caught:
        host.read(str(ABOVE_2_53), {}, {"__provider": provider})
    assert "invalid id:" in rpc_error_last_line(caught.value)
    assert "2^53 - 1" in rpc_error_last_line(caught.value)
    assert mms_emulator.stats.requests == 0


def test_ids_above_2_53_are_refused_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["get", str(ABOVE_2_53), "--region", "cn-shanghai"]) == 2
    assert "2^53 - 1" in capsys.readouterr().err


# -- writing the state of a release --------------------------------------------------------------------


def write_golden(release: str) -> Path:
    """Write `tests/data/state/<release>.json`: the state this code writes, through the real host."""
    provider = serialized_provider()
    programs = [
        {"source_id": SOURCE},
        {
            "name": "demo",
            "with_config": True,
            "lang": "en_US",
            "drift_fields": ["status", "dst_projects"],
            "wait_for": "ready",
            "wait_timeout": 60,
        },
    ]
    written = []
    with MmsEmulator() as emu:
        host = DynamicHost()
        try:
            host.configure(stack_config(emu))
            for program in programs:
                inputs, failures = host.check({}, {"__provider": provider, **program})
                assert not failures, failures
                id_, outputs = host.create(inputs)
                written.append({"id": id_, "inputs": inputs, "outputs": outputs})
        finally:
            host.close()
    path = STATE_DIR / f"{release}.json"
    body = {"release": release, "resources": written}
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    return path


if __name__ == "__main__":
    print(write_golden(sys.argv[1]))
