"""Re-entry prediction accuracy against the CORDS re-entry list.

For each full-catalog snapshot in ``../shared/data/catalog/`` (``full-catalog-3le-*``), every
object that CORDS (``../shared/data/reentry/``) lists as re-entering after the snapshot date
is predicted from its element set in the snapshot with :func:`orbit.reentry.predict_catalog`.
The truth is CORDS' observed re-entry when present, otherwise Aerospace's final prediction.

Reported, by horizon (true remaining time from the element-set epoch: <= 30 d, 30-180 d,
> 180 d) and class: n, how many got a prediction, the median of |predicted - true| / true
remaining time with its interquartile range, and the share of true dates inside the p05-p95
window with its binomial standard error. Classes: rocket bodies and debris; payloads without
signs of control; payloads flagged as actively controlled by this rule: B* <= 0, or a negative
mean-motion derivative (the orbit was being raised), or a name of a crewed, station or cargo
vehicle (ISS, TIANGONG, TIANHE, CSS, SHENZHOU, TIANZHOU, SOYUZ, PROGRESS, DRAGON, CYGNUS, HTV,
STARLINER) or of a constellation whose satellites manoeuvre (STARLINK, ONEWEB).

The uncertainty window was tuned on the 2019-03-19 snapshot only; the targets are checked on
the other two snapshots pooled. The exponential-atmosphere baseline is run in the same
process (same calibration through SGP4's decay rate, no solar dependence, no luni-solar
term) and printed next to the brief's figures for it.

Run: ``.venv/bin/python bench/reentry_validation.py`` (about a minute; ``--details`` lists
every object). Space-Track-derived snapshots are read here only, never shipped.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orbit.atmosphere import DensityModel, ExponentialAtmosphere  # noqa: E402
from orbit.elements import ElementSet  # noqa: E402
from orbit.read import read_elements  # noqa: E402
from orbit.reentry import ECCENTRIC, SIGMA_OTHER, Z95, group_by_object, predict_catalog  # noqa: E402

SHARED = Path(os.environ.get("SPACEREG_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORDS = SHARED / "reentry" / "reentries-2000-11-to-2022-07-13.csv"
TUNING_SNAPSHOT = "2019-03-19"
#: Brief: exponential atmosphere, no solar cycle, SGP4-calibrated drag; 351 object-snapshots.
BRIEF_BASELINE = {"<= 30 d": 0.18, "30-180 d": 0.66, "> 180 d": 1.52}
#: ... the same baseline on passive near-circular objects.
BRIEF_PASSIVE = {"<= 30 d": 0.15, "30-180 d": 0.32, "> 180 d": 0.45}
HORIZONS = (("<= 30 d", 0.0, 30.0), ("30-180 d", 30.0, 180.0), ("> 180 d", 180.0, math.inf))
CLASSES = ("rocket bodies + debris", "payloads", "payloads, active control")
TARGET_HORIZON_DAYS = 180.0
LONG_HORIZON_DAYS = 4000.0  # predict far enough to score the > 180 d objects

_CONTROLLED_NAMES = re.compile(
    r"\b(ISS|ZARYA|TIANGONG|TIANHE|CSS|SHENZHOU|TIANZHOU|SOYUZ|PROGRESS|DRAGON|CYGNUS|HTV|"
    r"STARLINER|STARLINK|ONEWEB)\b"
)


@dataclass(frozen=True)
class Truth:
    when: datetime
    observed: bool
    kind: str  # CORDS type: Payload, R/B, Debris


@dataclass(frozen=True)
class Case:
    snapshot: str
    norad_id: int
    name: str
    klass: str
    remaining: float  # true days from the element-set epoch
    predicted: float | None  # days from the element-set epoch
    p05: float | None
    p95: float | None
    within_horizon: bool  # median within TARGET_HORIZON_DAYS of the snapshot's newest epoch
    status: str
    flags: str
    eccentric: bool

    @property
    def relative_error(self) -> float | None:
        if self.predicted is None:
            return None
        return abs(self.predicted - self.remaining) / self.remaining

    @property
    def covered(self) -> bool | None:
        if self.p05 is None or self.p95 is None:
            return None
        return self.p05 <= self.remaining <= self.p95


def load_truth(path: Path) -> dict[int, Truth]:
    truth: dict[int, Truth] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            observed = row["Observed Reentry Date (UTC)"].strip()
            text = (
                observed
                if observed not in ("", "N/A")
                else row["Aerospace Reentry Prediction (UTC)"]
            )
            when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            truth[int(row["SSN"])] = Truth(when, observed not in ("", "N/A"), row["Type"].strip())
    return truth


def classify(es: ElementSet, kind: str) -> str:
    if kind != "Payload":
        return CLASSES[0]
    name = (es.name or "").upper()
    if es.bstar <= 0 or es.mean_motion_dot < 0 or _CONTROLLED_NAMES.search(name):
        return CLASSES[2]
    return CLASSES[1]


def _days(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds() / 86400.0


def evaluate(
    path: Path, truth: dict[int, Truth], atmosphere: DensityModel | None, luni_solar: bool
) -> list[Case]:
    snapshot = path.stem.removeprefix("full-catalog-3le-")
    snapshot_day = datetime.fromisoformat(snapshot).replace(tzinfo=UTC)
    result = read_elements(path)
    groups = group_by_object(result.elements)
    reference = max(es.epoch for es in result.elements)
    chosen = [
        g for g in groups if g[0].norad_id in truth and truth[g[0].norad_id].when > snapshot_day
    ]
    outcomes = predict_catalog(
        chosen,
        horizon_end=reference + timedelta(days=LONG_HORIZON_DAYS),
        atmosphere=atmosphere,
        luni_solar=luni_solar,
    )
    cases = []
    for outcome in outcomes:
        es = outcome.newest
        t = truth[outcome.norad_id]
        p = outcome.prediction
        cases.append(
            Case(
                snapshot=snapshot,
                norad_id=outcome.norad_id,
                name=es.name or "",
                klass=classify(es, t.kind),
                remaining=_days(t.when, es.epoch),
                predicted=_days(p.predicted, es.epoch) if p else None,
                p05=_days(p.p05, es.epoch) if p else None,
                p95=_days(p.p95, es.epoch) if p else None,
                within_horizon=bool(p and _days(p.predicted, reference) <= TARGET_HORIZON_DAYS),
                status=outcome.status,
                flags=",".join(p.flags) if p else (outcome.reason or ""),
                eccentric=es.eccentricity > ECCENTRIC,
            )
        )
    return cases


@dataclass(frozen=True)
class Stats:
    n: int
    predicted: int
    median: float
    q25: float
    q75: float
    coverage: float
    coverage_se: float

    def row(self) -> str:
        if self.predicted == 0:
            return f"{self.n:4d} {self.predicted:5d}        -            -            -"
        return (
            f"{self.n:4d} {self.predicted:5d}   {self.median:6.2f}   [{self.q25:4.2f}, {self.q75:5.2f}]"
            f"   {100 * self.coverage:5.1f}% +- {100 * self.coverage_se:4.1f}%"
        )


def stats(cases: Sequence[Case]) -> Stats:
    errors = sorted(c.relative_error for c in cases if c.relative_error is not None)
    covered = [c.covered for c in cases if c.covered is not None]
    if not errors:
        return Stats(len(cases), 0, math.nan, math.nan, math.nan, math.nan, math.nan)
    q = (
        statistics.quantiles(errors, n=4, method="inclusive")
        if len(errors) > 1
        else [errors[0]] * 3
    )
    share = sum(covered) / len(covered)
    return Stats(
        len(cases),
        len(errors),
        statistics.median(errors),
        q[0],
        q[2],
        share,
        math.sqrt(share * (1 - share) / len(covered)),
    )


def in_horizon(cases: Sequence[Case], low: float, high: float) -> list[Case]:
    return [c for c in cases if low < c.remaining <= high]


def print_table(title: str, cases: Sequence[Case]) -> None:
    print(f"\n{title}")
    print("  class                      horizon     n  pred  med|err|/T  IQR            in p05-p95")
    for klass in CLASSES:
        mine = [c for c in cases if c.klass == klass]
        for label, low, high in HORIZONS:
            print(f"  {klass:26s} {label:9s} {stats(in_horizon(mine, low, high)).row()}")


def suggested_sigma(cases: Sequence[Case], current: float, target: float = 0.90) -> float:
    """The smallest SIGMA_OTHER that puts ``target`` of ``cases`` inside p05-p95.

    Each window's flux part is recovered from its half-width and ``current``.
    """
    parts = []
    for c in cases:
        if c.predicted is None or c.p05 is None or c.p95 is None:
            continue
        x = math.log(c.remaining / c.predicted)
        half = math.log(c.p95 / c.predicted if x > 0 else c.predicted / c.p05) / Z95
        parts.append((abs(x), max(half**2 - current**2, 0.0)))
    if not parts:
        return math.nan
    for step in range(0, 301):
        sigma = step / 100.0
        inside = sum(x <= Z95 * math.sqrt(flux + sigma**2) for x, flux in parts)
        if inside >= target * len(parts):
            return sigma
    return math.inf


def catalog_timing(path: Path) -> None:
    """The whole snapshot 365 days ahead in this process, against a reference measured now:
    SGP4 alone stepping every object daily over the same year (SatrecArray, one core)."""
    import numpy as np
    from sgp4.api import SatrecArray

    result = read_elements(path)
    groups = group_by_object(result.elements)
    reference = max(es.epoch for es in result.elements)
    started = time.perf_counter()
    outcomes = predict_catalog(groups, horizon_end=reference + timedelta(days=365))
    model = time.perf_counter() - started
    predicted = sum(o.status == "predicted" for o in outcomes)
    sats = SatrecArray([es.to_satrec() for es in result.elements])
    jd0, fr0 = result.elements[0].epoch_jd
    started = time.perf_counter()
    days = np.arange(365.0)
    sats.sgp4(np.full(365, jd0) + days, np.full(365, fr0))
    sgp4_year = time.perf_counter() - started
    print(
        f"\nWhole catalog {path.name}: {len(groups)} objects, 365 days ahead, one process:"
        f" {model:.1f} s, {predicted} predicted within the horizon."
        f"\n  Reference, SGP4 alone at daily steps over the year ({len(groups) * 365 / 1e6:.1f} M"
        f" satellite-epochs): {sgp4_year:.1f} s; ratio {model / sgp4_year:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every object")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the exponential baseline run"
    )
    parser.add_argument(
        "--timing", action="store_true", help="also time a whole catalog 365 days ahead"
    )
    args = parser.parse_args(argv)
    snapshots = sorted((SHARED / "catalog").glob("full-catalog-3le-*.txt"))
    if not snapshots or not CORDS.exists():
        print(f"reference data not found under {SHARED}", file=sys.stderr)
        return 1
    truth = load_truth(CORDS)

    started = time.perf_counter()
    cases = [c for path in snapshots for c in evaluate(path, truth, None, True)]
    model_seconds = time.perf_counter() - started
    baseline: list[Case] = []
    baseline_seconds = math.nan
    if not args.no_baseline:
        started = time.perf_counter()
        baseline = [
            c for path in snapshots for c in evaluate(path, truth, ExponentialAtmosphere(), False)
        ]
        baseline_seconds = time.perf_counter() - started

    print("Re-entry validation: spacereg (Jacchia 1971, observed solar indices + scenario,")
    print(
        "SGP4-calibrated drag, Sun/Moon quadrupole) against CORDS; truth = observed re-entry, else"
    )
    print(
        "Aerospace's final prediction. Relative error = |predicted - true| / true remaining time."
    )
    for path in snapshots:
        snap = path.stem.removeprefix("full-catalog-3le-")
        mine = [c for c in cases if c.snapshot == snap]
        role = "tuning" if snap == TUNING_SNAPSHOT else "validation"
        print_table(f"Snapshot {snap} ({role}): {len(mine)} objects", mine)
    validation = [c for c in cases if c.snapshot != TUNING_SNAPSHOT]
    print_table("Validation snapshots pooled", validation)

    target = [c for c in validation if c.klass == CLASSES[0] and c.remaining <= TARGET_HORIZON_DAYS]
    s = stats(target)
    within = sum(c.within_horizon for c in target) / len(target) if target else math.nan
    print("\nTargets: rocket bodies + debris re-entering within 180 d, validation snapshots pooled")
    print(f"  n = {s.n}, predicted = {s.predicted}")
    print(f"  median relative error  {s.median:5.2f}   (target <= 0.15)")
    print(
        f"  inside p05-p95         {100 * s.coverage:5.1f}% +- {100 * s.coverage_se:.1f}%   (target 85-95%)"
    )
    print(f"  predicted within 180 d {100 * within:5.1f}%   (target >= 80%)")
    for label, eccentric in (("e <= 0.1", False), ("e > 0.1", True)):
        part = stats([c for c in target if c.eccentric == eccentric])
        print(
            f"  of which {label:8s}: n {part.n:2d}, median relative error {part.median:4.2f},"
            f" inside p05-p95 {100 * part.coverage:5.1f}%"
        )
    print(
        f"\nWindow tuning on {TUNING_SNAPSHOT} (rocket bodies + debris, all horizons, 90% inside):"
    )
    for label, eccentric in (("near-circular", False), ("eccentric", True)):
        tuning = [
            c
            for c in cases
            if c.snapshot == TUNING_SNAPSHOT and c.klass == CLASSES[0] and c.eccentric == eccentric
        ]
        current = SIGMA_OTHER[label]
        print(
            f"  {label:14s} n {len(tuning):3d}   SIGMA_OTHER in use {current:.2f},"
            f" the tuning snapshot asks for {suggested_sigma(tuning, current):.2f}"
        )

    print("\nAll classes, three snapshots pooled: median relative error by horizon")
    print("  horizon     this model   same-run exponential baseline   brief's baseline")
    for label, low, high in HORIZONS:
        ours = stats(in_horizon(cases, low, high))
        base = stats(in_horizon(baseline, low, high)) if baseline else None
        base_text = f"{base.median:6.2f} (n {base.predicted:3d})" if base else "   -"
        print(
            f"  {label:9s}  {ours.median:6.2f} (n {ours.predicted:3d})   {base_text:>20s}"
            f"             {BRIEF_BASELINE[label]:5.2f}"
        )
    print("\nUncontrolled objects only (rocket bodies, debris, payloads without control signs):")
    print("  horizon     this model   same-run exponential baseline")
    for label, low, high in HORIZONS:
        ours = stats(in_horizon([c for c in cases if c.klass != CLASSES[2]], low, high))
        base = (
            stats(in_horizon([c for c in baseline if c.klass != CLASSES[2]], low, high))
            if baseline
            else None
        )
        base_text = f"{base.median:6.2f} (n {base.predicted:3d})" if base else "   -"
        print(f"  {label:9s}  {ours.median:6.2f} (n {ours.predicted:3d})   {base_text:>20s}")
    print("\nPassive near-circular objects (uncontrolled, e <= 0.1), three snapshots pooled:")
    print("  horizon     this model   same-run exponential baseline   brief's baseline")
    for label, low, high in HORIZONS:
        mine = [c for c in cases if c.klass != CLASSES[2] and not c.eccentric]
        base_cases = [c for c in baseline if c.klass != CLASSES[2] and not c.eccentric]
        ours = stats(in_horizon(mine, low, high))
        base = stats(in_horizon(base_cases, low, high)) if baseline else None
        base_text = f"{base.median:6.2f} (n {base.predicted:3d})" if base else "   -"
        print(
            f"  {label:9s}  {ours.median:6.2f} (n {ours.predicted:3d})   {base_text:>20s}"
            f"             {BRIEF_PASSIVE[label]:5.2f}"
        )
    print(
        f"\nRun time: model {model_seconds:.1f} s, exponential baseline {baseline_seconds:.1f} s"
        f" (ratio {model_seconds / baseline_seconds:.2f})"
    )
    if args.timing:
        catalog_timing(snapshots[-1])
    if args.details:
        print("\nsnapshot   norad  class  true_d  pred_d  p05_d  p95_d  rel  in  status/flags")
        for c in sorted(cases, key=lambda c: (c.snapshot, c.klass, c.remaining)):
            pred = (
                f"{c.predicted:7.1f} {c.p05:6.1f} {c.p95:6.1f} {c.relative_error:5.2f} {'y' if c.covered else 'n'}"
                if c.predicted is not None
                else "      -      -      -     -  -"
            )
            print(
                f"{c.snapshot} {c.norad_id:6d} {c.klass[:6]:6s} {c.remaining:7.1f} {pred}  {c.name[:24]:24s} {c.status} {c.flags}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
