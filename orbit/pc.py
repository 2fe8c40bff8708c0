"""Probability of collision (Pc) for a conjunction: 2-D Foster Pc, maximum Pc, TLE-only Pc.

Every result is a :class:`PcResult` whose ``pc_method`` says how the number
was obtained, and whose ``assumptions`` state what was assumed:

``foster-2d-cdm``
    Foster (1992) 2-D Pc from the states and covariances of a CDM: the combined
    position covariance projected on the encounter plane (normal to the relative
    velocity) and the Gaussian integrated over the hard-body circle. Numerics
    follow NASA CARA's ``PcCircle.m``: the plane axes are the covariance's
    principal axes, the integral along the major axis is done numerically and
    the one along the minor axis analytically (erf); a non-positive-definite
    projected covariance is remediated by clipping its eigenvalues at
    (1e-4 HBR)**2, as CARA does. By default the states are first moved to the
    true TCA by linear relative motion (CARA's ``FindNearbyCA.m``), because CDM
    TCAs are rounded to the millisecond.
``foster-2d``
    The same integral for states and covariances given directly.
``max-pc-frisbee``
    One object's covariance is unknown: the maximum Pc over all covariances it
    could have (Frisbee 2015, CARA ``FrisbeeMaxPc.m``). The known covariance
    ``C`` gives the squared Mahalanobis distance ``Ka**2`` of the miss vector
    ``r``; the unknown covariance that maximises Pc is concentrated along ``r``
    with variance ``|r|**2 (Ka**2 - 1) / Ka**2`` (zero when ``Ka <= 1``), and
    the Pc of that combined covariance is returned.
``max-pc-scaled``
    No covariance at all: the maximum Pc over the size ``k`` of a combined
    covariance ``k**2 S`` of an assumed shape ``S`` (Alfano 2005, "Relating
    position uncertainty to maximum conjunction probability"; the method CDM
    2.0 calls SCALE_COMBINED_COVAR). With no shape given, ``S`` is isotropic in
    the encounter plane, the one assumption that needs no orbit knowledge.
``foster-2d-sgp4-error-model``
    TLE-only: both objects propagated with SGP4 to the TCA and given the
    position covariance of :data:`SGP4_ERROR_MODEL` for their orbit regime and
    element-set age (see there for the sources). Objects outside every regime
    of the model fall back to ``max-pc-scaled``.

>>> from orbit.cdm import EXAMPLE
>>> result = pc_from_cdm(EXAMPLE, hbr_m=10.0)
>>> result.pc_method, f"{result.pc:.4e}", result.hbr_source
('foster-2d-cdm', '5.6759e-08', 'given')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

import numpy as np
from scipy import integrate, optimize, special

from orbit.cdm import Cdm, CdmHeader, CdmObject, CdmRelativeMetadata
from orbit.elements import ElementSet
from orbit.hbr import HbrTable, combined_hbr_m, load_hbr_table

__all__ = [
    "EARTH_ROTATION_RAD_S",
    "PC_FOSTER",
    "PC_FOSTER_CDM",
    "PC_FOSTER_SGP4",
    "PC_MAX_FRISBEE",
    "PC_MAX_SCALED",
    "SGP4_ERROR_MODEL",
    "InertialStates",
    "PcError",
    "PcResult",
    "Sgp4ErrorRegime",
    "cdm_inertial_states",
    "foster_pc",
    "frisbee_max_pc",
    "linear_tca_adjustment",
    "pc_from_cdm",
    "rtn_basis",
    "rtn_covariance_to_inertial",
    "scaled_max_pc",
    "sgp4_error_regime",
    "tle_event_cdm",
    "tle_pc",
]

PC_FOSTER = "foster-2d"
PC_FOSTER_CDM = "foster-2d-cdm"
PC_FOSTER_SGP4 = "foster-2d-sgp4-error-model"
PC_MAX_FRISBEE = "max-pc-frisbee"
PC_MAX_SCALED = "max-pc-scaled"

HardBodyShape = Literal["circle", "square-equal-area"]

#: Earth's rotation rate (IERS, rad/s): ITRF velocities become inertial by adding w x r.
EARTH_ROTATION_RAD_S = 7.292115146706979e-5
_MU_KM3_S2 = 398600.4418
_EARTH_RADIUS_KM = 6378.137
#: CARA's eigenvalue clipping level for non-positive-definite covariances: (1e-4 HBR)**2.
_CLIP_FACTOR = 1e-4
#: Half-width of the integration range along the major axis, in major-axis sigmas:
#: beyond it the Gaussian is below exp(-800), i.e. zero in double precision.
_SIGMA_RANGE = 40.0
_INERTIAL_FRAMES = frozenset({"EME2000", "GCRF", "ICRF", "J2000", "TEME", "TOD", "MOD"})


class PcError(ValueError):
    """The inputs admit no Pc (zero relative velocity, unusable covariance, bad values)."""


@dataclass(frozen=True, slots=True)
class PcResult:
    """A collision probability and everything needed to say how it was obtained.

    ``miss_distance_m`` is the miss distance the integral used (after any TCA
    adjustment); ``sigma_major_m``/``sigma_minor_m`` are the combined position
    sigmas on the encounter plane (after any remediation).
    """

    pc: float
    pc_method: str
    hbr_m: float
    hbr_source: str
    miss_distance_m: float
    relative_speed_m_s: float
    sigma_major_m: float
    sigma_minor_m: float
    covariance_remediated: bool = False
    tca_offset_s: float = 0.0
    assumptions: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Frames


def rtn_basis(position: np.ndarray, velocity: np.ndarray) -> np.ndarray:
    """Columns R, T, N of the radial / transverse / normal frame of a state, in its frame.

    >>> rtn_basis(np.array([7000e3, 0, 0]), np.array([0, 7.5e3, 0])).round(12).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    radial = position / np.linalg.norm(position)
    normal = np.cross(position, velocity)
    norm = np.linalg.norm(normal)
    if norm == 0.0:
        raise PcError("position and velocity are parallel: the RTN frame is undefined")
    normal = normal / norm
    return np.column_stack([radial, np.cross(normal, radial), normal])


def rtn_covariance_to_inertial(
    covariance_rtn: np.ndarray, position: np.ndarray, velocity: np.ndarray
) -> np.ndarray:
    """Rotate an RTN covariance (3x3, 6x6 or larger) into the frame of the state.

    Extra rows beyond six (drag, SRP, thrust) are left as they are; the
    rotating-frame terms are ignored, as in CARA's ``RIC2ECI.m``.
    """
    basis = rtn_basis(position, velocity)
    size = covariance_rtn.shape[0]
    rotation = np.eye(size)
    for block in range(min(size, 6) // 3):
        rotation[3 * block : 3 * block + 3, 3 * block : 3 * block + 3] = basis
    out = rotation @ covariance_rtn @ rotation.T
    return 0.5 * (out + out.T)


def linear_tca_adjustment(
    r1: np.ndarray, v1: np.ndarray, r2: np.ndarray, v2: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Time offset (s) to the closest approach under linear relative motion, and the moved positions.

    >>> dt, a, b = linear_tca_adjustment(np.zeros(3), np.zeros(3), np.array([10.0, 5, 0]),
    ...                                  np.array([-1.0, 0, 0]))
    >>> dt, b.tolist()
    (10.0, [0.0, 5.0, 0.0])
    """
    dv = v2 - v1
    speed2 = float(dv @ dv)
    if speed2 == 0.0:
        return 0.0, r1, r2
    dt = -float((r2 - r1) @ dv) / speed2
    return dt, r1 + dt * v1, r2 + dt * v2


# ---------------------------------------------------------------------------------------------
# The 2-D integral


def _erf_difference(a: float, b: float) -> float:
    """erf(a) - erf(b) without cancellation in the tails."""
    if a > 0.0 and b > 0.0:
        return float(special.erfc(b) - special.erfc(a))
    if a < 0.0 and b < 0.0:
        return float(special.erfc(-a) - special.erfc(-b))
    return float(special.erf(a) - special.erf(b))


@dataclass(frozen=True, slots=True)
class _Plane:
    """The encounter plane: unit axes, miss distance and projected combined covariance."""

    x_axis: np.ndarray  # in the plane, towards the miss vector
    z_axis: np.ndarray  # along r x v
    miss_m: float
    speed_m_s: float
    covariance: np.ndarray  # 2x2 over (x, z)


def _encounter_plane(
    r1: np.ndarray, v1: np.ndarray, r2: np.ndarray, v2: np.ndarray, hbr_m: float
) -> _Plane:
    r = r1 - r2
    v = v1 - v2
    speed = float(np.linalg.norm(v))
    if speed == 0.0:
        raise PcError("relative velocity is zero: the 2-D (short-encounter) Pc does not apply")
    miss = float(np.linalg.norm(r))
    # A zero miss leaves the plane's x axis undefined; CARA moves it by a tiny
    # amount normal to the orbits (PcCircle.m), which changes Pc by nothing visible.
    tiny = max(10.0 * float(np.spacing(miss)), 1e-6 * hbr_m)
    if miss < tiny:
        offset = np.cross(r1 + r2, v)
        if not np.any(offset):  # both at the origin (synthetic input): any normal to v will do
            offset = np.cross(v, np.eye(3)[int(np.argmin(np.abs(v)))])
        r = r + tiny * offset / np.linalg.norm(offset)
        miss = float(np.linalg.norm(r))
    if miss == 0.0:
        raise PcError("miss vector is zero and no direction can be chosen for it")
    normal = np.cross(r, v)
    normal_norm = float(np.linalg.norm(normal))
    if normal_norm == 0.0:
        raise PcError("miss vector is parallel to the relative velocity: no encounter plane")
    y_axis = v / speed
    z_axis = normal / normal_norm
    x_axis = np.cross(y_axis, z_axis)
    return _Plane(x_axis, z_axis, miss, speed, np.zeros((2, 2)))


def _project(plane: _Plane, covariance: np.ndarray) -> np.ndarray:
    axes = np.vstack([plane.x_axis, plane.z_axis])
    projected = axes @ covariance[:3, :3] @ axes.T
    return 0.5 * (projected + projected.T)


def _circle_integral(
    miss: float, covariance: np.ndarray, hbr: float
) -> tuple[float, float, float, bool]:
    """Pc of a circle of radius ``hbr`` centred ``miss`` along x; returns (pc, sx, sz, remediated)."""
    if not all(math.isfinite(v) for v in covariance.flat):
        raise PcError("projected covariance has non-finite entries")
    values, vectors = np.linalg.eigh(covariance)
    major, minor = float(values[1]), float(values[0])
    if major <= 0.0:
        raise PcError("combined covariance has two non-positive eigenvalues on the encounter plane")
    clip = (_CLIP_FACTOR * hbr) ** 2
    remediated = minor < clip or major < clip
    major, minor = max(major, clip), max(minor, clip)
    sx, sz = math.sqrt(major), math.sqrt(minor)
    if hbr == 0.0:
        return 0.0, sx, sz, remediated
    # Miss vector in principal axes, both components taken non-negative (symmetry).
    xm = miss * abs(float(vectors[0, 1]))
    zm = miss * abs(float(vectors[1, 1]))
    dx, dz = math.sqrt(2.0) * sx, math.sqrt(2.0) * sz
    low = max(xm - hbr, -_SIGMA_RANGE * sx)
    high = min(xm + hbr, _SIGMA_RANGE * sx)
    if low >= high:
        return 0.0, sx, sz, remediated
    # x = xm + R sin(t) removes the square-root edges of the circle: the
    # integrand becomes smooth and adaptive quadrature converges fast.
    t_low = math.asin(max(-1.0, min(1.0, (low - xm) / hbr)))
    t_high = math.asin(max(-1.0, min(1.0, (high - xm) / hbr)))

    def integrand(t: float) -> float:
        x = xm + hbr * math.sin(t)
        half_chord = hbr * math.cos(t)
        return (
            math.exp(-((x / dx) ** 2))
            * _erf_difference((zm + half_chord) / dz, (zm - half_chord) / dz)
            * half_chord
        )

    peak = [math.asin(-xm / hbr)] if low < 0.0 < high else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, _error = integrate.quad(
            integrand, t_low, t_high, points=peak, epsabs=0.0, epsrel=1e-12, limit=500
        )
    return value / (sx * math.sqrt(8.0 * math.pi)), sx, sz, remediated


def _square_integral(
    miss: float, covariance: np.ndarray, hbr: float
) -> tuple[float, float, float, bool]:
    """Pc of the square with the circle's area, sides along the plane axes (CARA's squareEquArea)."""
    values = np.linalg.eigvalsh(covariance)
    if values[0] <= 0.0:
        raise PcError("projected covariance is not positive definite (square hard body)")
    half = math.sqrt(math.pi) / 2.0 * hbr
    sxx = math.sqrt(covariance[0, 0])
    slope = covariance[0, 1] / covariance[0, 0]
    conditional = math.sqrt(covariance[1, 1] - covariance[0, 1] ** 2 / covariance[0, 0])
    root2 = math.sqrt(2.0)

    def integrand(x: float) -> float:
        mean = slope * x
        inside = _erf_difference(
            (half - mean) / (root2 * conditional), (-half - mean) / (root2 * conditional)
        )
        return math.exp(-0.5 * (x / sxx) ** 2) * inside

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, _error = integrate.quad(
            integrand, miss - half, miss + half, epsabs=0.0, epsrel=1e-12, limit=500
        )
    major, minor = values[1], values[0]
    return value / (2.0 * sxx * math.sqrt(2.0 * math.pi)), math.sqrt(major), math.sqrt(minor), False


def _check_vector(name: str, value: np.ndarray) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.shape != (3,) or not np.all(np.isfinite(array)):
        raise PcError(f"{name} must be three finite numbers, got {value!r}")
    return array


def _check_covariance(name: str, value: np.ndarray | None) -> np.ndarray:
    if value is None:
        return np.zeros((3, 3))
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] < 3:
        raise PcError(f"{name} must be a square matrix of at least 3x3, got shape {array.shape}")
    if not np.all(np.isfinite(array[:3, :3])):
        raise PcError(f"{name} has non-finite position entries")
    return array[:3, :3]


def _check_hbr(hbr_m: float) -> float:
    if not math.isfinite(hbr_m) or hbr_m < 0.0:
        raise PcError(f"hard-body radius must be a finite number >= 0 m, got {hbr_m!r}")
    return float(hbr_m)


def foster_pc(
    r1: np.ndarray,
    v1: np.ndarray,
    cov1: np.ndarray | None,
    r2: np.ndarray,
    v2: np.ndarray,
    cov2: np.ndarray | None,
    hbr_m: float,
    *,
    shape: HardBodyShape = "circle",
    pc_method: str = PC_FOSTER,
    hbr_source: str = "given",
    assumptions: Sequence[str] = (),
) -> PcResult:
    """Foster 2-D Pc from inertial states (m, m/s) and position covariances (m**2, 3x3 or 6x6).

    A covariance of ``None`` counts as zero (an exactly known orbit). The
    states are used as given: see :func:`linear_tca_adjustment`.

    Two objects with 100 m isotropic sigmas, 200 m apart, 10 m hard body: for
    a small hard body Pc ~ R**2 / (2 s**2) exp(-d**2 / (2 s**2)) = 9.197e-4
    with s**2 = 2 * 100**2.

    >>> eye = np.eye(3) * 100.0**2
    >>> r = foster_pc(np.zeros(3), np.array([0, 7e3, 0]), eye,
    ...               np.array([200.0, 0, 0]), np.array([0, 0, 7e3]), eye, 10.0)
    >>> f"{r.pc:.4e}", r.miss_distance_m
    ('9.1970e-04', 200.0)
    """
    r1, v1, r2, v2 = (
        _check_vector(n, x) for n, x in (("r1", r1), ("v1", v1), ("r2", r2), ("v2", v2))
    )
    combined = _check_covariance("cov1", cov1) + _check_covariance("cov2", cov2)
    hbr = _check_hbr(hbr_m)
    plane = _encounter_plane(r1, v1, r2, v2, hbr)
    projected = _project(plane, combined)
    if shape == "circle":
        pc, sx, sz, remediated = _circle_integral(plane.miss_m, projected, hbr)
    elif shape == "square-equal-area":
        pc, sx, sz, remediated = _square_integral(plane.miss_m, projected, hbr)
    else:
        raise PcError(f"unknown hard-body shape {shape!r}")
    return PcResult(
        pc=min(max(pc, 0.0), 1.0),
        pc_method=pc_method,
        hbr_m=hbr,
        hbr_source=hbr_source,
        miss_distance_m=plane.miss_m,
        relative_speed_m_s=plane.speed_m_s,
        sigma_major_m=sx,
        sigma_minor_m=sz,
        covariance_remediated=remediated,
        assumptions=tuple(assumptions),
    )


# ---------------------------------------------------------------------------------------------
# From a CDM


@dataclass(frozen=True, slots=True)
class InertialStates:
    """Both objects' inertial states (m, m/s) and position/velocity covariances (m, m/s)."""

    r1: np.ndarray
    v1: np.ndarray
    cov1: np.ndarray
    r2: np.ndarray
    v2: np.ndarray
    cov2: np.ndarray


def _inertial_state(obj: CdmObject) -> tuple[np.ndarray, np.ndarray]:
    r, v = obj.position_m, obj.velocity_m_s
    frame = obj.ref_frame.upper().replace("-", "")
    if frame.startswith("ITRF"):
        # Axes of the Earth-fixed frame at TCA, frozen: Pc does not change under a
        # rotation common to both objects, so only the velocity needs w x r.
        return r, v + np.cross(np.array([0.0, 0.0, EARTH_ROTATION_RAD_S]), r)
    if frame in _INERTIAL_FRAMES:
        return r, v
    raise PcError(f"{obj.object}: REF_FRAME {obj.ref_frame!r} is not supported for Pc")


def cdm_inertial_states(cdm: Cdm) -> InertialStates:
    """The CDM's states in a common non-rotating frame and its covariances rotated into it.

    The RTN covariance is rotated with each object's inertial state (CARA's
    ``RIC2ECI``). Both objects must be given in the same frame family.
    """
    first, second = cdm.objects
    families = {
        "ITRF" if o.ref_frame.upper().startswith("ITRF") else o.ref_frame.upper()
        for o in cdm.objects
    }
    if len(families) != 1:
        raise PcError(
            f"objects use different REF_FRAMEs ({first.ref_frame}, {second.ref_frame}); "
            "a common frame is needed"
        )
    r1, v1 = _inertial_state(first)
    r2, v2 = _inertial_state(second)
    covariances = []
    for obj, r, v in ((first, r1, v1), (second, r2, v2)):
        if obj.covariance is None:
            raise PcError(f"{obj.object}: the CDM carries no RTN covariance")
        covariances.append(rtn_covariance_to_inertial(obj.covariance_matrix()[:6, :6], r, v))
    return InertialStates(r1, v1, covariances[0], r2, v2, covariances[1])


def _cdm_hbr(cdm: Cdm, hbr_m: float | None, hbr_table: HbrTable | None) -> tuple[float, str]:
    if hbr_m is not None:
        return _check_hbr(hbr_m), "given"
    stated = cdm.combined_hbr_m()
    if stated is not None:
        return _check_hbr(stated[0]), f"CDM ({stated[1]})"
    table = hbr_table or load_hbr_table()
    estimates = []
    for obj in cdm.objects:
        try:
            norad = int(obj.object_designator)
        except ValueError:
            raise PcError(
                f"{obj.object}: no HBR in the CDM and OBJECT_DESIGNATOR "
                f"{obj.object_designator!r} is not a NORAD number; pass hbr_m"
            ) from None
        estimates.append(table.lookup(norad))
    value = combined_hbr_m(estimates[0], estimates[1])
    sources = "; ".join(f"{e.norad_id}: {e.hbr_m:g} m ({e.source})" for e in estimates)
    return value, f"CARA HBR table, combined ({sources})"


def pc_from_cdm(
    cdm: Cdm,
    *,
    hbr_m: float | None = None,
    adjust_to_tca: bool = True,
    hbr_table: HbrTable | None = None,
) -> PcResult:
    """Foster 2-D Pc from a CDM's states and covariances (``pc_method`` ``foster-2d-cdm``).

    The HBR is, in order: ``hbr_m``; the combined HBR the CDM states; the CARA
    table's HBRs of both NORAD ids, combined. With ``adjust_to_tca`` the states
    are moved to the closest approach of their linear relative motion first
    (CARA's ``Pc2D_FromCDM``); without it, CARA's "NoAdj" value results.
    """
    try:
        hbr, source = _cdm_hbr(cdm, hbr_m, hbr_table)
        states = cdm_inertial_states(cdm)
    except PcError as error:
        raise PcError(f"{cdm.source or 'CDM ' + cdm.header.message_id}: {error}") from None
    r1, r2, offset = states.r1, states.r2, 0.0
    if adjust_to_tca:
        offset, r1, r2 = linear_tca_adjustment(states.r1, states.v1, states.r2, states.v2)
    result = foster_pc(
        r1,
        states.v1,
        states.cov1,
        r2,
        states.v2,
        states.cov2,
        hbr,
        pc_method=PC_FOSTER_CDM,
        hbr_source=source,
        assumptions=("covariances as given in the CDM (RTN, rotated with each object's state)",),
    )
    return replace(result, tca_offset_s=offset)


# ---------------------------------------------------------------------------------------------
# Maximum Pc


def frisbee_max_pc(
    r1: np.ndarray,
    v1: np.ndarray,
    cov1: np.ndarray | None,
    r2: np.ndarray,
    v2: np.ndarray,
    cov2: np.ndarray | None,
    hbr_m: float,
    *,
    shape: HardBodyShape = "circle",
    hbr_source: str = "given",
) -> PcResult:
    """Maximum Pc when one object's covariance is unknown (Frisbee 2015, CARA ``FrisbeeMaxPc``).

    Pass ``None`` (or zeros) for the unknown covariance. When both are given,
    the one whose replacement raises Pc most is treated as unknown, as CARA does.
    """
    r1, v1, r2, v2 = (
        _check_vector(n, x) for n, x in (("r1", r1), ("v1", v1), ("r2", r2), ("v2", v2))
    )
    c1, c2 = _check_covariance("cov1", cov1), _check_covariance("cov2", cov2)
    hbr = _check_hbr(hbr_m)
    if not c1.any() and not c2.any():
        raise PcError("both covariances are unknown: use scaled_max_pc")
    plane = _encounter_plane(r1, v1, r2, v2, hbr)
    miss = np.array([plane.miss_m, 0.0])

    def mahalanobis(covariance: np.ndarray) -> float:
        projected = _project(plane, covariance)
        try:
            return math.sqrt(max(float(miss @ np.linalg.solve(projected, miss)), 0.0))
        except np.linalg.LinAlgError:
            return math.inf

    # ka[0]: primary unknown (uses the secondary's covariance); ka[1]: secondary unknown.
    ka = [mahalanobis(c2) if c2.any() else 0.0, mahalanobis(c1) if c1.any() else 0.0]
    unknown = 0 if not c1.any() else 1 if not c2.any() else int(np.argmax(ka))
    k = ka[unknown]
    if not math.isfinite(k):
        raise PcError("the known covariance is singular on the encounter plane")
    label = ("primary", "secondary")[unknown]
    if k > 1.0:
        variance = plane.miss_m**2 * (k**2 - 1.0) / k**2
        worst = variance * np.outer(plane.x_axis, plane.x_axis)
        if unknown == 0:
            c1 = worst
        else:
            c2 = worst
        note = (
            f"{label} covariance unknown: worst case {math.sqrt(variance):.6g} m (1-sigma) "
            "along the miss vector (Frisbee 2015)"
        )
    else:
        if unknown == 0:
            c1 = np.zeros((3, 3))
        else:
            c2 = np.zeros((3, 3))
        note = (
            f"{label} covariance unknown: worst case is zero (miss within 1 sigma of the known one)"
        )
    return foster_pc(
        r1,
        v1,
        c1,
        r2,
        v2,
        c2,
        hbr,
        shape=shape,
        pc_method=PC_MAX_FRISBEE,
        hbr_source=hbr_source,
        assumptions=(note,),
    )


def scaled_max_pc(
    r1: np.ndarray,
    v1: np.ndarray,
    r2: np.ndarray,
    v2: np.ndarray,
    hbr_m: float,
    *,
    shape_covariance: np.ndarray | None = None,
    hbr_source: str = "given",
    assumptions: Sequence[str] = (),
) -> PcResult:
    """Maximum Pc over the size of a combined covariance of fixed shape (Alfano 2005).

    ``shape_covariance`` (3x3, any scale) gives the shape; ``None`` means
    isotropic on the encounter plane. A miss distance inside the hard body gives 1.

    >>> r = scaled_max_pc(np.zeros(3), np.array([0, 7e3, 0]), np.array([1000.0, 0, 0]),
    ...                   np.array([0, 0, 7e3]), 10.0)
    >>> f"{r.pc:.4e}", round(r.sigma_major_m, 1)
    ('3.6788e-05', 707.1)
    """
    r1, v1, r2, v2 = (
        _check_vector(n, x) for n, x in (("r1", r1), ("v1", v1), ("r2", r2), ("v2", v2))
    )
    hbr = _check_hbr(hbr_m)
    plane = _encounter_plane(r1, v1, r2, v2, hbr)
    if shape_covariance is None:
        shape = np.eye(2)
        text = "no covariance: isotropic combined covariance on the encounter plane"
    else:
        shape = _project(plane, _check_covariance("shape_covariance", shape_covariance))
        text = "no covariance: combined covariance of the given shape"
    if np.linalg.eigvalsh(shape)[0] <= 0.0:
        raise PcError("shape covariance is not positive definite on the encounter plane")
    notes = (*assumptions, f"{text}, scaled to maximise Pc (Alfano 2005)")
    if plane.miss_m <= hbr:
        # The limit of a vanishing covariance: the centres are inside the hard body.
        return PcResult(
            pc=1.0,
            pc_method=PC_MAX_SCALED,
            hbr_m=hbr,
            hbr_source=hbr_source,
            miss_distance_m=plane.miss_m,
            relative_speed_m_s=plane.speed_m_s,
            sigma_major_m=0.0,
            sigma_minor_m=0.0,
            assumptions=(*notes, "miss distance within the hard body"),
        )
    miss = np.array([plane.miss_m, 0.0])
    # For a small hard body the optimum scale is where the Mahalanobis distance is sqrt(2).
    start = math.log(math.sqrt(float(miss @ np.linalg.solve(shape, miss)) / 2.0))

    def negative_log_pc(log_scale: float) -> float:
        pc = _circle_integral(plane.miss_m, shape * math.exp(2.0 * log_scale), hbr)[0]
        return -math.log(pc) if pc > 0.0 else 1e300

    # A miss just outside the hard body puts the optimum near the gap to its edge.
    gap = math.log(max(plane.miss_m - hbr, 1e-12 * plane.miss_m) / plane.miss_m)
    best = optimize.minimize_scalar(
        negative_log_pc,
        bounds=(start + min(gap, 0.0) - 6.0, start + 6.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    scale = math.exp(float(best.x))
    pc, sx, sz, _ = _circle_integral(plane.miss_m, shape * scale**2, hbr)
    return PcResult(
        pc=pc,
        pc_method=PC_MAX_SCALED,
        hbr_m=hbr,
        hbr_source=hbr_source,
        miss_distance_m=plane.miss_m,
        relative_speed_m_s=plane.speed_m_s,
        sigma_major_m=sx,
        sigma_minor_m=sz,
        assumptions=notes,
    )


# ---------------------------------------------------------------------------------------------
# TLE-only: SGP4 error model


@dataclass(frozen=True, slots=True)
class Sgp4ErrorRegime:
    """Growth of SGP4 (TLE) position errors in one orbit regime.

    Each axis' 1-sigma in km is ``sqrt(s0**2 + (rate*t)**2 + (quad*t**2)**2)``
    for element-set age ``t`` in days, along radial, in-track, cross-track.
    """

    name: str
    max_eccentricity: float
    min_perigee_km: float
    max_perigee_km: float
    sigma0_km: tuple[float, float, float]
    rate_km_per_day: tuple[float, float, float]
    quadratic_km_per_day2: tuple[float, float, float]
    source: str

    def contains(self, perigee_km: float, eccentricity: float) -> bool:
        return (
            eccentricity < self.max_eccentricity
            and self.min_perigee_km <= perigee_km < self.max_perigee_km
        )

    def sigma_rtn_km(self, age_days: float) -> np.ndarray:
        """1-sigma position error (R, T, N) in km after ``age_days`` from the element epoch."""
        t = abs(age_days)
        s0 = np.array(self.sigma0_km)
        rate = np.array(self.rate_km_per_day)
        quad = np.array(self.quadratic_km_per_day2)
        return np.sqrt(s0**2 + (rate * t) ** 2 + (quad * t**2) ** 2)


#: SGP4 error model for TLE-only Pc, by orbit regime.
#:
#: * ``leo-drag`` (e < 0.1, perigee below 500 km): fitted to the public ISS TLE
#:   history 2020-2024 (9,571 element sets, Space-Track gp_history): each TLE
#:   propagated to the epochs of the next 0.1-6.5 days' TLEs and differenced in
#:   RTN; robust (MAD) sigmas per age bin, fitted within a factor 1.21 in every
#:   bin. The in-track rate, 1.8 km/day, sits inside the 1-3 km/day Vallado &
#:   Cefola give for LEO; the quadratic term is drag mis-modelling, which
#:   dominates after ~1 day at these altitudes.
#: * ``leo`` (e < 0.1, perigee 500-2000 km): Vallado, D. A., and Cefola, P. J.,
#:   "Two-line element sets - practice and use", IAC-12-A6.6.11 (2012): about
#:   1 km at epoch, in-track growth 1-3 km/day; the middle, 2 km/day, is used,
#:   with the radial and cross-track terms of the ISS fit (without its drag term).
#: * Other orbits (MEO, GEO, HEO): no published growth rates were found that we
#:   could cite, so TLE-only events there get ``max-pc-scaled`` instead.
SGP4_ERROR_MODEL: tuple[Sgp4ErrorRegime, ...] = (
    Sgp4ErrorRegime(
        "leo-drag", 0.1, -math.inf, 500.0,
        (0.058, 0.49, 0.083), (0.058, 1.84, 0.155), (0.0134, 1.96, 0.0089),
        "fit to ISS TLE history 2020-2024 (TLE-to-TLE RTN differences); in-track rate "
        "within Vallado & Cefola 2012 (IAC-12-A6.6.11) 1-3 km/day",
    ),
    Sgp4ErrorRegime(
        "leo", 0.1, 500.0, 2000.0,
        (0.058, 1.0, 0.083), (0.058, 2.0, 0.155), (0.0, 0.0, 0.0),
        "Vallado & Cefola 2012 (IAC-12-A6.6.11): ~1 km at epoch, 1-3 km/day in-track; "
        "radial/cross-track from the ISS fit",
    ),
)  # fmt: skip


def _perigee_km(elements: ElementSet) -> float:
    n = elements.mean_motion * 2.0 * math.pi / 86400.0
    semi_major = (_MU_KM3_S2 / n**2) ** (1.0 / 3.0)
    return semi_major * (1.0 - elements.eccentricity) - _EARTH_RADIUS_KM


def sgp4_error_regime(elements: ElementSet) -> Sgp4ErrorRegime | None:
    """The regime of :data:`SGP4_ERROR_MODEL` an element set falls in, or ``None``."""
    perigee = _perigee_km(elements)
    for regime in SGP4_ERROR_MODEL:
        if regime.contains(perigee, elements.eccentricity):
            return regime
    return None


@dataclass(frozen=True, slots=True)
class _TleObject:
    elements: ElementSet
    position_m: np.ndarray  # TEME
    velocity_m_s: np.ndarray
    regime: Sgp4ErrorRegime | None
    age_days: float
    sigma_rtn_m: np.ndarray | None


def _propagate(elements: ElementSet, tca: datetime) -> tuple[np.ndarray, np.ndarray]:
    if tca.tzinfo is None:
        raise PcError("TCA must be timezone-aware (UTC)")
    satellite = elements.to_satrec()
    minutes = (tca - elements.epoch).total_seconds() / 60.0
    error, position, velocity = satellite.sgp4_tsince(minutes)
    if error:
        raise PcError(
            f"SGP4 error {error} propagating NORAD {elements.norad_id} to {tca.isoformat()}"
        )
    return np.array(position) * 1e3, np.array(velocity) * 1e3


def _tle_object(elements: ElementSet, tca: datetime) -> _TleObject:
    position, velocity = _propagate(elements, tca)
    age = (tca - elements.epoch).total_seconds() / 86400.0
    regime = sgp4_error_regime(elements)
    sigma = None if regime is None else regime.sigma_rtn_km(age) * 1e3
    return _TleObject(elements, position, velocity, regime, age, sigma)


def _tle_assumption(label: str, obj: _TleObject) -> str:
    if obj.regime is None or obj.sigma_rtn_m is None:
        return (
            f"{label} NORAD {obj.elements.norad_id}: no SGP4 error model for its orbit "
            f"(perigee {_perigee_km(obj.elements):.0f} km, e {obj.elements.eccentricity:.4f})"
        )
    s = obj.sigma_rtn_m
    return (
        f"{label} NORAD {obj.elements.norad_id}: covariance assumed from SGP4 error model "
        f"'{obj.regime.name}' at element-set age {obj.age_days:.3f} d: 1-sigma R/T/N = "
        f"{s[0]:.1f}/{s[1]:.1f}/{s[2]:.1f} m ({obj.regime.source})"
    )


def _tle_hbr(
    primary: ElementSet, secondary: ElementSet, hbr_m: float | None, table: HbrTable | None
) -> tuple[float, str]:
    if hbr_m is not None:
        return _check_hbr(hbr_m), "given"
    lookup = table or load_hbr_table()
    first, second = lookup.lookup(primary.norad_id), lookup.lookup(secondary.norad_id)
    return combined_hbr_m(first, second), (
        f"CARA HBR table, combined ({first.norad_id}: {first.hbr_m:g} m ({first.source}); "
        f"{second.norad_id}: {second.hbr_m:g} m ({second.source}))"
    )


def _tle_result(first: _TleObject, second: _TleObject, hbr: float, hbr_source: str) -> PcResult:
    notes = (
        _tle_assumption("OBJECT1", first),
        _tle_assumption("OBJECT2", second),
        "states: SGP4 at TCA (TEME)",
    )
    if first.sigma_rtn_m is None or second.sigma_rtn_m is None:
        return scaled_max_pc(
            first.position_m,
            first.velocity_m_s,
            second.position_m,
            second.velocity_m_s,
            hbr,
            hbr_source=hbr_source,
            assumptions=notes,
        )
    covariances = [
        rtn_covariance_to_inertial(np.diag(sigma**2), obj.position_m, obj.velocity_m_s)
        for obj, sigma in ((first, first.sigma_rtn_m), (second, second.sigma_rtn_m))
    ]
    return foster_pc(
        first.position_m,
        first.velocity_m_s,
        covariances[0],
        second.position_m,
        second.velocity_m_s,
        covariances[1],
        hbr,
        pc_method=PC_FOSTER_SGP4,
        hbr_source=hbr_source,
        assumptions=notes,
    )


def tle_pc(
    primary: ElementSet,
    secondary: ElementSet,
    tca: datetime,
    *,
    hbr_m: float | None = None,
    hbr_table: HbrTable | None = None,
) -> PcResult:
    """TLE-only Pc at ``tca`` (``foster-2d-sgp4-error-model``, or ``max-pc-scaled`` outside the model).

    Both element sets are propagated with SGP4 to ``tca``; each gets the
    diagonal RTN position covariance of :data:`SGP4_ERROR_MODEL` for its regime
    and age. The HBR is ``hbr_m`` or the CARA table's, combined (default 1.1 m
    per unknown object).
    """
    hbr, source = _tle_hbr(primary, secondary, hbr_m, hbr_table)
    return _tle_result(_tle_object(primary, tca), _tle_object(secondary, tca), hbr, source)


# ---------------------------------------------------------------------------------------------
# CDM for a TLE-only event


def _teme_to_gcrf(tca: datetime) -> np.ndarray:
    from skyfield.sgp4lib import TEME

    from orbit.frames import timescale

    scale = timescale()
    time = scale.from_datetime(tca)
    # rotation_at(t) maps GCRS into TEME; its transpose maps back.
    return np.asarray(TEME.rotation_at(time)).T


def tle_event_cdm(
    primary: ElementSet,
    secondary: ElementSet,
    tca: datetime,
    *,
    message_id: str,
    creation_date: datetime,
    originator: str = "SPACEREG",
    hbr_m: float | None = None,
    hbr_table: HbrTable | None = None,
) -> tuple[Cdm, PcResult]:
    """A CDM (KVN-ready) for a TLE-only conjunction, and its Pc.

    States are SGP4 at TCA rotated from TEME to GCRF. The covariance written
    is the one assumed (diagonal RTN position, COVARIANCE_METHOD = DEFAULT),
    stated in COMMENT lines with its source; without a model for the orbit the
    covariance is written as zeros and the Pc is the scaled maximum.
    """
    hbr, source = _tle_hbr(primary, secondary, hbr_m, hbr_table)
    first, second = _tle_object(primary, tca), _tle_object(secondary, tca)
    result = _tle_result(first, second, hbr, source)
    rotation = _teme_to_gcrf(tca)
    r1, v1 = rotation @ first.position_m, rotation @ first.velocity_m_s
    r2, v2 = rotation @ second.position_m, rotation @ second.velocity_m_s
    basis = rtn_basis(r1, v1)
    relative_position = basis.T @ (r2 - r1)
    relative_velocity = basis.T @ (v2 - v1)
    method = "FOSTER-1992" if result.pc_method == PC_FOSTER_SGP4 else "ALFANO-MAX-PROBABILITY"
    relative = CdmRelativeMetadata(
        tca=tca,
        miss_distance_m=float(np.linalg.norm(r2 - r1)),
        relative_speed_m_s=float(np.linalg.norm(v2 - v1)),
        relative_position_rtn_m=_triple(relative_position),
        relative_velocity_rtn_m_s=_triple(relative_velocity),
        collision_probability=result.pc,
        collision_probability_method=method,
        comments=(
            f"spacereg pc_method = {result.pc_method}",
            f"HBR = {hbr!r} [m]",
            f"HBR source: {source}",
            *result.assumptions,
        ),
    )
    objects = tuple(
        _tle_cdm_object(label, obj, r, v)
        for label, obj, r, v in (("OBJECT1", first, r1, v1), ("OBJECT2", second, r2, v2))
    )
    header = CdmHeader("1.0", creation_date, originator, message_id)
    return Cdm(header, relative, (objects[0], objects[1])), result


def _triple(values: np.ndarray) -> tuple[float, float, float]:
    return float(values[0]), float(values[1]), float(values[2])


def _tle_cdm_object(label: str, obj: _TleObject, r: np.ndarray, v: np.ndarray) -> CdmObject:
    elements = obj.elements
    sigma = obj.sigma_rtn_m if obj.sigma_rtn_m is not None else np.zeros(3)
    covariance = np.zeros((6, 6))
    covariance[:3, :3] = np.diag(sigma**2)
    rows, cols = np.tril_indices(6)
    comments = (
        f"Element set epoch {elements.epoch.isoformat()}, age at TCA {obj.age_days:.6f} d",
        "Covariance ASSUMED (no covariance is published with TLEs): " + _tle_assumption(label, obj),
    )
    return CdmObject(
        object=label,
        object_designator=str(elements.norad_id),
        catalog_name="SATCAT",
        object_name=elements.name or "UNKNOWN",
        international_designator=elements.designator or "UNKNOWN",
        ephemeris_name="NONE",
        covariance_method="DEFAULT",
        maneuverable="N/A",
        ref_frame="GCRF",
        position_km=_triple(r / 1e3),
        velocity_km_s=_triple(v / 1e3),
        covariance=tuple(float(x) for x in covariance[rows, cols]),
        comments=comments,
    )
