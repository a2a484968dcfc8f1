"""ACS3-HMAC-SHA256 verification against requests produced by the real tea-openapi client."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pytest
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import utils as tea_utils
from alibabacloud_tea_openapi.client import Client as TeaClient
from alibabacloud_tea_util.models import RuntimeOptions

from pulumi_mms.testing import Credential, signing
from pulumi_mms.testing.exceptions import (
    EmulatorError,
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    SecurityTokenExpired,
    SecurityTokenMismatch,
    SignatureDoesNotMatch,
    TimestampExpired,
    TimestampFormat,
)

KEY_ID = "LTAI5tTestKeyId000000000"
SECRET = "TestSecret0123456789abcdefghij"


@dataclass
class Captured:
    request_line: str
    headers: list[tuple[str, str]]

    @property
    def method(self) -> str:
        return self.request_line.split(" ")[0]

    @property
    def target(self) -> str:
        return self.request_line.split(" ")[1]

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.target.partition("?")[2], keep_blank_values=True)

    def incoming(self, **changes: object) -> signing.IncomingRequest:
        values: dict[str, object] = {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": b"",
        }
        values.update(changes)
        return signing.IncomingRequest(**values)  # type: ignore[arg-type]

    def header(self, name: str) -> str:
        value = self.incoming().header(name)
        assert value is not None
        return value


@pytest.fixture
def capture_server() -> Iterator[tuple[str, list[Captured]]]:
    """A one-shot-per-connection socket server that records requests and answers a minimal JSON body."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    captured: list[Captured] = []
    stop = threading.Event()

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            if stop.is_set():
                conn.close()
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
                pairs = [tuple(line.split(": ", 1)) for line in head[1:]]
                captured.append(Captured(head[0], [(k, v) for k, v in pairs]))
                body = b'{"requestId":"R","data":{"id":1}}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    address = listener.getsockname()
    yield f"127.0.0.1:{address[1]}", captured
    stop.set()
    socket.create_connection(address, timeout=5).close()  # wakes accept()
    thread.join(timeout=5)
    listener.close()


ParamsFactory = Callable[[int | str], open_api_models.Params]


def _tea_request(params: ParamsFactory, endpoint: str, query: dict[str, str], **config: str) -> None:
    settings = {
        "access_key_id": KEY_ID,
        "access_key_secret": SECRET,
        "endpoint": endpoint,
        "protocol": "http",
        "region_id": "cn-shanghai",
        **config,
    }
    client = TeaClient(open_api_models.Config(**settings))
    client.call_api(params(2000015), open_api_models.OpenApiRequest(query=query), RuntimeOptions())


@pytest.fixture
def captured(capture_server: tuple[str, list[Captured]], sdk_params: ParamsFactory) -> Captured:
    endpoint, requests = capture_server
    _tea_request(sdk_params, endpoint, {"withConfig": "True", "lang": "en_US", "odd": "a b~c/d*é+"})
    assert len(requests) == 1
    return requests[0]


def lookup(key_id: str) -> Credential | None:
    return Credential(KEY_ID, SECRET) if key_id == KEY_ID else None


def test_signature_of_a_real_tea_request_is_recomputed(captured: Captured) -> None:
    auth = signing.parse_authorization(captured.header("Authorization"))
    assert auth.algorithm == "ACS3-HMAC-SHA256"
    assert auth.access_key_id == KEY_ID
    assert set(signing.REQUIRED_SIGNED_HEADERS) <= set(auth.signed_headers)
    assert "accept-encoding" not in auth.signed_headers  # added by requests after signing

    canonical = signing.canonical_request(
        captured.method,
        captured.path,
        captured.query,
        captured.headers,
        auth.signed_headers,
        captured.header("x-acs-content-sha256"),
    )
    assert signing.signature(SECRET, signing.string_to_sign(canonical)) == auth.signature


def test_canonical_parts_match_tea_helpers() -> None:
    query = {"withConfig": "True", "lang": "en_US", "odd": "a b~c/d*é+", "empty": ""}
    assert signing.canonical_query(query.items()) == tea_utils.get_canonical_query_string(query)

    headers = {"Host": "h:1", "x-acs-date": " 2026-01-01T00:00:00Z ", "X-Acs-Action": "A"}
    tea_block, tea_names = tea_utils.get_canonicalized_headers(headers)
    names = tea_names.split(";")
    assert signing.canonical_headers(headers.items(), names) == tea_block


def test_canonical_request_layout() -> None:
    canonical = signing.canonical_request(
        "get",
        "/p",
        [("b", "2"), ("a", "x y")],
        [("Host", "h"), ("X-Acs-Date", "d")],
        ["x-acs-date", "host"],
        "H",
    )
    assert canonical == "GET\n/p\na=x%20y&b=2\nhost:h\nx-acs-date:d\n\nhost;x-acs-date\nH"


def test_verify_accepts_the_real_tea_request(captured: Captured) -> None:
    date = signing.parse_date(captured.header("x-acs-date"))
    assert signing.verify_request(captured.incoming(), lookup, now=date) == Credential(KEY_ID, SECRET)


def test_wrong_secret_is_refused(captured: Captured) -> None:
    now = signing.parse_date(captured.header("x-acs-date"))
    with pytest.raises(SignatureDoesNotMatch, match="string to sign"):
        signing.verify_request(captured.incoming(), lambda _: Credential(KEY_ID, "wrong"), now=now)


@pytest.mark.parametrize(
    "changes",
    [
        {"query": [("withConfig", "False"), ("lang", "en_US"), ("odd", "a b~c/d*é+")]},
        {"query": [("withConfig", "True"), ("lang", "en_US")]},
        {"path": "/api/v1/mms/datasources/2000016"},
        {"method": "POST"},
    ],
    ids=["tampered-value", "dropped-param", "other-path", "other-method"],
)
def test_tampering_is_refused(captured: Captured, changes: dict[str, object]) -> None:
    now = signing.parse_date(captured.header("x-acs-date"))
    with pytest.raises(SignatureDoesNotMatch):
        signing.verify_request(captured.incoming(**changes), lookup, now=now)


def test_tampered_signed_header_is_refused(captured: Captured) -> None:
    now = signing.parse_date(captured.header("x-acs-date"))
    headers = [(k, "GetSomethingElse" if k == "x-acs-action" else v) for k, v in captured.headers]
    with pytest.raises(SignatureDoesNotMatch):
        signing.verify_request(captured.incoming(headers=headers), lookup, now=now)


def test_body_not_matching_content_hash_is_refused(captured: Captured) -> None:
    now = signing.parse_date(captured.header("x-acs-date"))
    with pytest.raises(SignatureDoesNotMatch, match="x-acs-content-sha256"):
        signing.verify_request(captured.incoming(body=b"{}"), lookup, now=now)


@pytest.mark.parametrize("offset", [-901.0, 901.0, -1200.0])
def test_clock_skew_beyond_limit_is_refused(captured: Captured, offset: float) -> None:
    now = signing.parse_date(captured.header("x-acs-date")) - offset
    with pytest.raises(TimestampExpired):
        signing.verify_request(captured.incoming(), lookup, now=now)


def test_clock_skew_limit_is_configurable(captured: Captured) -> None:
    now = signing.parse_date(captured.header("x-acs-date")) + 1200
    assert signing.verify_request(captured.incoming(), lookup, now=now, max_clock_skew_s=1800)
    with pytest.raises(TimestampExpired):
        signing.verify_request(captured.incoming(), lookup, now=now, max_clock_skew_s=60)


def test_unknown_key_is_refused(captured: Captured) -> None:
    now = signing.parse_date(captured.header("x-acs-date"))
    with pytest.raises(InvalidAccessKeyIdNotFound):
        signing.verify_request(captured.incoming(), lambda _: None, now=now)


def _without(captured: Captured, name: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in captured.headers if k.lower() != name]


@pytest.mark.parametrize(
    ("authorization", "match"),
    [
        (None, "missing"),
        ("", "missing"),
        ("ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=x", "algorithm"),
        ("ACS3-HMAC-SHA256 Credential=a,Signature=x", "SignedHeaders"),
        ("ACS3-HMAC-SHA256 garbage", "Credential"),
        ("acs LTAI:abcdef", "algorithm"),
    ],
)
def test_missing_or_garbled_authorization(captured: Captured, authorization: str | None, match: str) -> None:
    headers = _without(captured, "authorization")
    if authorization is not None:
        headers.append(("Authorization", authorization))
    with pytest.raises(IncompleteSignature, match=match):
        signing.verify_request(captured.incoming(headers=headers), lookup)


@pytest.mark.parametrize("name", ["host", "x-acs-date", "x-acs-action", "x-acs-version"])
def test_required_headers_must_be_signed(name: str) -> None:
    headers = [
        ("host", "h:1"),
        ("x-acs-action", "GetMmsDataSource"),
        ("x-acs-version", "2022-01-04"),
        ("x-acs-date", signing.format_date()),
        ("x-acs-content-sha256", signing.EMPTY_PAYLOAD_HASH),
    ]
    signed = [(k, v) for k, v in headers if k != name]
    auth = signing.authorization_header(
        "GET", "/", [], signed, access_key_id=KEY_ID, access_key_secret=SECRET
    )
    request = signing.IncomingRequest("GET", "/", [], [*headers, ("Authorization", auth)])
    with pytest.raises(IncompleteSignature, match=name):
        signing.verify_request(request, lookup)


def test_malformed_date_is_refused(captured: Captured) -> None:
    headers = [*_without(captured, "x-acs-date"), ("x-acs-date", "yesterday")]
    with pytest.raises(TimestampFormat):
        signing.verify_request(captured.incoming(headers=headers), lookup)


def _sts_request(token: str | None) -> signing.IncomingRequest:
    headers = [
        ("host", "h:1"),
        ("x-acs-action", "GetMmsDataSource"),
        ("x-acs-version", "2022-01-04"),
        ("x-acs-date", signing.format_date(1_800_000_000)),
        ("x-acs-content-sha256", signing.EMPTY_PAYLOAD_HASH),
    ]
    if token is not None:
        headers.append(("x-acs-security-token", token))
    auth = signing.authorization_header("GET", "/", [], headers, access_key_id="STS.k", access_key_secret="s")
    return signing.IncomingRequest("GET", "/", [], [*headers, ("Authorization", auth)])


@pytest.mark.parametrize(
    ("token", "expires_at", "error"),
    [
        ("tok", None, None),
        ("tok", 1_800_000_001.0, None),
        (None, None, SecurityTokenMismatch),
        ("other", None, SecurityTokenMismatch),
        ("tok", 1_799_999_000.0, SecurityTokenExpired),
    ],
)
def test_sts_tokens(token: str | None, expires_at: float | None, error: type[EmulatorError] | None) -> None:
    credential = Credential("STS.k", "s", "tok", expires_at)
    request = _sts_request(token)
    if error is None:
        assert signing.verify_request(request, lambda _: credential, now=1_800_000_000) is credential
    else:
        with pytest.raises(error):
            signing.verify_request(request, lambda _: credential, now=1_800_000_000)


def test_token_with_a_permanent_key_is_refused() -> None:
    with pytest.raises(SecurityTokenMismatch):
        signing.verify_request(_sts_request("tok"), lambda _: Credential("STS.k", "s"), now=1_800_000_000)


def test_real_tea_sts_request_is_accepted(
    capture_server: tuple[str, list[Captured]], sdk_params: ParamsFactory
) -> None:
    endpoint, requests = capture_server
    _tea_request(sdk_params, endpoint, {}, security_token="sts-token")
    request = requests[0]
    credential = Credential(KEY_ID, SECRET, "sts-token")
    now = signing.parse_date(request.header("x-acs-date"))
    assert signing.verify_request(request.incoming(), lambda _: credential, now=now) is credential


def test_date_round_trip() -> None:
    assert signing.parse_date(signing.format_date(1_700_000_000)) == 1_700_000_000
    assert signing.format_date(0) == "1970-01-01T00:00:00Z"
