"""How a failed attempt becomes an `MmsError`: the one place tea, darabonba and requests errors are mapped.

Every exception of one attempt (tea's ClientException/ServerException/ThrottlingException, darabonba's
wrapped transport errors, a body tea could not read) is translated here, with what our session saw of
the response (`ResponseFacts`), into one class of the hierarchy in `pulumi_mms.errors`, and classified
as worth retrying or not. Nothing of the original is kept: tea's exceptions carry the signed request,
and their messages may quote a whole response body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
import requests

from . import errors
from .secrets import Scrubber
from .transport import ResponseFacts


@attrs.frozen
class Call:
    """One API call: what to send and what it is about (for error messages)."""

    action: str
    pathname: str
    query: Mapping[str, str]
    source_id: int | None = None
    subject: str = ""
    asks_for: str = ""
    """What the call asks for beneath its data source (`job`, or `task` for a task's logs): what a 404
    says is missing. Empty when the only thing that can be missing is the data source itself."""


@attrs.frozen
class Failure:
    """A failed attempt, translated, and whether another attempt may help."""

    error: errors.MmsError
    retryable: bool
    retry_after_s: float | None = None


@attrs.frozen
class Rule:
    """One row of the error table: the error answers it covers, and what they become.

    A rule matches when the code starts with one of `codes` (or contains one of `contains`), or when
    the HTTP status is in `statuses` (only with an `x-acs-retry-after` header if `with_retry_after`).
    """

    name: str
    error: type[errors.MmsError]
    summary: str
    """The message before the server's own, `{subject}` standing for what the call was about."""
    hint: str
    codes: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    statuses: tuple[int, ...] = ()
    with_retry_after: bool = False
    retryable: bool = False

    def matches_code(self, code: str) -> bool:
        return code.startswith(self.codes) or any(part in code for part in self.contains)

    def matches_status(self, status: int | None, retry_after_header: bool) -> bool:
        return status in self.statuses and (retry_after_header or not self.with_retry_after)


_THROTTLING = "{subject}: the service is throttling requests"
_THROTTLED = "lower mms:maxConcurrency, or retry later"
_SERVER_ERRORS = tuple(range(500, 600))
_CLIENT_ERRORS = tuple(range(400, 500))

RULES: tuple[Rule, ...] = (
    # Precedence 1: the error code, most specific first. Credential codes come before permission codes
    # (`Forbidden.AccessKeyDisabled` is about the key, not RAM) and before the status: a 404 with
    # `InvalidAccessKeyId.NotFound` is a key the service does not know, not a missing data source.
    Rule("throttling", errors.Throttled, _THROTTLING, _THROTTLED,
         codes=("Throttling",), retryable=True),
    Rule("clock", errors.CredentialsError, "{subject}: credentials refused",
         "the request date was refused: this machine's clock is off; synchronise it (NTP) and retry",
         codes=("InvalidTimeStamp",)),
    Rule("sts token", errors.CredentialsError, "{subject}: credentials refused",
         "the STS token is missing, wrong or expired: obtain fresh temporary credentials",
         codes=("InvalidSecurityToken",)),
    Rule("no credentials", errors.CredentialsError, "{subject}: credentials refused",
         "no credentials were found: set mms:accessKey/mms:secretKey or ALIBABA_CLOUD_ACCESS_KEY_*",
         codes=("InvalidCredentials",)),
    Rule("access key", errors.CredentialsError, "{subject}: credentials refused",
         "the access key id is unknown or disabled: check mms:accessKey (or the profile in use)",
         codes=("InvalidAccessKeyId", "Forbidden.AccessKey", "InvalidAccessKey")),
    Rule("signature", errors.CredentialsError, "{subject}: credentials refused",
         "the signature did not match: check that the access key secret belongs to the key id",
         codes=("SignatureDoesNotMatch", "Signature", "IncompleteSignature")),
    Rule("wrong endpoint", errors.InvalidRequest, "{subject}: the endpoint does not serve this API",
         "check mms:endpoint (and mms:region): it must be the MaxCompute endpoint",
         codes=("InvalidAction", "InvalidApi", "InvalidVersion")),
    Rule("permission", errors.PermissionDenied, "{subject}: access denied",
         "grant the RAM action named in the message to the caller",
         codes=("Forbidden", "NoPermission", "AccessDenied")),
    Rule("not found", errors.NotFound, "{subject} does not exist",
         "check the id and the region (data source ids differ per region and account)",
         contains=("NotFound",)),
    # Precedence 2: the HTTP status, for codes no rule above knows.
    Rule("throttled status", errors.Throttled, _THROTTLING, _THROTTLED,
         statuses=(429,), retryable=True),
    Rule("busy with retry-after", errors.Throttled, _THROTTLING, _THROTTLED,
         statuses=(503,), with_retry_after=True, retryable=True),
    Rule("unauthenticated", errors.CredentialsError, "{subject}: credentials refused",
         "check the access key id and secret (and that the key is enabled)", statuses=(401, 403)),
    Rule("missing", errors.NotFound, "{subject} does not exist",
         "check the id and the region (data source ids differ per region and account)", statuses=(404,)),
    Rule("server error", errors.ServiceUnavailable, "{subject}: server error",
         "a temporary problem of the service: retry later (raise mms:maxRetries or mms:totalTimeout to "
         "keep retrying longer)", statuses=_SERVER_ERRORS, retryable=True),
    Rule("rejected", errors.InvalidRequest, "{subject}: request rejected",
         "the service refused the request's arguments: check the values the message names against the "
         "API reference", statuses=_CLIENT_ERRORS),
)  # fmt: skip
"""The mapping of error answers, in order of precedence: the first rule that matches wins."""


def _not_found(call: Call, code: str | None, message: str, hint: str, ctx: dict[str, Any]) -> errors.NotFound:
    """A 404 is about the data source when the call asks for nothing beneath it, or when the service's
    code says so (`NotFound.DataSource`: a job asked for in a data source that does not exist)."""
    if not call.asks_for or "datasource" in (code or "").lower():
        return errors.DataSourceNotFound(message, hint=hint, **ctx)
    return errors.NotFound(
        message,
        kind=call.asks_for,
        hint=f"check the {call.asks_for} id: it must be one of the data source's (and the data source id)",
        **ctx,
    )


def match_rule(status: int | None, code: str | None, *, retry_after_header: bool = False) -> Rule | None:
    """The rule of RULES for an error answer: codes first (in table order), then the status."""
    if code:
        for rule in RULES:
            if (rule.codes or rule.contains) and rule.matches_code(code):
                return rule
    for rule in RULES:
        if rule.statuses and rule.matches_status(status, retry_after_header):
            return rule
    return None


class Translator:
    """Translates the failures of one client (its region and endpoint go into every error)."""

    def __init__(
        self,
        region: str | None,
        endpoint: str,
        secrets: tuple[str, ...],
        *,
        deadline_s: float | None = None,
    ) -> None:
        self.region = region
        self.endpoint = endpoint
        self.deadline_s = deadline_s
        self.scrub = Scrubber(secrets)
        """Removes our secret and token from text the server sent (a server or proxy may echo them)."""

    def context(self, call: Call, **extra: Any) -> dict[str, Any]:
        facts = {key: self.scrub(value) if isinstance(value, str) else value for key, value in extra.items()}
        return {
            "source_id": call.source_id,
            "region": self.region,
            "endpoint": self.endpoint,
            **facts,
        }

    def failure(self, error: Exception, call: Call, facts: ResponseFacts) -> Failure:
        """Map anything tea, darabonba or requests raised for one attempt to an `MmsError`.

        Nothing of the original is kept (no `__cause__`, no `__context__`): tea's exceptions carry the
        request, and its messages may quote a whole response body.
        """
        from alibabacloud_tea_openapi.exceptions import ThrottlingException
        from darabonba.exceptions import ResponseException
        from Tea.exceptions import UnretryableException

        if isinstance(error, ResponseException):
            return self._response_error(error, isinstance(error, ThrottlingException), call, facts)
        inner = error.inner_exception if isinstance(error, UnretryableException) else error
        if isinstance(inner, errors.MmsError):  # raised by our credentials chain inside tea
            return Failure(inner.with_context(**self.context(call)), retryable=False)
        ctx = self.context(call, status_code=facts.status, request_id=facts.request_id)
        if facts.deadline_exceeded:
            deadline = f"{self.deadline_s:g} s" if self.deadline_s is not None else "the deadline"
            return Failure(
                errors.ServiceUnavailable(
                    f"{call.subject}: timed out: no complete answer within the total deadline of {deadline} "
                    "(mms:totalTimeout): the connection was closed",
                    hint="the endpoint answered too slowly; retry later, check the network and any proxy "
                    "in between, or raise mms:totalTimeout",
                    **ctx,
                ),
                retryable=True,
            )
        if facts.too_large is not None:
            return Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the response is larger than {facts.too_large} bytes once decoded "
                    "(mms:maxResponseBytes); it was not read further",
                    hint="if so large an answer is expected (e.g. thousands of config items), raise "
                    "mms:maxResponseBytes; otherwise check that mms:endpoint is the MaxCompute API",
                    **ctx,
                ),
                retryable=False,
            )
        if facts.truncated:
            return Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the response body was cut off (the connection closed early)",
                    hint="retry; if it keeps happening, check for a proxy or network device that cuts "
                    "responses short",
                    **ctx,
                ),
                retryable=False,
            )
        if facts.undecodable:
            return Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the response body could not be decoded "
                    "(its Content-Encoding does not match its bytes)",
                    hint="check for a proxy or gateway that alters responses between here and mms:endpoint",
                    **ctx,
                ),
                retryable=False,
            )
        if facts.received_headers and not _is_transport_error(inner):
            return self.unreadable_body(call, facts, ctx)
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
        return Failure(errors.ServiceUnavailable(message, hint=hint, **ctx), retryable=True)

    def _response_error(self, error: Any, throttling: bool, call: Call, facts: ResponseFacts) -> Failure:
        """An error response in Alibaba Cloud's JSON format (tea's ClientException/ServerException)."""
        status = error.status_code or facts.status
        code = str(error.code) if error.code not in (None, "None", "") else None
        request_id = getattr(error, "request_id", None)
        request_id = request_id if request_id not in (None, "None", "") else facts.request_id
        retry_after_ms = (error.retry_after if throttling else None) or facts.retry_after_ms
        return self.answered_error(
            call,
            status=status,
            code=code,
            message=_server_message(error),
            request_id=str(request_id) if request_id is not None else None,
            data=_data(error),
            retry_after_s=retry_after_ms / 1000 if retry_after_ms else None,
            retry_after_header=throttling,
        )

    def answered_error(
        self,
        call: Call,
        *,
        status: int | None,
        code: str | None,
        message: str,
        request_id: str | None,
        data: Mapping[str, Any],
        retry_after_s: float | None = None,
        retry_after_header: bool = False,
    ) -> Failure:
        """The service answered with an error (its code and message): the first rule of RULES that
        matches decides the class. Also used for a 2xx whose body is an error instead of data."""
        code = self.scrub(code) if code is not None else None
        request_id = self.scrub(request_id) if request_id is not None else None
        server_message = self.scrub.clip(message, MESSAGE_LIMIT)  # scrubbed before the cut
        ctx = self.context(call, code=code, status_code=status, request_id=request_id)
        rule = match_rule(status, code, retry_after_header=retry_after_header)
        if rule is None:
            return Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the service answered HTTP {status} with an error instead of data: "
                    f"{server_message}",
                    hint="retry later; if it persists, report it to Alibaba Cloud with the request id",
                    **ctx,
                ),
                retryable=False,
            )
        hint = rule.hint
        message = f"{rule.summary.format(subject=call.subject)}: {server_message}"
        if rule.error is errors.PermissionDenied:
            action, resource = self._denied(call, data, server_message)
            hint = f"grant RAM action {action} on resource {resource} to the caller"
        if rule.error is errors.NotFound:
            return Failure(_not_found(call, code, message, hint, ctx), retryable=False)
        return Failure(
            rule.error(message, hint=hint, **ctx),
            retryable=rule.retryable,
            retry_after_s=retry_after_s if rule.retryable else None,
        )

    def unreadable_body(self, call: Call, facts: ResponseFacts, ctx: dict[str, Any]) -> Failure:
        """A response arrived, but its body is not a JSON response tea can read.

        5xx: a gateway's or load balancer's error page, transient. 429: a throttling page, transient.
        Anything else (a 2xx, 3xx or 4xx with such a body) is permanent: retrying returns the same thing.
        """
        status = facts.status or 0
        content_type = self.scrub.clip(facts.content_type or "no content type", CONTENT_TYPE_LIMIT)
        kind = f"a body that is not a JSON response ({content_type})"
        if status >= 500:
            return Failure(
                errors.ServiceUnavailable(
                    f"{call.subject}: server error HTTP {status} with {kind}",
                    hint="a gateway or load balancer answered instead of the MaxCompute API: retry later; "
                    "if it persists, check mms:endpoint and any proxy in between",
                    **ctx,
                ),
                retryable=True,
                retry_after_s=facts.retry_after_ms / 1000 if facts.retry_after_ms else None,
            )
        if status == 429:
            return Failure(
                errors.Throttled(
                    f"{call.subject}: the service is throttling requests (HTTP 429 with {kind})",
                    hint="lower mms:maxConcurrency, or retry later",
                    **ctx,
                ),
                retryable=True,
                retry_after_s=facts.retry_after_ms / 1000 if facts.retry_after_ms else None,
            )
        return Failure(
            errors.MalformedResponse(
                f"{call.subject}: the service answered HTTP {status} with {kind}",
                hint="check that the endpoint is the MaxCompute API, not a proxy, gateway or portal page",
                **ctx,
            ),
            retryable=False,
        )

    def _denied(self, call: Call, data: Mapping[str, Any], server_message: str) -> tuple[str, str]:
        """The RAM action and resource to grant: as the service named them, else as documented."""
        detail = data.get("accessDeniedDetail") or data.get("AccessDeniedDetail")
        # Server text like the message: scrubbed of echoed credentials before it is used anywhere.
        detail = (
            {k: self.scrub.clip(v, MESSAGE_LIMIT) if isinstance(v, str) else v for k, v in detail.items()}
            if isinstance(detail, Mapping)
            else {}
        )
        action = detail.get("AuthAction")
        resource = detail.get("AuthResource")
        if not (isinstance(resource, str) and resource.startswith("acs:")):
            found = _RESOURCE.search(server_message)
            resource = found.group(0).rstrip(".") if found else None
        if not resource:
            owner = detail.get("AuthPrincipalOwnerId")
            account = str(owner) if isinstance(owner, (str, int)) and str(owner).isdigit() else "<account>"
            resource = f"acs:odps:{self.region or '<region>'}:{account}:mmsdatasource/{call.source_id or '*'}"
        if not (isinstance(action, str) and action.startswith("odps:")):
            action = f"odps:{call.action}"
        return action, resource


MESSAGE_LIMIT = 300
"""The server's message is cut to this many characters (after scrubbing: a cut secret no longer matches)."""
CONTENT_TYPE_LIMIT = 80

_RESOURCE = re.compile(r"acs:odps:[A-Za-z0-9_.:/*-]+")


def _data(error: Any) -> Mapping[str, Any]:
    data = getattr(error, "data", None)
    return data if isinstance(data, Mapping) else {}


def _server_message(error: Any) -> str:
    message = _data(error).get("message") or _data(error).get("Message")
    if message:
        return str(message)  # whole: the caller scrubs it, then cuts it to MESSAGE_LIMIT
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
