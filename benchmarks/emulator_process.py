"""The emulator in its own process, driven over a pipe: `python -m benchmarks.emulator_process`.

A real region's CPU is not ours: running the emulator in a separate process keeps its request handling
off the benchmark's GIL. It prints one JSON line (endpoint, keys, ids), then answers commands on stdin,
one per line: `stats` (the counters as JSON), `log` (each request's start, end and path), `reset`,
`latency <ms> <connection_ms>`; EOF stops it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from pulumi_mms.testing import MmsEmulator, generate_data_sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_process")
    parser.add_argument("--sources", type=int, default=1, help="generated data sources")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--connection-delay-ms", type=int, default=0)
    parser.add_argument("--config-items", type=int, default=0, help="config items of the first source")
    parser.add_argument(
        "--tables", type=int, default=0, help="migration tables of the first source (one database), for M1"
    )
    args = parser.parse_args(argv)
    records = generate_data_sources(args.sources)
    if args.config_items:
        # distinct keys, cycling through the generated kinds of item (as benchmarks.parse renders them)
        kinds = [item for record in generate_data_sources(8) for item in record["config"]]
        records[0]["config"] = [
            {**kinds[i % len(kinds)], "key": f"{kinds[i % len(kinds)]['key']}.{i}"}
            for i in range(args.config_items)
        ]
    emulator = MmsEmulator(records, latency_ms=args.latency_ms, connection_delay_ms=args.connection_delay_ms)
    if args.tables:
        first = records[0]["id"]
        emulator.migration.clear(first)
        emulator.migration.put(first, "dbs", [{"id": 1, "name": "big", "dstProjectName": "mms_big"}])
        emulator.migration.put(
            first, "tables", [{"dbId": 1, "name": f"t{i:05}", "status": "DONE"} for i in range(args.tables)]
        )
    with emulator:
        hello = {
            "endpoint": emulator.endpoint,
            "access_key_id": emulator.access_key_id,
            "access_key_secret": emulator.access_key_secret,
            "region": emulator.region,
            "ids": [record["id"] for record in records],
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command, *rest = line.split()
            if command == "stats":
                print(json.dumps(dataclasses.asdict(emulator.stats)), flush=True)
            elif command == "reset":
                emulator.reset_stats()
                print("{}", flush=True)
            elif command == "log":
                # Each request's start and end (ms from the first start) and path, as the emulator saw them.
                records = emulator.request_log
                t0 = min((r.started_s for r in records), default=0.0)
                print(
                    json.dumps(
                        [
                            [
                                round((r.started_s - t0) * 1000, 2),
                                round((r.finished_s - t0) * 1000, 2),
                                r.path,
                            ]
                            for r in records
                        ]
                    ),
                    flush=True,
                )
            elif command == "latency":
                emulator.faults.latency_ms, emulator.faults.connection_delay_ms = map(int, rest)
                print("{}", flush=True)
            else:
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
