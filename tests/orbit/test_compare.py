"""Declared against observed orbits, the Kepler check and GEO longitudes, on real cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from orbit.compare import (
    DeclaredOrbit,
    ObservedOrbit,
    choose_element_set,
    compare_orbit,
    kepler_period_min,
    period_consistency,
)
from orbit.elements import ElementSet
from orbit.frames import (
    element_set_longitude_deg,
    mean_motion_drift_deg_day,
    propagated_drift_deg_day,
)
from orbit.read import read_elements
from tests.conftest import shared_file

SNAPSHOTS = [
    "catalog/full-catalog-3le-2019-03-19.txt",
    "catalog/full-catalog-3le-2021-05-29.txt",
    "catalog/full-catalog-3le-2022-01-22.txt",
]
AEOLUS, HST = 43600, 20580


@pytest.fixture(scope="module")
def history() -> dict[int, list[ElementSet]]:
    """ADM-Aeolus and HST element sets from the three full-catalog snapshots."""
    found: dict[int, list[ElementSet]] = {AEOLUS: [], HST: []}
    for name in SNAPSHOTS:
        for es in read_elements(shared_file(name)).elements:
            if es.norad_id in found:
                found[es.norad_id].append(es)
    return found


@pytest.fixture(scope="module")
def active_2026() -> dict[str, ElementSet]:
    path = shared_file("catalog/celestrak-gp-active-2026-07-10.csv")
    return {es.name or "": es for es in read_elements(path).elements}


def test_kepler_period_of_reference_orbits() -> None:
    # Geostationary: 35,786 km above the equator is one sidereal day, 1436.07 min.
    assert kepler_period_min(35786, 35786) == pytest.approx(1436.07, abs=0.05)
    # ADM-Aeolus as registered (ST/SG/SER.E/871): 309 x 314 km implies ~90.7 min.
    assert kepler_period_min(314, 309) == pytest.approx(90.75, abs=0.01)
    assert period_consistency(80.7, 314, 309) == pytest.approx(-0.1108, abs=5e-4)
    assert period_consistency(None, 314, 309) is None
    with pytest.raises(ValueError, match=r"period_min: 0\.0 is outside"):
        period_consistency(0.0, 35796, 0)
    with pytest.raises(ValueError, match="apogee_km, perigee_km"):
        kepler_period_min(-7000, -7000)


def test_kepler_check_over_gcat_reproduces_the_published_count() -> None:
    """GCAT: 98 of the 14,816 registrations with period, perigee and apogee have a period
    more than 5 % off Kepler or apogee < perigee (registration brief, from GCAT 2025-07-30)."""
    path = shared_file("registry/gcat-psatcat-2025-07-30.tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [h.strip() for h in lines[0].lstrip("#").split("\t")]
    col = {name: header.index(name) for name in ("UNPeriod", "UNPerigee", "UNApogee")}

    def number(text: str) -> float | None:
        try:
            return float(text.strip())
        except ValueError:
            return None

    complete = flagged = 0
    for line in lines[1:]:
        if line.startswith("#"):
            continue
        row = line.split("\t")
        period, perigee, apogee = (number(row[col[c]]) for c in col)
        if period is None or perigee is None or apogee is None:
            continue
        complete += 1
        try:
            relative = period_consistency(period, apogee, perigee)
        except ValueError:  # a period of 0: impossible, so flagged
            flagged += 1
            continue
        assert relative is not None
        flagged += abs(relative) > 0.05 or apogee < perigee
    assert (complete, flagged) == (14816, 98)


def test_adm_aeolus_declared_period_is_inconsistent(history: dict[int, list[ElementSet]]) -> None:
    observed = choose_element_set(history[AEOLUS], launch_date=date(2018, 8, 22))
    assert observed is not None and observed.epoch.year == 2019
    declared = DeclaredOrbit(period_min=80.7, inclination_deg=96.7, apogee_km=314, perigee_km=309)
    result = compare_orbit(declared, observed)
    assert result.verdict == "inconsistent"
    assert result.field("period").verdict == "inconsistent"
    assert result.field("inclination").verdict == "consistent"
    assert result.field("apogee").verdict == "consistent"
    assert result.field("perigee").verdict == "consistent"
    assert result.kepler_period_min == pytest.approx(90.75, abs=0.01)
    assert result.observed.period_min == pytest.approx(90.8, abs=0.1)  # nodal, 96.7 deg SSO
    assert result.sentence.startswith(
        "Inconsistent with the observed orbit (element set of 2019-03-18): declared 80.7 min, "
        "but 309 x 314 km implies 90.8 min; observed 90.8 min"
    )


def test_hst_registered_1990_orbit_against_later_observations(
    history: dict[int, list[ElementSet]],
) -> None:
    # Registered 610 x 624 km, 96.8 min, 28.4 deg (ST/SG/SER.E/250); the orbit has decayed.
    observed = choose_element_set(history[HST], declared_epoch=date(1990, 4, 24))
    assert observed is not None and observed.epoch.year == 2019  # the nearest available
    declared = DeclaredOrbit(96.8, 28.4, 624, 610, epoch=date(1990, 4, 24))
    result = compare_orbit(declared, observed)
    assert result.field("apogee").verdict == "inconsistent"
    assert result.field("perigee").verdict == "inconsistent"
    assert result.field("inclination").verdict == "consistent"
    assert result.field("period").verdict == "consistent"  # 96.8 vs 95.2 min: 1.7 %
    assert result.verdict == "inconsistent"
    drop = result.field("perigee").difference  # declared - observed, km
    assert drop is not None and 60 < drop < 85
    assert result.sentence.startswith("Inconsistent with the observed orbit")
    assert "altitudes declared 610 x 624 km, observed 541 x 545 km" in result.sentence
    # GCAT's 2009 figures (562 x 566 km) sit between: perigee 48 km off is within twice
    # the 28.1 km limit (close), apogee 58 km off is beyond twice 28.3 km.
    later = compare_orbit(declared, ObservedOrbit(96.0, 28.47, 566, 562))
    assert later.field("perigee").verdict == "close"
    assert later.field("apogee").verdict == "inconsistent"


@pytest.mark.parametrize(
    ("name", "published_east_deg"),
    [
        ("GOES 19", -75.2),  # NOAA NESDIS: GOES East at 75.2 deg W since April 2025
        ("HIMAWARI-9", 140.7),  # JMA: Himawari-9 operational at 140.7 deg E
        ("ASTRA 1P (SES-24)", 19.2),  # SES: ASTRA 19.2 deg E orbital position
    ],
)
def test_geostationary_longitude_matches_published_slot(
    active_2026: dict[str, ElementSet], name: str, published_east_deg: float
) -> None:
    es = active_2026[name]
    # ITU station-keeping box (Radio Regulations No. 22.6): +/- 0.1 deg.
    assert element_set_longitude_deg(es) == pytest.approx(published_east_deg, abs=0.1)
    result = compare_orbit(DeclaredOrbit(gso_longitude_deg=published_east_deg), es)
    assert result.field("gso_longitude").verdict == "consistent"
    assert result.verdict == "consistent"
    assert abs(result.observed.drift_deg_day or 0.0) < 0.05  # station-kept


def test_declared_longitude_in_another_slot_is_inconsistent(
    active_2026: dict[str, ElementSet],
) -> None:
    result = compare_orbit(DeclaredOrbit(gso_longitude_deg=-137.2), active_2026["GOES 19"])
    assert result.field("gso_longitude").verdict == "inconsistent"
    assert result.field("gso_longitude").difference == pytest.approx(-62.0, abs=0.1)
    assert "longitude declared 137.20 deg W, observed 75.19 deg W" in result.sentence
    # 284.8 deg E is 75.2 deg W: the difference wraps.
    wrapped = compare_orbit(DeclaredOrbit(gso_longitude_deg=360.0 - 75.2), active_2026["GOES 19"])
    assert wrapped.field("gso_longitude").verdict == "consistent"


def test_drift_rates_agree_between_methods(active_2026: dict[str, ElementSet]) -> None:
    for name in ("GOES 19", "HIMAWARI-9", "ASTRA 1P (SES-24)", "INTELSAT 35E (IS-35E)"):
        es = active_2026[name]
        # Secular rates leave out lunisolar terms (a few 0.001 deg/day in GEO).
        assert mean_motion_drift_deg_day(es) == pytest.approx(
            propagated_drift_deg_day(es), abs=0.01
        )


def test_missing_fields_are_not_comparable(active_2026: dict[str, ElementSet]) -> None:
    es = active_2026["GOES 19"]
    nothing = compare_orbit(DeclaredOrbit(), es)
    assert nothing.verdict == "not comparable"
    assert nothing.sentence.startswith("Not comparable")
    partial = compare_orbit(DeclaredOrbit(inclination_deg=0.1), es)
    assert partial.verdict == "consistent"
    assert partial.field("period").verdict == "not comparable"
    assert partial.field("gso_longitude").verdict == "not comparable"
    assert partial.kepler_period_min is None


def test_close_band_is_twice_the_limit() -> None:
    observed = ObservedOrbit(period_min=100.5, inclination_deg=50.0, apogee_km=800, perigee_km=780)
    result = compare_orbit(DeclaredOrbit(102.8, 50.9, 830, 780), observed)
    assert result.field("period").verdict == "close"  # 2.3 % of 100.5 min
    assert result.field("inclination").verdict == "close"  # 0.9 deg
    assert result.field("apogee").verdict == "consistent"  # 30 km <= 5 % of 800 km = 40 km
    assert result.verdict == "close"
    assert result.sentence.startswith(
        "Close with the observed orbit: period declared 102.8 min, observed 100.5 min"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"inclination_deg": 200.0}, r"inclination_deg: 200\.0 is outside"),
        ({"period_min": -5.0}, r"period_min: -5\.0 is outside"),
        ({"apogee_km": float("nan")}, "apogee_km: nan is outside"),
        ({"perigee_km": -7000.0}, r"perigee_km: -7000\.0 is outside"),
    ],
)
def test_impossible_declared_values_name_the_field(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DeclaredOrbit(**kwargs)  # type: ignore[arg-type]


def test_choosing_the_element_set() -> None:
    def at(day: int) -> ElementSet:
        epoch = datetime(2020, 1, day, tzinfo=UTC)
        return ElementSet(1, None, None, epoch, 15.0, 0.001, 50.0, 0.0, 0.0, 0.0, 0.0)

    sets = [at(20), at(2), at(10)]
    assert choose_element_set(sets, declared_epoch=date(2020, 1, 12)) is sets[2]
    assert choose_element_set(sets, launch_date=date(2020, 1, 5)) is sets[2]
    assert choose_element_set(sets, launch_date=datetime(2020, 1, 2, tzinfo=UTC)) is sets[1]
    assert choose_element_set(sets, launch_date=date(2020, 2, 1)) is None
    assert choose_element_set(sets) is sets[1]
    assert choose_element_set([], launch_date=date(2020, 1, 1)) is None
    naive = datetime(2020, 1, 19, 23) + timedelta(hours=2)
    assert choose_element_set(sets, declared_epoch=naive) is sets[0]
