"""Hermite ephemeris: SGP4 at knots, cubic Hermite (position + velocity) between them.

SGP4 is the expensive part of a screen. It runs here only at knots, every ``h``
seconds, and positions at the fine screening steps come from the cubic Hermite
polynomial through the two neighbouring knots' positions and velocities.

Knot spacing is chosen per object so that the interpolation error stays below a
target. The error has two parts, both measured on the 2022-01-22 catalog:

* the polynomial's own error, ``h**4 / 384`` times the largest fourth
  derivative of position; near perigee that is ``C * a * n**4 * (1 + e)**2 /
  (1 - e)**5`` (perigee radius over the fourth power of the perigee time scale),
  with ``C`` from 1.00 (circular) to 1.12 (e = 0.3) on Kepler orbits; 1.5 is
  used, evaluated from the osculating elements of every knot state so that
  decaying objects whose orbits changed since epoch get finer knots too;
* SGP4's velocity is not exactly the derivative of its position (median
  0.05 m/s, but 45 m/s for some deep-space orbits and far more for diverging
  ones). A velocity error ``dv`` at the knots moves the cubic by up to
  ``0.0962 * h * dv`` (the largest value of ``u (1 - u) (1 - 2 u)``); the
  catalog needed 0.096-0.098. ``dv`` is measured per object by central
  differences at a few times and doubled (the worst over a dense grid was 1.53x
  the worst over the sparse samples).

States that SGP4 flags, that leave the Earth's neighbourhood (diverged runs of
old decaying elements report no error but reach millions of km), that are
unbound, or that no knot spacing down to the finest can interpolate within the
target mark the object as skipped over the knot intervals they touch; those
spans are reported as :class:`FailureSpan`.

>>> round(float(hermite_error_bound(240.0, 6780.0, 1.134e-3, 0.0007, 5e-5)), 3)
0.147
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sgp4.api import SGP4_ERRORS, Satrec, SatrecArray

from .catalog import ScreeningCatalog
from .gate import EARTH_RADIUS_KM, MU_KM3_S2
from .window import SECONDS_PER_DAY, Window

#: Safety factor on the Kepler fourth-derivative constant (1.00-1.12 at mid-interval on
#: Kepler orbits; the catalog's worst over whole intervals reached 1.13).
HERMITE_CONSTANT = 1.5
#: The same for the velocity error, where the catalog's eccentric orbits reached 2.2
#: (the fourth derivative changes fast across an interval near perigee).
HERMITE_VELOCITY_CONSTANT = 3.5
#: Added to every velocity bound (km/s), for what the fourth-derivative model misses.
VELOCITY_ERROR_FLOOR_KMS = 0.003
#: Largest of ``u (1 - u) (1 - 2 u)`` on [0, 1]: how far a velocity error tilts the cubic.
VELOCITY_ERROR_GAIN = 0.0962
#: Applied to the sampled velocity mismatch.
VELOCITY_MISMATCH_SAFETY = 2.0
#: Velocity mismatch (km/s) above which it is sampled densely; below it, doubling the
#: sparse worst and adding MISMATCH_FLOOR_KMS covered the dense worst of every object.
NOTABLE_MISMATCH_KMS = 3e-3
MISMATCH_FLOOR_KMS = 1.5e-3
DENSE_MISMATCH_STEP_S = 120.0
#: Finest knot spacing is the coarsest divided by 2**MAX_HALVINGS.
MAX_HALVINGS = 6
#: Half-width (s) of the central difference that measures the velocity mismatch.
_DIFF_HALF_S = 0.5

DIVERGED = 100
UNBOUND = 101
NOT_INTERPOLABLE = 102
#: Reasons for skipped states: SGP4's own error codes, then ours.
REASONS: dict[int, str] = {
    **{int(k): str(v) for k, v in SGP4_ERRORS.items()},
    DIVERGED: "propagation diverged (position far beyond the orbit's apogee)",
    UNBOUND: "propagation diverged (state above escape speed)",
    NOT_INTERPOLABLE: "propagation diverging (SGP4 velocity inconsistent with its positions)",
}


def hermite_error_bound(
    h: float | NDArray[np.float64],
    a_km: float | NDArray[np.float64],
    n_rad_s: float | NDArray[np.float64],
    e: float | NDArray[np.float64],
    knot_velocity_error_kms: float | NDArray[np.float64],
) -> NDArray[np.float64]:
    """Bound (km) on the cubic-Hermite position error over knot spacing ``h`` seconds.

    ``knot_velocity_error_kms`` bounds how far SGP4's velocity at the knots departs
    from the derivative of its positions.
    """
    ecc = np.clip(np.asarray(e, dtype=np.float64), 0.0, 0.999999)
    fourth = np.asarray(a_km) * np.asarray(n_rad_s) ** 4 * (1.0 + ecc) ** 2 / (1.0 - ecc) ** 5
    return _bound_from_fourth(np.asarray(h, dtype=np.float64), fourth, knot_velocity_error_kms)


def _velocity_bound_from_fourth(
    h: float,
    fourth: NDArray[np.float64],
    knot_velocity_error_kms: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Bound (km/s) on the cubic's velocity error: ``h**3 / 124.7`` times the fourth
    derivative (largest of ``|d/du u**2 (1 - u)**2| / 24``), plus the knot velocity error."""
    polynomial = HERMITE_VELOCITY_CONSTANT * h**3 / 124.7 * fourth
    return np.asarray(polynomial + knot_velocity_error_kms + VELOCITY_ERROR_FLOOR_KMS)


def _bound_from_fourth(
    h: float | NDArray[np.float64],
    fourth: NDArray[np.float64],
    knot_velocity_error_kms: float | NDArray[np.float64],
) -> NDArray[np.float64]:
    h_arr = np.asarray(h, dtype=np.float64)
    polynomial = HERMITE_CONSTANT * h_arr**4 / 384.0 * fourth
    tilt = VELOCITY_ERROR_GAIN * h_arr * np.asarray(knot_velocity_error_kms)
    return np.asarray(polynomial + tilt, dtype=np.float64)


def state_problems(
    errors: NDArray[np.integer],
    r: NDArray[np.float64],
    v: NDArray[np.float64],
    max_radius_km: NDArray[np.float64],
) -> NDArray[np.int16]:
    """Problem code per state (0 = sound): SGP4 error, :data:`DIVERGED` or :data:`UNBOUND`.

    ``errors`` has shape (..., N), ``r`` and ``v`` (..., N, 3), ``max_radius_km`` (N,).
    """
    codes = np.asarray(errors, dtype=np.int16).copy()
    with np.errstate(invalid="ignore", over="ignore"):
        radius = np.sqrt(np.einsum("...i,...i->...", r, r))
        speed2 = np.einsum("...i,...i->...", v, v)
        finite = np.isfinite(radius) & np.isfinite(speed2)
        diverged = ~finite | (radius > max_radius_km) | (radius < EARTH_RADIUS_KM * 0.99)
        unbound = finite & ~diverged & (speed2 >= 2.0 * MU_KM3_S2 / radius)
    codes[(codes == 0) & diverged] = DIVERGED
    codes[(codes == 0) & unbound] = UNBOUND
    return codes


def osculating_fourth_derivative(
    r: NDArray[np.float64], v: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``a n**4 (1+e)**2 / (1-e)**5`` from Cartesian states (inf where unbound)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        radius = np.sqrt(np.einsum("...i,...i->...", r, r))
        speed2 = np.einsum("...i,...i->...", v, v)
        inv_a = 2.0 / radius - speed2 / MU_KM3_S2
        rv = np.einsum("...i,...i->...", r, v)
        evec = ((speed2 - MU_KM3_S2 / radius)[..., None] * r - rv[..., None] * v) / MU_KM3_S2
        ecc = np.minimum(np.sqrt(np.einsum("...i,...i->...", evec, evec)), 0.999999)
        n = np.sqrt(MU_KM3_S2 * inv_a**3)
        out = n**4 / inv_a * (1.0 + ecc) ** 2 / (1.0 - ecc) ** 5
    return np.asarray(np.where((inv_a > 0) & np.isfinite(out), out, np.inf), dtype=np.float64)


def propagate(
    satrecs: Sequence[Satrec], window: Window, times_s: NDArray[np.float64]
) -> tuple[NDArray[np.int16], NDArray[np.float64], NDArray[np.float64]]:
    """SGP4 for every satellite at every time: errors (T, N), r and v (T, N, 3) in TEME km, km/s."""
    n_times = len(times_s)
    if not satrecs:
        empty = np.zeros((n_times, 0, 3))
        return np.zeros((n_times, 0), dtype=np.int16), empty, empty.copy()
    jd = np.full(n_times, window.jd_whole)
    fr = window.jd_fraction + np.asarray(times_s, dtype=np.float64) / SECONDS_PER_DAY
    errors, r, v = SatrecArray(list(satrecs)).sgp4(jd, fr)
    return (
        np.ascontiguousarray(errors.T).astype(np.int16),
        np.ascontiguousarray(r.transpose(1, 0, 2)),
        np.ascontiguousarray(v.transpose(1, 0, 2)),
    )


def velocity_mismatch(
    satrecs: Sequence[Satrec],
    window: Window,
    times_s: NDArray[np.float64],
    max_radius_km: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Largest |SGP4 velocity - central difference of SGP4 positions| (km/s) per object.

    Taken over ``times_s`` where the state and both neighbours are sound; 0 where none is.
    """
    times = np.asarray(times_s, dtype=np.float64)
    stacked = np.concatenate([times - _DIFF_HALF_S, times, times + _DIFF_HALF_S])
    errors, r, v = propagate(satrecs, window, stacked)
    n = len(times)
    problems = state_problems(errors, r, v, max_radius_km)
    sound = (problems[:n] == 0) & (problems[n : 2 * n] == 0) & (problems[2 * n :] == 0)
    derivative = (r[2 * n :] - r[:n]) / (2.0 * _DIFF_HALF_S)
    with np.errstate(invalid="ignore"):
        mismatch = np.linalg.norm(derivative - v[n : 2 * n], axis=-1)
    return np.asarray(np.where(sound, mismatch, 0.0).max(axis=0, initial=0.0), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class FailureSpan:
    """Object ``index`` was skipped from ``start_s`` to ``end_s`` (window seconds) for ``reason``."""

    index: int
    start_s: float
    end_s: float
    reason: str


class _KnotClass:
    """Objects sharing one knot spacing ``h`` (knots at ``(m0 + i) * h``), rows ``rows`` of the output."""

    def __init__(
        self,
        h: float,
        m0: int,
        rows: slice,
        pos: NDArray[np.float64],
        vel: NDArray[np.float64],
        interval_ok: NDArray[np.bool_],
    ) -> None:
        self.h, self.m0, self.rows = h, m0, rows
        self.pos, self.vel, self.interval_ok = pos, vel, interval_ok
        self._interval = -1
        self._coefficients: tuple[NDArray[np.float64], ...] = ()

    def coefficients(self, interval: int) -> tuple[NDArray[np.float64], ...]:
        """Power-basis coefficients of the cubic on knot interval ``interval`` (local index)."""
        if interval != self._interval:
            p0, p1 = self.pos[interval], self.pos[interval + 1]
            hv0, hv1 = self.h * self.vel[interval], self.h * self.vel[interval + 1]
            chord = p1 - p0
            self._coefficients = (p0, hv0, 3.0 * chord - 2.0 * hv0 - hv1, hv0 + hv1 - 2.0 * chord)
            self._interval = interval
        return self._coefficients


def knot_halvings(
    catalog: ScreeningCatalog,
    mismatch_kms: NDArray[np.float64],
    knot_max_s: float,
    error_km: float,
) -> NDArray[np.int64]:
    """Halvings of the coarsest knot spacing each object needs, from its epoch elements."""
    a = catalog.semi_major_axis_km
    n = catalog.mean_motion_rad_s
    e = catalog.eccentricity
    halvings = np.full(len(catalog), MAX_HALVINGS, dtype=np.int64)
    for k in range(MAX_HALVINGS, -1, -1):
        fits = hermite_error_bound(knot_max_s / 2**k, a, n, e, mismatch_kms) <= error_km
        halvings[fits] = k
    return halvings


class HermiteEphemeris:
    """Interpolated states of every catalog object over ``[t_lo, t_hi]`` window seconds.

    Objects are stored grouped by knot spacing; ``order[row]`` is the catalog
    index of output row ``row``. Call :meth:`at` with non-decreasing times.
    """

    def __init__(
        self,
        catalog: ScreeningCatalog,
        satrecs: Sequence[Satrec],
        window: Window,
        t_lo: float,
        t_hi: float,
        knot_max_s: float,
        error_km: float,
    ) -> None:
        self.size = len(catalog)
        self.t_lo, self.t_hi = t_lo, t_hi
        self.classes: list[_KnotClass] = []
        self.failures: list[FailureSpan] = []
        max_radius = catalog.max_radius_km
        samples = np.linspace(t_lo, t_hi, 3)
        mismatch = velocity_mismatch(satrecs, window, samples, max_radius)
        self.sgp4_evaluations = 3 * samples.size * self.size
        # The mismatch changes along eccentric orbits: where it matters at all, look
        # again every 2 minutes (17 of the 23,939 objects of the 2022-01-22 catalog).
        notable = np.flatnonzero(mismatch > NOTABLE_MISMATCH_KMS)
        if notable.size:
            dense = np.arange(t_lo, t_hi + DENSE_MISMATCH_STEP_S, DENSE_MISMATCH_STEP_S)
            again = velocity_mismatch(
                [satrecs[int(i)] for i in notable], window, dense, max_radius[notable]
            )
            mismatch[notable] = np.maximum(mismatch[notable], again)
            self.sgp4_evaluations += 3 * dense.size * notable.size
        mismatch = VELOCITY_MISMATCH_SAFETY * mismatch + MISMATCH_FLOOR_KMS
        halvings = knot_halvings(catalog, mismatch, knot_max_s, error_km)
        order_parts: list[NDArray[np.int64]] = []
        position_parts: list[NDArray[np.float64]] = []
        velocity_parts: list[NDArray[np.float64]] = []
        next_row = 0
        for k in range(MAX_HALVINGS + 1):
            members = np.flatnonzero(halvings == k)
            if members.size == 0:
                continue
            h = knot_max_s / 2**k
            m0 = math.floor(t_lo / h)
            m1 = max(math.ceil(t_hi / h), m0 + 1)
            times = np.arange(m0, m1 + 1, dtype=np.float64) * h
            errors, pos, vel = propagate([satrecs[int(i)] for i in members], window, times)
            self.sgp4_evaluations += errors.size
            problems = state_problems(errors, pos, vel, max_radius[members])
            sound = problems == 0
            fourth = np.where(sound, osculating_fourth_derivative(pos, vel), 0.0)
            bound = _bound_from_fourth(h, np.maximum(fourth[:-1], fourth[1:]), mismatch[members])
            interval_ok = sound[:-1] & sound[1:]
            too_coarse = interval_ok & (bound > error_km)
            if k < MAX_HALVINGS:
                promote = too_coarse.any(axis=0)
                if promote.any():
                    halvings[members[promote]] = k + 1
                    keep = ~promote
                    members, pos, vel = members[keep], pos[:, keep], vel[:, keep]
                    problems, interval_ok = problems[:, keep], interval_ok[:, keep]
                    fourth = fourth[:, keep]
                    if members.size == 0:
                        continue
            else:
                problems = problems.copy()
                # Name the knot that starts each untrustworthy interval in the failure span.
                problems[:-1][too_coarse & (problems[:-1] == 0)] = NOT_INTERPOLABLE
                interval_ok = interval_ok & ~too_coarse
            rows = slice(next_row, next_row + members.size)
            next_row += members.size
            order_parts.append(members)
            # Per-object bounds over the intervals actually used (bad ones are skipped).
            worst_fourth = np.where(interval_ok, np.maximum(fourth[:-1], fourth[1:]), 0.0)
            worst_fourth = worst_fourth.max(axis=0, initial=0.0)
            position_parts.append(_bound_from_fourth(h, worst_fourth, mismatch[members]))
            velocity_parts.append(_velocity_bound_from_fourth(h, worst_fourth, mismatch[members]))
            self.classes.append(
                _KnotClass(
                    h,
                    m0,
                    rows,
                    np.ascontiguousarray(pos),
                    np.ascontiguousarray(vel),
                    np.ascontiguousarray(interval_ok),
                )
            )
            self._record_failures(members, times, problems, interval_ok)
        self.order = np.concatenate(order_parts) if order_parts else np.zeros(0, dtype=np.int64)
        #: Bounds per output row on the interpolated position (km) and velocity (km/s) errors.
        self.position_error_km = np.concatenate(position_parts) if position_parts else np.zeros(0)
        self.velocity_error_kms = np.concatenate(velocity_parts) if velocity_parts else np.zeros(0)
        self._pos = np.empty((self.size, 3))
        self._vel = np.empty((self.size, 3))
        self._active = np.zeros(self.size, dtype=np.bool_)

    def _record_failures(
        self,
        members: NDArray[np.int64],
        times: NDArray[np.float64],
        problems: NDArray[np.int16],
        interval_ok: NDArray[np.bool_],
    ) -> None:
        for col in np.flatnonzero(~interval_ok.all(axis=0)):
            bad = ~interval_ok[:, col]
            # Contiguous runs of bad intervals: [start, stop) in interval indices.
            edges = np.flatnonzero(np.diff(np.concatenate(([0], bad.astype(np.int8), [0]))))
            for start, stop in zip(edges[::2], edges[1::2], strict=True):
                codes = problems[start : stop + 1, col]
                code = int(codes[codes != 0][0]) if (codes != 0).any() else NOT_INTERPOLABLE
                self.failures.append(
                    FailureSpan(
                        int(members[col]),
                        max(float(times[start]), self.t_lo),
                        min(float(times[stop]), self.t_hi),
                        REASONS.get(code, f"SGP4 error {code}"),
                    )
                )

    def at(
        self, t: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_] | None]:
        """Positions and velocities (rows in :attr:`order`) at ``t``, and the rows' ``active``
        mask (``None`` when every row is active). The arrays are reused by the next call."""
        all_active = True
        for cls in self.classes:
            scaled = t / cls.h
            interval = min(max(math.floor(scaled) - cls.m0, 0), cls.pos.shape[0] - 2)
            u = scaled - (interval + cls.m0)
            c0, c1, c2, c3 = cls.coefficients(interval)
            pos = self._pos[cls.rows]
            np.multiply(c3, u, out=pos)
            pos += c2
            pos *= u
            pos += c1
            pos *= u
            pos += c0
            vel = self._vel[cls.rows]
            np.multiply(c3, 3.0 * u, out=vel)
            vel += 2.0 * c2
            vel *= u
            vel += c1
            vel *= 1.0 / cls.h
            ok = cls.interval_ok[interval]
            self._active[cls.rows] = ok
            all_active = all_active and bool(ok.all())
        return self._pos, self._vel, None if all_active else self._active
