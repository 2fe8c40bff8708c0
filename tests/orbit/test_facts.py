"""Orbit facts against textbook examples and against SGP4's own initialisation."""

from __future__ import annotations

import numpy as np
import pytest

from orbit.elements import ElementSet
from orbit.facts import (
    EARTH_RADIUS_KM,
    WGS72_RADIUS_KM,
    brouwer_mean_motion,
    catalog_facts,
    classical_elements,
    classify_regime,
    element_set_facts,
    secular_rates,
    state_facts,
)
from orbit.propagate import propagate
from orbit.read import read_elements
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def catalog_2022() -> list[ElementSet]:
    return read_elements(shared_file("catalog/full-catalog-3le-2022-01-22.txt")).elements


@pytest.fixture(scope="module")
def active_2026() -> list[ElementSet]:
    return read_elements(shared_file("catalog/celestrak-gp-active-2026-07-10.csv")).elements


def test_vallado_example_2_5() -> None:
    # Vallado, Fundamentals of Astrodynamics and Applications (4th ed.), Example 2-5:
    # p = 11067.790 km, a = 36127.343 km, e = 0.832853, i = 87.870, RAAN = 227.898,
    # argp = 53.38, nu = 92.335 deg (mu = 398600.4418).
    el = classical_elements([6524.834, 6862.875, 6448.296], [4.901327, 5.533756, -1.976341])
    assert float(el.semilatus_rectum_km) == pytest.approx(11067.790, abs=0.01)  # km
    assert float(el.semi_major_axis_km) == pytest.approx(36127.343, abs=0.01)  # km
    assert float(el.eccentricity) == pytest.approx(0.832853, abs=1e-6)
    assert float(el.inclination_deg) == pytest.approx(87.870, abs=0.005)
    assert float(el.raan_deg) == pytest.approx(227.898, abs=0.005)
    assert float(el.arg_perigee_deg) == pytest.approx(53.38, abs=0.01)
    assert float(el.true_anomaly_deg) == pytest.approx(92.335, abs=0.005)


def test_curtis_example_4_3() -> None:
    # Curtis, Orbital Mechanics for Engineering Students, Example 4.3 (mu = 398600):
    # h = 58,310 km^2/s, i = 153.2, RAAN = 255.3, e = 0.1712, argp = 20.07, theta = 28.45 deg,
    # rp = 7284 km, ra = 10,290 km, a = 8788 km, T = 2.278 h.
    r, v = np.array([-6045.0, -3490.0, 2500.0]), np.array([-3.457, 6.618, 2.533])
    el = classical_elements(r, v, mu=398600.0)
    a, e = float(el.semi_major_axis_km), float(el.eccentricity)
    assert np.linalg.norm(np.cross(r, v)) == pytest.approx(58310, abs=5)
    assert float(el.inclination_deg) == pytest.approx(153.2, abs=0.05)
    assert float(el.raan_deg) == pytest.approx(255.3, abs=0.05)
    assert e == pytest.approx(0.1712, abs=5e-5)
    assert float(el.arg_perigee_deg) == pytest.approx(20.07, abs=0.005)
    assert float(el.true_anomaly_deg) == pytest.approx(28.45, abs=0.005)
    assert a * (1 - e) == pytest.approx(7284, abs=1)  # km
    assert a * (1 + e) == pytest.approx(10290, abs=5)  # km (Curtis rounds to 4 figures)
    assert a == pytest.approx(8788, abs=1)
    assert 2 * np.pi * np.sqrt(a**3 / 398600.0) / 3600 == pytest.approx(2.278, abs=0.001)


def test_singular_orbits_leave_undefined_angles_nan() -> None:
    circular = np.sqrt(398600.4418 / 7000.0)
    el = classical_elements([[7000.0, 0, 0], [7000.0, 0, 0]], [[0, circular, 0], [0, 7.0, 1.0]])
    assert np.isnan(el.raan_deg[0]) and np.isnan(el.arg_perigee_deg[0])  # circular equatorial
    assert np.isnan(el.true_anomaly_deg[0])
    assert np.isfinite(el.raan_deg[1])


def test_mean_elements_match_sgp4_initialisation(catalog_2022: list[ElementSet]) -> None:
    """Brouwer mean motion, semi-major axis and secular rates agree with every Satrec."""
    sats = [es.to_satrec() for es in catalog_2022]
    n = np.array([es.mean_motion for es in catalog_2022]) * 2 * np.pi / 1440
    e = np.array([es.eccentricity for es in catalog_2022])
    inc = np.array([es.inclination_deg for es in catalog_2022])
    n_brouwer, a_er = brouwer_mean_motion(n, e, inc)
    rates = secular_rates(n_brouwer, a_er, e, inc)
    np.testing.assert_allclose(a_er, [s.a for s in sats], rtol=1e-12)
    np.testing.assert_allclose(rates.mean_anomaly, [s.mdot for s in sats], rtol=1e-12)
    np.testing.assert_allclose(rates.arg_perigee, [s.argpdot for s in sats], rtol=1e-10)
    np.testing.assert_allclose(rates.raan, [s.nodedot for s in sats], rtol=1e-10)
    facts = catalog_facts(catalog_2022)
    # Satrec's altitudes are in WGS-72 Earth radii above 6378.135 km; ours above 6378.137.
    offset = WGS72_RADIUS_KM - EARTH_RADIUS_KM
    altp = np.array([s.altp for s in sats]) * WGS72_RADIUS_KM + offset
    alta = np.array([s.alta for s in sats]) * WGS72_RADIUS_KM + offset
    np.testing.assert_allclose(facts.perigee_km, altp, rtol=0, atol=1e-6)  # km
    np.testing.assert_allclose(facts.apogee_km, alta, rtol=0, atol=1e-6)


def test_published_orbits(active_2026: list[ElementSet], catalog_2022: list[ElementSet]) -> None:
    by_name = {es.name: es for es in active_2026}
    gps = element_set_facts(by_name["NAVSTAR 43 (USA 132)"])
    # GPS: semi-synchronous, a = 26,560 km, period 717.97 min (half a sidereal day), i ~55 deg.
    assert gps.regime == "MEO"
    assert gps.semi_major_axis_km == pytest.approx(26560, abs=10)
    assert gps.period_min == pytest.approx(717.97, abs=0.5)
    goes = element_set_facts(by_name["GOES 19"])
    assert goes.regime == "GEO"
    assert goes.semi_major_axis_km == pytest.approx(42164, abs=5)  # geostationary radius
    assert goes.period_min == pytest.approx(1436.07, abs=0.5)  # one sidereal day
    iss = element_set_facts(next(es for es in catalog_2022 if es.norad_id == 25544))
    assert iss.regime == "LEO" and 400 < iss.perigee_km < iss.apogee_km < 430
    # Below 63.4 deg the perigee advances, so node to node is shorter than perigee to perigee.
    assert 0 < iss.period_min - iss.nodal_period_min < 0.2


def test_regimes_over_the_active_catalog(active_2026: list[ElementSet]) -> None:
    facts = catalog_facts(active_2026)
    regimes = dict(zip(*np.unique(facts.regime, return_counts=True), strict=True))
    assert set(regimes) <= {"LEO", "MEO", "GEO", "GTO", "HEO"}
    assert regimes["LEO"] > 0.9 * len(active_2026)  # mostly Starlink and other LEO payloads
    assert 400 < regimes["GEO"] < 700


def test_molniya_orbits_are_heo_not_gto(catalog_2022: list[ElementSet]) -> None:
    molniya = [es for es in catalog_2022 if (es.name or "").startswith("MOLNIYA")]
    facts = catalog_facts(molniya)
    # Molniya: 12 h period, inclination near 63.4 deg, apogee near 40,000 km.
    working = (np.abs(facts.inclination_deg - 63.4) < 3) & (np.abs(facts.period_min - 718) < 15)
    assert working.sum() >= 5
    assert set(facts.regime[working].tolist()) == {"HEO"}


def test_osculating_facts_follow_the_mean_facts(catalog_2022: list[ElementSet]) -> None:
    """Osculating altitudes from SGP4 states stay within short-period J2 terms of the mean."""
    by_id = {es.norad_id: es for es in catalog_2022}
    objects = [by_id[25544], by_id[20580]]  # ISS, HST
    times = np.datetime64("2022-01-22T00:00") + np.arange(96) * np.timedelta64(1, "m")
    eph = propagate(objects, times)
    for k, es in enumerate(objects):
        mean = element_set_facts(es)
        osc = state_facts(eph.r[k], eph.v[k])
        assert np.all(np.abs(osc.semi_major_axis_km - mean.semi_major_axis_km) < 15)  # km
        assert np.all(np.abs(osc.inclination_deg - mean.inclination_deg) < 0.05)
        assert set(osc.regime.tolist()) == {"LEO"}


def test_regime_edges_and_bad_input() -> None:
    facts = state_facts(
        [[7000.0, 0, 0], [7000.0, 0, 0], [np.nan, 0, 0]],
        [[0, 12.0, 0], [0, 8.0, 0], [0, 7.5, 0]],
    )
    assert facts.regime.tolist() == ["ESCAPE", "MEO", "UNKNOWN"]
    assert np.isnan(facts.apogee_km[0])
    regimes = classify_regime(
        [300, 300, 20000, 500], [35700, 35700, 20100, 39500], [630, 630, 720, 710],
        [0.72, 0.72, 0.002, 0.74], [27.0, 63.4, 55.0, 63.4],
    )  # fmt: skip
    assert regimes.tolist() == ["GTO", "HEO", "MEO", "HEO"]
    with pytest.raises(ValueError, match=r"shape \[\.\.\., 3\]"):
        classical_elements([1.0, 2.0], [3.0, 4.0])
