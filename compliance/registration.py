"""Registration practice (LTS A.5) over the whole register: shares, the gap, double registration.

Registered means the object carries a published UN document symbol. A registered object counts
for each State that registered it; an unregistered one for the State the catalog names
(``attributed_state``: GCAT's State in the demo, SATCAT's owner when fetched), and is labelled
"attributed". Every share comes with n and the lower bound of its 95% Wilson interval.

All functions take and return polars frames (lazy in, lazy out).

>>> from datetime import datetime, UTC
>>> import polars as pl
>>> from compliance.frames import OBJECTS_SCHEMA, REGISTRATIONS_SCHEMA, conform
>>> objects = conform(pl.DataFrame({
...     "object_id": [1, 2, 3], "designator": ["2020-001A", "2020-002A", "2021-001A"],
...     "launch_date": [datetime(2020, 1, 5, tzinfo=UTC), datetime(2020, 3, 1, tzinfo=UTC),
...                     datetime(2021, 6, 1, tzinfo=UTC)],
...     "registered": [True, False, True], "attributed_state": ["FRA", "FRA", "DEU"]}),
...     OBJECTS_SCHEMA)
>>> registrations = conform(pl.DataFrame({"object_id": [1, 3, 3],
...     "state_code": ["FRA", "DEU", "LUX"]}), REGISTRATIONS_SCHEMA)
>>> by_year = shares_by_launch_year(objects).collect()
>>> by_year.select("launch_year", "registered", "n").rows()
[(2020, 1, 2), (2021, 1, 1)]
>>> shares_by_state(attribution(objects, registrations)).collect().select(
...     "state", "registered", "attributed", "n").rows()
[('DEU', 1, 0, 1), ('FRA', 1, 1, 2), ('LUX', 1, 0, 1)]
>>> double_registrations(registrations).collect().select("object_id", "states").rows()
[(3, ['DEU', 'LUX'])]
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from compliance.wilson import Z95, wilson_lower_expr


def attribution(objects: pl.LazyFrame, registrations: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (object, State it counts for): registered objects once per registering
    State, unregistered ones for their attributed State (``attributed`` = True).

    A registered object without a registration row (a symbol but no State, one case in the
    demo) counts for its attributed State, as registered.
    """
    by_registration = registrations.select(
        "object_id", pl.col("state_code").alias("state")
    ).unique()
    base = objects.select(
        "object_id",
        "designator",
        "norad_id",
        "name",
        "launch_date",
        "registered",
        "attributed_state",
    )
    registered = base.filter(pl.col("registered")).join(by_registration, on="object_id", how="left")
    registered = registered.with_columns(
        pl.coalesce("state", "attributed_state").alias("state"), pl.lit(False).alias("attributed")
    )
    unregistered = base.filter(~pl.col("registered")).with_columns(
        pl.col("attributed_state").alias("state"), pl.lit(True).alias("attributed")
    )
    return pl.concat([registered, unregistered], how="diagonal_relaxed").drop("attributed_state")


def _share_columns(z: float) -> list[pl.Expr]:
    return [
        (pl.col("registered") / pl.col("n")).alias("share"),
        wilson_lower_expr(pl.col("registered"), pl.col("n"), z).alias("wilson_lower"),
    ]


def shares_by_launch_year(
    objects: pl.LazyFrame, *, first: int | None = None, last: int | None = None, z: float = Z95
) -> pl.LazyFrame:
    """Registered / launched objects per launch year (each object once)."""
    frame = objects.with_columns(pl.col("launch_date").dt.year().alias("launch_year"))
    if first is not None:
        frame = frame.filter(pl.col("launch_year") >= first)
    if last is not None:
        frame = frame.filter(pl.col("launch_year") <= last)
    return (
        frame.group_by("launch_year")
        .agg(pl.col("registered").sum().cast(pl.Int64), pl.len().cast(pl.Int64).alias("n"))
        .with_columns(_share_columns(z))
        .sort("launch_year")
    )


def in_launch_window(
    frame: pl.LazyFrame, start: datetime | None = None, end: datetime | None = None
) -> pl.LazyFrame:
    """Rows whose launch date lies in [start, end)."""
    if start is not None:
        frame = frame.filter(pl.col("launch_date") >= start)
    if end is not None:
        frame = frame.filter(pl.col("launch_date") < end)
    return frame


def shares_by_state(attributed: pl.LazyFrame, *, z: float = Z95) -> pl.LazyFrame:
    """Per State: registered, attributed (unregistered, counted by the catalog's State), n,
    share and Wilson lower bound. Objects no State is named for are left out."""
    return (
        attributed.filter(pl.col("state").is_not_null())
        .group_by("state")
        .agg(
            (~pl.col("attributed")).sum().cast(pl.Int64).alias("registered"),
            pl.col("attributed").sum().cast(pl.Int64).alias("attributed"),
            pl.len().cast(pl.Int64).alias("n"),
        )
        .with_columns(_share_columns(z))
        .sort("state")
    )


def shares_by_state_and_year(attributed: pl.LazyFrame, *, z: float = Z95) -> pl.LazyFrame:
    """The per-State share per launch year (the S1 series for charts)."""
    return (
        attributed.filter(pl.col("state").is_not_null())
        .with_columns(pl.col("launch_date").dt.year().alias("launch_year"))
        .group_by("state", "launch_year")
        .agg(
            (~pl.col("attributed")).sum().cast(pl.Int64).alias("registered"),
            pl.len().cast(pl.Int64).alias("n"),
        )
        .with_columns(_share_columns(z))
        .sort("state", "launch_year")
    )


def registration_gap(attributed: pl.LazyFrame, as_of: datetime) -> pl.LazyFrame:
    """Every unregistered object with the State it is attributed to, launch date and age in
    days at ``as_of``, oldest first within each State."""
    return (
        attributed.filter(pl.col("attributed"))
        .with_columns(((pl.lit(as_of) - pl.col("launch_date")).dt.total_days()).alias("age_days"))
        .select("state", "object_id", "designator", "norad_id", "name", "launch_date", "age_days")
        .sort("state", "launch_date", "designator", nulls_last=True)
    )


def double_registrations(registrations: pl.LazyFrame) -> pl.LazyFrame:
    """Objects registered by more than one State (Art. II(2) says one State of registry)."""
    return (
        registrations.group_by("object_id")
        .agg(
            pl.col("state_code").unique().sort().alias("states"),
            pl.col("document").unique().sort().alias("documents"),
        )
        .filter(pl.col("states").list.len() > 1)
        .sort("object_id")
    )
