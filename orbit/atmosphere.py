"""Thermospheric density: Jacchia 1971 driven by F10.7 and Ap, and an exponential table.

Jacchia 1971 (L.G. Jacchia, "Revised static models of the thermosphere and exosphere with
empirical temperature profiles", SAO Special Report 332, 1971; equations as summarised in
Vallado, "Fundamentals of Astrodynamics and Applications", 4th ed., appendix B, and in the
GTDS mathematical theory, Long et al. 1989) is computed here from its defining equations:

* boundary at 90 km: T = 183 K, density 3.46e-6 kg/m^3, sea-level composition;
* temperature: a fourth-degree polynomial from 90 km to the inflection point at 125 km, an
  arctangent approach to the exospheric temperature T_inf above it;
* 90-100 km: mixing (barometric equation with the published mean-molecular-mass polynomial);
  above 100 km: diffusive equilibrium of N2, O2, O, Ar, He (thermal diffusion -0.38) and,
  above 500 km, H, integrated numerically on a 0.5 km grid;
* T_inf from the night-time minimum T_c = 379 + 3.24 F81 + 1.3 (F - F81) K, the diurnal
  bulge (R = 0.3, m = 2.2, n = 3, beta = -37 deg, p = 6 deg, gamma = 43 deg) and the
  geomagnetic term 28 Kp + 0.03 exp(Kp) K (14 Kp + 0.02 exp(Kp) K and
  0.012 Kp + 1.2e-5 exp(Kp) in log10 density below 200 km);
* the semi-annual density variation; the seasonal-latitudinal term in :func:`local_density`.

For orbit-averaged decay, :class:`Jacchia71` tabulates the density averaged over the globe
(area-weighted latitudes, all local solar times, Sun in the equator) as a function of height
and T_c, so an orbit average costs one table look-up per sample point.

:func:`exponential_density` is the exponential table of Vallado (table 8-4, from CIRA-72),
the baseline the brief measures against (:class:`ExponentialAtmosphere`). Above 120 km that
table is J71 at T_inf = 1000 K, which the tests use as the reference for the static profile.

>>> round(float(static_density(400.0, 1000.0)) * 1e12, 2)  # kg/m^3 x 1e12 at 400 km, T_inf 1000 K
3.69
>>> atmosphere = Jacchia71()
>>> rho = atmosphere.density(400.0, tc=800.0, kp=2.0, mjd=58500.0)
>>> 1e-12 < float(rho) < 1e-11
True
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

R_GAS = 8.31432  # J / (mol K), the value J71 uses
G0 = 9.80665  # m / s^2
EARTH_RADIUS_J71_KM = 6356.766  # radius in J71's gravity law g = G0 (R / (R + z))^2
AVOGADRO = 6.022045e23

Z0_KM, T0_K, RHO0 = 90.0, 183.0, 3.46e-6  # lower boundary: height, temperature, kg/m^3
ZX_KM = 125.0  # inflection point of the temperature profile
Z_DIFFUSION_KM = 100.0  # mixing below, diffusive equilibrium above
Z_HYDROGEN_KM = 500.0
M_SEA_LEVEL = 28.960  # g/mol

# Sea-level volume fractions and molar masses (g/mol); thermal diffusion factor of He.
Q_N2, Q_O2, Q_AR, Q_HE = 0.78110, 0.20955, 0.0093432, 0.0000061471
M_N2, M_O2, M_O, M_AR, M_HE, M_H = 28.0134, 31.9988, 15.9994, 39.948, 4.0026, 1.00797
ALPHA_HE = -0.38

# Mean molecular mass (g/mol) between 90 and 100 km: sum of c_k z^k, z in km.
_MEAN_MASS = (
    -435093.363387,
    28275.5646391,
    -765.33466108,
    11.043387545,
    -0.08958790995,
    0.00038737586,
    -0.000000697444,
)
# T(z) = Tx + (Tx - T0) / 35^4 * sum of c_k z^k between 90 and 125 km.
_LOWER_PROFILE = (-89284375.0, 3542400.0, -52687.5, 340.5, -0.8)

# Diurnal variation of the exospheric temperature.
_R_DIURNAL, _M_DIURNAL, _N_DIURNAL = 0.3, 2.2, 3.0
_BETA, _P, _GAMMA = math.radians(-37.0), math.radians(6.0), math.radians(43.0)

_OBLIQUITY = math.radians(23.44)

# Table grids.
_STEP_KM = 0.5
_Z_TOP_KM = 2500.0
_TINF_GRID = np.arange(400.0, 3200.0 + 1e-9, 10.0)
_TC_GRID = np.arange(400.0, 2400.0 + 1e-9, 10.0)
_TABLE_STEP_KM = 1.0


def inflection_temperature(t_inf: ArrayLike) -> FloatArray:
    """Temperature at 125 km (K) for an exospheric temperature ``t_inf`` (K)."""
    t = np.asarray(t_inf, dtype=np.float64)
    return 371.6678 + 0.0518806 * t - 294.3505 * np.exp(-0.00216222 * t)


def temperature(z_km: ArrayLike, t_inf: ArrayLike) -> FloatArray:
    """J71 temperature profile (K) at height ``z_km`` (>= 90 km) for exospheric ``t_inf``.

    >>> round(float(temperature(90.0, 1000.0)), 6), round(float(temperature(3000.0, 1000.0)))
    (183.0, 1000)
    """
    z = np.asarray(z_km, dtype=np.float64)
    t_inf_a = np.asarray(t_inf, dtype=np.float64)
    tx = inflection_temperature(t_inf_a)
    poly = np.polynomial.polynomial.polyval(np.minimum(z, ZX_KM), _LOWER_PROFILE)
    lower = tx + (tx - T0_K) / 35.0**4 * poly
    gx = 1.9 * (tx - T0_K) / (ZX_KM - Z0_KM)
    a = 2.0 / math.pi * (t_inf_a - tx)
    dz = np.maximum(z - ZX_KM, 0.0)
    upper = tx + a * np.arctan(gx / a * dz * (1.0 + 4.5e-6 * dz**2.5))
    return np.asarray(np.where(z <= ZX_KM, lower, upper), dtype=np.float64)


def _gravity(z_km: FloatArray) -> FloatArray:
    return G0 * (EARTH_RADIUS_J71_KM / (EARTH_RADIUS_J71_KM + z_km)) ** 2


def _cumulative(integrand: FloatArray, step_m: float) -> FloatArray:
    """Cumulative trapezoid integral along the last axis, starting at 0."""
    out = np.zeros_like(integrand)
    out[..., 1:] = np.cumsum(0.5 * (integrand[..., 1:] + integrand[..., :-1]), axis=-1) * step_m
    return out


def _static_log_density(t_inf: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Heights, and ln of J71 total and helium densities (kg/m^3) on them, per T_inf row."""
    z = np.arange(Z0_KM, _Z_TOP_KM + _STEP_KM / 2, _STEP_KM)
    step_m = _STEP_KM * 1000.0
    t_inf_col = t_inf[:, None]
    temp = temperature(z[None, :], t_inf_col)
    g = _gravity(z)
    i100 = round((Z_DIFFUSION_KM - Z0_KM) / _STEP_KM)

    # Mixing region: d ln(rho T / M) / dz = -M g / (R T).
    z_mix = z[: i100 + 1]
    mass = np.polynomial.polynomial.polyval(z_mix, _MEAN_MASS)
    barometric = _cumulative(mass * 1e-3 * g[: i100 + 1] / (R_GAS * temp[:, : i100 + 1]), step_m)
    log_rho_mix = (
        math.log(RHO0) + np.log(mass / mass[0]) + np.log(T0_K / temp[:, : i100 + 1]) - barometric
    )

    # Number densities at 100 km (m^-3): N0 counts molecules as if none were dissociated.
    rho100 = np.exp(log_rho_mix[:, -1])
    n_undissociated = rho100 * AVOGADRO / (M_SEA_LEVEL * 1e-3)
    n_total = rho100 * AVOGADRO / (mass[-1] * 1e-3)
    n100 = {
        M_N2: Q_N2 * n_undissociated,
        M_AR: Q_AR * n_undissociated,
        M_HE: Q_HE * n_undissociated,
        M_O2: n_undissociated * (1.0 + Q_O2) - n_total,
        M_O: 2.0 * (n_total - n_undissociated),
    }

    # Diffusive equilibrium above 100 km.
    t_up = temp[:, i100:]
    g_over_t = _cumulative(g[i100:] / (R_GAS * t_up), step_m)
    rho_up = np.zeros_like(t_up)
    rho_he = np.zeros_like(t_up)
    for molar, n0 in n100.items():
        alpha = ALPHA_HE if molar == M_HE else 0.0
        log_n = np.log(n0)[:, None] + (1.0 + alpha) * np.log(t_up[:, :1] / t_up)
        log_n -= molar * 1e-3 * g_over_t
        rho_up += np.exp(log_n) * molar * 1e-3 / AVOGADRO
        if molar == M_HE:
            rho_he = np.exp(log_n) * molar * 1e-3 / AVOGADRO

    # Hydrogen above 500 km (Jacchia 1971: log10 n_H(500 km) in cm^-3 from T(500 km)).
    i500 = round((Z_HYDROGEN_KM - Z0_KM) / _STEP_KM) - i100
    t500 = t_up[:, i500]
    log10_t = np.log10(t500)
    n_h500 = 10.0 ** (73.13 - (39.4 - 5.5 * log10_t) * log10_t) * 1e6
    g_over_t_h = g_over_t[:, i500:] - g_over_t[:, i500 : i500 + 1]
    log_nh = np.log(n_h500)[:, None] + np.log(t500[:, None] / t_up[:, i500:])
    log_nh -= M_H * 1e-3 * g_over_t_h
    rho_up[:, i500:] += np.exp(log_nh) * M_H * 1e-3 / AVOGADRO

    log_rho = np.concatenate([log_rho_mix[:, :-1], np.log(rho_up)], axis=1)
    # Below 100 km helium is mixed: its share of the mass is its sea-level share.
    he_mix = log_rho_mix[:, :-1] + math.log(Q_HE * M_HE / M_SEA_LEVEL)
    return z, log_rho, np.concatenate([he_mix, np.log(rho_he)], axis=1)


def static_density(z_km: ArrayLike, t_inf: ArrayLike) -> FloatArray:
    """J71 total density (kg/m^3) at heights ``z_km`` (90-2500 km) for exospheric ``t_inf`` (K).

    The static profile only: no diurnal, geomagnetic or semi-annual term.
    """
    total, _ = _static_total_and_helium(z_km, t_inf)
    return total


def _static_total_and_helium(z_km: ArrayLike, t_inf: ArrayLike) -> tuple[FloatArray, FloatArray]:
    t = np.atleast_1d(np.asarray(t_inf, dtype=np.float64))
    z = np.asarray(z_km, dtype=np.float64)
    _check_heights(z)
    z_grid, log_rho, log_he = _static_log_density(np.unique(t))
    rows = np.searchsorted(np.unique(t), t)
    total = np.exp(np.array([np.interp(z, z_grid, log_rho[r]) for r in rows]))
    helium = np.exp(np.array([np.interp(z, z_grid, log_he[r]) for r in rows]))
    if np.ndim(t_inf) == 0:
        return total[0], helium[0]
    return total, helium


def _check_heights(z: FloatArray) -> None:
    if np.any(z < Z0_KM) or np.any(z > _Z_TOP_KM) or np.any(~np.isfinite(z)):
        raise ValueError(f"Jacchia 1971 covers {Z0_KM:.0f}-{_Z_TOP_KM:.0f} km")


def nighttime_temperature(f107: ArrayLike, f107_81: ArrayLike) -> FloatArray:
    """J71 global night-time minimum exospheric temperature T_c (K), no geomagnetic activity."""
    f = np.asarray(f107, dtype=np.float64)
    fbar = np.asarray(f107_81, dtype=np.float64)
    return 379.0 + 3.24 * fbar + 1.3 * (f - fbar)


def diurnal_factor(
    latitude: ArrayLike, hour_angle: ArrayLike, sun_declination: ArrayLike
) -> FloatArray:
    """T_local / T_c for geodetic ``latitude``, Sun ``hour_angle`` and ``sun_declination`` (rad)."""
    phi = np.asarray(latitude, dtype=np.float64)
    dec = np.asarray(sun_declination, dtype=np.float64)
    h = np.asarray(hour_angle, dtype=np.float64)
    eta = np.abs(phi - dec) / 2.0
    theta = np.abs(phi + dec) / 2.0
    tau = h + _BETA + _P * np.sin(h + _GAMMA)
    tau = (tau + math.pi) % (2.0 * math.pi) - math.pi
    s = np.sin(theta) ** _M_DIURNAL
    c = np.cos(eta) ** _M_DIURNAL
    return 1.0 + _R_DIURNAL * (s + (c - s) * np.cos(tau / 2.0) ** _N_DIURNAL)


def geomagnetic_temperature(kp: ArrayLike, z_km: ArrayLike) -> FloatArray:
    """Exospheric temperature increase (K) for planetary index ``kp`` at height ``z_km``."""
    k = np.asarray(kp, dtype=np.float64)
    high = 28.0 * k + 0.03 * np.exp(k)
    low = 14.0 * k + 0.02 * np.exp(k)
    return np.asarray(np.where(np.asarray(z_km) < 200.0, low, high), dtype=np.float64)


def geomagnetic_log10_density(kp: ArrayLike, z_km: ArrayLike) -> FloatArray:
    """Direct log10 density increase below 200 km for planetary index ``kp``."""
    k = np.asarray(kp, dtype=np.float64)
    value = 0.012 * k + 1.2e-5 * np.exp(k)
    return np.asarray(np.where(np.asarray(z_km) < 200.0, value, 0.0), dtype=np.float64)


def _semiannual_height_factor(z: FloatArray) -> FloatArray:
    return np.asarray((5.876e-7 * z**2.331 + 0.06328) * np.exp(-0.002868 * z), dtype=np.float64)


def _semiannual_time_factor(mjd: FloatArray) -> FloatArray:
    phi = (mjd - 36204.0) / 365.2422  # years since 1958-01-01
    tau = phi + 0.09544 * ((0.5 + 0.5 * np.sin(2 * math.pi * phi + 6.035)) ** 1.65 - 0.5)
    return np.asarray(
        0.02835
        + (0.3817 + 0.17829 * np.sin(2 * math.pi * tau + 4.137))
        * np.sin(4 * math.pi * tau + 4.259),
        dtype=np.float64,
    )


def semiannual_log10_density(z_km: ArrayLike, mjd: ArrayLike) -> FloatArray:
    """J71 semi-annual variation of log10 density at height ``z_km`` on Modified Julian Date ``mjd``."""
    z = np.asarray(z_km, dtype=np.float64)
    return _semiannual_height_factor(z) * _semiannual_time_factor(np.asarray(mjd, dtype=np.float64))


def seasonal_latitudinal_log10_density(
    z_km: ArrayLike, latitude: ArrayLike, mjd: ArrayLike
) -> FloatArray:
    """J71 seasonal-latitudinal variation of the lower thermosphere (log10 density)."""
    z = np.asarray(z_km, dtype=np.float64)
    phi = (np.asarray(mjd, dtype=np.float64) - 36204.0) / 365.2422
    s = np.sin(np.asarray(latitude, dtype=np.float64))
    return np.asarray(
        0.014
        * (z - 90.0)
        * np.exp(-0.0013 * (z - 90.0) ** 2)
        * np.sin(2 * math.pi * phi + 1.72)
        * s
        * np.abs(s),
        dtype=np.float64,
    )


def local_density(
    z_km: float,
    latitude: float,
    hour_angle: float,
    sun_declination: float,
    f107: float,
    f107_81: float,
    kp: float,
    mjd: float,
) -> float:
    """J71 density (kg/m^3) at one point: angles in radians, ``hour_angle`` of the Sun at the point.

    ``f107`` is the previous day's observed flux, ``f107_81`` its 81-day centred mean and ``kp``
    the 3-hourly planetary index of ~6.7 hours earlier, as J71 prescribes.
    """
    tc = float(nighttime_temperature(f107, f107_81))
    t_inf = tc * float(diurnal_factor(latitude, hour_angle, sun_declination))
    t_inf += float(geomagnetic_temperature(kp, z_km))
    log10_corr = (
        float(geomagnetic_log10_density(kp, z_km))
        + float(semiannual_log10_density(z_km, mjd))
        + float(seasonal_latitudinal_log10_density(z_km, latitude, mjd))
    )
    total, helium = (float(x) for x in _static_total_and_helium(z_km, t_inf))
    he_factor = 10.0 ** float(helium_log10_variation(latitude, sun_declination))
    return (total + helium * (he_factor - 1.0)) * 10.0**log10_corr


def sun_direction(mjd: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Right ascension and declination (rad) of the Sun to ~0.01 deg (the Astronomical
    Almanac's low-precision formulae, mean equinox of date): ample for the bulge."""
    d = np.asarray(mjd, dtype=np.float64) - 51544.5  # days from J2000.0
    mean_longitude = np.radians(280.460 + 0.9856474 * d)
    anomaly = np.radians(357.528 + 0.9856003 * d)
    longitude = (
        mean_longitude
        + np.radians(1.915) * np.sin(anomaly)
        + np.radians(0.020) * np.sin(2 * anomaly)
    )
    obliquity = np.radians(23.439 - 4e-7 * d)
    ra = np.arctan2(np.cos(obliquity) * np.sin(longitude), np.cos(longitude))
    dec = np.arcsin(np.sin(obliquity) * np.sin(longitude))
    return np.asarray(ra, dtype=np.float64), np.asarray(dec, dtype=np.float64)


def helium_log10_variation(latitude: ArrayLike, sun_declination: ArrayLike) -> FloatArray:
    """J71 seasonal-latitudinal variation of log10 helium density (the winter helium bulge)."""
    phi = np.asarray(latitude, dtype=np.float64)
    dec = np.asarray(sun_declination, dtype=np.float64)
    sign = np.sign(dec)
    return np.asarray(
        0.65 * np.abs(dec / _OBLIQUITY) * (np.sin(math.pi / 4.0 - phi * sign / 2.0) ** 3 - 0.35355),
        dtype=np.float64,
    )


@lru_cache(maxsize=1)
def _global_mean_factors() -> tuple[FloatArray, FloatArray]:
    """Diurnal factors and weights sampling the globe (area-weighted) over all local times."""
    nodes, weights = np.polynomial.legendre.leggauss(16)  # in sin(latitude)
    latitudes = np.arcsin(nodes)
    hours = np.linspace(-math.pi, math.pi, 48, endpoint=False)
    lat, hour = np.meshgrid(latitudes, hours, indexing="ij")
    factors = diurnal_factor(lat, hour, 0.0).ravel()
    w = np.repeat(weights / weights.sum(), len(hours)) / len(hours)
    return factors, w


@lru_cache(maxsize=1)
def _global_mean_table() -> tuple[FloatArray, FloatArray, float, FloatArray]:
    """ln of the globally averaged static density on (height 1 km grid, T_c grid), the mean
    diurnal factor, and ln of the static density itself on (height, T_inf grid)."""
    z_fine, log_rho, _ = _static_log_density(_TINF_GRID)
    stride = round(_TABLE_STEP_KM / _STEP_KM)
    log_rho = log_rho[:, ::stride]
    z = z_fine[::stride]
    factors, weights = _global_mean_factors()
    # Bin the factors: the table only needs their distribution.
    bins = np.linspace(factors.min(), factors.max(), 41)
    which = np.clip(np.digitize(factors, bins) - 1, 0, len(bins) - 2)
    centres = np.array(
        [np.average(factors[which == b], weights=weights[which == b]) for b in np.unique(which)]
    )
    mass = np.array([weights[which == b].sum() for b in np.unique(which)])
    mean_factor = float(np.sum(centres * mass))
    table = np.zeros((len(z), len(_TC_GRID)))
    for factor, share in zip(centres, mass, strict=True):
        t_inf = _TC_GRID * factor
        pos = (t_inf - _TINF_GRID[0]) / (_TINF_GRID[1] - _TINF_GRID[0])
        i = np.clip(pos.astype(int), 0, len(_TINF_GRID) - 2)
        frac = pos - i
        log_at = log_rho[i] * (1.0 - frac)[:, None] + log_rho[i + 1] * frac[:, None]
        table += share * np.exp(log_at.T)
    return z, np.log(table), mean_factor, np.ascontiguousarray(log_rho.T)


class DensityModel(Protocol):
    """What the decay integrator needs from an atmosphere: ln density at heights and drivers."""

    def log_density(
        self,
        z_km: ArrayLike,
        tc: ArrayLike,
        kp: ArrayLike,
        mjd: ArrayLike,
        diurnal: ArrayLike | None = None,
    ) -> FloatArray: ...


class Jacchia71:
    """Globally averaged J71 density for orbit averages, as a table in height and T_c.

    ``tc`` is the night-time minimum exospheric temperature (:func:`nighttime_temperature`),
    ``kp`` the planetary index, ``mjd`` the date (semi-annual term). With ``diurnal`` (the
    local T_inf / T_c, :func:`diurnal_factor`) the density is the local one at that point of
    the bulge instead of the global average: eccentric orbits meet the air near one place.
    Heights below 90 km are extrapolated with the slope of the first kilometre.
    """

    def __init__(self) -> None:
        self.z, self.log_table, self.mean_diurnal_factor, static = _global_mean_table()
        self._z0 = float(self.z[0])
        self._dz = float(self.z[1] - self.z[0])
        self._nz = len(self.z)
        self._mean = (
            self.log_table.ravel(),
            float(_TC_GRID[0]),
            float(_TC_GRID[1] - _TC_GRID[0]),
            len(_TC_GRID),
        )
        self._local = (
            static.ravel(),
            float(_TINF_GRID[0]),
            float(_TINF_GRID[1] - _TINF_GRID[0]),
            len(_TINF_GRID),
        )
        self._semiannual_height = _semiannual_height_factor(self.z)

    def log_density(
        self,
        z_km: ArrayLike,
        tc: ArrayLike,
        kp: ArrayLike,
        mjd: ArrayLike,
        diurnal: ArrayLike | None = None,
    ) -> FloatArray:
        """Natural log of the density (kg/m^3); arguments broadcast together."""
        # Below ground only arises inside an integrator's trial step: keep it finite.
        z = np.maximum(np.asarray(z_km, dtype=np.float64), 0.0)
        kp_a = np.asarray(kp, dtype=np.float64)
        low = z < 200.0
        heat = np.where(low, 14.0 * kp_a + 0.02 * np.exp(kp_a), 28.0 * kp_a + 0.03 * np.exp(kp_a))
        if diurnal is None:
            # Geomagnetic heating adds to the local T_inf; spread over the diurnal factors
            # it shifts T_c by dT / mean factor.
            flat, t0, dt, n_t = self._mean
            t = np.asarray(tc, dtype=np.float64) + heat / self.mean_diurnal_factor
        else:
            flat, t0, dt, n_t = self._local
            t = np.asarray(tc, dtype=np.float64) * np.asarray(diurnal, dtype=np.float64) + heat
        zpos = (np.maximum(z, self._z0) - self._z0) / self._dz
        iz = np.minimum(zpos.astype(np.int64), self._nz - 2)
        fz = np.minimum(zpos - iz, 1.0)
        tpos = np.clip((t - t0) / dt, 0.0, n_t - 1.0)
        it = np.minimum(tpos.astype(np.int64), n_t - 2)
        ft = tpos - it
        corner = iz * n_t + it
        lower = flat[corner] + (flat[corner + 1] - flat[corner]) * ft
        upper = flat[corner + n_t] + (flat[corner + n_t + 1] - flat[corner + n_t]) * ft
        value = lower + (upper - lower) * fz
        below = z < self._z0
        if np.any(below):
            # Extrapolate below 90 km with the slope of the first interval.
            value = np.where(below, value + (upper - lower) / self._dz * (z - self._z0), value)
        height_factor = (
            self._semiannual_height[iz]
            + (self._semiannual_height[iz + 1] - self._semiannual_height[iz]) * fz
        )
        log10_corr = height_factor * _semiannual_time_factor(np.asarray(mjd, dtype=np.float64))
        log10_corr = log10_corr + np.where(low, 0.012 * kp_a + 1.2e-5 * np.exp(kp_a), 0.0)
        return np.asarray(value + math.log(10.0) * log10_corr, dtype=np.float64)

    def density(
        self,
        z_km: ArrayLike,
        tc: ArrayLike,
        kp: ArrayLike,
        mjd: ArrayLike,
        diurnal: ArrayLike | None = None,
    ) -> FloatArray:
        """Density (kg/m^3): the global average, or the local one with ``diurnal``."""
        return np.exp(self.log_density(z_km, tc, kp, mjd, diurnal))


# Vallado, table 8-4 (CIRA-72): base height (km), base density (kg/m^3), scale height (km).
_EXPONENTIAL_TABLE = np.array(
    [
        (0, 1.225, 7.249),
        (25, 3.899e-2, 6.349),
        (30, 1.774e-2, 6.682),
        (40, 3.972e-3, 7.554),
        (50, 1.057e-3, 8.382),
        (60, 3.206e-4, 7.714),
        (70, 8.770e-5, 6.549),
        (80, 1.905e-5, 5.799),
        (90, 3.396e-6, 5.382),
        (100, 5.297e-7, 5.877),
        (110, 9.661e-8, 7.263),
        (120, 2.438e-8, 9.473),
        (130, 8.484e-9, 12.636),
        (140, 3.845e-9, 16.149),
        (150, 2.070e-9, 22.523),
        (180, 5.464e-10, 29.740),
        (200, 2.789e-10, 37.105),
        (250, 7.248e-11, 45.546),
        (300, 2.418e-11, 53.628),
        (350, 9.518e-12, 53.298),
        (400, 3.725e-12, 58.515),
        (450, 1.585e-12, 60.828),
        (500, 6.967e-13, 63.822),
        (600, 1.454e-13, 71.835),
        (700, 3.614e-14, 88.667),
        (800, 1.170e-14, 124.64),
        (900, 5.245e-15, 181.05),
        (1000, 3.019e-15, 268.00),
    ]
)


def exponential_density(z_km: ArrayLike) -> FloatArray:
    """Density (kg/m^3) of the exponential (CIRA-72) table: no solar or geomagnetic dependence.

    >>> float(exponential_density(400.0))
    3.725e-12
    """
    z = np.asarray(z_km, dtype=np.float64)
    base = _EXPONENTIAL_TABLE[:, 0]
    i = np.clip(np.searchsorted(base, z, side="right") - 1, 0, len(base) - 1)
    return np.asarray(
        _EXPONENTIAL_TABLE[i, 1] * np.exp(-(z - base[i]) / _EXPONENTIAL_TABLE[i, 2]),
        dtype=np.float64,
    )


class ExponentialAtmosphere:
    """The exponential table as a :class:`DensityModel`: it ignores all drivers."""

    def log_density(
        self,
        z_km: ArrayLike,
        tc: ArrayLike,
        kp: ArrayLike,
        mjd: ArrayLike,
        diurnal: ArrayLike | None = None,
    ) -> FloatArray:
        z = np.maximum(np.asarray(z_km, dtype=np.float64), 0.0)
        shape = np.broadcast_shapes(z.shape, np.shape(tc), np.shape(kp), np.shape(mjd))
        return np.broadcast_to(np.log(exponential_density(z)), shape).astype(np.float64)
