"""Running lookups for a Pulumi program: concurrent, bounded, pooled and deduplicated.

A program may hold hundreds of lookups. Each runs on a worker thread of a pool sized to `maxConcurrency`
through one shared client per settings (tea's sync path pools connections; its async path would open one
per call). Identical lookups in one program run (same settings and arguments) share one request: the
cache is tied to the run's resource monitor, so a new run (or a new mocked test run) reads afresh.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import pulumi.runtime
import pulumi.runtime.settings

from ..core.client import shared_client
from ..core.errors import MmsError
from ..core.settings import Settings

T = TypeVar("T")


def program_settings() -> Settings:
    """Settings for the running Pulumi program: stack config (`mms:`, then `alicloud:`), then env.

    Resolved once per program run: stack config and environment do not change while a program runs, and
    resolving them for each of hundreds of lookups cost ~0.1 ms apiece on the program's thread, before any
    request could start (benchmark B2). Outside a program run they are resolved on every call.
    """
    if pulumi.runtime.settings.SETTINGS.monitor is None:
        return Settings.resolve(config=pulumi.runtime.get_config)
    cache = _run_cache()
    with cache.lock:
        if cache.settings is None:
            cache.settings = Settings.resolve(config=pulumi.runtime.get_config)
        return cache.settings


class _RunCache:
    """The settings and the in-flight and finished lookups of one program run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.settings: Settings | None = None
        self.futures: dict[Hashable, Future[Any]] = {}


_executors: dict[Settings, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()
_runs: weakref.WeakKeyDictionary[Any, _RunCache] = weakref.WeakKeyDictionary()
_runs_lock = threading.Lock()


def _executor(settings: Settings) -> ThreadPoolExecutor:
    with _executors_lock:
        pool = _executors.get(settings)
        if pool is None:
            pool = _executors[settings] = ThreadPoolExecutor(
                max_workers=settings.max_concurrency, thread_name_prefix="pulumi-mms"
            )
        return pool


_outside_a_run = _RunCache()


def _run_cache() -> _RunCache:
    run = pulumi.runtime.settings.SETTINGS.monitor  # one per program run (and per set_mocks)
    if run is None:
        return _outside_a_run
    with _runs_lock:
        cache = _runs.get(run)
        if cache is None:
            cache = _runs[run] = _RunCache()
        return cache


def submit(settings: Settings, key: Hashable, work: Callable[..., T]) -> Future[T]:
    """Run `work(client)` on the settings' pool, once per `key` in this program run."""
    cache = _run_cache()
    full_key = (settings, key)
    with cache.lock:
        future = cache.futures.get(full_key)
        if future is None:
            client = shared_client(settings)
            # Run in a copy of the caller's context: Pulumi's settings (and so pulumi.log) are contextvars.
            context = contextvars.copy_context()
            future = cache.futures[full_key] = _executor(settings).submit(context.run, work, client)
        return future


async def wait(future: Future[T]) -> T:
    """Await a lookup from the program's event loop."""
    return await asyncio.wrap_future(future)


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
