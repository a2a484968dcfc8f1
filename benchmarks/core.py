"""Shared helpers: run options, results, bounded interleaved timing and the results table."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

REMOTE_LATENCY_MS = 30
"""Added by the emulator to every request: a region tens of milliseconds away."""
REMOTE_CONNECTION_MS = 60
"""Added by the emulator once per new connection: the TLS handshake of a real endpoint."""

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass(frozen=True)
class Options:
    """How big and how slow a run is. `quick`: small N and no added latency (CI proves they still run)."""

    quick: bool = False

    @property
    def latency_ms(self) -> int:
        return 0 if self.quick else REMOTE_LATENCY_MS

    @property
    def connection_ms(self) -> int:
        return 0 if self.quick else REMOTE_CONNECTION_MS

    def pick(self, full: int, quick: int) -> int:
        return quick if self.quick else full


@dataclass
class Result:
    """One row of the table. `ratio` is ours / baseline (lower is better) unless `ratio_label` says else."""

    id: str
    scenario: str
    ours: str
    baselines: str
    ratio: float | None
    target: str
    verdict: str  # "met", "MISSED", "info" (no target) or "ran" (quick mode: times not judged)
    ratio_label: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict(ok: bool, options: Options, *, timed: bool = True) -> str:
    """met / MISSED; in quick mode a timed target is not judged (no latency, tiny N): "ran"."""
    if options.quick and timed:
        return "ran"
    return "met" if ok else "MISSED"


def without_proxy() -> None:
    """tea sends through HTTP(S)_PROXY even to loopback: nothing here may go through a proxy."""
    for name in list(os.environ):
        if name.upper() in _PROXY_VARIABLES:
            del os.environ[name]


class Budget:
    """A wall-clock limit for a loop: `while budget.left() and i < n`."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> bool:
        return time.monotonic() < self.deadline


def interleaved(
    contenders: dict[str, Callable[[], object]], *, rounds: int, budget_s: float
) -> dict[str, list[float]]:
    """Time each contender once per round, in turn (rotating who goes first); seconds per call.

    Interleaving spreads drift of the machine (other processes, CPU frequency) over all contenders.
    Stops after `rounds` or `budget_s`, whichever comes first.
    """
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    budget = Budget(budget_s)
    for index in range(rounds):
        if not budget.left():
            break
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            call = contenders[name]
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def render_table(results: Sequence[Result]) -> str:
    """A fixed-width text table (also valid Markdown)."""
    header = ("id", "scenario", "ours", "baseline(s)", "ratio", "target", "verdict")
    rows = [
        (
            r.id,
            r.scenario,
            r.ours,
            r.baselines,
            "-" if r.ratio is None else f"{r.ratio:.2f}x{(' ' + r.ratio_label) if r.ratio_label else ''}",
            r.target,
            r.verdict,
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows]
    return "\n".join(out)
