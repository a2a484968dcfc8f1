"""The package's one exception hierarchy.

Everything the package raises for bad input, bad configuration or a failed API call is an `MmsError`:

    MmsError
    ├── ValidationError        bad argument or setting, raised before any request is sent
    ├── CredentialsError       no usable credentials, or the service refused them (bad key, signature, token)
    ├── PermissionDenied       the credentials are valid but RAM does not allow odps:GetMmsDataSource
    ├── NotFound               a job, db, table, partition, task, timer... asked for does not exist
    │   └── DataSourceNotFound no data source with that id (or name) in the region
    ├── AmbiguousDataSource    a name matches several data sources
    ├── NotReady               a data source waited for failed to start, or was not ready in time
    ├── InvalidRequest         any other 4xx the service answered
    ├── Throttled              the service kept throttling after every retry
    ├── ServiceUnavailable     5xx, connection failures and timeouts after every retry
    └── MalformedResponse      the service answered something that is not a valid response

Each carries what a person needs to act: the data source, the region, the endpoint, the error code, the
HTTP status, the request id and (after retries) how many attempts were made. No message or repr ever
contains a secret: nothing secret is passed in.
"""

from __future__ import annotations

from typing import Any, TypeVar

_E = TypeVar("_E", bound="MmsError")


class MmsError(Exception):
    """Base class of every error raised by pulumi_mms."""

    def __init__(
        self,
        message: str,
        *,
        source_id: int | str | None = None,
        region: str | None = None,
        endpoint: str | None = None,
        code: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        attempts: int | None = None,
    ) -> None:
        self.message = message
        self.source_id = source_id
        self.region = region
        self.endpoint = endpoint
        self.code = code
        self.status_code = status_code
        self.request_id = request_id
        self.hint = hint
        self.attempts = attempts
        super().__init__(self._render())

    def with_context(self: _E, **facts: Any) -> _E:
        """Fill the facts this error does not know yet (e.g. the region of a credentials-chain error).

        Facts already set are kept; the message is re-rendered. Returns the error itself.
        """
        for name, value in facts.items():
            if name not in _CONTEXT_FIELDS:
                raise TypeError(f"unknown error context field {name!r}")
            if value is not None and getattr(self, name, None) is None:
                setattr(self, name, value)
        self.args = (self._render(),)
        return self

    def _render(self) -> str:
        parts = [self.message]
        facts = [
            template.format(value)
            for template, value in (
                ("code {}", self.code),
                ("HTTP {}", self.status_code),
                ("region {}", self.region),
                ("endpoint {}", self.endpoint),
                ("request id {}", self.request_id),
                ("{} attempts", self.attempts if (self.attempts or 0) > 1 else None),
            )
            if value not in (None, "")
        ]
        if facts:
            parts.append(f"({', '.join(facts)})")
        if self.hint:
            parts.append(f"Fix: {self.hint}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._render()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep keyword-only context across pickling (the dynamic host and process pools pickle errors).
        return (_rebuild, (type(self), self.message, self.context()))

    def context(self) -> dict[str, Any]:
        """The structured facts of the error (no secrets), e.g. for logs or JSON output."""
        return {
            "source_id": self.source_id,
            "region": self.region,
            "endpoint": self.endpoint,
            "code": self.code,
            "status_code": self.status_code,
            "request_id": self.request_id,
            "hint": self.hint,
            "attempts": self.attempts,
        }


_CONTEXT_FIELDS = frozenset(
    ("source_id", "region", "endpoint", "code", "status_code", "request_id", "hint", "attempts")
)


def _rebuild(cls: type[MmsError], message: str, context: dict[str, Any]) -> MmsError:
    return cls(message, **context)


class ValidationError(MmsError, ValueError):
    """An argument or setting is invalid; raised before any request is sent.

    `argument` names the offending argument or config key.
    """

    def __init__(self, argument: str, message: str, **context: Any) -> None:
        self.argument = argument
        super().__init__(message, **context)

    def _render(self) -> str:
        return f"invalid {self.argument}: {super()._render()}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_validation, (type(self), self.argument, self.message, self.context()))


def _rebuild_validation(
    cls: type[ValidationError], argument: str, message: str, context: dict[str, Any]
) -> ValidationError:
    return cls(argument, message, **context)


class CredentialsError(MmsError):
    """No credentials were found, or the service refused them (unknown key, bad signature, expired token)."""


class PermissionDenied(MmsError):
    """The caller is authenticated but not allowed by RAM to read the data source."""


class NotFound(MmsError, LookupError):
    """The thing asked for does not exist: a job, db, table, partition, task, timer or data source.

    `kind` names what it was (`job`, `table`, `data source`...); the message names which one.
    `except NotFound` catches every missing thing, `except DataSourceNotFound` only missing data sources.
    """

    kind_default = "item"

    def __init__(self, message: str, *, kind: str | None = None, **context: Any) -> None:
        self.kind = kind or self.kind_default
        super().__init__(message, **context)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_not_found, (type(self), self.message, self.kind, self.context()))


def _rebuild_not_found(cls: type[NotFound], message: str, kind: str, context: dict[str, Any]) -> NotFound:
    return cls(message, kind=kind, **context)


class DataSourceNotFound(NotFound):
    """No data source with that id (or name) exists in the region."""

    kind_default = "data source"


class AmbiguousDataSource(MmsError, LookupError):
    """A name matches several data sources; look it up by id instead."""


class NotReady(MmsError):
    """A data source did not reach the awaited state: it failed (START_FAILED, STOP_FAILED) or timed out.

    `status` is the last status seen.
    """

    def __init__(self, message: str, *, status: str | None = None, **context: Any) -> None:
        self.status = status
        super().__init__(message, **context)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_not_ready, (type(self), self.message, self.status, self.context()))


def _rebuild_not_ready(
    cls: type[NotReady], message: str, status: str | None, context: dict[str, Any]
) -> NotReady:
    return cls(message, status=status, **context)


class InvalidRequest(MmsError):
    """The service rejected the request as invalid (a 4xx other than auth, permission or not found)."""


class Throttled(MmsError):
    """The service was still throttling when the retry budget ran out."""


class ServiceUnavailable(MmsError):
    """A server error, connection failure or timeout persisted through every retry."""


class MalformedResponse(MmsError):
    """The service answered with a body that is not a valid response (not JSON, truncated, wrong shape)."""


__all__ = [
    "AmbiguousDataSource",
    "CredentialsError",
    "DataSourceNotFound",
    "InvalidRequest",
    "MalformedResponse",
    "MmsError",
    "NotFound",
    "NotReady",
    "PermissionDenied",
    "ServiceUnavailable",
    "Throttled",
    "ValidationError",
]
