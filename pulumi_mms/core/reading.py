"""Reading one data source by id or by name, then maybe waiting until it is usable.

The one path shared by the functions (`get_mms_data_source`), the resource (`MmsDataSource`) and the
command line (`pulumi-mms get`). What differs between them comes in as arguments: whether this is a
preview (which never blocks) and where progress messages go.
"""

from __future__ import annotations

from collections.abc import Callable

from . import discovery, readiness, validation
from .client import MmsClient
from .errors import MalformedResponse, ValidationError
from .model import GetMmsDataSourceResponse


def exactly_one(
    source_id: object, name: object, *, id_argument: str = "source_id", name_argument: str = "name"
) -> None:
    """Refuse a lookup that gives both or neither of an id and a name (the error names `id_argument`)."""
    if (source_id is None) == (name is None):
        raise ValidationError(
            id_argument,
            f"give exactly one of {id_argument} and {name_argument} "
            "(the data source's id, or its exact name)",
        )


def resolve_id(client: MmsClient, source_id: int | None, name: str | None) -> int:
    """The id to read: `source_id` as given, or the id of the one data source called exactly `name`."""
    exactly_one(source_id, name)
    if source_id is not None:
        return source_id
    assert name is not None  # by exactly_one
    found = discovery.find_by_name(client, name)
    try:
        return validation.source_id(found.id)
    except ValidationError:
        raise MalformedResponse(
            f"ListMmsDataSources listed {name!r} with an unusable id {validation.show(found.id)}",
            region=client.settings.region,
            endpoint=client.endpoint,
            hint="look the data source up by source_id instead",
        ) from None


def read(
    client: MmsClient,
    *,
    source_id: int | None = None,
    name: str | None = None,
    with_config: bool | None = None,
    lang: str | None = None,
    wait: readiness.Wait | None = None,
    is_preview: bool = False,
    on_progress: Callable[[str], None] = lambda _message: None,
) -> GetMmsDataSourceResponse:
    """Read the data source given by id or exact name; with `wait`, poll until it is usable.

    A preview never blocks: it reads the current state once, but a data source in a terminal failure
    state (START_FAILED, STOP_FAILED) fails it at once with `NotReady`, as the wait would.
    """
    resolved = resolve_id(client, source_id, name)
    if wait is None:
        return client.get_data_source(resolved, with_config=with_config, lang=lang)
    if is_preview:
        response = client.get_data_source(resolved, with_config=with_config, lang=lang)
        readiness.raise_if_failed(client, resolved, response)
        return response
    return readiness.wait_until(
        client, resolved, wait, with_config=with_config, lang=lang, on_progress=on_progress
    )
