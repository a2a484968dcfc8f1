"""Clients pointed at an emulator, and a fake clock so that waits and retries take no real time."""

from __future__ import annotations

from typing import Any

import attrs

from pulumi_mms import MmsClient, RetryPolicy, Settings, StaticCredentials
from pulumi_mms.testing import MmsEmulator


def settings_for(emu: MmsEmulator, **overrides: Any) -> Settings:
    """Settings that reach `emu` with its generated key; `overrides` replace any Settings field."""
    base = Settings(
        region="cn-shanghai",
        endpoint=emu.endpoint,
        protocol="http",
        credentials=StaticCredentials(emu.access_key_id, emu.access_key_secret),
        retry=RetryPolicy(max_attempts=3, base_delay_s=0.001, max_delay_s=0.01, deadline_s=30),
    )
    return attrs.evolve(base, **overrides)


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
