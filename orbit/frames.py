"""TEME to Earth-fixed (ITRS) positions, sub-satellite longitudes and GEO drift rates.

SGP4 states are in TEME; longitudes need the Earth-fixed ITRS frame. The rotation comes
from skyfield's ``TEME`` and ``itrs`` frames with its built-in timescale (leap seconds and
UT1 tables shipped with skyfield: nothing is downloaded). Polar motion is left out (it
moves a GEO longitude by well under 0.001 deg).

The TEME x axis points at the mean equinox; at J2000.0 (2000-01-01 12:00) Greenwich mean
sidereal time was 280.4606 deg, so the point below it lay at 360 - 280.4606 = 79.539 deg E:

>>> jd, fr = np.array([2451545.0]), np.array([0.0])
>>> round(float(subsatellite_longitude_deg([[42164.0, 0.0, 0.0]], jd, fr)[0]), 2)
79.54
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from skyfield.api import load
from skyfield.framelib import itrs
from skyfield.sgp4lib import TEME

from orbit.elements import ElementSet
from orbit.facts import brouwer_mean_motion, secular_rates
from orbit.propagate import julian_dates

#: Earth's rotation rate relative to the mean equinox, deg per (UT1) day (IERS, 1.00273781191135448 rev).
EARTH_ROTATION_DEG_DAY = 360.98564736629

FloatArray = NDArray[np.float64]


@lru_cache(maxsize=1)
def timescale() -> Any:
    """skyfield's timescale from its built-in tables (never downloads)."""
    return load.timescale(builtin=True)


def skyfield_times(jd: ArrayLike, fr: ArrayLike) -> Any:
    """Skyfield ``Time`` array for UTC Julian dates given as (whole, fraction)."""
    whole = np.atleast_1d(np.asarray(jd, dtype=np.float64))
    fraction = np.atleast_1d(np.asarray(fr, dtype=np.float64))
    # Through calendar fields, so that skyfield applies the leap seconds itself.
    ns = np.round(((whole - 2440587.5) + fraction) * 86_400e9).astype(np.int64)
    stamps = ns.astype("datetime64[ns]")
    days = stamps.astype("datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    seconds = (stamps - days).astype(np.int64) / 1e9
    return timescale().utc(
        years.astype(np.int64) + 1970,
        (months - years).astype(np.int64) + 1,
        (days - months).astype(np.int64) + 1,
        0,
        0,
        seconds,
    )


def teme_to_itrs(r_teme_km: ArrayLike, jd: ArrayLike, fr: ArrayLike) -> FloatArray:
    """Positions ``[n, 3]`` in TEME at times ``n`` (UTC Julian dates) rotated into ITRS."""
    r = np.atleast_2d(np.asarray(r_teme_km, dtype=np.float64))
    t = skyfield_times(jd, fr)
    if r.shape != (t.shape[0], 3):
        raise ValueError(f"r_teme_km must have shape [{t.shape[0]}, 3], got {r.shape}")
    to_teme = np.asarray(TEME.rotation_at(t)).reshape(3, 3, -1)
    to_itrs = np.asarray(itrs.rotation_at(t)).reshape(3, 3, -1)
    gcrs = np.einsum("jin,nj->ni", to_teme, r)  # TEME -> GCRS: the transpose
    itrs_km: FloatArray = np.einsum("ijn,nj->ni", to_itrs, gcrs)
    return itrs_km


def subsatellite_longitude_deg(r_teme_km: ArrayLike, jd: ArrayLike, fr: ArrayLike) -> FloatArray:
    """East longitude (-180, 180] of the points below TEME positions ``[n, 3]``."""
    r = teme_to_itrs(r_teme_km, jd, fr)
    longitude: FloatArray = np.degrees(np.arctan2(r[:, 1], r[:, 0]))
    return longitude


def element_set_longitude_deg(element_set: ElementSet, at: datetime | None = None) -> float:
    """Sub-satellite east longitude of an object at ``at`` (default: its element epoch).

    Raises ``ValueError`` naming the object when SGP4 cannot propagate it to that time.
    """
    sat = element_set.to_satrec()
    if at is None:
        jd, fr = np.array([sat.jdsatepoch]), np.array([sat.jdsatepochF])
    else:
        jd, fr = julian_dates([at])
    error, r, _ = sat.sgp4_array(jd, fr)
    if error[0]:
        raise ValueError(
            f"NORAD {element_set.norad_id}: SGP4 error {int(error[0])} at "
            f"{(at or element_set.epoch).isoformat()}"
        )
    return float(subsatellite_longitude_deg(r, jd, fr)[0])


def mean_motion_drift_deg_day(element_set: ElementSet) -> float:
    """Longitude drift (deg/day, east positive) from SGP4's secular rates.

    The rate of the mean longitude (mean anomaly + perigee + node, J2/J4 secular terms)
    minus Earth's rotation; lunisolar terms are left out (a few 0.001 deg/day in GEO).
    """
    n_kozai = element_set.mean_motion * 2.0 * np.pi / 1440.0
    e, inc = element_set.eccentricity, element_set.inclination_deg
    n_brouwer, a_er = brouwer_mean_motion(n_kozai, e, inc)
    rates = secular_rates(n_brouwer, a_er, e, inc)
    rate_rad_min = rates.mean_anomaly + rates.arg_perigee + rates.raan
    return float(np.degrees(rate_rad_min) * 1440.0 - EARTH_ROTATION_DEG_DAY)


def propagated_drift_deg_day(
    element_set: ElementSet, days: float = 1.0, samples: int = 48
) -> float:
    """Longitude drift (deg/day, east positive) between mean longitudes ``days`` apart.

    Each mean longitude is the average of the sub-satellite longitude over one orbit,
    which removes the daily swing that eccentricity and inclination give a GEO object.
    """
    sat = element_set.to_satrec()
    period_days = 1.0 / element_set.mean_motion
    offsets = np.arange(samples) * (period_days / samples)
    offsets = np.concatenate([offsets, offsets + days])
    fr = sat.jdsatepochF + offsets
    jd = np.full_like(fr, sat.jdsatepoch)
    error, r, _ = sat.sgp4_array(jd, fr)
    if error.any():
        code = int(error[np.flatnonzero(error)[0]])
        raise ValueError(f"NORAD {element_set.norad_id}: SGP4 error {code} within {days} days")
    longitude = np.unwrap(np.radians(subsatellite_longitude_deg(r, jd, fr)))
    first, second = longitude[:samples].mean(), longitude[samples:].mean()
    return float(np.degrees(second - first) / days)
