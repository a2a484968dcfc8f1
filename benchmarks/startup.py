"""S1: what installing pulumi-mms costs every pytest session on the machine (and every xdist worker).

The package registers a pytest plugin (entry point `pytest11: pulumi_mms`), so pytest imports it at
start-up in every project, whether or not a test uses its fixtures. Measured as a user meets it: pytest
in a fresh process, in an empty folder with one trivial test, with the plugin (loaded through its entry
point) and without it (`-p no:pulumi_mms`), interleaved; the plugin's cost is the difference of the
medians, of wall time and of the sessions' CPU time (user + system, from the children's rusage: much
less moved by other processes than wall time, which on a shared 2-CPU machine swings by tens of ms per
session, and still by ~100 ms). The verdict takes the plugin's own import time (`python -X importtime`,
the pulumi_mms modules only), which has no process noise, and the CPU difference allowing for its
standard error (two of them): a difference the sessions' spread cannot resolve is reported, not judged.
"""

from __future__ import annotations

import math
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .core import Options, Result, interleaved, median, ms, verdict

TARGET_S = 0.050
TRIVIAL_TEST = "def test_nothing():\n    assert True\n"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _session(folder: Path, cpu: list[float], *args: str) -> None:
    before = _children_cpu_s()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_trivial.py"],
        cwd=folder,
        capture_output=True,
        check=True,
        timeout=120,
    )
    cpu.append(_children_cpu_s() - before)


def plugin_import_s() -> float:
    """Seconds spent importing the plugin's own modules (pytest already imported)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest; import pulumi_mms.testing.fixtures"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    total_us = 0
    for line in done.stderr.splitlines():
        fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2].startswith("pulumi_mms") and fields[0].isdigit():
            total_us += int(fields[0])  # self time: the modules the plugin brings, nothing else
    return total_us / 1e6


def run(options: Options) -> list[Result]:
    rounds = options.pick(21, 1)  # quick mode proves both sessions run; times are not judged
    with tempfile.TemporaryDirectory(prefix="bench-pytest-") as scratch:
        folder = Path(scratch)
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (folder / "test_trivial.py").write_text(TRIVIAL_TEST, encoding="utf-8")
        cpu: dict[str, list[float]] = {"with": [], "without": []}
        if not options.quick:
            _session(folder, [])  # warm the file cache once
        times = interleaved(
            {
                "with": lambda: _session(folder, cpu["with"]),
                "without": lambda: _session(folder, cpu["without"], "-p", "no:pulumi_mms"),
            },
            rounds=rounds,
            budget_s=240,
        )
    with_s, without_s = median(times["with"]), median(times["without"])
    cost_s = with_s - without_s
    cpu_cost_s = median(cpu["with"]) - median(cpu["without"])
    spread = [statistics.stdev(v) / math.sqrt(len(v)) if len(v) > 1 else 0.0 for v in cpu.values()]
    error_s = math.hypot(*spread)
    own_s = plugin_import_s()
    return [
        Result(
            "S1",
            "pytest start-up with the installed plugin (a project that does not use it)",
            ms(with_s),
            f"without the plugin {ms(without_s)}",
            with_s / without_s if without_s else None,
            f"plugin < {TARGET_S * 1000:.0f} ms",
            verdict(own_s < TARGET_S and cpu_cost_s - 2 * error_s < TARGET_S, options),
            ratio_label="of without",
            figures={
                "with_s": with_s,
                "without_s": without_s,
                "plugin_cost_s": cost_s,
                "plugin_cpu_cost_s": cpu_cost_s,
                "plugin_cpu_cost_error_s": error_s,
                "plugin_import_s": own_s,
                "rounds": len(times["with"]),
            },
            notes=[
                f"the plugin adds {cpu_cost_s * 1000:.1f} ms (standard error {error_s * 1000:.0f} ms) of CPU "
                f"and {cost_s * 1000:.1f} ms of wall time "
                f"(differences of medians, {len(times['with'])} interleaved sessions each); its own modules "
                f"import in {own_s * 1000:.1f} ms"
            ],
        )
    ]
