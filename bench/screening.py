"""Benchmark of conjunction screening against the dense reference, in one run.

    .venv/bin/python bench/screening.py            # subset + one hour + full day (~8 min)
    .venv/bin/python bench/screening.py --quick    # subset + one hour only (~1 min)
    .venv/bin/python bench/screening.py --week     # also 7 days (screen only)
    .venv/bin/python bench/screening.py --week-only   # 7 days only (~4 min)
    .venv/bin/python bench/screening.py --reference-hours 6   # full-day reference
                                                   # extrapolated from 6 measured hours

Reads ../shared/data (Space-Track-derived: benchmarks and tests only, never shipped).
For each case it runs the screen (worker processes, as the command does) and the
dense reference (one process: SGP4 for every object every 10 s, a k-d tree per
sample, straight-line TCA inside the half step, Brent on exact SGP4) over the same
catalog and window, then prints recall, precision, TCA and miss-distance errors,
both wall times and their ratio, and the peak memory of the screen's process tree.
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from orbit.elements import ElementSet
from orbit.read import read_elements
from orbit.screening import (
    InlineRunner,
    ProcessRunner,
    ScreeningConfig,
    ScreeningResult,
    screen,
)
from orbit.screening.reference import ReferenceResult, compare, dense_reference

DATA = Path(
    os.environ.get("SPACEREG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
CATALOG = DATA / "catalog" / "full-catalog-3le-2022-01-22.txt"
START = datetime(2022, 1, 22, tzinfo=UTC)
THRESHOLD_KM = 5.0
T = TypeVar("T")


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


class PeakMemory:
    """Samples the resident memory of this process and all its descendants every 0.1 s."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            total += _rss_kib(pid)
            todo += _children(pid)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, self._total())
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the workers)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows both sides."""
    return f"{os.getloadavg()[0]:.1f}"


@dataclass
class Case:
    name: str
    elements: Sequence[ElementSet]
    hours: float


def run_screen(case: Case, workers: int) -> tuple[ScreeningResult, float, float, float]:
    """The screen's result, wall seconds, CPU seconds (all processes) and peak GiB."""
    cpu = cpu_seconds()
    with PeakMemory() as memory, ProcessRunner(workers) as runner:
        result, seconds = timed(
            lambda: screen(
                case.elements,
                ScreeningConfig(THRESHOLD_KM),
                start=START,
                hours=case.hours,
                runner=runner,
            )
        )
    return result, seconds, cpu_seconds() - cpu, memory.peak_kib / 1024.0**2


def report_comparison(
    case: Case,
    result: ScreeningResult,
    seconds: float,
    cpu: float,
    peak_gib: float,
    reference: ReferenceResult,
    reference_seconds: float,
    reference_cpu: float,
    reference_note: str,
) -> None:
    c = compare(result, reference)
    tca_ms = np.abs(c.tca_errors_s) * 1e3
    miss_m = np.abs(c.miss_errors_km) * 1e3
    print(f"## {case.name}: {len(case.elements)} objects, {case.hours:g} h, {THRESHOLD_KM:g} km")
    print(
        f"  reference: {c.reference_minima} minima below threshold, "
        f"{reference_seconds:.1f} s wall, {reference_cpu:.1f} s CPU {reference_note}"
    )
    print(
        f"  screen:    {len(result.encounters)} encounters + {len(result.proximities)} "
        f"proximity periods, {seconds:.1f} s wall, {cpu:.1f} s CPU (all processes), "
        f"peak memory {peak_gib:.2f} GiB (process tree)"
    )
    print(
        f"  recall {c.recall:.6f} ({c.matched}/{c.reference_minima - len(c.excused)}, missed "
        f"{len(c.missed)}; {len(c.excused)} more involve objects the screen skipped as diverging"
        f" and reported, recall counting them {c.raw_recall:.6f}); "
        f"precision {c.precision:.6f} ({len(c.unconfirmed)} not in the reference); "
        f"co-orbiting samples covered {c.proximity_coverage:.6f} of {c.slow_samples}"
    )
    if tca_ms.size:
        print(
            f"  TCA error ms: p50 {np.percentile(tca_ms, 50):.4f} p95 {np.percentile(tca_ms, 95):.4f}"
            f" max {tca_ms.max():.4f};  miss error m: p50 {np.percentile(miss_m, 50):.4f}"
            f" p95 {np.percentile(miss_m, 95):.4f} max {miss_m.max():.4f}"
        )
    print(
        f"  time ratio screen/reference: {seconds / reference_seconds:.3f} wall, "
        f"{cpu / reference_cpu:.3f} CPU (load average now {load_average()})"
    )
    for m in c.missed[:5]:
        print(f"  MISSED {m}")
    for m in c.excused[:5]:
        print(f"  SKIPPED (diverging, reported) {m}")
    for u in c.unconfirmed[:5]:
        print(f"  NOT IN REFERENCE {u}")


def describe(result: ScreeningResult) -> None:
    fastest = max((e.vrel_kms for e in result.encounters), default=0.0)
    s = result.stats
    print(
        f"  capture guarantee {result.capture_speed_kms:.2f} km/s (step {result.config.step_s:g} s,"
        f" gate {result.gate_km:.2f} km); fastest encounter {fastest:.2f} km/s;"
        f" {len(result.failures)} skipped propagation span(s) on "
        f"{len({f.norad_id for f in result.failures})} object(s)"
    )
    print(
        f"  steps {int(s.get('steps', 0))}, pairs in gate {int(s.get('pairs_in_gate', 0))},"
        f" runs {int(s.get('runs', 0))} ({int(s.get('slow_runs', 0))} sampled exactly),"
        f" SGP4 evaluations {int(s.get('sgp4_evaluations', 0))};"
        f" detect {s.get('seconds_detect', 0):.1f} s, refine {s.get('seconds_refine', 0):.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="subset and one hour only")
    parser.add_argument("--week", action="store_true", help="also time 7 days (screen only)")
    parser.add_argument(
        "--week-only", action="store_true", help="only time 7 days (no reference comparisons)"
    )
    parser.add_argument(
        "--reference-hours",
        type=float,
        default=None,
        help="measure the full-day reference over this many hours and extrapolate",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if not CATALOG.exists():
        raise SystemExit(f"reference data {CATALOG} not found")
    elements, load_s = timed(lambda: read_elements(CATALOG).elements)
    print(
        f"# conjunction screening benchmark: {CATALOG.name}, {len(elements)} element sets "
        f"(read in {load_s:.1f} s), start {START:%Y-%m-%dT%H:%MZ}, {args.workers} worker(s), "
        f"{os.cpu_count()} CPU(s)"
    )
    # Compile (or load) the grid kernel once, so that no case pays numba's first-run
    # compilation; worker processes then load the cached machine code.
    _, warm_s = timed(
        lambda: screen(
            elements[:200],
            ScreeningConfig(THRESHOLD_KM),
            start=START,
            hours=0.1,
            runner=InlineRunner(),
        )
    )
    print(f"(kernel compiled or loaded from numba's cache in {warm_s:.1f} s, not counted below)")
    cases = [
        Case("subset (every 3rd object), 6 h", elements[::3], 6.0),
        Case("full catalog, 1 h", elements, 1.0),
    ]
    if not args.quick:
        cases.append(Case("full catalog, 24 h", elements, 24.0))
    if args.week_only:
        cases = []
    for case in cases:
        result, seconds, cpu, peak = run_screen(case, args.workers)
        hours = case.hours
        note = "(measured, one process)"
        if case.hours > 6 and args.reference_hours:
            hours = args.reference_hours
            note = (
                f"(EXTRAPOLATED x{case.hours / hours:g} from {hours:g} h measured, one process;"
                " accuracy figures over those hours only)"
            )
        ref_cpu = cpu_seconds()
        reference, ref_seconds = timed(
            partial(dense_reference, case.elements, THRESHOLD_KM, start=START, hours=hours)
        )
        ref_cpu = (cpu_seconds() - ref_cpu) * case.hours / hours
        ref_total = ref_seconds * case.hours / hours
        if hours != case.hours:
            result = _clip(result, hours * 3600.0)
        report_comparison(case, result, seconds, cpu, peak, reference, ref_total, ref_cpu, note)
        describe(result)
    if args.week or args.week_only:
        case = Case("full catalog, 7 days", elements, 24.0 * 7)
        result, seconds, cpu, peak = run_screen(case, args.workers)
        print(f"## {case.name}: {len(elements)} objects, 168 h, {THRESHOLD_KM:g} km (screen only)")
        print(
            f"  {len(result.encounters)} encounters + {len(result.proximities)} proximity periods,"
            f" {seconds:.1f} s wall ({seconds / 60:.2f} min), {cpu:.1f} s CPU, peak memory"
            f" {peak:.2f} GiB (load average now {load_average()})"
        )
        describe(result)


def _clip(result: ScreeningResult, seconds: float) -> ScreeningResult:
    """The screen's events within the first ``seconds`` (to compare with a shorter reference)."""
    from dataclasses import replace

    return replace(
        result,
        encounters=[e for e in result.encounters if e.tca_s <= seconds],
        proximities=[p for p in result.proximities if p.start_s <= seconds],
    )


if __name__ == "__main__":
    main()
