"""Finding data sources by name, and listing them with filters (through ListMmsDataSources).

The API's name filter matches fuzzily; a lookup by name pages through every candidate and keeps exact
matches only. Filters the API has (name, type, region) run on the server; the rest run here.
"""

from __future__ import annotations

import re
from typing import Any

from . import validation
from .client import MmsClient
from .errors import AmbiguousDataSource, DataSourceNotFound, ValidationError
from .model import DataSourceSummary

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


def check_filters(
    name_regex: object = None, type: object = None, status: object = None, region: object = None
) -> re.Pattern[str] | None:
    """Validate listing filters (before any request); returns the compiled `name_regex`."""
    for key, value in (("name_regex", name_regex), ("type", type), ("status", status), ("region", region)):
        validation.optional_text(value, key)
    if name_regex is None:
        return None
    try:
        return re.compile(str(name_regex))
    except re.error as error:
        raise ValidationError(
            "name_regex", f"name_regex is not a valid regular expression: {error}"
        ) from None


def list_matching(
    client: MmsClient,
    *,
    name_regex: str | None = None,
    type: str | None = None,
    status: str | None = None,
    region: str | None = None,
) -> list[DataSourceSummary]:
    """Every data source matching all the filters, ordered by id. `name_regex` is a Python regex searched
    in the name; `type`, `status` and `region` match exactly."""
    pattern = check_filters(name_regex, type, status, region)
    items = [
        item
        for item in client.iter_data_sources(type=type, region=region)
        if (pattern is None or pattern.search(item.name or ""))
        and (status is None or item.status == status)
        and (type is None or item.type == type)
        and (region is None or item.region == region)
    ]
    return sorted(items, key=lambda item: (item.id is None, item.id or 0))
