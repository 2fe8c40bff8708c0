"""Catalog propagation: exact agreement with SGP4's own reference output and with a bare
SatrecArray call, chunking, worker processes, and flagged (never silent) errors."""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sgp4
from sgp4.api import SatrecArray

from orbit.elements import ElementSet
from orbit.propagate import (
    CatalogPropagator,
    block_bounds,
    iter_chunks,
    julian_dates,
    propagate,
)
from orbit.read import read_elements
from tests.conftest import shared_file

CATALOG_2022 = "catalog/full-catalog-3le-2022-01-22.txt"
START = np.datetime64("2022-01-22T00:00", "ns")


@pytest.fixture(scope="module")
def catalog_2022() -> list[ElementSet]:
    return read_elements(shared_file(CATALOG_2022)).elements


def minutes(n: int, step: int = 1) -> np.ndarray:
    return START + np.arange(n) * np.timedelta64(step, "m")


def _vallado_verification() -> list[tuple[ElementSet, np.ndarray]]:
    """SGP4-VER.TLE cases with their tcppver.out states (Vallado et al. 2006, shipped with
    sgp4), paired in file order: one catalog number appears twice."""
    folder = Path(sgp4.__file__).parent
    lines = (folder / "SGP4-VER.TLE").read_text().splitlines()
    # Line 2 carries the test's start/stop/step after column 69; the TLE is the first 69.
    text = "\n".join(line[:69] for line in lines if line.startswith(("1 ", "2 ")))
    elements = read_elements(text, name="SGP4-VER.TLE").elements
    cases: list[tuple[int, list[list[float]]]] = []
    for line in (folder / "tcppver.out").read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] == "xx":
            cases.append((int(parts[0]), []))
        elif parts:
            cases[-1][1].append([float(x) for x in parts[:7]])
    # 33333-33335 carry deliberately bad checksums, which read_elements rejects.
    kept = [(norad, np.array(rows)) for norad, rows in cases if norad not in (33333, 33334, 33335)]
    assert [norad for norad, _ in kept] == [es.norad_id for es in elements]
    return [(es, rows) for es, (_, rows) in zip(elements, kept, strict=True)]


def test_matches_vallado_verification_states_to_a_millimetre() -> None:
    compared = 0
    for es, rows in _vallado_verification():
        sat = es.to_satrec()
        jd = np.full(len(rows), sat.jdsatepoch)
        fr = sat.jdsatepochF + rows[:, 0] / 1440.0
        eph = propagate([es], (jd, fr))
        assert (eph.error == 0).all(), es.norad_id
        np.testing.assert_allclose(eph.r[0], rows[:, 1:4], rtol=0, atol=1e-6)  # km
        np.testing.assert_allclose(eph.v[0], rows[:, 4:7], rtol=0, atol=1e-9)  # km/s
        compared += len(rows)
    assert compared == 588


def test_identical_to_bare_satrec_array(catalog_2022: list[ElementSet]) -> None:
    elements = catalog_2022[:500]
    times = minutes(30, step=7)
    jd, fr = julian_dates(times)
    e_ref, r_ref, v_ref = SatrecArray([es.to_satrec() for es in elements]).sgp4(jd, fr)
    eph = propagate(elements, times)
    assert eph.r.shape == (500, 30, 3) and eph.error.shape == (500, 30)
    np.testing.assert_array_equal(eph.error, e_ref)
    ok = e_ref == 0
    np.testing.assert_array_equal(eph.r[ok], r_ref[ok])
    np.testing.assert_array_equal(eph.v[ok], v_ref[ok])
    assert np.isnan(eph.r[~ok]).all()


def test_chunks_cover_the_request_in_order(catalog_2022: list[ElementSet]) -> None:
    elements = catalog_2022[:200]
    times = minutes(50)
    whole = propagate(elements, times)
    starts, pieces = [], []
    for chunk in iter_chunks(elements, times, chunk_steps=16):
        starts.append(chunk.start)
        pieces.append(chunk.r.copy())  # the buffer is reused for the next chunk
        np.testing.assert_array_equal(chunk.jd, whole.jd[chunk.start : chunk.start + chunk.steps])
    assert starts == [0, 16, 32, 48]
    assert [p.shape[1] for p in pieces] == [16, 16, 16, 2]
    np.testing.assert_array_equal(np.concatenate(pieces, axis=1), whole.r)


def test_default_chunk_respects_the_memory_cap(catalog_2022: list[ElementSet]) -> None:
    elements = catalog_2022[:1000]
    cap = 1_000_000
    sizes = [c.steps for c in iter_chunks(elements, minutes(100), max_chunk_bytes=cap)]
    assert max(sizes) * 1000 * 49 <= cap and sum(sizes) == 100


def test_two_worker_processes_give_identical_results(catalog_2022: list[ElementSet]) -> None:
    elements = catalog_2022[:400]
    times = minutes(40)
    reference = propagate(elements, times)
    with CatalogPropagator(elements, processes=2) as propagator:
        assert len(propagator.worker_pids) == 2
        whole = propagator.propagate(times)
        pieces = [
            (c.r.copy(), c.v.copy(), c.error.copy())
            for c in propagator.iter_chunks(times, chunk_steps=9)
        ]
        # Abandoning an iteration part-way leaves the workers ready for the next call.
        for k, _ in enumerate(propagator.iter_chunks(times, chunk_steps=5)):
            if k == 1:
                break
        again = propagator.propagate(times[:3])
    np.testing.assert_array_equal(whole.r, reference.r)
    np.testing.assert_array_equal(whole.v, reference.v)
    np.testing.assert_array_equal(np.concatenate([p[0] for p in pieces], axis=1), reference.r)
    np.testing.assert_array_equal(np.concatenate([p[2] for p in pieces], axis=1), reference.error)
    np.testing.assert_array_equal(again.r, reference.r[:, :3])
    leftovers = [n for n in os.listdir("/dev/shm") if n.startswith("spacereg-ephemeris-")]
    assert leftovers == [] or not os.path.isdir("/dev/shm")


def test_dead_worker_is_reported_not_hung(catalog_2022: list[ElementSet]) -> None:
    with CatalogPropagator(catalog_2022[:50], processes=2) as propagator:
        os.kill(propagator.worker_pids[0], 9)
        with pytest.raises(RuntimeError, match="worker process died"):
            propagator.propagate(minutes(5))
        with pytest.raises(RuntimeError, match="closed"):
            propagator.propagate(minutes(5))


def test_decay_is_flagged_with_sgp4_codes_not_zeros(catalog_2022: list[ElementSet]) -> None:
    # STARLINK-2200 re-entered on 2022-01-23 (Aerospace CORDS); SGP4 from the 2022-01-22
    # elements loses it within a few weeks. The ISS beside it must be unaffected.
    by_id = {es.norad_id: es for es in catalog_2022}
    objects = [by_id[47414], by_id[25544]]
    times = START + np.arange(30) * np.timedelta64(1, "D")
    eph = propagate(objects, times)
    failed = eph.error[0] != 0
    assert failed.any() and not failed[0]
    assert set(np.unique(eph.error[0][failed]).tolist()) <= {1, 2, 3, 4, 5, 6}
    assert np.isnan(eph.r[0][failed]).all() and np.isfinite(eph.r[0][~failed]).all()
    assert not (eph.r[0][failed] == 0.0).any()
    assert eph.ok[1].all()
    radius = np.linalg.norm(eph.r[1], axis=-1)
    assert ((radius > 6700) & (radius < 6850)).all()  # the ISS stays near 400 km


def test_impossible_elements_are_flagged_per_object() -> None:
    epoch = datetime(2022, 1, 22, tzinfo=UTC)
    good = ElementSet(1, None, "GOOD", epoch, 15.0, 0.001, 51.6, 10.0, 20.0, 30.0, 1e-4)
    hyperbolic = ElementSet(2, None, "BAD", epoch, 15.0, 1.2, 51.6, 10.0, 20.0, 30.0, 1e-4)
    eph = propagate([good, hyperbolic], [epoch, epoch + timedelta(minutes=10)])
    assert eph.error[0].tolist() == [0, 0]
    assert (eph.error[1] == 1).all()  # mean eccentricity out of range
    assert np.isnan(eph.r[1]).all()


def test_time_forms_agree() -> None:
    stamps = np.array(["2000-01-01T12:00", "2022-01-22T06:30:15.5"], dtype="datetime64[ms]")
    jd, fr = julian_dates(stamps)
    assert jd[0] + fr[0] == 2451545.0  # J2000.0
    aware = [
        datetime(2000, 1, 1, 12, tzinfo=UTC),
        datetime(2022, 1, 22, 6, 30, 15, 500000, tzinfo=UTC),
    ]
    jd2, fr2 = julian_dates(aware)
    np.testing.assert_array_equal(jd, jd2)
    np.testing.assert_allclose(fr, fr2, rtol=0, atol=1e-15)
    jd3, fr3 = julian_dates((jd, fr))
    np.testing.assert_array_equal(jd3, jd)
    np.testing.assert_array_equal(fr3, fr)


def test_bad_times_name_the_index() -> None:
    with pytest.raises(ValueError, match=r"times\[1\]: naive datetime"):
        julian_dates([datetime(2022, 1, 1, tzinfo=UTC), datetime(2022, 1, 2)])
    with pytest.raises(TypeError, match=r"times\[0\]: expected a datetime, got str"):
        julian_dates(["2022-01-01"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="NaT at index 1"):
        julian_dates(np.array(["2022-01-01", "NaT"], dtype="datetime64[s]"))


def test_blocks_split_the_catalog_by_cost(catalog_2022: list[ElementSet]) -> None:
    bounds = block_bounds(catalog_2022, 8)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(catalog_2022)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    deep = np.array([1440.0 / es.mean_motion >= 225.0 for es in catalog_2022])
    cost = np.where(deep, 1.5, 1.0)
    shares = [cost[a:b].sum() / cost.sum() for a, b in bounds]
    assert max(shares) - min(shares) < 0.01


def test_empty_requests() -> None:
    assert propagate([], minutes(3)).r.shape == (0, 3, 3)
    assert list(iter_chunks([], np.array([], dtype="datetime64[ns]"))) == []
