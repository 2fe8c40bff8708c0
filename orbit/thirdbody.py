"""Secular change of eccentricity from the Sun and the Moon (quadrupole, orbit-averaged).

Averaged over one revolution of the satellite, the tidal (quadrupole) potential of a distant
body of gravitational parameter mu_3 at distance r_3 in direction n changes the eccentricity at

    de/dt = -(15/2) (mu_3 / (r_3^3 n)) e sqrt(1 - e^2) (P . n)(Q . n)

where n is the satellite's mean motion, P the unit vector to perigee and Q the unit vector 90
degrees ahead of it in the orbit plane. Averaged over a circular third-body orbit in the
reference plane this is the Lidov-Kozai rate (15/8) (n_3^2 / n) e sqrt(1 - e^2) sin^2 i
sin 2 omega. (Derivation: the orbit average of r r is (a^2 / 2) [(1 - e^2)(I - h h) + 5 e e];
Milankovitch's vector equations then give the rate; see Tremaine, Touma and Kazandjian, MNRAS
394 (2009) 1085, section 3.) The Sun and the Moon come from the JPL DE421 ephemeris shipped
with skyfield-data, so nothing is downloaded.

SDP4 carries these terms (and more) for orbits of 225 minutes and longer; this module gives
them to shorter eccentric orbits too, such as a rocket stage left in a 200 x 5,000 km orbit,
whose perigee the Moon and Sun move by kilometres a month.

>>> import numpy as np
>>> mjd = np.array([59000.0])
>>> rate = eccentricity_rate(mjd, a_km=np.array([24000.0]), e=np.array([0.72]),
...     inclination_rad=np.array([0.49]), raan_rad=np.array([1.0]),
...     arg_perigee_rad=np.array([4.5]))
>>> bool(1e-6 < abs(float(rate[0, 0])) < 1e-3)  # per day: a GTO perigee moves km per week
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbit.decay import MU_KM3_S2, SECONDS_PER_DAY

FloatArray = NDArray[np.float64]

MU_SUN_KM3_S2 = 1.32712440018e11
MU_MOON_KM3_S2 = 4902.800066
#: DE421 covers 1899-07-29 to 2053-10-09.
EPHEMERIS_START_MJD, EPHEMERIS_END_MJD = 14864.0, 71184.0


@lru_cache(maxsize=1)
def _ephemeris() -> tuple[Any, Any]:
    from importlib.resources import as_file, files

    from skyfield.api import load_file

    from orbit.frames import timescale

    # Straight to the file: skyfield-data's path helper warns about its Earth-orientation
    # tables expiring, which this module does not use.
    with as_file(files("skyfield_data") / "data" / "de421.bsp") as path:
        planets = load_file(str(path))
    return planets, timescale()


def sun_moon(mjd: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Geocentric positions (km, ICRF axes) of the Sun and the Moon, shape (len(mjd), 3)."""
    planets, ts = _ephemeris()
    t = ts.tt_jd(np.asarray(mjd, dtype=np.float64) + 2400000.5)
    earth = planets["earth"]
    sun = (planets["sun"] - earth).at(t).position.km
    moon = (planets["moon"] - earth).at(t).position.km
    return np.asarray(sun.T, dtype=np.float64), np.asarray(moon.T, dtype=np.float64)


def perigee_frame(
    inclination: FloatArray, raan: FloatArray, arg_perigee: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Unit vectors P (to perigee) and Q (90 degrees ahead), shape (..., 3)."""
    ci, si = np.cos(inclination), np.sin(inclination)
    co, so = np.cos(raan), np.sin(raan)
    cw, sw = np.cos(arg_perigee), np.sin(arg_perigee)
    p = np.stack([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si], axis=-1)
    q = np.stack([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si], axis=-1)
    return p, q


def tidal_term(p: FloatArray, q: FloatArray, position_km: FloatArray, mu: float) -> FloatArray:
    """mu_3 / r_3^3 (P . n)(Q . n) (1/s^2) for P, Q of shape (orbits, days, 3) and the body's
    geocentric positions of shape (days, 3)."""
    distance = np.linalg.norm(position_km, axis=1)
    direction = position_km / distance[:, None]
    pn = np.einsum("odk,dk->od", p, direction)
    qn = np.einsum("odk,dk->od", q, direction)
    return np.asarray(mu / distance**3 * pn * qn, dtype=np.float64)


def eccentricity_rate(
    mjd: ArrayLike,
    *,
    a_km: ArrayLike,
    e: ArrayLike,
    inclination_rad: ArrayLike,
    raan_rad: ArrayLike,
    arg_perigee_rad: ArrayLike,
) -> FloatArray:
    """de/dt (1/day) from the Sun and the Moon for each orbit (rows) on each day ``mjd``
    (columns). The angles are per orbit, or per orbit and day (e.g. precessing under J2)."""
    mjd = np.asarray(mjd, dtype=np.float64)
    sun, moon = sun_moon(mjd)
    a = np.asarray(a_km, dtype=np.float64)[:, None]
    ecc = np.asarray(e, dtype=np.float64)[:, None]
    shape = (a.shape[0], len(mjd))

    def per_day(angle: ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(angle, dtype=np.float64).reshape(shape[0], -1), shape)

    p, q = perigee_frame(per_day(inclination_rad), per_day(raan_rad), per_day(arg_perigee_rad))
    total = tidal_term(p, q, sun, MU_SUN_KM3_S2) + tidal_term(p, q, moon, MU_MOON_KM3_S2)
    mean_motion = np.sqrt(MU_KM3_S2 / a**3)  # rad/s
    rate = -7.5 * total / mean_motion * ecc * np.sqrt(1.0 - ecc**2)
    return np.asarray(rate * SECONDS_PER_DAY, dtype=np.float64)
