"""Where requests go: the MaxCompute endpoint for a region, as the official SDK resolves it."""

from __future__ import annotations

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
# What a region id looks like: a geography (`cn`, `ap`, `rus`...), then lower-case words and numbers.
_REGION_SHAPE = re.compile(r"[a-z]{2,4}(-[a-z0-9]+)+")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_HOST_PORT = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?(:[0-9]{{1,5}})?|\[[0-9A-Fa-f:.]+\](:[0-9]{{1,5}})?")


def resolve_endpoint(region: str, network: str = "public") -> str:
    """The endpoint the official SDK would call for `region` (network `public` or `vpc`).

    As its `get_endpoint`: the endpoint map first (whatever the network), else the regional rule
    `maxcompute[-<network>].<region>.aliyuncs.com`.
    """
    if region in KNOWN_REGIONS:
        return CENTRAL_ENDPOINT
    if network in ("", "public"):
        return f"maxcompute.{region}.aliyuncs.com"
    return f"maxcompute-{network}.{region}.aliyuncs.com"


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter inserted, deleted, replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _typo_of(region: str) -> str | None:
    """The known region `region` is an obvious misspelling of, if any.

    Obvious means: the same geography, the same numbers and the same number of words, and one word one
    edit away (`cn-shangai`, `cn-hangzohu`). Another number or geography (`ap-northeast-2`, `me-central-1`)
    or another place (`cn-guangzhou`) is a region of its own, not a typo.
    """
    words = region.split("-")
    for known in sorted(KNOWN_REGIONS):
        other = known.split("-")
        if len(other) != len(words) or other[0] != words[0]:
            continue
        differ = [(w, o) for w, o in zip(words, other, strict=True) if w != o]
        word, known_word = differ[0] if len(differ) == 1 else ("", "")
        if not any(ch.isdigit() for ch in word + known_word) and _one_edit_apart(word, known_word):
            return known
    return None


def region_problem(region: str, *, typos: bool = True) -> str | None:
    """Why `region` is not usable, or None when it is fine.

    Any well-formed region id is accepted (Alibaba Cloud opens new regions, and the official SDK resolves
    any id); text that is not a region id is refused, and so (with `typos`) is an obvious typo of a known
    region.
    """
    if region in KNOWN_REGIONS:
        return None
    normalised = region.strip().lower().replace("_", "-")
    if normalised in KNOWN_REGIONS:
        return f"unknown region {region!r}; did you mean {normalised!r}?"
    if not _REGION_SHAPE.fullmatch(region):
        return f"{region!r} is not a region id; use one like 'cn-shanghai' or 'ap-southeast-1'"
    if typos and (known := _typo_of(region)):
        return f"unknown region {region!r}; did you mean {known!r}?"
    return None


def endpoint_problem(endpoint: str, key: str = "endpoint") -> str | None:
    """Why `endpoint` is not a bare host[:port], with the fix, or None when it is fine."""
    if "@" in endpoint:
        # user:password@host: the text is not repeated, it may hold a password.
        return (
            f"{key} contains user info ('user:password@'), which is never sent; give only host[:port] "
            "and set credentials with mms:accessKey/mms:secretKey (as secrets)"
        )
    if "://" in endpoint:
        return (
            f"{key} {endpoint!r} has a scheme; give only host[:port] "
            "(e.g. 'maxcompute.aliyuncs.com') and set the protocol separately"
        )
    if "/" in endpoint or "?" in endpoint:
        return f"{key} {endpoint!r} has a path; give only host[:port] (e.g. 'maxcompute.aliyuncs.com')"
    if not _HOST_PORT.fullmatch(endpoint):
        return f"{key} {endpoint!r} is not a host[:port] (e.g. 'maxcompute.aliyuncs.com' or '127.0.0.1:8080')"
    port = endpoint.rsplit("]", 1)[-1].rpartition(":")[2] if ":" in endpoint.rsplit("]", 1)[-1] else ""
    if port and not 0 < int(port) <= 65535:
        return f"{key} {endpoint!r} has port {int(port)}; a port is 1 to 65535"
    return None
