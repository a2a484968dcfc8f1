"""The route table: (method, path pattern) -> action name and handler; the migration's routes derive from
the read API declarations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from ..declarations import DECLARATIONS
from . import migration_responses, responses

API_VERSION = "2022-01-04"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    action: str
    handler: responses.Handler


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        re.compile(r"^/api/v1/mms/datasources/(?P<sourceId>[^/]+)/?$"),
        "GetMmsDataSource",
        responses.get_mms_data_source,
    ),
    Route(
        "GET",
        re.compile(r"^/api/v1/mms/datasources/?$"),
        "ListMmsDataSources",
        responses.list_mms_data_sources,
    ),
    *(
        Route("GET", migration_responses.path_pattern(d.path), d.action, migration_responses.handler_for(d))
        for d in DECLARATIONS
    ),
)
"""GetMmsDataSource and ListMmsDataSources, then one route per declared read API of a migration (derived
from `pulumi_mms.declarations`: adding an API there adds its route)."""


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for ``method`` and raw ``path`` and its percent-decoded path parameters, or None."""
    for route in ROUTES:
        found = route.pattern.match(path)
        if found and route.method == method.upper():
            return route, {key: unquote(value) for key, value in found.groupdict().items()}
    return None


def action_for_path(path: str) -> str | None:
    """The action served at ``path`` for any method (used to label requests that match no route)."""
    return next((route.action for route in ROUTES if route.pattern.match(path)), None)
