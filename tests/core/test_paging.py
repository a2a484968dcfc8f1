"""The paging engine on its own: which pages it asks for, in what shape, and where it stops.

`fetch` here is an in-memory listing that records the pages asked; the client's use of the engine over
real HTTP is tested in tests/core/test_client.py and tests/reliability/test_hostile_answers.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest

from pulumi_mms import MalformedResponse, ServiceUnavailable
from pulumi_mms.core import paging
from pulumi_mms.core.paging import Page, read_all
from pulumi_mms.testing import responses


class Listing:
    """A server-side list of ints paged like the MMS APIs; `shape` may distort each page."""

    def __init__(
        self,
        items: Sequence[int],
        *,
        report_total: bool = True,
        total: int | None = None,
        shape: Callable[[int, list[int]], list[int]] | None = None,
        max_size: int | None = None,
    ) -> None:
        self.items = list(items)
        self.report_total = report_total
        self.total = total
        self.shape = shape
        self.max_size = max_size
        self.asked: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def __call__(self, page_num: int, page_size: int) -> Page[int]:
        with self._lock:
            self.asked.append((page_num, page_size))
        size = min(page_size, self.max_size or page_size)
        start = (page_num - 1) * size
        page = self.items[start : start + size]
        if self.shape:
            page = self.shape(page_num, page)
        total = (self.total if self.total is not None else len(self.items)) if self.report_total else None
        return Page(page, total, size if self.max_size else None)

    @property
    def pages_asked(self) -> list[int]:
        return sorted(num for num, _ in self.asked)


def read(listing: Listing, **kwargs: object) -> list[int]:
    options: dict[str, object] = {"subject": "test list", "page_size": 10, "concurrency": 4, **kwargs}
    return read_all(listing, lambda item: item, **options)  # type: ignore[arg-type]


def test_every_page_once_in_order() -> None:
    listing = Listing(range(95))
    assert read(listing) == list(range(95))
    assert listing.pages_asked == list(range(1, 11))
    assert {size for _, size in listing.asked} == {10}


@pytest.mark.parametrize("count", [0, 1, 9, 10])
def test_one_page_is_one_request(count: int) -> None:
    listing = Listing(range(count))
    assert read(listing) == list(range(count))
    assert listing.pages_asked == [1]


def test_a_missing_total_pages_until_a_short_page() -> None:
    listing = Listing(range(25), report_total=False)
    assert read(listing) == list(range(25))
    assert listing.pages_asked == [1, 2, 3]
    exact = Listing(range(20), report_total=False)
    assert read(exact) == list(range(20))
    assert exact.pages_asked == [1, 2, 3]  # the empty third page ends it


def test_a_server_ignoring_page_num_stops_at_a_repeated_page() -> None:
    same = Listing(range(100), total=5000, shape=lambda _num, _page: list(range(10)))
    assert read(same, concurrency=4) == list(range(10))
    # the page after the first repeat, plus those already in flight: far from 500
    assert len(same.asked) <= 1 + 4 + 4
    no_total = Listing(range(100), report_total=False, shape=lambda _num, _page: list(range(10)))
    assert read(no_total) == list(range(10))
    assert no_total.pages_asked == [1, 2]


def test_a_huge_total_is_refused_after_one_request() -> None:
    listing = Listing(range(20), total=10**12)
    with pytest.raises(MalformedResponse) as caught:
        read(listing, max_pages=1000)
    assert "more than the limit of 1000 pages" in str(caught.value)
    assert "Fix: narrow the listing" in str(caught.value)
    assert listing.pages_asked == [1]


def test_without_a_total_the_hard_page_limit_holds() -> None:
    endless = Listing(range(10**6), report_total=False)
    with pytest.raises(MalformedResponse, match="more than the limit of 5 pages"):
        read(endless, max_pages=5)
    assert endless.pages_asked == [1, 2, 3, 4, 5]


def test_duplicates_across_pages_are_dropped() -> None:
    # every page also repeats the last item of the page before (an item inserted while paging)
    shifted = Listing(range(50), shape=lambda num, page: ([page[0] - 1] if num > 1 else []) + page[:9])
    items = read(shifted)
    assert len(items) == len(set(items))
    assert items == sorted(items)


def test_pages_are_capped_at_total_over_page_size_plus_one() -> None:
    growing = Listing(range(200), total=30)  # reports 30, holds more
    assert read(growing) == list(range(30))
    assert growing.pages_asked == [1, 2, 3]  # the stale total is trusted when no page reports more

    class Growing(Listing):
        def __call__(self, page_num: int, page_size: int) -> Page[int]:
            page = super().__call__(page_num, page_size)
            return Page(page.items, 30 if page_num == 1 else 45)  # grew while paging

    grown = Growing(range(200))
    assert read(grown) == list(range(40))
    assert grown.pages_asked == [1, 2, 3, 4]  # one more page, never more


def test_a_server_paging_by_less_than_asked_is_followed() -> None:
    clamped = Listing(range(45), max_size=7)
    assert read(clamped, page_size=10) == list(range(45))
    assert clamped.pages_asked == list(range(1, 8))


def test_pages_after_the_first_are_fetched_concurrently() -> None:
    barrier = threading.Barrier(4, timeout=10)  # pages 2-5 must all be in flight at once to pass

    class Concurrent(Listing):
        def __call__(self, page_num: int, page_size: int) -> Page[int]:
            if page_num > 1:
                barrier.wait()
            return super().__call__(page_num, page_size)

    listing = Concurrent(range(50))
    assert read(listing, concurrency=4) == list(range(50))
    assert listing.pages_asked == [1, 2, 3, 4, 5]


def test_concurrency_is_bounded() -> None:
    in_flight = 0
    most = 0
    lock = threading.Lock()
    event = threading.Event()

    class Counting(Listing):
        def __call__(self, page_num: int, page_size: int) -> Page[int]:
            nonlocal in_flight, most
            with lock:
                in_flight += 1
                most = max(most, in_flight)
            event.wait(0.01)
            with lock:
                in_flight -= 1
            return super().__call__(page_num, page_size)

    assert read(Counting(range(300)), concurrency=3) == list(range(300))
    assert most <= 3


def test_the_first_error_ends_the_listing_and_cancels_the_rest() -> None:
    class Failing(Listing):
        def __call__(self, page_num: int, page_size: int) -> Page[int]:
            if page_num == 2:
                raise ServiceUnavailable("page 2 failed")
            return super().__call__(page_num, page_size)

    listing = Failing(range(1000))
    with pytest.raises(ServiceUnavailable, match="page 2 failed"):
        read(listing, concurrency=1)
    assert len(listing.asked) < 100


def test_the_page_size_is_the_emulators_limit() -> None:
    assert paging.MAX_PAGE_SIZE == responses.MAX_PAGE_SIZE
