"""The HTTP session tea uses for our endpoint: pooled, NO_PROXY-aware, and observable.

tea (darabonba-core) keeps one `requests.Session` per endpoint in a process-wide cache, created on first
use without a lock, and sends through HTTP(S)_PROXY even where NO_PROXY says not to. We put our own
session into that cache before the first request, under a lock, so that:
- concurrent first calls share one session and one connection pool sized to our concurrency;
- NO_PROXY / no_proxy is honoured (a loopback emulator is never sent through a proxy it excludes);
- the status, request id and framing of the last response are known to the client's error mapping, even
  when tea only reports "could not decode" or "connection broken".
"""

from __future__ import annotations

import os
import threading
from typing import Any

import attrs
import requests
import requests.adapters
from darabonba.core import DaraCore
from darabonba.request import DaraRequest
from requests.utils import should_bypass_proxies

_install_lock = threading.Lock()


@attrs.define
class ResponseFacts:
    """What the session saw of the last response on this thread."""

    status: int | None = None
    request_id: str | None = None
    retry_after_ms: int | None = None
    truncated: bool = False
    received_headers: bool = False


class _Observed(threading.local):
    facts: ResponseFacts | None = None


class MmsSession(requests.Session):
    """A requests session that honours NO_PROXY and records facts about each response."""

    def __init__(self, pool_size: int) -> None:
        super().__init__()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self.sends = 0
        self._observed = _Observed()

    def last_response(self) -> ResponseFacts:
        """Facts about the last response received on the calling thread (reset by `forget`)."""
        return self._observed.facts or ResponseFacts()

    def forget(self) -> None:
        self._observed.facts = None

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sends += 1
        url = request.url or ""
        no_proxy = os.environ.get("NO_PROXY") or os.environ.get("no_proxy")
        if kwargs.get("proxies") and should_bypass_proxies(url, no_proxy=no_proxy):
            kwargs["proxies"] = {}
        kwargs["stream"] = True
        facts = ResponseFacts()
        self._observed.facts = facts
        response = super().send(request, **kwargs)
        facts.status = response.status_code
        facts.received_headers = True
        facts.request_id = response.headers.get("x-acs-request-id")
        retry_after = response.headers.get("x-acs-retry-after")
        if retry_after and retry_after.strip().isdigit():
            facts.retry_after_ms = int(retry_after)
        try:
            _ = response.content  # read the whole body now, as tea expects
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
            facts.truncated = True
            raise
        return response


def install_session(protocol: str, endpoint: str, pool_size: int) -> MmsSession:
    """Put (or find) our session in tea's cache for this endpoint and pool size, and return it.

    The key mirrors darabonba-core 1.0.x's `DaraCore.do_action`; a test checks that requests really go
    through the installed session, so a change of that key in a new darabonba shows up at once.
    """
    key = f"{protocol.lower()}://{endpoint}:{DaraRequest().port}:pool={pool_size}"
    with _install_lock:
        session = DaraCore._sessions.get(key)
        if not isinstance(session, MmsSession):
            session = MmsSession(pool_size)
            DaraCore._sessions[key] = session
        return session
