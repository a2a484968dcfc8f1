"""Our requests session inside tea: installed once, NO_PROXY-aware, observant, and quiet about secrets."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest
import requests
from darabonba.core import DaraCore
from darabonba.request import DaraRequest

from pulumi_mms import MmsClient, StaticCredentials
from pulumi_mms.core.secrets import MASK
from pulumi_mms.core.transport import (
    MmsSession,
    RedactSecretHeaders,
    install_session,
    redact_proxy,
)
from pulumi_mms.testing import MmsEmulator, sample_data
from tests.reliability import (
    SOURCE,
    Received,
    Reply,
    ScriptedServer,
    closed_port,
    settings_for,
    silent_listener,
)


def json_reply(_request: Received) -> Reply:
    body = json.dumps({"requestId": "R-1", "data": sample_data()}).encode()
    headers = (
        ("Content-Type", "application/json"),
        ("x-acs-request-id", "R-1"),
        ("x-acs-retry-after", "250"),
    )
    return Reply(200, headers, body)


def test_install_session_is_idempotent_and_replaces_a_plain_session() -> None:
    key = f"http://install.example:{DaraRequest().port}:pool=5"
    DaraCore._sessions[key] = requests.Session()  # what darabonba would have created on its own
    try:
        first = install_session("HTTP", "install.example", 5)
        assert isinstance(first, MmsSession)
        assert DaraCore._sessions[key] is first
        assert install_session("http", "install.example", 5) is first
        assert install_session("http", "install.example", 6) is not first  # a pool size is a session
    finally:
        for size in (5, 6):
            DaraCore._sessions.pop(f"http://install.example:{DaraRequest().port}:pool={size}", None)


def test_concurrent_installs_make_one_session() -> None:
    sessions: list[MmsSession] = []
    barrier = threading.Barrier(16)

    def install() -> None:
        barrier.wait()
        sessions.append(install_session("http", "race.example", 16))

    threads = [threading.Thread(target=install) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(sessions) == 16
    assert len({id(session) for session in sessions}) == 1


def test_facts_of_the_last_response_per_thread() -> None:
    session = MmsSession(4)
    with ScriptedServer(json_reply) as server:
        assert session.last_response().status is None
        session.get(f"http://{server.endpoint}/x")
        facts = session.last_response()
        assert (facts.status, facts.request_id, facts.retry_after_ms) == (200, "R-1", 250)
        assert facts.received_headers
        assert facts.content_type == "application/json"
        assert not facts.truncated
        seen_elsewhere: list[int | None] = []
        other = threading.Thread(target=lambda: seen_elsewhere.append(session.last_response().status))
        other.start()
        other.join(timeout=10)
        assert seen_elsewhere == [None]  # facts are per thread: concurrent lookups do not see each other's
        session.forget()
        assert session.last_response().status is None


@pytest.mark.parametrize("value", ["²", "-5", "1.5", "abc", "", "9" * 40])
def test_odd_retry_after_values_are_ignored(value: str) -> None:
    def reply(_request: Received) -> Reply:
        return Reply(429, (("x-acs-retry-after", value),), b"{}")

    session = MmsSession(1)
    with ScriptedServer(reply) as server:
        session.get(f"http://{server.endpoint}/x")
    assert session.last_response().retry_after_ms is None


def test_a_truncated_body_is_recorded() -> None:
    session = MmsSession(1)
    reply = Reply(200, (), b"{" + b" " * 200 + b"}", truncate=True)
    with (
        ScriptedServer(lambda _r: reply) as server,
        pytest.raises(requests.exceptions.ChunkedEncodingError),
    ):
        session.get(f"http://{server.endpoint}/x")
    assert session.last_response().truncated


def test_an_undecodable_body_is_recorded() -> None:
    session = MmsSession(1)
    reply = Reply(200, (("Content-Encoding", "gzip"),), b"not gzip")
    with (
        ScriptedServer(lambda _r: reply) as server,
        pytest.raises(requests.exceptions.ContentDecodingError),
    ):
        session.get(f"http://{server.endpoint}/x")
    facts = session.last_response()
    assert facts.undecodable
    assert not facts.truncated


def test_sends_are_counted_exactly_across_threads() -> None:
    session = MmsSession(8)
    with ScriptedServer(json_reply) as server:
        url = f"http://{server.endpoint}/x"

        def work() -> None:
            for _ in range(25):
                session.get(url)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert session.sends == 200
    assert len(server.received) == 200


def test_no_proxy_bypasses_a_proxy_for_matching_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    session = MmsSession(1)
    with ScriptedServer(json_reply) as server:
        url = f"http://{server.endpoint}/x"
        with pytest.raises(requests.exceptions.ProxyError):
            session.send(requests.Request("GET", url).prepare(), proxies={"http": dead}, timeout=(1, 1))
        assert session.last_response().proxy == dead
        monkeypatch.setenv("NO_PROXY", "example.com,127.0.0.1")
        response = session.send(
            requests.Request("GET", url).prepare(), proxies={"http": dead}, timeout=(1, 1)
        )
        assert response.status_code == 200
        assert session.last_response().proxy is None
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:secret@proxy.example:3128", "http://proxy.example:3128"),
        ("http://proxy.example:3128/", "http://proxy.example:3128/"),
        ("socks5://[::1]:1080", "socks5://[::1]:1080"),
        ("http://proxy.example:99999999", "<unparsable proxy URL>"),
    ],
)
def test_proxy_urls_are_shown_without_user_info(url: str, shown: str) -> None:
    assert redact_proxy(url) == shown


def test_an_attempt_budget_caps_connect_plus_read() -> None:
    session = MmsSession(1)
    with silent_listener() as endpoint:
        session.forget(budget_s=0.2)
        started = time.monotonic()
        with pytest.raises(requests.exceptions.Timeout):
            session.send(requests.Request("GET", f"http://{endpoint}/x").prepare(), timeout=(30, 30))
        assert time.monotonic() - started < 10  # a hang check: the budget, not the 30 s read timeout


def test_sdk_debug_logging_never_shows_the_token(
    mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    token = "STS-TOKEN-must-not-be-logged-0042"
    mms_emulator.add_sts_token("STS.DebugKeyId01", "sts-debug-secret-0042", token)
    monkeypatch.setenv("DEBUG", "sdk")  # darabonba then logs every request header
    caplog.set_level(logging.DEBUG)
    creds = StaticCredentials("STS.DebugKeyId01", "sts-debug-secret-0042", token)
    MmsClient(settings_for(mms_emulator, credentials=creds)).get_data_source(SOURCE)
    dumps = [r.getMessage() for r in caplog.records if r.name == "darabonba-core"]
    assert any("x-acs-security-token" in text for text in dumps)  # the dump happened...
    assert all(token not in text for text in dumps)  # ...without the token
    assert any(f"x-acs-security-token : {MASK}" in text for text in dumps)
    assert all("sts-debug-secret-0042" not in r.getMessage() for r in caplog.records)


def test_the_redaction_filter_also_handles_formatted_records() -> None:
    record = logging.LogRecord(
        "darabonba-core", logging.DEBUG, __file__, 1, "%s", ("\n> authorization : ACS3 secret-ish",), None
    )
    assert RedactSecretHeaders().filter(record)
    assert record.getMessage() == f"\n> authorization : {MASK}"
