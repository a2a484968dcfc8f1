"""The GetMmsDataSource response, declared once.

These pydantic models are the single source of truth for the API's fields: their names (wire camelCase,
Python snake_case), types and descriptions. The Pulumi output types, the dynamic resource's outputs,
schema.json, the CLI table and the README's field list are all derived from them.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import pydantic.dataclasses
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo

from .secrets import MASK, is_password_type, mask_password_values


class DataSourceType(str, Enum):
    """The kind of system a data source migrates from."""

    HIVE = "HIVE"
    BIGQUERY = "BIGQUERY"
    MAXCOMPUTE = "MAXCOMPUTE"


class DataSourceStatus(str, Enum):
    """The lifecycle state of a data source instance."""

    STARTING = "STARTING"
    STOPPED = "STOPPED"
    STARTED = "STARTED"
    START_FAILED = "START_FAILED"
    STOPPING = "STOPPING"
    STOP_FAILED = "STOP_FAILED"


class ConfigItemType(str, Enum):
    """The value type of a data source configuration item."""

    PASSWORD = "password"  # noqa: S105 - the name of a type, not a password
    FILE = "file"
    STRING = "string"
    MAP = "map"
    BOOLEAN = "boolean"
    INT = "int"

    @classmethod
    def _missing_(cls, value: object) -> ConfigItemType | None:
        # The API page documents the value `boolean` under the label "booelan"; accept both spellings.
        return cls.BOOLEAN if value == "booelan" else None


# Open enums: a documented value parses into its member, an unknown one is kept as its plain string (the
# API adds values over time; a lookup must not fail because the service learned a new state). The union
# is tried left to right inside pydantic-core, with no Python call per value.
_OPEN = Field(union_mode="left_to_right")
OpenDataSourceType = Annotated[DataSourceType | str, _OPEN]
OpenDataSourceStatus = Annotated[DataSourceStatus | str, _OPEN]
OpenConfigItemType = Annotated[ConfigItemType | str, _OPEN]


VOLATILE: dict[str, Any] = {"volatile": True}
"""Marks a field that changes on its own during a migration (progress counters, scan times).

Volatile fields are not drift by default: `MmsDataSource` does not show an update just because a counter
moved (see `pulumi_mms.drift`).
"""


def fields_of(model: type[Any]) -> dict[str, FieldInfo]:
    """The fields of a model or pydantic dataclass of this module, in declaration order."""
    fields: dict[str, FieldInfo] = (
        model.model_fields if issubclass(model, BaseModel) else model.__pydantic_fields__
    )
    return fields


def is_volatile(model: type[Any], field: str) -> bool:
    """True when `field` of `model` is marked VOLATILE."""
    extra = fields_of(model)[field].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("volatile"))


_WIRE = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class _WireModel(BaseModel):
    """Wire names in camelCase, Python names in snake_case; unknown wire fields are ignored."""

    model_config = ConfigDict(**_WIRE, frozen=True)


# A slotted pydantic dataclass rather than a model: a response may hold thousands of items, and this keeps
# each one small (no per-instance `__dict__` or set of assigned fields; see BENCHMARKS.md, B5).
@pydantic.dataclasses.dataclass(frozen=True, slots=True, repr=False, config=_WIRE)
class ConfigItem:
    """One configuration item of a data source (returned when `with_config` is true)."""

    name: str | None = Field(None, description="The name of the configuration item.")
    key: str | None = Field(None, description="The key of the configuration item.")
    desc: str | None = Field(None, description="The description of the configuration item.")
    place_holder: str | None = Field(
        None, description="The placeholder for the value of the configuration item."
    )
    type: OpenConfigItemType | None = Field(
        None,
        description="The type of the configuration item: boolean, int, map, string, password or file.",
    )
    sub_type: str | None = Field(None, description="If type is file, the file type, such as .keytab.")
    value: Any = Field(
        None,
        description="The value of the configuration item (any JSON value). Secret for password items.",
    )
    enums: list[str] | None = Field(None, description="The enumerated values of the configuration item.")
    required: bool | None = Field(None, description="Whether the configuration item is required.")
    group: str | None = Field(None, description="The group of the configuration item.")
    sub_items: dict[str, Any] | None = Field(
        None, description="Nested configuration items, keyed by name (any JSON object)."
    )

    @property
    def is_password(self) -> bool:
        """True when the value is a secret: the item's type is `password`, in any case."""
        return is_password_type(self.type)

    def __repr__(self) -> str:
        shown = []
        for name in fields_of(ConfigItem):
            value = getattr(self, name)
            if name == "value" and self.is_password and value is not None:
                value = MASK
            elif name == "sub_items":
                value = mask_password_values(value)
            shown.append(f"{name}={value!r}")
        return f"ConfigItem({', '.join(shown)})"


class DataSource(_WireModel):
    """An MMS data source, as GetMmsDataSource returns it in `data`."""

    id: int | None = Field(None, description="The data source ID.")
    region: str | None = Field(None, description="The region ID.")
    name: str | None = Field(None, description="The name of the data source.")
    dst_project: str | None = Field(
        None, description="The default destination MaxCompute project of the migration."
    )
    dst_projects: list[str] | None = Field(
        None, description="The destination MaxCompute projects of the migration."
    )
    type: OpenDataSourceType | None = Field(
        None, description="The type of the data source: HIVE, BIGQUERY or MAXCOMPUTE."
    )
    network_link: str | None = Field(
        None,
        alias="networklink",
        description="The network link the data source is reached through (`<vpc-id>:<region>`).",
    )
    last_update_time: str | None = Field(
        None, description="The time when the metadata was last synchronized.", json_schema_extra=VOLATILE
    )
    db_num: int | None = Field(
        None, description="The number of databases in the data source.", json_schema_extra=VOLATILE
    )
    table_num: int | None = Field(
        None, description="The number of tables in the data source.", json_schema_extra=VOLATILE
    )
    partition_num: int | None = Field(
        None, description="The number of partitions in the data source.", json_schema_extra=VOLATILE
    )
    create_time: str | None = Field(None, description="The time when the data source was created.")
    status: OpenDataSourceStatus | None = Field(
        None,
        description=(
            "The status of the data source: STARTING, STOPPED, STARTED, START_FAILED, STOPPING or "
            "STOP_FAILED."
        ),
    )
    err_msg: str | None = Field(
        None,
        description=(
            "The reason the data source instance failed to start or shut down; returned if the status "
            "is START_FAILED or STOP_FAILED."
        ),
    )
    config: list[ConfigItem] | None = Field(
        None, description="The configurations of the data source (only when `with_config` is true)."
    )
    agent_is_online: bool | None = Field(
        None, description="Whether the data source instance or its associated agent is started."
    )
    tables_doing_num: int | None = Field(
        None, description="The number of tables being migrated.", json_schema_extra=VOLATILE
    )
    tables_done_num: int | None = Field(
        None, description="The number of tables that are migrated.", json_schema_extra=VOLATILE
    )
    tables_part_done_num: int | None = Field(
        None, description="The number of tables that are partially migrated.", json_schema_extra=VOLATILE
    )
    tables_failed_num: int | None = Field(
        None, description="The number of tables that failed to migrate.", json_schema_extra=VOLATILE
    )
    partitions_doing_num: int | None = Field(
        None, description="The number of partitions being migrated.", json_schema_extra=VOLATILE
    )
    partitions_done_num: int | None = Field(
        None, description="The number of partitions that are migrated.", json_schema_extra=VOLATILE
    )
    partitions_failed_num: int | None = Field(
        None, description="The number of partitions that failed to migrate.", json_schema_extra=VOLATILE
    )
    scan_id: int | None = Field(
        None, description="The ID of the metadata synchronization task.", json_schema_extra=VOLATILE
    )


class GetMmsDataSourceResponse(_WireModel):
    """The whole GetMmsDataSource response body."""

    request_id: str | None = Field(None, description="The request ID.")
    data: DataSource = Field(description="The data returned.")


class DataSourceSummary(DataSource):
    """A data source as ListMmsDataSources returns it, plus the metadata scan state.

    Config items are there only if the service sends them (the official SDK's list model has the field).
    """

    scan_status: str | None = Field(None, description="The state of the last metadata scan.")
    scan_err_msg: str | None = Field(None, description="Why the last metadata scan failed, if it did.")


class DataSourcePage(_WireModel):
    """One page of ListMmsDataSources."""

    object_list: list[DataSourceSummary] | None = Field(None, description="The data sources on this page.")
    page_num: int | None = Field(None, description="The page number, from 1.")
    page_size: int | None = Field(None, description="The page size.")
    total: int | None = Field(None, description="The number of data sources matching the filters.")


class ListMmsDataSourcesResponse(_WireModel):
    """The whole ListMmsDataSources response body."""

    request_id: str | None = Field(None, description="The request ID.")
    data: DataSourcePage = Field(description="The data returned.")


class DataSourceList(_WireModel):
    """Data sources matching a set of filters (the result of get_mms_data_sources), ordered by id."""

    ids: list[int] = Field(description="The IDs of the matching data sources.")
    names: list[str] = Field(description="The names of the matching data sources.")
    data_sources: list[DataSourceSummary] = Field(description="The matching data sources.")


_SHARED_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
MAX_SHARED_FIELDS_SETS = 64
"""Distinct sets of field names shared (the API sends the same fields each time; a bound all the same)."""


def share_fields_set(model: BaseModel) -> None:
    """Let a frozen model (and the frozen models in its fields) share its set of given field names.

    pydantic keeps, per instance, the set of the fields that were given (`model_fields_set`): 2.2 KiB for a
    data source's 23 fields, more than their values. A program run keeps one response per lookup for its
    whole length (BENCHMARKS.md, B11), and the API gives the same fields every time. A frozen model never
    changes its set (`model_copy` copies it before an update), so equal sets can be one object.
    """
    if not model.model_config.get("frozen"):
        raise TypeError(f"{type(model).__name__} is not frozen: its set of given fields may change")
    given = model.__pydantic_fields_set__
    shared = _SHARED_FIELDS_SETS.get(frozenset(given))
    if shared is None and len(_SHARED_FIELDS_SETS) < MAX_SHARED_FIELDS_SETS:
        shared = _SHARED_FIELDS_SETS.setdefault(frozenset(given), set(given))
    if shared is not None:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    for value in model.__dict__.values():
        if isinstance(value, BaseModel):
            share_fields_set(value)


def wire_name(model: type[Any], field: str) -> str:
    """The camelCase name a field has on the wire (and in schema.json)."""
    info = fields_of(model)[field]
    return info.alias or field
