"""Every declared read API sends exactly the official SDK's request: method, path, query order and values."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import pytest
from alibabacloud_maxcompute20220104 import models as sdk_models
from alibabacloud_maxcompute20220104.client import Client as SdkClient
from alibabacloud_tea_openapi import models as tea_models
from alibabacloud_tea_util.models import RuntimeOptions

from pulumi_mms import MmsClient, ValidationError
from pulumi_mms.core import apis
from pulumi_mms.core.apis.spec import Kind, Param, ReadApi, Shape, sort_fields
from tests.reliability import SOURCE, Received, Reply, ScriptedServer, server_settings

SAMPLE_VALUES: dict[Kind, list[Any]] = {
    Kind.STR: ["demo", "db_ä 1"],
    Kind.INT: [7, 1],
    Kind.BOOL: [True, False],
    Kind.STR_LIST: [["DONE", "FAILED"], ["DOING"]],
}


def empty_reply(request: Received) -> Reply:
    shapes = {"item": {}, "page": {"objectList": [], "total": 0}, "list": []}
    action = request.header("x-acs-action") or ""
    data = shapes[apis.BY_ACTION[action].shape.value]
    body = json.dumps({"requestId": "REQ-PARITY", "data": data}).encode()
    return Reply(200, (("Content-Type", "application/json"),), body)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sample(param: Param, variant: int) -> Any:
    """A value of `param`; a sorter sets one field (variant 0) or every field (variant 1), by wire name."""
    if param.kind is not Kind.SORTER:
        return SAMPLE_VALUES[param.kind][variant]
    assert param.sorter is not None
    fields = [info.alias or name for name, info in param.sorter.model_fields.items()]
    return {fields[0]: "desc"} if variant == 0 else {f: ("asc", "desc")[i % 2] for i, f in enumerate(fields)}


def sdk_value(api: ReadApi[Any], param: Param, value: Any) -> Any:
    """`value` as the SDK's request takes it (a sorter: its `...RequestSorter` model)."""
    if param.kind is not Kind.SORTER:
        return value
    return getattr(sdk_models, f"{api.action}RequestSorter")().from_map(value)


def call_sdk(endpoint: str, api: ReadApi[Any], ids: dict[str, int], query: dict[str, Any]) -> None:
    sdk = SdkClient(
        tea_models.Config(
            access_key_id="LTAI5tScriptedServerKey",
            access_key_secret="scripted-secret",
            endpoint=endpoint,
            protocol="http",
            region_id="cn-shanghai",
        )
    )
    method = getattr(sdk, f"{snake(api.action)}_with_options")
    args: list[Any] = [str(ids[name]) for name in api.path_params]
    request_class = getattr(sdk_models, f"{api.action}Request", None)
    if request_class is not None:
        params = {p.name: p for p in api.query}
        args.append(request_class(**{name: sdk_value(api, params[name], v) for name, v in query.items()}))
    method(*args, {}, RuntimeOptions())


def cases() -> list[tuple[ReadApi[Any], dict[str, Any]]]:
    out: list[tuple[ReadApi[Any], dict[str, Any]]] = []
    for api in apis.READ_APIS:
        out.append((api, {p.name: sample(p, 0) for p in api.query if p.required}))
        for variant in (0, 1):
            out.append((api, {p.name: sample(p, variant) for p in api.query}))
    return out


@pytest.mark.parametrize(("api", "query"), cases(), ids=lambda v: getattr(v, "action", "q"))
def test_request_is_the_official_sdks(api: ReadApi[Any], query: dict[str, Any]) -> None:
    ids = {name: SOURCE + i for i, name in enumerate(api.path_params)}
    with ScriptedServer(empty_reply) as server:
        client = MmsClient(server_settings(server.endpoint))
        arguments = {**ids, **query}
        if api.shape is Shape.ITEM:
            apis.get(client, api, **arguments)
        elif api.shape is Shape.PAGE:
            apis.page(client, api, **arguments)
        else:
            apis.list_all(client, api, **arguments)
        call_sdk(server.endpoint, api, ids, query)
    ours, sdk = server.received
    assert (ours.method, ours.path, ours.query) == (sdk.method, sdk.path, sdk.query)
    assert ours.header("x-acs-action") == sdk.header("x-acs-action") == api.action
    assert ours.header("x-acs-version") == sdk.header("x-acs-version")
    assert ours.signed_headers == sdk.signed_headers
    if query:
        assert ours.query  # the values were sent, not dropped


@pytest.mark.parametrize("api", [api for api in apis.READ_APIS if any(p.required for p in api.query)])
def test_a_missing_required_parameter_is_refused_before_any_request(api: ReadApi[Any]) -> None:
    ids = {name: SOURCE + i for i, name in enumerate(api.path_params)}
    required = [p.name for p in api.query if p.required]
    with ScriptedServer(empty_reply) as server, pytest.raises(ValidationError) as caught:
        apis.list_all(MmsClient(server_settings(server.endpoint)), api, **ids)
    assert caught.value.argument == required[0]
    assert f"{api.action} needs {required[0]}" in str(caught.value)
    assert server.received == []


def test_every_read_api_of_the_sdk_in_the_issue_is_declared() -> None:
    declared = {api.action for api in apis.READ_APIS}
    wanted = {
        "ListMmsJobs", "GetMmsJob", "ListMmsDbs", "GetMmsDb", "ListMmsTables", "GetMmsTable",
        "ListMmsPartitions", "GetMmsPartition", "ListMmsTasks", "GetMmsTask", "ListMmsTaskLogs",
        "ListMmsTimers", "GetMmsTimer", "ListMmsTimerLogs", "GetMmsFetchMetadataJob",
        "ListMmsDataSourceConfigItems",
    }  # fmt: skip
    assert declared == wanted
    for api in apis.READ_APIS:
        assert hasattr(SdkClient, f"{snake(api.action)}_with_options")


@pytest.mark.parametrize("api", [api for api in apis.READ_APIS if any(p.name == "sorter" for p in api.query)])
def test_a_sorter_is_signed_as_the_official_sdk_spells_it(api: ReadApi[Any]) -> None:
    """ListMmsDbs sends the sorter as one JSON parameter; the other lists send one `sorter.<field>` per
    field, after every other parameter: the signed query is the SDK's byte for byte either way."""
    param = next(p for p in api.query if p.name == "sorter")
    assert param.sorter is not None
    query = {"sorter": sample(param, 1), "page_size": 5}
    ids = {name: SOURCE + i for i, name in enumerate(api.path_params)}
    with ScriptedServer(empty_reply) as server:
        apis.page(MmsClient(server_settings(server.endpoint)), api, **ids, **query)
        call_sdk(server.endpoint, api, ids, query)
    ours, sdk = server.received
    assert ours.query == sdk.query
    assert ours.signed_headers == sdk.signed_headers
    wires = [info.alias or name for name, info in param.sorter.model_fields.items()]
    if param.style == "json":
        assert "sorter=%7B%22" + wires[0] + "%22%3A%22asc%22" in ours.query
    else:
        assert ours.query.endswith(
            "&".join(f"sorter.{w}={('asc', 'desc')[i % 2]}" for i, w in enumerate(wires))
        )
    sdk_sorter = getattr(sdk_models, f"{api.action}RequestSorter")
    assert sort_fields(param.sorter) == tuple(inspect.signature(sdk_sorter).parameters)  # the SDK's fields
