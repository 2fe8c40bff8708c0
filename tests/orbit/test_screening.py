"""Conjunction screening: against the dense reference, brute force, a synthetic 18 km/s
head-on pass, a docked station, and the ``spacereg screen`` command end to end."""

from __future__ import annotations

import csv
import io
import json
import math
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from orbit.elements import ElementSet
from orbit.read import read_elements
from orbit.screening import (
    RECORD_KEYS,
    InlineRunner,
    ScreeningConfig,
    ScreeningResult,
    grid,
    screen,
)
from orbit.screening.candidates import DetectionSettings, detect
from orbit.screening.catalog import ScreeningCatalog, satrecs_for
from orbit.screening.ephemeris import HermiteEphemeris, propagate
from orbit.screening.reference import compare, dense_reference
from orbit.screening.screen import DetectionPiece, run_detection_piece
from orbit.screening.window import Window
from tests.conftest import shared_file
from web.cli.screen import command

CATALOG = "catalog/full-catalog-3le-2022-01-22.txt"
START = datetime(2022, 1, 22, tzinfo=UTC)
MU = 398600.8  # WGS-72, as SGP4
CSS, SHENZHOU_13 = 48274, 49326  # Tianhe core module and the crew ship docked to it
NAUKA, DRAGON = 49044, 49407  # both carry a copy of one ISS element set


@pytest.fixture(scope="module")
def catalog() -> list[ElementSet]:
    return read_elements(shared_file(CATALOG)).elements


@pytest.fixture(scope="module")
def quarter_hour(catalog: list[ElementSet]) -> tuple[ScreeningResult, object]:
    """The whole catalog, 15 minutes, 5 km: the screen and the dense reference."""
    result = screen(catalog, ScreeningConfig(5.0), start=START, hours=0.25, runner=InlineRunner())
    reference = dense_reference(catalog, 5.0, start=START, hours=0.25)
    return result, reference


def _by_norad(catalog: list[ElementSet], *ids: int) -> list[ElementSet]:
    wanted = set(ids)
    return [e for e in catalog if e.norad_id in wanted]


# -- against the dense reference ---------------------------------------------------------------


def test_screen_matches_dense_reference(quarter_hour: tuple[ScreeningResult, object]) -> None:
    result, reference = quarter_hour
    comparison = compare(result, reference)  # type: ignore[arg-type]
    assert comparison.reference_minima > 150  # a real sample, not a handful
    assert comparison.missed == []
    assert comparison.unconfirmed == []
    assert comparison.proximity_coverage == 1.0
    # Both refine to the same exact SGP4 minimum: far inside 10 ms and 1 m.
    assert np.abs(comparison.tca_errors_s).max() < 0.010
    assert np.abs(comparison.miss_errors_km).max() < 0.001


def test_analyst_objects_are_screened(quarter_hour: tuple[ScreeningResult, object]) -> None:
    result, _ = quarter_hour
    ids = {e.norad_a for e in result.encounters} | {e.norad_b for e in result.encounters}
    assert any(270_000 <= i < 280_000 for i in ids)  # T-numbered analyst objects


def test_reported_fields_are_consistent(quarter_hour: tuple[ScreeningResult, object]) -> None:
    result, _ = quarter_hour
    for e in result.encounters:
        assert e.norad_a < e.norad_b
        assert 0.0 <= e.tca_s <= result.window.duration_s
        assert e.miss_km <= 5.0
        ric = math.sqrt(e.radial_km**2 + e.intrack_km**2 + e.crosstrack_km**2)
        assert ric == pytest.approx(e.miss_km, abs=1e-9)
        # The RIC split is in norad_a's frame: radial is along a's position.
        ra, rb = np.array(e.state_a[:3]), np.array(e.state_b[:3])
        assert e.radial_km == pytest.approx(float((rb - ra) @ ra / np.linalg.norm(ra)), abs=1e-9)


def test_refinement_against_brute_force_sampling(
    catalog: list[ElementSet], quarter_hour: tuple[ScreeningResult, object]
) -> None:
    """TCA and miss of 25 encounters against exact SGP4 sampled every millisecond."""
    result, _ = quarter_hour
    window = result.window
    for e in result.encounters[:: max(1, len(result.encounters) // 25)]:
        a, b = catalog[e.index_a].to_satrec(), catalog[e.index_b].to_satrec()
        t = e.tca_s + np.arange(-500, 501) * 1e-3
        fr = window.jd_fraction + t / 86400.0
        jd = np.full(t.size, window.jd_whole)
        _, ra, _ = a.sgp4_array(jd, fr)
        _, rb, _ = b.sgp4_array(jd, fr)
        distance = np.linalg.norm(rb - ra, axis=1)
        best = int(np.argmin(distance))
        assert 0 < best < t.size - 1  # the minimum is inside the sampled second
        assert abs(t[best] - e.tca_s) <= 1e-3  # within one sample of the refined TCA
        assert e.miss_km <= distance[best] + 1e-9  # the refined miss is the true minimum
        assert distance[best] - e.miss_km < 1e-3  # ... and within 1 m of the sampled one


# -- co-orbiting pairs -------------------------------------------------------------------------


def test_docked_station_is_one_record_per_period_below_threshold(
    catalog: list[ElementSet],
) -> None:
    """Tianhe and Shenzhou 13 (docked): their element sets drift apart from ~2 to ~6 km
    over the day, so the pair is below 5 km in three stretches; one record each,
    matching the stretches found by sampling SGP4 every second."""
    pair = _by_norad(catalog, CSS, SHENZHOU_13)
    result = screen(pair, ScreeningConfig(5.0), start=START, hours=24.0, runner=InlineRunner())
    assert result.encounters == []
    window = result.window
    a, b = (e.to_satrec() for e in pair)
    t = np.arange(0.0, window.duration_s + 0.5, 1.0)
    jd, fr = np.full(t.size, window.jd_whole), window.jd_fraction + t / 86400.0
    below = np.linalg.norm(b.sgp4_array(jd, fr)[1] - a.sgp4_array(jd, fr)[1], axis=1) < 5.0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], below.astype(int), [0]))))
    sampled = [(t[s], t[e - 1]) for s, e in zip(edges[::2], edges[1::2], strict=True)]
    assert len(sampled) == 3
    assert len(result.proximities) == len(sampled)
    for p, (first, last) in zip(result.proximities, sampled, strict=True):
        assert (p.norad_a, p.norad_b) == (CSS, SHENZHOU_13)
        assert p.vrel_kms < 0.1 and p.miss_km < 5.0
        assert first - 1.0 < p.start_s <= first and last <= p.end_s < last + 1.0
        assert p.start_s <= p.tca_s <= p.end_s
    assert result.proximities[0].start_s == 0.0  # already docked when the window opens
    record = result.proximities[0].record(window)
    assert record["kind"] == "proximity" and record["start"] == "2022-01-22T00:00:00.000Z"
    assert record["end"] == "2022-01-22T18:40:19.215Z"


def test_identical_element_sets_are_one_proximity(catalog: list[ElementSet]) -> None:
    result = screen(
        _by_norad(catalog, NAUKA, DRAGON),
        ScreeningConfig(5.0),
        start=START,
        hours=6.0,
        runner=InlineRunner(),
    )
    assert result.encounters == []
    [p] = result.proximities
    assert p.miss_km == 0.0 and (p.start_s, p.end_s) == (0.0, 6 * 3600.0)


# -- the capture guarantee ---------------------------------------------------------------------


def _elements_through(r: np.ndarray, v: np.ndarray, epoch: datetime, norad: int) -> ElementSet:
    """Mean elements whose SGP4 state at ``epoch`` is (r, v) to well under a metre.

    Osculating elements from the state, then a fixed-point correction of the state
    fed in by what SGP4 returned (SGP4's mean elements are not osculating ones).
    """
    target_r, target_v = r.copy(), v.copy()
    aim_r, aim_v = r.copy(), v.copy()
    for _ in range(8):
        es = _kepler_elements(aim_r, aim_v, epoch, norad)
        sat = es.to_satrec()
        _, got_r, got_v = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF)
        aim_r = aim_r + (target_r - np.array(got_r))
        aim_v = aim_v + (target_v - np.array(got_v))
    return es


def _kepler_elements(r: np.ndarray, v: np.ndarray, epoch: datetime, norad: int) -> ElementSet:
    h = np.cross(r, v)
    node = np.cross([0.0, 0.0, 1.0], h)
    rn, vv = np.linalg.norm(r), v @ v
    evec = ((vv - MU / rn) * r - (r @ v) * v) / MU
    e = float(np.linalg.norm(evec))
    a = 1.0 / (2.0 / rn - vv / MU)
    inc = math.acos(h[2] / np.linalg.norm(h))
    raan = math.atan2(node[1], node[0]) % (2 * math.pi)
    argp = math.atan2((np.cross(node, evec) @ h) / np.linalg.norm(h), node @ evec) % (2 * math.pi)
    nu = math.atan2((np.cross(evec, r) @ h) / np.linalg.norm(h), evec @ r)
    big_e = 2 * math.atan(math.sqrt((1 - e) / (1 + e)) * math.tan(nu / 2))
    mean_anomaly = (big_e - e * math.sin(big_e)) % (2 * math.pi)
    n_rev_day = math.sqrt(MU / a**3) * 86400.0 / (2 * math.pi)
    return ElementSet(
        norad_id=norad,
        designator=None,
        name=None,
        epoch=epoch,
        mean_motion=n_rev_day,
        eccentricity=e,
        inclination_deg=math.degrees(inc),
        raan_deg=math.degrees(raan),
        arg_perigee_deg=math.degrees(argp),
        mean_anomaly_deg=math.degrees(mean_anomaly),
        bstar=0.0,
    )


def test_head_on_pass_at_18_kms_half_way_between_steps_is_caught() -> None:
    """A GTO object at perigee meets a retrograde one head on at 18.0 km/s, 4.9 km apart,
    with the TCA exactly half way between two screening steps (the worst case)."""
    config = ScreeningConfig(5.0)
    tca = START + timedelta(seconds=10 * config.step_s + config.step_s / 2)
    gto = _kepler_elements(
        np.array([6678.0, 0.0, 0.0]),
        np.array([0.0, 10.27, 0.0]) @ _rotation_x(math.radians(7.0)),
        tca,
        400_001,
    )
    sat = gto.to_satrec()
    _, ra, va = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF)
    ra, va = np.array(ra), np.array(va)
    closing = 18.0
    other_speed = closing - float(np.linalg.norm(va))
    offset = 4.9 * ra / np.linalg.norm(ra)  # radial: perpendicular to the relative velocity
    head_on = _elements_through(ra + offset, -va / np.linalg.norm(va) * other_speed, tca, 400_002)
    result = screen([gto, head_on], config, start=START, hours=1.0, runner=InlineRunner())
    assert result.capture_speed_kms >= 18.0
    [e] = result.encounters
    assert (e.norad_a, e.norad_b) == (400_001, 400_002)  # beyond what a Satrec can hold
    assert e.vrel_kms == pytest.approx(18.0, abs=0.01)
    assert e.miss_km == pytest.approx(4.9, abs=0.01)
    assert abs(e.tca_s - result.window.seconds_from(tca)) < 0.01


def _rotation_x(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def test_capture_guarantee_is_at_least_18_kms() -> None:
    config = ScreeningConfig(5.0)
    assert config.capture_speed_kms >= 18.0
    # The formula of the brief, on the gate less its margins.
    reach = config.gate_km - config.margin_km
    assert 2 * math.sqrt(reach**2 - 5.0**2) / config.step_s == pytest.approx(18.0)


# -- pieces, primaries, failures ---------------------------------------------------------------


def test_piece_boundaries_do_not_change_the_result(catalog: list[ElementSet]) -> None:
    subset = catalog[::6]
    one = screen(subset, ScreeningConfig(5.0), start=START, hours=2.0, runner=InlineRunner())
    many = screen(
        subset,
        ScreeningConfig(5.0, piece_s=600.0),
        start=START,
        hours=2.0,
        runner=InlineRunner(),
    )
    assert [r for r in one.records()] == [r for r in many.records()]
    assert len(one.encounters) + len(one.proximities) > 10


def test_detection_piece_pickles_and_runs_anywhere(catalog: list[ElementSet]) -> None:
    config = ScreeningConfig(5.0)
    cat = ScreeningCatalog.from_elements(catalog[:3000])
    settings = DetectionSettings(5.0, 30.0, config.gate_km, 480.0, 0.3)
    piece = DetectionPiece(cat, Window(START, 3600.0), settings, 0, 40)
    here = run_detection_piece(piece)
    there = run_detection_piece(pickle.loads(pickle.dumps(piece)))
    assert np.array_equal(here.runs.a, there.runs.a)
    assert np.array_equal(here.runs.t_best, there.runs.t_best)


def _brute_force_pairs(
    pos: np.ndarray,
    vel: np.ndarray,
    ident: np.ndarray,
    primary: np.ndarray | None,
    gate: float,
    limit: float,
    half: float,
) -> tuple[set[tuple[int, int]], int]:
    i, j = np.triu_indices(len(pos), 1)
    keep = (np.linalg.norm(pos[j] - pos[i], axis=1) <= gate) & (ident[i] != ident[j])
    if primary is not None:
        keep &= primary[i] | primary[j]
    i, j = i[keep], j[keep]
    dr, dv = pos[j] - pos[i], vel[j] - vel[i]
    vv = np.einsum("ij,ij->i", dv, dv)
    tau = np.clip(-np.einsum("ij,ij->i", dr, dv) / vv, -half, half)
    dmin = np.linalg.norm(dr + tau[:, None] * dv, axis=1)
    hit = dmin <= limit
    return set(zip(i[hit].tolist(), j[hit].tolist(), strict=True)), int(keep.sum())


@pytest.mark.parametrize("gate", [20.0, 75.0, 270.0])
@pytest.mark.parametrize("with_primary", [False, True])
def test_grid_kernel_against_brute_force(gate: float, with_primary: bool) -> None:
    rng = np.random.default_rng(11)
    # A clustered cloud straddling cell boundaries and the origin, some duplicate ids.
    pos = np.concatenate([rng.normal(0.0, 300.0, (600, 3)), rng.normal(7000.0, 40.0, (200, 3))])
    pos[::50] = np.round(pos[::50] / gate) * gate  # exactly on cell faces
    vel = rng.normal(0.0, 6.0, pos.shape)
    ident = np.arange(len(pos))
    ident[1::97] = ident[::97][: len(ident[1::97])]
    primary = rng.random(len(pos)) < 0.1 if with_primary else None
    found = grid.close_pairs(pos, vel, None, np.zeros(len(pos)), ident, primary, gate, 40.0, 15.0)
    expected, in_gate = _brute_force_pairs(pos, vel, ident, primary, gate, 40.0, 15.0)
    assert set(zip(found.i.tolist(), found.j.tolist(), strict=True)) == expected
    assert found.in_gate == in_gate and expected


@pytest.mark.skipif(not grid.AVAILABLE, reason="numba is not installed: no compiled grid")
def test_grid_and_tree_find_the_same_pairs(catalog: list[ElementSet]) -> None:
    cat = ScreeningCatalog.from_elements(catalog[::2])
    config = ScreeningConfig(5.0)
    settings = DetectionSettings(5.0, 30.0, config.gate_km, 480.0, 0.3)
    window = Window(START, 3600.0)
    satrecs = satrecs_for(cat)
    fast = detect(cat, satrecs, window, settings, 0, 60, use_grid=True)
    plain = detect(cat, satrecs, window, settings, 0, 60, use_grid=False)
    assert fast.pairs_in_gate == plain.pairs_in_gate > 0
    for name in ("a", "b", "k_first", "k_last"):
        assert np.array_equal(getattr(fast.runs, name), getattr(plain.runs, name))
    assert np.allclose(fast.runs.d_best, plain.runs.d_best, rtol=0, atol=1e-9)


def test_primaries_against_everything(catalog: list[ElementSet]) -> None:
    subset = catalog[::3]
    everything = screen(subset, ScreeningConfig(5.0), start=START, hours=2.0, runner=InlineRunner())
    involved = sorted({e.norad_b for e in everything.encounters})[:5]
    some = screen(
        subset,
        ScreeningConfig(5.0),
        start=START,
        hours=2.0,
        primaries=involved,
        runner=InlineRunner(),
    )
    expected = sorted(
        (round(e.tca_s, 6), *sorted((e.norad_a, e.norad_b)))
        for e in everything.encounters
        if e.norad_a in involved or e.norad_b in involved
    )
    got = sorted((round(e.tca_s, 6), *sorted((e.norad_a, e.norad_b))) for e in some.encounters)
    assert got == expected and got
    for e in some.encounters:
        assert e.norad_a in involved  # the primary comes first


def test_unknown_primary_is_an_error(catalog: list[ElementSet]) -> None:
    with pytest.raises(ValueError, match="999999"):
        screen(catalog[:10], ScreeningConfig(5.0), start=START, primaries=[999_999])


def test_failed_propagation_is_reported_not_dropped(catalog: list[ElementSet]) -> None:
    # 13770 has decayed by the window (SGP4 error 6); 50749's old elements diverge.
    subset = _by_norad(catalog, 13770, 50749, 25544)
    result = screen(subset, ScreeningConfig(5.0), start=START, hours=2.0, runner=InlineRunner())
    reported = {f.norad_id: f for f in result.failures}
    assert set(reported) == {13770, 50749}
    assert "decayed" in reported[13770].reason
    assert "diverg" in reported[50749].reason
    assert reported[13770].start_s == 0.0 and reported[13770].end_s == 7200.0


def test_interpolation_stays_inside_its_bounds(catalog: list[ElementSet]) -> None:
    """Hermite states against exact SGP4 at random times, for eccentric, decaying and
    ordinary orbits: every error within its own bound."""
    chosen = [
        e
        for e in catalog
        if e.eccentricity > 0.3 or e.mean_motion_dot > 0.01 or e.norad_id % 20 == 0
    ]
    cat = ScreeningCatalog.from_elements(chosen)
    satrecs = satrecs_for(cat)
    window = Window(START, 7200.0)
    eph = HermiteEphemeris(cat, satrecs, window, 0.0, 7200.0, 480.0, 0.3)
    times = np.sort(np.random.default_rng(7).uniform(0.0, 7200.0, 120))
    errors, r, v = propagate(satrecs, window, times)
    worst_pos = np.zeros(len(cat))
    worst_vel = np.zeros(len(cat))
    for s, t in enumerate(times):
        pos, vel, active = eph.at(float(t))
        ok = (errors[s][eph.order] == 0) & (True if active is None else active)
        dp = np.linalg.norm(pos - r[s][eph.order], axis=1)
        dv = np.linalg.norm(vel - v[s][eph.order], axis=1)
        worst_pos = np.maximum(worst_pos, np.where(ok, dp, 0.0))
        worst_vel = np.maximum(worst_vel, np.where(ok, dv, 0.0))
    assert len(cat) > 1000
    assert np.all(worst_pos <= eph.position_error_km)
    assert np.all(worst_vel <= eph.velocity_error_kms)
    assert np.all(eph.position_error_km[worst_pos > 0] <= 0.3)


# -- the command -------------------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(command, list(args))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_command_jsonl(small_file: Path) -> None:
    code, out, err = _run(
        str(small_file), "--threshold-km", "5", "--hours", "3", "--start", "2022-01-22T00:00:00Z"
    )
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert "capture guarantee" in err and "18.0 km/s" in err
    kinds = {r["kind"] for r in records}
    assert kinds == {"encounter", "proximity"}
    for r in records:
        assert list(r) == list(RECORD_KEYS)
        assert isinstance(r["norad_a"], int) and isinstance(r["norad_b"], int)
        assert r["tca"].endswith("Z") and len(r["tca"]) == len("2022-01-22T00:00:00.000Z")
        assert r["miss_km"] <= 5.0
        if r["kind"] == "encounter":
            assert r["start"] is None and r["pc_method"] is not None and 0.0 <= r["pc"] <= 1.0
        else:
            assert r["start"] <= r["tca"] <= r["end"]
    station = [r for r in records if {r["norad_a"], r["norad_b"]} == {CSS, SHENZHOU_13}]
    assert len(station) == 1 and station[0]["kind"] == "proximity"


def test_command_csv_to_file_and_primary(small_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "events.csv"
    code, _, err = _run(
        str(small_file),
        "--threshold-km=5",
        "--hours=2",
        "--start=2022-01-22T00:00",
        f"--primary={CSS}",
        "--format=csv",
        f"--output={target}",
        "--no-pc",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows and tuple(rows[0]) == RECORD_KEYS
    assert all(row["norad_a"] == str(CSS) for row in rows)
    assert all(row["pc"] == "" for row in rows)


def test_command_default_start_is_newest_epoch_hour(small_file: Path) -> None:
    elements = read_elements(small_file).elements
    newest = max(e.epoch for e in elements)
    code, _, err = _run(str(small_file), "--threshold-km", "2", "--hours", "0.5", "--no-pc")
    assert code == 0, err
    assert newest.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:00:00") in err


def test_command_rejects_bad_input(small_file: Path, tmp_path: Path) -> None:
    code, _, err = _run(str(small_file), "--threshold-km", "5", "--start", "yesterday")
    assert code != 0 and "--start" in err
    code, _, err = _run(str(tmp_path / "missing.tle"), "--threshold-km", "5")
    assert code == 1 and "missing.tle" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(str(small_file), "--threshold-km", "5", "--primary", "123456789")
    assert code == 1 and "not in the catalog" in err
    code, _, err = _run(str(small_file), "--threshold-km", "5", "--format", "cdm")
    assert code != 0 and "--output" in err


def test_command_writes_cdms(small_file: Path, tmp_path: Path) -> None:
    from orbit.cdm import read_cdm

    folder = tmp_path / "cdm"
    code, _, err = _run(
        str(small_file),
        "--threshold-km=5",
        "--hours=2",
        "--start=2022-01-22T00:00Z",
        "--format=cdm",
        f"--output={folder}",
    )
    assert code == 0, err
    files = sorted(folder.glob("*.cdm"))
    assert files
    message = read_cdm(files[0])
    assert message.relative.miss_distance_m <= 5000.0
