"""MmsDataSource through the real dynamic-provider host over gRPC, against the emulator."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import grpc
import pulumi
import pytest

from pulumi_mms import DEFAULT_DRIFT_FIELDS, MmsDataSource, MmsDataSourceArgs, ValidationError
from pulumi_mms.surface.drift import is_unknown
from pulumi_mms.testing import MmsEmulator
from tests.clients import stack_config
from tests.dynamic_host import (
    TYPE_TOKEN,
    UNKNOWN,
    URN,
    DynamicHost,
    EngineLog,
    rpc_error_last_line,
    serialized_provider,
)
from tests.programs import RecordingMocks, run_program

SOURCE = 2000015
STARTING = {"status": "STARTING", "agentIsOnline": False}
HOST_CONFIG_UNREACHABLE = {
    "mms:region": "cn-shanghai",
    "mms:endpoint": "127.0.0.1:9",
    "mms:protocol": "http",
    "mms:accessKey": "x",
    "mms:secretKey": "y",
    "mms:maxRetries": "0",
}


@pytest.fixture
def provider() -> str:
    return serialized_provider()


@pytest.fixture
def host(mms_emulator: MmsEmulator) -> Iterator[DynamicHost]:
    host = DynamicHost()
    host.configure(stack_config(mms_emulator))
    yield host
    host.close()


def news(provider: str, **inputs: Any) -> dict[str, Any]:
    return {"__provider": provider, "source_id": SOURCE, **inputs}


def test_serialized_provider_is_small_and_holds_no_secret(provider: str, mms_emulator: MmsEmulator) -> None:
    raw = base64.b64decode(provider)
    assert len(raw) < 1024
    assert b"pulumi_mms.mms_data_source" in raw  # pickled by reference
    assert mms_emulator.access_key_secret.encode() not in raw


def test_check_returns_live_values_with_inputs(host: DynamicHost, provider: str) -> None:
    inputs, failures = host.check({}, news(provider, with_config=True))
    assert failures == []
    assert inputs["source_id"] == SOURCE
    assert inputs["dst_projects"] == ["mms_test1"]
    assert inputs["status"] == "STARTED"
    assert inputs["network_link"] == "vpc-2zebqp6uojhdla46677tl:cn-shanghai"
    assert inputs["config"][0]["key"] == "bigquery.range.partition.migrate.type"
    assert "id" not in inputs  # Pulumi drops an output named id; the id is source_id


def test_check_failures_name_each_bad_field(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    _, failures = host.check(
        {}, news(provider, source_id="abc", lang="fr_FR", with_config="yes", drift_fields=["status", "bogus"])
    )
    by_field = dict(failures)
    assert set(by_field) == {"source_id", "lang", "with_config", "drift_fields"}
    assert "positive integer" in by_field["source_id"]
    assert "zh_CN, en_US" in by_field["lang"]
    assert "'bogus'" in by_field["drift_fields"]
    assert mms_emulator.stats.requests == 0


def test_a_failed_fetch_is_a_check_failure_naming_the_data_source(host: DynamicHost, provider: str) -> None:
    inputs, failures = host.check({}, news(provider, source_id=777))
    assert inputs["source_id"] == 777
    assert len(failures) == 1
    field, reason = failures[0]
    assert field == "source_id"
    assert "data source 777 does not exist" in reason
    assert "request id" in reason
    assert "Traceback" not in reason


def test_unknown_inputs_are_passed_through_and_diff_reports_a_change(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    inputs, failures = host.check({}, news(provider, source_id=UNKNOWN))
    assert failures == []
    assert is_unknown(inputs["source_id"])
    assert mms_emulator.stats.requests == 0
    olds, _ = host.check({}, news(provider))
    diff = host.diff(str(SOURCE), olds, {**olds, "source_id": UNKNOWN})
    assert diff.changes == diff.DIFF_SOME
    assert list(diff.replaces) == ["source_id"]


def test_integers_arrive_as_floats_and_still_build_a_valid_path(host: DynamicHost, provider: str) -> None:
    inputs, failures = host.check({}, news(provider, source_id=float(SOURCE)))
    assert failures == []
    assert inputs["name"] == "demo"


def test_create_returns_what_check_returned(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    checked, _ = host.check({}, news(provider))
    requests_after_check = mms_emulator.stats.requests
    id_, outs = host.create(checked)
    assert id_ == str(SOURCE)
    assert {k: v for k, v in outs.items()} == checked
    assert mms_emulator.stats.requests == requests_after_check  # the preview's values are what is applied


def test_drift_shows_as_a_property_diff_and_update_keeps_every_field(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    olds, _ = host.check({}, news(provider))
    _, state = host.create(olds)
    assert host.diff(str(SOURCE), state, host.check(state, news(provider))[0]).changes == 1  # DIFF_NONE

    mms_emulator.update_data_source(SOURCE, dstProjects=["mms_test1", "mms_test2"])
    checked, _ = host.check(state, news(provider))
    assert checked["dst_projects"] == ["mms_test1", "mms_test2"]
    diff = host.diff(str(SOURCE), state, checked)
    assert diff.changes == diff.DIFF_SOME
    assert list(diff.replaces) == []
    updated = host.update(str(SOURCE), state, checked)
    assert updated["dst_projects"] == ["mms_test1", "mms_test2"]
    assert updated["status"] == "STARTED"  # not only __provider
    assert {f for f in DEFAULT_DRIFT_FIELDS if checked.get(f) is not None} <= set(updated)
    assert set(updated) - {"__provider"} == set(checked) - {"__provider"}


def test_counters_are_not_drift_by_default_but_can_be_opted_in(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    olds, _ = host.check({}, news(provider))
    mms_emulator.update_data_source(SOURCE, tablesDoneNum=999, lastUpdateTime="2024-12-18 00:00:00")
    checked, _ = host.check(olds, news(provider))
    assert checked["tables_done_num"] == 999
    assert host.diff(str(SOURCE), olds, checked).changes == 1  # DIFF_NONE

    olds, _ = host.check({}, news(provider, drift_fields=["tables_done_num"]))
    mms_emulator.update_data_source(SOURCE, tablesDoneNum=1000, status="STOPPED")
    checked, _ = host.check(olds, news(provider, drift_fields=["tables_done_num"]))
    diff = host.diff(str(SOURCE), olds, checked)
    assert diff.changes == diff.DIFF_SOME


def test_status_change_counts_as_drift(host: DynamicHost, provider: str, mms_emulator: MmsEmulator) -> None:
    olds, _ = host.check({}, news(provider))
    mms_emulator.update_data_source(SOURCE, status="STOP_FAILED", errMsg="agent lost")
    checked, _ = host.check(olds, news(provider))
    assert host.diff(str(SOURCE), olds, checked).changes == 2  # DIFF_SOME


def test_source_id_change_replaces(host: DynamicHost, provider: str, mms_emulator: MmsEmulator) -> None:
    other = dict(mms_emulator.data_source(SOURCE), id=2000016, name="other")
    mms_emulator.put_data_source(other)
    olds, _ = host.check({}, news(provider))
    checked, _ = host.check(olds, news(provider, source_id=2000016))
    diff = host.diff(str(SOURCE), olds, checked)
    assert list(diff.replaces) == ["source_id"]


def test_nulls_inside_config_items_do_not_show_as_drift(host: DynamicHost, provider: str) -> None:
    olds, _ = host.check({}, news(provider, with_config=True))
    _, state = host.create(olds)  # through a Struct: sub_items None vanished
    assert "sub_items" not in state["config"][0]
    checked, _ = host.check(state, news(provider, with_config=True))
    assert host.diff(str(SOURCE), state, checked).changes == 1  # DIFF_NONE


def test_read_refreshes_and_reports_a_vanished_data_source(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    checked, _ = host.check({}, news(provider))
    _, state = host.create(checked)
    mms_emulator.update_data_source(SOURCE, status="STOPPED")
    id_, outs, inputs = host.read(str(SOURCE), state)
    assert id_ == str(SOURCE)
    assert outs["status"] == "STOPPED"
    assert inputs["source_id"] == SOURCE
    mms_emulator.remove_data_source(SOURCE)
    id_, _, _ = host.read(str(SOURCE), state)
    assert id_ == ""


def test_delete_touches_nothing(host: DynamicHost, provider: str, mms_emulator: MmsEmulator) -> None:
    checked, _ = host.check({}, news(provider))
    _, state = host.create(checked)
    before = mms_emulator.stats.requests
    host.delete(str(SOURCE), state)
    assert mms_emulator.stats.requests == before
    assert mms_emulator.data_source(SOURCE)["name"] == "demo"


def test_password_values_never_reach_state(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    data = mms_emulator.data_source(SOURCE)
    mms_emulator.update_data_source(
        SOURCE,
        config=[*data["config"], {"key": "bq.password", "type": "password", "value": "pw-in-state-xyz"}],
    )
    checked, _ = host.check({}, news(provider, with_config=True))
    _, state = host.create(checked)
    password = next(item for item in state["config"] if item["key"] == "bq.password")
    assert "value" not in password
    assert "pw-in-state-xyz" not in repr(checked) + repr(state)


def test_provider_reads_credentials_in_the_host_only(host: DynamicHost, provider: str) -> None:
    # The same serialized provider works in a host configured differently: nothing was captured.
    bad_host = DynamicHost()
    try:
        bad_host.configure(HOST_CONFIG_UNREACHABLE)
        _, failures = bad_host.check({}, news(provider))
        assert len(failures) == 1
        assert "could not reach" in failures[0][1]
    finally:
        bad_host.close()
    _, failures = host.check({}, news(provider))
    assert failures == []


def test_resource_validates_plain_inputs_in_the_program() -> None:
    with pytest.raises(ValidationError, match="drift_fields"):
        MmsDataSource("bad", source_id=1, drift_fields=["nope"])
    with pytest.raises(ValidationError, match="source_id"):
        MmsDataSource("bad", source_id=-5)


def test_resource_outputs_declared_int_come_out_int() -> None:
    # Under mocks the engine echoes inputs back through a Struct, as floats.
    def program() -> Any:
        ds = MmsDataSource("ds", source_id=2000015)
        return ds.source_id

    run = run_program(program, preview=False, config={})
    assert run.value == 2000015
    assert type(run.value) is int
    assert run.of_type(TYPE_TOKEN)


def test_lookup_by_name_resolves_the_id(host: DynamicHost, provider: str) -> None:
    checked, failures = host.check({}, {"__provider": provider, "name": "demo"})
    assert failures == []
    assert checked["source_id"] == SOURCE
    id_, outs = host.create(checked)
    assert id_ == str(SOURCE)
    assert outs["name"] == "demo"


def test_exactly_one_of_id_and_name(host: DynamicHost, provider: str) -> None:
    _, failures = host.check({}, {"__provider": provider, "name": "demo", "source_id": SOURCE})
    assert [field for field, _ in failures] == ["source_id"]
    assert "exactly one of source_id" in failures[0][1]
    _, failures = host.check({}, {"__provider": provider, "name": "no-such"})
    assert [field for field, _ in failures] == ["name"]
    assert "no data source is named 'no-such'" in failures[0][1]


def test_wait_for_fails_the_preview_of_a_failed_data_source(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    mms_emulator.update_data_source(SOURCE, status="START_FAILED", errMsg="bad kerberos keytab")
    _, failures = host.check({}, news(provider, wait_for="ready"))
    assert [field for field, _ in failures] == ["wait_for"]
    assert "bad kerberos keytab" in failures[0][1]


def test_create_waits_until_ready_and_outputs_the_ready_state(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    mms_emulator.script_states(SOURCE, [STARTING, {"status": "STARTED", "agentIsOnline": True}])
    checked, failures = host.check({}, news(provider, wait_for="ready", wait_timeout=30))
    assert failures == []
    assert checked["status"] == "STARTING"  # the preview shows the current state
    _, outs = host.create(checked)
    assert outs["status"] == "STARTED"
    assert outs["agent_is_online"] is True
    assert mms_emulator.stats.requests == 2


def test_bad_wait_arguments_are_check_failures(host: DynamicHost, provider: str) -> None:
    _, failures = host.check({}, news(provider, wait_for="eventually"))
    assert [field for field, _ in failures] == ["wait_for"]
    _, failures = host.check({}, news(provider, wait_timeout=10))
    assert [field for field, _ in failures] == ["wait_timeout"]


# -- MmsDataSource.get: a read by id, as generated resources have -------------------------------------


class HostMocks(RecordingMocks):
    """Mocks that hand `MmsDataSource` reads to the real host, as the engine does for `Resource.get`."""

    def __init__(self, host: DynamicHost) -> None:
        super().__init__()
        self.host = host

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        super().new_resource(args)
        assert args.resource_id, "only reads are handed to the host here"
        # The engine's Read for a `get`: no state, only the inputs the program registered.
        id_, outs, _ = self.host.read(args.resource_id, {}, inputs=dict(args.inputs))
        return id_, outs


def test_get_reads_a_data_source_by_id_through_the_host(host: DynamicHost, mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        ds = MmsDataSource.get("existing", "2000015")
        return pulumi.Output.all(ds.id, ds.source_id, ds.name, ds.status, ds.dst_projects)

    run = run_program(program, preview=False, config={}, mocks=HostMocks(host))
    assert run.value == [str(SOURCE), SOURCE, "demo", "STARTED", ["mms_test1"]]
    [read] = run.of_type(TYPE_TOKEN)
    assert set(read.inputs) == {"__provider"}  # a read sends no source_id: the id is the resource's
    assert mms_emulator.stats.requests == 1


def test_get_of_a_vanished_id_is_an_error_that_says_so(host: DynamicHost, provider: str) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        host.read("777", {}, inputs={"__provider": provider})
    last = rpc_error_last_line(caught.value)
    assert last.startswith("pulumi_mms.core.errors.DataSourceNotFound: data source 777 does not exist")
    assert "Fix: " in last


def test_get_checks_a_plain_id_in_the_program(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(ValidationError, match="invalid id: id must be a positive integer") as caught:
        MmsDataSource.get("bad", "abc")
    assert isinstance(caught.value, pulumi.RunError)  # printed by Pulumi as one line
    assert mms_emulator.stats.requests == 0


# -- errors from create, update and read reach the user as one line with the fix ---------------------


def _host_frames(details: str) -> list[str]:
    return [line for line in details.splitlines() if line.strip().startswith("File ")]


def test_errors_from_create_update_and_read_end_in_one_line_with_the_fix(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    checked, _ = host.check({}, news(provider, wait_for="ready", wait_timeout=5))
    _, state = host.create(checked)
    mms_emulator.update_data_source(
        SOURCE, status="START_FAILED", agentIsOnline=False, errMsg="bad keytab\nsee the agent log"
    )
    starting = {**checked, "status": "STARTING"}  # what a preview saw before the failure
    calls = {
        "create": lambda: host.create(starting),
        "update": lambda: host.update(str(SOURCE), state, starting),
    }
    for name, call in calls.items():
        with pytest.raises(grpc.RpcError) as caught:
            call()
        details = caught.value.details()
        last = rpc_error_last_line(caught.value)
        assert last.startswith("pulumi_mms.core.errors.NotReady: data source 2000015 failed"), name
        assert "bad keytab see the agent log" in last  # the service's multi-line errMsg, on one line
        assert last.endswith("Fix: fix the data source (see its errMsg) and start it again"), name
        ours = [frame for frame in _host_frames(details) if "pulumi_mms" in frame]
        assert len(ours) == 1, ours  # the host's frames and where we raise: none of our internals

    broken = DynamicHost()
    try:
        broken.configure(HOST_CONFIG_UNREACHABLE)
        with pytest.raises(grpc.RpcError) as caught:
            broken.read(str(SOURCE), state)
        last = rpc_error_last_line(caught.value)
        assert last.startswith(
            "pulumi_mms.core.errors.ServiceUnavailable: data source 2000015: could not reach"
        )
        assert "Fix: " in last
    finally:
        broken.close()


# -- wait_for progress goes to the engine's log, on the resource ---------------------------------------


def test_wait_progress_is_logged_on_the_resource(provider: str, mms_emulator: MmsEmulator) -> None:
    engine = EngineLog()
    host = DynamicHost(engine=engine.address)  # as the engine starts a provider plugin
    try:
        host.configure(stack_config(mms_emulator))
        mms_emulator.script_states(SOURCE, [STARTING, STARTING, {"status": "STARTED", "agentIsOnline": True}])
        checked, _ = host.check({}, news(provider, wait_for="ready", wait_timeout=30))
        _, outs = host.create(checked)
        assert outs["status"] == "STARTED"
    finally:
        stderr = host.close()
        engine.close()
    assert engine.records == [
        ("info", URN, "waiting for data source 2000015 to be ready: status STARTING, agent offline")
    ]
    assert "waiting for data source" not in stderr


def test_without_an_engine_wait_progress_goes_to_the_hosts_stderr(
    host: DynamicHost, provider: str, mms_emulator: MmsEmulator
) -> None:
    mms_emulator.script_states(SOURCE, [STARTING, STARTING, {"status": "STARTED", "agentIsOnline": True}])
    checked, _ = host.check({}, news(provider, wait_for="ready", wait_timeout=30))
    host.create(checked)
    assert "info: waiting for data source 2000015 to be ready: status STARTING" in host.close()


# -- MmsDataSourceArgs, as generated SDKs take arguments ------------------------------------------------


def test_args_class_and_keywords_register_the_same_inputs() -> None:
    def program() -> None:
        MmsDataSource("kw", source_id=SOURCE, drift_fields=["status"], opts=pulumi.ResourceOptions())
        MmsDataSource(
            "pos", MmsDataSourceArgs(source_id=SOURCE, drift_fields=["status"]), pulumi.ResourceOptions()
        )
        MmsDataSource("named", args=MmsDataSourceArgs(source_id=SOURCE, drift_fields=["status"]))

    run = run_program(program, preview=True, config={})
    kw, pos, named = run.of_type(TYPE_TOKEN)
    assert kw.inputs == pos.inputs == named.inputs
    assert kw.inputs["source_id"] == SOURCE


def test_args_class_values_are_checked_like_keywords() -> None:
    with pytest.raises(ValidationError, match="drift_fields"):
        MmsDataSource("bad", MmsDataSourceArgs(source_id=SOURCE, drift_fields=["nope"]))
    with pytest.raises(TypeError, match="source_id given both"):
        MmsDataSource("both", source_id=SOURCE, args=MmsDataSourceArgs(source_id=SOURCE))
