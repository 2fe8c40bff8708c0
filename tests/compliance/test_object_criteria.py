"""Object criteria on small, hand-checked cases (each rule's boundaries)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from compliance import object_criteria as oc
from compliance.methodology import load_methodology
from tests.compliance.helpers import element, evidence, frames, obj, utc

M = load_methodology()


def by_id(frame: pl.LazyFrame) -> dict[int, dict]:
    return {r["object_id"]: r for r in frame.collect().iter_rows(named=True)}


def test_o1_flags_unregistered_after_a_year() -> None:
    f = frames(
        [
            obj(1, registered=True),
            obj(2, launch_date=utc(2025, 9, 1)),
            obj(3, launch_date=utc(2025, 6, 1)),
        ],
        [{"object_id": 1, "state_code": "FRA", "document": "ST/SG/SER.E/1"}],
    )
    r = by_id(oc.o1_registered(evidence(f), M))
    assert (r[1]["score"], r[1]["reason"]) == (1.0, "registered")
    assert (r[2]["score"], r[2]["reason"]) == (0.0, "unregistered")  # 312 days
    assert (r[3]["score"], r[3]["reason"]) == (0.0, "unregistered_late")  # 404 days


@pytest.mark.parametrize(
    ("days", "score"), [(60, 1.0), (90, 1.0), (410, 0.5), (730, 0.0), (900, 0.0)]
)
def test_o2_linear_between_90_and_730_days(days: int, score: float) -> None:
    from datetime import timedelta

    launch = utc(2020, 1, 1)
    f = frames(
        [obj(1, registered=True, launch_date=launch)],
        [{"object_id": 1, "state_code": "FRA", "registered_at": launch + timedelta(days=days)}],
    )
    assert by_id(oc.o2_timeliness(evidence(f), M))[1]["score"] == pytest.approx(score)


def test_o2_not_assessable_without_date_and_not_applicable_unregistered() -> None:
    f = frames([obj(1, registered=True), obj(2)], [{"object_id": 1, "state_code": "FRA"}])
    r = by_id(oc.o2_timeliness(evidence(f), M))
    assert r[1]["applicable"] and r[1]["score"] is None and r[1]["reason"] == "no_registration_date"
    assert not r[2]["applicable"]


def test_o3_leaves_not_in_source_fields_out() -> None:
    gcat_like = [
        "launching_states",
        "launch_site",
        "owner_operator",
        "web_link",
        "orbit_epoch",
        "gso_longitude_deg",
    ]
    f = frames(
        [
            obj(1, registered=True, origin="gcat-demo", not_in_source=gcat_like),
            obj(2, registered=True),
        ],
        [
            {
                "object_id": 1,
                "state_code": "FRA",
                "nodal_period_min": 95.0,
                "inclination_deg": 97.0,
                "apogee_km": 520.0,
            },
            {
                "object_id": 2,
                "state_code": "FRA",
                "nodal_period_min": 95.0,
                "inclination_deg": 97.0,
                "apogee_km": 520.0,
                "perigee_km": 505.0,
                "function": "Earth observation",
                "launching_states_n": 1,
            },
        ],
    )
    r = by_id(oc.o3_completeness(evidence(f), M))
    # Demo record: designator, launch date, period, inclination, apogee present; perigee missing;
    # function is GCAT's, not the State's: 5 of 6 carried.
    assert (r[1]["art_iv_present"], r[1]["art_iv_carried"], r[1]["reason"]) == (5, 6, "art_iv_only")
    assert r[1]["score"] == pytest.approx(5 / 6)
    # Full record without launch site: 8/9 Art. IV; 0 of 4 res. 62/101 items (GSO longitude N/A).
    assert (r[2]["art_iv_present"], r[2]["art_iv_carried"], r[2]["res_carried"]) == (8, 9, 4)
    assert r[2]["score"] == pytest.approx(0.75 * 8 / 9)


def test_o4_compares_declared_with_observed_near_launch() -> None:
    # Observed 15.2 rev/day near-circular at 97.5 deg: ~ 495 x 510 km, nodal period ~94.6 min.
    els = [element(i, utc(2024, 3, 1), 15.2, e=0.001) for i in (1, 2, 3, 4)]
    regs = [
        {
            "object_id": 1,
            "state_code": "FRA",
            "inclination_deg": 97.4,
            "perigee_km": 490.0,
            "apogee_km": 520.0,
            "nodal_period_min": 94.6,
        },
        {
            "object_id": 2,
            "state_code": "FRA",
            "inclination_deg": 97.4,
            "perigee_km": 540.0,
            "apogee_km": 520.0,
        },
        {
            "object_id": 3,
            "state_code": "FRA",
            "inclination_deg": 97.4,
            "perigee_km": 700.0,
            "apogee_km": 720.0,
        },
        {"object_id": 4, "state_code": "FRA", "inclination_deg": 97.4},
    ]
    objects = [obj(i, registered=True) for i in (1, 2, 3, 4)]
    r = by_id(oc.o4_declared_orbit(evidence(frames(objects, regs, els)), M))
    assert (r[1]["score"], r[1]["reason"]) == (1.0, "consistent")
    assert (r[2]["score"], r[2]["reason"]) == (
        0.5,
        "close",
    )  # perigee off by ~45 km: within 2x 25 km
    assert (r[3]["score"], r[3]["reason"]) == (0.0, "inconsistent")
    assert r[4]["score"] == 1.0  # inclination alone is comparable


def test_o4_skips_element_sets_long_after_launch() -> None:
    f = frames(
        [obj(1, registered=True, launch_date=utc(1990, 4, 24))],
        [{"object_id": 1, "state_code": "USA", "perigee_km": 610.0, "apogee_km": 624.0}],
        [element(1, utc(2026, 7, 1), 15.3, inc=28.5)],
    )
    r = by_id(oc.o4_declared_orbit(evidence(f), M))[1]
    assert r["score"] is None and r["reason"] == "observed_too_late"


def test_o6_lifetime_classes_and_range() -> None:
    els = [element(i, utc(2026, 7, 1), 15.5) for i in (1, 2, 3, 4)]
    lts = [
        {
            "object_id": 1,
            "norad_id": 60001,
            "epoch": utc(2026, 7, 1),
            "status": "estimated",
            "p25": 2.0,
            "p50": 3.0,
            "p75": 4.0,
            "p95": 6.0,
        },
        {
            "object_id": 2,
            "norad_id": 60002,
            "epoch": utc(2026, 7, 1),
            "status": "estimated",
            "p25": 3.0,
            "p50": 6.0,
            "p75": 30.0,
            "p95": 60.0,
        },
        {
            "object_id": 3,
            "norad_id": 60003,
            "epoch": utc(2026, 7, 1),
            "status": "beyond",
            "p25": 80.0,
            "p50": math.inf,
            "p75": math.inf,
            "p95": math.inf,
        },
        {"object_id": 4, "norad_id": 60004, "epoch": utc(2026, 7, 1), "status": "no_prediction"},
    ]
    f = frames([obj(i) for i in (1, 2, 3, 4)], elements=els, lifetimes=lts)
    r = by_id(oc.o6_leo_disposal(evidence(f), M))
    assert (r[1]["score"], r[1]["low"], r[1]["high"]) == (1.0, 1.0, 1.0)
    assert (r[2]["score"], r[2]["low"], r[2]["high"]) == (
        0.6,
        0.0,
        1.0,
    )  # class changes inside p25-p75
    assert r[3]["score"] == 0.0
    assert r[4]["score"] is None and r[4]["reason"] == "no_lifetime" and r[4]["applicable"]
    assert all(r[i]["provisional"] for i in (1, 2, 3))  # active-group element sets: operating


def test_o6g_iadc_formula_uses_assumed_defaults() -> None:
    # Required: 235 + 1000 * 1.5 * 0.02 = 265 km above GEO (the brief's example).
    geo_n = 1.0027  # rev/day near GEO

    def n_for(alt_km: float) -> float:
        a = 6378.137 + alt_km
        return 86400 / (2 * math.pi * math.sqrt(a**3 / 398600.4418))

    els = [
        element(1, utc(2026, 7, 1), n_for(35786 + 300), e=0.0001, inc=2.0, source="old-file"),
        element(2, utc(2026, 7, 1), n_for(35786 + 240), e=0.0001, inc=2.0, source="old-file"),
        element(3, utc(2026, 7, 1), geo_n, e=0.0001, inc=0.05, source="old-file"),
        element(4, utc(2026, 7, 1), geo_n, e=0.0001, inc=0.05),
    ]
    f = frames([obj(i) for i in (1, 2, 3, 4)], elements=els)
    r = by_id(oc.o6g_geo_disposal(evidence(f), M))
    assert r[1]["required_above_geo_km"] == pytest.approx(265.0)
    assert (r[1]["score"], r[1]["reason"]) == (1.0, "meets")
    assert (r[2]["score"], r[2]["reason"]) == (0.4, "above_short")
    assert r[3]["reason"] == "left_in_region" and r[3]["score"] == 0.0
    assert not r[4]["applicable"]  # operating (active group): disposal not due


def test_o8_needs_a_store_running_at_launch() -> None:
    els = [element(1, utc(2024, 1, 20), 15.5), element(9, utc(2023, 1, 1), 15.5)]
    f = frames(
        [
            obj(1, launch_date=utc(2024, 1, 1)),
            obj(2, launch_date=utc(2024, 1, 1)),
            obj(3, launch_date=utc(2022, 1, 1)),
            obj(9, launch_date=utc(2022, 12, 1)),
        ],
        elements=els,
    )
    r = by_id(oc.o8_trackability(evidence(f), M))
    assert (r[1]["score"], r[1]["reason"]) == (1.0, "catalogued")  # 19 days
    assert (r[2]["score"], r[2]["reason"]) == (0.0, "never_catalogued")
    assert r[3]["score"] is None and r[3]["reason"] == "store_after_launch"


def test_o10_manoeuvre_seen_none_seen_and_short_history() -> None:
    from datetime import timedelta

    start = utc(2026, 1, 1)
    steady = [element(1, start + timedelta(days=d), 15.50 + 0.0001 * d) for d in range(0, 120)]
    raised = [
        element(2, start + timedelta(days=d), 15.50 - (0.01 if d >= 50 else 0.0))
        for d in range(0, 120)
    ]
    short = [element(3, start + timedelta(days=d), 15.5) for d in range(0, 10)]
    f = frames([obj(1), obj(2), obj(3)], elements=steady + raised + short)
    r = by_id(oc.o10_collision_avoidance(evidence(f), M))
    assert (r[1]["score"], r[1]["reason"]) == (0.0, "none_seen")
    assert (r[2]["score"], r[2]["reason"], r[2]["manoeuvres"]) == (1.0, "manoeuvres_seen", 1)
    assert r[3]["score"] is None and r[3]["reason"] == "short_history"


def test_o9_without_event_source_is_no_data() -> None:
    f = frames([obj(1)])
    r = by_id(oc.o9_integrity(evidence(f), M, events_available=False))[1]
    assert r["applicable"] and r["score"] is None and r["grade"] == "E0"
