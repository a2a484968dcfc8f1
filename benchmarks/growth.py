"""B11: how the per-lookup cost grows with the program (issue 13, "a per-lookup cost that does not grow").

One program makes N distinct `get_mms_data_source_output` lookups at `mms:maxConcurrency` 16, for N = 50,
500, 2,000 and 5,000: its wall time against the physical bound (ceil(N/16) round trips plus one connection
set-up), then the same program again under tracemalloc for the peak traced memory per lookup (a second run:
tracing slows the first). Then 500 lookups at maxConcurrency 64 against the official SDK doing the same 500
calls in a 64-thread pool, interleaved in this process (with 2 cores, CPU rather than the network is the
limit there), and against that pool driven from the thinnest Pulumi program (one Output per call): what any
lookup inside a program pays on top of the bare pool. Every figure is a whole program run, as a user's
program gets it; the notes add the CPU time per lookup of the program thread and of the whole process, which
other load on the machine hardly moves (the ratios against the bound it inflates).
"""

from __future__ import annotations

import asyncio
import math
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pulumi

from .core import Options, Result, interleaved, median, ms, verdict
from .program import run_program
from .remote import RemoteEmulator
from .scale import lookups_program, warm_up
from .sdk import sdk_client, sdk_get

BOUND_TARGET = 1.25
"""Issue 13 §2: at most 1.25x the bound at N=2,000 and N=5,000 (smaller N are shown, not judged)."""
JUDGED_N = (2000, 5000)
MEMORY_TARGET_KIB = 8.0
SDK_TARGET = 1.15
WIDE = 64


def _sdk_lookups_program(client: Any, pool: ThreadPoolExecutor, ids: list[int]) -> Any:
    """The thinnest Pulumi-shaped lookup there is: the SDK's call in `pool`, one Output per lookup, `.name`
    and `Output.all` as in `lookups_program`. What any lookup in a program pays on top of the bare pool."""

    def program() -> pulumi.Output[list[Any]]:
        def name(response: Any) -> Any:
            return response.body.data.name

        def one(source_id: int) -> pulumi.Output[Any]:
            answer: asyncio.Future[Any] = asyncio.wrap_future(pool.submit(sdk_get, client, source_id))
            return pulumi.Output.from_input(answer).apply(name)

        return pulumi.Output.all(*[one(source_id) for source_id in ids])

    return program


def _run(emulator: RemoteEmulator, ids: list[int], max_concurrency: int) -> float:
    return _timed(emulator, ids, max_concurrency)[0]


def _timed(emulator: RemoteEmulator, ids: list[int], max_concurrency: int) -> tuple[float, float, float]:
    """Wall time of one program run, and the CPU time of its program thread and of the whole process
    (request threads included): CPU figures hardly move with other load on the machine."""
    config = emulator.stack_config(maxConcurrency=str(max_concurrency))
    start, thread_cpu, process_cpu = time.perf_counter(), time.thread_time(), time.process_time()
    value, _ = run_program(lookups_program(ids), config=config)  # the program thread is this one
    elapsed = time.perf_counter() - start
    thread_cpu, process_cpu = time.thread_time() - thread_cpu, time.process_time() - process_cpu
    names = list(value or [])
    if len(names) != len(ids) or not all(names):
        raise RuntimeError(f"B11: expected {len(ids)} names, got {len(names)}")
    return elapsed, thread_cpu, process_cpu


def _peak_per_lookup(emulator: RemoteEmulator, ids: list[int], max_concurrency: int) -> float:
    """Peak traced bytes above the start, per lookup, over one whole program run."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        _run(emulator, ids, max_concurrency)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - before) / len(ids)


def _growth(options: Options, n: int) -> Result:
    with RemoteEmulator(
        n, latency_ms=options.latency_ms, connection_delay_ms=options.connection_ms
    ) as emulator:
        elapsed, thread_cpu, process_cpu = _timed(emulator, emulator.ids, 16)
        stats = emulator.stats()
        emulator.reset()
        per_lookup = _peak_per_lookup(emulator, emulator.ids, 16)
    bound_s = math.ceil(n / 16) * options.latency_ms / 1000 + options.connection_ms / 1000
    ratio = elapsed / bound_s if bound_s else None
    kib = per_lookup / 1024
    judged = n in JUDGED_N
    ok = ratio is not None and ratio <= BOUND_TARGET and kib <= MEMORY_TARGET_KIB
    target = f"<= {BOUND_TARGET}x bound, <= {MEMORY_TARGET_KIB:g} KiB/lookup"
    return Result(
        "B11",
        f"{n} distinct lookups in one program, maxConcurrency 16",
        f"{ms(elapsed)}, {kib:.1f} KiB/lookup peak",
        f"bound {ms(bound_s)}",
        ratio,
        target if judged else f"(shown; judged at N={', '.join(map(str, JUDGED_N))})",
        verdict(ok, options) if judged else "info",
        ratio_label="of bound",
        figures={
            "n": n,
            "max_concurrency": 16,
            "ours_s": elapsed,
            "bound_s": bound_s,
            "peak_bytes_per_lookup": per_lookup,
            "program_thread_cpu_ms_per_lookup": thread_cpu / n * 1000,
            "process_cpu_ms_per_lookup": process_cpu / n * 1000,
            "requests": stats["requests"],
            "connections": stats["connections"],
        },
        notes=[
            f"N={n}: CPU per lookup {thread_cpu / n * 1000:.2f} ms on the program thread, "
            f"{process_cpu / n * 1000:.2f} ms in the whole process (request threads included)"
        ],
    )


def _wide(options: Options) -> Result:
    n = options.pick(500, 20)
    with RemoteEmulator(
        n, latency_ms=options.latency_ms, connection_delay_ms=options.connection_ms
    ) as emulator:
        client = sdk_client(emulator)
        pool = ThreadPoolExecutor(max_workers=WIDE)

        def sdk_pool() -> None:
            list(pool.map(lambda source_id: sdk_get(client, source_id), emulator.ids))

        def ours() -> None:
            _run(emulator, emulator.ids, WIDE)

        def sdk_program() -> None:
            names, _ = run_program(_sdk_lookups_program(client, pool, emulator.ids), config={})
            if len(names or []) != n:
                raise RuntimeError(f"B11: the SDK program gave {len(names or [])} names, not {n}")

        # Both warmed first (connections open, as in a program that has run before); the connections ours
        # opened show that the program ran at maxConcurrency WIDE (not how many were open at once: the
        # SDK's idle keep-alive connections stay open meanwhile).
        sdk_pool()
        emulator.reset()
        ours()
        ours_connections = emulator.stats()["connections"]
        try:
            times = interleaved(
                {"ours": ours, "sdk": sdk_pool, "sdk_program": sdk_program},
                rounds=options.pick(3, 1),
                budget_s=90,
            )
        finally:
            pool.shutdown()
    ours_s, sdk_s = median(times["ours"]), median(times["sdk"])
    sdk_program_s = median(times["sdk_program"])
    bound_s = math.ceil(n / WIDE) * options.latency_ms / 1000 + options.connection_ms / 1000
    ratio = ours_s / sdk_s
    figures: dict[str, Any] = {
        "n": n,
        "max_concurrency": WIDE,
        "ours_s": ours_s,
        "sdk_s": sdk_s,
        "sdk_program_s": sdk_program_s,
        "bound_s": bound_s,
        "rounds": len(times["ours"]),
        "ours_connections_opened": ours_connections,
    }
    return Result(
        "B11",
        f"{n} distinct lookups, maxConcurrency {WIDE}, vs the official SDK in a {WIDE}-thread pool",
        ms(ours_s),
        f"SDK pool {ms(sdk_s)}; the same pool in a Pulumi program {ms(sdk_program_s)} "
        f"({sdk_program_s / sdk_s:.2f}x; ours {ours_s / sdk_program_s:.2f}x of it); bound {ms(bound_s)}",
        ratio,
        f"<= {SDK_TARGET}x SDK",
        verdict(ratio <= SDK_TARGET, options),
        ratio_label="of SDK",
        figures=figures,
        notes=[
            f"maxConcurrency {WIDE}: {ours_s / bound_s:.2f}x the bound" if bound_s else "no latency",
            f"maxConcurrency {WIDE}: the program's warm-up run opened {ours_connections} connections",
        ],
    )


def run(options: Options) -> list[Result]:
    warm_up()
    sizes = (5, 20) if options.quick else (50, 500, 2000, 5000)
    return [*(_growth(options, n) for n in sizes), _wide(options)]
