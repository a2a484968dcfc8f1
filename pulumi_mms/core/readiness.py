"""Waiting until a data source is usable: polling with backoff, bounded by a timeout.

Conditions (`wait_for`):
- `started`: status is STARTED;
- `ready`: STARTED and the agent is online;
- `scanned`: ready, and a metadata scan has produced results (a scan id and a last sync time).
A terminal failure (START_FAILED, STOP_FAILED) ends the wait at once, with the service's `errMsg`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from . import validation
from .client import MmsClient
from .errors import NotReady, ValidationError
from .model import DataSource, DataSourceStatus, GetMmsDataSourceResponse


def _started(data: DataSource) -> bool:
    return data.status == DataSourceStatus.STARTED


def _ready(data: DataSource) -> bool:
    return _started(data) and data.agent_is_online is True


def _scanned(data: DataSource) -> bool:
    return _ready(data) and data.scan_id is not None and bool(data.last_update_time)


CONDITIONS: dict[str, Callable[[DataSource], bool]] = {
    "started": _started,
    "ready": _ready,
    "scanned": _scanned,
}
TERMINAL = (DataSourceStatus.START_FAILED, DataSourceStatus.STOP_FAILED)
DEFAULT_TIMEOUT_S = 600.0


@attrs.frozen
class Wait:
    """What to wait for and for how long; polls start at `first_poll_s` and grow to `max_poll_s`."""

    condition: str = attrs.field()
    timeout_s: float = DEFAULT_TIMEOUT_S
    first_poll_s: float = 2.0
    max_poll_s: float = 30.0

    @condition.validator
    def _known(self, _attribute: object, value: str) -> None:
        validation.one_of_names(value, CONDITIONS, "wait_for")

    @classmethod
    def parse(cls, wait_for: object, timeout: object = None) -> Wait | None:
        """From user arguments: `wait_for` a condition name or None, `timeout` seconds or None."""
        if wait_for is None:
            if timeout is not None:
                raise ValidationError(
                    "wait_timeout", "wait_timeout needs wait_for", hint="also set wait_for (e.g. 'ready')"
                )
            return None
        condition = validation.one_of_names(wait_for, CONDITIONS, "wait_for")
        if timeout is None:
            return cls(condition)
        return cls(condition, timeout_s=validation.wait_timeout(timeout))


def describe(data: DataSource) -> str:
    """A one-line progress report of a data source's state."""
    status = getattr(data.status, "value", data.status)
    return f"status {status}, agent {'online' if data.agent_is_online else 'offline'}"


def _context(client: MmsClient, source_id: int, response: GetMmsDataSourceResponse) -> dict[str, Any]:
    status = response.data.status
    return {
        "source_id": source_id,
        "region": client.settings.region,
        "endpoint": client.endpoint,
        "request_id": response.request_id,
        "status": None if status is None else str(getattr(status, "value", status)),
    }


def raise_if_failed(client: MmsClient, source_id: int, response: GetMmsDataSourceResponse) -> None:
    """Raise NotReady, with the service's errMsg, when the data source is in a terminal failure state."""
    data = response.data
    if data.status in TERMINAL:
        raise NotReady(
            f"data source {source_id} failed ({describe(data)}): {data.err_msg or 'no error message'}",
            hint="fix the data source (see its errMsg) and start it again",
            **_context(client, source_id, response),
        )


def wait_until(
    client: MmsClient,
    source_id: int,
    wait: Wait,
    *,
    with_config: bool | None = None,
    lang: str | None = None,
    on_progress: Callable[[str], None] = lambda _message: None,
) -> GetMmsDataSourceResponse:
    """Poll until `wait.condition` holds; raise NotReady on a terminal failure or at the timeout."""
    check = CONDITIONS[wait.condition]
    deadline = client.clock() + wait.timeout_s
    poll = wait.first_poll_s
    while True:
        response = client.get_data_source(source_id, with_config=with_config, lang=lang)
        data = response.data
        if check(data):
            return response
        raise_if_failed(client, source_id, response)
        remaining = deadline - client.clock()
        if remaining <= 0:
            raise NotReady(
                f"data source {source_id} was not {wait.condition} "
                f"within {wait.timeout_s:g}s ({describe(data)})",
                hint="raise wait_timeout, or check the data source's agent",
                **_context(client, source_id, response),
            )
        on_progress(f"waiting for data source {source_id} to be {wait.condition}: {describe(data)}")
        client.sleep(min(poll, remaining))
        poll = min(poll * 1.5, wait.max_poll_s)
