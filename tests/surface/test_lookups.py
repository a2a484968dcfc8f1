"""A program run's lookups: light outcomes, and the collector kept off them while many are in flight.

`lookups._Freezer` freezes the objects alive while a program run's lookups are in flight and unfreezes
them as soon as none is; these tests make it act every few lookups (`EVERY`) and check that the collector
is left as it was found: nothing frozen after a run (ended well or in errors, or with lookups cancelled),
and nothing touched when the process froze objects itself or turned the collector off.
"""

from __future__ import annotations

import asyncio
import gc
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import Any

import pulumi
import pytest

from pulumi_mms import DataSourceNotFound, get_mms_data_source_output
from pulumi_mms.surface import lookups
from pulumi_mms.testing import MmsEmulator, generate_data_sources
from tests.clients import stack_config
from tests.programs import run_program

LOOKUPS = 24


@pytest.fixture
def freezer(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[lookups._Freezer, list[str]]]:
    """A fresh freezer acting every 4 lookups, and the record of its calls to the collector."""
    fresh = lookups._Freezer()
    fresh.EVERY = 4  # type: ignore[misc]
    monkeypatch.setattr(lookups, "_freezer", fresh)
    calls: list[str] = []
    freeze, unfreeze = gc.freeze, gc.unfreeze
    monkeypatch.setattr(gc, "freeze", lambda: (calls.append("freeze"), freeze())[1])
    monkeypatch.setattr(gc, "unfreeze", lambda: (calls.append("unfreeze"), unfreeze())[1])
    assert gc.get_freeze_count() == 0
    try:
        yield fresh, calls
    finally:
        gc.unfreeze()  # whatever a failed test left


def _busy_run(emu: MmsEmulator, ids: list[int]) -> list[Any]:
    def program() -> Any:
        return pulumi.Output.all(*[get_mms_data_source_output(i).id for i in ids])

    value = run_program(program, preview=True, config=stack_config(emu)).value
    assert isinstance(value, list)
    return value


def test_a_busy_run_freezes_its_lookups_and_unfreezes_them_when_they_are_done(
    freezer: tuple[lookups._Freezer, list[str]],
) -> None:
    counter, calls = freezer
    records = generate_data_sources(LOOKUPS, seed=31)
    ids = [record["id"] for record in records]
    with MmsEmulator(records) as emu:
        for _ in range(3):  # and again: each run's busy period ends unfrozen
            assert _busy_run(emu, ids) == ids
            assert counter.in_flight == 0
            assert not counter.frozen
            assert gc.get_freeze_count() == 0
    # Each busy period that froze ends with one unfreeze. A run is usually one busy period, but when the
    # program thread is held up (a loaded machine) its lookups in flight can all finish before it submits
    # more: a busy period ends mid-run, and the next one starts afresh.
    assert re.fullmatch(r"(f+u)+", "".join("f" if call == "freeze" else "u" for call in calls)), calls


def test_failed_lookups_are_counted_out_too(freezer: tuple[lookups._Freezer, list[str]]) -> None:
    counter, calls = freezer
    with MmsEmulator(generate_data_sources(2, seed=32)) as emu:
        missing = [9_000_000 + n for n in range(LOOKUPS)]
        with pytest.raises(DataSourceNotFound):
            _busy_run(emu, missing)  # fails at its first error, while other lookups are still running
        give_up = time.monotonic() + 60  # a bound on polling, not a timing assertion
        while counter.in_flight and time.monotonic() < give_up:
            time.sleep(0.01)
    assert counter.in_flight == 0
    assert not counter.frozen
    assert gc.get_freeze_count() == 0
    assert calls.count("freeze") >= 1


def test_cancelled_lookups_are_counted_out(freezer: tuple[lookups._Freezer, list[str]]) -> None:
    counter, _ = freezer
    pool = lookups._Pool(0)  # no worker: every job stays queued
    with MmsEmulator() as emu:
        from pulumi_mms.core.client import shared_client
        from tests.clients import settings_for

        client = shared_client(settings_for(emu))
        jobs = [lookups._Job(lambda _client: None, client, counted=counter) for _ in range(LOOKUPS)]
        for job in jobs:
            pool.submit(job)
        assert counter.in_flight == LOOKUPS
        assert counter.frozen
        pool.cancel_all()
    assert all(job.future.cancelled() for job in jobs)
    assert counter.in_flight == 0
    assert not counter.frozen
    assert gc.get_freeze_count() == 0


def test_objects_the_process_froze_itself_are_left_alone(
    freezer: tuple[lookups._Freezer, list[str]],
) -> None:
    counter, calls = freezer
    records = generate_data_sources(LOOKUPS, seed=33)
    with MmsEmulator(records) as emu:
        gc.freeze()  # the process's own (e.g. before forking workers)
        assert gc.get_freeze_count() > 0
        assert len(_busy_run(emu, [record["id"] for record in records])) == LOOKUPS
        assert gc.get_freeze_count() > 0  # still frozen: not unfrozen by the run
        assert calls == ["freeze"]  # the test's own, none by the run
    assert not counter.frozen


def test_a_disabled_collector_stays_unused(freezer: tuple[lookups._Freezer, list[str]]) -> None:
    _, calls = freezer
    records = generate_data_sources(LOOKUPS, seed=34)
    collections: list[int] = []

    def count(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collections.append(1)

    with MmsEmulator(records) as emu:
        gc.disable()
        gc.callbacks.append(count)
        try:
            assert len(_busy_run(emu, [record["id"] for record in records])) == LOOKUPS
        finally:
            gc.callbacks.remove(count)
            gc.enable()
    assert calls == []
    assert collections == []


# -- a program run's lookup outcomes: Futures without a Condition each ----------------------------------


def test_an_outcome_behaves_as_a_future() -> None:
    outcome: lookups.Outcome[int] = lookups.Outcome()
    seen: list[object] = []
    outcome.add_done_callback(lambda done: seen.append(done.result()))
    assert not outcome.done()
    with pytest.raises(FutureTimeoutError):
        outcome.result(timeout=0)
    assert outcome.set_running_or_notify_cancel()
    assert outcome.running()
    assert not outcome.cancel()  # running: too late
    outcome.set_result(7)
    assert outcome.done()
    assert outcome.result() == 7
    assert outcome.exception() is None
    assert seen == [7]
    outcome.add_done_callback(lambda done: seen.append(-done.result()))  # done: called at once
    assert seen == [7, -7]
    with pytest.raises(InvalidStateError):
        outcome.set_result(8)

    failed: lookups.Outcome[int] = lookups.Outcome()
    failed.set_exception(DataSourceNotFound("gone"))
    assert isinstance(failed.exception(), DataSourceNotFound)
    with pytest.raises(DataSourceNotFound):
        failed.result()

    cancelled: lookups.Outcome[int] = lookups.Outcome()
    assert cancelled.cancel()
    assert cancelled.cancelled()
    assert not cancelled.set_running_or_notify_cancel()
    with pytest.raises(CancelledError):
        cancelled.result()


def test_a_thread_blocked_on_an_outcome_gets_it() -> None:
    outcome: lookups.Outcome[str] = lookups.Outcome()
    got: list[str] = []
    waiter = threading.Thread(target=lambda: got.append(outcome.result(timeout=60)))
    waiter.start()
    outcome.set_running_or_notify_cancel()
    outcome.set_result("ready")
    waiter.join(60)
    assert got == ["ready"]


def test_outcomes_finished_by_other_threads_are_awaited_on_the_event_loop() -> None:
    async def main() -> list[int]:
        outcomes: list[lookups.Outcome[int]] = [lookups.Outcome() for _ in range(40)]
        already: lookups.Outcome[int] = lookups.Outcome()
        already.set_result(-1)

        def finish() -> None:
            for index, outcome in enumerate(outcomes):
                outcome.set_running_or_notify_cancel()
                outcome.set_result(index)

        thread = threading.Thread(target=finish)
        thread.start()
        try:
            results = await asyncio.gather(*(lookups.wait(outcome) for outcome in [already, *outcomes]))
            wrapped = await asyncio.wrap_future(outcomes[3])  # asyncio takes it as any Future
        finally:
            thread.join(60)
        return [*results, wrapped]

    assert asyncio.run(main()) == [-1, *range(40), 3]


def test_a_failed_outcome_raises_in_the_awaiting_task() -> None:
    async def main() -> None:
        outcome: lookups.Outcome[int] = lookups.Outcome()
        threading.Thread(target=lambda: outcome.set_exception(DataSourceNotFound("gone"))).start()
        await lookups.wait(outcome)

    with pytest.raises(DataSourceNotFound):
        asyncio.run(main())


def _until(condition: Any) -> None:
    give_up = time.monotonic() + 30  # a bound on polling, not a timing assertion
    while not condition() and time.monotonic() < give_up:
        time.sleep(0.005)
    assert condition()


def test_parked_workers_take_new_jobs_before_a_new_worker_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers idle between two bursts are woken for the second, however fast it comes: one released to
    a job counts as on its way until it takes one (counted as neither parked nor free, the third job of
    the burst started a fourth worker)."""
    monkeypatch.setattr(lookups, "IDLE_S", 60.0)  # no worker leaves on its own mid-test
    pool = lookups._Pool(8)
    with MmsEmulator() as emu:
        from pulumi_mms.core.client import shared_client
        from tests.clients import settings_for

        client = shared_client(settings_for(emu))

        def burst() -> tuple[threading.Event, list[lookups._Job]]:
            gate = threading.Event()
            jobs = [lookups._Job(lambda _client: gate.wait(30), client) for _ in range(3)]
            for job in jobs:
                pool.submit(job)
            return gate, jobs

        gate, first = burst()
        assert pool._workers == 3
        gate.set()
        assert all(job.future.result(30) for job in first)
        _until(lambda: len(pool._parked) == 3)
        gate, second = burst()
        assert pool._workers == 3  # the three parked ones, woken
        gate.set()
        assert all(job.future.result(30) for job in second)
        _until(lambda: len(pool._parked) == 3)
        pool.retire()
        _until(lambda: pool._workers == 0)


def test_a_retired_pool_runs_what_it_is_given_then_its_workers_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookups, "IDLE_S", 60.0)  # no worker leaves on its own mid-test
    pool = lookups._Pool(2)
    with MmsEmulator() as emu:
        from pulumi_mms.core.client import shared_client
        from tests.clients import settings_for

        client = shared_client(settings_for(emu))
        job = lookups._Job(lambda _client: "first", client)
        pool.submit(job)
        assert job.future.result(30) == "first"
        _until(lambda: len(pool._parked) == 1)
        pool.retire()
        _until(lambda: pool._workers == 0)
        late = lookups._Job(lambda _client: "late", client)
        pool.submit(late)
        assert late.future.result(30) == "late"
        _until(lambda: pool._workers == 0)


def test_a_worker_still_starting_counts_as_coming(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst finds one worker parked and one still starting (its thread not yet running): both will
    take a job, so no third starts."""
    monkeypatch.setattr(lookups, "IDLE_S", 60.0)  # no worker leaves on its own mid-test
    pool = lookups._Pool(8)
    gate = threading.Event()
    gate.set()
    work = pool._work

    def slow_to_start() -> None:
        gate.wait(30)
        work()

    pool._work = slow_to_start  # type: ignore[method-assign]
    with MmsEmulator() as emu:
        from pulumi_mms.core.client import shared_client
        from tests.clients import settings_for

        client = shared_client(settings_for(emu))

        def job() -> lookups._Job:
            return lookups._Job(lambda _client: True, client)

        first = job()
        pool.submit(first)
        assert first.future.result(30)
        _until(lambda: len(pool._parked) == 1)
        gate.clear()  # the next worker's thread is slow to start
        pool.submit(job())  # wakes the parked worker
        second = job()
        pool.submit(second)  # starts a worker, which the woken one beats to the job
        assert second.future.result(30)
        _until(lambda: len(pool._parked) == 1)
        assert pool._workers == 2
        pool.submit(job())
        pool.submit(job())  # the parked worker and the starting one take these two
        assert pool._workers == 2
        gate.set()
        pool.retire()
        _until(lambda: pool._workers == 0)
