"""The HTTP server on loopback: routing, authentication, fault injection and traffic counters.

One daemon thread per TCP connection, HTTP/1.1 keep-alive, TCP_NODELAY, silent unless ``verbose``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import signing, urls
from .exceptions import (
    JSON_CONTENT_TYPE,
    ActionNotFound,
    CustomError,
    EmulatorError,
    InternalError,
    InvalidAction,
    InvalidParameter,
    Throttling,
    new_request_id,
)
from .faults import (
    ConnectionReset,
    Fault,
    FaultPlan,
    Hang,
    HttpError,
    Latency,
    NonJsonBody,
    Throttle,
    TruncatedBody,
)
from .models import MmsBackend
from .responses import RequestContext

REQUEST_LOG_SIZE = 10_000
_MAX_LINE = 65537

Response = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class EmulatorStats:
    """A snapshot of the emulator's traffic counters."""

    requests: int = 0
    requests_by_action: dict[str, int] = field(default_factory=dict)
    requests_by_source: dict[int, int] = field(default_factory=dict)
    responses_by_status: dict[int, int] = field(default_factory=dict)
    faults_injected: int = 0
    connections: int = 0  # TCP connections accepted
    open_connections: int = 0
    max_open_connections: int = 0


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw it (``status`` is None when no response was sent)."""

    seq: int
    connection_id: int
    method: str
    path: str
    action: str
    source_id: int | None
    request_id: str
    status: int | None
    fault: str | None
    connection_delay_ms: int
    started_s: float = 0.0
    """When the request was read (time.monotonic(), seconds)."""
    finished_s: float = 0.0
    """When its answer was sent, or it was dropped (time.monotonic(), seconds)."""


class StatsRecorder:
    """Thread-safe counters and a bounded request log; outlives server restarts."""

    def __init__(self, log_size: int = REQUEST_LOG_SIZE) -> None:
        self._lock = threading.Lock()
        self._log: deque[RequestRecord] = deque(maxlen=log_size)
        self._seq = 0
        self._connection_seq = 0
        self._open = 0
        self._reset_counters()

    def _reset_counters(self) -> None:
        self._requests = 0
        self._by_action: dict[str, int] = {}
        self._by_source: dict[int, int] = {}
        self._by_status: dict[int, int] = {}
        self._faults = 0
        self._connections = 0
        self._max_open = self._open

    def reset(self) -> None:
        with self._lock:
            self._reset_counters()
            self._log.clear()

    def connection_opened(self) -> int:
        with self._lock:
            self._connection_seq += 1
            self._connections += 1
            self._open += 1
            self._max_open = max(self._max_open, self._open)
            return self._connection_seq

    def connection_closed(self) -> None:
        with self._lock:
            self._open -= 1

    def request_started(self, action: str, source_id: int | None) -> int:
        with self._lock:
            self._seq += 1
            self._requests += 1
            self._by_action[action] = self._by_action.get(action, 0) + 1
            if source_id is not None:
                self._by_source[source_id] = self._by_source.get(source_id, 0) + 1
            return self._seq

    def request_finished(self, record: RequestRecord) -> None:
        with self._lock:
            if record.status is not None:
                self._by_status[record.status] = self._by_status.get(record.status, 0) + 1
            if record.fault is not None:
                self._faults += 1
            self._log.append(record)

    def snapshot(self) -> EmulatorStats:
        with self._lock:
            return EmulatorStats(
                requests=self._requests,
                requests_by_action=dict(self._by_action),
                requests_by_source=dict(self._by_source),
                responses_by_status=dict(self._by_status),
                faults_injected=self._faults,
                connections=self._connections,
                open_connections=self._open,
                max_open_connections=self._max_open,
            )

    def log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)


class MmsHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to the emulator's backend, fault plan and counters."""

    daemon_threads = True
    request_queue_size = 128  # benchmarks open many connections at once
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        backend: MmsBackend,
        faults: FaultPlan,
        stats: StatsRecorder,
        *,
        max_clock_skew_s: float = signing.DEFAULT_MAX_CLOCK_SKEW_S,
        verbose: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.faults = faults
        self.stats = stats
        self.max_clock_skew_s = max_clock_skew_s
        self.verbose = verbose
        self.clock = clock
        self.stop_event = threading.Event()
        self._sockets_lock = threading.Lock()
        self._sockets: dict[int, socket.socket] = {}
        super().__init__(address, MmsRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can stall for seconds.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.verbose:
            super().handle_error(request, client_address)

    def track(self, connection_id: int, sock: socket.socket) -> None:
        with self._sockets_lock:
            self._sockets[connection_id] = sock

    def untrack(self, connection_id: int) -> None:
        with self._sockets_lock:
            self._sockets.pop(connection_id, None)

    def close_all_connections(self) -> None:
        """Shut down every open connection so idle keep-alive handler threads end at once."""
        with self._sockets_lock:
            sockets = list(self._sockets.values())
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _split_target(target: str) -> tuple[str, str]:
    if not target.startswith("/"):  # absolute-form request target (sent through a proxy)
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path, query


class MmsRequestHandler(BaseHTTPRequestHandler):
    """Handles every request of one TCP connection."""

    server: MmsHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "MmsEmulator/1.0"
    wbufsize = 1 << 16  # headers and body leave in one send

    def setup(self) -> None:
        super().setup()
        self.connection_id = self.server.stats.connection_opened()
        self.server.track(self.connection_id, self.connection)
        self._first_request = True
        self._reset = False

    def finish(self) -> None:
        try:
            if self._reset:
                self._send_rst()
            else:
                super().finish()
        finally:
            self.server.untrack(self.connection_id)
            self.server.stats.connection_closed()

    def _send_rst(self) -> None:
        # SO_LINGER 0 turns close() into a RST; socketserver's own shutdown() would send a FIN first.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for stream in (self.rfile, self.wfile):
            with contextlib.suppress(OSError):
                stream.close()
        self.connection.close()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"[mms-emulator] {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    # -- request processing -------------------------------------------------------------------------

    def _dispatch(self) -> None:
        srv = self.server
        request_id = new_request_id()
        connection_delay_ms = 0
        if self._first_request:
            self._first_request = False
            connection_delay_ms = srv.faults.connection_delay_ms
        path, raw_query = _split_target(self.path)
        found = urls.match(self.command, path)
        if found is not None:
            action = found[0].action
        else:
            action = urls.action_for_path(path) or self.headers.get("x-acs-action") or ""
        source_id = _source_id_of(found)
        seq = srv.stats.request_started(action, source_id)
        started_s = time.monotonic()
        fault = srv.faults.next_fault(action)

        status: int | None = None
        try:
            body = self._read_body()
            wait_ms = (
                connection_delay_ms + srv.faults.latency_ms + (fault.ms if isinstance(fault, Latency) else 0)
            )
            if wait_ms and srv.stop_event.wait(wait_ms / 1000):
                self.close_connection = True  # stopping: drop the request
            elif fault is None or isinstance(fault, Latency | TruncatedBody):
                response = self._process(found, path, raw_query, body, request_id)
                status = self._send(*response, truncate=isinstance(fault, TruncatedBody))
            else:
                status = self._inject(fault, request_id)
        except EmulatorError as err:  # a malformed body framing: answer, then drop the connection
            self.close_connection = True
            status = self._send(*err.render(request_id))
        finally:
            srv.stats.request_finished(
                RequestRecord(
                    seq=seq,
                    connection_id=self.connection_id,
                    method=self.command,
                    path=self.path,
                    action=action,
                    source_id=source_id,
                    request_id=request_id,
                    status=status,
                    fault=fault.name if fault is not None else None,
                    connection_delay_ms=connection_delay_ms,
                    started_s=started_s,
                    finished_s=time.monotonic(),
                )
            )

    def _inject(self, fault: Fault, request_id: str) -> int | None:
        if isinstance(fault, ConnectionReset):
            self.close_connection = True
            self._reset = True
            return None
        if isinstance(fault, Hang):
            self.server.stop_event.wait(fault.seconds)
            self.close_connection = True
            return None
        if isinstance(fault, Throttle):
            return self._send(*Throttling(fault.retry_after_ms, fault.message).render(request_id))
        if isinstance(fault, HttpError):
            return self._send(*CustomError(fault.status, fault.code, fault.message).render(request_id))
        if isinstance(fault, NonJsonBody):
            headers = {"Content-Type": fault.content_type, "x-acs-request-id": request_id}
            return self._send(fault.status, headers, fault.body.encode("utf-8"))
        raise TypeError(f"unknown fault {fault!r}")

    def _process(
        self,
        found: tuple[urls.Route, dict[str, str]] | None,
        path: str,
        raw_query: str,
        body: bytes,
        request_id: str,
    ) -> Response:
        srv = self.server
        try:
            if found is None:
                raise ActionNotFound(f"Specified api is not found: {self.command} {path}.")
            route, params = found
            sent_action = self.headers.get("x-acs-action")
            if sent_action != route.action:
                raise InvalidAction(
                    f"{self.command} {path} is {route.action}; x-acs-action was {sent_action!r}."
                )
            sent_version = self.headers.get("x-acs-version")
            if sent_version != urls.API_VERSION:
                raise InvalidAction(
                    f"{route.action} is in version {urls.API_VERSION}; x-acs-version was {sent_version!r}."
                )
            pairs = parse_qsl(raw_query, keep_blank_values=True)
            credential = signing.verify_request(
                signing.IncomingRequest(self.command, path, pairs, list(self.headers.items()), body),
                srv.backend.credential,
                now=srv.clock(),
                max_clock_skew_s=srv.max_clock_skew_s,
            )
            query: dict[str, str] = {}
            for key, value in pairs:
                if key in query:
                    raise InvalidParameter(f"The parameter {key} was given more than once.")
                query[key] = value
            ctx = RequestContext(
                srv.backend, route.action, params, query, credential.access_key_id, request_id
            )
            result = route.handler(ctx)
            return 200, {"Content-Type": JSON_CONTENT_TYPE, "x-acs-request-id": request_id}, _json(result)
        except EmulatorError as err:
            return err.render(request_id)
        except Exception as exc:
            if srv.verbose:
                traceback.print_exc()
            return InternalError(f"The emulator failed: {type(exc).__name__}: {exc}").render(request_id)

    def _send(self, status: int, headers: dict[str, str], body: bytes, *, truncate: bool = False) -> int:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if truncate else body)
        if truncate:
            self.close_connection = True
        return status

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise InvalidParameter(f"Invalid Content-Length {length!r}.")
        return self.rfile.read(int(length))

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = self.rfile.readline(_MAX_LINE)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise InvalidParameter("Malformed chunked request body.") from None
            if size == 0:
                while self.rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(_MAX_LINE)


def _source_id_of(found: tuple[urls.Route, dict[str, str]] | None) -> int | None:
    if found is None:
        return None
    raw = found[1].get("sourceId")
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)
