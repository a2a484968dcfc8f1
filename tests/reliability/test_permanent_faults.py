"""Permanent faults fail on the first attempt, with the right class and a message a person can act on.

Decision recorded in RELIABILITY.md: a body that is not a JSON response is permanent (MalformedResponse)
unless the status is 5xx (a gateway's error page: ServiceUnavailable, retried) or 429 (Throttled,
retried). Malformed JSON, a JSON document of the wrong shape and a truncated body are permanent.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pulumi_mms import (
    DataSourceNotFound,
    InvalidRequest,
    MalformedResponse,
    MmsError,
    PermissionDenied,
    RetryPolicy,
)
from pulumi_mms.testing import Fault, HttpError, MmsEmulator, NonJsonBody, TruncatedBody

from . import SOURCE, FakeClock, fake_time_client

REPEAT = 10
"""Lookups per scenario; each must cost exactly one request."""

JSON = "application/json;charset=utf-8"
Setup = Callable[[MmsEmulator], int]


def deny(emu: MmsEmulator) -> int:
    emu.deny(emu.access_key_id, SOURCE)
    return SOURCE


def unknown_id(_emu: MmsEmulator) -> int:
    return 424242


def inject(fault: Fault) -> Setup:
    def setup(emu: MmsEmulator) -> int:
        emu.faults.set_rate(1.0, [fault])
        return SOURCE

    return setup


SCENARIOS: list[tuple[str, Setup, type[MmsError], str]] = [
    ("403 Forbidden.RAM (RAM denial)", deny, PermissionDenied, "grant RAM action odps:GetMmsDataSource"),
    ("404 unknown data source", unknown_id, DataSourceNotFound, "check the id and the region"),
    ("400 InvalidParameter", inject(HttpError(400, "InvalidParameter")), InvalidRequest, "request rejected"),
    ("truncated body", inject(TruncatedBody()), MalformedResponse, "cut off"),
    (
        "malformed JSON",
        inject(NonJsonBody(200, '{"requestId": "R", "data": {', JSON)),
        MalformedResponse,
        "not a JSON response",
    ),
    (
        "JSON of the wrong shape",
        inject(NonJsonBody(200, '{"requestId": "R", "data": [1, 2]}', JSON)),
        MalformedResponse,
        "unexpected response at data",
    ),
    ("non-JSON 400 body", inject(NonJsonBody(400)), MalformedResponse, "not a JSON response (text/html)"),
    (
        "non-JSON 403 body",
        inject(NonJsonBody(403, "Forbidden", "text/plain")),
        MalformedResponse,
        "not a proxy, gateway or portal page",
    ),
    ("non-JSON 404 body", inject(NonJsonBody(404)), MalformedResponse, "HTTP 404"),
    (
        "JSON error body that is a list",
        inject(NonJsonBody(400, "[1, 2]", JSON)),
        MalformedResponse,
        "HTTP 400",
    ),
]


@pytest.mark.parametrize(
    ("setup", "cls", "actionable"),
    [pytest.param(setup, cls, text, id=name) for name, setup, cls, text in SCENARIOS],
)
def test_fails_on_the_first_attempt_with_the_right_class(
    mms_emulator: MmsEmulator, setup: Setup, cls: type[MmsError], actionable: str
) -> None:
    source_id = setup(mms_emulator)
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock, retry=RetryPolicy(max_attempts=5))
    for _ in range(REPEAT):
        with pytest.raises(MmsError) as caught:
            client.get_data_source(source_id)
        error = caught.value
        assert type(error) is cls
        assert f"data source {source_id}" in str(error)
        assert actionable in str(error)
        assert error.attempts == 1
        assert error.status_code is not None
        assert error.request_id  # every permanent failure can be quoted to support
        assert "Traceback" not in str(error)
    assert mms_emulator.stats.requests == REPEAT  # no retry storm: one request per lookup
    assert clock.sleeps == []
