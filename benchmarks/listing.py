"""B10: listing 2,000 data sources, and a `with_config` listing of 200 matches, against the region's bound.

The remote-region emulator holds 2,000 data sources (20 pages of 100).
- The listing is `MmsClient.iter_data_sources()` (what `get_mms_data_sources`, lookups by name and
  `pulumi-mms list` run), maxConcurrency 16, on a warm pool: the bound is one round trip for the first
  page plus ceil(19 / 16) = 2 for the rest. The same listing fetched page after page (the paging engine
  with concurrency 1, what the package did before) is the other baseline.
- The `with_config` listing is a Pulumi program (mock runtime) calling `get_mms_data_sources(name_regex=
  "0$", with_config=True)`: the listing, then 200 GetMmsDataSource reads through the program's pool. Bound:
  3 round trips for the listing plus ceil(200 / 16) = 13 for the reads.
"""

from __future__ import annotations

import math
import time
from typing import Any

from pulumi_mms import MmsClient
from pulumi_mms.core import paging

from .core import Options, Result, interleaved, median, ms, verdict
from .program import run_program
from .remote import RemoteEmulator

SOURCES = 2000
MAX_CONCURRENCY = 16
TARGET = 2.0
"""The issue's target: within 2x of the concurrent-paging bound."""


def _sequential(client: MmsClient) -> list[Any]:
    def fetch(page_num: int, size: int) -> paging.Page[Any]:
        data = client.list_data_sources(page_num=page_num, page_size=size).data
        return paging.Page(data.object_list or [], data.total, data.page_size)

    return paging.read_all(fetch, lambda item: item.id, subject="data source list", concurrency=1)


def _config_program() -> Any:
    from pulumi_mms import get_mms_data_sources

    return [(found.id, len(found.config or [])) for found in
            get_mms_data_sources(name_regex="0$", with_config=True).data_sources]  # fmt: skip


def run(options: Options) -> list[Result]:
    sources = options.pick(SOURCES, 250)
    latency_s = options.latency_ms / 1000
    with RemoteEmulator(
        sources, latency_ms=options.latency_ms, connection_delay_ms=options.connection_ms
    ) as emulator:
        client = MmsClient(emulator.settings(max_concurrency=MAX_CONCURRENCY))
        total = len(list(client.iter_data_sources()))  # warms the pool: 16 connections
        pages = math.ceil(total / paging.MAX_PAGE_SIZE)
        contenders = {
            "ours": lambda: list(client.iter_data_sources()),
            "sequential": lambda: _sequential(client),
        }
        emulator.reset()
        times = interleaved(contenders, rounds=options.pick(15, 2), budget_s=options.pick(60, 10))
        requests = emulator.stats()["requests"] / max(1, 2 * len(times["ours"]))
        config = emulator.stack_config(maxConcurrency=str(MAX_CONCURRENCY))
        run_program(_config_program, config=config)  # imports and connections of the program path
        config_times = []
        matches = 0
        for _ in range(options.pick(5, 1)):
            start = time.perf_counter()
            value, _ = run_program(_config_program, config=config)
            config_times.append(time.perf_counter() - start)
            matches = len(value or [])
            if not all(count for _, count in value or []):
                raise RuntimeError("B10: a match came back without its config items")
    med = {name: median(values) for name, values in times.items()}
    rounds = 1 + math.ceil((pages - 1) / MAX_CONCURRENCY)
    bound_s = rounds * latency_s
    config_rounds = rounds + math.ceil(matches / MAX_CONCURRENCY)
    config_bound_s = config_rounds * latency_s
    config_s = median(config_times)
    vs_bound = med["ours"] / bound_s if bound_s else None
    config_vs_bound = config_s / config_bound_s if config_bound_s else None
    return [
        Result(
            "B10",
            f"list {total} data sources ({pages} pages of {paging.MAX_PAGE_SIZE}), maxConcurrency "
            f"{MAX_CONCURRENCY}",
            ms(med["ours"]),
            f"bound {ms(bound_s)} ({rounds} round trips); page after page {ms(med['sequential'])}",
            vs_bound,
            f"<= {TARGET:g}x bound",
            verdict(vs_bound is not None and vs_bound <= TARGET, options),
            ratio_label="of bound",
            figures={"median_s": med, "bound_s": bound_s, "pages": pages, "requests_per_listing": requests},
            notes=[
                f"page after page takes {med['sequential'] / med['ours']:.1f}x as long "
                f"({pages} sequential round trips)"
            ],
        ),
        Result(
            "B10",
            f"get_mms_data_sources(with_config=True): {matches} matches of {total}, in a program",
            ms(config_s),
            f"bound {ms(config_bound_s)} ({rounds} + {config_rounds - rounds} round trips)",
            config_vs_bound,
            f"<= {TARGET:g}x bound",
            verdict(config_vs_bound is not None and config_vs_bound <= TARGET, options),
            ratio_label="of bound",
            figures={"median_s": config_s, "bound_s": config_bound_s, "matches": matches},
        ),
    ]
