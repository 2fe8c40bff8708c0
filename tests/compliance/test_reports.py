"""Scoring the whole demo register, and the report shapes the CLI and API return."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from compliance.engine import ScoredRegister, score_register
from compliance.frames import frames_from_demo_records
from compliance.methodology import load_methodology
from compliance.registration import attribution, in_launch_window, shares_by_state
from compliance.report import CSV_COLUMNS, UnknownSubject, object_report, state_report, state_rows
from registry.demo.register import load_demo_register

M = load_methodology()


@pytest.fixture(scope="module")
def scored() -> ScoredRegister:
    return score_register(frames_from_demo_records(load_demo_register()), M)


def test_state_report_shape(scored: ScoredRegister) -> None:
    report = json.loads(json.dumps(state_report(scored, "FRA", M)))
    assert report["state"] == "FRA" and report["methodology_version"] == M.version
    assert report["data_as_of"]["register"] == "2025-07-30T00:00:00Z"
    verified = report["verified"]
    assert [c["id"] for c in verified["criteria"]] == [f"S{i}" for i in range(1, 10)]
    assert 0.0 <= verified["score"] <= 1.0
    for card in verified["criteria"]:
        assert card["sentence"] and card["rule"]["text"] and card["guidelines"]
        assert card["evidence_grade"] in {"E0", "E1", "E2"}
        if card["assessed"]:
            assert 0.0 <= card["score"] <= 1.0 and card["points"] == pytest.approx(
                card["score"] * card["weight"], abs=1e-5
            )
        else:
            assert card["score"] is None and card["evidence_grade"] == "E0"
    s2 = next(c for c in verified["criteria"] if c["id"] == "S2")
    assert not s2["assessed"] and "registration date" in s2["sentence"]
    assert report["declared"]["score"] == 0.0 and report["declared"]["coverage"] == 0.0
    assert {f["flag"] for f in report["critical_flags"]} == {"unregistered_over_365_days"}
    assert set(report["series"]) == {"S1", "S2", "S4"}


def test_verified_score_is_normalised_over_assessed_weight(scored: ScoredRegister) -> None:
    report = state_report(scored, "FRA", M)
    cards = report["verified"]["criteria"]
    assessed = [c for c in cards if c["assessed"]]
    expected = sum(c["points"] for c in assessed) / sum(c["weight"] for c in assessed)
    assert report["verified"]["score"] == pytest.approx(expected, abs=1e-5)
    assert report["verified"]["coverage"] == pytest.approx(
        sum(c["weight"] for c in assessed) / 100, abs=1e-6
    )


def test_s1_matches_the_registration_functions(scored: ScoredRegister) -> None:
    frames = frames_from_demo_records(load_demo_register())
    start = frames.as_of.replace(year=frames.as_of.year - 10)
    window = in_launch_window(attribution(frames.objects, frames.registrations), start, None)
    table = shares_by_state(window).collect()
    usa = table.filter(pl.col("state") == "USA").row(0, named=True)
    s1 = scored.state_criteria["S1"].filter(pl.col("state") == "USA").row(0, named=True)
    assert s1["registered"] == usa["registered"]
    assert s1["n"] + s1["not_due"] == usa["n"]


def test_without_lifetimes_orbit_criteria_say_no_data(scored: ScoredRegister) -> None:
    s4 = scored.state_criteria["S4"].filter(pl.col("state") == "USA").row(0, named=True)
    assert s4["score"] is None and s4["reason"] == "no_lifetimes"


def test_object_report(scored: ScoredRegister) -> None:
    report = object_report(scored, "2023-001A", M)
    ids = [c["id"] for c in report["verified"]["criteria"]]
    assert ids[0] == "O1" and report["attributed"] is True
    o1 = report["verified"]["criteria"][0]
    assert o1["score"] == 0.0 and "critical" in o1["sentence"]
    assert report["critical_flags"] == [{"flag": "unregistered_over_365_days"}]
    with pytest.raises(UnknownSubject):
        object_report(scored, "2099-999Z", M)


def test_all_states_table(scored: ScoredRegister) -> None:
    table = state_rows(scored, M)
    assert table.columns == list(CSV_COLUMNS)
    assert table["state"].is_unique().all()
    fra = table.filter(pl.col("state") == "FRA").row(0, named=True)
    assert fra["S1_score"] == pytest.approx(fra["registration_wilson_lower"])
    scores = table["verified_score"].drop_nulls()
    assert ((scores >= 0) & (scores <= 1)).all()


def test_as_of_of_the_demo_is_gcat_date(scored: ScoredRegister) -> None:
    assert scored.as_of == datetime(2025, 7, 30, tzinfo=UTC)
