"""The signed MMS API client: tea-openapi's `call_api`, our retries, and the one place tea errors are mapped.

Requests are built with the same Params as the official SDK (alibabacloud-maxcompute20220104), so they
are byte-for-byte what Alibaba Cloud already accepts, and signed by tea (ACS3-HMAC-SHA256). Nothing from
tea or darabonba escapes this module: every failure becomes an `MmsError`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import attrs
import pydantic
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from . import errors, validation
from .credentials import credential_client
from .endpoints import resolve_endpoint
from .model import DataSourceSummary, GetMmsDataSourceResponse, ListMmsDataSourcesResponse
from .settings import Settings
from .transport import MmsSession, install_session

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
        self._tea = OpenApiClient(
            Config(
                credential=credential_client(self.settings.credentials, self.settings.profile, environ),
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
        query: dict[str, str] = {}
        if (wc := validation.with_config(with_config)) is not None:
            query["withConfig"] = str(wc)  # the SDK sends True/False, capitalised
        if (language := validation.lang(lang)) is not None:
            query["lang"] = language
        call = _Call(
            "GetMmsDataSource",
            f"/api/v1/mms/datasources/{quote(str(sid), safe='')}",
            query,
            source_id=sid,
            subject=f"data source {sid}",
        )
        return self._parse(GetMmsDataSourceResponse, self._call(call), call)

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
        query = {"pageNum": str(page_num), "pageSize": str(page_size)}
        for key, value in (("name", name), ("type", type), ("region", region)):
            if value is not None:
                if not isinstance(value, str) or not value:
                    raise errors.ValidationError(key, f"{key} must be a non-empty string, got {value!r}")
                query[key] = value
        call = _Call("ListMmsDataSources", "/api/v1/mms/datasources", query, subject="data source list")
        return self._parse(ListMmsDataSourcesResponse, self._call(call), call)

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

    def _call(self, call: _Call) -> Any:
        policy = self.settings.retry
        deadline = self.clock() + policy.deadline_s
        attempt = 0
        with self._slots:
            while True:
                attempt += 1
                remaining = deadline - self.clock()
                outcome = self._attempt(call, remaining)
                if not isinstance(outcome, _Failure):
                    return outcome
                if not outcome.retryable or attempt >= policy.max_attempts:
                    raise outcome.error
                backoff = self._rng.uniform(
                    0, min(policy.max_delay_s, policy.base_delay_s * 2 ** (attempt - 1))
                )
                delay = max(backoff, outcome.retry_after_s or 0.0)
                if self.clock() + delay >= deadline:
                    raise outcome.error
                log.debug(
                    "%s: attempt %d failed (%s), retrying in %.3fs",
                    call.subject,
                    attempt,
                    outcome.error.code,
                    delay,
                )
                self.sleep(delay)

    def _attempt(self, call: _Call, remaining_s: float) -> Any:
        read_timeout_ms = max(1, min(self.settings.read_timeout_ms, int(remaining_s * 1000)))
        runtime = RuntimeOptions(
            autoretry=False,
            connect_timeout=self.settings.connect_timeout_ms,
            read_timeout=read_timeout_ms,
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
        self.session.forget()
        try:
            return self._tea.call_api(params, OpenApiRequest(query=dict(call.query)), runtime)
        except Exception as error:
            return self._translate(error, call)

    # -- the one place tea's errors become ours ---------------------------------------------------

    def _context(self, call: _Call, **extra: Any) -> dict[str, Any]:
        return {
            "source_id": call.source_id,
            "region": self.settings.region,
            "endpoint": self.endpoint,
            **extra,
        }

    def _translate(self, error: Exception, call: _Call) -> _Failure:
        from alibabacloud_tea_openapi.exceptions import ThrottlingException
        from darabonba.exceptions import ResponseException
        from Tea.exceptions import UnretryableException

        facts = self.session.last_response()
        if isinstance(error, errors.MmsError):  # raised by our credentials chain inside tea
            return _Failure(error, retryable=False)
        if isinstance(error, ResponseException):
            status = error.status_code or facts.status
            code = str(error.code) if error.code not in (None, "None") else None
            request_id = getattr(error, "request_id", None)
            request_id = request_id if request_id not in (None, "None") else facts.request_id
            server_message = _server_message(error)
            ctx = self._context(call, code=code, status_code=status, request_id=request_id)
            if (
                isinstance(error, ThrottlingException)
                or status == 429
                or (code or "").startswith("Throttling")
            ):
                retry_after = error.retry_after if error.retry_after else facts.retry_after_ms
                return _Failure(
                    errors.Throttled(
                        f"{call.subject}: the service is throttling requests: {server_message}",
                        hint="lower mms:maxConcurrency, or retry later",
                        **ctx,
                    ),
                    retryable=True,
                    retry_after_s=(retry_after / 1000) if retry_after else None,
                )
            if status is not None and status >= 500:
                return _Failure(
                    errors.ServiceUnavailable(f"{call.subject}: server error: {server_message}", **ctx),
                    retryable=True,
                )
            return _Failure(self._client_error(call, status, code, server_message, ctx), retryable=False)
        inner = error.inner_exception if isinstance(error, UnretryableException) else error
        if isinstance(inner, errors.MmsError):
            return _Failure(inner, retryable=False)
        ctx = self._context(call, status_code=facts.status, request_id=facts.request_id)
        if facts.truncated:
            return _Failure(
                errors.MalformedResponse(f"{call.subject}: the response body was cut off", **ctx),
                retryable=False,
            )
        if facts.received_headers and isinstance(inner, ValueError):
            status = facts.status or 0
            if status in (502, 503, 504):  # a gateway's HTML error page: transient
                return _Failure(
                    errors.ServiceUnavailable(f"{call.subject}: gateway error (non-JSON body)", **ctx),
                    retryable=True,
                )
            return _Failure(
                errors.MalformedResponse(f"{call.subject}: the response body is not JSON", **ctx),
                retryable=False,
            )
        detail = _transport_detail(inner)
        return _Failure(
            errors.ServiceUnavailable(
                f"{call.subject}: could not reach the MMS API ({detail})",
                hint="check the region/endpoint, the network and any proxy (HTTPS_PROXY, NO_PROXY)",
                **ctx,
            ),
            retryable=True,
        )

    def _client_error(
        self, call: _Call, status: int | None, code: str | None, server_message: str, ctx: dict[str, Any]
    ) -> errors.MmsError:
        code_text = code or ""
        account = "<account>"
        resource = (
            f"acs:odps:{self.settings.region or '<region>'}:{account}:mmsdatasource/{call.source_id or '*'}"
        )
        if status == 404 or ("NotFound" in code_text and "AccessKey" not in code_text):
            return errors.DataSourceNotFound(
                f"{call.subject} does not exist: {server_message}",
                hint="check the id and the region (data source ids differ per region and account)",
                **ctx,
            )
        if code_text.startswith(("Forbidden", "NoPermission")) or (status == 403 and "RAM" in code_text):
            return errors.PermissionDenied(
                f"{call.subject}: access denied: {server_message}",
                hint=f"grant RAM action odps:{call.action} on resource {resource} to the caller",
                **ctx,
            )
        credential_codes = (
            "Signature",
            "InvalidAccessKey",
            "InvalidSecurityToken",
            "IncompleteSignature",
            "InvalidTimeStamp",
            "InvalidCredentials",
        )
        if status in (401, 403) or code_text.startswith(credential_codes):
            if code_text.startswith("InvalidTimeStamp"):
                hint = "the request date was refused: synchronise this machine's clock (NTP)"
            elif code_text.startswith("InvalidSecurityToken"):
                hint = "the STS token is missing, wrong or expired: obtain fresh temporary credentials"
            elif code_text.startswith("InvalidCredentials"):
                hint = (
                    "no credentials were found: set mms:accessKey/mms:secretKey or ALIBABA_CLOUD_ACCESS_KEY_*"
                )
            else:
                hint = "check the access key id and secret (and that the key is enabled)"
            return errors.CredentialsError(
                f"{call.subject}: credentials refused: {server_message}", hint=hint, **ctx
            )
        return errors.InvalidRequest(f"{call.subject}: request rejected: {server_message}", **ctx)

    def _parse(self, model: type[_M], result: Any, call: _Call) -> _M:
        body = result.get("body") if isinstance(result, dict) else None
        request_id = body.get("requestId") if isinstance(body, dict) else None
        try:
            return model.model_validate(body)
        except pydantic.ValidationError as error:
            first = error.errors()[0]
            path = ".".join(str(part) for part in first["loc"]) or "<body>"
            raise errors.MalformedResponse(
                f"{call.subject}: unexpected response at {path}: {first['msg']}",
                **self._context(
                    call,
                    request_id=request_id if isinstance(request_id, str) else None,
                    status_code=result.get("statusCode") if isinstance(result, dict) else None,
                ),
            ) from None


def _server_message(error: Any) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict):
        message = data.get("message") or data.get("Message")
        if message:
            return str(message)[:300]
    return str(getattr(error, "code", "") or "no message")


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
