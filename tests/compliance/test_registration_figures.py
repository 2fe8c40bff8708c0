"""A.5 on real data: the shipped GCAT demo register gives the published figures exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from compliance.frames import RegisterFrames, frames_from_demo_records
from compliance.registration import (
    attribution,
    double_registrations,
    in_launch_window,
    registration_gap,
    shares_by_launch_year,
    shares_by_state,
)
from registry.demo.register import load_demo_register

BY_YEAR = {
    2019: (444, 478),
    2020: (1233, 1249),
    2021: (1725, 1815),
    2022: (2273, 2444),
    2023: (2506, 2902),
    2024: (566, 2826),
}
PERCENT_BY_YEAR = {2019: 92.9, 2020: 98.7, 2021: 95.0, 2022: 93.0, 2023: 86.4, 2024: 20.0}
BY_STATE_2020_2023 = {
    "USA": (6273, 6321, 99.2),
    "GBR": (651, 659, 98.8),
    "RUS": (157, 162, 96.9),
    "IND": (23, 27, 85.2),
    "JPN": (44, 55, 80.0),
    "FRA": (23, 34, 67.6),
    "DEU": (13, 29, 44.8),
    "CHN": (262, 589, 44.5),
}


@pytest.fixture(scope="module")
def demo() -> RegisterFrames:
    return frames_from_demo_records(load_demo_register())


def test_registered_share_by_launch_year(demo: RegisterFrames) -> None:
    table = shares_by_launch_year(demo.objects, first=2019, last=2024).collect()
    got = {r["launch_year"]: (r["registered"], r["n"]) for r in table.iter_rows(named=True)}
    assert got == BY_YEAR
    for row in table.iter_rows(named=True):
        assert round(100 * row["share"], 1) == PERCENT_BY_YEAR[row["launch_year"]]
        assert row["wilson_lower"] < row["share"]


def test_registered_share_by_state_2020_2023(demo: RegisterFrames) -> None:
    window = in_launch_window(
        attribution(demo.objects, demo.registrations),
        datetime(2020, 1, 1, tzinfo=UTC),
        datetime(2024, 1, 1, tzinfo=UTC),
    )
    table = shares_by_state(window).collect()
    for state, (registered, n, percent) in BY_STATE_2020_2023.items():
        row = table.filter(pl.col("state") == state).row(0, named=True)
        assert (row["registered"], row["n"]) == (registered, n), state
        assert row["attributed"] == n - registered
        assert round(100 * row["share"], 1) == percent


def test_whole_file_counts(demo: RegisterFrames) -> None:
    objects = demo.objects.collect()
    assert objects.height == 23_191
    assert objects["registered"].sum() == 16_672
    # Centaur AV-104 (2023-154C) carries a symbol but names no State: no registration row.
    assert demo.registrations.collect().height == 16_671
    attributed = attribution(demo.objects, demo.registrations).collect()
    centaur = attributed.filter(pl.col("designator") == "2023-154C").row(0, named=True)
    assert centaur["state"] is None and centaur["attributed"] is False


def test_registration_gap_lists_unregistered_payloads_with_age(demo: RegisterFrames) -> None:
    gap = registration_gap(attribution(demo.objects, demo.registrations), demo.as_of).collect()
    assert gap.height == 23_191 - 16_672
    fra = gap.filter(pl.col("state") == "FRA")
    assert fra["launch_date"].is_sorted()
    first = fra.row(0, named=True)
    expected_age = (demo.as_of - first["launch_date"]).total_seconds() / 86400
    assert first["age_days"] == pytest.approx(expected_age)


def test_no_double_registration_in_demo_but_found_when_present(demo: RegisterFrames) -> None:
    assert double_registrations(demo.registrations).collect().height == 0
    # LEMUR-2 FM99-102 style: one object, two States of registry.
    two = pl.LazyFrame(
        {"object_id": [1, 1, 2], "state_code": ["LUX", "USA", "USA"], "document": ["a", "b", "c"]}
    )
    found = double_registrations(two).collect()
    assert found.rows() == [(1, ["LUX", "USA"], ["a", "b"])]
