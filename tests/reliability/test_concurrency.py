"""Concurrency: 200 lookups at once share one client; nothing lost, crossed, deadlocked or unbounded."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pulumi
import pytest

from pulumi_mms import DataSourceNotFound, MmsClient, MmsError, get_mms_data_source_output
from pulumi_mms.core.model import GetMmsDataSourceResponse
from pulumi_mms.testing import HttpError, MmsEmulator, generate_data_sources

from ..programs import run_program
from . import settings_for, settle, stack_config

LOOKUPS = 200
MAX_CONCURRENCY = 8
JOIN_TIMEOUT_S = 60.0


@pytest.fixture
def emu() -> Any:
    with MmsEmulator(generate_data_sources(LOOKUPS, seed=5)) as emulator:
        yield emulator


def expected(emu: MmsEmulator) -> dict[int, str]:
    return {record["id"]: record["name"] for record in emu.data_sources()}


def check_results(emu: MmsEmulator, results: dict[int, GetMmsDataSourceResponse]) -> None:
    names = expected(emu)
    assert set(results) == set(names)  # none lost
    for source_id, response in results.items():
        assert response.data.id == source_id  # none crossed
        assert response.data.name == names[source_id]
    request_ids = {record.request_id: record.source_id for record in emu.request_log}
    for source_id, response in results.items():
        assert request_ids[response.request_id or ""] == source_id
    stats = emu.stats
    assert stats.requests == LOOKUPS
    assert stats.max_open_connections <= MAX_CONCURRENCY  # bounded by max_concurrency
    assert stats.connections <= MAX_CONCURRENCY  # and reused, not reopened


def test_threads_share_one_client(emu: MmsEmulator) -> None:
    client = MmsClient(settings_for(emu, max_concurrency=MAX_CONCURRENCY))
    results: dict[int, GetMmsDataSourceResponse] = {}
    lock = threading.Lock()
    start = threading.Barrier(LOOKUPS)

    def lookup(source_id: int) -> None:
        start.wait()  # all 200 at once
        response = client.get_data_source(source_id)
        with lock:
            results[source_id] = response

    threads = [threading.Thread(target=lookup, args=(source_id,)) for source_id in expected(emu)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads)  # no deadlock
    check_results(emu, results)


def test_asyncio_shares_one_client_through_an_executor(emu: MmsEmulator) -> None:
    client = MmsClient(settings_for(emu, max_concurrency=MAX_CONCURRENCY))

    async def main() -> dict[int, GetMmsDataSourceResponse]:
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=64) as pool:
            ids = list(expected(emu))
            calls = [loop.run_in_executor(pool, client.get_data_source, source_id) for source_id in ids]
            responses = await asyncio.wait_for(asyncio.gather(*calls), timeout=JOIN_TIMEOUT_S)
        return dict(zip(ids, responses, strict=True))

    check_results(emu, asyncio.run(main()))


def test_errors_under_concurrency_belong_to_their_own_request(emu: MmsEmulator) -> None:
    """Half the lookups miss and some hit 503s: every error carries its own id, status and request id."""
    client = MmsClient(settings_for(emu, max_concurrency=MAX_CONCURRENCY))
    emu.faults.set_rate(0.1, [HttpError(503)], seed=3)
    present = list(expected(emu))[:100]
    missing = [9_000_000 + n for n in range(100)]

    def lookup(source_id: int) -> tuple[int, GetMmsDataSourceResponse | MmsError]:
        try:
            return source_id, client.get_data_source(source_id)
        except MmsError as error:
            return source_id, error

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(lookup, present + missing, timeout=JOIN_TIMEOUT_S))
    settle(emu)
    by_request = {record.request_id: record for record in emu.request_log}
    for source_id, outcome in outcomes:
        if source_id in missing:
            assert isinstance(outcome, DataSourceNotFound)
            assert outcome.source_id == source_id
            record = by_request[outcome.request_id or ""]
            assert (record.source_id, record.status) == (source_id, 404)  # its own response's facts
        else:
            assert isinstance(outcome, GetMmsDataSourceResponse)
            assert outcome.data.id == source_id
    stats = emu.stats
    assert stats.requests == 200 + stats.faults_injected  # each 503 retried once, nothing more
    assert stats.max_open_connections <= MAX_CONCURRENCY


def test_a_program_with_200_lookups(emu: MmsEmulator) -> None:
    names = expected(emu)

    def program() -> Any:
        return pulumi.Output.all(*[get_mms_data_source_output(source_id).name for source_id in names])

    run = run_program(
        program, preview=True, config=stack_config(emu, **{"mms:maxConcurrency": str(MAX_CONCURRENCY)})
    )
    assert run.value == list(names.values())
    assert emu.stats.requests == LOOKUPS
    assert emu.stats.max_open_connections <= MAX_CONCURRENCY
