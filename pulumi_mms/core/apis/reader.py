"""Calling a declared read API through `MmsClient` (its signing, retries, error mapping and limits).

`get` returns the item of a Get* API, `page` one page of a paged List*, `list_all` every item of a List*
(all pages, bounded, de-duplicated by id).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

import attrs

from .. import discovery, paging, reading, validation
from ..client import MmsClient
from .spec import ReadApi, Shape

T = TypeVar("T")


def get(client: MmsClient, api: ReadApi[T], **arguments: Any) -> T:
    """The item `api` (a Get* API) returns for `arguments`."""
    _expect(api, Shape.ITEM)
    body = client._call(api.call(arguments), api.response)
    return cast(T, body.data)  # type: ignore[attr-defined]


def page(client: MmsClient, api: ReadApi[T], **arguments: Any) -> paging.Page[T]:
    """One page of a paged List* API: its items, and the total and page size the service reports."""
    _expect(api, Shape.PAGE)
    data = client._call(api.call(arguments), api.response).data  # type: ignore[attr-defined]
    return paging.Page(list(data.object_list or []), data.total, data.page_size)


def list_all(
    client: MmsClient, api: ReadApi[T], *, page_size: int | None = None, **arguments: Any
) -> list[T]:
    """Every item a List* API returns for `arguments`: for a paged one, all its pages (`paging.read_all`:
    bounded, pages after the first fetched concurrently within maxConcurrency, de-duplicated by id)."""
    if api.shape is Shape.LIST:
        body = client._call(api.call(arguments), api.response)
        return list(body.data or [])  # type: ignore[attr-defined]
    _expect(api, Shape.PAGE)
    call = api.call({**arguments, "page_size": page_size or api.max_page_size})  # checked before any request

    def fetch(number: int, size: int) -> paging.Page[T]:
        return page(client, api, page_num=number, page_size=size, **arguments)

    with client.one_deadline():
        return paging.read_all(
            fetch,
            _key,
            subject=call.subject,
            page_size=page_size or api.max_page_size,
            concurrency=client.settings.max_concurrency,
            context={
                "source_id": call.source_id,
                "region": client.settings.region,
                "endpoint": client.endpoint,
            },
        )


def _key(item: Any) -> Any:
    return getattr(item, "id", None)


def _expect(api: ReadApi[Any], shape: Shape) -> None:
    if api.shape is not shape:
        raise TypeError(f"{api.action} answers with a {api.shape.value}, not a {shape.value}")


@attrs.frozen
class Listing(Generic[T]):
    """The items of a listing that match every filter, with their ids and names (in the API's order)."""

    ids: list[int]
    names: list[str]
    items: list[T]


def check(api: ReadApi[Any], arguments: dict[str, Any]) -> None:
    """Refuse bad arguments before any request (the data source may be given by `source_name`)."""
    checked = dict(arguments)
    source_name = checked.pop("source_name", None)
    if "source_id" in api.path_params:
        reading.exactly_one(checked.get("source_id"), source_name, name_argument="source_name")
        if source_name is not None:
            validation.name(source_name, "source_name")
            checked["source_id"] = 1  # stands for the id the name resolves to
    api.call(checked)


def source_of(client: MmsClient, arguments: dict[str, Any]) -> int:
    """The data source id of checked arguments: `source_id`, or the id `source_name` resolves to."""
    if arguments.get("source_name") is not None:
        return reading.resolve_id(client, None, arguments["source_name"])
    return validation.source_id(arguments["source_id"])


def _resolve_parent(client: MmsClient, arguments: dict[str, Any]) -> dict[str, Any]:
    source_name = arguments.pop("source_name", None)
    if source_name is not None:
        arguments["source_id"] = reading.resolve_id(client, None, source_name)
    return arguments


def read_item(client: MmsClient, api: ReadApi[T], **arguments: Any) -> T:
    """A Get* API's item, its data source given by `source_id` or `source_name`."""
    check(api, arguments)
    return get(client, api, **_resolve_parent(client, dict(arguments)))


def read_list(
    client: MmsClient, api: ReadApi[T], *, name_regex: str | None = None, **arguments: Any
) -> Listing[T]:
    """Every item of a List* API matching its filters and `name_regex` (searched in each item's name)."""
    pattern = discovery.check_filters(name_regex=name_regex).name_regex
    check(api, arguments)
    items = [
        item
        for item in list_all(client, api, **_resolve_parent(client, dict(arguments)))
        if pattern is None or pattern.search(_name(item))
    ]
    return Listing(
        ids=[i for i in (getattr(item, "id", None) for item in items) if i is not None],
        names=[_name(item) for item in items],
        items=items,
    )


def _name(item: Any) -> str:
    return str(
        getattr(item, "name", None) or getattr(item, "value", None) or getattr(item, "key", None) or ""
    )
