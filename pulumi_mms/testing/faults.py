"""Fault injection: what can go wrong with a request (:class:`Fault`) and when it does (:class:`FaultPlan`).

A plan hands the server at most one fault per request: first from the scripted queue (one entry per
request, ``None`` meaning "behave normally"), otherwise, at the configured rate, a fault drawn with a
seeded :class:`random.Random`. Global latency and per-connection delay apply to every request on top.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Fault:
    """Base class of the injectable faults."""

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class Latency(Fault):
    """Answer normally, ``ms`` milliseconds late."""

    ms: int

    def __post_init__(self) -> None:
        if self.ms < 0:
            raise ValueError("latency must not be negative")


@dataclass(frozen=True)
class Throttle(Fault):
    """429 ``Throttling`` with an ``x-acs-retry-after`` header (milliseconds)."""

    retry_after_ms: int = 1000
    message: str | None = None

    def __post_init__(self) -> None:
        if self.retry_after_ms < 0:
            raise ValueError("retry_after_ms must not be negative")


@dataclass(frozen=True)
class HttpError(Fault):
    """An error response in Alibaba Cloud's JSON format with any status and code."""

    status: int = 503
    code: str = "ServiceUnavailable"
    message: str | None = None

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError("an HttpError status must be between 400 and 599")


@dataclass(frozen=True)
class ConnectionReset(Fault):
    """Read the request, then reset the TCP connection (RST, no response)."""


@dataclass(frozen=True)
class TruncatedBody(Fault):
    """Send the normal response's headers (Content-Length of the full body) and half the body, then close."""


@dataclass(frozen=True)
class NonJsonBody(Fault):
    """A non-JSON body, by default a gateway's HTML 502 page."""

    status: int = 502
    body: str = DEFAULT_HTML
    content_type: str = "text/html"


@dataclass(frozen=True)
class Hang(Fault):
    """Read the request and never answer: until the emulator stops, or for ``seconds`` then close."""

    seconds: float | None = None


class FaultPlan:
    """Decides the fault of each request; thread-safe; may be changed while the emulator runs."""

    def __init__(self, *, latency_ms: int = 0, connection_delay_ms: int = 0) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str | None, deque[Fault | None]] = {}
        self._rate = 0.0
        self._rate_faults: tuple[Fault, ...] = ()
        self._rate_action: str | None = None
        self._rng = random.Random(0)
        self._latency_ms = 0
        self._connection_delay_ms = 0
        self.latency_ms = latency_ms
        self.connection_delay_ms = connection_delay_ms

    @property
    def latency_ms(self) -> int:
        """Added to every request, in milliseconds."""
        return self._latency_ms

    @latency_ms.setter
    def latency_ms(self, value: int) -> None:
        if value < 0:
            raise ValueError("latency_ms must not be negative")
        self._latency_ms = value

    @property
    def connection_delay_ms(self) -> int:
        """Added once per new TCP connection, before its first response (models TLS set-up)."""
        return self._connection_delay_ms

    @connection_delay_ms.setter
    def connection_delay_ms(self, value: int) -> None:
        if value < 0:
            raise ValueError("connection_delay_ms must not be negative")
        self._connection_delay_ms = value

    def script(self, faults: Iterable[Fault | None], *, action: str | None = None) -> None:
        """Queue faults consumed one per request (``None`` = behave normally), optionally for one action.

        Appends to what is already queued. A request takes from its action's queue first, then from the
        queue for any action.
        """
        entries = list(faults)
        for entry in entries:
            if entry is not None and not isinstance(entry, Fault):
                raise TypeError(f"expected a Fault or None, got {entry!r}")
        with self._lock:
            self._scripts.setdefault(action, deque()).extend(entries)

    def set_rate(
        self,
        rate: float,
        faults: Iterable[Fault] | None = None,
        *,
        seed: int | None = 0,
        action: str | None = None,
    ) -> None:
        """Fail each (unscripted) request with probability ``rate``, choosing among ``faults``.

        ``faults`` defaults to ``[HttpError(503)]``; ``seed`` makes the sequence deterministic;
        ``action`` restricts random faults to one action. ``rate=0`` turns random faults off.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        chosen = tuple(faults) if faults is not None else (HttpError(),)
        if rate > 0 and not chosen:
            raise ValueError("set_rate needs at least one fault")
        with self._lock:
            self._rate = rate
            self._rate_faults = chosen
            self._rate_action = action
            self._rng = random.Random(seed)

    def clear(self) -> None:
        """Drop scripted faults and the random rate (latency settings stay)."""
        with self._lock:
            self._scripts.clear()
            self._rate = 0.0
            self._rate_faults = ()
            self._rate_action = None

    @property
    def pending(self) -> int:
        """Scripted entries not consumed yet."""
        with self._lock:
            return sum(len(queue) for queue in self._scripts.values())

    def next_fault(self, action: str) -> Fault | None:
        """The fault for the next request of ``action`` (called by the server once per request)."""
        with self._lock:
            for key in (action, None):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
            if self._rate > 0 and self._rate_action in (None, action) and self._rng.random() < self._rate:
                return self._rng.choice(self._rate_faults)
            return None
