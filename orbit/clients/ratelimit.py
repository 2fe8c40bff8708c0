"""Client-side rate limiting over sliding windows ("at most N requests in any S seconds").

Space-Track counts requests per account, not per process: a command-line run
and a background job fetching at the same time share one budget. Give the
limiter a ``state_file`` and every process using that file shares it (the file
is locked while read and updated). Without one the budget is per instance.

>>> from orbit.clients.clock import FakeClock
>>> clock = FakeClock(start=0.0)
>>> limiter = RateLimiter([RateWindow(2, 60.0)], clock=clock)
>>> [limiter.acquire() for _ in range(3)]  # the third waits for the first to leave the window
[0.0, 0.0, 60.0]
"""

from __future__ import annotations

import bisect
import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from orbit.clients.clock import Clock, SystemClock
from orbit.clients.errors import RateLimitWaitError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the state file is then shared by threads only
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class RateWindow:
    """At most ``limit`` requests in any interval of ``seconds``."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.seconds <= 0:
            raise ValueError(f"rate window needs limit >= 1 and seconds > 0, got {self}")

    def __str__(self) -> str:
        return f"{self.limit} per {self.seconds:g} s"


#: Space-Track's published API limits: 30 requests per minute and 300 per hour.
SPACE_TRACK_WINDOWS = (RateWindow(30, 60.0), RateWindow(300, 3600.0))


class RateLimiter:
    """Blocks in :meth:`acquire` until one more request fits every window.

    ``min_interval`` additionally spaces consecutive requests, so a burst of
    30 is spread out rather than sent in one second. ``max_wait`` turns a long
    wait (an exhausted hourly budget) into :class:`RateLimitWaitError` instead
    of a silent hang. ``on_wait`` hears about every wait before it starts.
    """

    def __init__(
        self,
        windows: Sequence[RateWindow],
        *,
        min_interval: float = 0.0,
        clock: Clock | None = None,
        state_file: Path | None = None,
        max_wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        if not windows and min_interval <= 0:
            raise ValueError("a rate limiter needs at least one window or a minimum interval")
        self.windows = tuple(windows)
        self.min_interval = min_interval
        self.clock: Clock = clock or SystemClock()
        self.state_file = state_file
        self.max_wait = max_wait
        self.on_wait = on_wait
        self._horizon = max([w.seconds for w in self.windows] + [min_interval])
        self._times: list[float] = []  # sorted request times; used without a state file
        self._lock = threading.Lock()

    def wait_time(self, now: float | None = None) -> float:
        """Seconds until one more request would fit every window (0 if it fits now)."""
        with self._lock, self._state() as times:
            return self._wait(times, self.clock.time() if now is None else now)[0]

    def acquire(self) -> float:
        """Wait until a request may be sent, record it, and return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock, self._state() as times:
                now = self.clock.time()
                wait, limit = self._wait(times, now)
                if wait <= 0:
                    bisect.insort(times, now)
                    return waited
            if self.max_wait is not None and waited + wait > self.max_wait:
                raise RateLimitWaitError(waited + wait, self.max_wait, limit)
            if self.on_wait is not None:
                self.on_wait(f"rate limit {limit}: waiting {wait:.1f} s")
            # Sleep outside the lock so other threads can still ask how long to wait.
            self.clock.sleep(wait)
            waited += wait

    def _wait(self, times: list[float], now: float) -> tuple[float, str]:
        """Longest wait any window imposes at ``now``, and which limit imposes it."""
        del times[: bisect.bisect_right(times, now - self._horizon)]
        wait, limit = 0.0, ""
        if times and self.min_interval > 0:
            spacing = times[-1] + self.min_interval - now
            if spacing > wait:
                wait, limit = spacing, f"one per {self.min_interval:g} s"
        for window in self.windows:
            recent = len(times) - bisect.bisect_right(times, now - window.seconds)
            if recent >= window.limit:
                # The oldest request that still counts must leave the window first.
                free_at = times[len(times) - window.limit] + window.seconds
                if free_at - now > wait:
                    wait, limit = free_at - now, str(window)
        return wait, limit

    @contextlib.contextmanager
    def _state(self) -> Iterator[list[float]]:
        """The request times, from memory or from the shared, locked state file."""
        if self.state_file is None:
            yield self._times
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.state_file, "a+", encoding="ascii") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                times = _read_times(handle)
                before = list(times)
                yield times
                if times != before:
                    handle.seek(0)
                    handle.truncate()
                    handle.write("".join(f"{t:.6f}\n" for t in times))
                    handle.flush()
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)


def _read_times(handle: IO[str]) -> list[float]:
    handle.seek(0)
    times: list[float] = []
    for line in handle:
        # A line cut short by a crash is dropped: losing one entry only makes
        # the limiter slightly more generous than the truth, never stuck.
        with contextlib.suppress(ValueError):
            times.append(float(line))
    times.sort()
    return times
