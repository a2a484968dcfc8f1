"""The official SDK and tea-openapi against the emulator: data, authentication and error format."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
from alibabacloud_maxcompute20220104 import models as mc_models
from alibabacloud_maxcompute20220104.client import Client as MaxComputeClient
from alibabacloud_tea_openapi import utils as tea_utils
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from alibabacloud_tea_util.models import RuntimeOptions

from pulumi_mms.testing import HttpError, MmsEmulator, Throttle, sample_data, signing

if TYPE_CHECKING:
    from .conftest import RawClient, TeaCaller

SAMPLE_ID = 2000015
PATH = f"/api/v1/mms/datasources/{SAMPLE_ID}"


def get(client: MaxComputeClient, source_id: int = SAMPLE_ID, **request: Any) -> Any:
    return client.get_mms_data_source_with_options(
        str(source_id), mc_models.GetMmsDataSourceRequest(**request), {}, RuntimeOptions()
    )


def test_sdk_reads_the_sample(sdk: MaxComputeClient) -> None:
    response = get(sdk, with_config=True, lang="en_US")
    body = response.body.to_map()
    assert body["data"] == sample_data()
    assert response.status_code == 200
    assert body["requestId"] == response.headers["x-acs-request-id"]


def test_without_config(sdk: MaxComputeClient, tea: TeaCaller) -> None:
    expected = sample_data()
    del expected["config"]
    assert tea.get(SAMPLE_ID, {"withConfig": "False"})["body"]["data"] == expected  # no "config" key
    data = get(sdk, with_config=False).body.to_map()["data"]
    assert data.pop("config") == []  # the SDK model always maps an absent list to []
    assert data == expected


def test_sdk_lists(sdk: MaxComputeClient, emu: MmsEmulator) -> None:
    emu.put_data_source({**sample_data(), "id": 2000016, "name": "Other", "type": "HIVE"})
    response = sdk.list_mms_data_sources_with_options(
        mc_models.ListMmsDataSourcesRequest(name="DEMO", page_num=1, page_size=10), {}, RuntimeOptions()
    )
    data = response.body.to_map()["data"]
    assert data["total"] == 1
    assert data["pageNum"] == 1
    assert data["pageSize"] == 10
    [item] = data["objectList"]
    assert item["id"] == SAMPLE_ID
    assert item["name"] == "demo"
    assert item["scanStatus"]
    assert item["dstProjects"] == ["mms_test1"]


def test_sdk_sees_mutations(sdk: MaxComputeClient, emu: MmsEmulator) -> None:
    emu.update_data_source(SAMPLE_ID, status="STOPPED", dstProjects=["a", "b"])
    data = get(sdk).body.to_map()["data"]
    assert data["status"] == "STOPPED"
    assert data["dstProjects"] == ["a", "b"]


def test_async_sdk_opens_a_connection_per_call(sdk: MaxComputeClient, emu: MmsEmulator) -> None:
    async def fetch_all() -> list[Any]:
        calls = [
            sdk.get_mms_data_source_with_options_async(
                str(SAMPLE_ID), mc_models.GetMmsDataSourceRequest(with_config=True), {}, RuntimeOptions()
            )
            for _ in range(6)
        ]
        return list(await asyncio.gather(*calls))

    responses = asyncio.run(fetch_all())
    assert [r.body.data.id for r in responses] == [SAMPLE_ID] * 6
    assert (emu.stats.requests, emu.stats.connections) == (6, 6)


def test_tea_call_api_like_the_sdk(tea: TeaCaller) -> None:
    result = tea.get(SAMPLE_ID, {"withConfig": "True", "lang": "en_US"})
    assert result["statusCode"] == 200
    assert result["body"]["data"] == sample_data()


def test_wrong_secret(sdk_factory: Callable[..., MaxComputeClient]) -> None:
    with pytest.raises(ClientException) as caught:
        get(sdk_factory(access_key_secret="not-the-secret"))
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.status_code == 403
    assert caught.value.request_id


def test_unknown_access_key(sdk_factory: Callable[..., MaxComputeClient]) -> None:
    with pytest.raises(ClientException) as caught:
        get(sdk_factory(access_key_id="LTAI5tUnknown"))
    assert caught.value.code == "InvalidAccessKeyId.NotFound"


def test_added_access_key(sdk_factory: Callable[..., MaxComputeClient], emu: MmsEmulator) -> None:
    emu.add_access_key("LTAI5tSecond", "second-secret")
    assert (
        get(sdk_factory(access_key_id="LTAI5tSecond", access_key_secret="second-secret")).status_code == 200
    )
    emu.remove_access_key("LTAI5tSecond")
    with pytest.raises(ClientException, match="InvalidAccessKeyId"):
        get(sdk_factory(access_key_id="LTAI5tSecond", access_key_secret="second-secret"))


def test_tampered_query_replayed_with_http_client(raw: RawClient) -> None:
    target, headers = raw.build(PATH, {"withConfig": "False"})
    assert raw.send(target, headers).status == 200
    tampered = target.replace("withConfig=False", "withConfig=True")
    response = raw.send(tampered, headers)
    assert response.status == 403
    assert response.code == "SignatureDoesNotMatch"
    added = raw.send(target + "&lang=en_US", headers)
    assert added.code == "SignatureDoesNotMatch"


def test_replay_of_a_real_tea_request_with_a_tampered_query(
    tea: TeaCaller, raw: RawClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Record the headers tea signed and sent, then replay them with http.client, query changed."""
    sent: dict[str, Any] = {}
    original = tea_utils.Utils.get_authorization

    def spy(request: Any, *args: Any) -> str:
        value = str(original(request, *args))
        sent.update(headers={**request.headers, "Authorization": value})
        return value

    with monkeypatch.context() as patch:
        patch.setattr(tea_utils.Utils, "get_authorization", staticmethod(spy))
        tea.get(SAMPLE_ID, {"withConfig": "False"})
    assert raw.send(PATH + "?withConfig=False", sent["headers"]).status == 200
    assert raw.send(PATH + "?withConfig=false", sent["headers"]).code == "SignatureDoesNotMatch"


def test_stale_date_from_tea(tea: TeaCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = signing.format_date(time.time() - 20 * 60)
    monkeypatch.setattr(tea_utils.Utils, "get_timestamp", staticmethod(lambda: stale))
    with pytest.raises(ClientException) as caught:
        tea.get(SAMPLE_ID)
    assert caught.value.code == "InvalidTimeStamp.Expired"
    assert caught.value.status_code == 403


def test_stale_date_signed_correctly(raw: RawClient) -> None:
    response = raw.get(PATH, date=signing.format_date(time.time() - 20 * 60))
    assert (response.status, response.code) == (403, "InvalidTimeStamp.Expired")


def test_clock_skew_is_configurable(raw_for: Callable[[MmsEmulator], RawClient]) -> None:
    with MmsEmulator(max_clock_skew_s=3600) as lenient:
        response = raw_for(lenient).get(PATH, date=signing.format_date(time.time() - 20 * 60))
        assert response.status == 200


def test_sts_token(emu: MmsEmulator, sdk_factory: Callable[..., MaxComputeClient]) -> None:
    emu.add_sts_token("STS.key", "sts-secret", "token-1")
    good = sdk_factory(access_key_id="STS.key", access_key_secret="sts-secret", security_token="token-1")
    assert get(good).status_code == 200

    with pytest.raises(ClientException) as missing:
        get(sdk_factory(access_key_id="STS.key", access_key_secret="sts-secret"))
    assert missing.value.code == "InvalidSecurityToken.Mismatch"

    with pytest.raises(ClientException) as wrong:
        get(sdk_factory(access_key_id="STS.key", access_key_secret="sts-secret", security_token="token-2"))
    assert wrong.value.code == "InvalidSecurityToken.Mismatch"


def test_expired_sts_token(emu: MmsEmulator, sdk_factory: Callable[..., MaxComputeClient]) -> None:
    emu.add_sts_token("STS.old", "s", "t", expires_at=datetime.now(timezone.utc) - timedelta(minutes=1))
    with pytest.raises(ClientException) as caught:
        get(sdk_factory(access_key_id="STS.old", access_key_secret="s", security_token="t"))
    assert caught.value.code == "InvalidSecurityToken.Expired"
    emu.add_sts_token("STS.old", "s", "t", expires_at=time.time() + 3600)
    assert (
        get(sdk_factory(access_key_id="STS.old", access_key_secret="s", security_token="t")).status_code
        == 200
    )


def test_ram_denial(emu: MmsEmulator, sdk: MaxComputeClient) -> None:
    emu.deny(emu.access_key_id, SAMPLE_ID)
    with pytest.raises(ClientException) as caught:
        get(sdk)
    error = caught.value
    assert error.code == "Forbidden.RAM"
    assert error.status_code == 403
    assert "odps:GetMmsDataSource" in error.message
    assert f"acs:odps:cn-shanghai:1234567890123456:mmsdatasource/{SAMPLE_ID}" in error.message
    assert error.data["accessDeniedDetail"]["AuthAction"] == "odps:GetMmsDataSource"
    # a per-source denial leaves other sources and the list alone
    emu.put_data_source({**sample_data(), "id": 7})
    assert get(sdk, 7).status_code == 200
    assert (
        sdk.list_mms_data_sources_with_options(
            mc_models.ListMmsDataSourcesRequest(), {}, RuntimeOptions()
        ).body.data.total
        == 2
    )
    emu.allow(emu.access_key_id, SAMPLE_ID)
    assert get(sdk).status_code == 200


def test_ram_denial_of_everything(emu: MmsEmulator, sdk: MaxComputeClient) -> None:
    emu.deny(emu.access_key_id)
    with pytest.raises(ClientException, match="odps:ListMmsDataSources"):
        sdk.list_mms_data_sources_with_options(mc_models.ListMmsDataSourcesRequest(), {}, RuntimeOptions())
    with pytest.raises(ClientException, match=r"not authorized"):
        get(sdk)


def test_not_found(sdk: MaxComputeClient) -> None:
    with pytest.raises(ClientException) as caught:
        get(sdk, 999)
    assert (caught.value.code, caught.value.status_code) == ("NotFound.DataSource", 404)
    assert "999" in caught.value.message


def test_error_body_format(raw: RawClient) -> None:
    response = raw.get("/api/v1/mms/datasources/999")
    body = response.json()
    assert set(body) == {"requestId", "code", "message", "httpCode"}
    assert body["httpCode"] == 404
    assert body["requestId"] == response.headers["x-acs-request-id"]
    assert body["requestId"] == body["requestId"].upper()
    assert len(body["requestId"]) == 36
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ({"withConfig": "yes"}, PATH),
        ({"lang": "fr_FR"}, PATH),
        ({}, "/api/v1/mms/datasources/abc"),
        ({}, "/api/v1/mms/datasources/-1"),
    ],
)
def test_invalid_parameters(raw: RawClient, query: dict[str, str], path: str) -> None:
    response = raw.get(path, query)
    assert (response.status, response.code) == (400, "InvalidParameter")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": "ListMmsDataSources"},
        {"action": None},
        {"version": "2019-06-12"},
        {"version": None},
    ],
)
def test_invalid_action_or_version(raw: RawClient, kwargs: dict[str, Any]) -> None:
    response = raw.get(PATH, **kwargs)
    assert (response.status, response.code) == (400, "InvalidAction")


def test_unknown_path(raw: RawClient) -> None:
    response = raw.get("/api/v1/mms/jobs")
    assert (response.status, response.code) == (404, "InvalidAction.NotFound")


def test_missing_authorization(raw: RawClient) -> None:
    target, headers = raw.build(PATH)
    del headers["Authorization"]
    response = raw.send(target, headers)
    assert (response.status, response.code) == (403, "IncompleteSignature")


def test_sdk_exceptions_for_injected_faults(emu: MmsEmulator, sdk: MaxComputeClient) -> None:
    emu.faults.script([Throttle(retry_after_ms=1500), HttpError(503), HttpError(500, "InternalError")])
    with pytest.raises(ThrottlingException) as throttled:
        get(sdk)
    assert throttled.value.code == "Throttling"
    assert throttled.value.retry_after == 1500
    with pytest.raises(ServerException) as unavailable:
        get(sdk)
    assert (unavailable.value.code, unavailable.value.status_code) == ("ServiceUnavailable", 503)
    with pytest.raises(ServerException) as internal:
        get(sdk)
    assert internal.value.code == "InternalError"
    assert get(sdk).status_code == 200
