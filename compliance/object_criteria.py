"""Object criteria O1-O10 (O6G is the brief's O6', GEO disposal), one function each.

Each takes the evidence frame (:func:`compliance.evidence.object_evidence`) and the methodology
and returns a lazy frame keyed by ``object_id`` with the standard columns

``applicable`` (bool: the criterion applies to this object), ``score`` (0-1; null = not
assessed), ``low``/``high`` (the range, for lifetime-based points), ``grade`` (E0-E2),
``reason`` (a code the reason card turns into a sentence), ``provisional`` (bool)

followed by the inputs the card shows. Verified evidence only (E1 observed, E2 modelled).

>>> from datetime import datetime, UTC
>>> from compliance.frames import RegisterFrames, OBJECTS_SCHEMA, conform
>>> from compliance.methodology import load_methodology
>>> from compliance.evidence import object_evidence
>>> objects = conform(pl.DataFrame({"object_id": [1, 2], "designator": ["2020-001A", "2024-001A"],
...     "launch_date": [datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)],
...     "registered": [False, False], "attributed_state": ["FRA", "FRA"]}), OBJECTS_SCHEMA)
>>> frames = RegisterFrames.empty(datetime(2026, 7, 1, tzinfo=UTC)).with_parts(objects=objects)
>>> m = load_methodology()
>>> o1_registered(object_evidence(frames, m), m).collect().sort("object_id").select("score", "reason").rows()
[(0.0, 'unregistered_late'), (0.0, 'unregistered')]
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from compliance.methodology import Methodology

STANDARD_COLUMNS = (
    "object_id",
    "applicable",
    "score",
    "low",
    "high",
    "grade",
    "reason",
    "provisional",
)
NULL_F = pl.lit(None, dtype=pl.Float64)


def _result(
    ev: pl.LazyFrame,
    *,
    applicable: pl.Expr,
    score: pl.Expr,
    grade: pl.Expr | str,
    reason: pl.Expr,
    low: pl.Expr | None = None,
    high: pl.Expr | None = None,
    provisional: pl.Expr | None = None,
    inputs: tuple[str | pl.Expr, ...] = (),
) -> pl.LazyFrame:
    applies = applicable.fill_null(False)
    value = pl.when(applies).then(score).otherwise(None).cast(pl.Float64)
    frame = ev.with_columns(
        applies.alias("applicable"),
        value.alias("score"),
        (pl.lit(grade) if isinstance(grade, str) else grade).alias("grade"),
        reason.alias("reason"),
    ).with_columns(
        pl.when(pl.col("score").is_null())
        .then(pl.lit("E0"))
        .otherwise(pl.col("grade"))
        .alias("grade"),
        (low if low is not None else pl.col("score")).cast(pl.Float64).alias("low"),
        (high if high is not None else pl.col("score")).cast(pl.Float64).alias("high"),
        (provisional if provisional is not None else pl.lit(False))
        .fill_null(False)
        .alias("provisional"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("score").is_null()).then(None).otherwise(pl.col("low")).alias("low"),
        pl.when(pl.col("score").is_null()).then(None).otherwise(pl.col("high")).alias("high"),
    )
    return frame.select(*STANDARD_COLUMNS, *inputs)


def _linear(days: pl.Expr, full: float, zero: float) -> pl.Expr:
    """1 up to ``full`` days, falling linearly to 0 at ``zero`` days."""
    return ((zero - days) / (zero - full)).clip(0.0, 1.0)


def o1_registered(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O1 Registered with the UN (LTS A.5; Registration Convention Art. II, IV).

    1 when the object carries a published UN document symbol, else 0; an unregistered object
    more than ``o1.critical_after_days`` after launch raises a critical flag.
    """
    late = pl.col("age_days") > m.number("o1", "critical_after_days")
    return _result(
        ev,
        applicable=pl.lit(True),
        score=pl.when(pl.col("registered")).then(1.0).otherwise(0.0),
        grade="E1",
        reason=pl.when(pl.col("registered"))
        .then(pl.lit("registered"))
        .when(late)
        .then(pl.lit("unregistered_late"))
        .otherwise(pl.lit("unregistered")),
        inputs=("registered", "reg_state", "reg_document", "launch_date", "age_days"),
    )


def o2_timeliness(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O2 Timeliness of registration (LTS A.5; Convention Art. IV(1) "as soon as practicable").

    d = registration date - launch date: 1 if d <= ``o2.full_within_days``, linear to 0 at
    ``o2.zero_at_days``. Registered objects only (O1 covers the unregistered); historical
    records without a registration date are not assessed.
    """
    delay = (pl.col("registered_at") - pl.col("launch_date")).dt.total_seconds() / 86400.0
    return _result(
        ev.with_columns(delay.alias("delay_days")),
        applicable=pl.col("registered"),
        score=_linear(
            pl.col("delay_days"), m.number("o2", "full_within_days"), m.number("o2", "zero_at_days")
        ),
        grade="E1",
        reason=pl.when(pl.col("registered_at").is_null())
        .then(pl.lit("no_registration_date"))
        .otherwise(pl.lit("delay")),
        inputs=("launch_date", "registered_at", "delay_days"),
    )


def _present(name: str, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    in_source = ~pl.col("not_in_source").list.contains(name).fill_null(False)
    if name in ("function", "function_detail"):
        in_source = in_source & ~pl.col("catalog_functions")
    return in_source, value.is_not_null() & in_source


def o3_completeness(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O3 Completeness of the registration (LTS A.5; Convention Art. IV(1); GA res. 62/101).

    0.75 x (Art. IV items present / items the source carries) + 0.25 x (62/101 items present /
    items applicable and carried). Items a source never carries ("not in source") leave both
    numerator and denominator; with no 62/101 item carried, the Art. IV share alone counts.
    """
    values = {
        "launching_states": pl.when(pl.col("launching_states_n") > 0).then(1).otherwise(None),
        "international_designator": pl.col("designator"),
        "launch_date": pl.col("launch_date"),
        "launch_site": pl.col("launch_site"),
        "nodal_period_min": pl.col("decl_period_min"),
        "inclination_deg": pl.col("decl_inclination_deg"),
        "apogee_km": pl.col("decl_apogee_km"),
        "perigee_km": pl.col("decl_perigee_km"),
        "function": pl.col("reg_function"),
        "function_detail": pl.col("function_detail"),
        "gso_longitude_deg": pl.col("gso_longitude_deg"),
        "owner_operator": pl.col("owner_operator"),
        "web_link": pl.col("web_link"),
        "orbit_epoch": pl.col("orbit_epoch"),
    }
    art = m.strings("o3", "art_iv_fields")
    res = m.strings("o3", "res62_101_fields")
    for field in (*art, *res):
        if field not in values:
            raise ValueError(f"methodology.toml: [o3]: unknown field {field!r}")
    in_gso = (pl.col("obs_regime") == "GEO") | (pl.col("status") == "in_gso")

    def counts(fields: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
        carried: list[pl.Expr] = []
        present: list[pl.Expr] = []
        for f in fields:
            c, p = _present(f, values[f])
            if f == "gso_longitude_deg":
                c, p = c & in_gso.fill_null(False), p & in_gso.fill_null(False)
            carried.append(c.cast(pl.Int32))
            present.append(p.cast(pl.Int32))
        return pl.sum_horizontal(present), pl.sum_horizontal(carried)

    art_present, art_carried = counts(art)
    res_present, res_carried = counts(res)
    w = m.number("o3", "art_iv_share")
    frame = ev.with_columns(
        art_present.alias("art_iv_present"),
        art_carried.alias("art_iv_carried"),
        res_present.alias("res_present"),
        res_carried.alias("res_carried"),
    )
    art_share = pl.col("art_iv_present") / pl.col("art_iv_carried")
    res_share = pl.col("res_present") / pl.col("res_carried")
    score = (
        pl.when(pl.col("art_iv_carried") == 0)
        .then(None)
        .when(pl.col("res_carried") == 0)
        .then(art_share)
        .otherwise(w * art_share + (1 - w) * res_share)
    )
    return _result(
        frame,
        applicable=pl.col("registered"),
        score=score,
        grade="E1",
        reason=pl.when(pl.col("art_iv_carried") == 0)
        .then(pl.lit("nothing_in_source"))
        .when(pl.col("res_carried") == 0)
        .then(pl.lit("art_iv_only"))
        .otherwise(pl.lit("both")),
        inputs=("art_iv_present", "art_iv_carried", "res_present", "res_carried", "reg_document"),
    )


def o4_declared_orbit(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O4 Declared orbit matches observed (LTS B.2, A.5; Convention Art. IV(1)(d)).

    Consistent when |di| <= 0.5 deg, |dh| <= max(25 km, 5%), |dP| <= 2% (the limits of
    ``orbit.compare``): 1; within twice the limits: 0.5; else 0. The worst comparable field
    decides. The registered orbit is a snapshot near launch, so only element sets within
    ``o4.max_days_after_launch`` of launch are compared, except for orbits above
    ``o4.drag_free_perigee_km`` (they do not decay).
    """
    q = m.section("o4")
    factor = float(q["half_credit_factor"])

    def verdict(diff: pl.Expr, limit: pl.Expr) -> pl.Expr:
        return (
            pl.when(diff.is_null() | limit.is_null())
            .then(None)
            .when(diff.abs() <= limit)
            .then(1.0)
            .when(diff.abs() <= factor * limit)
            .then(0.5)
            .otherwise(0.0)
        )

    def alt_limit(observed: str) -> pl.Expr:
        return pl.max_horizontal(
            pl.lit(float(q["altitude_km"])), pl.col(observed).abs() * float(q["altitude_share"])
        )

    frame = ev.with_columns(
        verdict(
            pl.col("decl_inclination_deg") - pl.col("obs_inclination_deg"),
            pl.lit(float(q["inclination_deg"])),
        ).alias("v_inclination"),
        verdict(
            pl.col("decl_perigee_km") - pl.col("obs_perigee_km"), alt_limit("obs_perigee_km")
        ).alias("v_perigee"),
        verdict(
            pl.col("decl_apogee_km") - pl.col("obs_apogee_km"), alt_limit("obs_apogee_km")
        ).alias("v_apogee"),
        verdict(
            pl.col("decl_period_min") - pl.col("obs_period_min"),
            pl.col("obs_period_min") * float(q["period_share"]),
        ).alias("v_period"),
        ((pl.col("obs_epoch") - pl.col("launch_date")).dt.total_seconds() / 86400.0).alias(
            "obs_days_after_launch"
        ),
    )
    worst = pl.min_horizontal("v_inclination", "v_perigee", "v_apogee", "v_period")
    timely = (pl.col("obs_days_after_launch") <= float(q["max_days_after_launch"])) | (
        pl.col("obs_perigee_km") > float(q["drag_free_perigee_km"])
    )
    declared_any = pl.any_horizontal(
        pl.col(
            "decl_period_min", "decl_inclination_deg", "decl_apogee_km", "decl_perigee_km"
        ).is_not_null()
    )
    reason = (
        pl.when(~declared_any)
        .then(pl.lit("nothing_declared"))
        .when(pl.col("obs_epoch").is_null())
        .then(pl.lit("no_observed_orbit"))
        .when(~timely)
        .then(pl.lit("observed_too_late"))
        .when(worst.is_null())
        .then(pl.lit("not_comparable"))
        .when(worst == 1.0)
        .then(pl.lit("consistent"))
        .when(worst == 0.5)
        .then(pl.lit("close"))
        .otherwise(pl.lit("inconsistent"))
    )
    return _result(
        frame,
        applicable=pl.col("registered")
        & ~pl.col("status").is_in(("beyond_earth_orbit", "orbiting_other_body")),
        score=pl.when(declared_any & timely.fill_null(False)).then(worst),
        grade="E1",
        reason=reason,
        inputs=(
            "decl_period_min",
            "decl_inclination_deg",
            "decl_apogee_km",
            "decl_perigee_km",
            "obs_period_min",
            "obs_inclination_deg",
            "obs_apogee_km",
            "obs_perigee_km",
            "obs_epoch",
            "obs_days_after_launch",
            "v_period",
            "v_inclination",
            "v_apogee",
            "v_perigee",
        ),
    )


def o5_status_notified(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O5 Status changes notified (LTS A.5, B.1, A.3; Convention Art. IV(3); res. 62/101 para 2).

    Per catalog event (a decay date in SATCAT): 1 when the State of registry notified it within
    ``o5.full_within_days``, 0.5 later, 0 when not notified after that time. Not applicable
    without an event or while the notice is not yet due.
    """
    full = m.number("o5", "full_within_days")
    delay = (pl.col("end_notified_at") - pl.col("sc_decay_date")).dt.total_seconds() / 86400.0
    overdue = pl.col("days_since_event") > full
    frame = ev.with_columns(
        delay.alias("notice_delay_days"),
        ((pl.col("as_of") - pl.col("sc_decay_date")).dt.total_seconds() / 86400.0).alias(
            "days_since_event"
        ),
    )
    score = (
        pl.when(pl.col("end_notified_at").is_not_null())
        .then(pl.when(pl.col("notice_delay_days") <= full).then(1.0).otherwise(0.5))
        .when(overdue)
        .then(0.0)
        .otherwise(None)
    )
    applicable = (
        pl.col("registered")
        & pl.col("sc_decay_date").is_not_null()
        & (pl.col("end_notified_at").is_not_null() | overdue)
    )
    return _result(
        frame,
        applicable=applicable,
        score=score,
        grade="E1",
        reason=pl.when(pl.col("end_notified_at").is_not_null())
        .then(
            pl.when(pl.col("notice_delay_days") <= full)
            .then(pl.lit("notified"))
            .otherwise(pl.lit("notified_late"))
        )
        .otherwise(pl.lit("not_notified")),
        inputs=("sc_decay_date", "end_notified_at", "notice_delay_days"),
    )


def _lifetime_points(years: pl.Expr, m: Methodology) -> pl.Expr:
    q = m.section("o6")
    return (
        pl.when(years.is_null())
        .then(None)
        .when(years <= float(q["short_years"]))
        .then(float(q["points_short"]))
        .when(years <= float(q["long_years"]))
        .then(float(q["points_long"]))
        .when(pl.col("disposal_notified"))
        .then(float(q["points_over_with_attempt"]))
        .otherwise(float(q["points_over"]))
    )


def _in_earth_orbit() -> pl.Expr:
    return ~pl.col("status").is_in(("beyond_earth_orbit", "orbiting_other_body", "landed"))


def _geo_family() -> pl.Expr:
    return (pl.col("obs_regime") == "GEO") | (
        pl.col("obs_regime").is_null() & (pl.col("status") == "in_gso")
    )


def o6_leo_disposal(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O6 LEO post-mission disposal (LTS B.8; COPUOS SDMG 6; IADC 25-year rule; FCC 5-year rule).

    Re-entered (SATCAT decay date) or remaining lifetime L <= 5 y: 1; 5 < L <= 25 y: 0.6;
    L > 25 y: 0.2 with a notified disposal attempt, else 0. L is the stored lifetime's p50
    (p90 for e > 0.3); the range is the points at p75 and p25. Provisional while the object
    operates (its disposal may still come). Applies to orbits with perigee below 2,000 km, and
    to objects whose orbit is unknown (shown as "no data").
    """
    leo_max = m.number("o6", "leo_max_perigee_km")
    decayed_years = (pl.col("sc_decay_date") - pl.col("launch_date")).dt.total_seconds() / (
        86400.0 * 365.25
    )
    decayed = pl.col("sc_decay_date").is_not_null()
    has_lifetime = pl.col("lt_status").is_in(("estimated", "beyond"))
    in_leo = pl.col("obs_perigee_km") < leo_max
    unknown_orbit = pl.col("obs_perigee_km").is_null() & ~decayed & (pl.col("status") != "in_gso")
    applicable = _in_earth_orbit() & (decayed | (in_leo & ~_geo_family()) | unknown_orbit)
    frame = ev.with_columns(decayed_years.alias("years_to_decay"))
    score = (
        pl.when(decayed)
        .then(_lifetime_points(pl.col("years_to_decay"), m))
        .when(has_lifetime)
        .then(_lifetime_points(pl.col("lt_count"), m))
    )
    low = pl.when(decayed).then(score).otherwise(_lifetime_points(pl.col("lt_p75"), m))
    high = pl.when(decayed).then(score).otherwise(_lifetime_points(pl.col("lt_p25"), m))
    reason = (
        pl.when(decayed)
        .then(pl.lit("reentered"))
        .when(pl.col("obs_perigee_km").is_null())
        .then(pl.lit("no_observed_orbit"))
        .when(~has_lifetime)
        .then(pl.lit("no_lifetime"))
        .otherwise(pl.lit("lifetime"))
    )
    return _result(
        frame,
        applicable=applicable,
        score=score,
        low=low,
        high=high,
        grade=pl.when(decayed).then(pl.lit("E1")).otherwise(pl.lit("E2")),
        reason=reason,
        provisional=~decayed & pl.col("operating").fill_null(True),
        inputs=(
            "obs_perigee_km",
            "obs_apogee_km",
            "obs_eccentricity",
            "obs_epoch",
            "lt_status",
            "lt_p25",
            "lt_p50",
            "lt_p75",
            "lt_count",
            "lt_computed_at",
            "sc_decay_date",
            "years_to_decay",
            "operating",
            "disposal_notified",
        ),
    )


def o6g_geo_disposal(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O6' GEO disposal, replaces O6 in GEO (COPUOS SDMG 7; IADC GEO graveyard formula).

    After end of life: perigee at least 235 + 1000 C_R A/m km above the GEO altitude and
    e < 0.003: 1; above the GEO protected region but short of that: 0.4; left in the region: 0.
    C_R and A/m are the methodology's assumed defaults. While an object operates its disposal
    is not due (not applicable).
    """
    q = m.section("o6g")
    geo = float(q["geo_altitude_km"])
    band = float(q["geo_band_km"])
    required = float(q["base_km"]) + 1000.0 * float(q["radiation_pressure_coefficient"]) * float(
        q["area_to_mass_m2_kg"]
    )
    frame = ev.with_columns(
        (pl.col("obs_perigee_km") - geo).alias("perigee_above_geo_km"),
        pl.lit(required).alias("required_above_geo_km"),
    )
    in_region = (pl.col("obs_perigee_km") >= geo - band) & (pl.col("obs_apogee_km") <= geo + band)
    above = pl.col("obs_perigee_km") > geo + band
    meets = (pl.col("perigee_above_geo_km") >= required) & (
        pl.col("obs_eccentricity") < float(q["max_eccentricity"])
    )
    operating = pl.col("operating").fill_null(False)
    near_geo = (
        (pl.col("obs_perigee_km") > geo - 2000.0)
        & (pl.col("obs_apogee_km") < geo + 2000.0)
        & (pl.col("obs_inclination_deg") < float(q["geo_max_inclination_deg"]))
    )
    family = _geo_family() | near_geo.fill_null(False)
    # While the object operates its disposal is not due yet: not applicable, not "no data".
    applicable = family & ~operating & _in_earth_orbit()
    score = (
        pl.when(pl.col("obs_perigee_km").is_null())
        .then(None)
        .when(meets)
        .then(float(q["points_meets"]))
        .when(above)
        .then(float(q["points_above_short"]))
        .when(in_region)
        .then(float(q["points_left"]))
        .otherwise(float(q["points_above_short"]))
    )
    reason = (
        pl.when(pl.col("obs_perigee_km").is_null())
        .then(pl.lit("no_observed_orbit"))
        .when(meets)
        .then(pl.lit("meets"))
        .when(above)
        .then(pl.lit("above_short"))
        .when(in_region)
        .then(pl.lit("left_in_region"))
        .otherwise(pl.lit("below_region"))
    )
    return _result(
        frame,
        applicable=applicable,
        score=score,
        grade="E1",
        reason=reason,
        inputs=(
            "obs_perigee_km",
            "obs_apogee_km",
            "obs_eccentricity",
            "obs_epoch",
            "perigee_above_geo_km",
            "required_above_geo_km",
            "operating",
        ),
    )


def o7_reentry_safety(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O7 Re-entry safety (LTS B.9; casualty risk below 1e-4 per re-entry, NASA-STD-8719.14).

    Controlled re-entry: 1. Uncontrolled and small (CARA hard-body radius <= ``o7.small_hbr_m``)
    with no casualty estimate: 0.5. Larger or unknown size: not assessed until a casualty
    assessment is declared. Applies to objects that re-entered or whose lifetime (p50) is
    within ``o7.horizon_years``.
    """
    q = m.section("o7")
    controlled = pl.col("ev_controlled_reentry")
    small = pl.col("hbr_m") <= float(q["small_hbr_m"])
    reenters = (
        pl.col("sc_decay_date").is_not_null()
        | controlled
        | (pl.col("lt_count") <= float(q["horizon_years"]))
    )
    score = (
        pl.when(controlled)
        .then(float(q["points_controlled"]))
        .when(small)
        .then(float(q["points_small_uncontrolled"]))
    )
    reason = (
        pl.when(controlled)
        .then(pl.lit("controlled"))
        .when(small)
        .then(pl.lit("small_uncontrolled"))
        .when(pl.col("hbr_m").is_null())
        .then(pl.lit("size_unknown"))
        .otherwise(pl.lit("large_ec_unknown"))
    )
    return _result(
        ev,
        applicable=reenters & _in_earth_orbit(),
        score=score,
        grade="E2",
        reason=reason,
        provisional=pl.col("sc_decay_date").is_null() & ~controlled,
        inputs=("hbr_m", "hbr_source", "lt_count", "sc_decay_date"),
    )


def o8_trackability(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O8 Trackability and identification (LTS B.8, B.2).

    Identified in the catalog (first element set) within ``o8.full_within_days`` of launch: 1,
    linear to 0 at ``o8.zero_at_days``. Assessable only when the element-set store already ran
    at launch (its first epoch precedes the launch); otherwise the first stored set says
    nothing about when the object was first catalogued.
    """
    full, zero = m.number("o8", "full_within_days"), m.number("o8", "zero_at_days")
    frame = ev.with_columns(
        ((pl.col("first_epoch") - pl.col("launch_date")).dt.total_seconds() / 86400.0).alias(
            "days_to_catalog"
        )
    )
    covered = pl.col("store_start") <= pl.col("launch_date")
    score = (
        pl.when(~covered.fill_null(False))
        .then(None)
        .when(pl.col("first_epoch").is_not_null())
        .then(_linear(pl.col("days_to_catalog"), full, zero))
        .when(pl.col("age_days") > zero)
        .then(0.0)
    )
    reason = (
        pl.when(pl.col("store_start").is_null())
        .then(pl.lit("no_element_sets"))
        .when(~covered)
        .then(pl.lit("store_after_launch"))
        .when(pl.col("first_epoch").is_not_null())
        .then(pl.lit("catalogued"))
        .when(pl.col("age_days") > zero)
        .then(pl.lit("never_catalogued"))
        .otherwise(pl.lit("pending"))
    )
    return _result(
        frame,
        applicable=_in_earth_orbit(),
        score=score,
        grade="E1",
        reason=reason,
        inputs=("launch_date", "first_epoch", "days_to_catalog", "store_start"),
    )


def o9_integrity(ev: pl.LazyFrame, m: Methodology, *, events_available: bool) -> pl.LazyFrame:
    """O9 Integrity: no break-up, no released debris (LTS B.8; COPUOS SDMG 1, 2, 4, 5).

    No fragmentation and no mission-related objects: 1; only mission-related objects: 0.5;
    fragmentation or intentional destruction: 0 (critical). Needs a catalog-event source;
    without one every object reads "no data".
    """
    bad = pl.col("ev_fragmentation") | pl.col("ev_intentional")
    score = (
        pl.when(pl.lit(not events_available))
        .then(None)
        .when(bad)
        .then(0.0)
        .when(pl.col("ev_released"))
        .then(0.5)
        .otherwise(1.0)
    )
    reason = (
        pl.when(pl.lit(not events_available))
        .then(pl.lit("no_event_source"))
        .when(pl.col("ev_intentional"))
        .then(pl.lit("intentional_destruction"))
        .when(pl.col("ev_fragmentation"))
        .then(pl.lit("fragmentation"))
        .when(pl.col("ev_released"))
        .then(pl.lit("released_debris"))
        .otherwise(pl.lit("intact"))
    )
    return _result(
        ev,
        applicable=_in_earth_orbit(),
        score=score,
        grade="E1",
        reason=reason,
        inputs=("ev_fragmentation", "ev_intentional", "ev_released"),
    )


def o10_collision_avoidance(ev: pl.LazyFrame, m: Methodology) -> pl.LazyFrame:
    """O10 Collision-avoidance capability, observed (LTS B.4, B.1).

    Manoeuvres detected in the element-set history: 1; none seen over at least
    ``o10.min_history_days`` of densely sampled sets while operating: 0; shorter or sparser
    history: not assessed. Applies to
    operating objects. Conjunction counts are context only and never enter the score.
    """
    min_days = m.number("o10", "min_history_days")
    seen = pl.col("manoeuvres").fill_null(0) > 0
    long_enough = (pl.col("history_days") >= min_days) & (
        pl.col("median_step_days") <= m.number("o10", "max_step_days")
    )
    score = pl.when(seen).then(1.0).when(long_enough).then(0.0)
    reason = (
        pl.when(seen)
        .then(pl.lit("manoeuvres_seen"))
        .when(long_enough)
        .then(pl.lit("none_seen"))
        .when(pl.col("n_sets").is_null())
        .then(pl.lit("no_element_sets"))
        .otherwise(pl.lit("short_history"))
    )
    return _result(
        ev,
        applicable=pl.col("operating").fill_null(False) & _in_earth_orbit(),
        score=score,
        grade="E2",
        reason=reason,
        inputs=("n_sets", "history_days", "median_step_days", "manoeuvres", "last_manoeuvre"),
    )


ObjectCriterion = Callable[[pl.LazyFrame, Methodology], pl.LazyFrame]

#: Criterion id -> (function, guidelines). O9 takes the event-source flag (see ``all_criteria``).
OBJECT_GUIDELINES: dict[str, tuple[str, ...]] = {
    "O1": ("A.5",),
    "O2": ("A.5",),
    "O3": ("A.5",),
    "O4": ("B.2", "A.5"),
    "O5": ("A.5", "B.1", "A.3"),
    "O6": ("B.8", "SDMG 6"),
    "O6G": ("SDMG 7",),
    "O7": ("B.9",),
    "O8": ("B.8", "B.2"),
    "O9": ("B.8", "SDMG 1", "SDMG 2", "SDMG 4", "SDMG 5"),
    "O10": ("B.4", "B.1"),
}


def all_object_criteria(
    ev: pl.LazyFrame, m: Methodology, *, events_available: bool
) -> dict[str, pl.LazyFrame]:
    """Every object criterion's frame, by id."""
    return {
        "O1": o1_registered(ev, m),
        "O2": o2_timeliness(ev, m),
        "O3": o3_completeness(ev, m),
        "O4": o4_declared_orbit(ev, m),
        "O5": o5_status_notified(ev, m),
        "O6": o6_leo_disposal(ev, m),
        "O6G": o6g_geo_disposal(ev, m),
        "O7": o7_reentry_safety(ev, m),
        "O8": o8_trackability(ev, m),
        "O9": o9_integrity(ev, m, events_available=events_available),
        "O10": o10_collision_avoidance(ev, m),
    }
