"""M1: listing a migration's tables through the declared read API: concurrent pages vs the bound.

5,000 tables in 100 pages of 50 at 30 ms per request with maxConcurrency 16: page 1 gives the total, the
other 99 pages go out 16 at a time, so the bound is ceil(99/16) + 1 = 8 round trips (240 ms). The
emulator runs in this process (its answers cost some of the same CPU); the pool is warmed first, so
connection set-up is not counted. Sequential paging (maxConcurrency 1) is shown beside it.
"""

from __future__ import annotations

import math

import attrs

from pulumi_mms.core.apis import catalog, list_all
from pulumi_mms.core.client import MmsClient
from pulumi_mms.core.settings import Settings, StaticCredentials
from pulumi_mms.testing import MmsEmulator

from .core import Options, Result, interleaved, median, ms, verdict

MAX_CONCURRENCY = 16
PAGE_SIZE = 50
BOUND_TARGET = 2.0
SOURCE = 2000015


def _client(emu: MmsEmulator, concurrency: int) -> MmsClient:
    settings = Settings(
        region=emu.region,
        endpoint=emu.endpoint,
        protocol="http",
        credentials=StaticCredentials(emu.access_key_id, emu.access_key_secret),
        max_concurrency=concurrency,
    )
    return MmsClient(attrs.evolve(settings))


def run(options: Options) -> list[Result]:
    n = options.pick(5000, 500)
    pages = math.ceil(n / PAGE_SIZE)
    with MmsEmulator(latency_ms=options.latency_ms) as emu:
        emu.migration.clear(SOURCE)
        emu.migration.put(SOURCE, "dbs", [{"id": 1, "name": "big", "dstProjectName": "mms_big"}])
        emu.migration.put(
            SOURCE, "tables", [{"dbId": 1, "name": f"t{i:05}", "status": "DONE"} for i in range(n)]
        )
        concurrent, sequential = _client(emu, MAX_CONCURRENCY), _client(emu, 1)

        def ours() -> object:
            found = list_all(concurrent, catalog.LIST_MMS_TABLES, source_id=SOURCE, page_size=PAGE_SIZE)
            if len(found) != n:
                raise RuntimeError(f"M1: expected {n} tables, got {len(found)}")
            return found

        def one_by_one() -> object:
            return list_all(sequential, catalog.LIST_MMS_TABLES, source_id=SOURCE, page_size=PAGE_SIZE)

        ours()  # warm the pools
        one_by_one()
        times = interleaved({"ours": ours, "sequential": one_by_one}, rounds=options.pick(5, 2), budget_s=60)
    ours_s, sequential_s = median(times["ours"]), median(times["sequential"])
    round_trips = math.ceil((pages - 1) / MAX_CONCURRENCY) + 1
    bound_s = round_trips * options.latency_ms / 1000
    ratio = ours_s / bound_s if bound_s else None
    return [
        Result(
            "M1",
            f"ListMmsTables: {n} tables in {pages} pages, maxConcurrency {MAX_CONCURRENCY}",
            ms(ours_s),
            f"bound {ms(bound_s)} ({round_trips} round trips); sequential {ms(sequential_s)}",
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
            },
            notes=["emulator in the benchmark's process; pools warmed first"],
        )
    ]
