"""The per-object evidence frame: one row per register object with everything the object
criteria read (registration, observed orbit, history, lifetime, catalog view, size, notices,
events), built with joins over :class:`~compliance.frames.RegisterFrames`.
"""

from __future__ import annotations

import polars as pl

from compliance.frames import RegisterFrames
from compliance.lifetimes import counting_lifetime
from compliance.methodology import Methodology
from compliance.observed import history, newest_orbits

#: SATCAT operational-status codes that mean "operating" (CelesTrak: +, P, B, S, X).
OPERATING_CODES = ("+", "P", "B", "S", "X")
#: Statuses that notify the end of an object's time in Earth orbit (Art. IV(3)).
END_STATUSES = ("decayed", "deorbited", "recovered", "landed", "beyond_earth_orbit")
DISPOSAL_STATUSES = ("in_disposal_orbit", "deorbited")
#: Object origins whose function texts are the catalog's, not the State's declaration.
CATALOG_FUNCTION_ORIGINS = ("gcat-demo",)


def _registration_per_object(registrations: pl.LazyFrame) -> pl.LazyFrame:
    # An object registered twice keeps its earliest registration's values (the first State's
    # declaration); double registration itself is reported by compliance.registration.
    return (
        registrations.sort("object_id", "registered_at", "state_code", nulls_last=True)
        .group_by("object_id", maintain_order=True)
        .agg(
            pl.col("state_code").first().alias("reg_state"),
            pl.col("document").first().alias("reg_document"),
            pl.col("registered_at").min(),
            pl.col("launching_states_n").first(),
            pl.col("national_registration_number").first(),
            pl.col("nodal_period_min").first().alias("decl_period_min"),
            pl.col("inclination_deg").first().alias("decl_inclination_deg"),
            pl.col("apogee_km").first().alias("decl_apogee_km"),
            pl.col("perigee_km").first().alias("decl_perigee_km"),
            pl.col("orbit_epoch").first(),
            pl.col("function").first().alias("reg_function"),
            pl.col("function_detail").first(),
            pl.col("gso_longitude_deg").first(),
            pl.col("owner_operator").first(),
            pl.col("web_link").first(),
        )
    )


def object_evidence(frames: RegisterFrames, m: Methodology) -> pl.LazyFrame:
    """One row per object with the inputs of O1-O10."""
    as_of = frames.as_of
    orbits = newest_orbits(frames.elements).select(
        "object_id",
        pl.col("epoch").alias("obs_epoch"),
        pl.col("perigee_km").alias("obs_perigee_km"),
        pl.col("apogee_km").alias("obs_apogee_km"),
        pl.col("nodal_period_min").alias("obs_period_min"),
        pl.col("inclination_deg").alias("obs_inclination_deg"),
        pl.col("eccentricity").alias("obs_eccentricity"),
        pl.col("regime").alias("obs_regime"),
        pl.col("source").alias("obs_source"),
    )
    hist = history(
        frames.elements,
        rise_km=m.number("o10", "rise_km"),
        drop_km=m.number("o10", "drop_km"),
        drop_factor=m.number("o10", "drop_factor"),
        max_step_days=m.number("o10", "max_step_days"),
    ).select(
        "object_id",
        "n_sets",
        "first_epoch",
        "history_days",
        "median_step_days",
        "manoeuvres",
        "last_manoeuvre",
    )
    store_start = frames.elements.select(pl.col("epoch").min().alias("store_start"))
    lifetimes = (
        frames.lifetimes.sort("object_id", "epoch")
        .group_by("object_id", maintain_order=True)
        .last()
        .select(
            "object_id",
            pl.col("epoch").alias("lt_epoch"),
            pl.col("status").alias("lt_status"),
            pl.col("p25").alias("lt_p25"),
            pl.col("p50").alias("lt_p50"),
            pl.col("p75").alias("lt_p75"),
            pl.col("p95").alias("lt_p95"),
            pl.col("computed_at").alias("lt_computed_at"),
        )
    )
    satcat = frames.satcat.select(
        "norad_id",
        pl.col("object_type").alias("sc_object_type"),
        pl.col("ops_status").alias("sc_ops_status"),
        pl.col("decay_date").cast(pl.Datetime("us", "UTC")).alias("sc_decay_date"),
    ).unique("norad_id")
    notices = frames.notices.group_by("object_id").agg(
        pl.col("notified_at")
        .filter(pl.col("status").is_in(END_STATUSES))
        .min()
        .alias("end_notified_at"),
        pl.col("status").is_in(DISPOSAL_STATUSES).any().alias("disposal_notified"),
    )
    events = frames.events.group_by("object_id").agg(
        (pl.col("kind") == "fragmentation").any().alias("ev_fragmentation"),
        (pl.col("kind") == "intentional_destruction").any().alias("ev_intentional"),
        (pl.col("kind") == "released_debris").any().alias("ev_released"),
        (pl.col("kind") == "controlled_reentry").any().alias("ev_controlled_reentry"),
    )
    hbr = frames.hbr.unique("norad_id")
    high_e = m.number("o6", "high_eccentricity")
    base = (
        frames.objects.join(
            _registration_per_object(frames.registrations), on="object_id", how="left"
        )
        .join(orbits, on="object_id", how="left")
        .join(hist, on="object_id", how="left")
        .join(lifetimes, on="object_id", how="left")
        .join(satcat, on="norad_id", how="left")
        .join(hbr, on="norad_id", how="left")
        .join(notices, on="object_id", how="left")
        .join(events, on="object_id", how="left")
        .join(store_start, how="cross")
    )
    operating = (
        pl.when(pl.col("sc_ops_status").is_not_null())
        .then(pl.col("sc_ops_status").is_in(OPERATING_CODES))
        .when(pl.col("obs_source").str.contains("active"))
        .then(True)
        .otherwise(None)
    )
    return base.with_columns(
        pl.lit(as_of).cast(pl.Datetime("us", "UTC")).alias("as_of"),
        ((pl.lit(as_of) - pl.col("launch_date")).dt.total_seconds() / 86400.0).alias("age_days"),
        operating.alias("operating"),
        counting_lifetime(
            pl.col("obs_eccentricity"),
            pl.col("lt_p50"),
            pl.col("lt_p75"),
            pl.col("lt_p95"),
            high_e=high_e,
        ).alias("lt_count"),
        pl.col("origin").is_in(CATALOG_FUNCTION_ORIGINS).alias("catalog_functions"),
        pl.col("ev_fragmentation").fill_null(False),
        pl.col("ev_intentional").fill_null(False),
        pl.col("ev_released").fill_null(False),
        pl.col("ev_controlled_reentry").fill_null(False),
        pl.col("disposal_notified").fill_null(False),
    )
