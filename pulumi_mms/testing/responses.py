"""Handlers of the two emulated actions: GetMmsDataSource and ListMmsDataSources.

A handler gets an authenticated :class:`RequestContext` and returns the response body (a dict) or raises
an :class:`~pulumi_mms.testing.exceptions.EmulatorError`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import DataSourceNotFound, InvalidParameter, RamForbidden
from .models import MmsBackend

LANGUAGES = ("zh_CN", "en_US")
DEFAULT_LANGUAGE = "zh_CN"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
LOCALIZED_CONFIG_FIELDS = ("name", "desc")
LIST_ONLY_FIELDS = ("scanStatus", "scanErrMsg")
DEFAULT_SCAN_STATUS = "SUCCESS"


@dataclass(frozen=True)
class RequestContext:
    backend: MmsBackend
    action: str
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    access_key_id: str
    request_id: str


Handler = Callable[[RequestContext], dict[str, Any]]


def _check_ram(ctx: RequestContext, source_id: int | None) -> None:
    if ctx.backend.is_denied(ctx.access_key_id, source_id):
        raise RamForbidden(
            action=f"odps:{ctx.action}",
            resource=ctx.backend.resource_arn(source_id),
            access_key_id=ctx.access_key_id,
            account_id=ctx.backend.account_id,
        )


def _positive_int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) <= 0:
        raise InvalidParameter(f"The parameter {name} must be a positive integer, got {raw!r}.")
    return int(raw)


def parse_source_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) <= 0:
        raise InvalidParameter(f"The parameter sourceId must be a positive integer, got {raw!r}.")
    return int(raw)


def parse_with_config(raw: str | None) -> bool:
    if raw is None:
        return False
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise InvalidParameter(f"The parameter withConfig must be true or false, got {raw!r}.")
    return lowered == "true"


def parse_lang(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_LANGUAGE
    if raw not in LANGUAGES:
        raise InvalidParameter(f"The parameter lang must be one of {', '.join(LANGUAGES)}, got {raw!r}.")
    return raw


def localize(value: Any, lang: str) -> Any:
    """Pick ``lang`` out of a ``{"zh_CN": ..., "en_US": ...}`` dict; plain values pass through."""
    if not isinstance(value, Mapping):
        return value
    for candidate in (lang, DEFAULT_LANGUAGE, *LANGUAGES):
        if value.get(candidate) is not None:
            return value[candidate]
    return next((v for v in value.values() if v is not None), "")


def render_config_item(item: Any, lang: str) -> Any:
    if not isinstance(item, Mapping):
        return copy.deepcopy(item)
    rendered = copy.deepcopy(dict(item))
    for name in LOCALIZED_CONFIG_FIELDS:
        if name in rendered:
            rendered[name] = localize(rendered[name], lang)
    return rendered


_SCALARS = (str, int, float, bool, type(None))


def render_data_source(record: Mapping[str, Any], *, with_config: bool, lang: str) -> dict[str, Any]:
    """The ``data`` object of GetMmsDataSource for a stored record."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in LIST_ONLY_FIELDS:
            continue
        if key == "config":
            if with_config:
                out[key] = [render_config_item(item, lang) for item in value or []]
            continue
        out[key] = value if isinstance(value, _SCALARS) else copy.deepcopy(value)
    if with_config and "config" not in out:
        out["config"] = []
    return out


def render_list_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """One ``objectList`` entry of ListMmsDataSources: the record without config, plus scan fields."""
    item = render_data_source(record, with_config=False, lang=DEFAULT_LANGUAGE)
    item["scanStatus"] = record.get("scanStatus", DEFAULT_SCAN_STATUS)
    item["scanErrMsg"] = record.get("scanErrMsg", "")
    return item


def get_mms_data_source(ctx: RequestContext) -> dict[str, Any]:
    """``GET /api/v1/mms/datasources/{sourceId}``; query ``withConfig``, ``lang``."""
    source_id = parse_source_id(ctx.path_params["sourceId"])
    with_config = parse_with_config(ctx.query.get("withConfig"))
    lang = parse_lang(ctx.query.get("lang"))
    _check_ram(ctx, source_id)
    record = ctx.backend.read_data_source(source_id)
    if record is None:
        raise DataSourceNotFound(source_id)
    return {
        "requestId": ctx.request_id,
        "data": render_data_source(record, with_config=with_config, lang=lang),
    }


def list_mms_data_sources(ctx: RequestContext) -> dict[str, Any]:
    """``GET /api/v1/mms/datasources``; query ``name``, ``type``, ``region``, ``pageNum``, ``pageSize``.

    ``name`` matches case-insensitively as a substring (the real API matches fuzzily).
    """
    page_num = _positive_int(ctx.query, "pageNum", 1)
    page_size = _positive_int(ctx.query, "pageSize", DEFAULT_PAGE_SIZE)
    if page_size > MAX_PAGE_SIZE:
        raise InvalidParameter(f"The parameter pageSize must not exceed {MAX_PAGE_SIZE}, got {page_size}.")
    _check_ram(ctx, None)
    name = (ctx.query.get("name") or "").lower()
    kind = (ctx.query.get("type") or "").lower()
    region = ctx.query.get("region") or ""
    start = (page_num - 1) * page_size
    page, total = ctx.backend.page_of(
        (
            lambda record: (
                name in str(record.get("name", "")).lower()
                and (not kind or str(record.get("type", "")).lower() == kind)
                and (not region or record.get("region") == region)
            )
        )
        if name or kind or region
        else None,
        start,
        start + page_size,
        render_list_item,
    )
    return {
        "requestId": ctx.request_id,
        "data": {
            "objectList": page,
            "pageNum": page_num,
            "pageSize": page_size,
            "total": total,
        },
    }
