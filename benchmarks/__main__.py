"""`python -m benchmarks [--quick] [--only B1,B3] [--json FILE]`: run the scenarios and print the table.

Exit status: 0 when every scenario ran (a missed target is reported in the table, not as a failure),
1 when a scenario raised, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import cold, growth, listing, migration, parse, preview, scale, startup, state, warm
from .core import Options, Result, render_table, without_proxy

SCENARIOS: dict[str, Callable[[Options], list[Result]]] = {
    "B1": warm.run,
    "B2": scale.run_b2,
    "B3": scale.run_b3,
    "B4": cold.run,
    "B5": parse.run,
    "B6": state.run,
    "B7": preview.run,
    "B10": listing.run,
    "B11": growth.run,
    "M1": migration.run,
    "S1": startup.run,
}


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "cpu": cpu,
        "platform": platform.platform(),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N, no added latency (CI: they still run)")
    parser.add_argument("--only", default="", help="comma-separated scenario ids, e.g. B1,B3")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    wanted = [item.strip().upper() for item in args.only.split(",") if item.strip()] or list(SCENARIOS)
    unknown = [item for item in wanted if item not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    without_proxy()
    options = Options(quick=args.quick)
    host = machine()
    print(
        f"machine: {host['nproc']} CPUs, {host['cpu']}, Python {host['python']}"
        f"{' (quick mode: times not judged)' if options.quick else ''}",
        file=sys.stderr,
    )
    results: list[Result] = []
    errors = 0
    started = time.perf_counter()
    for scenario in wanted:
        print(f"running {scenario} ...", file=sys.stderr, flush=True)
        begin = time.perf_counter()
        try:
            results.extend(SCENARIOS[scenario](options))
        except Exception as error:
            errors += 1
            traceback.print_exc()
            failed = Result(scenario, "failed to run", "-", "-", None, "-", "ERROR", notes=[repr(error)])
            results.append(failed)
        print(f"  {scenario} took {time.perf_counter() - begin:.1f} s", file=sys.stderr, flush=True)
    print(render_table(results))
    notes = [f"{r.id}: {note}" for r in results for note in r.notes]
    if notes:
        print("\n" + "\n".join(f"- {note}" for note in notes))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        document = {
            "machine": host,
            "quick": options.quick,
            "results": [r.as_dict() for r in results],
        }
        Path(args.json).write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
