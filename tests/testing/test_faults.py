"""Fault injection: each fault kind on the wire, scripts, seeded rates, action filters, stop while hanging."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from alibabacloud_maxcompute20220104 import models as mc_models
from alibabacloud_maxcompute20220104.client import Client as MaxComputeClient
from alibabacloud_tea_util.models import RuntimeOptions
from darabonba.exceptions import UnretryableException

from pulumi_mms.testing import (
    ConnectionReset,
    Fault,
    FaultPlan,
    Hang,
    HttpError,
    Latency,
    MmsEmulator,
    NonJsonBody,
    Throttle,
    TruncatedBody,
)

if TYPE_CHECKING:
    from .conftest import RawClient

PATH = "/api/v1/mms/datasources/2000015"
LIST = "/api/v1/mms/datasources"


def sdk_get(client: MaxComputeClient) -> Any:
    return client.get_mms_data_source_with_options(
        "2000015", mc_models.GetMmsDataSourceRequest(), {}, RuntimeOptions()
    )


def test_latency_fault_answers_normally(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([Latency(5)])
    assert raw.get(PATH).status == 200
    assert emu.request_log[-1].fault == "Latency"
    assert emu.stats.faults_injected == 1


def test_global_latency_answers_normally(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.latency_ms = 2
    assert [raw.get(PATH).status for _ in range(3)] == [200, 200, 200]
    assert emu.stats.faults_injected == 0


def test_throttle(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([Throttle(retry_after_ms=250)])
    response = raw.get(PATH)
    assert response.status == 429
    assert response.headers["x-acs-retry-after"] == "250"
    assert response.json()["code"] == "Throttling"
    assert response.json()["httpCode"] == 429
    assert raw.get(PATH).status == 200


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (HttpError(), 503, "ServiceUnavailable"),
        (HttpError(500, "InternalError"), 500, "InternalError"),
        (HttpError(418, "Teapot.Custom", "short and stout"), 418, "Teapot.Custom"),
    ],
)
def test_http_error(raw: RawClient, emu: MmsEmulator, fault: HttpError, status: int, code: str) -> None:
    emu.faults.script([fault])
    response = raw.get(PATH)
    assert (response.status, response.code) == (status, code)
    assert response.json()["requestId"] == response.headers["x-acs-request-id"]
    if fault.message:
        assert response.json()["message"] == fault.message


def test_connection_reset(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([ConnectionReset()])
    conn = raw.connect()
    target, headers = raw.build(PATH)
    with pytest.raises(ConnectionResetError):
        raw.send(target, headers, connection=conn)
    assert emu.request_log[-1].status is None
    assert raw.get(PATH).status == 200  # the next connection is fine
    assert emu.stats.connections == 2


def test_connection_reset_through_the_sdk(emu: MmsEmulator, sdk: MaxComputeClient) -> None:
    emu.faults.script([ConnectionReset()])
    with pytest.raises(UnretryableException):
        sdk_get(sdk)
    assert sdk_get(sdk).status_code == 200


def test_truncated_body(raw: RawClient, emu: MmsEmulator) -> None:
    full = raw.get(PATH).body
    emu.faults.script([TruncatedBody()])
    conn = raw.connect()
    target, headers = raw.build(PATH)
    conn.request("GET", target, headers=headers)
    response = conn.getresponse()
    assert response.status == 200
    assert int(response.getheader("Content-Length") or 0) == len(full)
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    partial = caught.value.partial
    assert 0 < len(partial) < len(full)
    with pytest.raises(json.JSONDecodeError):
        json.loads(partial)


def test_truncated_body_through_the_sdk(emu: MmsEmulator, sdk: MaxComputeClient) -> None:
    emu.faults.script([TruncatedBody()])
    with pytest.raises(UnretryableException):
        sdk_get(sdk)


def test_non_json_body(raw: RawClient, emu: MmsEmulator, sdk: MaxComputeClient) -> None:
    emu.faults.script([NonJsonBody(), NonJsonBody()])
    response = raw.get(PATH)
    assert response.status == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.body.startswith(b"<html>")
    with pytest.raises(UnretryableException):
        sdk_get(sdk)


def test_hang_for_a_while_then_close(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([Hang(seconds=0.05)])
    conn = raw.connect(timeout=5)
    target, headers = raw.build(PATH)
    with pytest.raises(http.client.RemoteDisconnected):
        raw.send(target, headers, connection=conn)


def test_hang_trips_the_client_timeout(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([Hang()])
    conn = raw.connect(timeout=0.2)
    target, headers = raw.build(PATH)
    with pytest.raises(TimeoutError):
        raw.send(target, headers, connection=conn)


def test_hang_ends_when_the_emulator_stops(raw_for: Callable[[MmsEmulator], RawClient]) -> None:
    emulator = MmsEmulator().start()
    raw = raw_for(emulator)
    emulator.faults.script([Hang()])
    outcome: list[BaseException] = []
    conn = raw.connect(timeout=10)
    target, headers = raw.build(PATH)

    def call() -> None:
        try:
            raw.send(target, headers, connection=conn)
        except (OSError, http.client.HTTPException) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    wait_for(lambda: emulator.stats.requests == 1)
    emulator.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(outcome) == 1


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    event = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        event.wait(0.01)
    raise AssertionError("condition not reached")


def test_script_order_and_none(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([HttpError(503), None, Throttle(1)])
    emu.faults.script([HttpError(500, "InternalError")])  # appends
    assert emu.faults.pending == 4
    statuses = [raw.get(PATH).status for _ in range(5)]
    assert statuses == [503, 200, 429, 500, 200]
    assert emu.faults.pending == 0
    assert [r.fault for r in emu.request_log] == ["HttpError", None, "Throttle", "HttpError", None]


def test_script_for_one_action(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([HttpError(503)], action="ListMmsDataSources")
    assert raw.get(PATH).status == 200
    assert raw.get(LIST, action="ListMmsDataSources").status == 503
    assert raw.get(LIST, action="ListMmsDataSources").status == 200


def test_action_queue_before_any_action_queue() -> None:
    plan = FaultPlan()
    plan.script([HttpError(500, "A")])
    plan.script([HttpError(500, "B")], action="GetMmsDataSource")
    first = plan.next_fault("GetMmsDataSource")
    second = plan.next_fault("GetMmsDataSource")
    assert isinstance(first, HttpError)
    assert isinstance(second, HttpError)
    assert (first.code, second.code) == ("B", "A")


def _sequence(seed: int, n: int = 200) -> list[Fault | None]:
    plan = FaultPlan()
    plan.set_rate(0.3, [HttpError(503), Throttle(10)], seed=seed)
    return [plan.next_fault("GetMmsDataSource") for _ in range(n)]


def test_rate_is_deterministic() -> None:
    first, again, other = _sequence(1), _sequence(1), _sequence(2)
    assert first == again
    assert first != other
    failures = sum(f is not None for f in first)
    assert 30 < failures < 90  # about 30 % of 200
    assert {type(f) for f in first if f is not None} == {HttpError, Throttle}


def test_rate_over_the_wire(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.set_rate(0.5, [HttpError(503)], seed=42)
    statuses = [raw.get(PATH).status for _ in range(20)]
    expected = [503 if f is not None else 200 for f in _expected(0.5, 42, 20)]
    assert statuses == expected
    emu.faults.set_rate(0)
    assert raw.get(PATH).status == 200


def _expected(rate: float, seed: int, n: int) -> list[Fault | None]:
    plan = FaultPlan()
    plan.set_rate(rate, [HttpError(503)], seed=seed)
    return [plan.next_fault("GetMmsDataSource") for _ in range(n)]


def test_rate_for_one_action_and_script_first(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.set_rate(1.0, [HttpError(503)], action="ListMmsDataSources")
    assert raw.get(PATH).status == 200
    assert raw.get(LIST, action="ListMmsDataSources").status == 503
    emu.faults.script([None], action="ListMmsDataSources")
    assert raw.get(LIST, action="ListMmsDataSources").status == 200  # scripted entries win
    emu.faults.clear()
    assert raw.get(LIST, action="ListMmsDataSources").status == 200


@pytest.mark.parametrize(
    "make",
    [
        lambda: Latency(-1),
        lambda: Throttle(-5),
        lambda: HttpError(200),
        lambda: FaultPlan().set_rate(1.5),
        lambda: FaultPlan().set_rate(0.5, []),
        lambda: FaultPlan(latency_ms=-1),
        lambda: FaultPlan().script(["boom"]),  # type: ignore[list-item]
    ],
)
def test_invalid_faults(make: Callable[[], object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        make()


def test_faults_on_unknown_paths_and_bad_requests(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.script([Throttle(1)])
    assert raw.get("/nowhere", action="X").status == 429
    with socket.create_connection((emu.host, emu.port), timeout=5) as sock:
        sock.sendall(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 501")
