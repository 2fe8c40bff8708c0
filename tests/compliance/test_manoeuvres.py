"""Manoeuvre detection on the real ISS element-set history, against NASA-documented burns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from compliance.methodology import load_methodology
from compliance.observed import history, manoeuvre_epochs
from tests.conftest import shared_file

# ISS debris-avoidance manoeuvres NASA announced (ISS blog / press), UTC dates. 2021-12-03 was a
# retrograde burn (the semi-major axis fell by ~0.5 km).
DOCUMENTED = [
    datetime(2020, 9, 22, tzinfo=UTC),
    datetime(2021, 12, 3, tzinfo=UTC),
    datetime(2022, 10, 24, tzinfo=UTC),
    datetime(2024, 11, 19, tzinfo=UTC),
    datetime(2024, 11, 25, tzinfo=UTC),
]


@pytest.fixture(scope="module")
def iss() -> pl.LazyFrame:
    path = shared_file("history/iss-25544-tle-history-2020-2024.csv")
    return (
        pl.scan_csv(path)
        .select(
            pl.lit(1, dtype=pl.Int64).alias("object_id"),
            pl.col("NORAD_CAT_ID").cast(pl.Int64).alias("norad_id"),
            pl.col("EPOCH")
            .str.to_datetime("%Y-%m-%d %H:%M:%S%.f%:z", time_zone="UTC")
            .alias("epoch"),
            pl.col("MEAN_MOTION").alias("mean_motion"),
            pl.col("ECCENTRICITY").alias("eccentricity"),
            pl.col("INCLINATION").alias("inclination_deg"),
            pl.lit("space-track history").alias("source"),
        )
        .collect()
        .lazy()
    )


def _params() -> dict[str, float]:
    m = load_methodology()
    return {k: m.number("o10", k) for k in ("rise_km", "drop_km", "drop_factor", "max_step_days")}


def test_documented_debris_avoidance_burns_are_found(iss: pl.LazyFrame) -> None:
    found = manoeuvre_epochs(iss, **_params()).collect()
    for day in DOCUMENTED:
        near = found.filter(
            (pl.col("after") >= day - timedelta(days=0.5))
            & (pl.col("before") <= day + timedelta(days=1.5))
        )
        assert near.height >= 1, f"no manoeuvre found around {day:%Y-%m-%d}"


def test_reboost_cadence_is_plausible(iss: pl.LazyFrame) -> None:
    # The ISS is reboosted roughly monthly; with debris-avoidance burns, 5-30 a year.
    found = manoeuvre_epochs(iss, **_params()).collect()
    per_year = found.group_by(pl.col("after").dt.year()).len()["len"]
    assert per_year.min() >= 5 and per_year.max() <= 30  # type: ignore[operator]


def test_history_summary(iss: pl.LazyFrame) -> None:
    h = history(iss, **_params()).collect().row(0, named=True)
    assert h["n_sets"] == 9571
    assert h["history_days"] > 1800 and h["median_step_days"] < 1
    assert h["manoeuvres"] > 40


def test_sparse_sets_show_no_manoeuvre() -> None:
    # A 3 km rise over two years is drift of the fitted elements, not a burn.
    sparse = pl.LazyFrame(
        {
            "object_id": [5, 5],
            "norad_id": [7024, 7024],
            "epoch": [datetime(2019, 3, 19, tzinfo=UTC), datetime(2021, 5, 29, tzinfo=UTC)],
            "mean_motion": [12.72, 12.705],
            "eccentricity": [0.0065, 0.0078],
            "inclination_deg": [99.0, 99.0],
            "source": ["x", "x"],
        }
    )
    assert manoeuvre_epochs(sparse, **_params()).collect().height == 0
