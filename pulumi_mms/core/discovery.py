"""Finding data sources by name, and listing them with filters (through ListMmsDataSources).

The API's name filter matches fuzzily; a lookup by name pages through every candidate and keeps exact
matches only. Filters the API has (name, type, region) run on the server; the rest run here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import attrs

from . import validation
from .client import MmsClient
from .endpoints import region_problem
from .errors import AmbiguousDataSource, DataSourceNotFound, ValidationError
from .model import DataSourceStatus, DataSourceSummary, DataSourceType
from .name_regex import NamePattern, compile_name_regex

SHOWN = 10
"""How many existing data sources an error lists at most."""


def _listing(items: list[DataSourceSummary]) -> str:
    shown = ", ".join(f"{item.name!r} (id {item.id})" for item in items[:SHOWN])
    more = len(items) - SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def find_by_name(client: MmsClient, name: str) -> DataSourceSummary:
    """The one data source called exactly `name`; an error lists what exists when there is not one."""
    validation.name(name)
    candidates = list(client.iter_data_sources(name=name))
    exact = [item for item in candidates if item.name == name]
    context: dict[str, Any] = {"region": client.settings.region, "endpoint": client.endpoint}
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousDataSource(
            f"{len(exact)} data sources are named {name!r}: {_listing(exact)}",
            hint="look the data source up by source_id instead",
            **context,
        )
    existing = candidates or list(_first_page(client))
    found = (
        f"similar or existing ones: {_listing(existing)}" if existing else "the region has no data sources"
    )
    raise DataSourceNotFound(
        f"no data source is named {name!r}; {found}",
        hint="check the name (it is matched exactly, case-sensitively) and the region",
        **context,
    )


def _first_page(client: MmsClient) -> list[DataSourceSummary]:
    return client.list_data_sources(page_num=1, page_size=SHOWN + 1).data.object_list or []


@attrs.frozen
class Filters:
    """Listing filters, checked: `type` and `status` in the API's spelling, `name_regex` compiled."""

    name_regex: NamePattern | None = None
    type: str | None = None
    status: str | None = None
    region: str | None = None


ENUM_FILTERS: dict[str, type[Enum]] = {"type": DataSourceType, "status": DataSourceStatus}
"""Filters on a documented enum: matched in any case (`started` finds STARTED)."""


def _spelling(value: str, enum: type[Enum]) -> str:
    """The documented spelling of `value` in any case; an undocumented value upper-cased (open enums)."""
    wanted = value.strip().upper()
    return next((str(m.value) for m in enum if str(m.value).upper() == wanted), wanted)


def check_filters(
    name_regex: object = None,
    type: object = None,
    status: object = None,
    region: object = None,
    *,
    arguments: Mapping[str, str] | None = None,
) -> Filters:
    """Validate listing filters (before any request). `arguments` renames them in messages, e.g.
    `{"region": "--filter-region"}` for the command line."""
    given = {"name_regex": name_regex, "type": type, "status": status, "region": region}
    shown = {key: (arguments or {}).get(key, key) for key in given}
    for key, value in given.items():
        validation.optional_text(value, shown[key])
    if isinstance(region, str) and (problem := region_problem(region)):
        raise ValidationError(shown["region"], problem, hint="correct the region (it is matched exactly)")
    # RE2: linear time, whatever the pattern
    pattern = compile_name_regex(name_regex, shown["name_regex"]) if isinstance(name_regex, str) else None
    spelt = {
        key: _spelling(value, ENUM_FILTERS[key]) if isinstance(value, str) else None
        for key, value in (("type", type), ("status", status))
    }
    return Filters(pattern, spelt["type"], spelt["status"], region if isinstance(region, str) else None)


def _value(field: Any) -> str:
    return str(getattr(field, "value", field)).upper()


def list_matching(
    client: MmsClient,
    *,
    name_regex: str | None = None,
    type: str | None = None,
    status: str | None = None,
    region: str | None = None,
    arguments: Mapping[str, str] | None = None,
) -> list[DataSourceSummary]:
    """Every data source matching all the filters, ordered by id. `name_regex` is a regular expression
    (RE2 syntax) searched in the name; `type` and `status` match in any case, `region` exactly.

    A `type` or `status` the API does not document is kept (the API adds values over time), but when it
    matches nothing it is refused with the valid values rather than silently giving an empty list.
    """
    filters = check_filters(name_regex, type, status, region, arguments=arguments)
    candidates = list(client.iter_data_sources(type=filters.type, region=filters.region))
    items = [
        item
        for item in candidates
        if (filters.name_regex is None or filters.name_regex.search(item.name or ""))
        and (filters.status is None or _value(item.status) == filters.status)
        and (filters.type is None or _value(item.type) == filters.type)
        and (filters.region is None or item.region == filters.region)
    ]
    for key, given in (("type", type), ("status", status)):
        documented = [str(m.value) for m in ENUM_FILTERS[key]]
        if given is not None and getattr(filters, key) not in documented and not items:
            seen = sorted({_value(getattr(item, key)) for item in candidates} - set(documented) - {"NONE"})
            shown = (arguments or {}).get(key, key)
            raise ValidationError(
                shown,
                f"{shown} {given!r} matches no data source and is not one of {', '.join(documented + seen)}",
                hint=f"use one of those values (in any case) for {shown}",
            )
    return sorted(items, key=lambda item: (item.id is None, item.id or 0))
