"""What `MmsDataSource` keeps in state and which changes count as drift.

State holds every field of `DataSource` in snake_case (the data source's `id` as `source_id`: Pulumi drops
an output named `id`), with password-typed config values omitted (`None`, at any depth of `sub_items`):
a secret never reaches state.

Drift policy: by default every field counts except the VOLATILE ones (progress counters, table and
partition totals, the scan id and the last metadata sync time), which change every minute during a
migration. Anything a program may gate on (status, agent_is_online, err_msg, dst_projects, type,
network_link, config, ...) counts, because when a diff says "no change" the program receives the old
outputs. `drift_fields` on the resource widens or narrows the set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pydantic.dataclasses
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..core.model import DataSource, is_volatile
from ..core.secrets import drop_password_values
from ..core.validation import show


@pydantic.dataclasses.dataclass(frozen=True, config=ConfigDict(alias_generator=to_camel))
class ResourceInputs:
    """The arguments of `MmsDataSource`, declared once.

    `MmsDataSourceArgs`, the resource's typed outputs and its inputs in schema.json are generated from
    these fields (`./dev schema`); a test checks that `MmsDataSource.__init__` takes exactly them.
    """

    source_id: int | None = Field(None, description="The data source ID (give this or `name`).")
    with_config: bool | None = Field(None, description="Whether to read the configuration items too.")
    lang: str | None = Field(
        None, description="The language of configuration item descriptions: `zh_CN` or `en_US`."
    )
    drift_fields: list[str] | None = Field(
        None,
        description=(
            "The fields whose change counts as drift, by their names in state (default: all but progress "
            "counters, totals and scan times)."
        ),
    )
    name: str | None = Field(None, description="The data source's exact name (instead of `source_id`).")
    wait_for: str | None = Field(
        None,
        description=(
            "On create and update, wait until the data source is `started`, `ready` or `scanned`; a "
            "failed data source fails the preview already."
        ),
    )
    wait_timeout: float | None = Field(None, description="How long to wait, in seconds (default 600).")


INPUT_FIELDS: tuple[str, ...] = (
    "source_id",
    "with_config",
    "lang",
    "drift_fields",
    "wait_for",
    "wait_timeout",
)
"""Arguments of the resource; a change of any of them is a change of the resource."""

STATE_FIELDS: tuple[str, ...] = tuple(name for name in DataSource.model_fields if name != "id")
"""Fields of the data source kept as outputs (the id is `source_id`)."""

ALL_DRIFT_FIELDS: tuple[str, ...] = STATE_FIELDS
DEFAULT_DRIFT_FIELDS: tuple[str, ...] = tuple(f for f in STATE_FIELDS if not is_volatile(DataSource, f))
VOLATILE_FIELDS: tuple[str, ...] = tuple(f for f in STATE_FIELDS if is_volatile(DataSource, f))


def state_of(data: DataSource) -> dict[str, Any]:
    """The outputs for a data source: JSON values, snake_case keys, password values omitted."""
    state = data.model_dump(mode="json", exclude={"id"}, exclude_none=False)
    if state.get("config"):
        # Any item typed password (any case), at any depth of sub_items: see core/secrets.py.
        state["config"] = drop_password_values(state["config"])
    return state


def is_unknown(value: Any) -> bool:
    """True for a value not known yet (during preview), in either form the dynamic host passes."""
    if isinstance(value, Unknown) or value == rpc.UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_unknown(v) for v in value)
    return False


def normalise(value: Any) -> Any:
    """A value as it compares after a trip through a protobuf Struct.

    Integral floats become ints and None-valued keys vanish inside objects, as they do in state.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    return value


def changed_fields(olds: Mapping[str, Any], news: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """The fields whose normalised values differ (unknown new values count as changed)."""
    return [
        field
        for field in fields
        if is_unknown(news.get(field)) or normalise(olds.get(field)) != normalise(news.get(field))
    ]


def drift_problem(value: Any) -> str | None:
    """Why a `drift_fields` value is invalid, or None."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return "drift_fields must be a list of field names, e.g. ['status', 'dst_projects']"
    unknown = [name for name in value if name not in STATE_FIELDS]
    if unknown:
        shown = show(unknown)
        return f"drift_fields has unknown field(s) {shown}; valid fields: {', '.join(STATE_FIELDS)}"
    return None
