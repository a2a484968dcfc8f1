"""STS AssumeRole for the emulator: a RAM role's temporary credentials, which the MMS emulator accepts.

``StsService`` serves the AssumeRole action of STS (version 2015-04-01) on 127.0.0.1 over plain HTTP.
alibabacloud-credentials' RAM-role provider calls it as it calls STS when its ``sts_endpoint`` (this
package's ``mms:stsEndpoint``) is ``http://127.0.0.1:<port>``. Requests are RPC style
(``GET /?Action=AssumeRole&...``) signed with HMAC-SHA1, "signature V1": the string to sign is
``GET&%2F&`` + the percent-encoded canonical query (keys sorted, ``Signature`` left out), the key is
``<secret>&``, the signature its base64. The caller's key is one the MMS emulator accepts (its backend is
shared); the temporary credentials issued are added to that backend, so MMS requests signed with them
(and their security token) are accepted until they expire.

    with MmsEmulator() as emu, StsService(emu.backend) as sts:
        sts.add_role("acs:ram::1234567890123456:role/reader")
        # mms:assumeRole = {"roleArn": ...}, mms:stsEndpoint = sts.endpoint
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import re
import secrets
import socketserver
import string
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote

from .exceptions import new_request_id
from .models import Credential, MmsBackend

STS_VERSION = "2015-04-01"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MIN_SESSION_S = 900
_SESSION_NAME = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
_ALNUM = string.ascii_letters + string.digits


class StsError(Exception):
    """An STS error answer: HTTP status, code and message (STS's PascalCase JSON body)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message
        super().__init__(f"{status} {code}: {message}")

    def body(self, request_id: str) -> dict[str, Any]:
        return {
            "RequestId": request_id,
            "HostId": "sts.aliyuncs.com",
            "Code": self.code,
            "Message": self.message,
        }


@dataclass(frozen=True)
class Role:
    """A RAM role that can be assumed. ``trusted_access_keys`` None: any key the emulator accepts."""

    arn: str
    external_id: str | None = None
    trusted_access_keys: frozenset[str] | None = None
    max_session_s: int = 3600


@dataclass(frozen=True)
class AssumedRole:
    """One successful AssumeRole: who asked, for what, and the key id of the credentials issued."""

    role_arn: str
    session_name: str
    caller_access_key_id: str
    access_key_id: str
    duration_s: int
    external_id: str | None
    policy: str | None


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """The V1 string to sign of an RPC request (``Signature`` itself excluded)."""
    canonical = "&".join(
        f"{_encode(key)}={_encode(value)}" for key, value in sorted(params.items()) if key != "Signature"
    )
    return f"{method.upper()}&{_encode('/')}&{_encode(canonical)}"


def sign(secret: str, to_sign: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _encode(value: str) -> str:
    # Alibaba Cloud's POP percent-encoding: RFC 3986, only A-Z a-z 0-9 - _ . ~ left as they are.
    return quote(value, safe="~")


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class StsService:
    """STS AssumeRole on loopback, issuing credentials into an MMS emulator's backend."""

    def __init__(
        self,
        backend: MmsBackend,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_clock_skew_s: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._backend = backend
        self._host, self._port = host, port
        self._max_clock_skew_s = max_clock_skew_s
        self._clock = clock
        self._lock = threading.Lock()
        self._roles: dict[str, Role] = {}
        self._nonces: set[str] = set()
        self._calls: list[AssumedRole] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- roles and what happened ------------------------------------------------------------------

    def add_role(
        self,
        arn: str,
        *,
        external_id: str | None = None,
        trusted_access_keys: Iterable[str] | None = None,
        max_session_s: int = 3600,
    ) -> Role:
        """Make role ``arn`` assumable (by the keys in ``trusted_access_keys``, or by any key)."""
        trusted = None if trusted_access_keys is None else frozenset(trusted_access_keys)
        role = Role(arn, external_id, trusted, max_session_s)
        with self._lock:
            self._roles[arn] = role
        return role

    @property
    def calls(self) -> list[AssumedRole]:
        """The successful AssumeRole calls, oldest first."""
        with self._lock:
            return list(self._calls)

    # -- the action -----------------------------------------------------------------------------------

    def assume_role(self, method: str, params: Mapping[str, str]) -> dict[str, Any]:
        """Answer one AssumeRole request (its decoded parameters); raises StsError when refused."""
        for required in ("Action", "AccessKeyId", "Signature", "SignatureNonce", "Timestamp", "RoleArn"):
            if not params.get(required):
                raise StsError(400, "MissingParameter", f"The input parameter {required} is not supplied.")
        if params["Action"] != "AssumeRole":
            raise StsError(400, "InvalidAction.NotFound", f"Specified api {params['Action']} is not found.")
        if params.get("Version") != STS_VERSION:
            raise StsError(
                400, "InvalidVersion", f"Specified parameter Version {params.get('Version')} is not valid."
            )
        if (params.get("SignatureMethod"), params.get("SignatureVersion")) != ("HMAC-SHA1", "1.0"):
            raise StsError(400, "InvalidParameter.SignatureMethod", "Only HMAC-SHA1 signature version 1.0.")
        caller = self._authenticate(method, params)
        role = self._roles.get(params["RoleArn"])
        if role is None:
            raise StsError(404, "EntityNotExist.Role", f"The role {params['RoleArn']} does not exist.")
        if role.trusted_access_keys is not None and caller.access_key_id not in role.trusted_access_keys:
            raise StsError(403, "NoPermission", "You are not authorized to assume this role.")
        if role.external_id is not None and params.get("ExternalId") != role.external_id:
            raise StsError(403, "NoPermission", "The ExternalId does not match the role's trust policy.")
        session_name = params.get("RoleSessionName", "")
        if not _SESSION_NAME.fullmatch(session_name):
            raise StsError(400, "InvalidParameter.RoleSessionName", "The RoleSessionName is invalid.")
        duration = params.get("DurationSeconds", "3600")
        if not duration.isdigit() or not MIN_SESSION_S <= int(duration) <= role.max_session_s:
            raise StsError(
                400,
                "InvalidParameter.DurationSeconds",
                f"DurationSeconds must be from {MIN_SESSION_S} to {role.max_session_s}.",
            )
        policy = params.get("Policy")
        if policy is not None:
            try:
                json.loads(policy)
            except ValueError:
                raise StsError(
                    400, "InvalidParameter.PolicyGrammar", "The policy is not valid JSON."
                ) from None
        expires_at = int(self._clock()) + int(duration)
        issued = Credential(
            "STS." + _random(_ALNUM, 24), _random(_ALNUM, 30), _random(_ALNUM + "/+=", 120), float(expires_at)
        )
        self._backend.add_credential(issued)
        with self._lock:
            self._calls.append(
                AssumedRole(
                    role.arn,
                    session_name,
                    caller.access_key_id,
                    issued.access_key_id,
                    int(duration),
                    params.get("ExternalId"),
                    policy,
                )
            )
        role_id = _random(string.digits, 18)
        return {
            "AssumedRoleUser": {
                "Arn": f"{role.arn.replace(':role/', ':assumed-role/')}/{session_name}",
                "AssumedRoleId": f"{role_id}:{session_name}",
            },
            "Credentials": {
                "AccessKeyId": issued.access_key_id,
                "AccessKeySecret": issued.access_key_secret,
                "SecurityToken": issued.security_token,
                "Expiration": time.strftime(TIMESTAMP_FORMAT, time.gmtime(expires_at)),
            },
        }

    def _authenticate(self, method: str, params: Mapping[str, str]) -> Credential:
        caller = self._backend.credential(params["AccessKeyId"])
        if caller is None:
            raise StsError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        expected = sign(caller.access_key_secret, string_to_sign(method, params))
        if not hmac.compare_digest(expected.encode(), params["Signature"].encode()):
            raise StsError(
                400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
            )
        try:
            sent_at = calendar.timegm(time.strptime(params["Timestamp"], TIMESTAMP_FORMAT))
        except ValueError:
            raise StsError(400, "InvalidTimeStamp.Format", "Specified time stamp is not valid.") from None
        if abs(self._clock() - sent_at) > self._max_clock_skew_s:
            raise StsError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        if caller.is_sts:
            if params.get("SecurityToken") != caller.security_token:
                raise StsError(400, "InvalidSecurityToken.Mismatch", "Specified SecurityToken mismatch.")
            if caller.expires_at is not None and caller.expires_at <= self._clock():
                raise StsError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                raise StsError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces.add(params["SignatureNonce"])
        return caller

    # -- serving --------------------------------------------------------------------------------------

    def start(self) -> StsService:
        """Start serving (no-op if running)."""
        with self._lock:
            if self._server is not None:
                return self
            server = _StsHTTPServer((self._host, self._port), self)
            self._port = server.server_address[1]
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.01}, name="sts-emulator", daemon=True
            )
            thread.start()
            self._server, self._thread = server, thread
            return self

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> StsService:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:<port>``: the STS endpoint to configure (``mms:stsEndpoint``)."""
        if self._server is None:
            raise RuntimeError("the STS emulator is not running: call start() or use it as a context manager")
        return f"http://{self._host}:{self._port}"


class _StsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: StsService) -> None:
        self.service = service
        super().__init__(address, _StsHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # no reverse DNS lookup of the address


class _StsHandler(BaseHTTPRequestHandler):
    server: _StsHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        _, _, query = self.path.partition("?")
        params = dict(parse_qsl(query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            params.update(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
        request_id = new_request_id()
        try:
            status, body = (
                200,
                {"RequestId": request_id, **self.server.service.assume_role(self.command, params)},
            )
        except StsError as error:
            status, body = error.status, error.body(request_id)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET
