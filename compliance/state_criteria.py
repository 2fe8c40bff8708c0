"""State criteria S1-S9, one function each, as group-bys over the object criteria.

The cohort of a State is the objects launched in the last ``scoring.cohort_years`` years that
count for it (:func:`compliance.registration.attribution`: registered objects for each State
of registry, unregistered ones for the catalog's State, labelled "attributed").

Each function returns a lazy frame keyed by ``state`` with the standard columns of
:mod:`compliance.object_criteria` (``applicable``, ``score``, ``low``, ``high``, ``grade``,
``reason``, ``provisional``) and its inputs. A State without data for a criterion gets a row
with a null score (not assessed), never a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import polars as pl

from compliance.methodology import Methodology
from compliance.wilson import wilson_lower_expr

STANDARD = ("state", "applicable", "score", "low", "high", "grade", "reason", "provisional")

STATE_GUIDELINES: dict[str, tuple[str, ...]] = {
    "S1": ("A.5",),
    "S2": ("A.5",),
    "S3": ("A.5", "A.3", "B.1"),
    "S4": ("B.8", "SDMG 6"),
    "S5": ("SDMG 7",),
    "S6": ("B.9", "B.8"),
    "S7": ("B.8", "SDMG 4"),
    "S8": ("B.9",),
    "S9": ("B.2", "B.4", "B.8"),
}


def cohort(attributed: pl.LazyFrame, as_of: datetime, m: Methodology) -> pl.LazyFrame:
    """The (object, State) rows launched within the cohort window before ``as_of``."""
    years = int(m.number("scoring", "cohort_years"))
    start = as_of.replace(year=as_of.year - years)
    return attributed.filter(
        pl.col("state").is_not_null()
        & (pl.col("launch_date") >= start)
        & (pl.col("launch_date") <= as_of)
    ).with_columns(
        ((pl.lit(as_of) - pl.col("launch_date")).dt.total_seconds() / 86400.0).alias("age_days")
    )


def _finish(
    states: pl.LazyFrame,
    measured: pl.LazyFrame,
    *,
    score: pl.Expr,
    grade: str,
    reason: pl.Expr,
    missing_reason: str,
    low: pl.Expr | None = None,
    high: pl.Expr | None = None,
    provisional: pl.Expr | None = None,
    inputs: tuple[str, ...] = (),
) -> pl.LazyFrame:
    frame = states.join(measured, on="state", how="left").with_columns(
        score.cast(pl.Float64).alias("score")
    )
    assessed = pl.col("score").is_not_null()
    return frame.with_columns(
        pl.lit(True).alias("applicable"),
        pl.when(assessed)
        .then((low if low is not None else pl.col("score")).cast(pl.Float64))
        .alias("low"),
        pl.when(assessed)
        .then((high if high is not None else pl.col("score")).cast(pl.Float64))
        .alias("high"),
        pl.when(assessed).then(pl.lit(grade)).otherwise(pl.lit("E0")).alias("grade"),
        pl.when(assessed).then(reason).otherwise(pl.lit(missing_reason)).alias("reason"),
        (provisional if provisional is not None else pl.lit(False))
        .fill_null(False)
        .alias("provisional"),
    ).select(*STANDARD, *inputs)


def _assessed(members: pl.LazyFrame, criterion: pl.LazyFrame) -> pl.LazyFrame:
    """The cohort rows joined with one object criterion, applicable rows only."""
    return members.join(criterion, on="object_id", how="inner").filter(pl.col("applicable"))


def s1_registration(states: pl.LazyFrame, members: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """S1 Registration coverage (LTS A.5): registered / attributable payloads of the cohort,
    scored as the lower bound of the 95% Wilson interval; n always shown. Unregistered objects
    launched less than ``s1.not_due_days`` before the as-of date are not yet due and left out."""
    due = ~(pl.col("attributed") & (pl.col("age_days") < m.number("s1", "not_due_days")))
    measured = (
        members.group_by("state")
        .agg(
            (~pl.col("attributed")).sum().cast(pl.Int64).alias("registered"),
            (pl.col("attributed") & due).sum().cast(pl.Int64).alias("attributed"),
            due.sum().cast(pl.Int64).alias("n"),
            (~due).sum().cast(pl.Int64).alias("not_due"),
        )
        .with_columns((pl.col("registered") / pl.col("n")).alias("share"))
    )
    return _finish(
        states,
        measured,
        score=wilson_lower_expr(pl.col("registered"), pl.col("n"), m.wilson_z),
        grade="E1",
        reason=pl.lit("share"),
        missing_reason="no_objects",
        inputs=("registered", "attributed", "n", "share", "not_due"),
    )


def s2_timeliness(
    states: pl.LazyFrame, members: pl.LazyFrame, o2: pl.LazyFrame, m: Methodology
) -> pl.LazyFrame:
    """S2 Timeliness (LTS A.5): mean O2 over registrations with a date; median delay; shares
    registered within 90 and 365 days."""
    first, second = (float(d) for d in m.value("s2", "within_days"))
    rows = _assessed(members, o2)
    dated = pl.col("score").is_not_null()
    measured = rows.group_by("state").agg(
        pl.col("score").filter(dated).mean().alias("mean_o2"),
        pl.col("delay_days").filter(dated).median().alias("median_delay_days"),
        (pl.col("delay_days").filter(dated) <= first).mean().alias("share_within_90"),
        (pl.col("delay_days").filter(dated) <= second).mean().alias("share_within_365"),
        dated.sum().cast(pl.Int64).alias("n_dated"),
        pl.len().cast(pl.Int64).alias("n_registered"),
    )
    return _finish(
        states,
        measured,
        score=pl.col("mean_o2"),
        grade="E1",
        reason=pl.lit("delays"),
        missing_reason="no_registration_dates",
        inputs=(
            "mean_o2",
            "median_delay_days",
            "share_within_90",
            "share_within_365",
            "n_dated",
            "n_registered",
        ),
    )


def s3_completeness(
    states: pl.LazyFrame, members: pl.LazyFrame, o3: pl.LazyFrame, o5: pl.LazyFrame, m: Methodology
) -> pl.LazyFrame:
    """S3 Completeness and updates (LTS A.5, A.3, B.1): 0.5 mean O3 + 0.5 mean O5; with only
    one of them assessed, that one."""
    c3 = (
        _assessed(members, o3)
        .group_by("state")
        .agg(
            pl.col("score").mean().alias("mean_o3"),
            pl.col("score").count().cast(pl.Int64).alias("n_o3"),
        )
    )
    c5 = (
        _assessed(members, o5)
        .group_by("state")
        .agg(
            pl.col("score").mean().alias("mean_o5"),
            pl.col("score").count().cast(pl.Int64).alias("n_o5"),
        )
    )
    measured = c3.join(c5, on="state", how="full", coalesce=True)
    score = (
        pl.when(pl.col("mean_o3").is_not_null() & pl.col("mean_o5").is_not_null())
        .then(0.5 * pl.col("mean_o3") + 0.5 * pl.col("mean_o5"))
        .otherwise(pl.coalesce("mean_o3", "mean_o5"))
    )
    reason = (
        pl.when(pl.col("mean_o5").is_null())
        .then(pl.lit("completeness_only"))
        .when(pl.col("mean_o3").is_null())
        .then(pl.lit("updates_only"))
        .otherwise(pl.lit("both"))
    )
    return _finish(
        states,
        measured,
        score=score,
        grade="E1",
        reason=reason,
        missing_reason="no_registrations",
        inputs=("mean_o3", "n_o3", "mean_o5", "n_o5"),
    )


def s4_leo_disposal(
    states: pl.LazyFrame, members: pl.LazyFrame, o6: pl.LazyFrame, m: Methodology
) -> pl.LazyFrame:
    """S4 LEO disposal (LTS B.8; SDMG 6): share of the cohort's LEO objects whose lifetime meets
    the 25-year rule (and, shown, the 5-year rule), scored as the Wilson lower bound; the range
    counts at the lifetimes' p75 and p25."""
    long_points = m.number("o6", "points_long")
    short_points = m.number("o6", "points_short")
    rows = _assessed(members, o6).filter(pl.col("score").is_not_null())
    measured = (
        rows.group_by("state")
        .agg(
            (pl.col("score") >= long_points).sum().cast(pl.Int64).alias("meets_25"),
            (pl.col("score") >= short_points).sum().cast(pl.Int64).alias("meets_5"),
            (pl.col("low") >= long_points).sum().cast(pl.Int64).alias("meets_25_at_p75"),
            (pl.col("high") >= long_points).sum().cast(pl.Int64).alias("meets_25_at_p25"),
            pl.col("provisional").sum().cast(pl.Int64).alias("provisional_n"),
            pl.len().cast(pl.Int64).alias("n"),
        )
        .with_columns(
            (pl.col("meets_25") / pl.col("n")).alias("share_25"),
            (pl.col("meets_5") / pl.col("n")).alias("share_5"),
        )
    )
    z = m.wilson_z
    return _finish(
        states,
        measured,
        score=wilson_lower_expr(pl.col("meets_25"), pl.col("n"), z),
        low=wilson_lower_expr(pl.col("meets_25_at_p75"), pl.col("n"), z),
        high=wilson_lower_expr(pl.col("meets_25_at_p25"), pl.col("n"), z),
        grade="E2",
        reason=pl.lit("lifetimes"),
        missing_reason="no_lifetimes",
        provisional=pl.col("provisional_n") > 0,
        inputs=(
            "meets_25",
            "meets_5",
            "n",
            "share_25",
            "share_5",
            "provisional_n",
            "meets_25_at_p75",
            "meets_25_at_p25",
        ),
    )


def s5_geo_disposal(
    states: pl.LazyFrame, members: pl.LazyFrame, o6g: pl.LazyFrame, m: Methodology
) -> pl.LazyFrame:
    """S5 GEO disposal (SDMG 7): share of the cohort's retired GEO objects meeting the IADC
    formula."""
    meets = m.number("o6g", "points_meets")
    rows = _assessed(members, o6g).filter(pl.col("score").is_not_null())
    measured = rows.group_by("state").agg(
        (pl.col("score") >= meets).sum().cast(pl.Int64).alias("meets"),
        pl.len().cast(pl.Int64).alias("n"),
    )
    return _finish(
        states,
        measured,
        score=pl.col("meets") / pl.col("n"),
        grade="E1",
        reason=pl.lit("share"),
        missing_reason="no_retired_geo_objects",
        inputs=("meets", "n"),
    )


def s6_rocket_bodies(
    states: pl.LazyFrame, rocket_bodies: pl.LazyFrame, as_of: datetime, m: Methodology
) -> pl.LazyFrame:
    """S6 Rocket-body conduct (LTS B.9, B.8): share of the State's upper stages of the cohort
    that re-entered or left the protected regions (SATCAT decay date or perigee above LEO
    outside the GEO band). ``rocket_bodies`` has columns state, launch_date, decay_date,
    perigee_km, apogee_km; the register holds payloads only, so it is empty until SATCAT
    rocket bodies are attributed to States."""
    years = int(m.number("scoring", "cohort_years"))
    start = as_of.replace(year=as_of.year - years)
    geo, band = m.number("o6g", "geo_altitude_km"), m.number("o6g", "geo_band_km")
    leo = m.number("o6", "leo_max_perigee_km")
    clear = pl.col("decay_date").is_not_null() | (
        (pl.col("perigee_km") > leo)
        & ~((pl.col("perigee_km") >= geo - band) & (pl.col("apogee_km") <= geo + band))
    )
    measured = (
        rocket_bodies.filter(pl.col("launch_date") >= start)
        .group_by("state")
        .agg(clear.sum().cast(pl.Int64).alias("cleared"), pl.len().cast(pl.Int64).alias("n"))
    )
    return _finish(
        states,
        measured,
        score=pl.col("cleared") / pl.col("n"),
        grade="E1",
        reason=pl.lit("share"),
        missing_reason="no_rocket_body_data",
        inputs=("cleared", "n"),
    )


def s7_fragmentation(
    states: pl.LazyFrame, members: pl.LazyFrame, o9: pl.LazyFrame, m: Methodology
) -> pl.LazyFrame:
    """S7 Fragmentation record (LTS B.8; SDMG 4): fragmentation events per 100 cohort objects,
    1 at none falling linearly to 0 at ``s7.zero_at_per_100``; intentional destruction: 0 and
    a critical flag."""
    zero = m.number("s7", "zero_at_per_100")
    rows = _assessed(members, o9).filter(pl.col("score").is_not_null())
    measured = (
        rows.group_by("state")
        .agg(
            pl.col("ev_fragmentation").sum().cast(pl.Int64).alias("fragmentations"),
            pl.col("ev_intentional").sum().cast(pl.Int64).alias("intentional"),
            pl.len().cast(pl.Int64).alias("n"),
        )
        .with_columns((100.0 * pl.col("fragmentations") / pl.col("n")).alias("per_100"))
    )
    score = (
        pl.when(pl.col("intentional") > 0)
        .then(0.0)
        .otherwise((1.0 - pl.col("per_100") / zero).clip(0.0, 1.0))
    )
    return _finish(
        states,
        measured,
        score=pl.when(pl.col("n") > 0).then(score),
        grade="E1",
        reason=pl.lit("rate"),
        missing_reason="no_event_source",
        inputs=("fragmentations", "intentional", "n", "per_100"),
    )


def s8_reentry_risk(
    states: pl.LazyFrame, members: pl.LazyFrame, o7: pl.LazyFrame, m: Methodology
) -> pl.LazyFrame:
    """S8 Re-entry risk management (LTS B.9): share of large re-entering objects re-entering
    under control or with a casualty risk below 1e-4."""
    small = m.number("o7", "small_hbr_m")
    rows = _assessed(members, o7).filter(
        pl.col("score").is_not_null() & ~(pl.col("hbr_m") <= small).fill_null(False)
    )
    measured = rows.group_by("state").agg(
        (pl.col("score") >= 1.0).sum().cast(pl.Int64).alias("managed"),
        pl.len().cast(pl.Int64).alias("n"),
    )
    return _finish(
        states,
        measured,
        score=pl.col("managed") / pl.col("n"),
        grade="E2",
        reason=pl.lit("share"),
        missing_reason="no_casualty_data",
        inputs=("managed", "n"),
    )


def s9_object_quality(
    states: pl.LazyFrame, members: pl.LazyFrame, parts: Mapping[str, pl.LazyFrame], m: Methodology
) -> pl.LazyFrame:
    """S9 Object quality pass-through (LTS B.2, B.4, B.8): mean of the State's mean O4, O8 and
    O10 (each over its assessed objects)."""
    means = None
    for cid, frame in parts.items():
        part = (
            _assessed(members, frame)
            .filter(pl.col("score").is_not_null())
            .group_by("state")
            .agg(
                pl.col("score").mean().alias(f"mean_{cid.lower()}"),
                pl.len().cast(pl.Int64).alias(f"n_{cid.lower()}"),
            )
        )
        means = part if means is None else means.join(part, on="state", how="full", coalesce=True)
    assert means is not None
    cols = [f"mean_{cid.lower()}" for cid in parts]
    return _finish(
        states,
        means,
        score=pl.mean_horizontal(cols),
        grade="E1",
        reason=pl.lit("means"),
        missing_reason="no_object_data",
        inputs=(*cols, *(f"n_{cid.lower()}" for cid in parts)),
    )


def all_state_criteria(
    states: pl.LazyFrame,
    members: pl.LazyFrame,
    objects: Mapping[str, pl.LazyFrame],
    rocket_bodies: pl.LazyFrame,
    as_of: datetime,
    m: Methodology,
) -> dict[str, pl.LazyFrame]:
    return {
        "S1": s1_registration(states, members, m),
        "S2": s2_timeliness(states, members, objects["O2"], m),
        "S3": s3_completeness(states, members, objects["O3"], objects["O5"], m),
        "S4": s4_leo_disposal(states, members, objects["O6"], m),
        "S5": s5_geo_disposal(states, members, objects["O6G"], m),
        "S6": s6_rocket_bodies(states, rocket_bodies, as_of, m),
        "S7": s7_fragmentation(states, members, objects["O9"], m),
        "S8": s8_reentry_risk(states, members, objects["O7"], m),
        "S9": s9_object_quality(states, members, {k: objects[k] for k in ("O4", "O8", "O10")}, m),
    }
