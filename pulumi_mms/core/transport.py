"""The HTTP session tea uses for our endpoint: pooled, NO_PROXY-aware, and observable.

tea (darabonba-core) keeps one `requests.Session` per endpoint in a process-wide cache, created on first
use without a lock, and sends through HTTP(S)_PROXY even where NO_PROXY says not to. We put our own
session into that cache before the first request, under a lock, so that:
- concurrent first calls share one session and one connection pool sized to our concurrency;
- NO_PROXY / no_proxy is honoured (a loopback emulator is never sent through a proxy it excludes);
- the status, request id and framing of the last response are known to the client's error mapping, even
  when tea only reports "could not decode" or "connection broken".

With `DEBUG=sdk` in the environment darabonba (and Tea) log every request header, the STS token among
them; a filter on their loggers masks the token and the signature before any handler sees the record.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import attrs
import requests
import requests.adapters
import urllib3
from darabonba.core import DaraCore
from darabonba.request import DaraRequest
from requests.utils import should_bypass_proxies

_install_lock = threading.Lock()
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
    proxy: str | None = None
    """The proxy the request went through (without any user:password), None when sent directly."""


class _Observed(threading.local):
    facts: ResponseFacts | None = None
    budget_s: float | None = None


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

    def __init__(self, pool_size: int) -> None:
        super().__init__()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
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

    def forget(self, budget_s: float | None = None) -> None:
        """Start a new attempt on this thread: drop the last facts; `budget_s` caps connect + read."""
        self._observed.facts = None
        self._observed.budget_s = budget_s

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
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
        response = super().send(request, **kwargs)
        facts.status = response.status_code
        facts.received_headers = True
        facts.request_id = response.headers.get("x-acs-request-id")
        facts.content_type = response.headers.get("content-type")
        retry_after = (response.headers.get("x-acs-retry-after") or "").strip()
        if _DIGITS.fullmatch(retry_after):
            facts.retry_after_ms = int(retry_after)
        try:
            _ = response.content  # read the whole body now, as tea expects
        except requests.exceptions.ContentDecodingError:
            facts.undecodable = True
            raise
        except requests.exceptions.ChunkedEncodingError:
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


# -- secrets in the SDKs' debug logs -------------------------------------------------------------------

_SECRET_HEADER_LINE = re.compile(
    r"(?im)^([<>] (?:x-acs-security-token|x-acs-bearer-token|authorization|x-acs-zero-trust-idtoken)"
    r"\s*:\s*).*$"
)
REDACTED = "********"
SDK_LOGGERS = ("darabonba-core", "alibabacloud-tea")
"""Loggers that dump request headers when the environment has `DEBUG=sdk`."""


class RedactSecretHeaders(logging.Filter):
    """Masks secret header values in the header dumps the SDKs log with `DEBUG=sdk`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and not record.args:
            record.msg = _SECRET_HEADER_LINE.sub(lambda m: m.group(1) + REDACTED, record.msg)
        else:
            text = _SECRET_HEADER_LINE.sub(lambda m: m.group(1) + REDACTED, record.getMessage())
            record.msg, record.args = text, None
        return True


def install_log_redaction() -> None:
    """Attach `RedactSecretHeaders` to the SDK loggers (once)."""
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretHeaders) for f in logger.filters):
            logger.addFilter(RedactSecretHeaders())


install_log_redaction()
