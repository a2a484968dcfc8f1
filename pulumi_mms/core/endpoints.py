"""Where requests go: the MaxCompute endpoint for a region, as the official SDK resolves it."""

from __future__ import annotations

import difflib
import re

# Regions the official MaxCompute client (alibabacloud-maxcompute20220104 7.2.0) maps to the central
# endpoint. Any other region resolves to the regional pattern.
KNOWN_REGIONS: frozenset[str] = frozenset(
    {
        "ap-northeast-1",
        "ap-northeast-2-pop",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-5",
        "cn-beijing",
        "cn-beijing-finance-1",
        "cn-beijing-finance-pop",
        "cn-beijing-gov-1",
        "cn-beijing-nu16-b01",
        "cn-chengdu",
        "cn-edge-1",
        "cn-fujian",
        "cn-haidian-cm12-c01",
        "cn-hangzhou",
        "cn-hangzhou-bj-b01",
        "cn-hangzhou-finance",
        "cn-hangzhou-internal-prod-1",
        "cn-hangzhou-internal-test-1",
        "cn-hangzhou-internal-test-2",
        "cn-hangzhou-internal-test-3",
        "cn-hangzhou-test-306",
        "cn-hongkong",
        "cn-hongkong-finance-pop",
        "cn-huhehaote",
        "cn-north-2-gov-1",
        "cn-qingdao",
        "cn-qingdao-nebula",
        "cn-shanghai",
        "cn-shanghai-et15-b01",
        "cn-shanghai-et2-b01",
        "cn-shanghai-finance-1",
        "cn-shanghai-inner",
        "cn-shanghai-internal-test-1",
        "cn-shenzhen",
        "cn-shenzhen-finance-1",
        "cn-shenzhen-inner",
        "cn-shenzhen-st4-d01",
        "cn-shenzhen-su18-b01",
        "cn-wuhan",
        "cn-yushanfang",
        "cn-zhangbei-na61-b01",
        "cn-zhangjiakou",
        "cn-zhangjiakou-na62-a01",
        "cn-zhengzhou-nebula-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-1-oxs",
        "me-east-1",
        "rus-west-1-pop",
        "us-east-1",
        "us-west-1",
    }
)

CENTRAL_ENDPOINT = "maxcompute.aliyuncs.com"
_REGION_SHAPE = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_HOST_PORT = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?(:[0-9]{{1,5}})?|\[[0-9A-Fa-f:.]+\](:[0-9]{{1,5}})?")


def resolve_endpoint(region: str, network: str = "public") -> str:
    """The endpoint the official SDK would call for `region` (network `public` or `vpc`)."""
    if region in KNOWN_REGIONS:
        return CENTRAL_ENDPOINT
    if network == "vpc":
        return f"maxcompute-vpc.{region}.aliyuncs.com"
    return f"maxcompute.{region}.aliyuncs.com"


def region_problem(region: str) -> str | None:
    """Why `region` is not usable, with the fix, or None when it is fine.

    A region close to a known one (a typo) is refused with a suggestion; an unknown but well-formed region
    is accepted, since Alibaba Cloud opens new regions.
    """
    if region in KNOWN_REGIONS:
        return None
    close = difflib.get_close_matches(region, sorted(KNOWN_REGIONS), n=1, cutoff=0.8)
    if close:
        return f"unknown region {region!r}; did you mean {close[0]!r}?"
    if not _REGION_SHAPE.fullmatch(region):
        return f"{region!r} is not a region id; use one like 'cn-shanghai' or 'ap-southeast-1'"
    return None


def endpoint_problem(endpoint: str) -> str | None:
    """Why `endpoint` is not a bare host[:port], with the fix, or None when it is fine."""
    if "://" in endpoint:
        return (
            f"endpoint {endpoint!r} has a scheme; give only host[:port] "
            "(e.g. 'maxcompute.aliyuncs.com') and set the protocol separately"
        )
    if "/" in endpoint or "?" in endpoint:
        return f"endpoint {endpoint!r} has a path; give only host[:port] (e.g. 'maxcompute.aliyuncs.com')"
    if not _HOST_PORT.fullmatch(endpoint):
        return (
            f"endpoint {endpoint!r} is not a host[:port] (e.g. 'maxcompute.aliyuncs.com' or '127.0.0.1:8080')"
        )
    port = endpoint.rsplit("]", 1)[-1].rpartition(":")[2] if ":" in endpoint.rsplit("]", 1)[-1] else ""
    if port and not 0 < int(port) <= 65535:
        return f"endpoint {endpoint!r} has port {int(port)}; a port is 1 to 65535"
    return None
