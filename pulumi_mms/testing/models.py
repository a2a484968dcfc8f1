"""The emulator's backend state: data sources, credentials and RAM denials, behind one lock.

Data sources are stored exactly as they travel on the wire (camelCase dicts, as in the ``data`` object of a
GetMmsDataSource response). Everything handed in or out is deep-copied, so callers can never mutate the
state behind the lock's back. The state may be changed while the server is answering requests.
"""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .migration import MigrationStore

FIRST_GENERATED_ID = 2000001


@dataclass(frozen=True)
class Credential:
    """An access key pair the emulator accepts; ``security_token`` set means an STS credential."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None
    expires_at: float | None = None  # epoch seconds; None = never

    @property
    def is_sts(self) -> bool:
        return self.security_token is not None


def _source_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"a data source id must be an integer, got {value!r}")
    if isinstance(value, str) and not value.isdigit():
        raise ValueError(f"a data source id must be an integer, got {value!r}")
    source_id = int(value)
    if source_id <= 0:
        raise ValueError(f"a data source id must be positive, got {source_id}")
    return source_id


class MmsBackend:
    """Thread-safe in-memory state of one emulated MMS service (one region of one account)."""

    def __init__(self, region: str, account_id: str) -> None:
        self.region = region
        self.account_id = account_id
        self._lock = threading.Lock()
        self._sources: dict[int, dict[str, Any]] = {}
        self._credentials: dict[str, Credential] = {}
        self._denials: set[tuple[str, int | None]] = set()
        self._scripts: dict[int, deque[dict[str, Any]]] = {}
        self.migration = MigrationStore()
        """Jobs, databases, tables, partitions, tasks and timers per data source (thread-safe itself)."""

    # -- data sources -------------------------------------------------------------------------------

    def put_data_source(self, data: Mapping[str, Any]) -> int:
        """Store (or replace) a data source; a missing ``id`` gets the next free one. Returns the id."""
        if not isinstance(data, Mapping):
            raise TypeError(f"a data source must be a mapping, got {type(data).__name__}")
        record = copy.deepcopy(dict(data))
        with self._lock:
            if record.get("id") is None:
                record["id"] = max([FIRST_GENERATED_ID - 1, *self._sources]) + 1
            source_id = _source_id(record["id"])
            record["id"] = source_id
            self._sources[source_id] = record
        return source_id

    def update_data_source(self, source_id: int, fields: Mapping[str, Any]) -> None:
        """Overwrite wire fields of a stored data source (``id`` cannot change)."""
        if "id" in fields and _source_id(fields["id"]) != source_id:
            raise ValueError("the id of a data source cannot be changed; remove and put it instead")
        new_fields = copy.deepcopy(dict(fields))
        with self._lock:
            self._require(source_id).update(new_fields)

    def remove_data_source(self, source_id: int) -> None:
        with self._lock:
            self._require(source_id)
            del self._sources[source_id]
            self._scripts.pop(source_id, None)

    def clear_data_sources(self) -> None:
        with self._lock:
            self._sources.clear()
            self._scripts.clear()

    def data_source(self, source_id: int) -> dict[str, Any] | None:
        """A copy of the stored data source, or None."""
        with self._lock:
            record = self._sources.get(source_id)
            return copy.deepcopy(record) if record is not None else None

    def data_sources(self) -> list[dict[str, Any]]:
        """Copies of all data sources, ordered by id."""
        with self._lock:
            return [copy.deepcopy(self._sources[i]) for i in sorted(self._sources)]

    def page_of(
        self,
        match: Callable[[Mapping[str, Any]], bool] | None,
        start: int,
        stop: int,
        render: Callable[[Mapping[str, Any]], dict[str, Any]],
    ) -> tuple[list[dict[str, Any]], int]:
        """`render` (which must copy) of the matching data sources (all when `match` is None) from
        `start` to `stop`, ordered by id, and how many match. Only the page is rendered: listing
        thousands costs one page of copies."""
        with self._lock:
            ordered = [self._sources[i] for i in sorted(self._sources)]
            matches = ordered if match is None else [record for record in ordered if match(record)]
            return [render(record) for record in matches[start:stop]], len(matches)

    def script_states(self, source_id: int, steps: Iterable[Mapping[str, Any]]) -> None:
        """Queue field updates applied one per :meth:`read_data_source` of ``source_id``."""
        queue = deque(copy.deepcopy(dict(step)) for step in steps)
        with self._lock:
            self._require(source_id)
            self._scripts[source_id] = queue

    def read_data_source(self, source_id: int) -> dict[str, Any] | None:
        """What a GetMmsDataSource sees: applies the next scripted step (if any), then returns a copy."""
        with self._lock:
            record = self._sources.get(source_id)
            if record is None:
                return None
            script = self._scripts.get(source_id)
            if script:
                record.update(script.popleft())
            return copy.deepcopy(record)

    def _require(self, source_id: int) -> dict[str, Any]:
        record = self._sources.get(source_id)
        if record is None:
            raise KeyError(f"no data source with id {source_id}")
        return record

    # -- credentials and RAM ------------------------------------------------------------------------

    def add_credential(self, credential: Credential) -> None:
        with self._lock:
            self._credentials[credential.access_key_id] = credential

    def remove_credential(self, access_key_id: str) -> None:
        with self._lock:
            self._credentials.pop(access_key_id, None)

    def credential(self, access_key_id: str) -> Credential | None:
        with self._lock:
            return self._credentials.get(access_key_id)

    def deny(self, access_key_id: str, source_id: int | None = None) -> None:
        """Deny ``access_key_id`` access to one data source, or (``None``) to every MMS action."""
        with self._lock:
            self._denials.add((access_key_id, source_id))

    def allow(self, access_key_id: str, source_id: int | None = None) -> None:
        """Lift a denial added with the same arguments."""
        with self._lock:
            self._denials.discard((access_key_id, source_id))

    def is_denied(self, access_key_id: str, source_id: int | None = None) -> bool:
        with self._lock:
            if (access_key_id, None) in self._denials:
                return True
            return source_id is not None and (access_key_id, source_id) in self._denials

    def resource_arn(self, source_id: int | None) -> str:
        target = "*" if source_id is None else str(source_id)
        return f"acs:odps:{self.region}:{self.account_id}:mmsdatasource/{target}"
