"""Orbit-averaged decay, re-entry prediction and lifetime, checked against real re-entries."""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

from orbit.decay import (
    EARTH_RADIUS_KM,
    EARTH_ROTATION_RAD_S,
    MU_KM3_S2,
    REENTRY_APOGEE_KM,
    DriverTable,
    averaged_rates,
    integrate_decay,
)
from orbit.elements import ElementSet
from orbit.read import read_elements
from orbit.reentry import (
    LUNI_SOLAR_FLAG,
    NoPrediction,
    estimate_lifetimes,
    lifetime,
    predict_catalog,
    predict_reentry,
)
from tests.conftest import shared_file


class _Exponential:
    """rho0 exp(-(z - 300 km) / 50 km): a density with a closed form, drivers ignored."""

    def log_density(
        self,
        z_km: ArrayLike,
        tc: ArrayLike,
        kp: ArrayLike,
        mjd: ArrayLike,
        diurnal: ArrayLike | None = None,
    ) -> NDArray[np.float64]:
        z = np.asarray(z_km, dtype=np.float64)
        shape = np.broadcast_shapes(z.shape, np.shape(tc), np.shape(kp), np.shape(mjd))
        return np.broadcast_to(math.log(2e-11) - (z - 300.0) / 50.0, shape).astype(np.float64)


def test_circular_decay_matches_a_direct_integration() -> None:
    """Equatorial circular orbit: da/dt = -beta sqrt(mu a) rho F, integrated by scipy to 1e-10."""
    beta, mu = 0.01, MU_KM3_S2 * 1e9
    model = _Exponential()

    def rate(_: float, y: NDArray[np.float64]) -> list[float]:
        a = y[0] * 1000.0
        v = math.sqrt(mu / a)
        f = (1.0 - a * EARTH_ROTATION_RAD_S / v) ** 2
        rho = math.exp(float(model.log_density(y[0] - EARTH_RADIUS_KM, 0.0, 0.0, 0.0)))
        return [-beta * math.sqrt(mu * a) * rho * f * 86400.0 / 1000.0]

    def landed(_: float, y: NDArray[np.float64]) -> float:
        return float(y[0] - EARTH_RADIUS_KM - REENTRY_APOGEE_KM)

    landed.terminal = True  # type: ignore[attr-defined]
    a0 = EARTH_RADIUS_KM + 350.0
    exact = solve_ivp(rate, (0.0, 5000.0), [a0], events=landed, rtol=1e-10, atol=1e-9)
    ours = integrate_decay(
        a_km=np.array([a0]),
        e=np.array([0.0]),
        inclination_rad=np.array([0.0]),
        arg_perigee_rad=np.array([0.0]),
        raan_rad=np.array([0.0]),
        beta=np.array([beta]),
        start_day=np.array([0.0]),
        series=np.array([0]),
        drivers=DriverTable.constant(800.0, 2.0, 10, 58000.0),
        end_day=np.array([5000.0]),
        atmosphere=model,
    )
    assert ours.reentry_day[0] == pytest.approx(exact.t_events[0][0], rel=0.005)


def test_eccentric_averages_match_brute_force() -> None:
    """GTO-like orbit: the E-node quadrature against 400,000 points uniform in mean anomaly."""
    a, e, beta = 24000.0, 0.72, 0.01
    model = _Exponential()
    d_p, d_a, _ = averaged_rates(
        np.array([a]),
        np.array([e]),
        np.zeros(1),
        np.zeros(1),
        np.zeros(1),
        np.array([beta]),
        np.array([800.0]),
        np.array([2.0]),
        np.array([58000.0]),
        model,
    )
    mean_anomaly = np.linspace(0.0, 2 * math.pi, 400_000, endpoint=False)
    big_e = mean_anomaly.copy()
    for _ in range(50):  # Kepler's equation by Newton's method
        big_e -= (big_e - e * np.sin(big_e) - mean_anomaly) / (1 - e * np.cos(big_e))
    r = a * (1 - e * np.cos(big_e))
    nu = 2 * np.arctan2(math.sqrt(1 + e) * np.sin(big_e / 2), math.sqrt(1 - e) * np.cos(big_e / 2))
    mu = MU_KM3_S2 * 1e9
    v = np.sqrt(mu * (2 / (r * 1000.0) - 1 / (a * 1000.0)))
    rho = np.exp(model.log_density(r - EARTH_RADIUS_KM, 0.0, 0.0, 0.0))
    f = (1 - r * 1000.0 * EARTH_ROTATION_RAD_S / v) ** 2
    da = -beta * (a * 1000.0) ** 2 * rho * v**3 * f / mu / 1000.0 * 86400.0  # km/day
    de = -beta * rho * v * f * (e + np.cos(nu)) * 86400.0
    assert d_p[0] == pytest.approx(np.mean((1 - e) * da - a * de), rel=1e-3)
    assert d_a[0] == pytest.approx(np.mean((1 + e) * da + a * de), rel=1e-3)


def _snapshot(date: str, *ids: int) -> list[ElementSet]:
    """Element sets of a few objects from a full-catalog snapshot (its 3 lines each)."""
    path = shared_file(f"catalog/full-catalog-3le-{date}.txt")
    wanted = {f"1 {i:5d}" for i in ids}
    lines = path.read_text().splitlines()
    picked = ["\n".join(lines[k - 1 : k + 2]) for k, line in enumerate(lines) if line[:7] in wanted]
    return read_elements("\n".join(picked), name=path.name).elements


def _cords(norad_id: int) -> datetime:
    path = shared_file("reentry/reentries-2000-11-to-2022-07-13.csv")
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if int(row["SSN"]) == norad_id:
                observed = row["Observed Reentry Date (UTC)"]
                text = observed if observed != "N/A" else row["Aerospace Reentry Prediction (UTC)"]
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
    raise KeyError(norad_id)


def test_dragon_trunk_debris_that_fell_in_australia() -> None:
    """48342 DRAGON RESILIENCE DEB: observed re-entry 2022-07-08 21:05 UTC (debris found in
    New South Wales), predicted from the 2022-01-22 snapshot 167 days ahead: within 15% of
    the remaining time, inside the p05-p95 window."""
    (debris,) = _snapshot("2022-01-22", 48342)
    truth = _cords(48342)
    assert truth == datetime(2022, 7, 8, 21, 5, tzinfo=UTC)
    prediction = predict_reentry([debris], horizon_days=365)
    assert prediction is not None
    remaining = (truth - debris.epoch).total_seconds()
    error = abs((prediction.predicted - truth).total_seconds())
    assert error <= 0.15 * remaining
    assert prediction.p05 <= truth <= prediction.p95
    assert prediction.p05 < prediction.predicted < prediction.p95
    assert "Jacchia 1971" in prediction.method and "SGP4 decay rate" in prediction.method
    # The lifetime interface says the same thing in years.
    estimate = lifetime([debris])
    days = (prediction.predicted - debris.epoch).total_seconds() / 86400.0
    assert estimate.p50 * 365.25 == pytest.approx(days, rel=0.02)
    assert estimate.p05 < estimate.p25 < estimate.p50 < estimate.p75 < estimate.p95


def test_rocket_body_days_before_reentry() -> None:
    """49493 CZ-4B R/B, 3.9 days before Aerospace's final prediction (+/- 1 h): within 10%."""
    (stage,) = _snapshot("2022-01-22", 49493)
    truth = _cords(49493)
    prediction = predict_reentry([stage], horizon_days=30)
    assert prediction is not None
    remaining = (truth - stage.epoch).total_seconds()
    assert abs((prediction.predicted - truth).total_seconds()) <= 0.10 * remaining
    assert prediction.p05 <= truth <= prediction.p95


@pytest.mark.parametrize(
    ("date", "norad_id", "tolerance"),
    [
        ("2019-03-19", 43434, 0.20),  # BREEZE-M DEB (TANK), GTO (SDP4 object): 104 days left
        ("2022-01-22", 41031, 0.20),  # ARIANE 5 DEB (SYLDA), 175 x 18,680 km: 158 days left
        ("2021-05-29", 43004, 0.35),  # CZ-3B R/B, 185-min orbit (SGP4, no luni-solar in it)
    ],
)
def test_eccentric_stages_need_the_sun_and_moon(date: str, norad_id: int, tolerance: float) -> None:
    """The Sun's and Moon's perigee change brings these eccentric stages within ``tolerance``
    of their re-entry; drag alone puts each at least 1.7x too late (or beyond two years)."""
    (stage,) = _snapshot(date, norad_id)
    remaining = (_cords(norad_id) - stage.epoch).total_seconds()
    horizon = stage.epoch.replace(year=stage.epoch.year + 2)
    with_term, drag_only = (
        predict_catalog([[stage]], horizon_end=horizon, luni_solar=flag)[0]
        for flag in (True, False)
    )
    assert with_term.prediction is not None
    assert LUNI_SOLAR_FLAG in with_term.prediction.flags
    error = (with_term.prediction.predicted - _cords(norad_id)).total_seconds()
    assert abs(error) <= tolerance * remaining
    if drag_only.prediction is not None:
        late = (drag_only.prediction.predicted - stage.epoch).total_seconds()
        assert late >= 1.7 * remaining


def test_negative_bstar_gives_no_prediction() -> None:
    (iridium,) = _snapshot("2019-03-19", 25263)  # IRIDIUM 61, B* < 0 (station-keeping)
    assert iridium.bstar < 0
    assert predict_reentry([iridium]) is None
    with pytest.raises(NoPrediction, match=r"B\* <= 0"):
        lifetime([iridium])
    (outcome,) = predict_catalog([[iridium]], horizon_end=iridium.epoch.replace(year=2021))
    assert outcome.status == "no prediction" and outcome.reason is not None


def _iss(first: str, last: str) -> list[ElementSet]:
    path = shared_file("history/iss-25544-tle-history-2020-2024.csv")
    with path.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if first <= r["EPOCH"][:10] <= last]
    return read_elements("\n".join(f"{r['TLE_LINE1']}\n{r['TLE_LINE2']}" for r in rows)).elements


def test_ballistic_coefficient_from_element_set_history() -> None:
    """ISS, two reboost-free stretches of January and February 2020: the fitted C_D A / m
    agrees within 20%; across the 2020-01-23 reboost only the sets after it are used."""
    january = lifetime(_iss("2020-01-02", "2020-01-22"))
    february = lifetime(_iss("2020-02-01", "2020-02-20"))
    assert "observed decay across" in january.method and "observed decay across" in february.method
    assert january.ballistic_coefficient == pytest.approx(february.ballistic_coefficient, rel=0.2)
    across = lifetime(_iss("2020-01-10", "2020-02-05"))
    assert "orbit raised in the element-set history" in across.flags
    # Unmanaged, the ISS would come down within a few years of early 2020.
    assert 1.0 < january.p50 < 8.0


def test_high_orbit_lifetime_and_batch() -> None:
    """A near-circular object above 750 km lasts longer than the 25-year rule allows."""
    (high, low) = _snapshot("2022-01-22", 25338, 48342)  # NOAA 15 (~810 km); the Dragon debris
    outcomes = estimate_lifetimes([[high], [low]])
    by_id = {o.norad_id: o for o in outcomes}
    high_life = by_id[25338].lifetime
    low_life = by_id[48342].lifetime
    assert high_life is not None and low_life is not None
    assert high_life.p50 > 25.0
    assert low_life.p50 < 1.0


def test_element_set_without_drag_history_near_decay() -> None:
    """A stale element set with SGP4 unable to propagate still gets a clear outcome."""
    (debris,) = _snapshot("2022-01-22", 48342)
    broken = replace(debris, mean_motion=30.0)  # inside the Earth
    (outcome,) = predict_catalog([[broken]], horizon_end=debris.epoch.replace(year=2023))
    assert outcome.status == "no prediction" and "SGP4" in (outcome.reason or "")
