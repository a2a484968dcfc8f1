"""Hostile answers (issue 11, sections 3 and 4): servers that trickle, bomb, lie or page forever.

Every server here is hand-written and listens on 127.0.0.1: a raw socket server for answers no HTTP
library would send (a byte every 0.4 s, an endless body), `ScriptedServer` for the rest. Wall time is
read only as a hang check with a wide margin; memory through tracemalloc.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pulumi_mms import (
    DataSourceNotFound,
    MalformedResponse,
    MmsClient,
    MmsError,
    PermissionDenied,
    RetryPolicy,
    ServiceUnavailable,
)
from pulumi_mms.core.discovery import find_by_name
from pulumi_mms.surface.data_sources_function import get_mms_data_sources
from pulumi_mms.testing import sample_data
from tests.programs import run_program

from . import Received, Reply, ScriptedServer, server_settings

DEADLINE_S = 2.0
TRICKLE_S = 0.4
MARGIN_S = 4.0
"""Generous: the watchdog strikes 0.1 s after the deadline; this only has to tell "held" from "12 s"."""

JSON = (("Content-Type", "application/json"),)


def sample_body(source_id: int = 5) -> bytes:
    return json.dumps({"requestId": "REQ-OK", "data": {**sample_data(), "id": source_id}}).encode()


# -- a raw loopback server ------------------------------------------------------------------------


@contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """`answer(conn)` runs for each connection once its request head has been read."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            with contextlib.suppress(OSError):  # the client closed it: what a watchdog or a cap does
                answer(conn)

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def trickle(data: bytes, *, prefix: bytes = b"", give_up_s: float = 15.0) -> Callable[[socket.socket], None]:
    """Send `prefix` at once, then `data` one byte every 0.4 s (for at most `give_up_s`), then close."""

    def answer(conn: socket.socket) -> None:
        conn.sendall(prefix)
        started = time.monotonic()
        for i in range(len(data)):
            if time.monotonic() - started > give_up_s:
                return
            conn.sendall(data[i : i + 1])
            time.sleep(TRICKLE_S)

    return answer


def response_head(*headers: str, status: str = "200 OK") -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers]) + "\r\n\r\n").encode()


def deadline_client(endpoint: str) -> MmsClient:
    policy = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.01, deadline_s=DEADLINE_S)
    return MmsClient(server_settings(endpoint, read_timeout_ms=1000, retry=policy))


# -- section 3: totalTimeout is a wall-clock deadline ----------------------------------------------


def _whole_response() -> bytes:
    body = sample_body()
    return response_head("Content-Type: application/json", f"Content-Length: {len(body)}") + body


def _chunked(body: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 7]), body[i : i + 7]) for i in range(0, len(body), 7))


TRICKLES: dict[str, Callable[[], Callable[[socket.socket], None]]] = {
    "status line and headers": lambda: trickle(_whole_response()),
    "body": lambda: trickle(
        sample_body(),
        prefix=response_head("Content-Type: application/json", f"Content-Length: {len(sample_body())}"),
    ),
    "chunked data": lambda: trickle(
        _chunked(sample_body()) + b"0\r\n\r\n",
        prefix=response_head("Content-Type: application/json", "Transfer-Encoding: chunked"),
    ),
}


@pytest.mark.parametrize("where", list(TRICKLES))
def test_a_trickling_server_cannot_stretch_the_deadline(where: str) -> None:
    with raw_server(TRICKLES[where]()) as endpoint:
        client = deadline_client(endpoint)
        started = time.monotonic()
        with pytest.raises(MmsError) as caught:
            client.get_data_source(5)
        elapsed = time.monotonic() - started
    error = caught.value
    assert isinstance(error, ServiceUnavailable)
    assert "within the total deadline of 2 s (mms:totalTimeout)" in str(error)
    assert error.hint is not None
    assert error.attempts == 1  # no time left for another
    assert elapsed < DEADLINE_S + MARGIN_S  # before the fix: 12-15 s (one read timeout per byte)


def test_a_fast_answer_under_a_deadline_is_untouched() -> None:
    with ScriptedServer(lambda _r: Reply(200, JSON, sample_body())) as server:
        client = deadline_client(server.endpoint)
        assert [client.get_data_source(5).data.id for _ in range(20)] == [5] * 20


# -- section 4: size caps on the decoded body --------------------------------------------------------


def gzip_bomb(decoded_mib: int) -> bytes:
    """A gzip body of about 1 KiB per decoded MiB of zeros, built without holding the decoded bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(decoded_mib)), packer.flush()])


def traced_peak(call: Callable[[], Any]) -> tuple[BaseException | None, int]:
    tracemalloc.start()
    try:
        try:
            call()
        except MmsError as error:
            return error, tracemalloc.get_traced_memory()[1]
        return None, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_gzip_bomb_ends_in_a_clear_error_without_the_memory() -> None:
    bomb = gzip_bomb(100)
    assert len(bomb) < 150_000  # ~100 KB on the wire, 100 MiB decoded
    headers = (*JSON, ("Content-Encoding", "gzip"))
    with ScriptedServer(lambda _r: Reply(200, headers, bomb)) as server:
        client = MmsClient(server_settings(server.endpoint))
        error, peak = traced_peak(lambda: client.get_data_source(5))
        requests_made = len(server.received)
    assert isinstance(error, MalformedResponse)
    assert "larger than 8388608 bytes once decoded (mms:maxResponseBytes)" in str(error)
    assert error.hint is not None
    assert "mms:maxResponseBytes" in error.hint
    assert requests_made == 1  # not retried: the same answer would come back
    assert peak < 48 << 20  # the cap (8 MiB) and decoding buffers, not 100+ MiB


def endless_body(*, chunked: bool) -> Callable[[socket.socket], None]:
    """100 MB of JSON-ish bytes, announced (Content-Length) or chunked, sent as fast as they are read."""
    total = 100_000_000
    block = b"[" + b"0," * 32_000 + b"0]"

    def answer(conn: socket.socket) -> None:
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
        conn.sendall(response_head("Content-Type: application/json", framing))
        sent = 0
        while sent < total:
            conn.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            sent += len(block)

    return answer


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_body_ends_in_a_clear_error_without_the_memory(chunked: bool) -> None:
    with raw_server(endless_body(chunked=chunked)) as endpoint:
        client = MmsClient(server_settings(endpoint, max_response_bytes=1 << 20))
        error, peak = traced_peak(lambda: client.get_data_source(5))
    assert isinstance(error, MalformedResponse)
    assert "larger than 1048576 bytes once decoded (mms:maxResponseBytes)" in str(error)
    assert peak < 24 << 20


def test_the_cap_is_a_setting() -> None:
    body = sample_body()
    with ScriptedServer(lambda _r: Reply(200, JSON, body)) as server:
        roomy = MmsClient(server_settings(server.endpoint, max_response_bytes=len(body)))
        assert roomy.get_data_source(5).data.id == 5
        tight = MmsClient(server_settings(server.endpoint, max_response_bytes=len(body) - 1))
        with pytest.raises(MalformedResponse, match="mms:maxResponseBytes"):
            tight.get_data_source(5)


@pytest.mark.parametrize("fits", [True, False])
def test_the_cap_comes_from_the_stack_config_in_a_program(fits: bool) -> None:
    """`mms:maxResponseBytes` in the stack config, end to end through a program run (mock runtime)."""
    from pulumi_mms import get_mms_data_source

    body = sample_body() + b" " * 2048  # (the cap's minimum is 1 KiB)
    with ScriptedServer(lambda _r: Reply(200, JSON, body)) as server:
        config = {
            "mms:region": "cn-shanghai",
            "mms:endpoint": server.endpoint,
            "mms:protocol": "http",
            "mms:accessKey": "LTAI5tScriptedServerKey",
            "mms:secretKey": "scripted-secret",
            "mms:maxResponseBytes": str(len(body) if fits else len(body) - 1),
        }
        if fits:
            assert run_program(lambda: get_mms_data_source(5).id, preview=True, config=config).value == 5
        else:
            expected = rf"larger than {len(body) - 1} bytes.*maxResponseBytes"
            with pytest.raises(MalformedResponse, match=expected):
                run_program(lambda: get_mms_data_source(5).id, preview=True, config=config)
        assert len(server.received) == 1  # a body over the cap is not retried


# -- section 4: answers are checked, not trusted -------------------------------------------------------


def test_an_answer_about_another_data_source_is_refused() -> None:
    with (
        ScriptedServer(lambda _r: Reply(200, JSON, sample_body(6))) as server,
        pytest.raises(MalformedResponse) as caught,
    ):
        MmsClient(server_settings(server.endpoint)).get_data_source(5)
    message = str(caught.value)
    assert "data source 5: the answer is about data source 6, not 5" in message
    assert caught.value.request_id == "REQ-OK"
    assert caught.value.hint is not None


def test_duplicate_json_keys_cannot_smuggle_another_id() -> None:
    # Parsers keep the last of duplicate keys: the `id` checked is the one the fields are taken with.
    body = sample_body(5).replace(b'"id": 5', b'"id": 5, "name": "evil", "id": 6', 1)
    assert body.count(b'"id"') == 2
    with (
        ScriptedServer(lambda _r: Reply(200, JSON, body)) as server,
        pytest.raises(MalformedResponse, match="about data source 6, not 5"),
    ):
        MmsClient(server_settings(server.endpoint)).get_data_source(5)


@pytest.mark.parametrize(
    ("answer", "cls", "code"),
    [
        ({"code": "Forbidden.RAM", "message": "You are not authorized"}, PermissionDenied, "Forbidden.RAM"),
        ({"Code": "NotFound.DataSource", "Message": "no such data source"}, DataSourceNotFound, None),
        ({"code": "InternalError", "message": "something broke"}, MalformedResponse, "InternalError"),
    ],
)
def test_a_200_carrying_an_error_surfaces_the_servers_code_and_message(
    answer: dict[str, str], cls: type[MmsError], code: str | None
) -> None:
    body = json.dumps({"requestId": "REQ-ERR", **answer}).encode()
    with ScriptedServer(lambda _r: Reply(200, JSON, body)) as server, pytest.raises(MmsError) as caught:
        MmsClient(server_settings(server.endpoint)).get_data_source(5)
    error = caught.value
    assert type(error) is cls
    assert error.code == (code or answer.get("Code"))
    assert (answer.get("message") or answer["Message"]) in str(error)
    assert "Field required" not in str(error)
    assert error.request_id == "REQ-ERR"
    assert error.hint


# -- section 4: paging is bounded --------------------------------------------------------------------


def item(source_id: int, name: str | None = None) -> dict[str, Any]:
    return {"id": source_id, "name": name or f"ds-{source_id}", "type": "HIVE", "status": "STARTED"}


class ListServer:
    """ListMmsDataSources answered by `page(page_num, page_size) -> data`; other actions by `get`."""

    def __init__(
        self,
        page: Callable[[int, int], dict[str, Any]],
        get: Callable[[int], Reply] | None = None,
        give_up_after: int = 300,
    ) -> None:
        self.page = page
        self.get = get
        self.give_up_after = give_up_after
        self.list_requests = 0
        self._lock = threading.Lock()
        self.server = ScriptedServer(self.reply)

    def reply(self, request: Received) -> Reply:
        if request.path != "/api/v1/mms/datasources":
            assert self.get is not None
            return self.get(int(request.path.rsplit("/", 1)[1]))
        with self._lock:
            self.list_requests += 1
            count = self.list_requests
        query = {key: values[0] for key, values in parse_qs(urlsplit(request.target).query).items()}
        if count > self.give_up_after:  # keeps today's unbounded loop from running forever
            data: dict[str, Any] = {"objectList": [], "total": 0}
        else:
            data = self.page(int(query["pageNum"]), int(query["pageSize"]))
        return Reply(200, JSON, json.dumps({"requestId": f"REQ-L{count}", "data": data}).encode())

    def __enter__(self) -> ListServer:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def client(self, **overrides: Any) -> MmsClient:
        return MmsClient(server_settings(self.server.endpoint, **overrides))


def test_a_server_ignoring_page_num_cannot_multiply_requests_or_items() -> None:
    same = [item(i) for i in range(1, 101)]
    with ListServer(lambda _num, _size: {"objectList": same, "total": 5000}) as server:
        ids = [found.id for found in server.client(max_concurrency=4).iter_data_sources()]
    assert ids == list(range(1, 101))
    assert server.list_requests <= 1 + 4 + 4  # before: 50 requests and 5,000 items


def test_a_huge_total_is_a_clear_error_after_one_request() -> None:
    def page(num: int, size: int) -> dict[str, Any]:
        return {"objectList": [item(i) for i in range((num - 1) * size + 1, num * size + 1)], "total": 10**12}

    with ListServer(page) as server, pytest.raises(MalformedResponse) as caught:
        list(server.client().iter_data_sources())
    assert "more than the limit of 1000 pages" in str(caught.value)
    assert caught.value.hint is not None
    assert server.list_requests == 1  # before: 300 requests, then a listing of 30,000 items


def test_a_missing_total_keeps_paging_until_a_short_page() -> None:
    items = [item(i) for i in range(1, 251)] + [item(251, "wanted")]

    def page(num: int, size: int) -> dict[str, Any]:
        return {"objectList": items[(num - 1) * size : num * size]}  # no total at all

    with ListServer(page) as server:
        client = server.client()
        assert [found.id for found in client.iter_data_sources()] == list(range(1, 252))
        assert find_by_name(client, "wanted").id == 251  # before: "no data source is named 'wanted'"


def test_duplicates_across_pages_are_removed() -> None:
    def page(num: int, size: int) -> dict[str, Any]:
        start = (num - 1) * size
        overlap = [item(start)] if num > 1 else []  # an insertion shifted the pages by one
        found = overlap + [item(i) for i in range(start + 1, min(start + size, 250) + 1)]
        return {"objectList": found[:size], "total": 250}

    with ListServer(page) as server:
        ids = [found.id for found in server.client().iter_data_sources()]
    assert len(ids) == len(set(ids))
    assert set(ids) >= set(range(1, 250))


def test_a_data_source_deleted_during_a_config_listing_is_left_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    listed = [item(7, "alpha"), item(8, "beta"), item(9, "gamma")]

    def get(source_id: int) -> Reply:
        if source_id == 8:
            error = {"requestId": "REQ-404", "code": "NotFound.DataSource", "message": "gone"}
            return Reply(404, JSON, json.dumps(error).encode())
        return Reply(200, JSON, sample_body(source_id))

    with ListServer(lambda _num, _size: {"objectList": listed, "total": 3}, get) as server:
        config = {
            "mms:region": "cn-shanghai",
            "mms:endpoint": server.server.endpoint,
            "mms:protocol": "http",
            "mms:accessKey": "LTAI5tScriptedServerKey",
            "mms:secretKey": "scripted-secret",
        }

        def program() -> Any:
            result = get_mms_data_sources(with_config=True)
            return [(found.id, bool(found.config)) for found in result.data_sources]

        with caplog.at_level(logging.WARNING):
            run = run_program(program, preview=True, config=config)
    assert run.value == [(7, True), (9, True)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("data source 8 ('beta') was deleted while it was being listed" in w for w in warnings)


def test_gzip_bodies_within_the_cap_still_work() -> None:
    body = gzip.compress(sample_body())
    headers = (*JSON, ("Content-Encoding", "gzip"))
    with ScriptedServer(lambda _r: Reply(200, headers, body)) as server:
        assert MmsClient(server_settings(server.endpoint)).get_data_source(5).data.id == 5
