"""Password config values are secret on every path they can arrive by (issue 10, section 1).

A password is a config item whose `type` is `password` in any case, at any depth of `subItems`. It may
arrive in GetMmsDataSource's config (`with_config`) or in ListMmsDataSources' items (the official SDK's
list model has `config` too). Whatever the path, a Pulumi program gets it as a secret, the resource's
state never holds it, and `pulumi-mms get|list -o json|yaml` mask it unless `--show-secrets`.

A hand-written server on 127.0.0.1 answers both APIs with the same data source.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import rpc

from pulumi_mms import (
    get_mms_data_source,
    get_mms_data_source_output,
    get_mms_data_sources,
    get_mms_data_sources_output,
)
from pulumi_mms.cli import main
from pulumi_mms.core.model import GetMmsDataSourceResponse
from pulumi_mms.core.secrets import MASK
from pulumi_mms.surface import drift

from ..programs import run_program
from . import Received, Reply, ScriptedServer

PASSWORD = "NestedPassword-6d1f88-distinctive"
SOURCE = 7
SINK = "test:index:Sink"

SPELLINGS: dict[str, list[dict[str, Any]]] = {
    "lower case": [{"key": "pw", "type": "password", "value": PASSWORD}],
    "upper case": [{"key": "pw", "type": "PASSWORD", "value": PASSWORD}],
    "mixed case": [{"key": "pw", "type": "Password", "value": PASSWORD}],
    "in subItems by name": [
        {"key": "conn", "type": "map", "subItems": {"pw": {"type": "PASSWORD", "value": PASSWORD}}}
    ],
    "in subItems, deeper, in a list": [
        {
            "key": "conn",
            "type": "map",
            "subItems": {
                "auth": {"type": "map", "subItems": {"all": [{"type": "password", "value": PASSWORD}]}}
            },
        }
    ],
}


def _source(config: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": SOURCE, "name": "pw-source", "type": "HIVE", "status": "STARTED", "config": config}


@pytest.fixture(params=list(SPELLINGS), ids=list(SPELLINGS))
def server(request: pytest.FixtureRequest) -> Iterator[ScriptedServer]:
    """Answers GetMmsDataSource and ListMmsDataSources (whose items carry the config too)."""
    record = _source(SPELLINGS[request.param])

    def answer(received: Received) -> Reply:
        if received.path.rstrip("/").endswith("/datasources"):
            page = {"objectList": [record], "pageNum": 1, "pageSize": 100, "total": 1}
            body: dict[str, Any] = {"requestId": "r-list", "data": page}
        else:
            body = {"requestId": "r-get", "data": record}
        return Reply(200, (("Content-Type", "application/json"),), json.dumps(body).encode())

    with ScriptedServer(answer) as scripted:
        yield scripted


def _config(server: ScriptedServer) -> dict[str, str]:
    return {
        "mms:region": "cn-shanghai",
        "mms:endpoint": server.endpoint,
        "mms:protocol": "http",
        "mms:accessKey": "LTAI5tPasswordPaths",
        "mms:secretKey": "password-paths-secret-value",
    }


def _plaintext(value: Any) -> list[str]:
    """Where the password shows outside a secret in a mocked resource's inputs."""
    if rpc.is_rpc_secret(value):
        return []
    if isinstance(value, dict):
        return [f"{k}.{where}" for k, inner in value.items() for where in _plaintext(inner)]
    if isinstance(value, list):
        return [f"{i}.{where}" for i, inner in enumerate(value) for where in _plaintext(inner)]
    return ["(here)"] if isinstance(value, str) and PASSWORD in value else []


def _contains_secret_password(value: Any, inside: bool = False) -> bool:
    if rpc.is_rpc_secret(value):
        return _contains_secret_password(rpc.unwrap_rpc_secret(value), True)
    if isinstance(value, dict):
        return any(_contains_secret_password(v, inside) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secret_password(v, inside) for v in value)
    return inside and value == PASSWORD


def test_every_function_form_keeps_the_password_secret(server: ScriptedServer) -> None:
    def program() -> Any:
        results = {
            "get": get_mms_data_source(SOURCE, with_config=True).config,
            "get_output": get_mms_data_source_output(SOURCE, with_config=True).config,
            "list_with_config": get_mms_data_sources(with_config=True).data_sources,
            "list_with_config_output": get_mms_data_sources_output(with_config=True).data_sources,
            "list": get_mms_data_sources().data_sources,  # the list items' own config
            "list_output": get_mms_data_sources_output().data_sources,
        }
        for name, value in results.items():
            pulumi.CustomResource(SINK, name, {"value": value})
        return None

    run = run_program(program, preview=False, config=_config(server))
    sinks = {sink.name: sink.inputs["value"] for sink in run.of_type(SINK)}
    assert len(sinks) == 6
    for name, value in sinks.items():
        assert not _plaintext(value), f"{name}: the password reached a resource in plaintext"
        assert _contains_secret_password(value), f"{name}: the password is not there, as a secret"


def test_the_value_is_usable_inside_apply(server: ScriptedServer) -> None:
    def program() -> Any:
        listing = get_mms_data_sources_output()
        text = listing.data_sources.apply(lambda items: json.dumps(items))
        return pulumi.Output.all(text, text.is_secret())

    text, secret = run_program(program, preview=False, config=_config(server)).value
    assert PASSWORD in text  # the real value, not "Calling __str__ on an Output[T]"
    assert secret


def test_state_never_holds_the_password(server: ScriptedServer) -> None:
    import requests

    url = f"http://{server.endpoint}/api/v1/mms/datasources/{SOURCE}"
    response = GetMmsDataSourceResponse.model_validate(requests.get(url, timeout=5).json())
    state = drift.state_of(response.data)
    assert PASSWORD not in json.dumps(state)
    assert PASSWORD not in repr(response)  # nor a repr, a log line or a message


@pytest.mark.parametrize("output", ["json", "yaml"])
@pytest.mark.parametrize("command", [["get", str(SOURCE), "--with-config"], ["list"]])
def test_the_cli_masks_the_password_unless_asked(
    server: ScriptedServer,
    command: list[str],
    output: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [n for n in os.environ if n.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "MMS_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tPasswordPaths")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "password-paths-secret-value")
    connection = ["--region", "cn-shanghai", "--endpoint", server.endpoint, "--protocol", "http"]
    assert main([*command, *connection, "-o", output]) == 0
    masked = capsys.readouterr().out
    assert PASSWORD not in masked
    assert MASK in masked
    parsed = json.loads(masked) if output == "json" else yaml.safe_load(masked)
    assert parsed  # still a valid document
    assert main([*command, *connection, "-o", output, "--show-secrets"]) == 0
    assert PASSWORD in capsys.readouterr().out
