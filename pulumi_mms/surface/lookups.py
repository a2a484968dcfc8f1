"""Running lookups for a Pulumi program: concurrent, bounded, pooled, deduplicated, and let go of.

A program may hold thousands of lookups. Each runs on a worker of its endpoint's pool (at most
`maxConcurrency` workers) through one shared client per settings (tea's sync path pools connections; its
async path would open one per call). Identical lookups in one program run (same settings and arguments)
share one request: the cache is tied to the run's resource monitor, so a new run (or a new mocked test
run) reads afresh. Outside a program run nothing is cached: every call reads afresh.

Long-lived processes (the Automation API, notebooks, test suites) stay bounded: workers are daemon threads
that exit when idle, a pool belongs to an endpoint (a rotated key reuses it) and few pools are kept. A
failed program or Ctrl-C ends the process at once: queued lookups are cancelled, in-flight ones abandoned.
Time a lookup waits for a worker counts against its `totalTimeout`.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextvars
import functools
import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import CancelledError, Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import Any, TypeVar

import pulumi.runtime
import pulumi.runtime.settings

from ..core import client as client_module
from ..core.client import MmsClient, shared_client
from ..core.errors import MmsError, ServiceUnavailable
from ..core.settings import Settings

T = TypeVar("T")

_log = logging.getLogger(__name__)

IDLE_S = 2.0
"""A worker with nothing to do for this long exits (the next lookup starts a new one)."""
MAX_POOLS = 8
"""Endpoint pools kept at once; the least recently used one's workers exit once its queue is empty."""


def program_settings() -> Settings:
    """Settings for the running Pulumi program: stack config (`mms:`, then `alicloud:`), then env.

    Resolved once per program run: stack config and environment do not change while a program runs, and
    resolving them for each of hundreds of lookups cost ~0.1 ms apiece on the program's thread, before any
    request could start (benchmark B2). Outside a program run they are resolved on every call.
    """
    run = _run_cache()
    if run is None:
        return Settings.resolve(config=pulumi.runtime.get_config)
    with run.lock:
        if run.settings is None:
            run.settings = Settings.resolve(config=pulumi.runtime.get_config)
        return run.settings


_PENDING, _RUNNING, _FINISHED, _CANCELLED = "PENDING", "RUNNING", "FINISHED", "CANCELLED"
_outcomes_lock = threading.Lock()
"""Guards the state of every `Outcome` (each holds it for a few instructions)."""


class Outcome(Future[T]):
    """A lookup's outcome: a `concurrent.futures.Future` without a `threading.Condition` of its own.

    A program holds thousands of lookups until it ends; a `Future` keeps a Condition (a lock, its waiters
    and five bound methods: ~1.2 KiB) per lookup for its whole life, though at most one thread ever blocks
    on it. Here one module lock guards every outcome's state, and a thread that blocks on `result()` makes
    an `Event` for itself. Every public method of `Future` behaves as documented (the `concurrent.futures`
    module functions `wait` and `as_completed`, which reach into a Future's internals, are not for these).
    """

    __slots__ = ("_callbacks", "_error", "_event", "_phase", "_value")

    def __init__(self) -> None:  # no Future.__init__: no Condition
        self._phase = _PENDING
        self._value: Any = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Future[T]], object]] | None = []
        self._event: threading.Event | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._phase.lower()}>"

    def cancel(self) -> bool:
        with _outcomes_lock:
            if self._phase in (_RUNNING, _FINISHED):
                return False
            if self._phase == _CANCELLED:
                return True
            self._phase = _CANCELLED
        self._finish()
        return True

    def cancelled(self) -> bool:
        return self._phase == _CANCELLED

    def running(self) -> bool:
        return self._phase == _RUNNING

    def done(self) -> bool:
        return self._phase in (_FINISHED, _CANCELLED)

    def set_running_or_notify_cancel(self) -> bool:
        with _outcomes_lock:
            if self._phase == _CANCELLED:
                return False
            if self._phase != _PENDING:
                raise RuntimeError(f"the lookup is already {self._phase.lower()}")
            self._phase = _RUNNING
            return True

    def set_result(self, result: T) -> None:
        self._settle(result, None)

    def set_exception(self, exception: BaseException | None) -> None:
        self._settle(None, exception)

    def _settle(self, value: Any, error: BaseException | None) -> None:
        with _outcomes_lock:
            if self._phase in (_FINISHED, _CANCELLED):
                raise InvalidStateError(f"the lookup is already {self._phase.lower()}")
            self._value, self._error, self._phase = value, error, _FINISHED
        self._finish()

    def _finish(self) -> None:
        with _outcomes_lock:
            callbacks, self._callbacks = self._callbacks, None
            event = self._event
        if event is not None:
            event.set()
        for callback in callbacks or ():
            _call(callback, self)

    def add_done_callback(self, fn: Callable[[Future[T]], object]) -> None:
        with _outcomes_lock:
            if self._callbacks is not None:
                self._callbacks.append(fn)
                return
        _call(fn, self)

    def _wait(self, timeout: float | None) -> None:
        if self.done():
            return
        with _outcomes_lock:
            if self._callbacks is None:  # finished meanwhile
                return
            if self._event is None:
                self._event = threading.Event()
            event = self._event
        if not event.wait(timeout):
            raise FutureTimeoutError()

    def result(self, timeout: float | None = None) -> T:
        self._wait(timeout)
        if self._phase == _CANCELLED:
            raise CancelledError()
        if self._error is not None:
            try:
                raise self._error
            finally:
                self = None  # type: ignore[assignment]  # no reference cycle through the traceback
        return self._value  # type: ignore[no-any-return]

    def exception(self, timeout: float | None = None) -> BaseException | None:
        self._wait(timeout)
        if self._phase == _CANCELLED:
            raise CancelledError()
        return self._error


def _call(callback: Callable[[Any], object], outcome: Outcome[Any]) -> None:
    try:
        callback(outcome)
    except Exception:
        _log.exception("exception calling callback for %r", outcome)


class _Freezer:
    """Keeps the garbage collector off the lookups of a busy program run, and gives them back after.

    A program holding thousands of lookups keeps their Outputs, tasks and results alive until it ends; with
    the collector on, every full collection rescans all of them, and the heap's growth triggers one after
    another (at 5,000 lookups they took more CPU than building the lookups: BENCHMARKS.md, B11). So, while
    lookups of program runs are in flight, every `EVERY` submissions or completions the young generations
    are collected and what is alive then is frozen (`gc.freeze`: collections skip it); as soon as no
    lookup is in flight any more, it is unfrozen (`gc.unfreeze`: back in the oldest generation, collected
    as usual from then on). A program with fewer lookups than that in flight never freezes anything. A
    process that froze objects itself (`gc.get_freeze_count()` > 0 when a busy period starts), or turned
    the collector off, is left alone. Only cycles that become garbage while frozen wait for the unfreeze.
    """

    EVERY = 256

    def __init__(self) -> None:
        # Reentrant: a collection may run a finalizer that starts a lookup on this thread. State changes
        # come before the collector calls, so a reentrant call sees them done.
        self._lock = threading.RLock()
        self.in_flight = 0
        self._events = 0
        self.frozen = False

    def started(self) -> None:
        with self._lock:
            self.in_flight += 1
            self._tick()

    def finished(self) -> None:
        with self._lock:
            self.in_flight -= 1
            if self.in_flight:
                self._tick()
                return
            self._events = 0
            if self.frozen:
                self.frozen = False
                gc.unfreeze()

    def _tick(self) -> None:
        self._events += 1
        if self._events < self.EVERY:
            return
        self._events = 0
        if not self.frozen:
            # Someone else's frozen objects are theirs to unfreeze; a disabled collector stays unused.
            if not gc.isenabled() or gc.get_freeze_count():
                return
            self.frozen = True
        # The young generations first, so that what is garbage there is collected, not frozen (their
        # collection counts allocations net of frees: a run resolving lookups can pile up cycles there).
        gc.collect(1)
        gc.freeze()


_freezer = _Freezer()


class _Job:
    """One queued lookup; a program run's is `counted` in flight by a `_Freezer` until it is done."""

    __slots__ = ("client", "context", "counted", "future", "queued_at", "work")

    def __init__(
        self, work: Callable[[MmsClient], Any], client: MmsClient, *, counted: _Freezer | None = None
    ) -> None:
        # A program run's lookups are many and long-lived: light outcomes. Outside a run, a plain Future
        # (which `concurrent.futures.wait` and `as_completed` accept).
        self.future: Future[Any] = Future() if counted is None else Outcome()
        # Run in a copy of the caller's context: Pulumi's settings (and so pulumi.log) are contextvars.
        self.context = contextvars.copy_context()
        self.work = work
        self.client = client
        self.queued_at = time.monotonic()
        self.counted = counted
        if counted is not None:
            counted.started()

    def run(self, freed: Callable[[], None] = lambda: None) -> None:
        """Run the lookup; `freed()` is called once, just before its outcome is delivered."""
        if not self.future.set_running_or_notify_cancel():
            freed()
            self.done()
            return
        waited = time.monotonic() - self.queued_at
        settings = self.client.settings
        try:
            if settings.retry.deadline_s - waited < settings.retry.min_attempt_s:
                raise ServiceUnavailable(
                    f"the lookup waited {waited:.1f} s for one of the {settings.max_concurrency} workers "
                    f"(mms:maxConcurrency) and reached its totalTimeout "
                    f"({settings.retry.deadline_s * 1000:.0f} ms) before its first request",
                    hint="raise mms:totalTimeout or mms:maxConcurrency, or make fewer lookups at once",
                    region=settings.region,
                    endpoint=self.client.endpoint,
                )
            result = self.context.run(_run_with_wait, self.work, self.client, waited)
        except BaseException as error:
            freed()
            self.done()  # before the future: whoever sees the lookup finished sees it counted out
            self.future.set_exception(error)
        else:
            freed()
            self.done()
            self.future.set_result(result)

    def done(self) -> None:
        """Count the job out (once: when it has run, or when it is cancelled)."""
        counted, self.counted = self.counted, None
        if counted is not None:
            counted.finished()


def _run_with_wait(work: Callable[[MmsClient], Any], client: MmsClient, waited: float) -> Any:
    client_module.queued_s.set(waited)
    return work(client)


class _Pool:
    """Up to `size` daemon workers for one endpoint, started on demand; a worker idle for IDLE_S exits.

    Daemon workers never hold the process at exit (a `ThreadPoolExecutor`'s are joined, after draining
    its whole queue); `cancel_all` at exit cancels whatever is still queued.

    The pool's lock is held only for a few operations on its queue and counters, never while waiting: an
    idle worker parks on a lock of its own, and the submitter releases it. (With a `Condition`, a woken
    worker took the pool's lock back before it had the GIL again: the program thread, submitting the next
    lookup, waited for that worker's turn among the request threads: at maxConcurrency 64, submitting
    2,000 lookups kept it waiting 2.5 s, against 0.2 s now. BENCHMARKS.md, B11.)
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._jobs: collections.deque[_Job] = collections.deque()
        self._lock = threading.Lock()
        self._parked: list[threading.Lock] = []  # idle workers, the most recently idle last
        self._workers = 0
        self._free = 0  # workers done with a job, on their way back for the next one
        self._waking = 0  # parked workers released, on their way to the queue
        self._starting = 0  # workers started, not yet at the queue
        self._retired = False
        _pools_ever.add(self)

    def submit(self, job: _Job) -> None:
        wake: threading.Lock | None = None
        start = False
        with self._lock:
            self._jobs.append(job)
            coming = self._free + self._waking + self._starting
            if len(self._parked) + coming >= len(self._jobs):
                if coming < len(self._jobs):
                    wake = self._parked.pop()
                    self._waking += 1
            elif self._workers < self.size:
                self._workers += 1
                self._starting += 1
                start = True
        if wake is not None:
            wake.release()
        elif start:
            try:
                threading.Thread(target=self._work, name="pulumi-mms", daemon=True).start()
            except BaseException:
                with self._lock:  # no thread (the process is at its limit): not counted as one
                    self._workers -= 1
                    self._starting -= 1
                raise

    def retire(self) -> None:
        """Workers exit as soon as the queue is empty (new jobs still run)."""
        with self._lock:
            self._retired = True
            parked, self._parked = self._parked, []
            self._waking += len(parked)
        for park in parked:
            park.release()

    def cancel_all(self) -> None:
        with self._lock:
            jobs, self._jobs = list(self._jobs), collections.deque()
        self.retire()
        for job in jobs:
            job.future.cancel()
            job.done()

    def _work(self) -> None:
        # A worker is free again before its lookup's outcome is delivered (`_freed`), so that a program
        # that goes on at once and submits more does not start a new worker while this one is on its way
        # back for the next job.
        park = threading.Lock()
        park.acquire()
        freed = woken = False
        starting = True
        while True:
            with self._lock:
                if starting:
                    self._starting -= 1
                    starting = False
                if freed:
                    self._free -= 1
                if woken:
                    self._waking -= 1
                freed = woken = False
                job = self._jobs.popleft() if self._jobs else None
                if job is None:
                    if self._retired:
                        self._workers -= 1
                        return
                    self._parked.append(park)
            if job is None:
                if not park.acquire(timeout=IDLE_S):
                    with self._lock:
                        if park in self._parked:  # nobody woke it: idle for IDLE_S
                            self._parked.remove(park)
                            self._workers -= 1
                            return
                    park.acquire()  # woken as the wait ended: take the release that is on its way
                woken = True
                continue
            job.run(self._freed)
            freed = True
            del job  # not kept alive (with its client) while this worker waits

    def _freed(self) -> None:
        with self._lock:
            self._free += 1


_pools: collections.OrderedDict[Hashable, _Pool] = collections.OrderedDict()
_pools_lock = threading.Lock()
_pools_ever: weakref.WeakSet[_Pool] = weakref.WeakSet()


def _pool(client: MmsClient) -> _Pool:
    """The pool of the client's endpoint: other credentials (a rotated key) reuse it."""
    settings = client.settings
    key = (settings.protocol, client.endpoint, settings.max_concurrency)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = _Pool(settings.max_concurrency)
            while len(_pools) > MAX_POOLS:
                _pools.popitem(last=False)[1].retire()
        else:
            _pools.move_to_end(key)
        return pool


@atexit.register
def _cancel_queued() -> None:
    """At exit, queued lookups are cancelled (in-flight ones run on daemon threads: abandoned)."""
    for pool in list(_pools_ever):
        pool.cancel_all()


class _RunCache:
    """The settings, client and pool, and the in-flight and finished lookups of one program run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.settings: Settings | None = None
        self.bound: tuple[Settings, MmsClient, _Pool] | None = None
        self.futures: dict[Hashable, Future[Any]] = {}


_runs: weakref.WeakKeyDictionary[Any, _RunCache] = weakref.WeakKeyDictionary()
_runs_lock = threading.Lock()
MAX_RUNS = 4
"""Program runs whose caches are kept; an older run still alive (Pulumi keeps its first monitor as a
default forever) loses only its dedupe, and its settings are let go."""


def _run_cache() -> _RunCache | None:
    """The cache of the running program (None outside a program run: nothing is cached there)."""
    run = pulumi.runtime.settings.SETTINGS.monitor  # one per program run (and per set_mocks)
    if run is None:
        return None
    with _runs_lock:
        cache = _runs.get(run)
        if cache is None:
            cache = _runs[run] = _RunCache()
            while len(_runs) > MAX_RUNS:
                del _runs[next(iter(_runs.keys()))]  # the oldest (dicts keep insertion order)
        return cache


def _client_and_pool(settings: Settings) -> tuple[MmsClient, _Pool]:
    client = shared_client(settings)
    return client, _pool(client)


def submit(settings: Settings, key: Hashable, work: Callable[[MmsClient], T]) -> Future[T]:
    """Run `work(client)` on the settings' pool, once per `key` in this program run."""
    run = _run_cache()
    if run is None:
        client, pool = _client_and_pool(settings)
        job = _Job(work, client)
        pool.submit(job)
        return job.future
    with run.lock:
        future = run.futures.get((settings, key))
        if future is None:
            bound = run.bound
            if bound is None or bound[0] is not settings:
                bound = run.bound = (settings, *_client_and_pool(settings))
            job = _Job(work, bound[1], counted=_freezer)
            try:
                bound[2].submit(job)
            except BaseException:
                job.done()  # never queued (no thread could start): not in flight
                raise
            future = run.futures[(settings, key)] = job.future
        return future


async def wait(future: Future[T]) -> T:
    """Await a lookup from the program's event loop."""
    if not future.done():
        await delivered(future, asyncio.get_running_loop())
    return future.result()


def delivered(future: Future[Any], loop: asyncio.AbstractEventLoop) -> asyncio.Future[None]:
    """A future of `loop` (call from its thread) that is done once the lookup `future` is: the loop learns
    of finished lookups through its mailbox, in batches, whatever thread finished them."""
    waiter: asyncio.Future[None] = loop.create_future()
    if future.done():
        waiter.set_result(None)
    else:
        future.add_done_callback(functools.partial(_mailbox(loop).post, waiter))
    return waiter


class _Mailbox:
    """Lookups finished for one event loop, delivered in one callback per batch.

    Each `call_soon_threadsafe` writes to the loop's wake-up pipe and makes it go round once more; the
    lookups that finish while one delivery is pending join it instead (up to `maxConcurrency` at a time).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = weakref.ref(loop)
        self._lock = threading.Lock()
        self._waiters: list[asyncio.Future[None]] = []

    def post(self, waiter: asyncio.Future[None], _outcome: object) -> None:
        with self._lock:
            self._waiters.append(waiter)
            if len(self._waiters) > 1:
                return  # a delivery is pending: it takes this one too
        loop = self._loop()
        try:
            if loop is None:
                raise RuntimeError("the event loop is gone")
            loop.call_soon_threadsafe(self._deliver)
        except RuntimeError:  # the loop is closed or gone: nobody awaits these any more
            with self._lock:
                self._waiters.clear()

    def _deliver(self) -> None:
        with self._lock:
            waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():  # not cancelled meanwhile
                waiter.set_result(None)


_mailboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Mailbox] = weakref.WeakKeyDictionary()
_mailboxes_lock = threading.Lock()


def _mailbox(loop: asyncio.AbstractEventLoop) -> _Mailbox:
    with _mailboxes_lock:
        box = _mailboxes.get(loop)
        if box is None:
            box = _mailboxes[loop] = _Mailbox(loop)
        return box


def as_program_error(error: MmsError) -> MmsError:
    """The same error, also a `pulumi.RunError`, so Pulumi prints its message without a traceback.

    `except DataSourceNotFound:` and friends still catch it.
    """
    if not isinstance(error, pulumi.RunError):
        error.__class__ = _program_error_class(type(error))
    return error


_program_classes: dict[type, type] = {}


def _program_error_class(cls: type[MmsError]) -> type[MmsError]:
    program_cls = _program_classes.get(cls)
    if program_cls is None:
        program_cls = _program_classes[cls] = type(
            cls.__name__, (cls, pulumi.RunError), {"__module__": cls.__module__}
        )
    return program_cls
