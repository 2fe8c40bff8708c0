"""Orbit facts: apogee, perigee, period, inclination, eccentricity and regime.

Two sources, one result type:

* **Mean elements** (TLE/OMM, :func:`mean_element_facts`, :func:`catalog_facts`): the
  semi-major axis comes from the Brouwer mean motion, recovered from the element set's
  Kozai mean motion exactly as SGP4 does at initialisation (WGS-72 J2), and the periods
  from SGP4's secular rates (J2 and J4): *anomalistic* period ``2 pi / Mdot`` and *nodal*
  (draconic, node to node) period ``2 pi / (Mdot + omegadot)``. Deep-space lunisolar
  secular terms are left out (they move GEO periods by well under 0.01 %).
* **Osculating states** (r, v -> classical elements, :func:`classical_elements`,
  :func:`state_facts`): two-body conic at that instant; its nodal period applies the same
  J2 secular rates to the osculating a, e, i (good to ~0.2 % in LEO, where short-period J2
  terms move the osculating a by ~10 km).

Altitudes (apogee, perigee) are radii minus the WGS-84 equatorial radius, 6378.137 km
(:data:`EARTH_RADIUS_KM`), the radius the registration Kepler check uses; SGP4's own
WGS-72 radius is 6378.135 km, 2 m less.

Regimes (:func:`classify_regime`), tested in this order:

======== ================================================================================
GEO      period within 1436.1 +/- 30 min, eccentricity < 0.01, inclination < 15 deg
LEO      apogee altitude < 2,000 km
GTO      perigee altitude < 2,000 km, apogee altitude 30,000-40,000 km and inclination
         < 60 deg (which keeps Molniya orbits, at 63.4 deg, out: they are HEO)
HEO      eccentricity > 0.25
MEO      any other bound orbit (so also inclined geosynchronous and near-circular
         orbits between LEO and GEO)
ESCAPE   eccentricity >= 1 (osculating states only)
UNKNOWN  missing or impossible input (NaN, negative eccentricity or semi-major axis)
======== ================================================================================

Everything is vectorised over numpy arrays: the 16k-object active catalog takes a few
milliseconds.

>>> f = mean_element_facts(15.50103472, 0.0007417, 51.6439)  # ISS, 2019-12-09
>>> round(float(f.perigee_km[0])), round(float(f.apogee_km[0])), str(f.regime[0])
(412, 422, 'LEO')
>>> round(float(f.nodal_period_min[0]), 2)
92.84
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbit.elements import ElementSet

#: Earth's gravitational parameter (WGS-84 / EGM-96), km^3/s^2: the registration Kepler check's.
EARTH_MU_KM3_S2 = 398600.4418
#: WGS-84 equatorial radius, km: altitudes are measured above it.
EARTH_RADIUS_KM = 6378.137

# SGP4's own constants (WGS-72), for recovering the Brouwer mean motion as SGP4 does.
WGS72_MU_KM3_S2 = 398600.8
WGS72_RADIUS_KM = 6378.135
WGS72_J2 = 0.001082616
WGS72_J4 = -0.00000165597
_XKE = 60.0 / np.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)  # sqrt(mu) in Earth radii^1.5/min

#: One sidereal day in minutes: the period of a geosynchronous orbit.
SIDEREAL_DAY_MIN = 1436.0682
LEO_MAX_ALTITUDE_KM = 2000.0
GEO_PERIOD_TOLERANCE_MIN = 30.0
GEO_MAX_ECCENTRICITY = 0.01
GEO_MAX_INCLINATION_DEG = 15.0
GTO_APOGEE_RANGE_KM = (30_000.0, 40_000.0)
GTO_MAX_INCLINATION_DEG = 60.0
HEO_MIN_ECCENTRICITY = 0.25

REGIMES = ("LEO", "MEO", "GEO", "GTO", "HEO", "ESCAPE", "UNKNOWN")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class OrbitFacts:
    """Facts about one orbit (km above :data:`EARTH_RADIUS_KM`, minutes, degrees)."""

    semi_major_axis_km: float
    eccentricity: float
    inclination_deg: float
    apogee_km: float
    perigee_km: float
    period_min: float  # anomalistic (perigee to perigee)
    nodal_period_min: float  # draconic (ascending node to ascending node)
    regime: str


@dataclass(frozen=True, slots=True)
class CatalogFacts:
    """:class:`OrbitFacts` for many orbits, one numpy array per field."""

    semi_major_axis_km: FloatArray
    eccentricity: FloatArray
    inclination_deg: FloatArray
    apogee_km: FloatArray
    perigee_km: FloatArray
    period_min: FloatArray
    nodal_period_min: FloatArray
    regime: NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.semi_major_axis_km.shape[0])

    def row(self, index: int) -> OrbitFacts:
        """The facts of one orbit."""
        return OrbitFacts(
            semi_major_axis_km=float(self.semi_major_axis_km[index]),
            eccentricity=float(self.eccentricity[index]),
            inclination_deg=float(self.inclination_deg[index]),
            apogee_km=float(self.apogee_km[index]),
            perigee_km=float(self.perigee_km[index]),
            period_min=float(self.period_min[index]),
            nodal_period_min=float(self.nodal_period_min[index]),
            regime=str(self.regime[index]),
        )


@dataclass(frozen=True, slots=True)
class ClassicalElements:
    """Osculating two-body elements (km, degrees); angles NaN where undefined."""

    semi_major_axis_km: FloatArray  # negative for hyperbolic orbits
    semilatus_rectum_km: FloatArray
    eccentricity: FloatArray
    inclination_deg: FloatArray
    raan_deg: FloatArray  # NaN for equatorial orbits
    arg_perigee_deg: FloatArray  # NaN for circular or equatorial orbits
    true_anomaly_deg: FloatArray  # NaN for circular orbits


@dataclass(frozen=True, slots=True)
class SecularRates:
    """SGP4's secular rates of the mean anomaly, argument of perigee and node (rad/min)."""

    mean_anomaly: FloatArray
    arg_perigee: FloatArray
    raan: FloatArray


def brouwer_mean_motion(
    kozai_mean_motion_rad_min: ArrayLike, eccentricity: ArrayLike, inclination_deg: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """The Brouwer ("un-Kozai'd") mean motion (rad/min) and semi-major axis (Earth radii).

    Follows SGP4's initialisation (Hoots and Roehrich 1980, Vallado et al. 2006), which
    reads a TLE's mean motion as Kozai's and converts it with WGS-72 J2.
    """
    n_kozai = np.asarray(kozai_mean_motion_rad_min, dtype=np.float64)
    e = np.asarray(eccentricity, dtype=np.float64)
    cos_i = np.cos(np.radians(np.asarray(inclination_deg, dtype=np.float64)))
    with np.errstate(invalid="ignore", divide="ignore"):
        beta2 = 1.0 - e * e
        ak = (_XKE / n_kozai) ** (2.0 / 3.0)
        d1 = 0.75 * WGS72_J2 * (3.0 * cos_i * cos_i - 1.0) / (np.sqrt(beta2) * beta2)
        delta = d1 / (ak * ak)
        adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
        delta = d1 / (adel * adel)
        n_brouwer = n_kozai / (1.0 + delta)
        a_er = (_XKE / n_brouwer) ** (2.0 / 3.0)
    return n_brouwer, a_er


def secular_rates(
    brouwer_mean_motion_rad_min: ArrayLike,
    semi_major_axis_er: ArrayLike,
    eccentricity: ArrayLike,
    inclination_deg: ArrayLike,
) -> SecularRates:
    """SGP4's J2/J4 secular rates (``mdot``, ``argpdot``, ``nodedot`` of its ``Satrec``)."""
    n = np.asarray(brouwer_mean_motion_rad_min, dtype=np.float64)
    a = np.asarray(semi_major_axis_er, dtype=np.float64)
    e = np.asarray(eccentricity, dtype=np.float64)
    cos_i = np.cos(np.radians(np.asarray(inclination_deg, dtype=np.float64)))
    c2 = cos_i * cos_i
    c4 = c2 * c2
    with np.errstate(invalid="ignore", divide="ignore"):
        beta2 = 1.0 - e * e
        beta = np.sqrt(beta2)
        p_inv2 = 1.0 / (a * beta2) ** 2
        t1 = 1.5 * WGS72_J2 * p_inv2 * n
        t2 = 0.5 * t1 * WGS72_J2 * p_inv2
        t3 = -0.46875 * WGS72_J4 * p_inv2 * p_inv2 * n
        mdot = (
            n
            + 0.5 * t1 * beta * (3.0 * c2 - 1.0)
            + 0.0625 * t2 * beta * (13.0 - 78.0 * c2 + 137.0 * c4)
        )
        argpdot = (
            -0.5 * t1 * (1.0 - 5.0 * c2)
            + 0.0625 * t2 * (7.0 - 114.0 * c2 + 395.0 * c4)
            + t3 * (3.0 - 36.0 * c2 + 49.0 * c4)
        )
        nodedot = -t1 * cos_i + (0.5 * t2 * (4.0 - 19.0 * c2) + 2.0 * t3 * (3.0 - 7.0 * c2)) * cos_i
    return SecularRates(mdot, argpdot, nodedot)


def mean_element_facts(
    mean_motion_rev_day: ArrayLike, eccentricity: ArrayLike, inclination_deg: ArrayLike
) -> CatalogFacts:
    """Facts from SGP4 mean elements (Kozai mean motion in rev/day, as in a TLE or OMM)."""
    n_rev_day = np.atleast_1d(np.asarray(mean_motion_rev_day, dtype=np.float64))
    e = np.atleast_1d(np.asarray(eccentricity, dtype=np.float64))
    inc = np.atleast_1d(np.asarray(inclination_deg, dtype=np.float64))
    n_rev_day, e, inc = np.broadcast_arrays(n_rev_day, e, inc)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_brouwer, a_er = brouwer_mean_motion(n_rev_day * (2.0 * np.pi / 1440.0), e, inc)
        rates = secular_rates(n_brouwer, a_er, e, inc)
        a_km = a_er * WGS72_RADIUS_KM
        period = 2.0 * np.pi / rates.mean_anomaly
        nodal = 2.0 * np.pi / (rates.mean_anomaly + rates.arg_perigee)
    return _facts(a_km, e.copy(), inc.copy(), period, nodal)


def element_set_facts(element_set: ElementSet) -> OrbitFacts:
    """Facts of one element set.

    >>> from datetime import datetime, timezone
    >>> hst = ElementSet(20580, "1990-037B", "HST", datetime(2019, 3, 19, tzinfo=timezone.utc),
    ...                  15.09189734, 0.0002512, 28.4693, 94.9073, 218.9973, 277.4043, 1.7331e-5)
    >>> f = element_set_facts(hst)
    >>> round(f.perigee_km), round(f.apogee_km), f.regime
    (541, 545, 'LEO')
    """
    return mean_element_facts(
        element_set.mean_motion, element_set.eccentricity, element_set.inclination_deg
    ).row(0)


def catalog_facts(element_sets: Sequence[ElementSet]) -> CatalogFacts:
    """Facts of many element sets, in their order."""
    return mean_element_facts(
        np.fromiter((es.mean_motion for es in element_sets), np.float64, len(element_sets)),
        np.fromiter((es.eccentricity for es in element_sets), np.float64, len(element_sets)),
        np.fromiter((es.inclination_deg for es in element_sets), np.float64, len(element_sets)),
    )


def classical_elements(
    r_km: ArrayLike, v_km_s: ArrayLike, mu: float = EARTH_MU_KM3_S2
) -> ClassicalElements:
    """Osculating classical elements from position and velocity (``[..., 3]`` arrays).

    Singular cases follow the usual conventions: the node is undefined for equatorial
    orbits and the perigee for circular ones (NaN there, with ``e < 1e-11`` and
    ``sin i < 1e-11`` as the tests).

    >>> el = classical_elements([6524.834, 6862.875, 6448.296], [4.901327, 5.533756, -1.976341])
    >>> round(float(el.semi_major_axis_km), 1), round(float(el.eccentricity), 6)
    (36127.3, 0.832853)
    """
    r = np.asarray(r_km, dtype=np.float64)
    v = np.asarray(v_km_s, dtype=np.float64)
    if r.shape[-1:] != (3,) or v.shape != r.shape:
        raise ValueError(f"r and v must both have shape [..., 3]; got {r.shape} and {v.shape}")
    with np.errstate(invalid="ignore", divide="ignore"):
        r_norm = np.linalg.norm(r, axis=-1)
        v2 = np.einsum("...i,...i->...", v, v)
        h = np.cross(r, v)
        h_norm = np.linalg.norm(h, axis=-1)
        node = np.stack([-h[..., 1], h[..., 0], np.zeros_like(h[..., 0])], axis=-1)
        node_norm = np.linalg.norm(node, axis=-1)
        rv = np.einsum("...i,...i->...", r, v)
        e_vec = ((v2 - mu / r_norm)[..., None] * r - rv[..., None] * v) / mu
        e = np.linalg.norm(e_vec, axis=-1)
        energy = 0.5 * v2 - mu / r_norm
        a = -mu / (2.0 * energy)
        p = h_norm**2 / mu
        inc = np.degrees(np.arccos(np.clip(h[..., 2] / h_norm, -1.0, 1.0)))
        circular = e < 1e-11
        equatorial = node_norm / h_norm < 1e-11

        raan = np.degrees(np.arccos(np.clip(node[..., 0] / node_norm, -1.0, 1.0)))
        raan = np.where(node[..., 1] < 0.0, 360.0 - raan, raan)
        cos_w = np.einsum("...i,...i->...", node, e_vec) / (node_norm * e)
        argp = np.degrees(np.arccos(np.clip(cos_w, -1.0, 1.0)))
        argp = np.where(e_vec[..., 2] < 0.0, 360.0 - argp, argp)
        cos_nu = np.einsum("...i,...i->...", e_vec, r) / (e * r_norm)
        nu = np.degrees(np.arccos(np.clip(cos_nu, -1.0, 1.0)))
        nu = np.where(rv < 0.0, 360.0 - nu, nu)
    nan = np.nan
    return ClassicalElements(
        semi_major_axis_km=a,
        semilatus_rectum_km=p,
        eccentricity=e,
        inclination_deg=inc,
        raan_deg=np.where(equatorial, nan, raan),
        arg_perigee_deg=np.where(circular | equatorial, nan, argp),
        true_anomaly_deg=np.where(circular, nan, nu),
    )


def state_facts(r_km: ArrayLike, v_km_s: ArrayLike) -> CatalogFacts:
    """Facts of the osculating orbits through TEME (or any inertial) states ``[n, 3]``.

    >>> f = state_facts([[7000.0, 0.0, 0.0]], [[0.0, 7.5460533, 0.0]])  # circular, 621.863 km
    >>> round(float(f.perigee_km[0]), 1), round(float(f.period_min[0]), 2), str(f.regime[0])
    (621.9, 97.14, 'LEO')
    """
    r = np.atleast_2d(np.asarray(r_km, dtype=np.float64))
    v = np.atleast_2d(np.asarray(v_km_s, dtype=np.float64))
    el = classical_elements(r, v)
    a, e, inc = el.semi_major_axis_km, el.eccentricity, el.inclination_deg
    with np.errstate(invalid="ignore", divide="ignore"):
        n_rad_min = np.sqrt(EARTH_MU_KM3_S2 / a**3) * 60.0
        period = 2.0 * np.pi / n_rad_min
        rates = secular_rates(n_rad_min, a / WGS72_RADIUS_KM, e, inc)
        # The osculating a stands in for the mean one (see the module notes).
        nodal = 2.0 * np.pi / (rates.mean_anomaly + rates.arg_perigee)
        bound = e < 1.0
        period = np.where(bound, period, np.nan)
        nodal = np.where(bound, nodal, np.nan)
    return _facts(a, e, inc, period, nodal)


def classify_regime(
    perigee_km: ArrayLike,
    apogee_km: ArrayLike,
    period_min: ArrayLike,
    eccentricity: ArrayLike,
    inclination_deg: ArrayLike,
) -> NDArray[np.str_]:
    """Regime names (see the module table) for arrays of orbits.

    >>> classify_regime([35780, 250, 500, 20180, 1000], [35790, 35800, 520, 20190, 39000],
    ...                 [1436, 630, 95, 718, 718], [0.0002, 0.73, 0.001, 0.001, 0.74],
    ...                 [0.05, 27, 97, 55, 63.4]).tolist()
    ['GEO', 'GTO', 'LEO', 'MEO', 'HEO']
    """
    hp = np.asarray(perigee_km, dtype=np.float64)
    ha = np.asarray(apogee_km, dtype=np.float64)
    period = np.asarray(period_min, dtype=np.float64)
    e = np.asarray(eccentricity, dtype=np.float64)
    inc = np.asarray(inclination_deg, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        unknown = np.isnan(e) | (e < 0.0) | np.isnan(inc)
        escape = ~unknown & (e >= 1.0)
        unknown |= ~escape & (
            np.isnan(hp) | np.isnan(ha) | np.isnan(period) | (hp < -EARTH_RADIUS_KM)
        )
        geo = (
            (np.abs(period - SIDEREAL_DAY_MIN) <= GEO_PERIOD_TOLERANCE_MIN)
            & (e < GEO_MAX_ECCENTRICITY)
            & (inc < GEO_MAX_INCLINATION_DEG)
        )
        leo = ha < LEO_MAX_ALTITUDE_KM
        gto = (
            (hp < LEO_MAX_ALTITUDE_KM)
            & (ha >= GTO_APOGEE_RANGE_KM[0])
            & (ha <= GTO_APOGEE_RANGE_KM[1])
            & (inc < GTO_MAX_INCLINATION_DEG)
        )
        heo = e > HEO_MIN_ECCENTRICITY
    return np.select(
        [unknown, escape, geo, leo, gto, heo],
        ["UNKNOWN", "ESCAPE", "GEO", "LEO", "GTO", "HEO"],
        default="MEO",
    ).astype("<U7")


def _facts(
    a_km: FloatArray,
    e: FloatArray,
    inc: FloatArray,
    period: FloatArray,
    nodal: FloatArray,
) -> CatalogFacts:
    with np.errstate(invalid="ignore"):
        bad = ~(a_km > 0.0) | ~(e >= 0.0) | ~(e < 1.0)
        apogee = np.where(bad, np.nan, a_km * (1.0 + e) - EARTH_RADIUS_KM)
        perigee = np.where(bad, np.nan, a_km * (1.0 - e) - EARTH_RADIUS_KM)
    return CatalogFacts(
        semi_major_axis_km=a_km,
        eccentricity=e,
        inclination_deg=inc,
        apogee_km=apogee,
        perigee_km=perigee,
        period_min=period,
        nodal_period_min=nodal,
        regime=classify_regime(perigee, apogee, period, e, inc),
    )
