"""The signed MMS API client: tea-openapi's `call_api`, our retries, and the one place tea errors are mapped.

Requests are built with the same Params as the official SDK (alibabacloud-maxcompute20220104), so they
are byte-for-byte what Alibaba Cloud already accepts, and signed by tea (ACS3-HMAC-SHA256). Nothing from
tea or darabonba escapes this module: every failure becomes an `MmsError`.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import attrs
import pydantic
import requests
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from . import errors, validation
from .credentials import credential_client
from .endpoints import resolve_endpoint
from .model import DataSourceSummary, GetMmsDataSourceResponse, ListMmsDataSourcesResponse
from .settings import Settings, env_credentials
from .transport import MmsSession, ResponseFacts, install_session

log = logging.getLogger("pulumi_mms")

API_VERSION = "2022-01-04"
_M = TypeVar("_M", bound=pydantic.BaseModel)


@attrs.frozen
class _Call:
    """One API call: what to send and what it is about (for error messages)."""

    action: str
    pathname: str
    query: Mapping[str, str]
    source_id: int | None = None
    subject: str = ""


@attrs.frozen
class _Failure:
    """A failed attempt, translated, and whether another attempt may help."""

    error: errors.MmsError
    retryable: bool
    retry_after_s: float | None = None


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
        env = dict(os.environ if environ is None else environ)
        static = self.settings.credentials or env_credentials(env)
        # Known secret values, scrubbed from anything the server sends back that we put in a message.
        self._secrets = tuple(
            value for value in ((static.access_key_secret, static.security_token) if static else ()) if value
        )
        self._tea = OpenApiClient(
            Config(
                credential=credential_client(static, self.settings.profile, env),
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
        call = _Call(
            "GetMmsDataSource",
            f"/api/v1/mms/datasources/{quote(str(sid), safe='')}",
            query,
            source_id=sid,
            subject=f"data source {sid}",
        )
        return self._call(call, GetMmsDataSourceResponse)

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
        filters = {"name": name, "type": type, "region": region}
        for key, value in filters.items():
            if value is not None and (not isinstance(value, str) or not value):
                raise errors.ValidationError(
                    key, f"{key} must be a non-empty string, got {validation.show(value)}"
                )
        for key, number in (("page_num", page_num), ("page_size", page_size)):
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                raise errors.ValidationError(
                    key, f"{key} must be a positive integer, got {validation.show(number)}"
                )
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
        call = _Call("ListMmsDataSources", "/api/v1/mms/datasources", query, subject="data source list")
        return self._call(call, ListMmsDataSourcesResponse)

    def iter_data_sources(
        self,
        *,
        name: str | None = None,
        type: str | None = None,
        region: str | None = None,
        page_size: int = 50,
    ) -> Iterator[DataSourceSummary]:
        """Every data source matching the server-side filters, following all pages."""
        page_num = 1
        seen = 0
        while True:
            page = self.list_data_sources(
                name=name, type=type, region=region, page_num=page_num, page_size=page_size
            )
            items = page.data.object_list or []
            yield from items
            seen += len(items)
            total = page.data.total or 0
            if not items or seen >= total:
                return
            page_num += 1

    # -- one call, with retries -------------------------------------------------------------------

    def _call(self, call: _Call, model: type[_M]) -> _M:
        """Attempt `call` until it succeeds, fails permanently, or the attempts or the deadline run out.

        Full jitter: the delay before retry n is uniform in [0, min(max_delay, base_delay * 2**(n-1))],
        and never shorter than the service's `x-acs-retry-after`. A retry whose delay would end past the
        deadline is not made: the last error is raised at once, with the number of attempts.
        """
        policy = self.settings.retry
        deadline = self.clock() + policy.deadline_s
        attempt = 0
        with self._slots:
            while True:
                attempt += 1
                remaining = deadline - self.clock()
                outcome = self._attempt(call, remaining)
                if not isinstance(outcome, _Failure):
                    return self._parse(model, outcome, call, attempt)
                if not outcome.retryable or attempt >= policy.max_attempts:
                    raise outcome.error.with_context(attempts=attempt)
                backoff = self._rng.uniform(
                    0, min(policy.max_delay_s, policy.base_delay_s * 2 ** (attempt - 1))
                )
                delay = max(backoff, outcome.retry_after_s or 0.0)
                if self.clock() + delay >= deadline:
                    raise outcome.error.with_context(attempts=attempt)
                log.debug(
                    "%s: attempt %d failed (%s), retrying in %.3fs",
                    call.subject,
                    attempt,
                    outcome.error.code or type(outcome.error).__name__,
                    delay,
                )
                self.sleep(delay)

    def _attempt(self, call: _Call, remaining_s: float) -> Any:
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
            body_type="json",
        )
        self.session.forget(budget_s=remaining_s)
        try:
            return self._tea.call_api(params, OpenApiRequest(query=dict(call.query)), runtime)
        except Exception as error:
            return self._translate(error, call)

    # -- the one place tea's errors become ours ---------------------------------------------------

    def _context(self, call: _Call, **extra: Any) -> dict[str, Any]:
        facts = {key: self._scrub(value) if isinstance(value, str) else value for key, value in extra.items()}
        return {
            "source_id": call.source_id,
            "region": self.settings.region,
            "endpoint": self.endpoint,
            **facts,
        }

    def _scrub(self, text: str) -> str:
        """`text` from the server without our secret or token (a server or proxy may echo them)."""
        for secret in self._secrets:
            text = text.replace(secret, "********")
        return text

    def _translate(self, error: Exception, call: _Call) -> _Failure:
        """Map anything tea, darabonba or requests raised for one attempt to an `MmsError`.

        Nothing of the original is kept (no `__cause__`, no `__context__`): tea's exceptions carry the
        request, and its messages may quote a whole response body.
        """
        from alibabacloud_tea_openapi.exceptions import ThrottlingException
        from darabonba.exceptions import ResponseException
        from Tea.exceptions import UnretryableException

        facts = self.session.last_response()
        if isinstance(error, ResponseException):
            return self._response_error(error, isinstance(error, ThrottlingException), call, facts)
        inner = error.inner_exception if isinstance(error, UnretryableException) else error
        if isinstance(inner, errors.MmsError):  # raised by our credentials chain inside tea
            return _Failure(inner.with_context(**self._context(call)), retryable=False)
        ctx = self._context(call, status_code=facts.status, request_id=facts.request_id)
        if facts.truncated:
            return _Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the response body was cut off (the connection closed early)", **ctx
                ),
                retryable=False,
            )
        if facts.undecodable:
            return _Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the response body could not be decoded "
                    "(its Content-Encoding does not match its bytes)",
                    **ctx,
                ),
                retryable=False,
            )
        if facts.received_headers and not _is_transport_error(inner):
            return self._unreadable_body(call, facts, ctx)
        detail = _transport_detail(inner)
        if facts.proxy:
            message = f"{call.subject}: could not reach the MMS API through proxy {facts.proxy} ({detail})"
            hint = (
                f"the request was sent through the proxy {facts.proxy} (HTTP_PROXY/HTTPS_PROXY): fix that "
                f"proxy, or add {self.endpoint.rsplit(':', 1)[0]} to NO_PROXY to connect directly"
            )
        else:
            message = f"{call.subject}: could not reach the MMS API ({detail})"
            hint = (
                "check the region/endpoint and the network; if this machine needs a proxy, "
                "set HTTPS_PROXY (and NO_PROXY for hosts it must not be used for)"
            )
        return _Failure(errors.ServiceUnavailable(message, hint=hint, **ctx), retryable=True)

    def _response_error(self, error: Any, throttling: bool, call: _Call, facts: ResponseFacts) -> _Failure:
        """An error response in Alibaba Cloud's JSON format (tea's ClientException/ServerException)."""
        status = error.status_code or facts.status
        code = self._scrub(str(error.code)) if error.code not in (None, "None", "") else None
        request_id = getattr(error, "request_id", None)
        request_id = request_id if request_id not in (None, "None", "") else facts.request_id
        request_id = self._scrub(str(request_id)) if request_id is not None else None
        server_message = self._scrub(_server_message(error))
        ctx = self._context(call, code=code, status_code=status, request_id=request_id)
        retry_after_ms = (error.retry_after if throttling else None) or facts.retry_after_ms
        retry_after_s = retry_after_ms / 1000 if retry_after_ms else None
        # x-acs-retry-after is honoured as the delay of any retry, but does not make an error retryable:
        # the status and the code decide (tea calls any response with the header a ThrottlingException).
        if status == 429 or (code or "").startswith("Throttling") or (throttling and status == 503):
            return _Failure(
                errors.Throttled(
                    f"{call.subject}: the service is throttling requests: {server_message}",
                    hint="lower mms:maxConcurrency, or retry later",
                    **ctx,
                ),
                retryable=True,
                retry_after_s=retry_after_s,
            )
        if status is not None and status >= 500:
            return _Failure(
                errors.ServiceUnavailable(f"{call.subject}: server error: {server_message}", **ctx),
                retryable=True,
                retry_after_s=retry_after_s,
            )
        return _Failure(
            self._client_error(call, status, code, server_message, _data(error), ctx), retryable=False
        )

    def _unreadable_body(self, call: _Call, facts: ResponseFacts, ctx: dict[str, Any]) -> _Failure:
        """A response arrived, but its body is not a JSON response tea can read.

        5xx: a gateway's or load balancer's error page, transient. 429: a throttling page, transient.
        Anything else (a 2xx, 3xx or 4xx with such a body) is permanent: retrying returns the same thing.
        """
        status = facts.status or 0
        content_type = self._scrub((facts.content_type or "no content type")[:80])
        kind = f"a body that is not a JSON response ({content_type})"
        if status >= 500:
            return _Failure(
                errors.ServiceUnavailable(f"{call.subject}: server error HTTP {status} with {kind}", **ctx),
                retryable=True,
                retry_after_s=facts.retry_after_ms / 1000 if facts.retry_after_ms else None,
            )
        if status == 429:
            return _Failure(
                errors.Throttled(
                    f"{call.subject}: the service is throttling requests (HTTP 429 with {kind})",
                    hint="lower mms:maxConcurrency, or retry later",
                    **ctx,
                ),
                retryable=True,
                retry_after_s=facts.retry_after_ms / 1000 if facts.retry_after_ms else None,
            )
        return _Failure(
            errors.MalformedResponse(
                f"{call.subject}: the service answered HTTP {status} with {kind}",
                hint="check that the endpoint is the MaxCompute API, not a proxy, gateway or portal page",
                **ctx,
            ),
            retryable=False,
        )

    def _client_error(
        self,
        call: _Call,
        status: int | None,
        code: str | None,
        server_message: str,
        data: Mapping[str, Any],
        ctx: dict[str, Any],
    ) -> errors.MmsError:
        code_text = code or ""
        credential_codes = (
            "Signature",
            "InvalidAccessKey",
            "InvalidSecurityToken",
            "IncompleteSignature",
            "InvalidTimeStamp",
            "InvalidCredentials",
            "Forbidden.AccessKey",
        )
        if code_text.startswith(("InvalidAction", "InvalidApi", "InvalidVersion")):
            return errors.InvalidRequest(
                f"{call.subject}: the endpoint does not serve this API: {server_message}",
                hint="check mms:endpoint (and mms:region): it must be the MaxCompute endpoint",
                **ctx,
            )
        if status == 404 or ("NotFound" in code_text and "AccessKey" not in code_text):
            return errors.DataSourceNotFound(
                f"{call.subject} does not exist: {server_message}",
                hint="check the id and the region (data source ids differ per region and account)",
                **ctx,
            )
        if not code_text.startswith(credential_codes) and (
            code_text.startswith(("Forbidden", "NoPermission")) or (status == 403 and "RAM" in code_text)
        ):
            action, resource = self._denied(call, data, server_message)
            return errors.PermissionDenied(
                f"{call.subject}: access denied: {server_message}",
                hint=f"grant RAM action {action} on resource {resource} to the caller",
                **ctx,
            )
        if status in (401, 403) or code_text.startswith(credential_codes):
            if code_text.startswith("InvalidTimeStamp"):
                hint = (
                    "the request date was refused: this machine's clock is off; synchronise it (NTP) "
                    "and retry"
                )
            elif code_text.startswith("InvalidSecurityToken"):
                hint = "the STS token is missing, wrong or expired: obtain fresh temporary credentials"
            elif code_text.startswith("InvalidCredentials"):
                hint = (
                    "no credentials were found: set mms:accessKey/mms:secretKey or ALIBABA_CLOUD_ACCESS_KEY_*"
                )
            elif code_text.startswith("InvalidAccessKeyId"):
                hint = "the access key id is unknown or disabled: check mms:accessKey (or the profile in use)"
            elif code_text.startswith(("Signature", "IncompleteSignature")):
                hint = "the signature did not match: check that the access key secret belongs to the key id"
            else:
                hint = "check the access key id and secret (and that the key is enabled)"
            return errors.CredentialsError(
                f"{call.subject}: credentials refused: {server_message}", hint=hint, **ctx
            )
        return errors.InvalidRequest(f"{call.subject}: request rejected: {server_message}", **ctx)

    def _denied(self, call: _Call, data: Mapping[str, Any], server_message: str) -> tuple[str, str]:
        """The RAM action and resource to grant: as the service named them, else as documented."""
        detail = data.get("accessDeniedDetail") or data.get("AccessDeniedDetail")
        detail = detail if isinstance(detail, Mapping) else {}
        action = detail.get("AuthAction")
        resource = detail.get("AuthResource")
        if not (isinstance(resource, str) and resource.startswith("acs:")):
            found = _RESOURCE.search(server_message)
            resource = found.group(0).rstrip(".") if found else None
        if not resource:
            owner = detail.get("AuthPrincipalOwnerId")
            account = str(owner) if isinstance(owner, (str, int)) and str(owner).isdigit() else "<account>"
            resource = (
                f"acs:odps:{self.settings.region or '<region>'}:{account}:"
                f"mmsdatasource/{call.source_id or '*'}"
            )
        if not (isinstance(action, str) and action.startswith("odps:")):
            action = f"odps:{call.action}"
        return action, resource

    def _parse(self, model: type[_M], result: Any, call: _Call, attempts: int) -> _M:
        body = result.get("body") if isinstance(result, dict) else None
        status = result.get("statusCode") if isinstance(result, dict) else None
        request_id = body.get("requestId") if isinstance(body, dict) else None
        if not isinstance(request_id, str) or not request_id:
            request_id = self.session.last_response().request_id
        ctx = self._context(
            call,
            request_id=request_id,
            status_code=status if isinstance(status, int) else None,
            attempts=attempts,
        )
        if isinstance(status, int) and not 200 <= status < 300:
            # tea returns 1xx/3xx answers as if they were data; the API never sends them, and a redirect
            # is not followed (it would carry the signed request, STS token included, elsewhere).
            raise errors.MalformedResponse(
                f"{call.subject}: unexpected HTTP {status} instead of a response",
                hint="check that mms:endpoint is the MaxCompute API endpoint (redirects are not followed)",
                **ctx,
            )
        try:
            return model.model_validate(body)
        except pydantic.ValidationError as error:
            first = error.errors(include_url=False, include_input=False)[0]
            path = ".".join(str(part) for part in first["loc"]) or "<body>"
            problem = first["msg"]
        # Raised outside the handler: pydantic's error (which quotes the input) is not kept as context.
        raise errors.MalformedResponse(f"{call.subject}: unexpected response at {path}: {problem}", **ctx)


_RESOURCE = re.compile(r"acs:odps:[A-Za-z0-9_.:/*-]+")


def _data(error: Any) -> Mapping[str, Any]:
    data = getattr(error, "data", None)
    return data if isinstance(data, Mapping) else {}


def _server_message(error: Any) -> str:
    message = _data(error).get("message") or _data(error).get("Message")
    if message:
        return str(message)[:300]
    code = getattr(error, "code", None)
    return str(code) if code not in (None, "None", "") else "no message"


def _is_transport_error(error: BaseException) -> bool:
    """A failure to connect, send or receive (darabonba wraps requests' IOErrors in RetryError)."""
    from darabonba.exceptions import RetryError

    return isinstance(error, (RetryError, OSError, requests.exceptions.RequestException))


def _transport_detail(error: BaseException) -> str:
    text = str(getattr(error, "message", None) or error)
    lowered = text.lower()
    if "timed out" in lowered or "timeout" in lowered:
        return "timed out"
    if "refused" in lowered:
        return "connection refused"
    if "reset" in lowered or "aborted" in lowered or "remote end closed" in lowered:
        return "connection reset"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "resolve" in lowered:
        return "host name not resolved"
    return type(error).__name__


_shared: dict[Settings, MmsClient] = {}
_shared_lock = threading.Lock()


def shared_client(settings: Settings) -> MmsClient:
    """One client per distinct settings in this process: its pool and limit are shared by all callers."""
    with _shared_lock:
        client = _shared.get(settings)
        if client is None:
            client = _shared[settings] = MmsClient(settings)
        return client
