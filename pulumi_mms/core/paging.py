"""Reading every page of a paged list API: bounded, concurrent after the first page, de-duplicated.

The MMS list APIs (ListMmsDataSources, ListMmsJobs, ListMmsTables, ...) page with `pageNum`/`pageSize`
and report a `total`. `read_all` reads page 1; when it gives the total, the remaining pages are fetched
at once on up to `concurrency` threads (each request still takes a slot of the client's limit), else
page after page until a short one (a missing total does not mean "nothing more"). The page threads are
daemons running in a copy of the caller's context: a listing in flight never holds the process at exit
(a `ThreadPoolExecutor`'s threads are joined), and the pages share the caller's deadline.

A server cannot make it loop: the pages are capped at `total / pageSize + 1` and at `max_pages` (an
error beyond), a page that only repeats items already seen (a server that ignores `pageNum`) ends the
listing, and items seen on an earlier page are dropped.

Any list API reuses it with a `fetch(page_num, page_size) -> Page` and a `key(item)`.
"""

from __future__ import annotations

import contextvars
import math
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any, Generic, TypeVar

import attrs

from .errors import MalformedResponse

T = TypeVar("T")

MAX_PAGE_SIZE = 100
"""The page size used for complete listings.

The API reference and the official SDK document no maximum for `pageSize` (omitted, the service returns
everything at once, unbounded); 100 is the usual Alibaba Cloud maximum, and the emulator refuses more.
"""

MAX_PAGES = 1000
"""Hard cap on the pages of one listing (100,000 items at the largest page size)."""


@attrs.frozen
class Page(Generic[T]):
    """One page as the service answered it: its items and the total it reported (None if it did not)."""

    items: Sequence[T]
    total: int | None = None
    page_size: int | None = None
    """The page size the service reports using (it may page by less than was asked)."""


class _Items(Generic[T]):
    """Items in page order, without those whose key was already seen."""

    def __init__(self, key: Callable[[T], Hashable | None]) -> None:
        self._key = key
        self._seen: set[Hashable] = set()
        self._received: set[Hashable | None] = set()
        self.pages: dict[int, list[T]] = {}

    def add(self, page_num: int, items: Sequence[T]) -> bool:
        """Keep the new items of a page; False when the page only repeats items already seen."""
        kept: list[T] = []
        for item in items:
            key = self._key(item)
            if key is None:
                kept.append(item)
            elif key not in self._seen:
                self._seen.add(key)
                kept.append(item)
            self._received.add(key)
        self.pages[page_num] = kept
        return bool(kept) or not items

    def is_new(self, items: Sequence[T]) -> bool:
        """Note the keys of a page received out of order; False when all of them were seen already."""
        keys = [self._key(item) for item in items]
        if not keys or any(key is None for key in keys):
            return True
        new = any(key not in self._received for key in keys)
        self._received.update(keys)
        return new

    def in_order(self) -> list[T]:
        return [item for num in sorted(self.pages) for item in self.pages[num]]


def _too_many(subject: str, pages: int, page_size: int, max_pages: int, context: dict[str, Any]) -> Exception:
    return MalformedResponse(
        f"{subject}: the listing would take {pages} pages of {page_size}, more than the limit of "
        f"{max_pages} pages; it was stopped",
        hint="narrow the listing with filters (name, type, region, ...); if the service really holds that "
        "many items, list them in parts",
        **context,
    )


def read_all(
    fetch: Callable[[int, int], Page[T]],
    key: Callable[[T], Hashable | None],
    *,
    subject: str,
    page_size: int = MAX_PAGE_SIZE,
    concurrency: int = 1,
    max_pages: int = MAX_PAGES,
    context: dict[str, Any] | None = None,
) -> list[T]:
    """Every item of a paged listing, in page order, each key once.

    `fetch(page_num, page_size)` reads one page (raising `MmsError` on failure); `key(item)` identifies an
    item (None: never treated as a duplicate). `subject` and `context` go into the error raised when the
    listing would exceed `max_pages`. The first error of any page is raised; pages not started are
    cancelled.
    """
    context = context or {}
    items: _Items[T] = _Items(key)
    first = fetch(1, page_size)
    items.add(1, first.items)
    # A server that pages by a smaller size than asked says so in its pageSize: plan with that size.
    size = min(page_size, first.page_size) if first.page_size and first.page_size > 0 else page_size
    if len(first.items) < size:
        return items.in_order()
    if first.total is None:
        return _sequential(fetch, items, subject, page_size, size, max_pages, context)
    pages = max(1, math.ceil(first.total / size))
    if pages > max_pages:
        raise _too_many(subject, pages, size, max_pages, context)
    totals = [first.total]
    if pages > 1:
        totals += _concurrent(fetch, items, range(2, pages + 1), page_size, concurrency)
    # Items added while paging push the last ones one page further: when a later page reports a larger
    # total, read one more page (never more than total / pageSize + 1 pages).
    if max(totals) > pages * size and pages < max_pages:
        items.add(pages + 1, fetch(pages + 1, page_size).items)
    return items.in_order()


def _sequential(
    fetch: Callable[[int, int], Page[T]],
    items: _Items[T],
    subject: str,
    page_size: int,
    size: int,
    max_pages: int,
    context: dict[str, Any],
) -> list[T]:
    """No total reported: page after page until a short page or one that only repeats earlier items."""
    page_num = 1
    while True:
        if page_num >= max_pages:
            raise _too_many(subject, page_num + 1, size, max_pages, context)
        page_num += 1
        page = fetch(page_num, page_size)
        if not items.add(page_num, page.items) or len(page.items) < size:
            return items.in_order()


def _concurrent(
    fetch: Callable[[int, int], Page[T]],
    items: _Items[T],
    page_nums: range,
    page_size: int,
    concurrency: int,
) -> list[int]:
    """Fetch `page_nums` on up to `concurrency` threads; returns the totals the pages reported.

    At most `concurrency` pages are in flight; a page that only repeats items of pages already received
    (a server ignoring `pageNum`) stops the asking for more.
    """
    workers = max(1, min(concurrency, len(page_nums)))
    received: dict[int, Page[T]] = {}
    to_ask = iter(page_nums)
    pending: dict[Future[Page[T]], int] = {}
    while True:
        while len(pending) < workers and (num := next(to_ask, None)) is not None:
            pending[_start(fetch, num, page_size)] = num
        if not pending:
            break
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=pending.__getitem__):
            num = pending.pop(future)
            received[num] = future.result()  # the first error ends the listing (the rest run out alone)
            if not items.is_new(received[num].items):
                to_ask = iter(())
    for num in sorted(received):
        items.add(num, received[num].items)
    return [page.total for page in received.values() if page.total is not None]


def _start(fetch: Callable[[int, int], Page[T]], page_num: int, page_size: int) -> Future[Page[T]]:
    """Fetch one page on a daemon thread, in a copy of the caller's context."""
    future: Future[Page[T]] = Future()
    context = contextvars.copy_context()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(context.run(fetch, page_num, page_size))
        except BaseException as error:
            future.set_exception(error)

    threading.Thread(target=run, name="pulumi-mms-pages", daemon=True).start()
    return future
