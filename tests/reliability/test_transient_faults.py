"""Transient faults: 1,000 lookups while 20% of requests fail transiently; every lookup succeeds.

The emulator injects, at a seeded rate of 20% of all requests (retries included): throttling with an
`x-acs-retry-after`, 503, a connection reset, and an answer slower than the client's read timeout. Each
faulted request must cost exactly one retry: at the emulator, requests == lookups + faults injected.

The read timeout (2 s) is one an unfaulted loopback request cannot reach, even on a loaded machine (a
150 ms one was reached under load and the extra retry broke the count); the slow answers come 2x later.
Deadline and attempts leave room for several faults in a row, so no lookup can run out of them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from pulumi_mms import MmsClient, RetryPolicy
from pulumi_mms.core.model import GetMmsDataSourceResponse
from pulumi_mms.testing import (
    ConnectionReset,
    HttpError,
    Latency,
    MmsEmulator,
    Throttle,
    generate_data_sources,
)

from . import settings_for, settle

LOOKUPS = 1000
FAULT_RATE = 0.2
WORKERS = 32  # the slow answers hold a worker for the read timeout: more workers, shorter test
READ_TIMEOUT_MS = 2000
RETRY_AFTER_MS = 20  # above max_delay_s: a retry after a throttle is recognisable by its delay
FAULTS = [
    Throttle(retry_after_ms=RETRY_AFTER_MS),
    HttpError(503),
    ConnectionReset(),
    Latency(READ_TIMEOUT_MS * 2),
]
POLICY = RetryPolicy(max_attempts=10, base_delay_s=0.001, max_delay_s=0.01, deadline_s=60.0)


def test_every_lookup_succeeds_within_its_deadline_with_exactly_one_retry_per_fault() -> None:
    records = generate_data_sources(50, seed=11)
    ids = [record["id"] for record in records]
    names = {record["id"]: record["name"] for record in records}
    sleeps: list[float] = []
    sleeps_lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with sleeps_lock:
            sleeps.append(seconds)
        time.sleep(seconds)

    with MmsEmulator(records) as emu:
        client = MmsClient(
            settings_for(emu, read_timeout_ms=READ_TIMEOUT_MS, retry=POLICY, max_concurrency=WORKERS),
            sleep=sleep,
        )
        emu.faults.set_rate(FAULT_RATE, FAULTS, seed=2024)

        def lookup(n: int) -> tuple[int, GetMmsDataSourceResponse, float]:
            source_id = ids[n % len(ids)]
            started = time.monotonic()
            response = client.get_data_source(source_id)
            return source_id, response, time.monotonic() - started

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lookup, range(LOOKUPS), timeout=120))
        settle(emu)
        stats = emu.stats
        faults = Counter(record.fault for record in emu.request_log if record.fault is not None)

    # every lookup succeeded, with its own data source, within its deadline
    assert len(results) == LOOKUPS
    for source_id, response, elapsed in results:
        assert response.data.id == source_id
        assert response.data.name == names[source_id]
        assert elapsed < POLICY.deadline_s
    # the faults really happened, about 20% of requests, every kind many times
    assert stats.faults_injected == sum(faults.values())
    assert 0.15 < stats.faults_injected / stats.requests < 0.25
    assert set(faults) == {"Throttle", "HttpError", "ConnectionReset", "Latency"}
    assert min(faults.values()) >= 25
    # the retries, and no more: one extra request and one backoff per injected fault
    assert stats.requests == LOOKUPS + stats.faults_injected
    assert len(sleeps) == stats.faults_injected
    # x-acs-retry-after honoured: exactly the throttled attempts waited at least its value
    assert sum(1 for delay in sleeps if delay >= RETRY_AFTER_MS / 1000) == faults["Throttle"]
    # every lookup got its 200; the slow answers were 200s too, sent after the client had given up
    assert stats.responses_by_status[200] == LOOKUPS + faults["Latency"]
    assert stats.responses_by_status[429] == faults["Throttle"]
    assert stats.responses_by_status[503] == faults["HttpError"]
