"""Alibaba Cloud ACS3-HMAC-SHA256 ("V3") request signatures: computing them and verifying them server-side.

The canonical request follows alibabacloud-tea-openapi 0.4.x byte for byte (``Utils.get_authorization``):
method, the path as sent, the canonical query (sorted keys, values RFC 3986 encoded with ``~`` kept),
one ``name:value`` line per signed header (lower-cased names, sorted, values trimmed; repeated headers
joined by ``,``), an empty line, the ``;``-joined signed header names and the hex payload hash.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from .exceptions import (
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    SecurityTokenExpired,
    SecurityTokenMismatch,
    SignatureDoesNotMatch,
    TimestampExpired,
    TimestampFormat,
)
from .models import Credential

ALGORITHM = "ACS3-HMAC-SHA256"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
REQUIRED_SIGNED_HEADERS = ("host", "x-acs-action", "x-acs-date", "x-acs-version")
DEFAULT_MAX_CLOCK_SKEW_S = 900.0
EMPTY_PAYLOAD_HASH = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class IncomingRequest:
    """The parts of an HTTP request that take part in the signature, as received."""

    method: str
    path: str  # the path exactly as it appeared in the request line, without the query
    query: Sequence[tuple[str, str]]  # decoded query pairs, in any order
    headers: Sequence[tuple[str, str]]  # all header lines, names in any case
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Authorization:
    """A parsed ``Authorization`` header."""

    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...] = field(default_factory=tuple)
    signature: str = ""


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as used in canonical queries (only ``A-Za-z0-9-_.~`` left as they are)."""
    return quote(value, safe="~", encoding="utf-8")


def hash_payload(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    # Keys are not encoded: tea-openapi does not encode them either.
    return "&".join(f"{key}={percent_encode(value)}" for key, value in sorted(pairs))


def canonical_headers(headers: Iterable[tuple[str, str]], signed_headers: Iterable[str]) -> str:
    """The header block of a canonical request: ``name:value\\n`` per signed header."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(value.strip())
    return "".join(f"{name}:{','.join(sorted(grouped.get(name, [])))}\n" for name in signed_headers)


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Iterable[tuple[str, str]],
    signed_headers: Sequence[str],
    payload_hash: str,
) -> str:
    names = sorted(name.lower() for name in signed_headers)
    return "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query(query),
            canonical_headers(headers, names),
            ";".join(names),
            payload_hash,
        ]
    )


def string_to_sign(canonical: str) -> str:
    return f"{ALGORITHM}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def signature(secret: str, to_sign: str) -> str:
    return hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def format_date(epoch_s: float | None = None) -> str:
    """An ``x-acs-date`` value for ``epoch_s`` (default: now)."""
    return time.strftime(DATE_FORMAT, time.gmtime(time.time() if epoch_s is None else epoch_s))


def parse_date(value: str) -> float:
    """Epoch seconds of an ``x-acs-date`` value; raises ValueError when malformed."""
    return float(calendar.timegm(time.strptime(value, DATE_FORMAT)))


def authorization_header(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Sequence[tuple[str, str]],
    *,
    access_key_id: str,
    access_key_secret: str,
    body: bytes = b"",
) -> str:
    """Sign a request the way tea-openapi does (every given header signed); returns the header value.

    ``headers`` must already contain ``host``, ``x-acs-*`` and ``x-acs-content-sha256``.
    """
    names = sorted({name.lower() for name, _ in headers})
    canonical = canonical_request(method, path, query, headers, names, hash_payload(body))
    sig = signature(access_key_secret, string_to_sign(canonical))
    return f"{ALGORITHM} Credential={access_key_id},SignedHeaders={';'.join(names)},Signature={sig}"


def parse_authorization(value: str | None) -> Authorization:
    """Parse ``ACS3-HMAC-SHA256 Credential=..,SignedHeaders=a;b,Signature=..``; IncompleteSignature if not."""
    if not value or not value.strip():
        raise IncompleteSignature("The Authorization header is missing.")
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignature(f"Unsupported signature algorithm {algorithm!r}; expected {ALGORITHM}.")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, val = item.strip().partition("=")
        if sep:
            parts[key.strip()] = val.strip()
    credential = parts.get("Credential", "")
    signed = tuple(h.strip().lower() for h in parts.get("SignedHeaders", "").split(";") if h.strip())
    sig = parts.get("Signature", "")
    if not credential or not signed or not sig:
        raise IncompleteSignature(
            "The Authorization header must carry Credential, SignedHeaders and Signature."
        )
    return Authorization(algorithm, credential, signed, sig)


def verify_request(
    request: IncomingRequest,
    lookup: Callable[[str], Credential | None],
    *,
    now: float | None = None,
    max_clock_skew_s: float = DEFAULT_MAX_CLOCK_SKEW_S,
) -> Credential:
    """Authenticate ``request``; returns the matching credential or raises an :class:`EmulatorError`.

    Checks, in order: the Authorization header is complete; host, x-acs-date, x-acs-action and
    x-acs-version (and x-acs-security-token when sent) are signed; the date is well formed and within
    ``max_clock_skew_s``; the access key exists; ``x-acs-content-sha256`` is the body's hash; the
    signature matches; an STS key came with its (unexpired) token.
    """
    auth = parse_authorization(request.header("authorization"))
    required = list(REQUIRED_SIGNED_HEADERS)
    if request.header("x-acs-security-token") is not None:
        required.append("x-acs-security-token")
    unsigned = [name for name in required if name not in auth.signed_headers]
    if unsigned:
        raise IncompleteSignature(f"These headers must be signed: {', '.join(unsigned)}.")
    absent = [name for name in auth.signed_headers if request.header(name) is None]
    if absent:
        raise IncompleteSignature(f"Signed headers missing from the request: {', '.join(absent)}.")

    date = request.header("x-acs-date") or ""
    try:
        signed_at = parse_date(date)
    except ValueError:
        raise TimestampFormat(f"Specified x-acs-date {date!r} is not well formatted.") from None
    current = time.time() if now is None else now
    if abs(current - signed_at) > max_clock_skew_s:
        raise TimestampExpired(
            f"Specified time stamp or date value is expired: x-acs-date {date} is more than "
            f"{max_clock_skew_s:g} s away from the server time {format_date(current)}."
        )

    credential = lookup(auth.access_key_id)
    if credential is None:
        raise InvalidAccessKeyIdNotFound(f"Specified access key is not found: {auth.access_key_id}.")

    payload_hash = hash_payload(request.body)
    sent_hash = request.header("x-acs-content-sha256")
    if sent_hash is None:
        raise IncompleteSignature("The x-acs-content-sha256 header is missing.")
    if not hmac.compare_digest(sent_hash.strip().lower().encode(), payload_hash.encode()):
        raise SignatureDoesNotMatch("The x-acs-content-sha256 header does not match the request body.")

    canonical = canonical_request(
        request.method, request.path, request.query, request.headers, auth.signed_headers, payload_hash
    )
    to_sign = string_to_sign(canonical)
    expected = signature(credential.access_key_secret, to_sign)
    if not hmac.compare_digest(expected.encode(), auth.signature.lower().encode()):
        raise SignatureDoesNotMatch(
            f"Specified signature does not match our calculation. Server string to sign is: {to_sign!r}"
        )

    token = request.header("x-acs-security-token")
    if credential.is_sts:
        if token is None or not hmac.compare_digest(
            token.encode(), (credential.security_token or "").encode()
        ):
            raise SecurityTokenMismatch(
                f"Specified SecurityToken is missing or does not match the AccessKey {auth.access_key_id}."
            )
        if credential.expires_at is not None and current >= credential.expires_at:
            raise SecurityTokenExpired(
                f"Specified SecurityToken expired at {format_date(credential.expires_at)}."
            )
    elif token is not None:
        raise SecurityTokenMismatch(
            f"A SecurityToken was sent with the permanent AccessKey {auth.access_key_id}."
        )
    return credential
