"""RateLimiter: sliding windows, spacing, a budget shared through a state file (fake clock)."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest

from orbit.clients.clock import FakeClock
from orbit.clients.errors import RateLimitWaitError
from orbit.clients.ratelimit import SPACE_TRACK_WINDOWS, RateLimiter, RateWindow


def max_in_any_window(times: list[float], seconds: float) -> int:
    """Most requests inside any half-open interval [t, t + seconds)."""
    return max(sum(1 for u in times if t <= u < t + seconds) for t in times)


def run(limiter: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        limiter.acquire()
        times.append(clock.time())
    return times


def test_space_track_minute_limit_spaces_the_31st_request(clock) -> None:
    start = clock.time()
    times = run(RateLimiter(SPACE_TRACK_WINDOWS, clock=clock), clock, 31)

    assert times[:30] == [start] * 30  # a burst of 30 is allowed
    assert times[30] == pytest.approx(start + 60.0)  # the 31st waits for the first to age out
    assert max_in_any_window(times, 60.0) == 30


def test_space_track_hour_limit_holds_over_a_long_run(clock) -> None:
    start = clock.time()
    times = run(RateLimiter(SPACE_TRACK_WINDOWS, clock=clock), clock, 301)

    assert max_in_any_window(times, 60.0) <= 30
    assert max_in_any_window(times, 3600.0) == 300
    assert times[300] == pytest.approx(start + 3600.0)


def test_minimum_interval_spaces_every_request(clock) -> None:
    times = run(RateLimiter([], min_interval=2.0, clock=clock), clock, 4)
    assert [b - a for a, b in itertools.pairwise(times)] == pytest.approx([2.0] * 3)


def test_time_passing_between_requests_is_credited(clock) -> None:
    limiter = RateLimiter([RateWindow(2, 60.0)], clock=clock)
    limiter.acquire()
    clock.advance(45)
    limiter.acquire()
    clock.advance(10)
    assert limiter.wait_time() == pytest.approx(5.0)  # the first request leaves at t0 + 60
    assert limiter.acquire() == pytest.approx(5.0)


def test_a_wait_longer_than_allowed_raises_instead_of_hanging(clock) -> None:
    limiter = RateLimiter(SPACE_TRACK_WINDOWS, clock=clock, max_wait=600.0)
    for _ in range(300):
        clock.advance(2.0)  # 300 requests in 10 minutes: hourly budget gone
        limiter.acquire()
    with pytest.raises(RateLimitWaitError) as caught:
        limiter.acquire()
    assert caught.value.wait_seconds == pytest.approx(3600.0 - 598.0)
    assert "300 per 3600 s" in str(caught.value)
    assert "more than the 600 s" in str(caught.value)


def test_on_wait_is_told_before_waiting(clock) -> None:
    heard: list[str] = []
    limiter = RateLimiter([RateWindow(1, 10.0)], clock=clock, on_wait=heard.append)
    limiter.acquire()
    limiter.acquire()
    assert heard == ["rate limit 1 per 10 s: waiting 10.0 s"]


def test_state_file_shares_one_budget_between_limiters(clock, tmp_path: Path) -> None:
    state = tmp_path / "requests.log"
    cli = RateLimiter(SPACE_TRACK_WINDOWS, clock=clock, state_file=state)
    worker = RateLimiter(SPACE_TRACK_WINDOWS, clock=clock, state_file=state)
    start = clock.time()
    for _ in range(15):
        cli.acquire()
        worker.acquire()
    assert clock.time() == start
    assert worker.acquire() == pytest.approx(60.0)  # the 31st of the account, whoever sends it
    assert len(state.read_text().split()) == 31


def test_state_file_damage_is_tolerated(clock, tmp_path: Path) -> None:
    state = tmp_path / "requests.log"
    state.write_text(f"{clock.time():.6f}\ngarbage\n{clock.time():.6f}\n12.5")
    limiter = RateLimiter([RateWindow(3, 60.0)], clock=clock, state_file=state)
    assert limiter.acquire() == 0.0  # two valid recent entries + this one
    assert limiter.acquire() == pytest.approx(60.0)


def test_threads_share_the_budget(tmp_path: Path) -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter([RateWindow(5, 60.0)], clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        waited = limiter.acquire()
        with lock:
            waits.append(waited)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert waits == [0.0] * 5
    assert limiter.wait_time() == pytest.approx(60.0)


@pytest.mark.parametrize(("limit", "seconds"), [(0, 60.0), (5, 0.0), (-1, 10.0)])
def test_nonsense_windows_are_refused(limit: int, seconds: float) -> None:
    with pytest.raises(ValueError, match="rate window needs"):
        RateWindow(limit, seconds)


def test_a_limiter_needs_some_limit() -> None:
    with pytest.raises(ValueError, match="at least one window"):
        RateLimiter([])
