"""B7: what `pulumi preview` pays for N `MmsDataSource` resources: Check through the real dynamic host.

The engine starts `python -m pulumi.dynamic` (a gRPC ResourceProvider) and, during a preview, sends one
Check per resource, many at once. Each of our Checks reads the data source (one round trip). The host
serves RPCs on `ThreadPoolExecutor(max_workers=4)`, so at most 4 Checks run at a time whatever the engine
sends: the bound is ceil(N / 4) round trips plus one connection set-up. The host is driven with the test
suite's driver (`tests/dynamic_host.py`), the one copy of it.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pulumi.runtime.proto import provider_pb2

from tests.dynamic_host import DynamicHost, to_struct

from .core import Options, Result, ms
from .remote import RemoteEmulator
from .state import serialized_provider

HOST_WORKERS = 4
"""`pulumi/dynamic/__main__.py`: `grpc.server(futures.ThreadPoolExecutor(max_workers=4))`."""
IN_FLIGHT = 64
URN = "urn:pulumi:dev::bench::pulumi-python:dynamic/mms:MmsDataSource::ds"


def _check_all(host: DynamicHost, requests: list[provider_pb2.CheckRequest]) -> list[Any]:
    """Send every Check with up to IN_FLIGHT outstanding, as the engine does; the responses in order."""
    with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
        return list(pool.map(lambda request: host.stub.Check(request, timeout=120), requests))


def run(options: Options) -> list[Result]:
    n = options.pick(200, 20)
    with RemoteEmulator(
        n, latency_ms=options.latency_ms, connection_delay_ms=options.connection_ms
    ) as emulator:
        config = emulator.stack_config()
        provider = serialized_provider(config)
        started = time.perf_counter()
        host = DynamicHost(env={"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"})
        try:
            host.configure(config)
            # Unpickles the provider and imports the package in the host; fails before any request.
            host.stub.Check(provider_pb2.CheckRequest(urn=URN, news=to_struct({"__provider": provider})))
            host_ready_s = time.perf_counter() - started
            requests = [
                provider_pb2.CheckRequest(
                    urn=URN, olds=to_struct({}), news=to_struct({"__provider": provider, "source_id": i})
                )
                for i in emulator.ids
            ]
            emulator.reset()
            start = time.perf_counter()
            responses = _check_all(host, requests)
            elapsed = time.perf_counter() - start
            stats = emulator.stats()
        finally:
            host.close()
    failures = [r for r in responses if r.failures]
    if failures:
        raise RuntimeError(f"B7: {len(failures)} Checks failed, e.g. {failures[0].failures[0].reason}")
    bound_s = math.ceil(n / HOST_WORKERS) * options.latency_ms / 1000 + options.connection_ms / 1000
    ratio = elapsed / bound_s if bound_s else None
    return [
        Result(
            "B7",
            f"preview: {n} Checks via the dynamic host, {IN_FLIGHT} in flight",
            ms(elapsed),
            f"bound {ms(bound_s)} (ceil({n}/{HOST_WORKERS}) x {options.latency_ms} ms"
            f" + {options.connection_ms} ms)",
            ratio,
            "report; explain",
            "info",
            ratio_label="of bound",
            figures={
                "n": n,
                "elapsed_s": elapsed,
                "bound_s": bound_s,
                "host_ready_s": host_ready_s,
                "requests": stats["requests"],
                "connections": stats["connections"],
                "max_open_connections": stats["max_open_connections"],
            },
            notes=[
                f"host start + Configure + first Check (imports) {ms(host_ready_s)}",
                f"{stats['requests']} requests over {stats['connections']} connections "
                f"(at most {stats['max_open_connections']} open)",
            ],
        )
    ]
