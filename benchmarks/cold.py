"""B4: cold start. A fresh Python process imports the package, does one lookup and prints it.

Contenders, run in turn (interleaved) with the same environment: ours (`MmsClient`, settings from the
environment), the official SDK, and, for information, the `pulumi-mms get` command. Each is run once
untimed first (bytecode caches). Measured once against the remote-region emulator (the issue's default)
and once with no added latency, where start-up is all there is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .core import Budget, Options, Result, median, ms, verdict
from .remote import RemoteEmulator
from .sdk import SDK_COLD_SCRIPT

TARGET = 1.15

OURS_COLD_SCRIPT = """
import os
from pulumi_mms import MmsClient
response = MmsClient().get_data_source(int(os.environ["BENCH_SOURCE_ID"]))
print(response.data.name, response.data.status)
"""


def _commands() -> dict[str, list[str]]:
    commands = {
        "ours": [sys.executable, "-c", OURS_COLD_SCRIPT],
        "sdk": [sys.executable, "-c", SDK_COLD_SCRIPT],
    }
    cli = Path(sys.executable).with_name("pulumi-mms")
    if cli.exists():
        commands["cli"] = [str(cli), "get", "{id}"]
    return commands


def _environment(emulator: RemoteEmulator, home: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().endswith("_PROXY") and not key.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "MMS_"))
    }
    env.update(emulator.env())
    env.update(
        HOME=home,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
        BENCH_SOURCE_ID=str(emulator.ids[0]),
    )
    return env


def _once(command: list[str], env: dict[str, str], source_id: int) -> float:
    argv = [part.replace("{id}", str(source_id)) for part in command]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{argv[0]} {argv[1]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed


def measure(
    latency_ms: int, connection_ms: int, runs: int, budget_s: float, *, warm: bool = True
) -> dict[str, list[float]]:
    """Seconds per fresh process, per contender, interleaved (after one untimed run each if `warm`)."""
    home = tempfile.mkdtemp(prefix="bench-home-")
    try:
        with RemoteEmulator(1, latency_ms=latency_ms, connection_delay_ms=connection_ms) as emulator:
            env = _environment(emulator, home)
            commands = _commands()
            source_id = emulator.ids[0]
            for command in commands.values() if warm else ():
                _once(command, env, source_id)  # bytecode caches, page cache
            times: dict[str, list[float]] = {name: [] for name in commands}
            budget = Budget(budget_s)
            names = list(commands)
            for index in range(runs):
                if not budget.left():
                    break
                for name in names[index % len(names) :] + names[: index % len(names)]:
                    times[name].append(_once(commands[name], env, source_id))
            return times
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(options: Options) -> list[Result]:
    runs = options.pick(15, 1)  # quick mode: each contender runs once, untimed warm-up skipped
    results: list[Result] = []
    settings = [(options.latency_ms, options.connection_ms, "remote region")]
    if not options.quick:
        settings.append((0, 0, "no added latency"))
    for latency_ms, connection_ms, label in settings:
        times = measure(
            latency_ms, connection_ms, runs, budget_s=options.pick(120, 30), warm=not options.quick
        )
        med = {name: median(values) for name, values in times.items()}
        ratio = med["ours"] / med["sdk"]
        cli = f"; `pulumi-mms get` {ms(med['cli'])} ({med['cli'] / med['sdk']:.2f}x)" if "cli" in med else ""
        results.append(
            Result(
                "B4",
                f"cold start: import + 1 lookup + print ({label})",
                ms(med["ours"]),
                f"SDK {ms(med['sdk'])}{cli}",
                ratio,
                f"<= {TARGET}x SDK",
                verdict(ratio <= TARGET, options),
                ratio_label="of SDK",
                figures={"median_s": med, "runs": len(times["ours"]), "latency_ms": latency_ms},
            )
        )
    return results
