"""The screen: pieces of work, local worker processes, and the assembled result.

:func:`screen` splits the window into time pieces (detection) and the runs
found into batches (refinement). Each piece is a pure top-level function of
picklable inputs (:func:`run_detection_piece`, :func:`run_refinement_piece`),
so any :class:`PieceRunner` can execute them: this process
(:class:`InlineRunner`), local worker processes (:class:`ProcessRunner`, the
default) or, later, a Dask cluster (wrap ``client.map`` in a ``PieceRunner``).

Capture guarantee: with fine step ``step_s`` and design speed ``guarantee_kms``
the gate is ``sqrt(d**2 + (v * step_s / 2)**2)`` plus the margins for
interpolation error (both objects) and path curvature, so every pass below the
threshold ``d`` with closing speed up to ``guarantee_kms`` (18 km/s by default;
LEO crossings reach ~16.6 km/s) is caught.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from multiprocessing import get_context
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from orbit.elements import ElementSet

from . import grid
from .candidates import DetectionOutcome, DetectionSettings, detect
from .catalog import ScreeningCatalog, satrecs_for
from .ephemeris import FailureSpan
from .events import Encounter, PropagationFailure, Proximity
from .gate import capture_speed, curvature_margin, gate_radius
from .refine import RefinementOutcome, Refiner, RefineSettings
from .runs import Runs
from .window import Window

P = TypeVar("P")
R = TypeVar("R")

#: Progress callback: (phase, units done, units in the phase).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScreeningConfig:
    """Screening parameters. Only ``threshold_km`` has no default."""

    threshold_km: float
    step_s: float = 30.0
    guarantee_kms: float = 18.0
    knot_max_s: float = 480.0
    interpolation_error_km: float = 0.3
    co_orbit_kms: float = 0.1
    piece_s: float = 4 * 3600.0

    def __post_init__(self) -> None:
        for name in ("threshold_km", "step_s", "guarantee_kms", "knot_max_s", "piece_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not (math.isfinite(self.interpolation_error_km) and self.interpolation_error_km > 0):
            raise ValueError("interpolation_error_km must be a positive number")

    @property
    def margin_km(self) -> float:
        """What may come off the gate: both objects' interpolation error and path bend."""
        plain = gate_radius(self.threshold_km, self.step_s, self.guarantee_kms)
        bend = curvature_margin(plain + 2.0 * self.interpolation_error_km + 1.0, self.step_s / 2)
        return 2.0 * self.interpolation_error_km + bend

    @property
    def gate_km(self) -> float:
        return gate_radius(self.threshold_km, self.step_s, self.guarantee_kms, self.margin_km)

    @property
    def capture_speed_kms(self) -> float:
        """Closing speed up to which no pass below the threshold can be missed."""
        return capture_speed(self.gate_km, self.threshold_km, self.step_s, self.margin_km)


@dataclass(frozen=True)
class DetectionPiece:
    """Steps ``k_lo <= k < k_hi`` of a screen, with everything needed to run them anywhere."""

    catalog: ScreeningCatalog
    window: Window
    settings: DetectionSettings
    k_lo: int
    k_hi: int
    primary: NDArray[np.bool_] | None = None


@dataclass(frozen=True)
class RefinementPiece:
    """A batch of runs to refine into events."""

    catalog: ScreeningCatalog
    window: Window
    settings: RefineSettings
    runs: Runs
    primary: NDArray[np.bool_] | None = None


def run_detection_piece(piece: DetectionPiece) -> DetectionOutcome:
    """Detect close pairs over one piece (pure: depends only on ``piece``)."""
    started = time.perf_counter()
    satrecs = satrecs_for(piece.catalog)
    outcome = detect(
        piece.catalog, satrecs, piece.window, piece.settings, piece.k_lo, piece.k_hi, piece.primary
    )
    outcome.extra["seconds"] = time.perf_counter() - started
    return outcome


def run_refinement_piece(piece: RefinementPiece) -> RefinementOutcome:
    """Refine one batch of runs into events (pure: depends only on ``piece``)."""
    satrecs = satrecs_for(piece.catalog)
    refiner = Refiner(piece.catalog, satrecs, piece.window, piece.settings, piece.primary)
    return refiner.refine(piece.runs)


class PieceRunner(Protocol):
    """Runs pieces and yields their results as they finish (any order)."""

    workers: int

    def map(self, function: Callable[[P], R], pieces: Sequence[P]) -> Iterator[R]: ...


class InlineRunner:
    """Runs every piece in this process, one after another."""

    workers = 1

    def map(self, function: Callable[[P], R], pieces: Sequence[P]) -> Iterator[R]:
        for piece in pieces:
            yield function(piece)


class ProcessRunner:
    """Runs pieces on local worker processes (SGP4 holds the GIL, so threads would not help).

    Workers start with "spawn" (a clean interpreter: no inherited locks from
    progress-display threads) and keep their ``Satrec`` objects between pieces.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, function: Callable[[P], R], pieces: Sequence[P]) -> Iterator[R]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        pending: set[Future[R]] = {self._pool.submit(function, piece) for piece in pieces}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()


@dataclass
class ScreeningResult:
    """Everything a screen found, and how it was set up."""

    window: Window
    config: ScreeningConfig
    objects: int
    primaries: tuple[int, ...] | None
    encounters: list[Encounter]
    proximities: list[Proximity]
    failures: list[PropagationFailure]
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def gate_km(self) -> float:
        return self.config.gate_km

    @property
    def capture_speed_kms(self) -> float:
        return self.config.capture_speed_kms

    def events(self) -> list[Encounter | Proximity]:
        """Encounters and proximity periods together, by TCA."""
        merged: list[Encounter | Proximity] = [*self.encounters, *self.proximities]
        return sorted(merged, key=lambda e: (e.tca_s, e.norad_a, e.norad_b))

    def records(self) -> list[dict[str, Any]]:
        return [event.record(self.window) for event in self.events()]


def default_start(elements: Sequence[ElementSet]) -> datetime:
    """The newest element-set epoch, floored to the hour."""
    newest = max(e.epoch for e in elements)
    return newest.replace(minute=0, second=0, microsecond=0)


def primary_mask(catalog: ScreeningCatalog, primaries: Sequence[int]) -> NDArray[np.bool_]:
    """Mask of catalog rows whose NORAD id is a primary; unknown ids are an error."""
    wanted = np.asarray(sorted(set(int(p) for p in primaries)), dtype=np.int64)
    missing = wanted[~np.isin(wanted, catalog.norad)]
    if missing.size:
        listed = ", ".join(str(int(m)) for m in missing[:10])
        raise ValueError(f"primary object(s) not in the catalog: {listed}")
    return np.isin(catalog.norad, wanted)


def _detection_pieces(
    catalog: ScreeningCatalog,
    window: Window,
    config: ScreeningConfig,
    primary: NDArray[np.bool_] | None,
    workers: int,
) -> list[DetectionPiece]:
    steps = math.ceil(window.duration_s / config.step_s) + 1
    per_piece = max(1, round(config.piece_s / config.step_s))
    # At least two pieces per worker so that a slow piece does not idle the others.
    per_piece = min(per_piece, max(1, math.ceil(steps / (2 * workers))))
    settings = DetectionSettings(
        config.threshold_km,
        config.step_s,
        config.gate_km,
        config.knot_max_s,
        config.interpolation_error_km,
    )
    return [
        DetectionPiece(catalog, window, settings, k, min(k + per_piece, steps), primary)
        for k in range(0, steps, per_piece)
    ]


def _refinement_pieces(
    catalog: ScreeningCatalog,
    window: Window,
    config: ScreeningConfig,
    runs: Runs,
    primary: NDArray[np.bool_] | None,
    workers: int,
    with_pc: bool,
) -> list[RefinementPiece]:
    settings = RefineSettings(config.threshold_km, config.step_s, config.co_orbit_kms, with_pc)
    if not len(runs):
        return []
    # Cost: a fast run is a few SGP4 calls, a long run one exact sample per step.
    cost = np.where(runs.length <= 2, 1.0, 4.0 + runs.length / 4.0)
    batches = min(len(runs), 4 * workers)
    edges = np.searchsorted(np.cumsum(cost), np.linspace(0, cost.sum(), batches + 1)[1:-1])
    bounds = [0, *edges.tolist(), len(runs)]
    return [
        RefinementPiece(catalog, window, settings, runs.take(np.arange(lo, hi)), primary)
        for lo, hi in pairwise(bounds)
        if hi > lo
    ]


def _merge_failures(
    catalog: ScreeningCatalog, spans: Sequence[FailureSpan], step_s: float
) -> list[PropagationFailure]:
    """One record per object and reason for each stretch of skipped time."""
    out: list[PropagationFailure] = []
    for span in sorted(spans, key=lambda s: (s.index, s.reason, s.start_s)):
        last = out[-1] if out else None
        if (
            last is not None
            and last.index == span.index
            and last.reason == span.reason
            and span.start_s <= last.end_s + step_s
        ):
            out[-1] = PropagationFailure(
                last.norad_id, last.index, last.start_s, max(last.end_s, span.end_s), last.reason
            )
        else:
            norad = int(catalog.norad[span.index])
            out.append(PropagationFailure(norad, span.index, span.start_s, span.end_s, span.reason))
    return out


def _dedupe(events: list[Encounter]) -> list[Encounter]:
    """Drop a minimum found twice (from neighbouring runs of one pair)."""
    events = sorted(events, key=lambda e: (e.index_a, e.index_b, e.tca_s))
    out: list[Encounter] = []
    for event in events:
        last = out[-1] if out else None
        if (
            last is not None
            and (last.index_a, last.index_b) == (event.index_a, event.index_b)
            and abs(event.tca_s - last.tca_s) < 1e-3
        ):
            continue
        out.append(event)
    return out


def screen(
    elements: Sequence[ElementSet],
    config: ScreeningConfig,
    *,
    start: datetime | None = None,
    hours: float = 24.0,
    primaries: Sequence[int] | None = None,
    runner: PieceRunner | None = None,
    progress: Progress | None = None,
    with_pc: bool = False,
) -> ScreeningResult:
    """Screen ``elements`` (all vs all, or ``primaries`` vs all) over ``hours`` from ``start``.

    Every element set is screened whatever its age. ``start`` defaults to the
    newest epoch floored to the hour. ``runner`` defaults to worker processes
    on every core. ``with_pc`` attaches the TLE-only Pc of :func:`orbit.pc.tle_pc`
    to each encounter (proximity periods have none: the 2-D encounter model
    does not hold for co-orbiting objects).
    """
    if not elements:
        raise ValueError("no element sets to screen")
    if start is None:
        start = default_start(elements)
    window = Window(start, float(hours) * 3600.0)
    catalog = ScreeningCatalog.from_elements(elements)
    primary = None if primaries is None else primary_mask(catalog, primaries)
    own_runner = runner is None
    active: PieceRunner = ProcessRunner() if runner is None else runner
    if grid.AVAILABLE and active.workers > 1:
        grid.warm_up()
    stats: dict[str, float] = {}
    try:
        started = time.perf_counter()
        pieces = _detection_pieces(catalog, window, config, primary, active.workers)
        found: list[Runs] = []
        spans: list[FailureSpan] = []
        for done, outcome in enumerate(active.map(run_detection_piece, pieces), start=1):
            found.append(outcome.runs)
            spans.extend(outcome.failures)
            for key in ("steps", "pairs_in_gate", "detections", "sgp4_evaluations"):
                stats[key] = stats.get(key, 0) + getattr(outcome, key)
            if progress is not None:
                progress("detect", done, len(pieces))
        runs = Runs.merge(found)
        stats["runs"] = len(runs)
        stats["seconds_detect"] = time.perf_counter() - started
        started = time.perf_counter()
        batches = _refinement_pieces(
            catalog, window, config, runs, primary, active.workers, with_pc
        )
        encounters: list[Encounter] = []
        proximities: list[Proximity] = []
        for done, refined in enumerate(active.map(run_refinement_piece, batches), start=1):
            encounters.extend(refined.encounters)
            proximities.extend(refined.proximities)
            spans.extend(refined.failures)
            stats["sgp4_evaluations"] = stats.get("sgp4_evaluations", 0) + refined.sgp4_evaluations
            stats["slow_runs"] = stats.get("slow_runs", 0) + refined.slow_runs
            if progress is not None:
                progress("refine", done, len(batches))
        stats["seconds_refine"] = time.perf_counter() - started
    finally:
        if own_runner and isinstance(active, ProcessRunner):
            active.close()
    encounters = _dedupe(encounters)
    proximities.sort(key=lambda e: (e.tca_s, e.norad_a, e.norad_b))
    return ScreeningResult(
        window=window,
        config=config,
        objects=len(catalog),
        primaries=None if primaries is None else tuple(sorted(set(int(p) for p in primaries))),
        encounters=sorted(encounters, key=lambda e: (e.tca_s, e.norad_a, e.norad_b)),
        proximities=proximities,
        failures=_merge_failures(catalog, spans, config.step_s),
        stats=stats,
    )


def window_for(elements: Sequence[ElementSet], start: datetime | None, hours: float) -> Window:
    """The window a screen with these arguments covers."""
    return Window(start or default_start(elements), float(hours) * 3600.0)


__all__ = [
    "DetectionPiece",
    "InlineRunner",
    "PieceRunner",
    "ProcessRunner",
    "RefinementPiece",
    "ScreeningConfig",
    "ScreeningResult",
    "default_start",
    "run_detection_piece",
    "run_refinement_piece",
    "screen",
    "window_for",
]
