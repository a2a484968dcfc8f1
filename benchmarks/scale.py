"""B2 and B3: many lookups in one Pulumi program (mock runtime), through `get_mms_data_source_output`.

B2 times N distinct lookups with `mms:maxConcurrency` 16 against the physical bound (ceil(N/16) round trips
plus one connection set-up) and against the official SDK looping over the same ids. B3 runs 1,000 lookups
of 20 distinct ids and reads the emulator's counters: equal lookups share one request per program run,
and the pool never opens more connections than maxConcurrency.
"""

from __future__ import annotations

import math
import time
from typing import Any

import pulumi

from .core import Budget, Options, Result, ms, verdict
from .program import run_program
from .remote import RemoteEmulator
from .sdk import sdk_client, sdk_get

MAX_CONCURRENCY = 16
BOUND_TARGET = 1.25
SDK_TARGET = 10.0


def warm_up() -> None:
    """Import the Pulumi surface and run one empty program: B2 times lookups, not first imports."""
    import pulumi_mms

    for name in ("get_mms_data_source_output", "GetMmsDataSourceResult", "MmsDataSource"):
        getattr(pulumi_mms, name)  # the package loads its Pulumi surface lazily

    run_program(lambda: pulumi.Output.from_input(1), config={})


def lookups_program(ids: list[int]) -> Any:
    from pulumi_mms import get_mms_data_source_output

    def program() -> pulumi.Output[list[Any]]:
        return pulumi.Output.all(*[get_mms_data_source_output(source_id=i).name for i in ids])

    return program


def _timed_program(emulator: RemoteEmulator, ids: list[int]) -> tuple[float, list[Any]]:
    config = emulator.stack_config(maxConcurrency=str(MAX_CONCURRENCY))
    start = time.perf_counter()
    value, _ = run_program(lookups_program(ids), config=config)
    return time.perf_counter() - start, list(value or [])


def run_b2(options: Options) -> list[Result]:
    n = options.pick(500, 40)
    warm_up()
    with RemoteEmulator(
        n, latency_ms=options.latency_ms, connection_delay_ms=options.connection_ms
    ) as emulator:
        ours_s, names = _timed_program(emulator, emulator.ids)
        ours_stats = emulator.stats()
        if len(names) != n or not all(names):
            raise RuntimeError(f"B2: expected {n} names, got {len(names)}")
        emulator.reset()
        client = sdk_client(emulator)
        budget = Budget(options.pick(120, 20))
        start = time.perf_counter()
        done = 0
        for source_id in emulator.ids:
            if not budget.left():
                break
            sdk_get(client, source_id)
            done += 1
        sdk_s = (time.perf_counter() - start) * n / max(done, 1)  # extrapolated only if cut short
    bound_s = math.ceil(n / MAX_CONCURRENCY) * options.latency_ms / 1000 + options.connection_ms / 1000
    vs_bound = ours_s / bound_s if bound_s else None
    speedup = sdk_s / ours_s
    notes = [] if done == n else [f"SDK loop cut at {done} of {n} lookups by its time budget; extrapolated"]
    return [
        Result(
            "B2",
            f"{n} distinct lookups in one program, maxConcurrency {MAX_CONCURRENCY}",
            ms(ours_s),
            f"bound {ms(bound_s)}",
            vs_bound,
            f"<= {BOUND_TARGET}x bound",
            verdict(vs_bound is not None and vs_bound <= BOUND_TARGET, options),
            ratio_label="of bound",
            figures={
                "n": n,
                "ours_s": ours_s,
                "bound_s": bound_s,
                "requests": ours_stats["requests"],
                "connections": ours_stats["connections"],
            },
            notes=notes,
        ),
        Result(
            "B2",
            f"same {n} lookups: official SDK sequential loop",
            ms(ours_s),
            f"SDK loop {ms(sdk_s)}",
            speedup,
            f">= {SDK_TARGET:g}x faster",
            verdict(speedup >= SDK_TARGET, options),
            ratio_label="faster",
            figures={"sdk_s": sdk_s, "sdk_done": done},
            notes=notes,
        ),
    ]


def run_b3(options: Options) -> list[Result]:
    lookups, distinct = 1000, 20
    warm_up()
    with RemoteEmulator(
        distinct, latency_ms=options.latency_ms, connection_delay_ms=options.connection_ms
    ) as emulator:
        ids = [emulator.ids[i % distinct] for i in range(lookups)]
        elapsed, names = _timed_program(emulator, ids)
        stats = emulator.stats()
    requests, connections = stats["requests"], stats["connections"]
    ok = requests == distinct and connections <= MAX_CONCURRENCY and len(names) == lookups
    return [
        Result(
            "B3",
            f"{lookups} lookups of {distinct} distinct ids in one program",
            f"{requests} requests, {connections} connections",
            f"{lookups} lookups; maxConcurrency {MAX_CONCURRENCY}",
            None,
            f"== {distinct} requests; <= {MAX_CONCURRENCY} connections",
            verdict(ok, options, timed=False),
            figures={
                "lookups": lookups,
                "distinct": distinct,
                "requests": requests,
                "connections": connections,
                "max_open_connections": stats["max_open_connections"],
                "elapsed_s": elapsed,
                "results": len(names),
            },
            notes=[f"took {ms(elapsed)}"],
        )
    ]
