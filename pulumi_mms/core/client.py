"""The signed MMS API client: tea-openapi's `call_api` with the official SDK's Params, and our retries.

Requests are built with the same Params as the official SDK (alibabacloud-maxcompute20220104), so they
are byte-for-byte what Alibaba Cloud already accepts, and signed by tea (ACS3-HMAC-SHA256). Nothing from
tea or darabonba escapes: every failed attempt goes through `pulumi_mms.translate` and becomes an
`MmsError`.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import hashlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import attrs
import pydantic
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from . import errors, paging, validation
from .credentials import credential_client
from .endpoints import resolve_endpoint
from .model import DataSourceSummary, GetMmsDataSourceResponse, ListMmsDataSourcesResponse
from .settings import Settings, env_credentials
from .translate import Call, Failure, Translator
from .transport import MmsSession, hold, install_session

log = logging.getLogger("pulumi_mms")

API_VERSION = "2022-01-04"
_M = TypeVar("_M", bound=pydantic.BaseModel)


class MmsClient:
    """Reads MMS data sources. Thread-safe; share one per settings (see `shared_client`).

    `settings=None` resolves them from the environment (region, keys) now.
    `sleep` and `clock` are injectable so that retry behaviour can be tested without waiting.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings.resolve(environ=environ)
        if self.settings.endpoint is None and self.settings.region is None:
            raise errors.ValidationError(
                "region",
                "no region is set",
                hint="set mms:region or alicloud:region in the stack config, or ALIBABA_CLOUD_REGION_ID",
            )
        self.endpoint = self.settings.endpoint or resolve_endpoint(
            self.settings.region or "", self.settings.network
        )
        self.sleep = sleep
        self.clock = clock
        self._rng = rng or random.Random()
        self._slots = threading.BoundedSemaphore(self.settings.max_concurrency)
        self.session: MmsSession = install_session(
            self.settings.protocol, self.endpoint, self.settings.max_concurrency
        )
        hold(self.session, self)  # its pooled sockets close once no client of the endpoint is left
        env = dict(os.environ if environ is None else environ)
        static = self.settings.credentials or env_credentials(env)
        # Known secret values are scrubbed from anything the server sends back that we put in a message.
        secrets = (static.access_key_secret, static.security_token) if static else ()
        self._translator = Translator(
            self.settings.region,
            self.endpoint,
            tuple(v for v in secrets if v),
            deadline_s=self.settings.retry.deadline_s,
        )
        self._tea = OpenApiClient(
            Config(
                credential=credential_client(self.settings, env),
                endpoint=self.endpoint,
                protocol=self.settings.protocol,
                region_id=self.settings.region or "",
                connect_timeout=self.settings.connect_timeout_ms,
                read_timeout=self.settings.read_timeout_ms,
                max_idle_conns=self.settings.max_concurrency,
                user_agent="pulumi-mms",
            )
        )

    def __repr__(self) -> str:
        return f"MmsClient(endpoint={self.endpoint!r}, region={self.settings.region!r})"

    # -- public API -------------------------------------------------------------------------------

    def get_data_source(
        self, source_id: int | str, *, with_config: bool | None = None, lang: str | None = None
    ) -> GetMmsDataSourceResponse:
        """GetMmsDataSource: the data source `source_id`, with its config items if `with_config`."""
        sid = validation.source_id(source_id)
        wc, language = validation.with_config(with_config), validation.lang(lang)
        query: dict[str, str] = {}  # in the SDK's order: the query string is byte-for-byte the SDK's
        if language is not None:
            query["lang"] = language
        if wc is not None:
            query["withConfig"] = str(wc)  # the SDK sends True/False, capitalised
        call = Call(
            "GetMmsDataSource",
            f"/api/v1/mms/datasources/{quote(str(sid), safe='')}",
            query,
            source_id=sid,
            subject=f"data source {sid}",
        )
        response = self._call(call, GetMmsDataSourceResponse)
        answered = response.data.id
        if answered is not None and answered != sid:
            # A caching proxy, a mis-routed gateway or duplicate JSON keys: never another one's fields.
            raise errors.MalformedResponse(
                f"data source {sid}: the answer is about data source {answered}, not {sid}",
                hint="check that mms:endpoint reaches the MaxCompute API directly (no caching proxy or "
                "gateway in between)",
                **self._translator.context(call, request_id=response.request_id),
            )
        return response

    def list_data_sources(
        self,
        *,
        name: str | None = None,
        type: str | None = None,
        region: str | None = None,
        page_num: int = 1,
        page_size: int = 50,
    ) -> ListMmsDataSourcesResponse:
        """ListMmsDataSources: one page of data sources (the API's name filter is a fuzzy match)."""
        for key, value in (("name", name), ("type", type), ("region", region)):
            validation.optional_text(value, key)
        validation.positive_int(page_num, "page_num")
        validation.positive_int(page_size, "page_size")
        # In the SDK's (alphabetical) order, so that the query string is byte-for-byte the SDK's.
        query = {
            key: value
            for key, value in (
                ("name", name),
                ("pageNum", str(page_num)),
                ("pageSize", str(page_size)),
                ("region", region),
                ("type", type),
            )
            if value is not None
        }
        call = Call("ListMmsDataSources", "/api/v1/mms/datasources", query, subject="data source list")
        return self._call(call, ListMmsDataSourcesResponse)

    def iter_data_sources(
        self,
        *,
        name: str | None = None,
        type: str | None = None,
        region: str | None = None,
        page_size: int = paging.MAX_PAGE_SIZE,
    ) -> Iterator[DataSourceSummary]:
        """Every data source matching the server-side filters, each once, from all pages.

        Pages after the first are fetched concurrently (within maxConcurrency); see `paging.read_all`.
        """

        def fetch(page_num: int, size: int) -> paging.Page[DataSourceSummary]:
            data = self.list_data_sources(
                name=name, type=type, region=region, page_num=page_num, page_size=size
            ).data
            return paging.Page(data.object_list or [], data.total, data.page_size)

        with self.one_deadline():
            listed = paging.read_all(
                fetch,
                lambda item: item.id,
                subject="data source list",
                page_size=page_size,
                concurrency=self.settings.max_concurrency,
                context={"region": self.settings.region, "endpoint": self.endpoint},
            )
        return iter(listed)

    @contextlib.contextmanager
    def one_deadline(self) -> Iterator[None]:
        """The calls made inside (a listing's pages, on any thread that copies this context) share one
        totalTimeout, counted from now (less the time the lookup waited for a worker); nested: the outer."""
        if _lookup_deadline.get() is not None:
            yield
            return
        token = _lookup_deadline.set(
            (self.clock, self.clock() + self.settings.retry.deadline_s - queued_s.get())
        )
        try:
            yield
        finally:
            _lookup_deadline.reset(token)

    # -- one call, with retries -------------------------------------------------------------------

    def _call(self, call: Call, model: type[_M]) -> _M:
        """Attempt `call` until it succeeds, fails permanently, or the attempts or the deadline run out.

        Full jitter: the delay before retry n is uniform in [0, min(max_delay, base_delay * 2**(n-1))],
        and never shorter than the service's `x-acs-retry-after`. A retry whose delay would end past the
        deadline is not made: the last error is raised at once, with the number of attempts.
        """
        policy = self.settings.retry
        deadline = self.clock() + policy.deadline_s - queued_s.get()
        shared = _lookup_deadline.get()
        if shared is not None and shared[0] is self.clock:
            deadline = min(deadline, shared[1])  # a later page of a listing: what is left of the listing's
        attempt = 0
        last: Failure | None = None
        with self._slots:
            while True:
                attempt += 1
                remaining = deadline - self.clock()
                if remaining < policy.min_attempt_s:
                    if last is not None:
                        # The backoff slept longer than asked (a loaded machine): the last failure stands.
                        raise last.error.with_context(attempts=attempt - 1)
                    # Before the first attempt: after waiting for a worker or a slot, or for the earlier
                    # pages of a listing.
                    raise errors.ServiceUnavailable(
                        f"{call.subject}: only {max(remaining, 0) * 1000:.0f} ms of totalTimeout "
                        f"({policy.deadline_s * 1000:.0f} ms) were left when its turn came, too little for "
                        "a request; none was sent",
                        hint="raise mms:totalTimeout or mms:maxConcurrency, or make fewer lookups at once",
                        region=self.settings.region,
                        endpoint=self.endpoint,
                    )
                answer = self._attempt(call, remaining)
                outcome = answer if isinstance(answer, Failure) else self._parse(model, answer, call)
                if not isinstance(outcome, Failure):
                    return outcome
                if not outcome.retryable or attempt >= policy.max_attempts:
                    raise outcome.error.with_context(attempts=attempt)
                last = outcome
                backoff = self._rng.uniform(
                    0, min(policy.max_delay_s, policy.base_delay_s * 2 ** (attempt - 1))
                )
                delay = max(backoff, outcome.retry_after_s or 0.0)
                if self.clock() + delay + policy.min_attempt_s > deadline:
                    raise outcome.error.with_context(attempts=attempt)
                log.debug(
                    "%s: attempt %d failed (%s), retrying in %.3fs",
                    call.subject,
                    attempt,
                    outcome.error.code or type(outcome.error).__name__,
                    delay,
                )
                self.sleep(delay)

    def _attempt(self, call: Call, remaining_s: float) -> Any:
        # No single attempt may outlive the total deadline: both timeouts are cut to what is left of it.
        remaining_ms = max(1, int(remaining_s * 1000))
        runtime = RuntimeOptions(
            autoretry=False,
            connect_timeout=min(self.settings.connect_timeout_ms, remaining_ms),
            read_timeout=min(self.settings.read_timeout_ms, remaining_ms),
            max_idle_conns=self.settings.max_concurrency,
        )
        params = Params(
            action=call.action,
            version=API_VERSION,
            protocol="HTTPS",
            pathname=call.pathname,
            method="GET",
            auth_type="AK",
            style="ROA",
            req_body_type="json",
            # The raw bytes, validated by pydantic-core in one pass (`_parse`); only how tea hands the
            # answer back changes, not the request (a test compares it with the official SDK's).
            body_type="byte",
        )
        self.session.forget(budget_s=remaining_s, max_bytes=self.settings.max_response_bytes)
        try:
            return self._tea.call_api(params, OpenApiRequest(query=dict(call.query)), runtime)
        except Exception as error:
            return self._translator.failure(error, call, self.session.last_response())

    def _parse(self, model: type[_M], result: Any, call: Call) -> _M | Failure:
        """The answer's bytes validated into `model`, or the failure it amounts to."""
        body = result.get("body") if isinstance(result, dict) else None
        status = result.get("statusCode") if isinstance(result, dict) else None
        status = status if isinstance(status, int) else None
        facts = self.session.last_response()
        if status is not None and not 200 <= status < 300:
            # tea returns 1xx/3xx answers as if they were data; the API never sends them, and a redirect
            # is not followed (it would carry the signed request, STS token included, elsewhere).
            return Failure(
                errors.MalformedResponse(
                    f"{call.subject}: unexpected HTTP {status} instead of a response",
                    hint="check that mms:endpoint is the MaxCompute API endpoint "
                    "(redirects are not followed)",
                    **self._translator.context(call, request_id=facts.request_id, status_code=status),
                ),
                retryable=False,
            )
        raw = body if isinstance(body, bytes) else b""
        try:
            return model.model_validate_json(raw)
        except pydantic.ValidationError as error:
            first = error.errors(include_url=False, include_input=False)[0]
        # Decided outside the handler: pydantic's error (which quotes the input) is not kept as context.
        ctx = self._translator.context(call, request_id=facts.request_id, status_code=status)
        if first["type"] == "json_invalid":
            return self._translator.unreadable_body(call, facts, ctx)
        shape = _error_shape(raw)
        if shape is not None:  # a 2xx carrying an error (code, message) instead of data
            code, message, request_id = shape
            return self._translator.answered_error(
                call,
                status=status,
                code=code,
                message=message,
                request_id=request_id or facts.request_id,
                data={},
            )
        path = ".".join(str(part) for part in first["loc"]) or "<body>"
        request_id = _request_id(raw) or facts.request_id
        return Failure(
            errors.MalformedResponse(
                f"{call.subject}: unexpected response at {path}: {first['msg']}",
                hint="the answer does not have the documented shape: check that mms:endpoint is the "
                "MaxCompute API (not a proxy or portal); if it is, report it with the request id",
                **{**ctx, "request_id": self._translator.scrub(request_id) if request_id else None},
            ),
            retryable=False,
        )


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _request_id(raw: bytes) -> str | None:
    body = _json_object(raw) or {}
    value = body.get("requestId") or body.get("RequestId")
    return value if isinstance(value, str) and value else None


def _error_shape(raw: bytes) -> tuple[str | None, str, str | None] | None:
    """(code, message, request id) of a body that is an error instead of data, else None."""
    body = _json_object(raw)
    if body is None or body.get("data") is not None:
        return None
    code = body.get("code", body.get("Code"))
    message = body.get("message", body.get("Message"))
    if code in (None, "") and message in (None, ""):
        return None
    return (
        str(code) if code not in (None, "") else None,
        str(message) if message not in (None, "") else str(code),
        _request_id(raw),
    )


queued_s: contextvars.ContextVar[float] = contextvars.ContextVar("pulumi_mms_queued_s", default=0.0)
"""How long the running lookup waited for a worker: it counts against each call's totalTimeout."""

_lookup_deadline: contextvars.ContextVar[tuple[Callable[[], float], float] | None] = contextvars.ContextVar(
    "pulumi_mms_lookup_deadline", default=None
)
"""The deadline (clock, time) of the lookup that makes several calls: a listing's pages share it."""

MAX_SHARED_CLIENTS = 8
"""Shared clients kept at once; the least recently used is dropped (its sockets closed once unused)."""

_shared: collections.OrderedDict[Hashable, MmsClient] = collections.OrderedDict()
_shared_lock = threading.Lock()
_SALT = os.urandom(16)


def client_key(settings: Settings) -> Hashable:
    """What tells shared clients apart, holding no secret: the secret and token only as a salted digest."""
    credentials = settings.credentials
    if credentials is None:
        return settings
    secrets = f"{credentials.access_key_secret}\0{credentials.security_token or ''}".encode()
    digest = hashlib.blake2b(secrets, key=_SALT, digest_size=16).digest()
    return attrs.evolve(settings, credentials=None), credentials.access_key_id, digest


def shared_client(settings: Settings) -> MmsClient:
    """The client for these settings, shared by all callers in this process (its limit and pool too).

    At most `MAX_SHARED_CLIENTS` are kept (a rotated key or a new endpoint makes a new one): a
    long-lived process does not accumulate clients, sessions or old secrets. A dropped client still
    serves whoever holds it; its connection pool closes when the last client of its endpoint is gone.
    """
    key = client_key(settings)
    with _shared_lock:
        client = _shared.get(key)
        if client is not None:
            _shared.move_to_end(key)
            return client
    client = MmsClient(settings)  # outside the lock: building one resolves credentials
    with _shared_lock:
        client = _shared.setdefault(key, client)
        _shared.move_to_end(key)
        while len(_shared) > MAX_SHARED_CLIENTS:
            _shared.popitem(last=False)
    return client
