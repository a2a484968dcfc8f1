"""M1: listing a migration's tables through the declared read API: concurrent pages vs the bound.

5,000 tables in 100 pages of 50 at 30 ms per request with maxConcurrency 16: page 1 gives the total, the
other 99 pages go out 16 at a time, so the bound is ceil(99/16) + 1 = 8 round trips (240 ms). The
emulator runs in its own process (`benchmarks.emulator_process`, the tables seeded there), as a region
would: its JSON rendering does not compete with the client for this process's GIL. The pool is warmed
first, so connection set-up is not counted. Sequential paging (maxConcurrency 1) is shown beside it.

Beside the wall time, two figures that a busy machine hardly moves: the request waves the emulator saw
(requests grouped by start time: a new wave starts more than half a latency after the current one's
first request; the bound is 8) and the client's CPU time per page (process time: the emulator's is not
counted).
"""

from __future__ import annotations

import math
import time

from pulumi_mms.core.apis import catalog, list_all
from pulumi_mms.core.client import MmsClient

from .core import Options, Result, interleaved, median, ms, verdict
from .remote import RemoteEmulator

MAX_CONCURRENCY = 16
PAGE_SIZE = 50
BOUND_TARGET = 2.0


def waves(starts_ms: list[float], latency_ms: int) -> int:
    """The request waves in a run: a request starting more than half a latency after the current wave's
    first request starts a new wave."""
    count, first = 0, None
    for start in sorted(starts_ms):
        if first is None or start - first > latency_ms / 2:
            count, first = count + 1, start
    return count


def max_in_flight(spans: list[tuple[float, float]]) -> int:
    """The most requests the emulator was handling at once."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


def run(options: Options) -> list[Result]:
    n = options.pick(5000, 500)
    pages = math.ceil(n / PAGE_SIZE)
    with RemoteEmulator(1, latency_ms=options.latency_ms, tables=n) as emu:
        source = emu.ids[0]
        concurrent = MmsClient(emu.settings(max_concurrency=MAX_CONCURRENCY))
        sequential = MmsClient(emu.settings(max_concurrency=1))

        def ours() -> object:
            found = list_all(concurrent, catalog.LIST_MMS_TABLES, source_id=source, page_size=PAGE_SIZE)
            if len(found) != n:
                raise RuntimeError(f"M1: expected {n} tables, got {len(found)}")
            return found

        def one_by_one() -> object:
            return list_all(sequential, catalog.LIST_MMS_TABLES, source_id=source, page_size=PAGE_SIZE)

        ours()  # warm the pools
        one_by_one()
        times = interleaved({"ours": ours, "sequential": one_by_one}, rounds=options.pick(5, 2), budget_s=60)
        # One more run of ours alone, observed by the emulator and by this process's CPU clock.
        emu.reset()
        cpu = time.process_time()
        ours()
        cpu_per_page = (time.process_time() - cpu) / pages
        log = [(start, end) for start, end, path in emu.log() if "/tables" in path]
    ours_s, sequential_s = median(times["ours"]), median(times["sequential"])
    round_trips = math.ceil((pages - 1) / MAX_CONCURRENCY) + 1
    bound_s = round_trips * options.latency_ms / 1000
    ratio = ours_s / bound_s if bound_s else None
    seen_waves = waves([start for start, _ in log], options.latency_ms) if options.latency_ms else None
    return [
        Result(
            "M1",
            f"ListMmsTables: {n} tables in {pages} pages, maxConcurrency {MAX_CONCURRENCY}",
            ms(ours_s),
            f"bound {ms(bound_s)} ({round_trips} round trips); sequential {ms(sequential_s)}; "
            f"emulator saw {seen_waves} waves, at most {max_in_flight(log)} requests at once; "
            f"client CPU {cpu_per_page * 1000:.2g} ms per page",
            ratio,
            f"<= {BOUND_TARGET:g}x bound",
            verdict(ratio is not None and ratio <= BOUND_TARGET, options),
            ratio_label="of bound",
            figures={
                "n": n,
                "pages": pages,
                "round_trips": round_trips,
                "ours_s": ours_s,
                "bound_s": bound_s,
                "sequential_s": sequential_s,
                "requests_seen": len(log),
                "waves": seen_waves,
                "max_in_flight": max_in_flight(log),
                "cpu_per_page_s": cpu_per_page,
            },
            notes=["emulator in its own process (tables seeded there); pools warmed first"],
        )
    ]
