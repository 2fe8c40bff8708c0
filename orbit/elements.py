"""Mean element sets: the one in-memory form every parser produces.

An :class:`ElementSet` holds the SGP4 mean elements of one object at one epoch
as plain numbers, so that it pickles (worker processes rebuild their ``Satrec``
objects from it: the C++ ``Satrec`` does not pickle) and so that the NORAD
catalog number, which may exceed what a ``Satrec`` can hold (339,999), stays an
ordinary integer outside it.

>>> es = ElementSet(
...     norad_id=25544, designator="1998-067A", name="ISS (ZARYA)",
...     epoch=datetime(2019, 12, 9, 16, 38, 29, 363424, tzinfo=UTC),
...     mean_motion=15.50103472, eccentricity=0.0007417, inclination_deg=51.6439,
...     raan_deg=211.2001, arg_perigee_deg=17.6667, mean_anomaly_deg=85.6398,
...     bstar=3.8792e-05, mean_motion_dot=1.764e-05, mean_motion_ddot=0.0)
>>> round(es.period_min, 3)
92.897
>>> sat = es.to_satrec()
>>> error, r, v = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF)
>>> error
0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from sgp4.api import WGS72, Satrec

MINUTES_PER_DAY = 1440.0
TWO_PI = 2.0 * math.pi

#: Julian date of 1949-12-31 00:00 UTC, the origin of ``Satrec.sgp4init`` epochs.
_JD_1949_12_31 = 2433281.5
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_JD_UNIX_EPOCH = 2440587.5

#: Minutes per radian of revolution, the divisor twoline2rv uses for rev/day.
_XPDOTP = MINUTES_PER_DAY / TWO_PI

#: Highest catalog number that a ``Satrec`` (and a TLE, through Alpha-5) can carry.
MAX_SATREC_NUMBER = 339_999


@dataclass(frozen=True, slots=True)
class ElementSet:
    """SGP4 mean elements of one object at one epoch (TEME, Kozai mean motion)."""

    norad_id: int
    designator: str | None  # normalised "YYYY-NNNP", or None when the source leaves it blank
    name: str | None
    epoch: datetime  # UTC, timezone-aware
    mean_motion: float  # revolutions per day
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar: float  # 1 / Earth radii
    mean_motion_dot: float = 0.0  # rev/day^2, the TLE's "first derivative / 2" field
    mean_motion_ddot: float = 0.0  # rev/day^3, the TLE's "second derivative / 6" field
    classification: str = "U"
    element_set_no: int = 0
    rev_at_epoch: int = 0
    ephemeris_type: int = 0
    source: str | None = None  # file name or URL the record came from
    record: int | None = None  # line number (TLE) or record number (OMM) in that source

    @property
    def period_min(self) -> float:
        """Anomalistic period from the mean motion, in minutes."""
        return MINUTES_PER_DAY / self.mean_motion

    @property
    def epoch_jd(self) -> tuple[float, float]:
        """The epoch as a (whole, fraction) Julian date pair, as sgp4 wants it."""
        # Whole days and the time of day apart: one float sum of both loses ~2e-12 day.
        delta = self.epoch - _UNIX_EPOCH
        return delta.days + _JD_UNIX_EPOCH, (delta.seconds + delta.microseconds / 1e6) / 86400.0

    def to_satrec(self) -> Satrec:
        """Initialise an SGP4 ``Satrec`` from these elements (WGS-72, improved mode).

        The satellite number inside the ``Satrec`` is the NORAD id when it fits
        and 0 otherwise; callers keep ``norad_id`` themselves.
        """
        whole, fraction = self.epoch_jd
        sat = Satrec()
        sat.sgp4init(
            WGS72,
            "i",
            self.norad_id if 0 <= self.norad_id <= MAX_SATREC_NUMBER else 0,
            # Rounded exactly as Satrec.twoline2rv rounds them, so both propagate identically.
            (whole + fraction) - _JD_1949_12_31,
            self.bstar,
            self.mean_motion_dot / (_XPDOTP * MINUTES_PER_DAY),
            self.mean_motion_ddot / (_XPDOTP * MINUTES_PER_DAY * MINUTES_PER_DAY),
            self.eccentricity,
            math.radians(self.arg_perigee_deg),
            math.radians(self.inclination_deg),
            math.radians(self.mean_anomaly_deg),
            self.mean_motion / _XPDOTP,
            math.radians(self.raan_deg),
        )
        # sgp4init rounds the epoch through one float; restore the exact split.
        sat.jdsatepoch, sat.jdsatepochF = whole, fraction
        return sat
