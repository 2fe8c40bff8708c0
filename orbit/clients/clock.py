"""Time source for the clients: wall clock and sleep, replaceable in tests.

Retries, rate limits and cache freshness all depend on time. Every client
takes a :class:`Clock` so that tests can run hours of simulated waiting in
microseconds, and so that a rate limit shared between processes can compare
timestamps written by another process (hence wall-clock seconds, not a
per-process monotonic counter).

>>> clock = FakeClock(start=1_000.0)
>>> clock.sleep(2.5)
>>> clock.time(), clock.slept
(1002.5, [2.5])
>>> clock.now().isoformat()
'1970-01-01T00:16:42.500000+00:00'
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Wall-clock seconds since the Unix epoch, and a way to wait."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)


class FakeClock:
    """A clock that only moves when someone sleeps or calls :meth:`advance`.

    It records every sleep, so tests can check how long a client chose to wait.
    """

    def __init__(self, start: float = 1_780_000_000.0) -> None:
        self._now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self._now += seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._now, UTC)
