"""Fuzzing with hypothesis: whatever the server answers and whatever the user passes.

- Server side: a loopback server answers each request with a drawn status, headers and body (JSON of any
  shape, the documented shape with wrong values, error bodies, XML, bytes, truncation). The client returns
  a model or raises an `MmsError`; no other exception type ever escapes, and nothing is retried that
  should not be.
- User side: every argument of `MmsClient.get_data_source`, `Settings.resolve`, the data-source functions
  and `MmsDataSource` gets values of any type, size and script (and unknown Outputs): the outcome is a
  `ValidationError` naming that argument, or a valid request (the emulator never answers 400).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pulumi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_mms import (
    DataSourceNotFound,
    MmsClient,
    MmsError,
    RetryPolicy,
    ServiceUnavailable,
    Settings,
    Throttled,
    ValidationError,
    get_mms_data_source_output,
)
from pulumi_mms.core.model import DataSource, GetMmsDataSourceResponse, wire_name
from pulumi_mms.core.settings import MAX_CONCURRENCY, MAX_TIMEOUT_MS, SETTINGS
from pulumi_mms.surface.data_source_function import Lookup
from pulumi_mms.surface.resource import _checked_inputs
from pulumi_mms.testing import MmsEmulator

from ..programs import UNKNOWN, run_program
from . import (
    SOURCE,
    Received,
    Reply,
    ScriptedServer,
    closed_port,
    outcome,
    server_settings,
    settings_for,
    stack_config,
)

SERVER_EXAMPLES = 500
INPUT_EXAMPLES = 300
PROGRAM_EXAMPLES = 60
_QUIET: dict[str, Any] = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
FUZZ = settings(max_examples=INPUT_EXAMPLES, **_QUIET)
SERVER_FUZZ = settings(max_examples=SERVER_EXAMPLES, **_QUIET)
FEW = settings(max_examples=PROGRAM_EXAMPLES, **_QUIET)

# -- what a server may answer ----------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
WIRE_FIELDS = [wire_name(DataSource, name) for name in DataSource.model_fields]
data_objects = st.dictionaries(st.sampled_from(WIRE_FIELDS), json_values, max_size=10)
documented_shape = st.builds(
    lambda data, request_id: {"requestId": request_id, "data": data},
    data_objects | json_values,
    st.one_of(st.text(max_size=12), st.none(), st.integers()),
)
error_shape = st.fixed_dictionaries(
    {},
    optional={
        "requestId": st.one_of(st.text(max_size=12), st.integers()),
        "code": st.one_of(
            st.sampled_from(["Throttling", "Forbidden.RAM", "NotFound.X", "SignatureDoesNotMatch", "X"]),
            st.text(max_size=12),
            st.integers(),
        ),
        "message": st.one_of(st.text(max_size=40), json_values),
        "accessDeniedDetail": st.one_of(
            json_values, st.fixed_dictionaries({"AuthResource": st.text(max_size=20)})
        ),
    },
)
xml_errors = st.builds(
    lambda code, message: f"<Error><Code>{code}</Code><Message>{message}</Message></Error>",
    st.text(alphabet="abcXYZ.<>&", max_size=10),
    st.text(max_size=20),
)
bodies = st.one_of(
    documented_shape.map(lambda value: json.dumps(value).encode()),
    error_shape.map(lambda value: json.dumps(value).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    xml_errors.map(str.encode),
    st.binary(max_size=200),
    st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.just(b""),
)
statuses = st.one_of(
    st.sampled_from([200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 429, 500, 501, 502, 503, 504]),
    st.integers(min_value=200, max_value=599),
)
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=40
)
headers = st.lists(
    st.one_of(
        st.tuples(st.just("x-acs-request-id"), header_values),
        st.tuples(
            st.just("x-acs-retry-after"),
            st.one_of(st.integers(-5, 3000).map(str), header_values, st.just("99999999999999")),
        ),
        st.tuples(
            st.just("Content-Type"),
            st.one_of(
                st.sampled_from(
                    ["application/json", "text/xml;charset=utf-8", "text/html", "text/plain", ""]
                ),
                header_values,
            ),
        ),
        st.tuples(st.just("Content-Encoding"), st.sampled_from(["gzip", "deflate", "br", "identity", "zz"])),
        st.tuples(st.just("Location"), st.just(f"http://127.0.0.1:{closed_port()}/elsewhere")),
        st.tuples(st.from_regex(r"\AX-[A-Za-z0-9-]{1,15}\Z"), header_values),
    ),
    max_size=5,
)
replies = st.builds(Reply, statuses, headers.map(tuple), bodies)
truncated_replies = st.builds(lambda status, body: Reply(status, (), body, truncate=True), statuses, bodies)
any_reply = st.one_of(replies, truncated_replies)
# Validated now, at collection: validating imports hypothesis's regex module, which pytest compiles (it
# rewrites a plugin's asserts), and CPython 3.11's compiler raised "SystemError: AST constructor
# recursion depth mismatch" when that import ran during the test while another thread compiled code
# (1 loaded run in 12).
any_reply.validate()


class Answer:
    """What the shared scripted server answers next."""

    reply = Reply()

    def __call__(self, _request: Received) -> Reply:
        return self.reply


@pytest.fixture(scope="module")
def answering() -> Iterator[tuple[Answer, ScriptedServer]]:
    answer = Answer()
    with ScriptedServer(answer) as server:
        yield answer, server


@SERVER_FUZZ
@given(reply=any_reply)
def test_any_server_answer_is_a_model_or_an_mms_error(
    answering: tuple[Answer, ScriptedServer], reply: Reply
) -> None:
    answer, server = answering
    answer.reply = reply
    server.received.clear()
    client = MmsClient(
        server_settings(server.endpoint, retry=RetryPolicy(max_attempts=2, deadline_s=5)),
        sleep=lambda _s: None,
    )
    result = outcome(lambda: client.get_data_source(SOURCE), MmsError)  # any other exception fails
    if isinstance(result, GetMmsDataSourceResponse):
        assert 200 <= reply.status < 300
        assert not reply.truncate
    else:
        assert result.status_code in (None, reply.status)
        assert result.source_id == SOURCE
        assert result.__cause__ is None
        assert result.__context__ is None
        assert "Traceback" not in str(result)
        if 400 <= reply.status < 500:
            assert not isinstance(result, ServiceUnavailable)
        if not isinstance(result, (Throttled, ServiceUnavailable)):
            assert len(server.received) == 1  # only throttling and server errors are retried
    assert 1 <= len(server.received) <= 2


# -- what a user may pass -----------------------------------------------------------------------------------


class BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.text(),
    st.text(alphabet="0123456789٠١٢٣ ²\n-+_."),
    st.binary(max_size=20),
    st.decimals(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.builds(BrokenRepr),
    st.builds(object),
    st.just(10**5000),
    st.sampled_from([SOURCE, str(SOURCE), f" {SOURCE} ", float(SOURCE), 2**63 - 1, 2**63, 424242]),
    st.sampled_from(["zh_CN", "en_US", "en-us", "started", "ready", "scanned", "status", ["status"]]),
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[MmsEmulator]:
    with MmsEmulator() as emu:
        yield emu


@FUZZ
@given(source_id=anything, with_config=anything, lang=anything)
def test_lookup_arguments_are_a_validation_error_or_a_valid_request(
    emulator: MmsEmulator, source_id: Any, with_config: Any, lang: Any
) -> None:
    client = MmsClient(settings_for(emulator))
    before = emulator.stats.requests
    result = outcome(lambda: client.get_data_source(source_id, with_config=with_config, lang=lang), MmsError)
    if isinstance(result, ValidationError):
        assert result.argument in ("source_id", "with_config", "lang")
        assert result.argument in str(result)
        assert emulator.stats.requests == before  # refused before any request
    elif isinstance(result, MmsError):
        assert isinstance(result, DataSourceNotFound)  # a valid request for an id that does not exist
        assert result.status_code == 404  # never a 400: what we send is always valid
    else:
        assert result.data.id == SOURCE


SETTING_KEYS = [spec.key for spec in SETTINGS]
setting_values = st.one_of(
    anything,
    st.sampled_from(
        ["cn-shanghai", "cn-shangai", "127.0.0.1:8080", "https://x", "http", "vpc", "5000", "-1"]
    ),
    st.text(min_size=8, max_size=30, alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)),
)
env_values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=30
)


SECRET_NAMES = {name for spec in SETTINGS if spec.secret for name in (spec.key, *spec.env)}


def stand_in(name: str, value: Any) -> Any:
    """A secret's value with each visible character changed, keeping what validation looks at: spaces and
    control characters stay, printable ASCII stays printable ASCII, anything else stays non-ASCII."""
    if name not in SECRET_NAMES or not isinstance(value, str):
        return value
    return "".join(changed(ch) for ch in value)


def changed(ch: str) -> str:
    if unicodedata.category(ch)[0] in "CZ":
        return ch
    pair = "QZ" if "\x21" <= ch <= "\x7e" else "\xa4\xa7"
    return pair[1] if ch == pair[0] else pair[0]


@FUZZ
@given(
    explicit=st.dictionaries(
        st.sampled_from([*SETTING_KEYS, "regoin", "secret_key"]), setting_values, max_size=6
    ),
    config=st.dictionaries(st.sampled_from([f"mms:{k}" for k in SETTING_KEYS]), env_values, max_size=5),
    environ=st.dictionaries(
        st.sampled_from([name for spec in SETTINGS for name in spec.env]), env_values, max_size=4
    ),
)
def test_settings_resolve_is_settings_or_a_validation_error(
    explicit: dict[str, Any], config: dict[str, str], environ: dict[str, str]
) -> None:
    resolved = outcome(lambda: Settings.resolve(config.get, environ, **explicit), ValidationError)
    if isinstance(resolved, ValidationError):
        assert resolved.argument in (*SETTING_KEYS, "regoin", "secret_key")
        assert resolved.argument in str(resolved)
        # No part of a secret is in the message: the same input with every secret's visible characters
        # changed fails with the very same message. (Looking for the secret's text in the message found
        # "access k" in the wording "access key id" - a false alarm; this cannot have one, and it sees
        # halves and single characters too.)
        again = outcome(
            lambda: Settings.resolve(
                {key: stand_in(key[4:], value) for key, value in config.items()}.get,
                {name: stand_in(name, value) for name, value in environ.items()},
                **{key: stand_in(key, value) for key, value in explicit.items()},
            ),
            ValidationError,
        )
        assert isinstance(again, ValidationError)
        assert str(again) == str(resolved)
        return
    assert 0 < resolved.read_timeout_ms <= MAX_TIMEOUT_MS
    assert 0 < resolved.connect_timeout_ms <= MAX_TIMEOUT_MS
    assert 1 <= resolved.max_concurrency <= MAX_CONCURRENCY
    assert math.isfinite(resolved.retry.deadline_s)
    client = outcome(lambda: MmsClient(resolved), ValidationError)  # a client, or what is missing
    if isinstance(client, ValidationError):
        assert client.argument == "region"
    else:
        assert client.endpoint


lookup_arguments = ("source_id", "name", "with_config", "lang", "wait_for", "wait_timeout")


@FUZZ
@given(values=st.tuples(*[anything for _ in lookup_arguments]))
def test_function_arguments_are_checked_with_the_argument_named(values: tuple[Any, ...]) -> None:
    checked = outcome(lambda: Lookup.check(*values), ValidationError)
    if isinstance(checked, ValidationError):
        assert checked.argument in lookup_arguments
        assert checked.argument in str(checked)
    else:
        assert (checked.source_id is None) != (checked.name is None)


resource_arguments = ("source_id", "name", "with_config", "lang", "drift_fields", "wait_for", "wait_timeout")


@FUZZ
@given(values=st.tuples(*[anything for _ in resource_arguments]))
def test_resource_arguments_fail_by_property(values: tuple[Any, ...]) -> None:
    _, errors = _checked_inputs(dict(zip(resource_arguments, values, strict=True)))
    for error in errors:
        assert error.argument in resource_arguments
        assert str(error).startswith(f"invalid {error.argument}: ")


def unknown_output() -> pulumi.Output[Any]:
    import asyncio

    loop = asyncio.get_event_loop()
    value: asyncio.Future[Any] = loop.create_future()
    value.set_result(None)
    known: asyncio.Future[bool] = loop.create_future()
    known.set_result(False)
    return pulumi.Output(set(), value, known)


@FEW
@given(
    source_id=anything,
    lang=anything,
    wrap=st.sampled_from(["plain", "output", "secret", "unknown"]),
)
def test_the_output_function_with_any_input_and_unknown_outputs(
    emulator: MmsEmulator, source_id: Any, lang: Any, wrap: str
) -> None:
    before = emulator.stats.requests

    def program() -> Any:
        argument: Any = source_id
        if wrap == "output":
            argument = pulumi.Output.from_input(source_id)
        elif wrap == "secret":
            argument = pulumi.Output.secret(source_id)
        elif wrap == "unknown":
            argument = unknown_output()
        return get_mms_data_source_output(argument, lang=lang).name

    run = outcome(lambda: run_program(program, preview=True, config=stack_config(emulator)), MmsError)
    if isinstance(run, ValidationError):
        assert run.argument in ("source_id", "lang")
        assert emulator.stats.requests == before
    elif isinstance(run, MmsError):
        assert isinstance(run, DataSourceNotFound)
    elif wrap == "unknown" or run.value is UNKNOWN:
        assert run.value is UNKNOWN
        assert emulator.stats.requests == before  # nothing is fetched for an unknown id
    else:
        assert run.value == "demo"


def test_decimal_and_numpy_like_ids_are_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="source_id"):
        Lookup.check(Decimal(SOURCE), None, None, None)
