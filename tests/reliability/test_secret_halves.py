"""Echoed credentials never leak, not even half of one (issue 11, section 6).

A server or proxy that echoes the caller's secret into its answer must not get it into an error: the
server's message is cut to 300 characters and the content type to 80, and a secret straddling the cut
used to keep its first half (the whole secret no longer matched after the cut). `accessDeniedDetail`'s
fields, which become the error's fix, go through the same scrubbing. Hand-written answers on 127.0.0.1.
"""

from __future__ import annotations

import json

import pytest

from pulumi_mms import MmsClient, MmsError, PermissionDenied, StaticCredentials
from pulumi_mms.core.secrets import MASK
from pulumi_mms.core.translate import CONTENT_TYPE_LIMIT, MESSAGE_LIMIT

from . import SOURCE, Received, Reply, ScriptedServer, outcome, server_settings

SECRET = "EchoedSecret-4c7e19ab-d2f0-distinctive"
TOKEN = "EchoedStsToken-8b1e55c3-a9d7-distinctive"


def _pieces(secret: str) -> list[str]:
    """Every part of the secret long enough to matter (8 characters or more), from either end."""
    return [secret[:n] for n in range(8, len(secret) + 1)] + [secret[-n:] for n in range(8, len(secret) + 1)]


def _error_text(reply: Reply) -> tuple[MmsError, str]:
    def answer(_request: Received) -> Reply:
        return reply

    with ScriptedServer(answer) as server:
        settings = server_settings(
            server.endpoint, credentials=StaticCredentials("LTAI5tEchoKey", SECRET, TOKEN)
        )
        error = outcome(lambda: MmsClient(settings).get_data_source(SOURCE), MmsError)
    assert isinstance(error, MmsError), f"expected an error, got {error!r}"
    return error, "\n".join([str(error), repr(error), repr(error.context())])


def _straddling(secret: str, cut: int, filler: str = "x") -> str:
    """Text in which `secret` starts half its length before `cut`."""
    return filler * (cut - len(secret) // 2) + secret + " and more"


def _json_error(status: int, body: dict[str, object]) -> Reply:
    return Reply(status, (("Content-Type", "application/json"),), json.dumps(body).encode())


@pytest.mark.parametrize("secret", [SECRET, TOKEN])
def test_a_secret_across_the_message_cut_leaks_no_half(secret: str) -> None:
    message = _straddling(secret, MESSAGE_LIMIT)
    error, text = _error_text(_json_error(400, {"code": "InvalidParameter", "message": message}))
    leaked = [piece for piece in _pieces(secret) if piece in text]
    assert not leaked, f"part of the secret leaked: {leaked[-1]!r}"
    assert "x" * 50 in error.message  # the message itself is still shown, scrubbed, then cut


def test_a_secret_across_the_content_type_cut_leaks_no_half() -> None:
    content_type = "text/html; charset=utf-8; echo=" + _straddling(SECRET, CONTENT_TYPE_LIMIT - 32, "y")
    error, text = _error_text(Reply(400, (("Content-Type", content_type),), b"<html>no</html>"))
    leaked = [piece for piece in _pieces(SECRET) if piece in text]
    assert not leaked, f"part of the secret leaked: {leaked[-1]!r}"
    assert "text/html" in error.message


@pytest.mark.parametrize(
    "detail",
    [
        {"AuthAction": f"odps:{SECRET}", "AuthResource": "acs:odps:cn-shanghai:123:mmsdatasource/1"},
        {"AuthAction": "odps:GetMmsDataSource", "AuthResource": f"acs:odps:cn-shanghai:123:{SECRET}"},
        {"AuthAction": "odps:GetMmsDataSource", "AuthResource": "acs:odps:x:" + "z" * 290 + SECRET},
    ],
    ids=["action", "resource", "resource-across-the-cut"],
)
def test_access_denied_detail_is_scrubbed_like_the_message(detail: dict[str, str]) -> None:
    body = {"code": "Forbidden.RAM", "message": "You are not authorized.", "accessDeniedDetail": detail}
    error, text = _error_text(_json_error(403, body))
    assert isinstance(error, PermissionDenied)
    leaked = [piece for piece in _pieces(SECRET) if piece in text]
    assert not leaked, f"part of the secret leaked: {leaked[-1]!r}"
    assert error.hint is not None
    assert error.hint.startswith("grant RAM action ")


def test_the_mask_replaces_a_whole_echoed_secret() -> None:
    _, text = _error_text(_json_error(400, {"code": "InvalidParameter", "message": f"bad key {SECRET}"}))
    assert SECRET not in text
    assert f"bad key {MASK}" in text
