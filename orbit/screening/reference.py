"""The dense reference screen, and the comparison of a screen against it.

The reference is deliberately plain, to serve as ground truth: one process;
every object propagated by SGP4 (``SatrecArray``) every ``step_s`` = 10 s; at
each sample a k-d tree finds the pairs within ``threshold + speed_kms *
step_s / 2`` (20 km/s x 5 s); straight-line relative motion from the exact
states says whether the pair comes within the threshold inside the half step;
if so, and ``dr . dv`` changes sign from negative to positive across the half
step, Brent's method on exact SGP4 states gives the TCA. It shares only the
state checks (SGP4 errors, diverged states) and the exact pair evaluator with
the screen.

Co-orbiting pairs have no well-defined TCA; the reference lists, as
``slow_samples``, every sample at which such a pair (relative speed below
``co_orbit_kms``) is below the threshold, and :func:`compare` checks that the
screen's proximity periods cover them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from sgp4.api import Satrec

from orbit.elements import ElementSet

from .catalog import ScreeningCatalog
from .ephemeris import propagate, state_problems
from .exact import ExactPair, PropagationError
from .gate import curvature_margin
from .screen import ScreeningResult, default_start, primary_mask
from .window import Window


@dataclass(frozen=True, slots=True)
class ReferenceMinimum:
    """A range minimum below the threshold found by the reference (``index_a < index_b``)."""

    index_a: int
    index_b: int
    norad_a: int
    norad_b: int
    tca_s: float
    miss_km: float
    vrel_kms: float


@dataclass
class ReferenceResult:
    window: Window
    threshold_km: float
    minima: list[ReferenceMinimum]
    #: (index_a, index_b, t) of samples where a co-orbiting pair is below the threshold.
    slow_samples: list[tuple[int, int, float]]
    seconds: float
    steps: int
    sgp4_evaluations: int
    extra: dict[str, float] = field(default_factory=dict)


def dense_reference(
    elements: Sequence[ElementSet],
    threshold_km: float,
    *,
    start: datetime | None = None,
    hours: float = 1.0,
    step_s: float = 10.0,
    speed_kms: float = 20.0,
    co_orbit_kms: float = 0.1,
    primaries: Sequence[int] | None = None,
    chunk: int = 60,
    progress: Callable[[int, int], None] | None = None,
) -> ReferenceResult:
    """Screen by brute force: SGP4 at every sample, a k-d tree per sample."""
    started = time.perf_counter()
    window = Window(start or default_start(elements), float(hours) * 3600.0)
    catalog = ScreeningCatalog.from_elements(elements)
    satrecs = [catalog.element_set(i).to_satrec() for i in range(len(catalog))]
    primary = None if primaries is None else primary_mask(catalog, primaries)
    half = step_s / 2.0
    gate = threshold_km + speed_kms * half
    near = threshold_km + curvature_margin(gate, half)
    steps = math.floor(window.duration_s / step_s) + 1
    max_radius = catalog.max_radius_km
    found: dict[tuple[int, int, int], ReferenceMinimum] = {}
    slow: list[tuple[int, int, float]] = []
    evaluations = 0
    for first in range(0, steps, chunk):
        ks = np.arange(first, min(first + chunk, steps))
        times = ks.astype(np.float64) * step_s
        errors, r, v = propagate(satrecs, window, times)
        evaluations += errors.size
        sound = state_problems(errors, r, v, max_radius) == 0
        for s, t_k in enumerate(times):
            rows = np.flatnonzero(sound[s])
            pos, vel = r[s][rows], v[s][rows]
            i, j = _pairs(pos, gate, None if primary is None else primary[rows])
            if i.size == 0:
                continue
            a, b = rows[i], rows[j]
            distinct = catalog.norad[a] != catalog.norad[b]
            i, j, a, b = i[distinct], j[distinct], a[distinct], b[distinct]
            dr, dv = pos[j] - pos[i], vel[j] - vel[i]
            vv = np.einsum("ij,ij->i", dv, dv)
            with np.errstate(invalid="ignore", divide="ignore"):
                tau = np.where(vv > 0, -np.einsum("ij,ij->i", dr, dv) / vv, 0.0)
            tau = np.clip(tau, -half, half)
            closest = dr + tau[:, None] * dv
            dmin = np.sqrt(np.einsum("ij,ij->i", closest, closest))
            dist = np.sqrt(np.einsum("ij,ij->i", dr, dr))
            speed = np.sqrt(vv)
            for n in np.flatnonzero((speed < co_orbit_kms) & (dist < threshold_km)):
                slow.append((int(a[n]), int(b[n]), float(t_k)))
            for n in np.flatnonzero(dmin <= near):
                minimum = _refine(
                    satrecs, window, catalog, int(a[n]), int(b[n]), float(t_k), half, threshold_km
                )
                if minimum is not None:
                    key = (minimum.index_a, minimum.index_b, round(minimum.tca_s * 1000))
                    found.setdefault(key, minimum)
        if progress is not None:
            progress(int(ks[-1]) + 1, steps)
    minima = sorted(found.values(), key=lambda m: (m.tca_s, m.index_a, m.index_b))
    return ReferenceResult(
        window,
        threshold_km,
        minima,
        slow,
        time.perf_counter() - started,
        steps,
        evaluations,
    )


def _pairs(
    pos: NDArray[np.float64], gate: float, primary: NDArray[np.bool_] | None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    tree = cKDTree(pos)
    if primary is None:
        pairs = tree.query_pairs(gate, output_type="ndarray")
        return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    prim = np.flatnonzero(primary)
    if prim.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    found = cKDTree(pos[prim]).sparse_distance_matrix(tree, gate, output_type="ndarray")
    i, j = prim[found["i"]].astype(np.int64), found["j"].astype(np.int64)
    keep = (i != j) & ~(primary[j] & (j < i))
    return np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])


def _refine(
    satrecs: Sequence[Satrec],
    window: Window,
    catalog: ScreeningCatalog,
    a: int,
    b: int,
    t_k: float,
    half: float,
    threshold_km: float,
) -> ReferenceMinimum | None:
    """The range minimum inside ``t_k +- half``, by Brent on ``dr . dv``, if below threshold."""
    pair = ExactPair(satrecs[a], satrecs[b], window.jd_whole, window.jd_fraction)
    try:
        lo, hi = t_k - half, t_k + half
        f_lo, f_hi = pair.range_rate_product(lo), pair.range_rate_product(hi)
        if not (f_lo < 0.0 <= f_hi):
            return None
        t = pair.bracketed_tca(lo, hi, f_lo, f_hi)
        dr, dv = pair.relative(t)
    except PropagationError:
        return None
    miss = math.sqrt(dr[0] ** 2 + dr[1] ** 2 + dr[2] ** 2)
    if miss > threshold_km or not 0.0 <= t <= window.duration_s:
        return None
    return ReferenceMinimum(
        a,
        b,
        int(catalog.norad[a]),
        int(catalog.norad[b]),
        t,
        miss,
        math.sqrt(dv[0] ** 2 + dv[1] ** 2 + dv[2] ** 2),
    )


@dataclass
class Comparison:
    """A screen against the dense reference over the same catalog and window.

    ``excused`` are reference minima the screen did not report because it skipped
    one of the objects at that time as diverging, and said so in its failures
    (the reference applies SGP4's error codes and the position checks only).
    """

    reference_minima: int
    matched: int
    missed: list[ReferenceMinimum]
    excused: list[ReferenceMinimum]
    screen_encounters: int
    unconfirmed: list[tuple[int, int, float, float]]  # (norad_a, norad_b, tca_s, miss) not in ref
    tca_errors_s: NDArray[np.float64]
    miss_errors_km: NDArray[np.float64]
    slow_samples: int
    slow_samples_covered: int

    @property
    def recall(self) -> float:
        """Matched over reference minima, not counting the excused ones."""
        counted = self.reference_minima - len(self.excused)
        return self.matched / counted if counted else 1.0

    @property
    def raw_recall(self) -> float:
        """Matched over all reference minima."""
        return self.matched / self.reference_minima if self.reference_minima else 1.0

    @property
    def precision(self) -> float:
        if not self.screen_encounters:
            return 1.0
        return 1.0 - len(self.unconfirmed) / self.screen_encounters

    @property
    def proximity_coverage(self) -> float:
        return self.slow_samples_covered / self.slow_samples if self.slow_samples else 1.0


def compare(
    result: ScreeningResult, reference: ReferenceResult, tca_tolerance_s: float = 1.0
) -> Comparison:
    """Match reference minima to the screen's encounters (same pair, TCA within tolerance)
    or proximity periods (same pair, TCA inside the period)."""
    encounters: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for e in result.encounters:
        key = (min(e.index_a, e.index_b), max(e.index_a, e.index_b))
        encounters.setdefault(key, []).append((e.tca_s, e.miss_km))
    periods: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for p in result.proximities:
        key = (min(p.index_a, p.index_b), max(p.index_a, p.index_b))
        periods.setdefault(key, []).append((p.start_s, p.end_s))
    skipped: dict[int, list[tuple[float, float]]] = {}
    for f in result.failures:
        skipped.setdefault(f.index, []).append((f.start_s, f.end_s))
    step = result.config.step_s
    used: set[tuple[int, int, float]] = set()
    missed: list[ReferenceMinimum] = []
    excused: list[ReferenceMinimum] = []
    tca_errors: list[float] = []
    miss_errors: list[float] = []
    for m in reference.minima:
        key = (m.index_a, m.index_b)
        best = None
        for tca, miss in encounters.get(key, []):
            if abs(tca - m.tca_s) <= tca_tolerance_s and (
                best is None or abs(tca - m.tca_s) < abs(best[0] - m.tca_s)
            ):
                best = (tca, miss)
        if best is not None:
            used.add((*key, best[0]))
            tca_errors.append(best[0] - m.tca_s)
            miss_errors.append(best[1] - m.miss_km)
            continue
        if any(s - 1e-3 <= m.tca_s <= e + 1e-3 for s, e in periods.get(key, [])):
            continue
        spans = skipped.get(m.index_a, []) + skipped.get(m.index_b, [])
        if any(s - step <= m.tca_s <= e + step for s, e in spans):
            excused.append(m)
            continue
        missed.append(m)
    unconfirmed = []
    ref_by_pair: dict[tuple[int, int], list[float]] = {}
    for m in reference.minima:
        ref_by_pair.setdefault((m.index_a, m.index_b), []).append(m.tca_s)
    for e in result.encounters:
        key = (min(e.index_a, e.index_b), max(e.index_a, e.index_b))
        if (*key, e.tca_s) in used:
            continue
        if not any(abs(t - e.tca_s) <= tca_tolerance_s for t in ref_by_pair.get(key, [])):
            unconfirmed.append((e.norad_a, e.norad_b, e.tca_s, e.miss_km))
    covered = sum(
        1
        for a, b, t in reference.slow_samples
        if any(s - 1e-3 <= t <= e + 1e-3 for s, e in periods.get((a, b), []))
    )
    return Comparison(
        reference_minima=len(reference.minima),
        matched=len(reference.minima) - len(missed) - len(excused),
        missed=missed,
        excused=excused,
        screen_encounters=len(result.encounters),
        unconfirmed=unconfirmed,
        tca_errors_s=np.asarray(tca_errors, dtype=np.float64),
        miss_errors_km=np.asarray(miss_errors, dtype=np.float64),
        slow_samples=len(reference.slow_samples),
        slow_samples_covered=covered,
    )
