"""Orbit-averaged decay of the semi-major axis and eccentricity under atmospheric drag.

The drag acceleration is 0.5 rho v^2 beta (beta = C_D A / m, m^2/kg) against the velocity
relative to an atmosphere rotating with the Earth (King-Hele's factor
F = (1 - r omega_E cos i / v)^2). Gauss's equations averaged over one revolution, written
with the eccentric anomaly E (King-Hele, "Satellite Orbits in an Atmosphere", 1987, ch. 2;
Vallado 4th ed. section 9.6):

    da/dt = -(beta a^2 / (pi mu)) * integral_0^pi rho v^3 F (1 - e cos E) dE
    de/dt = -(beta (1 - e^2) / pi) * integral_0^pi rho v F cos E dE

with v^2 = (mu / a) (1 + e cos E) / (1 - e cos E). The integrated state is the pair of
perigee and apogee radii, whose rates follow from these without cancellation (see
:func:`averaged_rates`), plus the argument of perigee and the node turning at their J2
rates. The integrals use Gauss-Legendre nodes on [0, E_max], E_max = min(pi,
8 sqrt(H / (a e))): beyond it the density is below e^-32 of its perigee value. Density comes
from :class:`orbit.atmosphere.Jacchia71` at each node's height above the ellipsoid at its
latitude, averaged over the nodes at +nu and -nu, driven by daily exospheric-temperature and
Kp series (:class:`DriverTable`): the global average of the diurnal bulge, or, for orbits
whose drag arc is short, the bulge at the perigee's latitude and solar hour angle. An
optional luni-solar eccentricity rate (a daily table from the caller) is added, scaled with
a^1.5 e sqrt(1 - e^2) as that perturbation is.

Every object carries its own time and step: steps are limited so that the perigee height
moves by at most 0.15 scale heights and the apogee height by at most 5% of the
apogee-perigee span plus 0.15 scale heights (``step_scale`` sets the 0.15), and are at most
``max_step_days``; Heun's method (RK2) then advances all objects at once. An object has
re-entered when its apogee falls below :data:`REENTRY_APOGEE_KM` or its perigee below
:data:`REENTRY_PERIGEE_KM`.

>>> import numpy as np
>>> from orbit.atmosphere import Jacchia71
>>> table = DriverTable.constant(tc=700.0, kp=2.0, days=4000, mjd0=58000.0)
>>> result = integrate_decay(
...     a_km=np.array([6378.135 + 400.0]), e=np.array([0.0005]),
...     inclination_rad=np.array([0.9]), arg_perigee_rad=np.array([0.0]),
...     raan_rad=np.array([0.0]), beta=np.array([0.02]),
...     start_day=np.array([0.0]), series=np.array([0]), drivers=table,
...     end_day=np.array([3999.0]), atmosphere=Jacchia71())
>>> 200 < float(result.reentry_day[0]) < 2000  # a 400 km orbit at low activity: about 1-3 years
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from orbit.atmosphere import DensityModel, diurnal_factor, nighttime_temperature, sun_direction

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MU_KM3_S2 = 398600.8  # WGS-72, as SGP4's mean elements are
EARTH_RADIUS_KM = 6378.135  # WGS-72 equatorial radius
FLATTENING = 1.0 / 298.26
EARTH_ROTATION_RAD_S = 7.292115e-5
J2 = 0.001082616  # WGS-72
SECONDS_PER_DAY = 86400.0

REENTRY_APOGEE_KM = 120.0  # whole orbit below this: less than one revolution left
REENTRY_PERIGEE_KM = 60.0
#: Orbits with a e above this many perigee scale heights meet the air near one point of the
#: diurnal bulge; others see its global average.
LOCAL_BULGE_RATIO = 20.0

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(20)
_NODES_SMOOTH, _WEIGHTS_SMOOTH = np.polynomial.legendre.leggauss(8)

# Kp (in thirds) against the 3-hourly ap it corresponds to (IAGA definition).
_KP_STEPS = np.arange(28) / 3.0
_AP_STEPS = np.array(
    [
        0,
        2,
        3,
        4,
        5,
        6,
        7,
        9,
        12,
        15,
        18,
        22,
        27,
        32,
        39,
        48,
        56,
        67,
        80,
        94,
        111,
        132,
        154,
        179,
        207,
        236,
        300,
        400,
    ],
    dtype=np.float64,
)


def ap_to_kp(ap: FloatArray) -> FloatArray:
    """Equivalent Kp of a (daily mean) ap, interpolated in the IAGA Kp-ap table.

    >>> [round(float(k), 2) for k in ap_to_kp(np.array([0.0, 7.0, 15.0, 400.0]))]
    [0.0, 2.0, 3.0, 9.0]
    """
    return np.interp(ap, _AP_STEPS, _KP_STEPS)


@dataclass(frozen=True)
class DriverTable:
    """Daily density-model drivers: one row per series, one column per day from ``mjd0``.

    ``tc`` is J71's night-time exospheric temperature (K), ``kp`` the equivalent daily Kp.
    Values between days are interpolated linearly; days beyond the table repeat the last one.
    """

    tc: FloatArray  # (series, days)
    kp: FloatArray  # (series, days)
    mjd0: float  # Modified Julian Date of column 0, 00:00 UTC

    @classmethod
    def from_f107(
        cls, f107: FloatArray, f107_81: FloatArray, ap: FloatArray, mjd0: float
    ) -> DriverTable:
        """Build from daily F10.7, its 81-day centred mean and Ap (rows = series).

        J71 takes the flux of the previous day: column d uses F10.7 of day d - 1.
        """
        f = np.atleast_2d(f107)
        previous = np.concatenate([f[:, :1], f[:, :-1]], axis=1)
        tc = nighttime_temperature(previous, np.atleast_2d(f107_81))
        return cls(tc=tc, kp=ap_to_kp(np.atleast_2d(ap)), mjd0=mjd0)

    @classmethod
    def constant(cls, tc: float, kp: float, days: int, mjd0: float) -> DriverTable:
        return cls(tc=np.full((1, days), tc), kp=np.full((1, days), kp), mjd0=mjd0)

    @property
    def days(self) -> int:
        return int(self.tc.shape[1])

    def at(self, series: IntArray, day: FloatArray) -> tuple[FloatArray, FloatArray]:
        pos = np.clip(day, 0.0, self.days - 1.0)
        i = np.minimum(pos.astype(np.int64), self.days - 2)
        frac = pos - i
        tc = self.tc[series, i] * (1.0 - frac) + self.tc[series, i + 1] * frac
        kp = self.kp[series, i] * (1.0 - frac) + self.kp[series, i + 1] * frac
        return tc, kp


def ellipsoid_radius(sin_latitude: FloatArray) -> FloatArray:
    """Earth radius (km) of the WGS-72 ellipsoid at a geocentric latitude (first order in f)."""
    return EARTH_RADIUS_KM * (1.0 - FLATTENING * sin_latitude**2)


def perigee_height_km(
    a_km: FloatArray, e: FloatArray, inclination_rad: FloatArray, arg_perigee_rad: FloatArray
) -> FloatArray:
    """Height of the perigee above the ellipsoid (km)."""
    sin_lat = np.sin(inclination_rad) * np.sin(arg_perigee_rad)
    return a_km * (1.0 - e) - ellipsoid_radius(sin_lat)


def apsidal_rate(a_km: FloatArray, e: FloatArray, inclination_rad: FloatArray) -> FloatArray:
    """J2 secular rate of the argument of perigee (rad/day)."""
    n = np.sqrt(MU_KM3_S2 / a_km**3) * SECONDS_PER_DAY
    p = a_km * (1.0 - e**2)
    return 0.75 * n * J2 * (EARTH_RADIUS_KM / p) ** 2 * (5.0 * np.cos(inclination_rad) ** 2 - 1.0)


def nodal_rate(a_km: FloatArray, e: FloatArray, inclination_rad: FloatArray) -> FloatArray:
    """J2 secular rate of the right ascension of the ascending node (rad/day)."""
    n = np.sqrt(MU_KM3_S2 / a_km**3) * SECONDS_PER_DAY
    p = a_km * (1.0 - e**2)
    return -1.5 * n * J2 * (EARTH_RADIUS_KM / p) ** 2 * np.cos(inclination_rad)


def perigee_diurnal_factor(
    inclination_rad: FloatArray, arg_perigee_rad: FloatArray, raan_rad: FloatArray, mjd: FloatArray
) -> FloatArray:
    """J71's T_inf / T_c at the perigee: where it lies in the diurnal bulge on that date."""
    ci, si = np.cos(inclination_rad), np.sin(inclination_rad)
    cw, sw = np.cos(arg_perigee_rad), np.sin(arg_perigee_rad)
    co, so = np.cos(raan_rad), np.sin(raan_rad)
    x = co * cw - so * sw * ci
    y = so * cw + co * sw * ci
    latitude = np.arcsin(np.clip(sw * si, -1.0, 1.0))
    sun_ra, sun_dec = sun_direction(mjd)
    return diurnal_factor(latitude, np.arctan2(y, x) - sun_ra, sun_dec)


def scale_height_km(
    atmosphere: DensityModel, z_km: FloatArray, tc: FloatArray, kp: FloatArray, mjd: FloatArray
) -> FloatArray:
    """Local density scale height (km) from the model's log-density slope."""
    lower = atmosphere.log_density(z_km - 1.0, tc, kp, mjd)
    upper = atmosphere.log_density(z_km + 1.0, tc, kp, mjd)
    return 2.0 / np.maximum(lower - upper, 1e-6)


def averaged_rates(
    a_km: FloatArray,
    e: FloatArray,
    inclination_rad: FloatArray,
    arg_perigee_rad: FloatArray,
    raan_rad: FloatArray,
    beta: FloatArray,
    tc: FloatArray,
    kp: FloatArray,
    mjd: FloatArray,
    atmosphere: DensityModel,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Orbit-averaged rates of the perigee and apogee radii (km/day) and the perigee scale height.

    da/dt is their mean. Writing the rates of r_p = a (1 - e) and r_a = a (1 + e) directly
    (rather than a and e, whose combination cancels to a small difference for eccentric
    orbits) gives

        dr_p/dt = -(beta a (1 - e) / pi) * integral_0^pi rho v F (1 - cos E) dE
        dr_a/dt = -(beta a (1 + e) / pi) * integral_0^pi rho v F (1 + cos E) dE

    Heights are taken above the ellipsoid at each point's latitude, so that the perigee of an
    eccentric orbit over high latitudes sits as high as it really does. Where the drag arc is
    short (a e > 20 scale heights) the density is J71's local one at the perigee's latitude
    and solar hour angle (the diurnal bulge), not the global average.
    """
    e = np.clip(e, 0.0, 0.99)
    perigee = perigee_height_km(a_km, e, inclination_rad, arg_perigee_rad)
    h_p = scale_height_km(atmosphere, perigee, tc, kp, mjd)
    ae = np.maximum(a_km * e, 1e-9)
    d_perigee = np.empty_like(a_km)
    d_apogee = np.empty_like(a_km)
    # Near-circular orbits see the density change by under e^6 around the orbit: 8 nodes on
    # [0, pi] integrate that to ~1e-6; eccentric ones get 20 nodes on the drag arc.
    peaked = ae > 3.0 * h_p
    local = ae > LOCAL_BULGE_RATIO * h_p
    groups = (
        (np.flatnonzero(~peaked), _NODES_SMOOTH, _WEIGHTS_SMOOTH, False),
        (np.flatnonzero(peaked & ~local), _NODES, _WEIGHTS, False),
        (np.flatnonzero(local), _NODES, _WEIGHTS, True),
    )
    for rows, nodes, weights, at_perigee in groups:
        if rows.size == 0:
            continue
        e_max = np.minimum(math.pi, 8.0 * np.sqrt(h_p[rows] / ae[rows]))
        diurnal = None
        if at_perigee:
            diurnal = perigee_diurnal_factor(
                inclination_rad[rows], arg_perigee_rad[rows], raan_rad[rows], mjd[rows]
            )
        d_perigee[rows], d_apogee[rows] = _arc_integrals(
            a_km[rows],
            e[rows],
            inclination_rad[rows],
            arg_perigee_rad[rows],
            beta[rows],
            tc[rows],
            kp[rows],
            mjd[rows],
            atmosphere,
            e_max,
            nodes,
            weights,
            diurnal,
        )
    return d_perigee, d_apogee, h_p


def _arc_integrals(
    a_km: FloatArray,
    e: FloatArray,
    inclination_rad: FloatArray,
    arg_perigee_rad: FloatArray,
    beta: FloatArray,
    tc: FloatArray,
    kp: FloatArray,
    mjd: FloatArray,
    atmosphere: DensityModel,
    e_max: FloatArray,
    nodes: FloatArray,
    weights: FloatArray,
    diurnal: FloatArray | None,
) -> tuple[FloatArray, FloatArray]:
    big_e = (e_max[:, None] * (nodes[None, :] + 1.0)) / 2.0  # (n, k)
    w = (e_max[:, None] / 2.0) * weights[None, :]
    cos_e = np.cos(big_e)
    a_col, e_col = a_km[:, None], e[:, None]
    r = a_col * (1.0 - e_col * cos_e)
    # True anomaly of each node; the density is averaged over the nodes at +nu and -nu.
    nu = 2.0 * np.arctan2(
        np.sqrt(1.0 + e_col) * np.sin(big_e / 2), np.sqrt(1.0 - e_col) * np.cos(big_e / 2)
    )
    omega = arg_perigee_rad[:, None]
    sin_i = np.sin(inclination_rad)[:, None]
    height = np.concatenate(
        [
            r - ellipsoid_radius(sin_i * np.sin(omega + nu)),
            r - ellipsoid_radius(sin_i * np.sin(omega - nu)),
        ],
        axis=1,
    )
    log_rho = atmosphere.log_density(
        height,
        tc[:, None],
        kp[:, None],
        mjd[:, None],
        None if diurnal is None else diurnal[:, None],
    )
    k = nodes.size
    rho = 0.5 * (np.exp(log_rho[:, :k]) + np.exp(log_rho[:, k:]))  # kg/m^3
    mu = MU_KM3_S2 * 1e9  # m^3/s^2
    v = np.sqrt(mu / (a_col * 1000.0) * (1.0 + e_col * cos_e) / (1.0 - e_col * cos_e))  # m/s
    wind = r * 1000.0 * EARTH_ROTATION_RAD_S * np.cos(inclination_rad)[:, None]
    f = (1.0 - wind / v) ** 2
    common = w * rho * v * f  # kg/m^3 * m/s per radian
    scale = beta * a_km / math.pi * SECONDS_PER_DAY  # (m^2/kg) km s/day
    d_perigee = -scale * (1.0 - e) * np.sum(common * (1.0 - cos_e), axis=1)
    d_apogee = -scale * (1.0 + e) * np.sum(common * (1.0 + cos_e), axis=1)
    return d_perigee, d_apogee


@dataclass(frozen=True)
class LuniSolarRate:
    """Daily de/dt (1/day) from the Sun and Moon on the driver table's days.

    ``row_of[k]`` is object k's row of ``rate``, or -1 for an object without the term.
    """

    rate: FloatArray  # (objects with the term, days)
    row_of: IntArray  # (objects,)
    a0_km: FloatArray  # (objects,)
    e0: FloatArray  # (objects,)

    def subset(self, rows: IntArray) -> LuniSolarRate:
        """The same rates for the objects ``rows`` (sharing the rate table)."""
        return LuniSolarRate(self.rate, self.row_of[rows], self.a0_km[rows], self.e0[rows])

    def at(self, rows: IntArray, day: FloatArray, a_km: FloatArray, e: FloatArray) -> FloatArray:
        out = np.zeros(len(rows))
        table_row = self.row_of[rows]
        has = np.flatnonzero(table_row >= 0)
        if has.size == 0:
            return out
        days = self.rate.shape[1]
        pos = np.clip(day[has], 0.0, days - 1.0)
        i = np.minimum(pos.astype(np.int64), days - 2)
        frac = pos - i
        r = table_row[has]
        base = self.rate[r, i] * (1.0 - frac) + self.rate[r, i + 1] * frac
        ee = e[has]
        e0 = np.maximum(self.e0[rows][has], 1e-9)
        shape = np.sqrt(np.maximum(1.0 - ee**2, 0.0)) * ee
        shape0 = np.sqrt(np.maximum(1.0 - e0**2, 0.0)) * e0
        out[has] = base * (a_km[has] / self.a0_km[rows][has]) ** 1.5 * shape / shape0
        return out


@dataclass(frozen=True)
class DecayResult:
    """Per object: the day (driver-table days) it re-entered, NaN if not by its end day."""

    reentry_day: FloatArray
    a_km: FloatArray  # final state
    e: FloatArray
    steps: int


def integrate_decay(
    *,
    a_km: FloatArray,
    e: FloatArray,
    inclination_rad: FloatArray,
    arg_perigee_rad: FloatArray,
    raan_rad: FloatArray,
    beta: FloatArray,
    start_day: FloatArray,
    series: IntArray,
    drivers: DriverTable,
    end_day: FloatArray,
    atmosphere: DensityModel,
    luni_solar: LuniSolarRate | None = None,
    max_step_days: float = 1.0,
    long_step_fraction: float = 0.02,
    step_scale: float = 0.15,
) -> DecayResult:
    """Integrate every object from ``start_day`` until re-entry or ``end_day``.

    The argument of perigee turns at its J2 rate (it sets the latitude, hence the height
    above the ellipsoid, of the perigee). ``max_step_days`` bounds the step while fewer than
    1 / ``long_step_fraction`` steps' worth of time has elapsed; later the bound grows to that
    fraction of the time already elapsed (long lifetimes need no daily resolution).
    """
    n = len(a_km)
    a0 = np.asarray(a_km, dtype=np.float64)
    e0 = np.asarray(e, dtype=np.float64)
    rp = a0 * (1.0 - e0)  # perigee and apogee radii (km): the integrated state
    ra = a0 * (1.0 + e0)
    omega = np.array(arg_perigee_rad, dtype=np.float64)
    node = np.array(raan_rad, dtype=np.float64)
    t = np.array(start_day, dtype=np.float64)
    t0 = t.copy()
    end = np.asarray(end_day, dtype=np.float64)
    reentry = np.full(n, np.nan)
    active = np.flatnonzero(end > t)
    steps = 0

    def rates(
        rows: IntArray, tt: FloatArray, p: FloatArray, q: FloatArray, ww: FloatArray, oo: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        aa = (p + q) / 2.0
        ee = np.maximum(q - p, 0.0) / (p + q)
        inc = inclination_rad[rows]
        tc, kp = drivers.at(series[rows], tt)
        dp, dq, h = averaged_rates(
            aa, ee, inc, ww, oo, beta[rows], tc, kp, drivers.mjd0 + tt, atmosphere
        )
        if luni_solar is not None:
            de = luni_solar.at(rows, tt, aa, ee)
            dp, dq = dp - aa * de, dq + aa * de
        return dp, dq, h, apsidal_rate(aa, ee, inc), nodal_rate(aa, ee, inc)

    def heights(
        rows: IntArray, p: FloatArray, q: FloatArray, ww: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        radius = ellipsoid_radius(np.sin(inclination_rad[rows]) * np.sin(ww))
        return p - radius, q - radius

    while active.size:
        steps += 1
        rows = active
        p, q, ww, oo, tt = rp[rows], ra[rows], omega[rows], node[rows], t[rows]
        dp1, dq1, h, dw1, do1 = rates(rows, tt, p, q, ww, oo)
        perigee, apogee = heights(rows, p, q, ww)
        bound = np.maximum(max_step_days, long_step_fraction * (tt - t0[rows]))
        dt = np.minimum(bound, step_scale * h / np.maximum(np.abs(dp1), 1e-12))
        span = step_scale / 3.0 * (apogee - perigee) + step_scale * h
        dt = np.minimum(dt, span / np.maximum(np.abs(dq1), 1e-12))
        dt = np.maximum(np.minimum(dt, end[rows] - tt), 1e-7)
        p1 = p + dt * dp1
        q1 = np.maximum(q + dt * dq1, p1)
        dp2, dq2, _, dw2, do2 = rates(rows, tt + dt, p1, q1, ww + dt * dw1, oo + dt * do1)
        p_new = p + 0.5 * dt * (dp1 + dp2)
        q_new = np.maximum(q + 0.5 * dt * (dq1 + dq2), p_new)
        w_new = ww + 0.5 * dt * (dw1 + dw2)
        o_new = oo + 0.5 * dt * (do1 + do2)
        t_new = tt + dt
        perigee_new, apogee_new = heights(rows, p_new, q_new, w_new)
        done = (apogee_new <= REENTRY_APOGEE_KM) | (perigee_new <= REENTRY_PERIGEE_KM)
        # Place the crossing inside the last step by linear interpolation of the apogee.
        crossing = np.clip(
            (apogee - REENTRY_APOGEE_KM) / np.maximum(apogee - apogee_new, 1e-12), 0.0, 1.0
        )
        reentry[rows[done]] = (tt + crossing * dt)[done]
        rp[rows], ra[rows], omega[rows], node[rows], t[rows] = p_new, q_new, w_new, o_new, t_new
        finished = done | (t_new >= end[rows] - 1e-9)
        active = rows[~finished]
    a = (rp + ra) / 2.0
    ecc = (ra - rp) / (rp + ra)
    return DecayResult(reentry_day=reentry, a_km=a, e=ecc, steps=steps)
