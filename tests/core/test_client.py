"""MmsClient against the emulator: the SDK's requests, error mapping, retries, proxies, its session.

Real HTTP through the real tea client; time is injected (`sleep`, `clock`, `rng`), never measured.
"""

from __future__ import annotations

import json
import random
import traceback
from typing import Any

import pytest
from alibabacloud_maxcompute20220104 import models as sdk_models
from alibabacloud_maxcompute20220104.client import Client as SdkClient
from alibabacloud_tea_openapi import models as tea_models
from alibabacloud_tea_util.models import RuntimeOptions
from darabonba.core import DaraCore
from darabonba.request import DaraRequest
from Tea.exceptions import TeaException

from pulumi_mms import (
    CredentialsError,
    DataSourceNotFound,
    InvalidRequest,
    MalformedResponse,
    MmsClient,
    MmsError,
    PermissionDenied,
    RetryPolicy,
    ServiceUnavailable,
    StaticCredentials,
    Throttled,
    ValidationError,
)
from pulumi_mms.core.paging import MAX_PAGE_SIZE
from pulumi_mms.testing import (
    ConnectionReset,
    Fault,
    HttpError,
    Latency,
    MmsEmulator,
    NonJsonBody,
    Throttle,
    TruncatedBody,
    generate_data_sources,
    sample_data,
)
from tests.reliability import (
    SOURCE,
    FakeClock,
    Received,
    Reply,
    ScriptedServer,
    closed_port,
    fake_time_client,
    server_settings,
    settings_for,
)


def sample_reply(_request: Received) -> Reply:
    body = {"requestId": "REQ-SCRIPTED", "data": sample_data()}
    return Reply(200, (("Content-Type", "application/json"),), json.dumps(body).encode())


def sdk_get(endpoint: str, key_id: str, secret: str, **request: Any) -> Any:
    sdk = SdkClient(
        tea_models.Config(
            access_key_id=key_id,
            access_key_secret=secret,
            endpoint=endpoint,
            protocol="http",
            region_id="cn-shanghai",
        )
    )
    return sdk.get_mms_data_source_with_options(
        str(SOURCE), sdk_models.GetMmsDataSourceRequest(**request), {}, RuntimeOptions()
    )


def raised(call: Any) -> MmsError:
    with pytest.raises(MmsError) as caught:
        call()
    return caught.value


# -- the request is the official SDK's -------------------------------------------------------------


@pytest.mark.parametrize(
    "request_args",
    [{}, {"with_config": True}, {"with_config": False, "lang": "en_US"}, {"lang": "zh_CN"}],
)
def test_request_is_the_official_sdks(request_args: dict[str, Any]) -> None:
    with ScriptedServer(sample_reply) as server:
        settings = server_settings(server.endpoint)
        assert settings.credentials is not None
        MmsClient(settings).get_data_source(SOURCE, **request_args)
        sdk_get(
            server.endpoint,
            settings.credentials.access_key_id,
            settings.credentials.access_key_secret,
            **request_args,
        )
    ours, sdk = server.received
    assert (ours.method, ours.path, ours.query) == (sdk.method, sdk.path, sdk.query)
    assert [name for name, _ in ours.headers] == [name for name, _ in sdk.headers]  # same names, same order
    assert ours.signed_headers == sdk.signed_headers
    assert "x-acs-date" in ours.signed_headers
    assert "host" in ours.signed_headers
    assert (ours.header("authorization") or "").startswith("ACS3-HMAC-SHA256 Credential=LTAI5tScripted")
    for name in ("x-acs-action", "x-acs-version", "accept", "x-acs-content-sha256", "host"):
        assert ours.header(name) == sdk.header(name)


def test_query_values_are_capitalised_and_unset_ones_omitted(mms_emulator: MmsEmulator) -> None:
    client = MmsClient(settings_for(mms_emulator))
    client.get_data_source(SOURCE, with_config=True)
    client.get_data_source(str(SOURCE), with_config=False, lang="en_US")
    client.get_data_source(SOURCE)
    paths = [record.path for record in mms_emulator.request_log]
    assert paths == [
        f"/api/v1/mms/datasources/{SOURCE}?withConfig=True",
        f"/api/v1/mms/datasources/{SOURCE}?lang=en_US&withConfig=False",
        f"/api/v1/mms/datasources/{SOURCE}",
    ]


def test_a_lookup_returns_the_typed_model(mms_emulator: MmsEmulator) -> None:
    response = MmsClient(settings_for(mms_emulator)).get_data_source(SOURCE, with_config=True)
    assert response.data.id == SOURCE
    assert response.data.dst_projects == ["mms_test1"]
    assert response.data.config
    assert response.data.config[0].key == "bigquery.range.partition.migrate.type"
    assert response.request_id == mms_emulator.request_log[-1].request_id


def test_list_pages_are_followed_with_the_sdks_query(mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_sources(generate_data_sources(7))
    client = MmsClient(settings_for(mms_emulator))
    ids = [item.id or 0 for item in client.iter_data_sources(page_size=3)]
    assert sorted(ids) == sorted(record["id"] for record in mms_emulator.data_sources())
    assert sorted(r.path for r in mms_emulator.request_log) == [
        f"/api/v1/mms/datasources?pageNum={n}&pageSize=3" for n in (1, 2, 3)
    ]
    with pytest.raises(ValidationError, match="page_size"):
        client.list_data_sources(page_size=0)


def test_a_complete_listing_uses_the_largest_page_size(mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_sources(generate_data_sources(2000))
    client = MmsClient(settings_for(mms_emulator, max_concurrency=8))
    ids = [item.id for item in client.iter_data_sources()]
    stored = len(mms_emulator.data_sources())  # the sample and 2,000 more: 21 pages
    assert len(ids) == len(set(ids)) == stored
    assert sorted(r.path for r in mms_emulator.request_log) == sorted(
        f"/api/v1/mms/datasources?pageNum={n}&pageSize={MAX_PAGE_SIZE}"
        for n in range(1, -(-stored // MAX_PAGE_SIZE) + 1)
    )


# -- every error class, with its facts ---------------------------------------------------------------


def assert_facts(error: MmsError, emu: MmsEmulator, *, code: str | None, status: int | None) -> None:
    assert error.source_id == SOURCE
    assert error.region == "cn-shanghai"
    assert error.endpoint == emu.endpoint
    assert error.code == code
    assert error.status_code == status
    if status is not None:
        assert error.request_id == emu.request_log[-1].request_id
    assert f"data source {SOURCE}" in str(error)
    # Nothing of tea is attached or printed: no cause, no context, no tea frame in the traceback.
    assert not isinstance(error, TeaException)
    assert error.__cause__ is None
    assert error.__context__ is None
    printed = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert "alibabacloud_tea_openapi" not in printed
    assert "darabonba" not in printed


@pytest.mark.parametrize(
    ("fault", "cls", "code", "status", "hint"),
    [
        (HttpError(404, "NotFound.DataSource"), DataSourceNotFound, "NotFound.DataSource", 404, "region"),
        (HttpError(400, "InvalidParameter"), InvalidRequest, "InvalidParameter", 400, None),
        (HttpError(409, "Conflict"), InvalidRequest, "Conflict", 409, None),
        (HttpError(404, "InvalidAction.NotFound"), InvalidRequest, "InvalidAction.NotFound", 404, "endpoint"),
        (HttpError(403, "SignatureDoesNotMatch"), CredentialsError, "SignatureDoesNotMatch", 403, "secret"),
        (HttpError(403, "InvalidAccessKeyId.NotFound"), CredentialsError, None, 403, "access key id"),
        (HttpError(403, "InvalidSecurityToken.Expired"), CredentialsError, None, 403, "STS token"),
        (HttpError(403, "InvalidTimeStamp.Expired"), CredentialsError, None, 403, "clock"),
        (HttpError(401, "Unauthorized"), CredentialsError, "Unauthorized", 401, "access key"),
        (HttpError(403, "Forbidden.RAM"), PermissionDenied, "Forbidden.RAM", 403, "odps:GetMmsDataSource"),
        (HttpError(403, "NoPermission"), PermissionDenied, "NoPermission", 403, "mmsdatasource/2000015"),
        (NonJsonBody(404), MalformedResponse, None, 404, "endpoint"),
        (TruncatedBody(), MalformedResponse, None, 200, None),
    ],
)
def test_permanent_errors_map_to_one_class_each(
    mms_emulator: MmsEmulator,
    fault: Fault,
    cls: type[MmsError],
    code: str | None,
    status: int,
    hint: str | None,
) -> None:
    mms_emulator.faults.script([fault])
    error = raised(lambda: MmsClient(settings_for(mms_emulator)).get_data_source(SOURCE))
    assert type(error) is cls
    code = code if code is not None else getattr(fault, "code", None)
    assert_facts(error, mms_emulator, code=code, status=status)
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint
    assert mms_emulator.stats.requests == 1  # no retry


@pytest.mark.parametrize(
    ("fault", "cls", "code", "status"),
    [
        (Throttle(retry_after_ms=1), Throttled, "Throttling", 429),
        (HttpError(429, "Throttling.User"), Throttled, "Throttling.User", 429),
        (HttpError(503), ServiceUnavailable, "ServiceUnavailable", 503),
        (HttpError(500, "InternalError"), ServiceUnavailable, "InternalError", 500),
        (NonJsonBody(502), ServiceUnavailable, None, 502),
        (ConnectionReset(), ServiceUnavailable, None, None),
    ],
)
def test_transient_errors_surface_after_the_last_attempt(
    mms_emulator: MmsEmulator, fault: Fault, cls: type[MmsError], code: str | None, status: int | None
) -> None:
    clock = FakeClock()
    mms_emulator.faults.set_rate(1.0, [fault])
    client = fake_time_client(mms_emulator, clock, retry=RetryPolicy(max_attempts=3))
    error = raised(lambda: client.get_data_source(SOURCE))
    assert type(error) is cls
    assert_facts(error, mms_emulator, code=code, status=status)
    assert error.attempts == 3
    assert "3 attempts" in str(error)
    assert mms_emulator.stats.requests == 3
    assert len(clock.sleeps) == 2


def test_permission_denied_names_the_action_and_the_real_resource(mms_emulator: MmsEmulator) -> None:
    mms_emulator.deny(mms_emulator.access_key_id, SOURCE)
    error = raised(lambda: MmsClient(settings_for(mms_emulator)).get_data_source(SOURCE))
    assert isinstance(error, PermissionDenied)
    resource = f"acs:odps:cn-shanghai:{mms_emulator.account_id}:mmsdatasource/{SOURCE}"
    assert error.hint == f"grant RAM action odps:GetMmsDataSource on resource {resource} to the caller"
    assert_facts(error, mms_emulator, code="Forbidden.RAM", status=403)


def test_permission_denied_without_details_shows_the_resource_pattern(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.script([HttpError(403, "Forbidden.RAM", "denied")])
    error = raised(lambda: MmsClient(settings_for(mms_emulator)).get_data_source(SOURCE))
    assert error.hint is not None
    assert f"acs:odps:cn-shanghai:<account>:mmsdatasource/{SOURCE}" in error.hint


def test_a_body_that_is_not_the_documented_shape_is_malformed() -> None:
    def reply(_request: Received) -> Reply:
        body = {"requestId": "REQ-7", "data": {"id": SOURCE, "dstProjects": "not-a-list"}}
        return Reply(200, (("Content-Type", "application/json"),), json.dumps(body).encode())

    with ScriptedServer(reply) as server:
        error = raised(lambda: MmsClient(server_settings(server.endpoint)).get_data_source(SOURCE))
    assert isinstance(error, MalformedResponse)
    assert "data.dstProjects" in str(error)
    assert error.request_id == "REQ-7"
    assert len(server.received) == 1


def test_missing_credentials_fail_before_any_request(mms_emulator: MmsEmulator) -> None:
    client = MmsClient(settings_for(mms_emulator, credentials=None))
    error = raised(lambda: client.get_data_source(SOURCE))
    assert isinstance(error, CredentialsError)
    assert error.hint
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in error.hint
    assert (error.source_id, error.region, error.endpoint) == (SOURCE, "cn-shanghai", mms_emulator.endpoint)
    assert mms_emulator.stats.requests == 0


# -- retries -----------------------------------------------------------------------------------------


class UpperBound(random.Random):
    """A 'random' source that always picks the top of the jitter range."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_is_exponential_with_full_jitter(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.set_rate(1.0, [HttpError(503)])
    policy = RetryPolicy(max_attempts=6, base_delay_s=0.1, max_delay_s=0.5, deadline_s=100)
    clock = FakeClock()
    client = MmsClient(
        settings_for(mms_emulator, retry=policy), sleep=clock.sleep, clock=clock, rng=random.Random(7)
    )
    raised(lambda: client.get_data_source(SOURCE))
    caps = [min(0.5, 0.1 * 2**n) for n in range(5)]  # 0.1, 0.2, 0.4, 0.5, 0.5
    replay = random.Random(7)
    assert clock.sleeps == [replay.uniform(0, cap) for cap in caps]  # seeded: exactly reproducible
    assert all(0 <= delay <= cap for delay, cap in zip(clock.sleeps, caps, strict=True))

    top = FakeClock()
    client = MmsClient(settings_for(mms_emulator, retry=policy), sleep=top.sleep, clock=top, rng=UpperBound())
    raised(lambda: client.get_data_source(SOURCE))
    assert top.sleeps == caps


def test_retry_after_is_honoured(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.script([Throttle(retry_after_ms=1500), Throttle(retry_after_ms=250), None])
    clock = FakeClock()
    response = fake_time_client(mms_emulator, clock).get_data_source(SOURCE)
    assert response.data.id == SOURCE
    assert len(clock.sleeps) == 2
    assert clock.sleeps[0] >= 1.5
    assert clock.sleeps[1] >= 0.25
    assert mms_emulator.stats.requests == 3


def test_retry_after_beyond_the_deadline_fails_at_once(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.set_rate(1.0, [Throttle(retry_after_ms=60_000)])
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock, retry=RetryPolicy(max_attempts=5, deadline_s=10))
    error = raised(lambda: client.get_data_source(SOURCE))
    assert isinstance(error, Throttled)
    assert clock.sleeps == []
    assert mms_emulator.stats.requests == 1


def test_a_backoff_that_overslept_the_deadline_raises_the_last_failure(mms_emulator: MmsEmulator) -> None:
    """On a loaded machine a backoff can sleep far longer than asked; with too little of the deadline left
    for another attempt, the last failure stands, with its attempts (it used to read as if the lookup
    had waited for its turn and sent nothing, without attempts)."""
    mms_emulator.faults.set_rate(1.0, [HttpError(503)])
    clock = FakeClock()

    def oversleep(seconds: float) -> None:
        clock.sleep(seconds + 10.0)  # the scheduler woke us 10 s late

    policy = RetryPolicy(max_attempts=5, base_delay_s=0.1, max_delay_s=0.1, deadline_s=5)
    client = MmsClient(settings_for(mms_emulator, retry=policy), sleep=oversleep, clock=clock)
    error = raised(lambda: client.get_data_source(SOURCE))
    assert isinstance(error, ServiceUnavailable)
    assert error.attempts == 1
    assert error.status_code == 503  # the failure the server gave, not a made-up one
    assert "when its turn came" not in str(error)
    assert mms_emulator.stats.requests == 1


@pytest.mark.parametrize(
    "fault",
    [
        HttpError(500, "InternalError"),
        HttpError(502, "BadGateway"),
        HttpError(503),
        HttpError(504, "GatewayTimeout"),
        NonJsonBody(503),
        ConnectionReset(),
        Throttle(retry_after_ms=5),
    ],
)
def test_transient_faults_are_retried(mms_emulator: MmsEmulator, fault: Fault) -> None:
    mms_emulator.faults.script([fault, fault, None])
    clock = FakeClock()
    response = fake_time_client(mms_emulator, clock).get_data_source(SOURCE)
    assert response.data.id == SOURCE
    assert mms_emulator.stats.requests == 3
    assert len(clock.sleeps) == 2


def test_a_timeout_is_retried(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.script([Latency(1000), None])
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock, read_timeout_ms=100)
    assert client.get_data_source(SOURCE).data.id == SOURCE
    assert mms_emulator.stats.requests == 2  # the slow one (still being answered) and the retry
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 412])
def test_other_4xx_are_never_retried(mms_emulator: MmsEmulator, status: int) -> None:
    mms_emulator.faults.set_rate(1.0, [HttpError(status, "SomeClientError")])
    clock = FakeClock()
    error = raised(lambda: fake_time_client(mms_emulator, clock).get_data_source(SOURCE))
    assert error.status_code == status
    assert (mms_emulator.stats.requests, clock.sleeps) == (1, [])


def test_retry_after_on_a_permanent_error_does_not_make_it_retryable() -> None:
    def reply(_request: Received) -> Reply:
        body = {"requestId": "REQ-404", "code": "NotFound.DataSource", "message": "gone"}
        headers = (("Content-Type", "application/json"), ("x-acs-retry-after", "100"))
        return Reply(404, headers, json.dumps(body).encode())

    with ScriptedServer(reply) as server:
        error = raised(lambda: MmsClient(server_settings(server.endpoint)).get_data_source(SOURCE))
    assert isinstance(error, DataSourceNotFound)
    assert len(server.received) == 1


def test_attempts_are_bounded(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.set_rate(1.0, [HttpError(503)])
    clock = FakeClock()
    client = fake_time_client(mms_emulator, clock, retry=RetryPolicy(max_attempts=5, base_delay_s=0.01))
    error = raised(lambda: client.get_data_source(SOURCE))
    assert error.attempts == 5
    assert mms_emulator.stats.requests == 5
    assert len(clock.sleeps) == 4


def test_the_total_deadline_bounds_the_retries(mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.set_rate(1.0, [HttpError(503)])
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=50, base_delay_s=0.4, max_delay_s=0.4, deadline_s=1.0)
    client = MmsClient(
        settings_for(mms_emulator, retry=policy), sleep=clock.sleep, clock=clock, rng=UpperBound()
    )
    error = raised(lambda: client.get_data_source(SOURCE))
    # attempts at t=0, 0.4, 0.8; the next would start at 1.2 > 1.0: not made.
    assert isinstance(error, ServiceUnavailable)
    assert mms_emulator.stats.requests == 3
    assert error.attempts == 3
    assert sum(clock.sleeps) < 1.0


def test_each_attempt_gets_at_most_what_is_left_of_the_deadline(mms_emulator: MmsEmulator) -> None:
    clock = FakeClock()
    seen: list[float | None] = []
    client = fake_time_client(mms_emulator, clock, retry=RetryPolicy(deadline_s=0.25))
    forget = client.session.forget

    def spy(budget_s: float | None = None, max_bytes: int | None = None) -> None:
        seen.append(budget_s)
        forget(budget_s, max_bytes)

    client.session.forget = spy  # type: ignore[method-assign]
    try:
        client.get_data_source(SOURCE)
    finally:
        del client.session.forget
    assert seen == [pytest.approx(0.25)]


# -- proxies and the session ---------------------------------------------------------------------------


def test_no_proxy_is_honoured(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    dead_proxy = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)
    monkeypatch.setenv("HTTPS_PROXY", dead_proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = MmsClient(settings_for(mms_emulator))
    assert client.get_data_source(SOURCE).data.id == SOURCE
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.1")  # the lower-case spelling too
    assert client.get_data_source(SOURCE).data.id == SOURCE
    assert mms_emulator.stats.requests == 2


def test_without_no_proxy_the_proxy_is_named_in_the_error(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://user:pa55word@127.0.0.1:{port}")
    clock = FakeClock()
    error = raised(lambda: fake_time_client(mms_emulator, clock).get_data_source(SOURCE))
    assert isinstance(error, ServiceUnavailable)
    assert f"through proxy http://127.0.0.1:{port}" in str(error)
    assert error.hint is not None
    assert "NO_PROXY" in error.hint
    assert "pa55word" not in str(error)  # the proxy's password is never shown
    assert mms_emulator.stats.requests == 0


def test_the_installed_session_is_the_one_tea_uses(mms_emulator: MmsEmulator) -> None:
    client = MmsClient(settings_for(mms_emulator, max_concurrency=3))
    key = f"http://{mms_emulator.endpoint}:{DaraRequest().port}:pool=3"
    assert DaraCore._sessions[key] is client.session
    before = client.session.sends
    mms_emulator.faults.script([HttpError(503)])
    for _ in range(3):
        client.get_data_source(SOURCE)
    assert client.session.sends - before == mms_emulator.stats.requests == 4
    again = MmsClient(settings_for(mms_emulator, max_concurrency=3))
    assert again.session is client.session  # one pool per endpoint and size


def test_a_closed_port_is_service_unavailable_with_a_network_hint() -> None:
    clock = FakeClock()
    settings = server_settings(f"127.0.0.1:{closed_port()}", retry=RetryPolicy(max_attempts=2))
    error = raised(lambda: MmsClient(settings, sleep=clock.sleep, clock=clock).get_data_source(SOURCE))
    assert isinstance(error, ServiceUnavailable)
    assert "connection refused" in str(error)
    assert error.hint is not None
    assert "network" in error.hint
    assert error.attempts == 2


def test_no_region_and_no_endpoint_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        MmsClient(environ={})
    assert caught.value.argument == "region"


def test_redirects_are_not_followed() -> None:
    with ScriptedServer(sample_reply) as elsewhere:

        def redirect(_request: Received) -> Reply:
            location = f"http://{elsewhere.endpoint}/api/v1/mms/datasources/{SOURCE}"
            return Reply(302, (("Location", location), ("Content-Type", "application/json")), b"{}")

        with ScriptedServer(redirect) as server:
            settings = server_settings(
                server.endpoint, credentials=StaticCredentials("STS.Key", "sts-secret", "sts-token")
            )
            error = raised(lambda: MmsClient(settings).get_data_source(SOURCE))
    assert isinstance(error, MalformedResponse)
    assert error.status_code == 302
    assert "redirects are not followed" in (error.hint or "")
    assert len(server.received) == 1
    assert elsewhere.received == []  # the signed request and its STS token went nowhere else
