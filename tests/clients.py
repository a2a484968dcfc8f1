"""Settings and stack config that reach an emulator, and a fake clock: waits and retries take no time."""

from __future__ import annotations

from typing import Any

import attrs

from pulumi_mms import MmsClient, RetryPolicy, Settings, StaticCredentials
from pulumi_mms.testing import MmsEmulator

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01, deadline_s=10.0)
"""Real but tiny backoff: retries cost milliseconds."""


def settings_for(emu: MmsEmulator, **overrides: Any) -> Settings:
    """Settings that reach `emu` with its generated key; `overrides` replace any Settings field."""
    base = Settings(
        region=emu.region,
        endpoint=emu.endpoint,
        protocol="http",
        credentials=StaticCredentials(emu.access_key_id, emu.access_key_secret),
        connect_timeout_ms=2000,
        read_timeout_ms=2000,
        retry=FAST_RETRY,
    )
    return attrs.evolve(base, **overrides)


def stack_config(emu: MmsEmulator, **extra: str) -> dict[str, str]:
    """Stack config (`mms:*`) pointing a Pulumi program or the dynamic host at `emu`."""
    return {
        "mms:region": emu.region,
        "mms:endpoint": emu.endpoint,
        "mms:protocol": "http",
        "mms:accessKey": emu.access_key_id,
        "mms:secretKey": emu.access_key_secret,
        **extra,
    }


@attrs.define
class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    now: float = 1000.0
    sleeps: list[float] = attrs.field(factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fake_time_client(emu: MmsEmulator, clock: FakeClock, **overrides: Any) -> MmsClient:
    return MmsClient(settings_for(emu, **overrides), sleep=clock.sleep, clock=clock)
