"""Helpers shared by the reliability suites (and the client, credentials and transport tests).

- `settings_for`, `stack_config`, `FakeClock`, `fake_time_client`: from `tests.clients`.
- `ScriptedServer`: a tiny loopback HTTP server that answers whatever a test (or hypothesis) decides and
  records every request it received, headers included.
- `SilentListener` / `closed_port`: an endpoint that accepts and never answers, one that refuses.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import attrs

from pulumi_mms import RetryPolicy, Settings, StaticCredentials
from pulumi_mms.testing import MmsEmulator

from ..clients import FAST_RETRY as FAST_RETRY
from ..clients import FakeClock as FakeClock
from ..clients import fake_time_client as fake_time_client
from ..clients import settings_for as settings_for
from ..clients import stack_config as stack_config

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)

SOURCE = 2000015
"""The data source of the emulator's packaged sample."""


def outcome(call: Callable[[], T], expected: type[E]) -> T | E:
    """What `call` returned, or the `expected` exception it raised (any other exception propagates)."""
    try:
        return call()
    except expected as error:
        return error


def settle(emu: MmsEmulator, timeout_s: float = 10.0) -> None:
    """Wait until the emulator has finished every request it started (slow answers, resets).

    Counters such as `faults_injected` are updated when a request finishes; this polls for that
    condition (bounded), it does not measure time.
    """
    import time

    give_up = time.monotonic() + timeout_s
    while len(emu.request_log) < emu.stats.requests:
        if time.monotonic() > give_up:
            raise AssertionError("the emulator did not finish its requests in time")
        time.sleep(0.01)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def silent_listener() -> Iterator[str]:
    """An endpoint (`127.0.0.1:port`) that completes TCP handshakes and never reads or answers."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)  # connections wait in the backlog: connect succeeds, nothing is ever read
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


# -- a scripted HTTP server --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What the scripted server answers: status, headers (no framing headers) and body."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    truncate: bool = False
    """Announce the full Content-Length, send half the body, close."""


@dataclass(frozen=True)
class Received:
    """One request as the scripted server saw it."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def signed_headers(self) -> list[str]:
        """The `SignedHeaders=` list of the ACS3-HMAC-SHA256 Authorization header."""
        auth = self.header("authorization") or ""
        for part in auth.split(" ", 1)[-1].split(","):
            key, _, value = part.strip().partition("=")
            if key == "SignedHeaders":
                return value.split(";")
        return []


Responder = Callable[[Received], Reply]


@dataclass
class ScriptedServer:
    """A loopback HTTP/1.1 server answering `responder(request)`; every request is kept in `received`."""

    responder: Responder
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                request = Received(self.command, self.path, tuple(self.headers.items()))
                owner.received.append(request)
                reply = owner.responder(request)
                # HTTP: 1xx, 204 and 304 answers have no body; a client would read one as the next answer.
                bodiless = reply.status < 200 or reply.status in (204, 304)
                body = b"" if bodiless else reply.body
                self.send_response_only(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                if not bodiless:
                    self.send_header("Content-Length", str(len(body)))
                if reply.truncate or bodiless:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if reply.truncate else body)
                self.wfile.flush()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def server_settings(endpoint: str, **overrides: Any) -> Settings:
    """Settings for a non-emulator endpoint (it need not verify signatures)."""
    base = Settings(
        region="cn-shanghai",
        endpoint=endpoint,
        protocol="http",
        credentials=StaticCredentials("LTAI5tScriptedServerKey", "scripted-secret"),
        connect_timeout_ms=5000,  # timeouts a loopback answer cannot reach, even on a loaded machine
        read_timeout_ms=5000,
        retry=RetryPolicy(max_attempts=2, base_delay_s=0.001, max_delay_s=0.001, deadline_s=10.0),
    )
    return attrs.evolve(base, **overrides)
