"""The HTTP server: counters, keep-alive, per-connection delay, lifecycle, silence."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from pulumi_mms.testing import MmsEmulator
from pulumi_mms.testing.server import MmsHTTPServer, MmsRequestHandler

if TYPE_CHECKING:
    from .conftest import RawClient

PATH = "/api/v1/mms/datasources/2000015"
LIST = "/api/v1/mms/datasources"


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll (bounded) for something another thread does; never used to measure time."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        pause.wait(0.01)
    raise AssertionError("condition not reached")


def test_server_settings() -> None:
    assert MmsRequestHandler.protocol_version == "HTTP/1.1"
    assert MmsRequestHandler.disable_nagle_algorithm is True
    assert MmsHTTPServer.daemon_threads is True
    assert MmsHTTPServer.request_queue_size >= 128


def test_binds_loopback_on_a_free_port(emu: MmsEmulator) -> None:
    assert emu.host == "127.0.0.1"
    assert emu.port > 0
    assert emu.endpoint == f"127.0.0.1:{emu.port}"
    assert emu.url == f"http://127.0.0.1:{emu.port}"


def test_counters(raw: RawClient, emu: MmsEmulator) -> None:
    emu.put_data_source({"id": 7, "name": "seven"})
    for _ in range(3):
        raw.get(PATH)
    raw.get("/api/v1/mms/datasources/7")
    raw.get("/api/v1/mms/datasources/8")
    raw.get(LIST, action="ListMmsDataSources")
    stats = emu.stats
    assert stats.requests == 6
    assert stats.requests_by_action == {"GetMmsDataSource": 5, "ListMmsDataSources": 1}
    assert stats.requests_by_source == {2000015: 3, 7: 1, 8: 1}
    assert stats.responses_by_status == {200: 5, 404: 1}
    assert stats.connections == 6  # RawClient.get opens a connection per call


def test_keep_alive_reuses_one_connection(raw: RawClient, emu: MmsEmulator) -> None:
    conn = raw.connect()
    for _ in range(3):
        target, headers = raw.build(PATH)
        assert raw.send(target, headers, connection=conn).status == 200
    stats = emu.stats
    assert (stats.requests, stats.connections, stats.max_open_connections) == (3, 1, 1)
    assert len({record.connection_id for record in emu.request_log}) == 1


def test_errors_keep_the_connection_alive(raw: RawClient, emu: MmsEmulator) -> None:
    conn = raw.connect()
    for path in (PATH, "/api/v1/mms/datasources/1", "/nope", PATH):
        target, headers = raw.build(path)
        raw.send(target, headers, connection=conn)
    assert emu.stats.connections == 1
    assert emu.stats.responses_by_status == {200: 2, 404: 2}


def test_open_and_max_open_connections(raw: RawClient, emu: MmsEmulator) -> None:
    conns = [raw.connect() for _ in range(4)]
    for conn in conns:
        conn.connect()
    wait_for(lambda: emu.stats.open_connections == 4)
    for conn in conns:
        conn.close()
    wait_for(lambda: emu.stats.open_connections == 0)
    stats = emu.stats
    assert (stats.connections, stats.max_open_connections) == (4, 4)


def test_many_concurrent_connections(raw: RawClient, emu: MmsEmulator) -> None:
    barrier = threading.Barrier(16)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        conn = raw.connect()
        conn.connect()
        barrier.wait(timeout=10)
        for _ in range(5):
            target, headers = raw.build(PATH)
            status = raw.send(target, headers, connection=conn).status
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert statuses == [200] * 80
    stats = emu.stats
    assert (stats.requests, stats.connections, stats.max_open_connections) == (80, 16, 16)


def test_connection_delay_once_per_connection(raw: RawClient, emu: MmsEmulator) -> None:
    emu.faults.connection_delay_ms = 5
    first, second = raw.connect(), raw.connect()
    for conn in (first, first, first, second, second):
        target, headers = raw.build(PATH)
        assert raw.send(target, headers, connection=conn).status == 200
    assert [record.connection_delay_ms for record in emu.request_log] == [5, 0, 0, 5, 0]


def test_connection_delay_comes_before_the_first_answer(raw: RawClient, emu: MmsEmulator) -> None:
    """A new connection is held back by its set-up delay while a warm one is answered at once."""
    warm = raw.connect()
    target, headers = raw.build(PATH)
    assert raw.send(target, headers, connection=warm).status == 200
    emu.faults.connection_delay_ms = 60_000
    cold = raw.connect(timeout=30)
    failure: list[BaseException] = []

    def cold_call() -> None:
        try:
            raw.send(target, headers, connection=cold)
        except (OSError, http.client.HTTPException) as exc:
            failure.append(exc)

    thread = threading.Thread(target=cold_call)
    thread.start()
    wait_for(lambda: emu.stats.requests == 2)  # the cold request arrived and is being delayed
    target2, headers2 = raw.build(PATH)
    assert raw.send(target2, headers2, connection=warm).status == 200
    assert [r.connection_id for r in emu.request_log] == [1, 1]  # the cold one has not been answered
    emu.stop()  # ends the delay without an answer
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(failure) == 1


def test_reset_stats(raw: RawClient, emu: MmsEmulator) -> None:
    conn = raw.connect()
    target, headers = raw.build(PATH)
    raw.send(target, headers, connection=conn)
    emu.reset_stats()
    stats = emu.stats
    assert (stats.requests, stats.connections, stats.requests_by_action) == (0, 0, {})
    assert stats.open_connections == 1  # the connection is still open
    assert emu.request_log == []


def test_stop_closes_idle_connections_and_restart_keeps_the_port(raw: RawClient, emu: MmsEmulator) -> None:
    conn = raw.connect()
    target, headers = raw.build(PATH)
    assert raw.send(target, headers, connection=conn).status == 200
    port = emu.port
    emu.stop()
    assert not emu.running
    with pytest.raises((OSError, http.client.HTTPException)):
        raw.send(target, headers, connection=conn)
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.endpoint
    emu.stop()  # idempotent
    emu.start()
    assert emu.port == port
    assert raw.get(PATH).status == 200
    assert emu.stats.requests == 2  # counters survive a restart


def test_usable_without_with() -> None:
    emulator = MmsEmulator()
    with pytest.raises(RuntimeError):
        _ = emulator.port
    assert "stopped" in repr(emulator)
    emulator.start()
    try:
        assert emulator.start() is emulator  # no-op when running
        assert emulator.running
        assert str(emulator.port) in repr(emulator)
    finally:
        emulator.stop()


def test_silent_by_default(raw: RawClient, emu: MmsEmulator, capfd: pytest.CaptureFixture[str]) -> None:
    from pulumi_mms.testing import ConnectionReset

    raw.get(PATH)
    raw.get("/nope")
    emu.faults.script([ConnectionReset()])
    with pytest.raises(ConnectionResetError):
        raw.get(PATH)
    emu.stop()
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_verbose_logs_requests(
    raw_for: Callable[[MmsEmulator], RawClient], capfd: pytest.CaptureFixture[str]
) -> None:
    with MmsEmulator(verbose=True) as emulator:
        raw_for(emulator).get(PATH)
    assert "GET /api/v1/mms/datasources/2000015" in capfd.readouterr().err


def test_response_headers(raw: RawClient) -> None:
    response = raw.get(PATH)
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    assert int(response.headers["content-length"]) == len(response.body)
    assert response.headers["x-acs-request-id"] == response.json()["requestId"]
