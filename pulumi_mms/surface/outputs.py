"""The functions' results: the generated output types, filled from the model, with passwords secret.

The classes live in `generated_types` (written from the model by `./dev schema`); this module builds them
from a response. Nested results (`config` items, `data_sources` items) are dicts keyed by the Pulumi names
(camelCase, as in schema.json), so they can be exported or passed to another resource's input as they are.

Secrets follow Pulumi's own model for invokes (`rpc.deserialize_properties_unwrap_secrets`): the Output
form (`*_output`) returns plain values inside an Output that is secret as a whole when the result holds any
password value, so `apply` sees the value itself (a connection string built in an `apply` is a secret
Output with the real password in it). The plain form cannot be secret as a whole, so each password value
in it is a secret `Output` of its own (use it with `.apply` or `pulumi.Output.format`). A password is
any config item whose `type` is `password` in any case, at any depth of `subItems` (`core.secrets`).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

import pulumi

from ..core.model import ConfigItem, DataSource, DataSourceSummary, fields_of
from ..core.secrets import has_password_value, is_password_type, map_password_values
from .generated_types import (
    AwaitableGetMmsDataSourceResult,
    AwaitableGetMmsDataSourcesResult,
    GetMmsDataSourceConfigResult,
    GetMmsDataSourceResult,
    GetMmsDataSourcesItemResult,
    GetMmsDataSourcesResult,
)

__all__ = [
    "AwaitableGetMmsDataSourceResult",
    "AwaitableGetMmsDataSourcesResult",
    "GetMmsDataSourceConfigResult",
    "GetMmsDataSourceResult",
    "GetMmsDataSourcesItemResult",
    "GetMmsDataSourcesResult",
    "data_source_output_result",
    "data_source_result",
    "data_sources_output_result",
    "data_sources_result",
    "holds_password",
    "holds_password_value",
    "secret_if_password",
]

R = TypeVar("R")


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _secret(value: Any) -> Any:
    return pulumi.Output.secret(value)


def _keep(value: Any) -> Any:
    return value


def config_result(item: ConfigItem, *, secret_values: bool) -> GetMmsDataSourceConfigResult:
    """One config item; with `secret_values`, its password values (and nested ones) are secret Outputs."""
    values = {name: _plain(getattr(item, name)) for name in fields_of(ConfigItem)}
    hide: Callable[[Any], Any] = _secret if secret_values else _keep
    if is_password_type(item.type) and values["value"] is not None:
        values["value"] = hide(values["value"])
    if values["sub_items"] is not None:
        values["sub_items"] = map_password_values(values["sub_items"], hide)
    return GetMmsDataSourceConfigResult(**values)


def _configs(
    items: Sequence[ConfigItem] | None, secret_values: bool
) -> list[GetMmsDataSourceConfigResult] | None:
    return None if items is None else [config_result(item, secret_values=secret_values) for item in items]


def _fields(data: DataSource, secret_values: bool) -> dict[str, Any]:
    # A model's fields are its instance dict (pydantic), in declaration order: copied, not read one by one.
    values = dict(vars(data))
    for name in _enum_fields(type(data)):
        value = values[name]
        if isinstance(value, Enum):
            values[name] = value.value
    values["config"] = _configs(data.config, secret_values)
    return values


_ENUM_FIELDS: dict[type, tuple[str, ...]] = {}


def _enum_fields(model: type[DataSource]) -> tuple[str, ...]:
    """The fields of `model` that may hold an enum member (given as its plain value in a result)."""
    names = _ENUM_FIELDS.get(model)
    if names is None:
        names = _ENUM_FIELDS[model] = tuple(
            name for name, info in fields_of(model).items() if _mentions_enum(info.annotation)
        )
    return names


def _mentions_enum(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return True
    return any(_mentions_enum(arg) for arg in typing.get_args(annotation))


def data_source_result(data: DataSource, request_id: str | None) -> AwaitableGetMmsDataSourceResult:
    """The plain form's result of a data source read (awaitable; password values are secret Outputs)."""
    return AwaitableGetMmsDataSourceResult(**_fields(data, secret_values=True), request_id=request_id)


def data_source_output_result(data: DataSource, request_id: str | None) -> GetMmsDataSourceResult:
    """The Output form's result of a data source read: plain values (see `secret_if_password`)."""
    return GetMmsDataSourceResult(**_fields(data, secret_values=False), request_id=request_id)


def _listing(items: Sequence[DataSourceSummary], secret_values: bool) -> dict[str, Any]:
    return {
        "ids": [item.id for item in items if item.id is not None],
        "names": [item.name or "" for item in items],
        "data_sources": [GetMmsDataSourcesItemResult(**_fields(item, secret_values)) for item in items],
    }


def data_sources_result(items: Sequence[DataSourceSummary]) -> AwaitableGetMmsDataSourcesResult:
    """The plain form's result of a listing (awaitable; password values are secret Outputs)."""
    return AwaitableGetMmsDataSourcesResult(**_listing(items, secret_values=True))


def data_sources_output_result(items: Sequence[DataSourceSummary]) -> GetMmsDataSourcesResult:
    """The Output form's result of a listing: plain values (see `secret_if_password`)."""
    return GetMmsDataSourcesResult(**_listing(items, secret_values=False))


def secret_if_password(result: R) -> pulumi.Output[R] | R:
    """`result` itself, or, when it holds a password value anywhere, an Output of it that is secret.

    For `Output.apply`: a function that returns an Output makes the applied Output secret as a whole.
    """
    if not holds_password(result):
        return result
    return pulumi.Output.secret(None).apply(lambda _: result)


def holds_password(result: Any) -> bool:
    """True when a result holds a password value anywhere (the Output form is then secret as a whole)."""
    return has_password_value(_as_json(result))


def holds_password_value(data: DataSource | Sequence[DataSource]) -> bool:
    """`holds_password` of the result built from `data` (a data source, or a listing's), read from the model.

    A result's only JSON objects are its config items (and what they hold), so this asks them alone,
    without building the result as JSON first: a data source read without its config answers at once.
    """
    sources = data if isinstance(data, Sequence) else (data,)
    return any(_item_holds_password(item) for source in sources for item in source.config or ())


def _item_holds_password(item: ConfigItem) -> bool:
    if is_password_type(item.type):
        if item.value is not None:
            return True
    elif has_password_value(item.value):
        return True
    return has_password_value(item.sub_items)


def _as_json(value: Any) -> Any:
    """A result as JSON-like data: nested output types are dicts, top-level ones have properties."""
    if isinstance(value, dict):
        return {key: _as_json(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(inner) for inner in value]
    if isinstance(value, (GetMmsDataSourceResult, GetMmsDataSourcesResult)):
        return {name: _as_json(getattr(value, name)) for name in _property_names(type(value))}
    return value


def _property_names(cls: type) -> list[str]:
    return [
        name for klass in cls.__mro__ for name, member in vars(klass).items() if isinstance(member, property)
    ]
