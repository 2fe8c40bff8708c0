"""Exact SGP4 states of a pair, and the TCA and threshold-crossing solvers on them.

Everything reported by the screen (TCA, miss distance, relative speed, the
radial / in-track / cross-track split, proximity start and end) comes from
here: straight SGP4 calls at the solved times, never interpolated states.
Three-vectors are plain tuples: at one call per iteration, numpy's per-call
overhead would cost more than SGP4 itself (0.75 µs a call).

>>> from sgp4.api import Satrec
>>> iss = Satrec.twoline2rv(
...     "1 25544U 98067A   22022.91470718  .00005958  00000-0  11386-3 0  9994",
...     "2 25544  51.6445 336.0056 0006830  51.7508  17.5213 15.49594026322655")
>>> pair = ExactPair(iss, iss, 2459601.5, 0.0)
>>> ra, va, rb, vb = pair.states(600.0)
>>> ra == rb
True
>>> [round(x, 3) for x in ric((1.0, 0.0, 0.0), (7000.0, 0.0, 0.0), (0.0, 7.5, 0.0))]
[1.0, 0.0, 0.0]
"""

from __future__ import annotations

import math

from scipy.optimize import brentq
from sgp4.api import Satrec

from .gate import MU_KM3_S2
from .window import SECONDS_PER_DAY

Vec = tuple[float, float, float]

#: Newton stops when the correction is below this (s); the TCA is then far inside 1 ms.
NEWTON_TOLERANCE_S = 1e-6
_NEWTON_ITERATIONS = 12


class PropagationError(Exception):
    """SGP4 failed for one object at one time."""

    def __init__(self, which: int, code: int, t: float) -> None:
        super().__init__(f"SGP4 error {code} for object {'ab'[which]} at t={t:.3f} s")
        self.which, self.code, self.t = which, code, t


def _dot(x: Vec, y: Vec) -> float:
    return x[0] * y[0] + x[1] * y[1] + x[2] * y[2]


def _sub(x: Vec, y: Vec) -> Vec:
    return (x[0] - y[0], x[1] - y[1], x[2] - y[2])


def _norm(x: Vec) -> float:
    return math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])


def ric(miss: Vec, r: Vec, v: Vec) -> Vec:
    """``miss`` split into radial, in-track and cross-track components in the frame of (r, v)."""
    rn = _norm(r)
    radial = (r[0] / rn, r[1] / rn, r[2] / rn)
    h = (r[1] * v[2] - r[2] * v[1], r[2] * v[0] - r[0] * v[2], r[0] * v[1] - r[1] * v[0])
    hn = _norm(h)
    cross = (h[0] / hn, h[1] / hn, h[2] / hn)
    intrack = (
        cross[1] * radial[2] - cross[2] * radial[1],
        cross[2] * radial[0] - cross[0] * radial[2],
        cross[0] * radial[1] - cross[1] * radial[0],
    )
    return (_dot(miss, radial), _dot(miss, intrack), _dot(miss, cross))


class ExactPair:
    """Two ``Satrec`` objects and the window origin (``jd_whole`` + ``jd_fraction``)."""

    __slots__ = ("a", "b", "evaluations", "fraction", "whole")

    def __init__(self, a: Satrec, b: Satrec, jd_whole: float, jd_fraction: float) -> None:
        self.a, self.b = a, b
        self.whole, self.fraction = jd_whole, jd_fraction
        self.evaluations = 0

    def states(self, t: float) -> tuple[Vec, Vec, Vec, Vec]:
        """TEME position (km) and velocity (km/s) of a, then of b, at ``t`` window seconds."""
        fr = self.fraction + t / SECONDS_PER_DAY
        ea, ra, va = self.a.sgp4(self.whole, fr)
        eb, rb, vb = self.b.sgp4(self.whole, fr)
        self.evaluations += 2
        if ea:
            raise PropagationError(0, ea, t)
        if eb:
            raise PropagationError(1, eb, t)
        return ra, va, rb, vb

    def relative(self, t: float) -> tuple[Vec, Vec]:
        """Relative position and velocity of b with respect to a."""
        ra, va, rb, vb = self.states(t)
        return _sub(rb, ra), _sub(vb, va)

    def distance(self, t: float) -> float:
        dr, _ = self.relative(t)
        return _norm(dr)

    def range_rate_product(self, t: float) -> float:
        """``dr . dv``: negative while closing, zero at a minimum or maximum of range."""
        dr, dv = self.relative(t)
        return _dot(dr, dv)

    def newton_tca(self, t0: float, lo: float, hi: float) -> float | None:
        """Time of the range minimum near ``t0`` by Newton on ``dr . dv``, or ``None``.

        The derivative of ``dr . dv`` is ``|dv|**2 + dr . da``, with the
        relative acceleration ``da`` from two-body gravity: near a conjunction
        ``dr`` is small, so that term is a small correction and its model
        error slows convergence only slightly. ``None`` when an iterate leaves
        ``[lo, hi]`` or the curvature is not that of a minimum (slow pairs):
        the caller then brackets instead.
        """
        t = t0
        for _ in range(_NEWTON_ITERATIONS):
            ra, va, rb, vb = self.states(t)
            dr, dv = _sub(rb, ra), _sub(vb, va)
            na, nb = _norm(ra), _norm(rb)
            ka, kb = -MU_KM3_S2 / (na * na * na), -MU_KM3_S2 / (nb * nb * nb)
            da = (kb * rb[0] - ka * ra[0], kb * rb[1] - ka * ra[1], kb * rb[2] - ka * ra[2])
            slope = _dot(dv, dv) + _dot(dr, da)
            if slope <= 0.0:
                return None
            correction = -_dot(dr, dv) / slope
            t += correction
            if not lo <= t <= hi:
                return None
            if abs(correction) < NEWTON_TOLERANCE_S:
                return t
        return None

    def bracketed_tca(self, lo: float, hi: float, f_lo: float, f_hi: float) -> float:
        """Range minimum between ``lo`` and ``hi`` where ``dr . dv`` goes from < 0 to >= 0."""
        if f_hi == 0.0:
            return hi
        return float(
            brentq(
                self.range_rate_product,
                lo,
                hi,
                xtol=NEWTON_TOLERANCE_S,
                rtol=1e-15,
                maxiter=200,
            )
        )

    def crossing(self, lo: float, hi: float, threshold_km: float) -> float:
        """Time between ``lo`` and ``hi`` where the range crosses ``threshold_km``."""
        return float(
            brentq(
                lambda t: self.distance(t) - threshold_km,
                lo,
                hi,
                xtol=1e-4,
                rtol=1e-15,
                maxiter=200,
            )
        )
