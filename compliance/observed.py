"""Observed orbits from stored element sets, as polars frames: the newest orbit of each object,
its history span and the manoeuvres the history shows.

Orbit facts (perigee, apogee, nodal period, regime) come from :func:`orbit.facts.mean_element_facts`
applied column-wise. A manoeuvre is a change of the mean semi-major axis between consecutive element
sets of one object that drag cannot explain: a rise of more than ``rise_km`` (drag only lowers
it; ISS reboosts raise it by 1-3 km), or a drop of more than ``drop_km`` that is also more than
``drop_factor`` times the object's median decay over the same interval (retrograde burns, such
as the ISS debris-avoidance manoeuvre of 2021-12-03, lower it by ~0.5 km in hours, while drag
takes weeks for that at 420 km; the factor keeps a low, fast-decaying object's last weeks out).
Only steps between sets at most ``max_step_days`` apart count: a burn is abrupt, while the
fitted mean elements of light debris drift by kilometres over years.

>>> from datetime import datetime, UTC
>>> els = pl.LazyFrame({"object_id": [7, 7, 7], "norad_id": [25544] * 3,
...     "epoch": [datetime(2020, 1, d, tzinfo=UTC) for d in (1, 2, 3)],
...     "mean_motion": [15.4953, 15.4951, 15.4870], "eccentricity": [0.0005] * 3,
...     "inclination_deg": [51.64] * 3, "source": ["test"] * 3})
>>> h = history(els, rise_km=0.5, drop_km=0.4, drop_factor=10.0).collect()
>>> h.select("n_sets", "manoeuvres").rows()
[(3, 1)]
>>> round(newest_orbits(els).collect()["perigee_km"][0])
418
"""

from __future__ import annotations

import numpy as np
import polars as pl

from orbit.facts import mean_element_facts

FACT_FIELDS: dict[str, pl.DataType] = {
    "semi_major_axis_km": pl.Float64(),
    "perigee_km": pl.Float64(),
    "apogee_km": pl.Float64(),
    "nodal_period_min": pl.Float64(),
    "regime": pl.String(),
}


def _facts_batch(columns: pl.Series) -> pl.Series:
    parts = columns.struct.unnest()
    facts = mean_element_facts(
        parts["mean_motion"].to_numpy().astype(np.float64),
        parts["eccentricity"].to_numpy().astype(np.float64),
        parts["inclination_deg"].to_numpy().astype(np.float64),
    )
    return pl.DataFrame(
        {
            "semi_major_axis_km": facts.semi_major_axis_km,
            "perigee_km": facts.perigee_km,
            "apogee_km": facts.apogee_km,
            "nodal_period_min": facts.nodal_period_min,
            "regime": facts.regime.astype(str),
        }
    ).to_struct("facts")


def with_orbit_facts(elements: pl.LazyFrame) -> pl.LazyFrame:
    """Element sets with their semi-major axis, perigee, apogee, nodal period and regime."""
    facts = (
        pl.struct("mean_motion", "eccentricity", "inclination_deg")
        .map_batches(_facts_batch, return_dtype=pl.Struct(FACT_FIELDS))
        .alias("facts")
    )
    return elements.with_columns(facts).unnest("facts")


def newest_orbits(elements: pl.LazyFrame) -> pl.LazyFrame:
    """The newest element set of each matched object, with its orbit facts."""
    newest = (
        elements.filter(pl.col("object_id").is_not_null())
        .sort("object_id", "epoch")
        .group_by("object_id", maintain_order=True)
        .last()
    )
    return with_orbit_facts(newest)


def _with_manoeuvres(
    elements: pl.LazyFrame,
    *,
    rise_km: float,
    drop_km: float,
    drop_factor: float,
    max_step_days: float = 3.0,
) -> pl.LazyFrame:
    sets = with_orbit_facts(
        elements.filter(pl.col("object_id").is_not_null()).sort("object_id", "epoch")
    )
    a = pl.col("semi_major_axis_km")
    # Levels are medians of three sets on each side of a step, so that one bad element set
    # (an outlier up and back) is not taken for two manoeuvres.
    before = a.rolling_median(window_size=3, min_samples=1).over("object_id")
    after = a.reverse().rolling_median(window_size=3, min_samples=1).reverse().over("object_id")
    days = (pl.col("epoch").diff().dt.total_seconds() / 86400.0).over("object_id")
    sets = sets.with_columns(
        (after - before.shift(1).over("object_id")).alias("change_km"),
        a.diff().over("object_id").alias("step_km"),
        days.alias("step_days"),
    )
    typical_rate = (
        (pl.col("step_km") / pl.col("step_days"))
        .filter(pl.col("step_days") > 0)
        .median()
        .over("object_id")
    )
    drag_step = (-typical_rate).clip(lower_bound=0.0) * pl.col("step_days")
    level, step = pl.col("change_km"), pl.col("step_km")
    # A burn shows as a shift of the level (medians), or as one step whose level shift is at
    # least half as large (drag eats into the level after a small burn within a day).
    rise = (level > rise_km) | ((step > rise_km) & (level > rise_km / 2))
    fall = ((-level > drop_km) | ((-step > drop_km) & (-level > drop_km / 2))) & (
        -pl.min_horizontal(level, step) > drop_factor * drag_step
    )
    # Between sets far apart, slow drifts of the fitted mean elements (radiation pressure on
    # light debris moves them by kilometres over two years) look like a step: not a burn.
    candidate = ((pl.col("step_days") <= max_step_days) & (rise | fall)).fill_null(False)
    sets = sets.with_columns(candidate.alias("candidate"))
    # A burn shifts the level seen from the neighbouring steps too: one run, one manoeuvre.
    starts = pl.col("candidate") & ~pl.col("candidate").shift(1).over("object_id").fill_null(False)
    return sets.with_columns(starts.alias("manoeuvre"))


def history(
    elements: pl.LazyFrame,
    *,
    rise_km: float,
    drop_km: float,
    drop_factor: float,
    max_step_days: float = 3.0,
) -> pl.LazyFrame:
    """Per object: number of element sets, first and last epoch, span in days, the median
    step between sets, and the number of manoeuvres with the epoch of the latest."""
    sets = _with_manoeuvres(
        elements,
        rise_km=rise_km,
        drop_km=drop_km,
        drop_factor=drop_factor,
        max_step_days=max_step_days,
    )
    return sets.group_by("object_id").agg(
        pl.len().cast(pl.Int64).alias("n_sets"),
        pl.col("epoch").min().alias("first_epoch"),
        pl.col("epoch").max().alias("last_epoch"),
        ((pl.col("epoch").max() - pl.col("epoch").min()).dt.total_seconds() / 86400.0).alias(
            "history_days"
        ),
        pl.col("step_days").median().alias("median_step_days"),
        pl.col("manoeuvre").sum().cast(pl.Int64).alias("manoeuvres"),
        pl.col("epoch").filter(pl.col("manoeuvre")).max().alias("last_manoeuvre"),
    )


def manoeuvre_epochs(
    elements: pl.LazyFrame,
    *,
    rise_km: float,
    drop_km: float,
    drop_factor: float,
    max_step_days: float = 3.0,
) -> pl.LazyFrame:
    """Every detected manoeuvre: object, the epochs before and after, and the change in km."""
    sets = _with_manoeuvres(
        elements,
        rise_km=rise_km,
        drop_km=drop_km,
        drop_factor=drop_factor,
        max_step_days=max_step_days,
    )
    return (
        sets.with_columns(pl.col("epoch").shift(1).over("object_id").alias("before"))
        .filter(pl.col("manoeuvre"))
        .select("object_id", "norad_id", "before", pl.col("epoch").alias("after"), "change_km")
    )
