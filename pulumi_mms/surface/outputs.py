"""Pulumi output types derived from the pydantic model.

`GetMmsDataSourceResult` and its nested `GetMmsDataSourceConfigResult` are `@pulumi.output_type` classes
in the shape of Pulumi's generated SDKs (a `@pulumi.getter` property per field, Pulumi names in camelCase,
Python names in snake_case). They are built from `DataSource` and `ConfigItem` field by field, so a field
added to the model appears here, in schema.json and in the docs at once. Type checkers see the model's
own field types (the `TYPE_CHECKING` branch), which are the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from enum import Enum
from typing import TYPE_CHECKING, Any

import pulumi
from pydantic import BaseModel

from ..core.model import ConfigItem, DataSource, DataSourceList, DataSourceSummary, fields_of, wire_name


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def derive_output_type(
    model: type[Any],
    class_name: str,
    *,
    nested: dict[str, type] | None = None,
    extra: dict[str, tuple[str, Any, str]] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> type:
    """A `@pulumi.output_type` class with one getter per field of `model` (plus `extra` fields).

    `nested` maps a field holding a list of sub-models to the output type of its items.
    `extra` adds fields not in the model: python name -> (pulumi name, type, description).
    """
    fields: dict[str, tuple[str, Any, str]] = {
        name: (wire_name(model, name), info.annotation, info.description or "")
        for name, info in fields_of(model).items()
        if name not in exclude
    }
    fields.update(extra or {})
    namespace: dict[str, Any] = {"__doc__": model.__doc__, "__module__": __name__}

    def make_getter(python_name: str, pulumi_name: str, annotation: Any, doc: str) -> property:
        def getter(self: Any) -> Any:
            return pulumi.get(self, python_name)

        getter.__name__ = python_name
        getter.__doc__ = doc
        getter.__annotations__ = {"return": annotation}
        return property(pulumi.getter(name=pulumi_name)(getter))

    for python_name, (pulumi_name, annotation, doc) in fields.items():
        namespace[python_name] = make_getter(python_name, pulumi_name, annotation, doc)

    names = tuple(fields)

    def __init__(self: Any, **values: Any) -> None:
        unknown = set(values) - set(names)
        if unknown:
            raise TypeError(f"{class_name} got unexpected fields {sorted(unknown)}")
        for name in names:
            pulumi.set(self, name, values.get(name))

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{class_name}({shown})"

    namespace["__init__"] = __init__
    namespace["__repr__"] = __repr__
    namespace["_field_names"] = names
    namespace["_nested"] = dict(nested or {})
    return pulumi.output_type(type(class_name, (), namespace))


def build(output_type: type, model: BaseModel, **extra: Any) -> Any:
    """An instance of a derived output type from a model instance (enums become their plain values)."""
    values: dict[str, Any] = {}
    nested: dict[str, type] = output_type._nested  # type: ignore[attr-defined]
    for name in output_type._field_names:  # type: ignore[attr-defined]
        if name in extra:
            values[name] = extra[name]
            continue
        value = getattr(model, name, None)
        if name in nested and value is not None:
            value = [build(nested[name], item) for item in value]
        values[name] = _plain(value)
    return output_type(**values)


def _secret_password(item: Any) -> Any:
    """A config item whose password value is a Pulumi secret, never a plain string."""
    if item.is_password and item.value is not None:
        return dataclasses.replace(item, value=pulumi.Output.secret(item.value))
    return item


def _awaitable(result_type: type) -> type:
    """The Awaitable twin of a result type, as generated SDKs have.

    Awaiting it gives a plain (not awaitable) result with the same values: Pulumi awaits awaitables until
    it reaches a value, so returning itself would never finish.
    """

    def __await__(self: Any) -> Generator[Any, None, Any]:
        if False:
            yield self
        return result_type(**{name: pulumi.get(self, name) for name in result_type._field_names})  # type: ignore[attr-defined]

    return type(
        f"Awaitable{result_type.__name__}", (result_type,), {"__await__": __await__, "__module__": __name__}
    )


if TYPE_CHECKING:

    class GetMmsDataSourceConfigResult(ConfigItem):
        """A configuration item of a data source (password values are secret Outputs)."""

    class GetMmsDataSourceResult(DataSource):
        """The result of get_mms_data_source."""

        request_id: str | None

    class AwaitableGetMmsDataSourceResult(GetMmsDataSourceResult):
        def __await__(self) -> Generator[Any, None, GetMmsDataSourceResult]: ...

    class GetMmsDataSourcesItemResult(DataSourceSummary):
        """One data source in get_mms_data_sources' result."""

    class GetMmsDataSourcesResult(DataSourceList):
        """The result of get_mms_data_sources."""

    class AwaitableGetMmsDataSourcesResult(GetMmsDataSourcesResult):
        def __await__(self) -> Generator[Any, None, GetMmsDataSourcesResult]: ...

else:
    GetMmsDataSourceConfigResult = derive_output_type(ConfigItem, "GetMmsDataSourceConfigResult")
    GetMmsDataSourceResult = derive_output_type(
        DataSource,
        "GetMmsDataSourceResult",
        nested={"config": GetMmsDataSourceConfigResult},
        extra={"request_id": ("requestId", str | None, "The ID of the request that read the data source.")},
    )

    AwaitableGetMmsDataSourceResult = _awaitable(GetMmsDataSourceResult)
    GetMmsDataSourcesItemResult = derive_output_type(
        DataSourceSummary,
        "GetMmsDataSourcesItemResult",
        nested={"config": GetMmsDataSourceConfigResult},
    )
    GetMmsDataSourcesResult = derive_output_type(
        DataSourceList, "GetMmsDataSourcesResult", nested={"data_sources": GetMmsDataSourcesItemResult}
    )
    AwaitableGetMmsDataSourcesResult = _awaitable(GetMmsDataSourcesResult)


def data_source_result(
    data: DataSource, request_id: str | None, *, awaitable: bool
) -> AwaitableGetMmsDataSourceResult:
    """The Pulumi result for a data source read; password config values become secrets.

    `awaitable` for the plain function's result (as generated SDKs return); the Output form holds a plain
    `GetMmsDataSourceResult`.
    """
    if data.config:
        data = data.model_copy(update={"config": [_secret_password(item) for item in data.config]})
    result_type = AwaitableGetMmsDataSourceResult if awaitable else GetMmsDataSourceResult
    result: AwaitableGetMmsDataSourceResult = build(result_type, data, request_id=request_id)
    return result
