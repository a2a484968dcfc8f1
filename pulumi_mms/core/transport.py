"""The HTTP session tea uses for our endpoint: pooled, NO_PROXY-aware, and observable.

tea (darabonba-core) keeps one `requests.Session` per endpoint in a process-wide cache, created on first
use without a lock, and sends through HTTP(S)_PROXY even where NO_PROXY says not to. We put our own
session into that cache before the first request, under a lock, so that:
- concurrent first calls share one session and one connection pool sized to our concurrency;
- NO_PROXY / no_proxy is honoured (a loopback emulator is never sent through a proxy it excludes);
- the status, request id and framing of the last response are known to the client's error mapping, even
  when tea only reports "could not decode" or "connection broken";
- an attempt ends at its deadline whatever the server does: a watchdog shuts the socket down when the
  time is up (socket timeouts apply per read, so a server trickling a byte at a time would defeat them);
- a body is read with a cap on its decoded size (a gzip bomb or an endless body ends in an error, with
  at most the cap in memory).

With `DEBUG=sdk` in the environment darabonba (and Tea) log every request header, the STS token among
them; a filter on their loggers masks the token and the signature before any handler sees the record.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import re
import socket
import threading
import time
import weakref
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import attrs
import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.connectionpool
from darabonba.core import DaraCore
from darabonba.request import DaraRequest
from requests.utils import should_bypass_proxies

from .secrets import scrub_header_lines

log = logging.getLogger("pulumi_mms.http")
"""One DEBUG line per request (method, path, status, request id, time); `pulumi-mms --debug` shows them."""

_install_lock = threading.RLock()  # re-entrant: a client's finalizer may run (gc) while it is held
_live_sessions: weakref.WeakValueDictionary[str, MmsSession] = weakref.WeakValueDictionary()
_holders: dict[str, int] = {}
_DIGITS = re.compile(r"[0-9]{1,12}")


@attrs.define
class ResponseFacts:
    """What the session saw of the last request and response on this thread."""

    status: int | None = None
    request_id: str | None = None
    retry_after_ms: int | None = None
    truncated: bool = False
    undecodable: bool = False
    received_headers: bool = False
    content_type: str | None = None
    deadline_exceeded: bool = False
    """The attempt's deadline passed before the whole answer arrived (the watchdog closed the socket)."""
    too_large: int | None = None
    """The cap (bytes) the decoded body exceeded, when it did."""
    proxy: str | None = None
    """The proxy the request went through (without any user:password), None when sent directly."""


class _Observed(threading.local):
    facts: ResponseFacts | None = None
    budget_s: float | None = None
    max_bytes: int | None = None


class _Current(threading.local):
    attempt: _Attempt | None = None


_current = _Current()
"""Per thread: the attempt in progress (the watched connections below find it here)."""

DEADLINE_GRACE_S = 0.1
"""The watchdog strikes this long after an attempt's deadline: a socket timeout at the deadline itself
(a server that sends nothing) ends the attempt first, with its own message."""


class ResponseTooLarge(requests.exceptions.RequestException):
    """The decoded body went past the cap; nothing more was read."""


class DeadlineExceeded(requests.exceptions.ReadTimeout):
    """The watchdog closed the connection: the whole answer had not arrived by the attempt's deadline."""


# -- the deadline of one attempt -------------------------------------------------------------------

_watch_lock = threading.Lock()


class _Attempt:
    """One request under a deadline: the connection it is using, and whether the deadline struck."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.connection: _Watched | None = None
        self.fired = False
        self.done = False

    def fire(self) -> None:
        """Called by the watchdog at the deadline: end the attempt's reads by shutting its socket down."""
        with _watch_lock:
            connection = self.connection
            if self.done or connection is None or connection.attempt is not self:
                return  # finished, not connected yet (the connect timeout covers that), or reused since
            self.fired = True
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed by the other side
                    sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread that fires the attempts whose deadline has passed (a heap, earliest first)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Attempt]] = []
        self._order = itertools.count()
        self._wake = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None

    def arm(self, attempt: _Attempt) -> None:
        with self._wake:
            heapq.heappush(self._heap, (attempt.deadline, next(self._order), attempt))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pulumi-mms-watchdog", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is attempt:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)  # finished in time: dropped here, not searched for on disarm
                if not self._heap:
                    self._wake.wait()
                    continue
                wait_s = self._heap[0][0] - time.monotonic()
                if wait_s > 0:
                    self._wake.wait(wait_s)
                    continue
                _, _, attempt = heapq.heappop(self._heap)
            attempt.fire()


_watchdog = _Watchdog()


class _Watched(urllib3.connection.HTTPConnection):
    """A connection that joins the attempt of the thread sending a request through it."""

    attempt: _Attempt | None = None

    def request(self, *args: Any, **kwargs: Any) -> None:
        with _watch_lock:
            self.attempt = _current.attempt
            if self.attempt is not None:
                self.attempt.connection = self
        super().request(*args, **kwargs)


class _WatchedHTTPS(_Watched, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _Watched


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, with pools of watched connections (direct and through a proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def redact_proxy(url: str) -> str:
    """A proxy URL without its user info (`http://user:pw@host:3128` -> `http://host:3128`)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable proxy URL>"
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


class MmsSession(requests.Session):
    """A requests session that honours NO_PROXY and records facts about each response."""

    cache_key = ""
    """Its key in tea's session cache (set by `install_session`)."""

    def __init__(self, pool_size: int) -> None:
        super().__init__()
        adapter = _WatchedAdapter(pool_connections=4, pool_maxsize=pool_size)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self._sends_lock = threading.Lock()
        self._sends = 0
        self._observed = _Observed()

    @property
    def sends(self) -> int:
        """How many requests went through this session (all threads)."""
        return self._sends

    def last_response(self) -> ResponseFacts:
        """Facts about the last response received on the calling thread (reset by `forget`)."""
        return self._observed.facts or ResponseFacts()

    def forget(self, budget_s: float | None = None, max_bytes: int | None = None) -> None:
        """Start a new attempt on this thread: drop the last facts.

        `budget_s` is the attempt's deadline (from now): connect + read, whatever the server does.
        `max_bytes` caps the decoded size of the body.
        """
        self._observed.facts = None
        self._observed.budget_s = budget_s
        self._observed.max_bytes = max_bytes
        if self.cache_key and DaraCore._sessions.get(self.cache_key) is not self:
            _reinstall(self)  # released while a client still held it: tea must not make a session of its own

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if not log.isEnabledFor(logging.DEBUG):
            return self._send(request, **kwargs)
        started = time.perf_counter()
        failure = None
        try:
            return self._send(request, **kwargs)
        except Exception as error:
            failure = type(error).__name__
            raise
        finally:
            facts = self.last_response()
            parts = urlsplit(request.url or "")
            status = facts.status if facts.status is not None else f"no response ({failure})"
            if failure and facts.status is not None:
                status = f"{facts.status}, then {failure}"
            log.debug(
                "%s %s -> %s, request id %s, %.1f ms",
                request.method,
                parts.path + (f"?{parts.query}" if parts.query else ""),
                status,
                facts.request_id or "-",
                (time.perf_counter() - started) * 1000,
            )

    def _send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        with self._sends_lock:  # `self.n += 1` from many threads at once loses updates
            self._sends += 1
        url = request.url or ""
        facts = ResponseFacts()
        self._observed.facts = facts
        proxies = kwargs.get("proxies") or {}
        no_proxy = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or proxies.get("no_proxy")
        if proxies and should_bypass_proxies(url, no_proxy=no_proxy):
            kwargs["proxies"] = proxies = {}
        scheme = urlsplit(url).scheme.lower()
        if proxy := proxies.get(scheme):
            facts.proxy = redact_proxy(str(proxy))
        kwargs["stream"] = True
        kwargs["allow_redirects"] = False  # a redirect would carry the signed headers (and STS token) away
        budget = self._observed.budget_s
        timeout = kwargs.get("timeout")
        if budget is not None and isinstance(timeout, tuple) and len(timeout) == 2:
            # tea gives (connect, read) separately; the total keeps one attempt within the deadline.
            kwargs["timeout"] = urllib3.Timeout(connect=timeout[0], read=timeout[1], total=max(budget, 0.001))
        attempt = _Attempt(time.monotonic() + budget + DEADLINE_GRACE_S) if budget is not None else None
        _current.attempt = attempt
        if attempt is not None:
            _watchdog.arm(attempt)
        try:
            response = super().send(request, **kwargs)
            facts.status = response.status_code
            facts.received_headers = True
            facts.request_id = response.headers.get("x-acs-request-id")
            facts.content_type = response.headers.get("content-type")
            retry_after = (response.headers.get("x-acs-retry-after") or "").strip()
            if _DIGITS.fullmatch(retry_after):
                facts.retry_after_ms = int(retry_after)
            self._read_body(response, facts)  # the whole body now, as tea expects
            return response
        except requests.exceptions.RequestException as error:
            if attempt is not None and attempt.fired:
                facts.deadline_exceeded = True
                raise DeadlineExceeded(f"no complete answer within {budget:.3g} s") from None
            if isinstance(error, requests.exceptions.ContentDecodingError):
                facts.undecodable = True
            elif isinstance(error, requests.exceptions.ChunkedEncodingError):
                facts.truncated = True
            raise
        finally:
            if attempt is not None:
                with _watch_lock:
                    attempt.done = True
                    attempt.connection = None
            _current.attempt = None

    def _read_body(self, response: requests.Response, facts: ResponseFacts) -> None:
        """Read the body, decoded, stopping with `ResponseTooLarge` as soon as it exceeds the cap."""
        cap = self._observed.max_bytes
        if cap is None:
            _ = response.content
            return
        announced = (response.headers.get("content-length") or "").strip()
        if (
            _DIGITS.fullmatch(announced)
            and int(announced) > cap
            and not response.headers.get("content-encoding")
        ):
            facts.too_large = cap
            response.close()
            raise ResponseTooLarge(f"the body is {announced} bytes, more than {cap}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > cap:
                facts.too_large = cap
                response.close()
                raise ResponseTooLarge(f"the body is more than {cap} bytes")
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True  # type: ignore[attr-defined]


_CHUNK = 64 * 1024


def install_session(protocol: str, endpoint: str, pool_size: int) -> MmsSession:
    """Put (or find) our session in tea's cache for this endpoint and pool size, and return it.

    The key mirrors darabonba-core 1.0.x's `DaraCore.do_action`; a test checks that requests really go
    through the installed session, so a change of that key in a new darabonba shows up at once.
    """
    key = f"{protocol.lower()}://{endpoint}:{DaraRequest().port}:pool={pool_size}"
    with _install_lock:
        session = DaraCore._sessions.get(key)
        if not isinstance(session, MmsSession):
            # One live session per key: a released one still held by a client is put back, not replaced.
            session = _live_sessions.get(key) or MmsSession(pool_size)
            session.cache_key = key
            DaraCore._sessions[key] = _live_sessions[key] = session
        return session


def hold(session: MmsSession, owner: object) -> None:
    """Keep `session` in tea's cache while `owner` lives; after its last holder, close and remove it.

    Shared clients hold their session: a process that meets many endpoints keeps sockets only for the
    endpoints of clients it still has.
    """
    with _install_lock:
        _reinstall(session)
        _holders[session.cache_key] = _holders.get(session.cache_key, 0) + 1
    weakref.finalize(owner, _let_go, session.cache_key).atexit = False  # exit closes sockets anyway


def _reinstall(session: MmsSession) -> None:
    with _install_lock:
        DaraCore._sessions[session.cache_key] = _live_sessions[session.cache_key] = session


def _let_go(key: str) -> None:
    with _install_lock:
        left = _holders.get(key, 1) - 1
        if left > 0:
            _holders[key] = left
            return
        _holders.pop(key, None)
        session = DaraCore._sessions.get(key)
        if isinstance(session, MmsSession):
            del DaraCore._sessions[key]
            session.close()  # its pooled sockets; a request still in flight closes its own when done


# -- secrets in the SDKs' debug logs -------------------------------------------------------------------

SDK_LOGGERS = ("darabonba-core", "alibabacloud-tea")
"""Loggers that dump request headers when the environment has `DEBUG=sdk`."""


class RedactSecretHeaders(logging.Filter):
    """Masks secret header values in the header dumps the SDKs log with `DEBUG=sdk`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and not record.args:
            record.msg = scrub_header_lines(record.msg)
        else:
            text = scrub_header_lines(record.getMessage())
            record.msg, record.args = text, None
        return True


def install_log_redaction() -> None:
    """Attach `RedactSecretHeaders` to the SDK loggers (once)."""
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretHeaders) for f in logger.filters):
            logger.addFilter(RedactSecretHeaders())


install_log_redaction()
