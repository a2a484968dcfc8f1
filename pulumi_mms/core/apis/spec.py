"""What a read API is, declared as data: its action, path, query parameters, answer shape and item model.

One `ReadApi` per API (see `catalog`) is all the client needs to build the request exactly as the official
SDK's `*_with_options` does (same path, same query parameters in the same order, same value spelling) and
to parse the answer into typed models; the Pulumi functions, schema.json, the CLI and the README tables are
derived from the same declarations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import attrs
import pydantic

from ... import declarations
from ...declarations import Kind as Kind
from ...declarations import Shape as Shape
from .. import validation
from ..errors import ValidationError
from ..translate import Call
from .models import ItemResponse, ListResponse, PageResponse

T = TypeVar("T")


@attrs.frozen
class Param:
    """A query parameter: its Python name, wire name, kind and description.

    A `Kind.SORTER` parameter has the typed model of its fields (`sorter`: each field asc or desc) and is
    spelt as the SDK spells it: `json` style, one query parameter holding a JSON object
    (`sorter={"numRows":"desc"}`, ListMmsDbs), or `flat` style, one query parameter per field
    (`sorter.numRows=desc`, the other lists), the fields in the model's order.
    """

    name: str
    wire: str
    kind: Kind
    description: str
    sorter: type[pydantic.BaseModel] | None = None
    style: str = ""
    required: bool = False

    @classmethod
    def declared(cls, param: declarations.Param, models: Any) -> Param:
        """The parameter a declaration describes (a sorter's model looked up by name in `models`)."""
        model = getattr(models, param.model) if param.model else None
        return cls(param.name, param.wire, param.kind, param.description, model, param.style, param.required)

    def wire_values(self, value: Any) -> dict[str, str]:
        """The query parameters for `value`, checked (a `ValidationError` naming this parameter)."""
        if self.kind is not Kind.SORTER:
            return {self.wire: _wire_value(self, value)}
        assert self.sorter is not None
        fields = {
            name: value.value
            for name, value in _sorter(self, value).model_dump(by_alias=True, exclude_none=True).items()
        }
        if self.style == "json":
            return {self.wire: json.dumps(fields, separators=(",", ":"), ensure_ascii=False)}
        return {f"{self.wire}.{name}": order for name, order in fields.items()}


def sort_fields(model: type[pydantic.BaseModel]) -> tuple[str, ...]:
    """The fields a sorter model sorts by, by Python name, in the SDK's order."""
    return tuple(model.model_fields)


_PATH_PARAM = re.compile(r"\{(\w+)\}")
PAGING = tuple(declarations.snake(name) for name in declarations.PAGING)


@attrs.frozen
class ReadApi(Generic[T]):
    """One read-only MMS API, declared once.

    `path` is the SDK's path template (`{sourceId}` style); its parameters are positive integer ids.
    `query` lists the query parameters in the order the SDK adds them (the signed query string is then
    byte-for-byte the SDK's). `item` is the model of one item of the answer.
    """

    action: str
    path: str
    item: type[T]
    shape: Shape
    noun: str
    description: str
    query: tuple[Param, ...] = ()
    max_page_size: int = 100

    @classmethod
    def declared(cls, declaration: declarations.Declaration, models: Any) -> ReadApi[Any]:
        """The read API a declaration describes, its item (and sorter) models looked up in `models`."""
        return ReadApi(
            declaration.action,
            declaration.path,
            getattr(models, declaration.item),
            declaration.shape,
            declaration.noun,
            declaration.description,
            tuple(Param.declared(p, models) for p in declaration.query),
            declaration.max_page_size,
        )

    @property
    def path_params(self) -> tuple[str, ...]:
        """The path parameters' Python names, outermost first (`source_id`, `job_id`, ...)."""
        return tuple(_snake(name) for name in _PATH_PARAM.findall(self.path))

    @property
    def filters(self) -> tuple[Param, ...]:
        """The query parameters without the paging ones."""
        return tuple(p for p in self.query if p.name not in PAGING)

    @property
    def response(self) -> type[pydantic.BaseModel]:
        """The model of the whole answer body."""
        envelope: Any = {Shape.ITEM: ItemResponse, Shape.PAGE: PageResponse, Shape.LIST: ListResponse}
        model: type[pydantic.BaseModel] = envelope[self.shape][self.item]
        return model

    def call(self, arguments: Mapping[str, Any]) -> Call:
        """The request for `arguments` (Python names), checked before anything is sent."""
        known = {*self.path_params, *(p.name for p in self.query)}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise ValidationError(
                unknown[0],
                f"{self.action} has no argument {unknown[0]!r}",
                hint=f"use one of: {', '.join(sorted(known))}",
            )
        ids: dict[str, int] = {}
        for name in self.path_params:
            if arguments.get(name) is None:
                raise ValidationError(name, f"{self.action} needs {name}")
            ids[name] = validation.source_id(arguments[name], name)
        query: dict[str, str] = {}
        for param in self.query:
            value = arguments.get(param.name)
            if value is not None:
                query.update(param.wire_values(value))
            elif param.required:
                raise ValidationError(
                    param.name,
                    f"{self.action} needs {param.name}",
                    hint=f"give {param.name}: {param.description[0].lower()}{param.description[1:]}",
                )
        size = query.get("pageSize")
        if size is not None and int(size) > self.max_page_size:
            raise ValidationError(
                "page_size", f"page_size must be at most {self.max_page_size} for {self.action}, got {size}"
            )
        path = _PATH_PARAM.sub(lambda m: quote(str(ids[_snake(m.group(1))]), safe=""), self.path)
        source = ids.get("source_id")
        return Call(
            self.action, path, query, source_id=source, subject=self.subject(ids), asks_for=self.asks_for
        )

    @property
    def asks_for(self) -> str:
        """What a 404 says is missing beneath the data source (`Call.asks_for`): the item itself for a
        Get, the parent for a list under a task or timer, nothing for a list of a data source's items."""
        if "source_id" not in self.path_params:
            return self.noun
        own = self.path_params[-1]
        if self.shape is Shape.ITEM and own != "source_id":
            return self.noun
        return "" if own == "source_id" else own.removesuffix("_id")

    def subject(self, ids: Mapping[str, int]) -> str:
        """What a request is about, for messages: `job 7 of data source 2000015`."""
        own = self.path_params[-1] if self.path_params else None
        parts = []
        if self.shape is Shape.ITEM and own is not None and own != "source_id":
            parts.append(f"{self.noun} {ids[own]}")
        elif self.shape is not Shape.ITEM:
            parts.append(f"{self.noun} list")
        for name in reversed(self.path_params[:-1] if self.shape is Shape.ITEM else self.path_params):
            parts.append(f"{name.removesuffix('_id').replace('source', 'data source')} {ids[name]}")
        return " of ".join(parts)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _sorter(param: Param, value: Any) -> pydantic.BaseModel:
    """A sorter's value as its model: the model itself, or a mapping of field (Python or wire name) to
    asc or desc; at least one field set."""
    model = param.sorter
    assert model is not None
    allowed = ", ".join(sort_fields(model))
    example = f'{{"{sort_fields(model)[0]}": "desc"}}'
    fix = f'give a mapping of a field ({allowed}) to "asc" or "desc", e.g. {example}'
    if isinstance(value, model):
        checked = value
    elif isinstance(value, Mapping):
        known = {*model.model_fields, *(info.alias for info in model.model_fields.values() if info.alias)}
        unknown = sorted(str(key) for key in value if key not in known)
        if unknown:
            raise ValidationError(
                param.name, f"cannot sort by {unknown[0]!r} (it sorts by {allowed})", hint=fix
            )
        orders = {key: order.lower() if isinstance(order, str) else order for key, order in value.items()}
        try:
            checked = model.model_validate(orders)
        except pydantic.ValidationError:
            shown = validation.show(dict(value))
            raise ValidationError(
                param.name, f"each direction must be asc or desc, got {shown}", hint=fix
            ) from None
    else:
        raise ValidationError(
            param.name,
            f"must be a mapping of field to direction, got {validation.show(value)}",
            hint=fix,
        )
    if not checked.model_dump(exclude_none=True):
        raise ValidationError(param.name, "it names no field to sort by", hint=fix)
    return checked


def _wire_value(param: Param, value: Any) -> str:
    shown = validation.show(value)
    if param.kind is Kind.STR:
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, str) and value:
            return value
        raise ValidationError(param.name, f"{param.name} must be a non-empty string, got {shown}")
    if param.kind is Kind.INT:
        least = 1 if param.name in PAGING or param.name.endswith("_id") else 0
        if isinstance(value, int) and not isinstance(value, bool) and value >= least:
            return str(value)
        what = "a positive integer" if least else "a non-negative integer"
        raise ValidationError(param.name, f"{param.name} must be {what}, got {shown}")
    if param.kind is Kind.BOOL:
        if isinstance(value, bool):
            return str(value)  # the SDK sends True/False, capitalised
        raise ValidationError(param.name, f"{param.name} must be True or False, got {shown}")
    values = [value] if isinstance(value, str | Enum) else value
    if isinstance(values, list | tuple) and values:
        items = [v.value if isinstance(v, Enum) else v for v in values]
        if all(isinstance(v, str) and v for v in items):
            return json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    raise ValidationError(param.name, f"{param.name} must be a string or a list of strings, got {shown}")
