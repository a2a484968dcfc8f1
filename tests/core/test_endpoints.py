"""Endpoints resolve as the official SDK resolves them."""

from __future__ import annotations

import pytest
from alibabacloud_maxcompute20220104.client import Client as SdkClient
from alibabacloud_tea_openapi.utils_models import Config

from pulumi_mms.core.endpoints import KNOWN_REGIONS, resolve_endpoint


@pytest.mark.parametrize(
    "region", ["cn-shanghai", "eu-central-1", "ap-southeast-1", "cn-newregion-9", "xx-west-3"]
)
@pytest.mark.parametrize("network", ["public", "vpc"])
def test_same_endpoint_as_the_official_sdk(region: str, network: str) -> None:
    sdk = SdkClient(
        Config(
            region_id=region,
            network=None if network == "public" else network,
            access_key_id="id",
            access_key_secret="secret",
        )
    )
    assert resolve_endpoint(region, network) == sdk._endpoint


def test_known_regions_match_the_sdk_map() -> None:
    sdk = SdkClient(Config(region_id="cn-shanghai", access_key_id="id", access_key_secret="secret"))
    assert set(sdk._endpoint_map) == KNOWN_REGIONS
