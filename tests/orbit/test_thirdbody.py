"""The Sun's and Moon's eccentricity rate: the Lidov-Kozai limit, and SDP4 over a month."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from orbit.decay import MU_KM3_S2, apsidal_rate, nodal_rate
from orbit.elements import ElementSet
from orbit.facts import classical_elements
from orbit.read import read_elements
from orbit.thirdbody import (
    MU_MOON_KM3_S2,
    eccentricity_rate,
    perigee_frame,
    sun_moon,
    tidal_term,
)
from tests.conftest import shared_file


def test_averaged_over_a_circular_perturber_it_is_the_kozai_rate() -> None:
    """A body circling in the reference plane, averaged over its orbit: de/dt =
    (15/8) (n_3^2 / n) e sqrt(1 - e^2) sin^2 i sin 2 omega (Kozai 1962), to 1e-12."""
    a, e, i, w = 24000.0, 0.7, math.radians(30.0), math.radians(35.0)
    distance, angles = 384400.0, np.linspace(0.0, 2 * math.pi, 720, endpoint=False)
    body = distance * np.stack([np.cos(angles), np.sin(angles), np.zeros_like(angles)], axis=1)
    shape = (1, len(angles))
    p, q = perigee_frame(np.full(shape, i), np.full(shape, 0.4), np.full(shape, w))
    n = math.sqrt(MU_KM3_S2 / a**3)
    rate = -7.5 * tidal_term(p, q, body, MU_MOON_KM3_S2).mean() / n * e * math.sqrt(1 - e * e)
    n3_squared = MU_MOON_KM3_S2 / distance**3
    kozai = 15 / 8 * n3_squared / n * e * math.sqrt(1 - e * e) * math.sin(i) ** 2 * math.sin(2 * w)
    assert rate == pytest.approx(kozai, rel=1e-12)


def test_sun_and_moon_distances() -> None:
    """DE421 against the almanac: perihelion 2022-01-04 06:52 UTC at 147,105,052 km; lunar
    perigee 2022-01-01 22:56 UTC at 358,033 km."""
    sun, _ = sun_moon(np.array([59583.0 + (6 * 60 + 52) / 1440]))
    _, moon = sun_moon(np.array([59580.0 + (22 * 60 + 56) / 1440]))
    assert np.linalg.norm(sun[0]) == pytest.approx(147_105_052, abs=2_000)
    assert np.linalg.norm(moon[0]) == pytest.approx(358_033, abs=20)


def _averaged_eccentricity(es: ElementSet, days: np.ndarray) -> np.ndarray:
    """Drag-free SDP4 eccentricity averaged over one revolution, on the given days."""
    sat = replace(es, bstar=0.0).to_satrec()
    period = 1.0 / es.mean_motion
    t = (days[:, None] + (np.arange(12) / 12 - 0.5)[None, :] * period).ravel()
    when = sat.jdsatepoch + sat.jdsatepochF + t
    jd = np.floor(when)
    error, r, v = sat.sgp4_array(jd, when - jd)
    assert not error.any()
    eccentricity = classical_elements(r, v, mu=MU_KM3_S2).eccentricity
    return np.asarray(eccentricity.reshape(len(days), 12).mean(axis=1))


def test_perigee_change_over_a_month_agrees_with_sdp4() -> None:
    """Low-perigee eccentric objects of the 2022-01-22 catalog (GTO, Molniya, Delta and Atlas
    stages): the perigee change over 30 days from the quadrupole rate, integrated along the J2
    rotation, against drag-free SDP4 (which carries the luni-solar terms). Over one month
    SDP4's frozen secular rates are still good: within 8 km + 25% for each, correlation 0.98."""
    path = shared_file("catalog/full-catalog-3le-2022-01-22.txt")
    chosen = []
    for es in read_elements(path).elements:
        sat = es.to_satrec()
        a = sat.a * sat.radiusearthkm
        if sat.method == "d" and es.eccentricity > 0.5 and a * (1 - es.eccentricity) < 7500:
            chosen.append((es, sat, a))
        if len(chosen) == 30:
            break
    assert len(chosen) == 30
    days = np.arange(0.0, 31.0)
    ours, sdp4 = [], []
    for es, sat, a in chosen:
        e, inc = np.array([es.eccentricity]), np.array([math.radians(es.inclination_deg)])
        raan = math.radians(es.raan_deg) + nodal_rate(np.array([a]), e, inc) * days
        argp = math.radians(es.arg_perigee_deg) + apsidal_rate(np.array([a]), e, inc) * days
        rate = eccentricity_rate(
            sat.jdsatepoch + sat.jdsatepochF - 2400000.5 + days,
            a_km=[a],
            e=e,
            inclination_rad=inc,
            raan_rad=raan[None, :],
            arg_perigee_rad=argp[None, :],
        )[0]
        ours.append(-a * float(np.sum((rate[1:] + rate[:-1]) / 2)))
        averaged = _averaged_eccentricity(es, days)
        sdp4.append(-a * float(averaged[-1] - averaged[0]))
    for mine, theirs in zip(ours, sdp4, strict=True):
        assert abs(mine - theirs) <= 8.0 + 0.25 * abs(theirs), (mine, theirs)
    assert np.corrcoef(ours, sdp4)[0, 1] > 0.98
    assert max(abs(x) for x in sdp4) > 20.0  # the sample holds real perigee changes
