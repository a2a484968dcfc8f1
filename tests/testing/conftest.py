"""Fixtures for the emulator's tests: no proxies, a running emulator, real tea/SDK clients, a raw signer.

Test modules get these helpers through fixtures only (``conftest`` is not importable reliably); they
import the classes under TYPE_CHECKING for annotations.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from alibabacloud_maxcompute20220104.client import Client as MaxComputeClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.client import Client as TeaClient
from alibabacloud_tea_util.models import RuntimeOptions

from pulumi_mms.testing import MmsEmulator, signing

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """tea sends through HTTP(S)_PROXY even to 127.0.0.1 and ignores NO_PROXY."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emu() -> Iterator[MmsEmulator]:
    with MmsEmulator() as emulator:
        yield emulator


def tea_config(emu: MmsEmulator, **overrides: Any) -> open_api_models.Config:
    settings: dict[str, Any] = {
        "access_key_id": emu.access_key_id,
        "access_key_secret": emu.access_key_secret,
        "endpoint": emu.endpoint,
        "protocol": "http",
        "region_id": "cn-shanghai",
        "read_timeout": 5000,
        "connect_timeout": 2000,
    }
    settings.update(overrides)
    return open_api_models.Config(**settings)


def make_sdk_params(source_id: int | str) -> open_api_models.Params:
    """Params exactly as alibabacloud-maxcompute20220104's get_mms_data_source_with_options builds them."""
    return open_api_models.Params(
        action="GetMmsDataSource",
        version="2022-01-04",
        protocol="HTTPS",
        pathname=f"/api/v1/mms/datasources/{source_id}",
        method="GET",
        auth_type="AK",
        style="ROA",
        req_body_type="json",
        body_type="json",
    )


@dataclass
class TeaCaller:
    """The generic tea-openapi client, called the way the official SDK calls it."""

    emu: MmsEmulator

    def get(self, source_id: int | str, query: Mapping[str, str] | None = None, **config: Any) -> Any:
        client = TeaClient(tea_config(self.emu, **config))
        request = open_api_models.OpenApiRequest(query=dict(query or {}))
        return client.call_api(make_sdk_params(source_id), request, RuntimeOptions())


@pytest.fixture
def sdk_params() -> Callable[[int | str], open_api_models.Params]:
    return make_sdk_params


@pytest.fixture
def tea(emu: MmsEmulator) -> TeaCaller:
    return TeaCaller(emu)


@pytest.fixture
def sdk_factory(emu: MmsEmulator) -> Callable[..., MaxComputeClient]:
    def make(**overrides: Any) -> MaxComputeClient:
        return MaxComputeClient(tea_config(emu, **overrides))

    return make


@pytest.fixture
def sdk(sdk_factory: Callable[..., MaxComputeClient]) -> MaxComputeClient:
    return sdk_factory()


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        value = self.json().get("code")
        return value if isinstance(value, str) else None


@dataclass
class RawClient:
    """Builds tea-like signed requests with the emulator's signing module and sends them via http.client."""

    emu: MmsEmulator
    connections: list[http.client.HTTPConnection] = field(default_factory=list)

    def build(
        self,
        path: str,
        query: Mapping[str, str] | None = None,
        *,
        action: str | None = "GetMmsDataSource",
        version: str | None = "2022-01-04",
        key_id: str | None = None,
        secret: str | None = None,
        token: str | None = None,
        date: str | None = None,
        body: bytes = b"",
    ) -> tuple[str, dict[str, str]]:
        headers: dict[str, str] = {"host": self.emu.endpoint}
        if version is not None:
            headers["x-acs-version"] = version
        if action is not None:
            headers["x-acs-action"] = action
        headers["x-acs-date"] = date or signing.format_date()
        headers["x-acs-signature-nonce"] = "nonce-1"
        headers["accept"] = "application/json"
        headers["x-acs-content-sha256"] = signing.hash_payload(body)
        if token is not None:
            headers["x-acs-accesskey-id"] = key_id or self.emu.access_key_id
            headers["x-acs-security-token"] = token
        pairs = list((query or {}).items())
        headers["Authorization"] = signing.authorization_header(
            "GET",
            path,
            pairs,
            list(headers.items()),
            access_key_id=key_id or self.emu.access_key_id,
            access_key_secret=secret or self.emu.access_key_secret,
            body=body,
        )
        target = path + ("?" + urlencode(pairs) if pairs else "")
        return target, headers

    def send(
        self,
        target: str,
        headers: Mapping[str, str],
        *,
        body: bytes | None = None,
        connection: http.client.HTTPConnection | None = None,
    ) -> RawResponse:
        conn = connection or self.connect()
        conn.request("GET", target, body=body, headers=dict(headers))
        response = conn.getresponse()
        data = response.read()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, data)

    def get(self, path: str, query: Mapping[str, str] | None = None, **kwargs: Any) -> RawResponse:
        target, headers = self.build(path, query, **kwargs)
        return self.send(target, headers)

    def connect(self, timeout: float = 5.0) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(self.emu.host, self.emu.port, timeout=timeout)
        self.connections.append(conn)
        return conn

    def close(self) -> None:
        for conn in self.connections:
            conn.close()


@pytest.fixture
def raw_for() -> Iterator[Callable[[MmsEmulator], RawClient]]:
    """Makes raw clients for any emulator; closes their connections afterwards."""
    clients: list[RawClient] = []

    def make(emulator: MmsEmulator) -> RawClient:
        clients.append(RawClient(emulator))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def raw(emu: MmsEmulator, raw_for: Callable[[MmsEmulator], RawClient]) -> RawClient:
    return raw_for(emu)
