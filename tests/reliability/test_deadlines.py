"""Deadlines: an endpoint that never answers and one that refuses connections fail in bounded time.

Timing is asserted only as an upper bound with a generous margin ("did not hang"): settings that should
take about a second must finish well under 10 s. Nothing sleeps to measure.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pulumi
import pytest

from pulumi_mms import MmsClient, MmsError, RetryPolicy, ServiceUnavailable, get_mms_data_source_output
from pulumi_mms.core import client as client_module
from pulumi_mms.surface import lookups
from pulumi_mms.testing import Hang, MmsEmulator, Throttle

from ..dynamic_host import DynamicHost, serialized_provider
from ..programs import run_program
from . import (
    SOURCE,
    FakeClock,
    Received,
    Reply,
    ScriptedServer,
    closed_port,
    fake_time_client,
    server_settings,
    settings_for,
    silent_listener,
    stack_config,
)

HANG_CHECK_S = 10.0
TIMEOUT_MS = 200
ATTEMPTS = 3
POLICY = RetryPolicy(max_attempts=ATTEMPTS, base_delay_s=0.01, max_delay_s=0.05, deadline_s=5.0)


@contextmanager
def hanging_emulator() -> Iterator[MmsEmulator]:
    with MmsEmulator() as emu:
        emu.faults.set_rate(1.0, [Hang()])  # reads the request, never answers (until stopped)
        yield emu


def timed_failure(call: Callable[[], Any]) -> tuple[MmsError, float]:
    started = time.monotonic()
    with pytest.raises(MmsError) as caught:
        call()
    return caught.value, time.monotonic() - started


def test_an_endpoint_that_never_answers_fails_after_timeout_x_attempts() -> None:
    with hanging_emulator() as emu:
        settings = settings_for(emu, connect_timeout_ms=TIMEOUT_MS, read_timeout_ms=TIMEOUT_MS, retry=POLICY)
        error, elapsed = timed_failure(lambda: MmsClient(settings).get_data_source(SOURCE))
        requests = emu.stats.requests
    assert isinstance(error, ServiceUnavailable)
    assert "timed out" in str(error)
    assert error.attempts == ATTEMPTS
    assert requests == ATTEMPTS
    # ~ATTEMPTS x read timeout (0.6 s); the bound only says it did not hang
    assert elapsed < HANG_CHECK_S


def test_a_listener_that_never_reads_fails_after_timeout_x_attempts() -> None:
    with silent_listener() as endpoint, MmsEmulator() as emu:
        settings = settings_for(
            emu, endpoint=endpoint, connect_timeout_ms=TIMEOUT_MS, read_timeout_ms=TIMEOUT_MS, retry=POLICY
        )
        error, elapsed = timed_failure(lambda: MmsClient(settings).get_data_source(SOURCE))
    assert isinstance(error, ServiceUnavailable)
    assert "timed out" in str(error)
    assert error.attempts == ATTEMPTS
    assert elapsed < HANG_CHECK_S


def test_refused_connections_fail_after_every_attempt() -> None:
    with MmsEmulator() as emu:
        settings = settings_for(emu, endpoint=f"127.0.0.1:{closed_port()}", retry=POLICY)
        error, elapsed = timed_failure(lambda: MmsClient(settings).get_data_source(SOURCE))
    assert isinstance(error, ServiceUnavailable)
    assert "connection refused" in str(error)
    assert error.attempts == ATTEMPTS
    assert elapsed < HANG_CHECK_S


def test_the_total_deadline_cuts_attempts_short() -> None:
    policy = RetryPolicy(max_attempts=100, base_delay_s=0.01, max_delay_s=0.05, deadline_s=1.0)
    with hanging_emulator() as emu:
        settings = settings_for(emu, read_timeout_ms=300, retry=policy)
        error, elapsed = timed_failure(lambda: MmsClient(settings).get_data_source(SOURCE))
        requests = emu.stats.requests
    assert isinstance(error, ServiceUnavailable)
    assert error.attempts is not None
    # ~1.0 s / (0.3 s + backoff): far fewer than 100. At least 1: on a loaded machine a backoff can
    # oversleep what is left of the deadline, and then the last failure stands.
    assert 1 <= error.attempts <= 5
    # Each attempt reached the server, but the last one may have been cut (to the deadline's last few
    # milliseconds, on a loaded machine) before its request was sent or read.
    assert error.attempts - 1 <= requests <= error.attempts
    assert elapsed < HANG_CHECK_S


def test_a_read_timeout_longer_than_the_deadline_is_cut_to_the_deadline() -> None:
    policy = RetryPolicy(max_attempts=3, deadline_s=0.5)
    with hanging_emulator() as emu:
        settings = settings_for(emu, read_timeout_ms=60_000, retry=policy)
        error, elapsed = timed_failure(lambda: MmsClient(settings).get_data_source(SOURCE))
    assert isinstance(error, ServiceUnavailable)
    assert error.attempts == 1  # no time left for a second one
    assert elapsed < HANG_CHECK_S  # not the 60 s read timeout


def slow_config(endpoint: str, emu: MmsEmulator) -> dict[str, str]:
    return stack_config(
        emu,
        **{
            "mms:endpoint": endpoint,
            "mms:connectTimeout": str(TIMEOUT_MS),
            "mms:readTimeout": str(TIMEOUT_MS),
            "mms:maxRetries": "1",
            "mms:totalTimeout": "3000",
        },
    )


@pytest.mark.parametrize("kind", ["never answers", "refuses"])
def test_in_a_program_the_error_is_one_clear_message_naming_the_data_source(kind: str) -> None:
    with MmsEmulator() as emu, silent_listener() as silent:
        endpoint = silent if kind == "never answers" else f"127.0.0.1:{closed_port()}"

        def program() -> Any:
            return get_mms_data_source_output(SOURCE).name

        started = time.monotonic()
        with pytest.raises(ServiceUnavailable) as caught:
            run_program(program, preview=True, config=slow_config(endpoint, emu))
        elapsed = time.monotonic() - started
    message = str(caught.value)
    assert isinstance(caught.value, pulumi.RunError)  # printed by Pulumi without a traceback
    assert message.startswith(f"data source {SOURCE}: could not reach the MMS API")
    assert "\n" not in message
    assert "2 attempts" in message
    assert "Tea" not in message
    assert elapsed < HANG_CHECK_S


def test_in_the_dynamic_host_check_fails_with_a_message_naming_the_data_source() -> None:
    provider = serialized_provider()
    with MmsEmulator() as emu, silent_listener() as silent:
        host = DynamicHost()
        try:
            host.configure(slow_config(silent, emu))
            started = time.monotonic()
            _, failures = host.check({}, {"__provider": provider, "source_id": SOURCE})
            elapsed = time.monotonic() - started
        finally:
            host.close()
    [(field, reason)] = failures
    assert field == "source_id"
    assert f"data source {SOURCE}: could not reach the MMS API (timed out)" in reason
    assert "Traceback" not in reason
    assert elapsed < HANG_CHECK_S


def test_a_lookup_whose_turn_comes_with_almost_no_deadline_left_sends_nothing() -> None:
    """Queued behind maxConcurrency until 10 ms of a 1 s totalTimeout were left: a request could not get an
    answer in that time, so none is sent (before, it went out with a 10 ms timeout and loaded the server
    for nothing). The check sits in the client, so the CLI and the dynamic host get it too."""
    with MmsEmulator() as emu:
        client = MmsClient(settings_for(emu, retry=RetryPolicy(deadline_s=1.0)))
        context = contextvars.copy_context()
        context.run(client_module.queued_s.set, 0.99)
        error, _ = timed_failure(lambda: context.run(client.get_data_source, SOURCE))
        requests = emu.stats.requests
    assert isinstance(error, ServiceUnavailable)
    assert "totalTimeout" in str(error)
    assert "none was sent" in str(error)
    assert requests == 0


def test_a_queued_lookup_past_its_budget_fails_before_any_request() -> None:
    """The same through the program's pool: the job knows how long it waited for a worker."""
    with MmsEmulator() as emu:
        settings = settings_for(emu, retry=RetryPolicy(deadline_s=1.0))
        job = lookups._Job(lambda client: client.get_data_source(SOURCE), MmsClient(settings))
        job.queued_at -= 0.99
        job.run()
        requests = emu.stats.requests
    error = job.future.exception()
    assert isinstance(error, ServiceUnavailable)
    assert "maxConcurrency" in str(error)
    assert requests == 0


def test_no_retry_is_sent_with_almost_no_deadline_left() -> None:
    """A throttled first attempt asks for 980 ms; with a 1 s deadline the retry would have 20 ms: it is not
    made, and the throttling error is raised after one attempt (time is a fake clock: deterministic)."""
    clock = FakeClock()
    with MmsEmulator() as emu:
        emu.faults.set_rate(1.0, [Throttle(retry_after_ms=980)])
        client = fake_time_client(emu, clock, retry=RetryPolicy(max_attempts=5, deadline_s=1.0))
        error, _ = timed_failure(lambda: client.get_data_source(SOURCE))
        requests = emu.stats.requests
    assert error.attempts == 1
    assert requests == 1
    assert clock.sleeps == []


def test_the_pages_of_a_listing_share_one_total_timeout() -> None:
    """totalTimeout bounds the whole listing (one lookup), not each of its pages: 6 pages answered in
    0.75 s each, one at a time, with totalTimeout 1.5 s, end in ServiceUnavailable after 2 or 3 requests
    (before: every page had a deadline of its own and the listing took 4.5 s)."""
    import json
    from urllib.parse import parse_qs

    def page(request: Received) -> Reply:
        number = int(parse_qs(request.query)["pageNum"][0])
        time.sleep(0.75)
        items = [
            {"id": (number - 1) * 100 + i, "name": f"ds{(number - 1) * 100 + i}", "status": "STARTED"}
            for i in range(1, 101)
        ]
        body = {"requestId": "R", "data": {"objectList": items, "total": 600, "pageSize": 100}}
        return Reply(200, (("Content-Type", "application/json"),), json.dumps(body).encode())

    with ScriptedServer(page) as server:
        settings = server_settings(
            server.endpoint, max_concurrency=1, retry=RetryPolicy(max_attempts=1, deadline_s=1.5)
        )
        error, elapsed = timed_failure(lambda: list(MmsClient(settings).iter_data_sources()))
        requests = len(server.received)
    assert isinstance(error, ServiceUnavailable), error
    assert requests <= 3
    assert elapsed < 1.5 + 2.5  # the deadline plus a margin for a loaded machine; 4.5 s before
