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
from .transport import ResponseFacts


@attrs.frozen
class Call:
    """One API call: what to send and what it is about (for error messages)."""

    action: str
    pathname: str
    query: Mapping[str, str]
    source_id: int | None = None
    subject: str = ""


@attrs.frozen
class Failure:
    """A failed attempt, translated, and whether another attempt may help."""

    error: errors.MmsError
    retryable: bool
    retry_after_s: float | None = None


class Translator:
    """Translates the failures of one client (its region and endpoint go into every error)."""

    def __init__(self, region: str | None, endpoint: str, secrets: tuple[str, ...]) -> None:
        self.region = region
        self.endpoint = endpoint
        self._secrets = secrets

    def context(self, call: Call, **extra: Any) -> dict[str, Any]:
        facts = {key: self.scrub(value) if isinstance(value, str) else value for key, value in extra.items()}
        return {
            "source_id": call.source_id,
            "region": self.region,
            "endpoint": self.endpoint,
            **facts,
        }

    def scrub(self, text: str) -> str:
        """`text` from the server without our secret or token (a server or proxy may echo them)."""
        for secret in self._secrets:
            text = text.replace(secret, "********")
        return text

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
        if facts.truncated:
            return Failure(
                errors.MalformedResponse(
                    f"{call.subject}: the response body was cut off (the connection closed early)", **ctx
                ),
                retryable=False,
            )
        if facts.undecodable:
            return Failure(
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
        return Failure(errors.ServiceUnavailable(message, hint=hint, **ctx), retryable=True)

    def _response_error(self, error: Any, throttling: bool, call: Call, facts: ResponseFacts) -> Failure:
        """An error response in Alibaba Cloud's JSON format (tea's ClientException/ServerException)."""
        status = error.status_code or facts.status
        code = self.scrub(str(error.code)) if error.code not in (None, "None", "") else None
        request_id = getattr(error, "request_id", None)
        request_id = request_id if request_id not in (None, "None", "") else facts.request_id
        request_id = self.scrub(str(request_id)) if request_id is not None else None
        server_message = self.scrub(_server_message(error))
        ctx = self.context(call, code=code, status_code=status, request_id=request_id)
        retry_after_ms = (error.retry_after if throttling else None) or facts.retry_after_ms
        retry_after_s = retry_after_ms / 1000 if retry_after_ms else None
        # x-acs-retry-after is honoured as the delay of any retry, but does not make an error retryable:
        # the status and the code decide (tea calls any response with the header a ThrottlingException).
        if status == 429 or (code or "").startswith("Throttling") or (throttling and status == 503):
            return Failure(
                errors.Throttled(
                    f"{call.subject}: the service is throttling requests: {server_message}",
                    hint="lower mms:maxConcurrency, or retry later",
                    **ctx,
                ),
                retryable=True,
                retry_after_s=retry_after_s,
            )
        if status is not None and status >= 500:
            return Failure(
                errors.ServiceUnavailable(f"{call.subject}: server error: {server_message}", **ctx),
                retryable=True,
                retry_after_s=retry_after_s,
            )
        return Failure(
            self._client_error(call, status, code, server_message, _data(error), ctx), retryable=False
        )

    def _unreadable_body(self, call: Call, facts: ResponseFacts, ctx: dict[str, Any]) -> Failure:
        """A response arrived, but its body is not a JSON response tea can read.

        5xx: a gateway's or load balancer's error page, transient. 429: a throttling page, transient.
        Anything else (a 2xx, 3xx or 4xx with such a body) is permanent: retrying returns the same thing.
        """
        status = facts.status or 0
        content_type = self.scrub((facts.content_type or "no content type")[:80])
        kind = f"a body that is not a JSON response ({content_type})"
        if status >= 500:
            return Failure(
                errors.ServiceUnavailable(f"{call.subject}: server error HTTP {status} with {kind}", **ctx),
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

    def _client_error(
        self,
        call: Call,
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

    def _denied(self, call: Call, data: Mapping[str, Any], server_message: str) -> tuple[str, str]:
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
            resource = f"acs:odps:{self.region or '<region>'}:{account}:mmsdatasource/{call.source_id or '*'}"
        if not (isinstance(action, str) and action.startswith("odps:")):
            action = f"odps:{call.action}"
        return action, resource


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
