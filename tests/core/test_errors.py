"""The exception hierarchy: one base class, the facts a person needs, and safe pickling."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_mms import MmsClient, RetryPolicy
from pulumi_mms.core import errors
from pulumi_mms.core.errors import (
    AmbiguousDataSource,
    CredentialsError,
    DataSourceNotFound,
    InvalidRequest,
    MalformedResponse,
    MmsError,
    NotFound,
    NotReady,
    PermissionDenied,
    ServiceUnavailable,
    Throttled,
    ValidationError,
)
from pulumi_mms.core.translate import RULES, Rule, match_rule
from pulumi_mms.testing import Fault, HttpError, MmsEmulator, NonJsonBody, TruncatedBody
from tests.reliability import Received, Reply, ScriptedServer, server_settings, settings_for

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
    NotFound,
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
    # `except NotFound` catches every missing thing; `except DataSourceNotFound` only data sources.
    assert issubclass(DataSourceNotFound, NotFound)
    assert issubclass(NotFound, LookupError)
    assert not issubclass(NotFound, DataSourceNotFound)
    assert NotFound("job 7 gone", kind="job").kind == "job"
    assert DataSourceNotFound("gone").kind == "data source"


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


# -- the error table (core/translate.py RULES), over real HTTP through tea ----------------------------


def _cases() -> list[tuple[str, int, str, type[MmsError]]]:
    """(code, status, rule name, class) for every code and status the table lists.

    Codes are sent with a status that a status rule would map elsewhere (404, else 400), so each case
    also proves that codes take precedence over the status.
    """
    cases: list[tuple[str, int, str, type[MmsError]]] = []
    for rule in RULES:
        for prefix in (*rule.codes, *rule.contains):
            code = prefix if prefix != "NotFound" else "DataSource.NotFound"
            status = 400 if rule.error is NotFound else 404
            cases.append((code, status, rule.name, expected(rule)))
        for status in sorted({*rule.statuses} & {400, 401, 403, 404, 409, 429, 500, 502, 503, 504}):
            if match_rule(status, "SomethingUnlisted") is rule:  # not taken by an earlier status rule
                cases.append(("SomethingUnlisted", status, rule.name, expected(rule)))
    return cases


def expected(rule: Rule) -> type[MmsError]:
    # Every case reads a data source (GetMmsDataSource): a "not found" is then the data source's.
    return DataSourceNotFound if rule.error is NotFound else rule.error


CASES = _cases()


@pytest.fixture(scope="module")
def error_server() -> Iterator[ScriptedServer]:
    def reply(request: Received) -> Reply:
        code, status, _, _ = CASES[int(request.path.rsplit("/", 1)[1]) - 1]
        body = {"requestId": f"REQ-{code}", "code": code, "message": f"the server says {code}"}
        return Reply(status, (("Content-Type", "application/json"),), json.dumps(body).encode())

    with ScriptedServer(reply) as server:
        yield server


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_every_code_and_status_of_the_table(
    error_server: ScriptedServer, index: int, case: tuple[str, int, str, type[MmsError]]
) -> None:
    code, status, rule_name, cls = case
    client = MmsClient(server_settings(error_server.endpoint, retry=RetryPolicy(max_attempts=1)))
    with pytest.raises(MmsError) as caught:
        client.get_data_source(index + 1)
    error = caught.value
    assert type(error) is cls, rule_name
    assert (error.code, error.status_code, error.request_id) == (code, status, f"REQ-{code}")
    assert f"the server says {code}" in str(error)
    assert error.hint
    assert f"Fix: {error.hint}" in str(error)


def test_the_table_lists_codes_before_statuses_and_credentials_before_permission() -> None:
    names = [rule.name for rule in RULES]
    first_status_rule = next(i for i, rule in enumerate(RULES) if rule.statuses)
    assert all(rule.statuses == () for rule in RULES[:first_status_rule])
    assert all(not (rule.codes or rule.contains) for rule in RULES[first_status_rule:])
    assert names.index("access key") < names.index("permission") < names.index("not found")
    assert match_rule(404, "InvalidAccessKeyId.NotFound") is RULES[names.index("access key")]
    assert match_rule(403, "Forbidden.AccessKeyDisabled") is RULES[names.index("access key")]
    assert match_rule(404, "InvalidAction.NotFound") is RULES[names.index("wrong endpoint")]
    busy = RULES[names.index("busy with retry-after")]
    assert match_rule(503, "ServiceUnavailable", retry_after_header=True) is busy
    assert match_rule(503, "ServiceUnavailable") is RULES[names.index("server error")]
    assert match_rule(200, "Unlisted") is None


def test_a_404_with_an_unknown_access_key_is_a_credentials_error(error_server: ScriptedServer) -> None:
    index = CASES.index(("InvalidAccessKeyId", 404, "access key", CredentialsError))
    client = MmsClient(server_settings(error_server.endpoint, retry=RetryPolicy(max_attempts=1)))
    with pytest.raises(CredentialsError) as caught:
        client.get_data_source(index + 1)
    assert "access key id is unknown" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "fault",
    [HttpError(503), NonJsonBody(502), TruncatedBody(), HttpError(400, "InvalidParameter"), HttpError(500)],
    ids=["503", "html-502", "truncated", "400", "500"],
)
def test_every_error_ends_with_a_fix(mms_emulator: MmsEmulator, fault: Fault) -> None:
    mms_emulator.faults.set_rate(1.0, [fault])
    client = MmsClient(settings_for(mms_emulator, retry=RetryPolicy(max_attempts=1)))
    with pytest.raises(MmsError) as caught:
        client.get_data_source(2000015)
    assert caught.value.hint
    assert str(caught.value).endswith(f"Fix: {caught.value.hint}")
