"""Refinement: runs of detections become encounters and proximity periods on exact SGP4.

Fast runs (one or two steps, relative speed of at least 1 km/s) have a single
range minimum near the straight-line estimate: Newton on ``dr . dv`` from there
converges in two or three SGP4 calls per object. Everything else (co-orbiting
pairs, slow drifts, runs hours long, and fast runs where Newton did not settle)
is sampled exactly at the screening steps across the run: every sign change of
``dr . dv`` from negative to positive brackets a minimum (solved with Brent), and
every change of side of the threshold brackets a crossing. Periods below the
threshold whose smallest range comes at a relative speed under ``co_orbit_kms``
are reported once, as a :class:`~orbit.screening.events.Proximity`; other minima
below the threshold are :class:`~orbit.screening.events.Encounter` s.

An encounter is reported when its TCA falls in the window; a proximity period
is clipped to the window.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from sgp4.api import SGP4_ERRORS, Satrec

from .catalog import ScreeningCatalog
from .ephemeris import FailureSpan
from .events import Encounter, Proximity, State
from .exact import ExactPair, PropagationError, ric
from .runs import Runs
from .window import SECONDS_PER_DAY, Window

#: Steps per block of exact states cached per object for the slow path.
_BLOCK = 256
#: Runs at or above this straight-line relative speed (km/s) and at most two steps
#: long take the Newton path.
FAST_KMS = 1.0


@dataclass(frozen=True, slots=True)
class RefineSettings:
    threshold_km: float
    step_s: float
    co_orbit_kms: float
    #: Attach the TLE-only Pc of :func:`orbit.pc.tle_pc` to every encounter.
    with_pc: bool = False


@dataclass
class RefinementOutcome:
    encounters: list[Encounter] = field(default_factory=list)
    proximities: list[Proximity] = field(default_factory=list)
    failures: list[FailureSpan] = field(default_factory=list)
    sgp4_evaluations: int = 0
    slow_runs: int = 0


@dataclass(frozen=True, slots=True)
class _Minimum:
    t: float
    distance: float


class _GridStates:
    """Exact SGP4 states of single objects at screening steps, computed once per object
    and block of :data:`_BLOCK` steps (an object in many slow pairs is propagated once)."""

    def __init__(self, satrecs: Sequence[Satrec], window: Window, step_s: float) -> None:
        self.satrecs, self.window, self.step_s = satrecs, window, step_s
        self.blocks: dict[
            tuple[int, int], tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]
        ] = {}
        self.evaluations = 0

    def _block(
        self, index: int, block: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        found = self.blocks.get((index, block))
        if found is None:
            ks = np.arange(block * _BLOCK, (block + 1) * _BLOCK, dtype=np.float64)
            fr = self.window.jd_fraction + ks * self.step_s / SECONDS_PER_DAY
            jd = np.full(ks.size, self.window.jd_whole)
            e, r, v = self.satrecs[index].sgp4_array(jd, fr)
            self.evaluations += ks.size
            found = (np.asarray(e, dtype=np.int64), r, v)
            self.blocks[(index, block)] = found
        return found

    def states(
        self, index: int, k_lo: int, k_hi: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Errors, positions and velocities at steps ``k_lo..k_hi`` inclusive."""
        first, last = k_lo // _BLOCK, k_hi // _BLOCK
        parts = [self._block(index, block) for block in range(first, last + 1)]
        sl = slice(k_lo - first * _BLOCK, k_hi - first * _BLOCK + 1)
        return (
            np.concatenate([p[0] for p in parts])[sl],
            np.concatenate([p[1] for p in parts])[sl],
            np.concatenate([p[2] for p in parts])[sl],
        )


class Refiner:
    """Turns runs into events for one catalog, window and set of primaries."""

    def __init__(
        self,
        catalog: ScreeningCatalog,
        satrecs: Sequence[Satrec],
        window: Window,
        settings: RefineSettings,
        primary: NDArray[np.bool_] | None = None,
    ) -> None:
        self.catalog, self.satrecs, self.window = catalog, satrecs, window
        self.settings = settings
        self.primary = primary
        self.outcome = RefinementOutcome()
        self.grid = _GridStates(satrecs, window, settings.step_s)

    # -- orientation and event construction -------------------------------------------------

    def _oriented(self, i: int, j: int) -> tuple[int, int]:
        """(a, b): the primary first when exactly one is primary, else the smaller NORAD id."""
        if self.primary is not None and self.primary[i] != self.primary[j]:
            return (i, j) if self.primary[i] else (j, i)
        return (i, j) if self.catalog.norad[i] <= self.catalog.norad[j] else (j, i)

    def _pair(self, i: int, j: int) -> ExactPair:
        return ExactPair(
            self.satrecs[i], self.satrecs[j], self.window.jd_whole, self.window.jd_fraction
        )

    def _age_days(self, index: int, t: float) -> float:
        epoch_s = int(self.catalog.epoch_us[index]) / 1e6
        start_s = self.window.start.timestamp()
        return (start_s + t - epoch_s) / SECONDS_PER_DAY

    def _encounter(self, pair: ExactPair, i: int, j: int, t: float) -> Encounter:
        """The geometry at ``t`` on exact states, as an encounter record."""
        ra, va, rb, vb = pair.states(t)
        miss = (rb[0] - ra[0], rb[1] - ra[1], rb[2] - ra[2])
        dv = (vb[0] - va[0], vb[1] - va[1], vb[2] - va[2])
        radial, intrack, cross = ric(miss, ra, va)
        state_a: State = (*ra, *va)
        state_b: State = (*rb, *vb)
        return Encounter(
            norad_a=int(self.catalog.norad[i]),
            norad_b=int(self.catalog.norad[j]),
            index_a=i,
            index_b=j,
            tca_s=t,
            miss_km=math.sqrt(miss[0] ** 2 + miss[1] ** 2 + miss[2] ** 2),
            vrel_kms=math.sqrt(dv[0] ** 2 + dv[1] ** 2 + dv[2] ** 2),
            radial_km=radial,
            intrack_km=intrack,
            crosstrack_km=cross,
            age_a_days=self._age_days(i, t),
            age_b_days=self._age_days(j, t),
            state_a=state_a,
            state_b=state_b,
        )

    def _fail(self, error: PropagationError, i: int, j: int) -> None:
        index = i if error.which == 0 else j
        reason = SGP4_ERRORS.get(error.code, f"SGP4 error {error.code}")
        self.outcome.failures.append(FailureSpan(index, error.t, error.t, str(reason)))

    # -- the two paths ------------------------------------------------------------------------

    def refine(self, runs: Runs, on_run: Callable[[int], None] | None = None) -> RefinementOutcome:
        """Refine every run; ``on_run`` is called with the number of runs done."""
        dt = self.settings.step_s
        slow: list[int] = []
        done = 0
        for n in range(len(runs)):
            if runs.k_last[n] - runs.k_first[n] <= 1 and runs.v_best[n] >= FAST_KMS:
                if not self._fast(runs, n, dt):
                    slow.append(n)
                else:
                    done += 1
                    if on_run is not None:
                        on_run(done)
            else:
                slow.append(n)
        for n in slow:
            self._slow(runs, n)
            done += 1
            if on_run is not None:
                on_run(done)
        self.outcome.slow_runs += len(slow)
        self.outcome.sgp4_evaluations += self.grid.evaluations
        self.grid.evaluations = 0
        if self.settings.with_pc:
            self.outcome.encounters = [self._with_pc(e) for e in self.outcome.encounters]
        return self.outcome

    def _with_pc(self, event: Encounter) -> Encounter:
        """The encounter with its TLE-only Pc (``None`` with the reason when none applies)."""
        from orbit.hbr import load_hbr_table
        from orbit.pc import PcError, tle_pc

        try:
            result = tle_pc(
                self.catalog.element_set(event.index_a),
                self.catalog.element_set(event.index_b),
                self.window.datetime_at(event.tca_s),
                hbr_table=load_hbr_table(),
            )
        except PcError:
            return event
        return replace(event, pc=result.pc, pc_method=result.pc_method)

    def _fast(self, runs: Runs, n: int, dt: float) -> bool:
        """Newton from the straight-line TCA; ``False`` sends the run to the slow path."""
        i, j = self._oriented(int(runs.a[n]), int(runs.b[n]))
        pair = self._pair(i, j)
        lo = runs.k_first[n] * dt - 1.5 * dt
        hi = runs.k_last[n] * dt + 1.5 * dt
        try:
            t = pair.newton_tca(float(runs.t_best[n]), lo, hi)
            if t is None:
                return False
            event = self._encounter(pair, i, j, t)
        except PropagationError as error:
            self._fail(error, i, j)
            self.outcome.sgp4_evaluations += pair.evaluations
            return True
        self.outcome.sgp4_evaluations += pair.evaluations
        if event.vrel_kms < self.settings.co_orbit_kms:
            return False
        if event.miss_km <= self.settings.threshold_km and 0.0 <= t <= self.window.duration_s:
            self.outcome.encounters.append(event)
        return True

    def _slow(self, runs: Runs, n: int) -> None:
        """Exact sampling across the run: every minimum, every threshold crossing."""
        i, j = self._oriented(int(runs.a[n]), int(runs.b[n]))
        pair = self._pair(i, j)
        k_lo, k_hi = int(runs.k_first[n]) - 1, int(runs.k_last[n]) + 1
        ea, ra, va = self.grid.states(i, k_lo, k_hi)
        eb, rb, vb = self.grid.states(j, k_lo, k_hi)
        times = np.arange(k_lo, k_hi + 1, dtype=np.float64) * self.settings.step_s
        sound = (ea == 0) & (eb == 0)
        dr, dv = rb - ra, vb - va
        distance = np.sqrt(np.einsum("ij,ij->i", dr, dr))
        product = np.einsum("ij,ij->i", dr, dv)
        try:
            minima = self._minima(pair, times, sound, distance, product)
            periods = self._periods(pair, times, sound, distance, minima)
            for start, end in periods:
                self._report_period(pair, i, j, start, end, minima, times, sound, distance)
        except PropagationError as error:
            self._fail(error, i, j)
        self.outcome.sgp4_evaluations += pair.evaluations

    def _minima(
        self,
        pair: ExactPair,
        times: NDArray[np.float64],
        sound: NDArray[np.bool_],
        distance: NDArray[np.float64],
        product: NDArray[np.float64],
    ) -> list[_Minimum]:
        both = sound[:-1] & sound[1:]
        turning = np.flatnonzero(both & (product[:-1] < 0.0) & (product[1:] >= 0.0))
        out = []
        for m in turning:
            t = pair.bracketed_tca(
                float(times[m]), float(times[m + 1]), float(product[m]), float(product[m + 1])
            )
            out.append(_Minimum(t, pair.distance(t)))
        return out

    def _periods(
        self,
        pair: ExactPair,
        times: NDArray[np.float64],
        sound: NDArray[np.bool_],
        distance: NDArray[np.float64],
        minima: list[_Minimum],
    ) -> list[tuple[float, float]]:
        """Maximal intervals (clipped to the window) where the range is below the threshold."""
        threshold = self.settings.threshold_km
        points = sorted(
            [(float(t), float(d)) for t, d, ok in zip(times, distance, sound, strict=True) if ok]
            + [(m.t, m.distance) for m in minima]
        )
        periods: list[tuple[float, float]] = []
        start: float | None = None
        previous: tuple[float, float] | None = None
        for t, d in points:
            below = d < threshold
            if previous is not None:
                was_below = previous[1] < threshold
                if below != was_below:
                    crossing = pair.crossing(previous[0], t, threshold)
                    if below:
                        start = crossing
                    elif start is not None:
                        periods.append((start, crossing))
                        start = None
            elif below:
                start = t
            previous = (t, d)
        if start is not None and previous is not None:
            periods.append((start, previous[0]))
        duration = self.window.duration_s
        clipped = [(max(s, 0.0), min(e, duration)) for s, e in periods]
        return [(s, e) for s, e in clipped if s < e or (s == e and 0.0 <= s <= duration)]

    def _report_period(
        self,
        pair: ExactPair,
        i: int,
        j: int,
        start: float,
        end: float,
        minima: list[_Minimum],
        times: NDArray[np.float64],
        sound: NDArray[np.bool_],
        distance: NDArray[np.float64],
    ) -> None:
        inside = [m for m in minima if start <= m.t <= end]
        # The smallest range of the period: a refined minimum, or (identical orbits,
        # a period cut by the window edge) a sample or the edge itself.
        candidates = [
            *inside,
            _Minimum(start, pair.distance(start)),
            _Minimum(end, pair.distance(end)),
        ]
        candidates += [
            _Minimum(float(t), float(d))
            for t, d, ok in zip(times, distance, sound, strict=True)
            if ok and start <= t <= end
        ]
        best = min(candidates, key=lambda m: m.distance)
        closest = self._encounter(pair, i, j, best.t)
        if closest.vrel_kms < self.settings.co_orbit_kms:
            self.outcome.proximities.append(Proximity.around(closest, start, end))
            return
        for m in inside:
            if m.distance <= self.settings.threshold_km and 0.0 <= m.t <= self.window.duration_s:
                self.outcome.encounters.append(self._encounter(pair, i, j, m.t))
