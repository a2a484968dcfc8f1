"""The exception hierarchy: one base class, the facts a person needs, and safe pickling."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from pulumi_mms.core import errors
from pulumi_mms.core.errors import (
    AmbiguousDataSource,
    CredentialsError,
    DataSourceNotFound,
    InvalidRequest,
    MalformedResponse,
    MmsError,
    NotReady,
    PermissionDenied,
    ServiceUnavailable,
    Throttled,
    ValidationError,
)

FACTS: dict[str, Any] = {
    "source_id": 2000015,
    "region": "cn-shanghai",
    "endpoint": "maxcompute.aliyuncs.com",
    "code": "Some.Code",
    "status_code": 418,
    "request_id": "REQ-1",
    "hint": "do the thing",
}
CLASSES: list[type[MmsError]] = [
    CredentialsError,
    PermissionDenied,
    DataSourceNotFound,
    AmbiguousDataSource,
    InvalidRequest,
    Throttled,
    ServiceUnavailable,
    MalformedResponse,
]


def test_every_public_error_is_an_mms_error() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, MmsError), name
    assert issubclass(ValidationError, ValueError)  # bad input is also a ValueError
    assert issubclass(DataSourceNotFound, LookupError)


@pytest.mark.parametrize("cls", CLASSES)
def test_message_carries_every_fact(cls: type[MmsError]) -> None:
    error = cls("data source 2000015: it broke", **FACTS)
    text = str(error)
    assert text.startswith("data source 2000015: it broke")
    for fragment in ("code Some.Code", "HTTP 418", "region cn-shanghai", "maxcompute.aliyuncs.com", "REQ-1"):
        assert fragment in text
    assert text.endswith("Fix: do the thing")
    assert repr(error) == f"{cls.__name__}({text!r})"
    assert error.context() == {**FACTS, "attempts": None}


@pytest.mark.parametrize("cls", [*CLASSES, NotReady])
def test_errors_survive_pickling_with_their_context(cls: type[MmsError]) -> None:
    error = cls("broken", **FACTS, attempts=3)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.context() == error.context()


def test_validation_error_names_the_argument_and_pickles() -> None:
    error = ValidationError("source_id", "source_id must be a positive integer, got -1", source_id=-1)
    assert str(error).startswith("invalid source_id: ")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (copy.argument, str(copy)) == ("source_id", str(error))


def test_not_ready_keeps_its_status_through_pickling() -> None:
    copy = pickle.loads(pickle.dumps(NotReady("not started", status="STARTING", source_id=7)))  # noqa: S301 (our own bytes)
    assert (copy.status, copy.source_id) == ("STARTING", 7)


def test_with_context_fills_only_unknown_facts_and_rerenders() -> None:
    error = CredentialsError("no credentials found", hint="set keys", region=None)
    same = error.with_context(region="cn-beijing", endpoint="e.example", hint="other", attempts=1)
    assert same is error
    assert (error.region, error.endpoint, error.hint) == ("cn-beijing", "e.example", "set keys")
    assert "region cn-beijing, endpoint e.example" in str(error)
    assert "attempts" not in str(error)  # one attempt is not worth saying
    error.with_context(attempts=4)
    assert "4 attempts" not in str(error)  # attempts already known (1) is kept
    assert "4 attempts" in str(ServiceUnavailable("down").with_context(attempts=4))
    with pytest.raises(TypeError, match="unknown error context field"):
        error.with_context(secret="x")


def test_empty_facts_are_left_out() -> None:
    assert str(InvalidRequest("bad", code="", region=None)) == "bad"
