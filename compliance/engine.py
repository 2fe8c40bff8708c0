"""Scoring the whole register at once: every object and every State, as polars frames.

:func:`score_register` builds the lazy plan (evidence -> object criteria -> object scores;
attribution -> cohort -> State criteria -> State scores; per-year series) and collects it in
one pass (``pl.collect_all``), so shared inputs are computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from compliance.evidence import object_evidence
from compliance.frames import RegisterFrames
from compliance.methodology import OBJECT_CRITERIA, STATE_CRITERIA, Methodology
from compliance.object_criteria import all_object_criteria
from compliance.registration import attribution, double_registrations, registration_gap
from compliance.scoring import label_expr, long_form, weighted_scores
from compliance.state_criteria import all_state_criteria, cohort
from compliance.wilson import wilson_lower_expr

ROCKET_BODY_SCHEMA = {
    "state": pl.String(),
    "launch_date": pl.Datetime("us", "UTC"),
    "decay_date": pl.Datetime("us", "UTC"),
    "perigee_km": pl.Float64(),
    "apogee_km": pl.Float64(),
}


@dataclass
class ScoredRegister:
    """Collected results. Object frames are keyed by ``object_id``, State frames by ``state``."""

    as_of: datetime
    methodology_version: str
    data_as_of: dict[str, datetime | None]
    evidence: pl.DataFrame
    object_criteria: dict[str, pl.DataFrame]
    object_scores: pl.DataFrame
    members: pl.DataFrame
    state_criteria: dict[str, pl.DataFrame]
    state_scores: pl.DataFrame
    series: dict[str, pl.DataFrame]
    gap: pl.DataFrame
    double: pl.DataFrame
    flags: pl.DataFrame
    extras: dict[str, object] = field(default_factory=dict)


def object_flags(objects: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
    """Critical flags per object: unregistered over a year after launch, fragmentation,
    intentional destruction (casualty risk >= 1e-4 joins when an Ec source exists)."""
    o1 = (
        objects["O1"]
        .filter(pl.col("reason") == "unregistered_late")
        .select("object_id", pl.lit("unregistered_over_365_days").alias("flag"))
    )
    o9 = (
        objects["O9"]
        .filter(pl.col("reason").is_in(("fragmentation", "intentional_destruction")))
        .select("object_id", pl.col("reason").alias("flag"))
    )
    return pl.concat([o1, o9])


def _series(
    members: pl.LazyFrame, objects: dict[str, pl.LazyFrame], m: Methodology
) -> dict[str, pl.LazyFrame]:
    year = pl.col("launch_date").dt.year().alias("launch_year")
    s1 = (
        members.with_columns(year)
        .group_by("state", "launch_year")
        .agg(
            (~pl.col("attributed")).sum().cast(pl.Int64).alias("registered"),
            pl.len().cast(pl.Int64).alias("n"),
        )
        .with_columns(
            (pl.col("registered") / pl.col("n")).alias("share"),
            wilson_lower_expr(pl.col("registered"), pl.col("n"), m.wilson_z).alias("wilson_lower"),
        )
        .sort("state", "launch_year")
    )
    o2 = members.join(objects["O2"], on="object_id").filter(pl.col("applicable"))
    s2 = (
        o2.with_columns(year)
        .group_by("state", "launch_year")
        .agg(
            pl.col("score").mean().alias("mean_o2"),
            pl.col("delay_days").median().alias("median_delay_days"),
            pl.col("score").count().cast(pl.Int64).alias("n_dated"),
            pl.len().cast(pl.Int64).alias("n_registered"),
        )
        .sort("state", "launch_year")
    )
    long_points = m.number("o6", "points_long")
    o6 = members.join(objects["O6"], on="object_id").filter(
        pl.col("applicable") & pl.col("score").is_not_null()
    )
    s4 = (
        o6.with_columns(year)
        .group_by("state", "launch_year")
        .agg(
            (pl.col("score") >= long_points).sum().cast(pl.Int64).alias("meets_25"),
            pl.len().cast(pl.Int64).alias("n"),
        )
        .with_columns(
            (pl.col("meets_25") / pl.col("n")).alias("share_25"),
            wilson_lower_expr(pl.col("meets_25"), pl.col("n"), m.wilson_z).alias("wilson_lower"),
        )
        .sort("state", "launch_year")
    )
    return {"S1": s1, "S2": s2, "S4": s4}


def score_register(
    frames: RegisterFrames,
    m: Methodology,
    *,
    rocket_bodies: pl.LazyFrame | None = None,
) -> ScoredRegister:
    """Score every object and every State of the register."""
    events_available = frames.data_as_of.get("events") is not None
    evidence = object_evidence(frames, m).cache()
    objects = all_object_criteria(evidence, m, events_available=events_available)
    objects = {cid: f.cache() for cid, f in objects.items()}
    object_long = long_form(objects, "object_id", m.object_weights)
    object_scores = weighted_scores(object_long, "object_id").with_columns(
        label_expr(m).alias("label")
    )

    attributed = attribution(frames.objects, frames.registrations).cache()
    members = (
        cohort(attributed, frames.as_of, m)
        .select("object_id", "state", "attributed", "launch_date", "age_days")
        .cache()
    )
    states = attributed.filter(pl.col("state").is_not_null()).select("state").unique()
    rb = rocket_bodies if rocket_bodies is not None else pl.LazyFrame(schema=ROCKET_BODY_SCHEMA)
    state_frames = all_state_criteria(states, members, objects, rb, frames.as_of, m)
    state_long = long_form(state_frames, "state", m.state_weights)
    state_scores = weighted_scores(state_long, "state").with_columns(label_expr(m).alias("label"))
    series = _series(members, objects, m)
    gap = registration_gap(attributed, frames.as_of)
    double = double_registrations(frames.registrations)
    flags = object_flags(objects)

    plan: list[pl.LazyFrame] = [
        evidence,
        *objects.values(),
        object_scores,
        members,
        *state_frames.values(),
        state_scores,
        *series.values(),
        gap,
        double,
        flags,
    ]
    done = pl.collect_all(plan)
    it = iter(done)
    ev = next(it)
    obj = {cid: next(it) for cid in OBJECT_CRITERIA}
    obj_scores = next(it)
    mem = next(it)
    st = {cid: next(it) for cid in STATE_CRITERIA}
    st_scores = next(it)
    ser = {k: next(it) for k in series}
    return ScoredRegister(
        as_of=frames.as_of,
        methodology_version=m.version,
        data_as_of=dict(frames.data_as_of),
        evidence=ev,
        object_criteria=obj,
        object_scores=obj_scores,
        members=mem,
        state_criteria=st,
        state_scores=st_scores,
        series=ser,
        gap=next(it),
        double=next(it),
        flags=next(it),
    )
