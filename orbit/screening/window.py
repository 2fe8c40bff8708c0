"""The screening window: one origin, times as float seconds from it.

Every time inside the screen is a float number of seconds after the window
start, so that differences near the TCA keep sub-microsecond resolution; this
module turns them into what SGP4 wants (a Julian date split in two) and into the
ISO 8601 text of the output.

>>> from datetime import UTC, datetime
>>> w = Window(datetime(2022, 1, 22, tzinfo=UTC), 3600.0)
>>> w.jd_whole, w.jd_fraction
(2459601.5, 0.0)
>>> w.iso(1.23456)
'2022-01-22T00:00:01.235Z'
>>> w.seconds_from(datetime(2022, 1, 22, 0, 10, tzinfo=UTC))
600.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SECONDS_PER_DAY = 86400.0
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_JD_UNIX_EPOCH = 2440587.5


def iso_ms(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, rounding to the nearest millisecond.

    >>> iso_ms(datetime(2022, 1, 22, 23, 59, 59, 999600, tzinfo=UTC))
    '2022-01-23T00:00:00.000Z'
    """
    rounded = _UNIX_EPOCH + timedelta(
        milliseconds=round((moment - _UNIX_EPOCH) / timedelta(milliseconds=1))
    )
    return rounded.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rounded.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class Window:
    """A screening window: aware UTC ``start`` and a ``duration_s`` in seconds."""

    start: datetime
    duration_s: float

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("window start must be timezone-aware (UTC)")
        if not (self.duration_s > 0.0 and math.isfinite(self.duration_s)):
            raise ValueError(f"window duration must be positive, got {self.duration_s!r} s")

    @property
    def jd_whole(self) -> float:
        """Whole part of the start's Julian date (a day boundary, ends in .5)."""
        return (self.start - _UNIX_EPOCH).days + _JD_UNIX_EPOCH

    @property
    def jd_fraction(self) -> float:
        """Fraction of a day from :attr:`jd_whole` to the start.

        Taken from the integer parts of the offset so that it carries no
        rounding from the ~2.4 million days in front of it.
        """
        delta = self.start - _UNIX_EPOCH
        return (delta.seconds + delta.microseconds / 1e6) / SECONDS_PER_DAY

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration_s)

    def datetime_at(self, seconds: float) -> datetime:
        """The moment ``seconds`` after the start."""
        return self.start + timedelta(seconds=seconds)

    def iso(self, seconds: float) -> str:
        """ISO 8601 text (UTC, milliseconds, ``Z``) of the moment ``seconds`` after the start."""
        return iso_ms(self.datetime_at(seconds))

    def seconds_from(self, moment: datetime) -> float:
        """Seconds from the window start to ``moment`` (negative before it)."""
        return (moment - self.start) / timedelta(seconds=1)
