"""Emulator errors, rendered the way Alibaba Cloud's API gateway reports them.

Every error becomes a JSON body ``{"requestId", "code", "message", "httpCode"}`` (plus optional extra
fields such as ``accessDeniedDetail``) and an ``x-acs-request-id`` header.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

JSON_CONTENT_TYPE = "application/json;charset=utf-8"


def new_request_id() -> str:
    """A fresh request id in Alibaba Cloud's style (upper-case UUID)."""
    return str(uuid.uuid4()).upper()


class EmulatorError(Exception):
    """An API error answered to the client. Subclasses fix the HTTP status and error code."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "InternalError"
    default_message: ClassVar[str] = "The request processing has failed due to some unknown error."

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.headers: dict[str, str] = dict(headers or {})
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__(f"{self.http_status} {self.error_code}: {self.message}")

    @property
    def http_status(self) -> int:
        return self.status

    @property
    def error_code(self) -> str:
        return self.code

    def to_body(self, request_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "requestId": request_id,
            "code": self.error_code,
            "message": self.message,
            "httpCode": self.http_status,
        }
        body.update(self.extra)
        return body

    def render(self, request_id: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body bytes of the error response."""
        body = json.dumps(self.to_body(request_id), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": JSON_CONTENT_TYPE, "x-acs-request-id": request_id, **self.headers}
        return self.http_status, headers, body


class CustomError(EmulatorError):
    """An error with a status and code chosen at run time (used by fault injection)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._status = status
        self._code = code
        super().__init__(message if message is not None else f"Injected error {code}.", headers=headers)

    @property
    def http_status(self) -> int:
        return self._status

    @property
    def error_code(self) -> str:
        return self._code


class DataSourceNotFound(EmulatorError):
    status = 404
    code = "NotFound.DataSource"

    def __init__(self, source_id: int) -> None:
        super().__init__(f"The data source {source_id} does not exist.")


class ActionNotFound(EmulatorError):
    status = 404
    code = "InvalidAction.NotFound"
    default_message = "Specified api is not found, please check your url and method."


class SignatureDoesNotMatch(EmulatorError):
    status = 403
    code = "SignatureDoesNotMatch"
    default_message = "Specified signature does not match our calculation."


class InvalidAccessKeyIdNotFound(EmulatorError):
    status = 403
    code = "InvalidAccessKeyId.NotFound"
    default_message = "Specified access key is not found."


class SecurityTokenExpired(EmulatorError):
    status = 403
    code = "InvalidSecurityToken.Expired"
    default_message = "Specified SecurityToken is expired."


class SecurityTokenMismatch(EmulatorError):
    status = 403
    code = "InvalidSecurityToken.Mismatch"
    default_message = "Specified SecurityToken mismatch with the AccessKey."


class RamForbidden(EmulatorError):
    status = 403
    code = "Forbidden.RAM"

    def __init__(self, *, action: str, resource: str, access_key_id: str, account_id: str) -> None:
        super().__init__(
            f"User not authorized to operate on the specified resource: you are not authorized to do "
            f"action {action} on resource {resource} (access key {access_key_id}).",
            extra={
                "accessDeniedDetail": {
                    "AuthAction": action,
                    "AuthResource": resource,
                    "AuthPrincipalDisplayName": access_key_id,
                    "AuthPrincipalOwnerId": account_id,
                    "NoPermissionType": "ImplicitDeny",
                    "PolicyType": "AccountLevelIdentityBasedPolicy",
                }
            },
        )


class IncompleteSignature(EmulatorError):
    status = 403
    code = "IncompleteSignature"
    default_message = "The request signature does not conform to Aliyun standards."


class TimestampExpired(EmulatorError):
    status = 403
    code = "InvalidTimeStamp.Expired"
    default_message = "Specified time stamp or date value is expired."


class TimestampFormat(EmulatorError):
    status = 400
    code = "InvalidTimeStamp.Format"
    default_message = (
        "Specified time stamp or date value is not well formatted (expected %Y-%m-%dT%H:%M:%SZ)."
    )


class InvalidParameter(EmulatorError):
    status = 400
    code = "InvalidParameter"
    default_message = "The specified parameter is not valid."


class InvalidAction(EmulatorError):
    status = 400
    code = "InvalidAction"
    default_message = "The x-acs-action or x-acs-version header does not match the API at this path."


class Throttling(EmulatorError):
    status = 429
    code = "Throttling"
    default_message = "Request was denied due to request throttling."

    def __init__(self, retry_after_ms: int, message: str | None = None) -> None:
        super().__init__(message, headers={"x-acs-retry-after": str(retry_after_ms)})


class ServiceUnavailable(EmulatorError):
    status = 503
    code = "ServiceUnavailable"
    default_message = "The request has failed due to a temporary failure of the server."


class InternalError(EmulatorError):
    status = 500
    code = "InternalError"
