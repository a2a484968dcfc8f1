"""Endpoints resolve as the official SDK resolves them; any region id that looks like one is accepted."""

from __future__ import annotations

import pytest
from alibabacloud_maxcompute20220104.client import Client as SdkClient
from alibabacloud_tea_openapi.utils_models import Config

from pulumi_mms.core.endpoints import KNOWN_REGIONS, endpoint_problem, region_problem, resolve_endpoint
from pulumi_mms.core.errors import ValidationError
from pulumi_mms.core.settings import Settings

# Real regions the SDK's map does not list (they resolve by the regional rule), and invented future ones.
UNMAPPED_REGIONS = [
    "ap-northeast-2",
    "me-central-1",
    "cn-guangzhou",
    "cn-heyuan",
    "cn-wulanchabu",
    "cn-nanjing",
    "cn-fuzhou",
    "cn-wuhan-lr",
    "cn-zhengzhou-jva",
    "ap-southeast-6",
    "ap-southeast-7",
    "na-south-1",
    "us-southeast-1",
    "eu-west-2",
    "cn-newregion-9",
    "xx-west-3",
]
PARITY_REGIONS = sorted(KNOWN_REGIONS) + UNMAPPED_REGIONS


def sdk_endpoint(region: str, network: str) -> str:
    sdk = SdkClient(
        Config(
            region_id=region,
            network=None if network == "public" else network,
            access_key_id="id",
            access_key_secret="secret",
        )
    )
    # The SDK's own resolution, called the way its constructor calls it.
    endpoint = sdk.get_endpoint(
        "maxcompute", region, "regional", sdk._network, sdk._suffix, sdk._endpoint_map, None
    )
    assert endpoint == sdk._endpoint
    return str(endpoint)


@pytest.mark.parametrize("network", ["public", "vpc"])
def test_same_endpoint_as_the_official_sdk_for_every_region(network: str) -> None:
    mismatches = {
        region: (resolve_endpoint(region, network), sdk_endpoint(region, network))
        for region in PARITY_REGIONS
        if resolve_endpoint(region, network) != sdk_endpoint(region, network)
    }
    assert mismatches == {}


@pytest.mark.parametrize("network", ["public", "vpc"])
def test_settings_accept_every_region_and_clients_call_the_sdk_endpoint(network: str) -> None:
    from pulumi_mms.core.client import MmsClient

    for region in PARITY_REGIONS:
        settings = Settings.resolve(environ={}, region=region, network=network)
        assert settings.region == region
        assert MmsClient(settings).endpoint == sdk_endpoint(region, network)


def test_known_regions_match_the_sdk_map() -> None:
    sdk = SdkClient(Config(region_id="cn-shanghai", access_key_id="id", access_key_secret="secret"))
    assert set(sdk._endpoint_map) == KNOWN_REGIONS


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("cn-shangai", "cn-shanghai"),
        ("cn-shanghia", "cn-shanghai"),
        ("cn-hangzou", "cn-hangzhou"),
        ("cn-beijng", "cn-beijing"),
        ("ap-sotheast-1", "ap-southeast-1"),
        ("eu-centrl-1", "eu-central-1"),
        ("CN-SHANGHAI", "cn-shanghai"),
        ("cn_shanghai", "cn-shanghai"),
    ],
)
def test_obvious_typos_of_known_regions_are_refused(typo: str, meant: str) -> None:
    assert region_problem(typo) == f"unknown region {typo!r}; did you mean {meant!r}?"
    with pytest.raises(ValidationError) as caught:
        Settings.resolve(environ={}, region=typo)
    assert caught.value.argument == "region"
    assert f"did you mean {meant!r}" in str(caught.value)
    assert "skipRegionValidation" in str(caught.value)  # the way out for a region we do not know yet


@pytest.mark.parametrize("typo", ["cn-shangai", "eu-centrall-1"])
def test_an_explicit_endpoint_or_skip_region_validation_accepts_typos(typo: str) -> None:
    assert Settings.resolve(environ={}, region=typo, endpoint="127.0.0.1:9").region == typo
    with pytest.raises(ValidationError, match="not a region id"):  # but not text that is no region id
        Settings.resolve(environ={}, region="Shanghai China", endpoint="127.0.0.1:9")
    assert (
        Settings.resolve(environ={}, region="CN-SHANGHAI", skipRegionValidation=True).region == "CN-SHANGHAI"
    )
    assert Settings.resolve(environ={}, region="cn-shangai", skipRegionValidation=True).region == "cn-shangai"
    skip_env = {"ALICLOUD_SKIP_REGION_VALIDATION": "true"}
    assert Settings.resolve(environ=skip_env, region="cn-shangai").region == "cn-shangai"
    alicloud = {"alicloud:skipRegionValidation": "true"}.get
    assert Settings.resolve(alicloud, {}, region="cn-shangai").region == "cn-shangai"
    # mms: wins over alicloud: and the environment.
    both = {"alicloud:skipRegionValidation": "true", "mms:skipRegionValidation": "false"}.get
    with pytest.raises(ValidationError, match="did you mean"):
        Settings.resolve(both, skip_env, region="cn-shangai")


def test_skipped_validation_still_needs_a_region_usable_in_a_host_name() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings.resolve(environ={}, region="cn shanghai/x", skipRegionValidation="true")
    assert caught.value.argument == "region"
    assert "mms:endpoint" in str(caught.value)


def test_skip_region_validation_must_be_a_boolean() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings.resolve({"mms:skipRegionValidation": "maybe"}.get, {})
    assert caught.value.argument == "skipRegionValidation"
    assert "true or false (from config mms:skipRegionValidation), got 'maybe'" in str(caught.value)


@pytest.mark.parametrize("text", ["shanghai", "cn", "cn-", "-cn-shanghai", "cn shanghai", "cn-上海"])
def test_text_that_is_not_a_region_id_is_refused(text: str) -> None:
    assert "is not a region id" in (region_problem(text) or "")


@pytest.mark.parametrize(
    "endpoint",
    [
        "admin:hunter2-pw@maxcompute.aliyuncs.com",
        "https://admin:hunter2-pw@maxcompute.aliyuncs.com",
        "hunter2-pw@127.0.0.1:8080",
    ],
)
def test_an_endpoint_with_user_info_is_refused_without_echoing_it(endpoint: str) -> None:
    assert "user info" in (endpoint_problem(endpoint) or "")
    for config, env in (({"mms:endpoint": endpoint}, {}), ({}, {"MMS_ENDPOINT": endpoint})):
        with pytest.raises(ValidationError) as caught:
            Settings.resolve(config.get, env)
        text = str(caught.value) + repr(caught.value)
        assert caught.value.argument == "endpoint"
        assert "hunter2" not in text
        assert "admin" not in text
