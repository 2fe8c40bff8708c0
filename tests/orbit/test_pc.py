"""Collision probability against NASA CARA's reference values, and the HBR table.

Reference values: CARA's Pc for 53 real CDMs (Pc2D_NoAdj from PcCircle.m on
the states as given, Pc2D from PcMultiStep with states moved to the true TCA),
the Alfano (2009) 2-D Pc cases, CARA's FrisbeeMaxPc unit-test values and the
Omitron edge cases.
"""

from __future__ import annotations

import csv
import gzip
import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize

from orbit.cdm import Cdm, CdmObject, read_cdm, write_cdm
from orbit.elements import ElementSet
from orbit.hbr import (
    DEFAULT_HBR_M,
    HBR_TABLE_RESOURCE,
    HbrEstimate,
    HbrTable,
    build_hbr_table,
    combined_hbr_m,
    load_hbr_table,
)
from orbit.pc import (
    EARTH_ROTATION_RAD_S,
    PC_FOSTER_CDM,
    PC_FOSTER_SGP4,
    PC_MAX_FRISBEE,
    PC_MAX_SCALED,
    SGP4_ERROR_MODEL,
    PcError,
    cdm_inertial_states,
    foster_pc,
    frisbee_max_pc,
    linear_tca_adjustment,
    pc_from_cdm,
    rtn_basis,
    scaled_max_pc,
    sgp4_error_regime,
    tle_event_cdm,
    tle_pc,
)
from orbit.read import read_elements
from tests.conftest import SHARED_DATA, shared_file

CONJUNCTION = SHARED_DATA / "conjunction"


def _cara_rows() -> list[dict[str, str]]:
    path = CONJUNCTION / "cara-pc-test-cases" / "CARA_PcMethod_Test_Conjunctions.derived.csv"
    if not path.exists():
        return [{"Conjunction_ID": "<reference data missing>"}]
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


CARA_ROWS = _cara_rows()


def _cdm(relative: str) -> Cdm:
    return read_cdm(shared_file(f"conjunction/{relative}"))


def _close(value: float, reference: float, rel: float, floor: float) -> bool:
    return abs(value - reference) <= max(rel * abs(reference), floor)


# ----------------------------------------------------------------------------------------------
# NASA CARA: 53 real conjunctions


@pytest.mark.parametrize("row", CARA_ROWS, ids=[r["Conjunction_ID"][:40] for r in CARA_ROWS])
def test_cara_pc2d_from_the_cdm_states_as_given(row: dict[str, str]) -> None:
    """Pc2D_NoAdj (PcCircle.m on the CDM states): within max(1e-6 relative, 1e-15)."""
    cdm = _cdm(f"cara-pc-test-cases/{row['Conjunction_ID']}.cdm")
    result = pc_from_cdm(cdm, adjust_to_tca=False)
    assert result.hbr_m == float(row["HBR_m"])  # CARA's combined HBR, from the CDM's comment
    assert result.hbr_source == "CDM (COMMENT HBR)"
    assert result.pc_method == PC_FOSTER_CDM
    assert _close(result.pc, float(row["Pc2D_NoAdj"]), 1e-6, 1e-15), (result.pc, row["Pc2D_NoAdj"])
    assert float(row["MissDist_m"]) == pytest.approx(result.miss_distance_m, rel=1e-9)


@pytest.mark.parametrize("row", CARA_ROWS, ids=[r["Conjunction_ID"][:40] for r in CARA_ROWS])
def test_cara_pc2d_with_states_moved_to_the_true_tca(row: dict[str, str]) -> None:
    """Pc2D (states moved to the true TCA): required 1e-3 relative; met to 1e-6 here."""
    cdm = _cdm(f"cara-pc-test-cases/{row['Conjunction_ID']}.cdm")
    result = pc_from_cdm(cdm)
    assert abs(result.tca_offset_s) < 1e-3  # CDM TCAs are rounded to the millisecond
    assert _close(result.pc, float(row["Pc2D"]), 1e-6, 1e-15), (result.pc, row["Pc2D"])
    assert float(row["Vrel_mps"]) == pytest.approx(result.relative_speed_m_s, rel=1e-9)


@pytest.mark.parametrize("row", CARA_ROWS, ids=[r["Conjunction_ID"][:40] for r in CARA_ROWS])
def test_cara_cdm_own_collision_probability(row: dict[str, str]) -> None:
    """The Pc each CDM states (CARA operations, 4 digits) agrees to 0.3%."""
    cdm = _cdm(f"cara-pc-test-cases/{row['Conjunction_ID']}.cdm")
    stated = cdm.relative.collision_probability
    if stated is None or stated < 1e-10:
        pytest.skip("no stated Pc above 1e-10")
    assert pc_from_cdm(cdm).pc == pytest.approx(stated, rel=3e-3)


def test_tca_adjustment_makes_the_miss_vector_normal_to_the_relative_velocity() -> None:
    cdm = _cdm(f"cara-pc-test-cases/{CARA_ROWS[21]['Conjunction_ID']}.cdm")
    s = cdm_inertial_states(cdm)
    before = float((s.r2 - s.r1) @ (s.v2 - s.v1)) / np.linalg.norm(s.v2 - s.v1)
    dt, r1, r2 = linear_tca_adjustment(s.r1, s.v1, s.r2, s.v2)
    after = float((r2 - r1) @ (s.v2 - s.v1)) / np.linalg.norm(s.v2 - s.v1)
    assert abs(before) > 0.5 and abs(after) < 1e-6  # metres along the relative velocity
    assert dt == pytest.approx(-before / np.linalg.norm(s.v2 - s.v1))


# ----------------------------------------------------------------------------------------------
# Alfano 2009 cases, Omitron edge cases


def _alfano_rows() -> list[dict[str, str]]:
    path = CONJUNCTION / "alfano-2009-expected-pc.csv"
    if not path.exists():
        return [{"case": "missing", "cdm_file": "<reference data missing>"}]
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


ALFANO = _alfano_rows()


@pytest.mark.parametrize("row", ALFANO, ids=[f"case{r['case']}" for r in ALFANO])
def test_alfano_2009_cases(row: dict[str, str]) -> None:
    cdm = _cdm(row["cdm_file"])
    result = pc_from_cdm(cdm)
    assert result.hbr_m == float(row["hbr_m"])
    assert result.pc == pytest.approx(float(row["expected_pc2d"]), rel=1e-3)


@pytest.mark.parametrize("row", ALFANO, ids=[f"case{r['case']}" for r in ALFANO])
def test_frisbee_max_pc_bounds_the_alfano_cases(row: dict[str, str]) -> None:
    """CARA's FrisbeeMaxPc unit test: the maximum is never below the Pc of the real covariances."""
    s = cdm_inertial_states(_cdm(row["cdm_file"]))
    result = frisbee_max_pc(s.r1, s.v1, s.cov1, s.r2, s.v2, s.cov2, float(row["hbr_m"]))
    assert result.pc_method == PC_MAX_FRISBEE
    assert result.pc >= float(row["expected_pc2d"]) * (1 - 1e-4)


OMITRON = [
    "OmitronTestCase_Test01_HighPc.cdm",
    "OmitronTestCase_Test02_MaxRadialSigma.cdm",
    "OmitronTestCase_Test03_MaxIntrackSigma.cdm",
    "OmitronTestCase_Test04_MaxCrossTrackSigma.cdm",
    "OmitronTestCase_Test05_MinMiss.cdm",
    "OmitronTestCase_Test06_MinRelVel.cdm",
    "OmitronTestCase_Test07_NonPDCovariance.cdm",
    "OmitronTestCase_Test08_3DNc.cdm",
]


@pytest.mark.parametrize("name", OMITRON)
@pytest.mark.parametrize("adjust", [True, False])
def test_omitron_edge_cases_give_a_number_never_nan(name: str, adjust: bool) -> None:
    cdm = _cdm(f"cara-sample-cdms/{name}")
    # Test 08 states no HBR: CARA's default screening value.
    result = pc_from_cdm(cdm, adjust_to_tca=adjust, hbr_m=None if cdm.combined_hbr_m() else 20.0)
    assert math.isfinite(result.pc) and 0.0 <= result.pc <= 1.0
    assert math.isfinite(result.sigma_major_m) and result.sigma_minor_m > 0.0


def test_omitron_values() -> None:
    # Test 01: CARA's Monte Carlo unit test expects 0.42 (+/-10%) for this event.
    assert pc_from_cdm(
        _cdm("cara-sample-cdms/OmitronTestCase_Test01_HighPc.cdm")
    ).pc == pytest.approx(0.42, rel=0.1)
    # Test 07: the combined 3x3 covariance has a negative eigenvalue; the miss is 50 km.
    npd = _cdm("cara-sample-cdms/OmitronTestCase_Test07_NonPDCovariance.cdm")
    s = cdm_inertial_states(npd)
    assert np.linalg.eigvalsh((s.cov1 + s.cov2)[:3, :3])[0] < 0.0
    assert pc_from_cdm(npd).pc == npd.relative.collision_probability == 0.0


def test_non_positive_definite_plane_covariance_is_clipped_like_cara() -> None:
    """One negative eigenvalue on the encounter plane: clipped at (1e-4 HBR)**2."""
    v1, v2 = np.array([0.0, 7e3, 0.0]), np.array([0.0, 0.0, 7e3])
    r2 = np.array([5.0, 0.0, 0.0])
    # Plane axes here: x along +x, z along -y... the x-z covariance has
    # eigenvalues 100**2 and -1 (not positive definite).
    cov = np.diag([100.0**2, 0.0, 0.0])
    cov[1, 1] = -1.0
    cov[2, 2] = -1.0
    result = foster_pc(np.zeros(3), v1, cov, r2, v2, None, 10.0)
    assert result.covariance_remediated
    assert result.sigma_minor_m == pytest.approx(1e-4 * 10.0)
    # All the minor-axis mass is inside the circle: Pc is the major axis' share.
    from scipy.stats import norm

    expected = norm.cdf(15.0 / 100.0) - norm.cdf(-5.0 / 100.0)
    assert result.pc == pytest.approx(expected, rel=1e-3)
    with pytest.raises(PcError, match="two non-positive eigenvalues"):
        foster_pc(np.zeros(3), v1, -np.eye(3), r2, v2, None, 10.0)


# ----------------------------------------------------------------------------------------------
# Maximum Pc


def test_frisbee_case_with_secondary_covariance_unknown() -> None:
    """CARA FrisbeeMaxPc_UnitTest tests 12-13 (Frisbee's example): 4.3e-5 and 1.71e-4 (+/-5e-7)."""
    s = cdm_inertial_states(_cdm("cara-sample-cdms/FrisbeeMaxPcTestCase_Test01.cdm"))
    for hbr, expected in ((5.0, 4.3e-5), (10.0, 1.71e-4)):
        result = frisbee_max_pc(s.r1, s.v1, s.cov1, s.r2, s.v2, None, hbr)
        assert result.pc == pytest.approx(expected, abs=5e-7)
        # The file's secondary covariance is the maximising one: same Pc.
        full = foster_pc(s.r1, s.v1, s.cov1, s.r2, s.v2, s.cov2, hbr)
        assert result.pc == pytest.approx(full.pc, rel=1e-4)
        assert "secondary covariance unknown" in result.assumptions[0]


# CARA FrisbeeMaxPc_UnitTest tests 14-27: (HBR 70 m, HBR 20 m) x (primary unknown,
# secondary unknown), square hard body of equal area, tolerance 1e-2 relative.
SINGLE_COVARIANCE = {
    "1-1": ((3.1394e-6, 3.1860e-4), (2.5628e-7, 2.6520e-5)),
    "1-3": ((7.1823e-04, 1.5071e-03), (6.2288e-05, 4.2044e-04)),
    "1-4": ((3.3299e-04, 4.2791e-04), (2.7330e-05, 3.5247e-05)),
    "1-5": ((9.8187e-07, 3.3912e-04), (8.0154e-08, 2.8746e-05)),
    "1-6": ((9.7227e-05, 5.8415e-04), (7.9600e-06, 5.4289e-05)),
    "1-7": ((1.4561e-04, 7.0648e-04), (1.1887e-05, 5.7679e-05)),
    "1-8": ((1.4553e-04, 8.0636e-04), (1.1880e-05, 6.5836e-05)),
    "1-9": ((1.3853e-04, 6.7446e-04), (1.1309e-05, 5.5064e-05)),
    "1-10": ((5.1819e-06, 3.9759e-04), (4.2302e-07, 3.5481e-05)),
    "1-11": ((1.7958e-05, 1.7066e-04), (1.4659e-06, 1.3941e-05)),
    "1-12": ((2.6764e-01, 2.6808e-01), (5.4455e-02, 7.6646e-02)),
    "1-13": ((8.4809e-04, 4.5470e-03), (6.9822e-05, 1.0159e-03)),
    "1-14": ((3.3442e-04, 7.8710e-04), (2.7323e-05, 6.4567e-05)),
    "1-15": ((1.1225e-03, 1.1361e-03), (1.6925e-04, 2.0861e-04)),
}


@pytest.mark.parametrize("case", sorted(SINGLE_COVARIANCE))
def test_frisbee_single_covariance_cases(case: str) -> None:
    s = cdm_inertial_states(_cdm(f"cara-sample-cdms/SingleCovTestCase{case}.cdm"))
    for hbr, (primary_unknown, secondary_unknown) in zip(
        (70.0, 20.0), SINGLE_COVARIANCE[case], strict=True
    ):
        a = frisbee_max_pc(s.r1, s.v1, None, s.r2, s.v2, s.cov2, hbr, shape="square-equal-area")
        b = frisbee_max_pc(s.r1, s.v1, s.cov1, s.r2, s.v2, None, hbr, shape="square-equal-area")
        assert a.pc == pytest.approx(primary_unknown, rel=1e-2)
        assert b.pc == pytest.approx(secondary_unknown, rel=1e-2)


def test_scaled_max_pc_is_the_maximum_over_scale() -> None:
    s = cdm_inertial_states(_cdm(f"cara-pc-test-cases/{CARA_ROWS[0]['Conjunction_ID']}.cdm"))
    shape = (s.cov1 + s.cov2)[:3, :3]
    best = scaled_max_pc(s.r1, s.v1, s.r2, s.v2, 10.0, shape_covariance=shape)
    assert best.pc_method == PC_MAX_SCALED
    for scale in np.geomspace(1e-3, 1e3, 61):
        assert foster_pc(s.r1, s.v1, shape * scale**2, s.r2, s.v2, None, 10.0).pc <= best.pc * (
            1 + 1e-9
        )
    # Isotropic, small hard body: max Pc = R**2 / (e d**2) (Alfano 2005).
    iso = scaled_max_pc(s.r1, s.v1, s.r2, s.v2, 1.0)
    d = iso.miss_distance_m
    assert iso.pc == pytest.approx(1.0 / (math.e * d**2), rel=1e-4)
    inside = scaled_max_pc(s.r1, s.v1, s.r1 + np.array([3.0, 0, 0]), s.v2, 10.0)
    assert inside.pc == 1.0
    # Just outside the hard body the edge looks like a half-plane: the maximum
    # approaches 1/2 from below.
    edge = scaled_max_pc(np.zeros(3), np.array([0, 7e3, 0]), np.array([10.0001, 0, 0]),
                         np.array([0, 0, 7e3]), 10.0)  # fmt: skip
    assert 0.45 < edge.pc < 0.5


# ----------------------------------------------------------------------------------------------
# Frames


def test_itrf_message_relative_state_matches_the_stated_one() -> None:
    """ION SCV-008 vs STARLINK-1233 (CSpOC, ITRF): with w x r added to the velocities,
    the relative position/velocity in RTN reproduce the message's own values."""
    cdm = _cdm("ccsds-cdm-examples/ION_SCV8_vs_STARLINK_1233.txt")
    s = cdm_inertial_states(cdm)
    basis = rtn_basis(s.r1, s.v1)
    stated_position = np.array(cdm.relative.relative_position_rtn_m)
    stated_velocity = np.array(cdm.relative.relative_velocity_rtn_m_s)
    assert np.allclose(basis.T @ (s.r2 - s.r1), stated_position, atol=0.06)
    assert np.allclose(basis.T @ (s.v2 - s.v1), stated_velocity, atol=0.06)
    # CSpOC does not state its HBR; neither object has a distributable CARA
    # value, so the table gives CARA's default for both.
    result = pc_from_cdm(cdm)
    assert result.hbr_m == pytest.approx(2 * DEFAULT_HBR_M)
    assert 0.0 < result.pc < cdm.relative.collision_probability  # type: ignore[operator]


def test_pc_is_the_same_in_an_earth_fixed_frame() -> None:
    """Write a CARA case in a frozen Earth-fixed frame: the Pc must not change."""
    cdm = _cdm(f"cara-pc-test-cases/{CARA_ROWS[3]['Conjunction_ID']}.cdm")
    angle = 1.234
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    omega = np.array([0.0, 0.0, EARTH_ROTATION_RAD_S])
    moved = []
    for obj in cdm.objects:
        r = rotation @ obj.position_m
        v = rotation @ obj.velocity_m_s - np.cross(omega, r)
        moved.append(replace(obj, ref_frame="ITRF", position_km=tuple(r / 1e3),
                             velocity_km_s=tuple(v / 1e3)))  # fmt: skip
    earth_fixed = replace(cdm, objects=(moved[0], moved[1]))
    assert pc_from_cdm(earth_fixed).pc == pytest.approx(pc_from_cdm(cdm).pc, rel=1e-9)
    mixed = replace(cdm, objects=(moved[0], cdm.objects[1]))
    with pytest.raises(PcError, match="different REF_FRAMEs"):
        pc_from_cdm(mixed)


# ----------------------------------------------------------------------------------------------
# Bad input: clear errors, never NaN


def test_bad_inputs_raise_clear_errors() -> None:
    r1, v1 = np.zeros(3), np.array([0.0, 7e3, 0.0])
    r2, v2 = np.array([100.0, 0, 0]), np.array([0.0, 0.0, 7e3])
    eye = np.eye(3) * 1e4
    with pytest.raises(PcError, match="relative velocity is zero"):
        foster_pc(r1, v1, eye, r2, v1, eye, 10.0)
    with pytest.raises(PcError, match="hard-body radius"):
        foster_pc(r1, v1, eye, r2, v2, eye, -1.0)
    with pytest.raises(PcError, match="hard-body radius"):
        foster_pc(r1, v1, eye, r2, v2, eye, math.nan)
    with pytest.raises(PcError, match="r2 must be three finite numbers"):
        foster_pc(r1, v1, eye, np.array([1.0, math.inf, 0]), v2, eye, 10.0)
    with pytest.raises(PcError, match="cov1 has non-finite"):
        foster_pc(r1, v1, eye * math.nan, r2, v2, eye, 10.0)
    with pytest.raises(PcError, match="cov2 must be a square matrix"):
        foster_pc(r1, v1, eye, r2, v2, np.ones(3), 10.0)
    with pytest.raises(PcError, match="both covariances are unknown"):
        frisbee_max_pc(r1, v1, None, r2, v2, None, 10.0)
    assert foster_pc(r1, v1, eye, r2, v2, eye, 0.0).pc == 0.0
    # Zero miss (Alfano-style): CARA's tiny offset keeps the plane defined.
    here = np.array([7000e3, 0.0, 0.0])
    assert foster_pc(here, v1, eye, here, v2, eye, 10.0).pc == pytest.approx(
        1 - math.exp(-(10.0**2) / (2 * 2e4)), rel=1e-6
    )
    assert foster_pc(r1, v1, eye, r1, v2, eye, 10.0).pc == pytest.approx(
        1 - math.exp(-(10.0**2) / (2 * 2e4)), rel=1e-6
    )
    no_hbr = _cdm("cara-sample-cdms/SingleCovTestCase1-1.cdm")
    first, second = (replace(o, object_designator="X") for o in no_hbr.objects)
    with pytest.raises(PcError, match=r"SingleCovTestCase1-1.cdm: OBJECT1: no HBR .* pass hbr_m"):
        pc_from_cdm(replace(no_hbr, objects=(first, second)))


def test_cdm_without_hbr_uses_the_cara_table() -> None:
    cdm = _cdm("cara-sample-cdms/SingleCovTestCase1-1.cdm")  # ISS vs 34658, no HBR stated
    result = pc_from_cdm(cdm)
    table = load_hbr_table()
    expected = combined_hbr_m(table.lookup(25544), table.lookup(34658))
    assert result.hbr_m == expected
    assert result.hbr_source.startswith("CARA HBR table, combined (25544: 66.1 m")


# ----------------------------------------------------------------------------------------------
# HBR table


def test_shipped_hbr_table_is_derived_from_the_cara_file(tmp_path: Path) -> None:
    source = shared_file("conjunction/nasa_cara_HBR_Mass_Estimates_20260601.csv")
    rebuilt = tmp_path / "hbr.csv.gz"
    assert build_hbr_table(source, rebuilt) == 58_609
    shipped = Path(__file__).resolve().parents[2] / "orbit" / "data" / HBR_TABLE_RESOURCE
    assert gzip.decompress(rebuilt.read_bytes()) == gzip.decompress(shipped.read_bytes())
    table = HbrTable.from_file(rebuilt)
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in random.Random(7).sample(rows, 400):
        estimate = table.lookup(int(row["ObjectID"]))
        if row["HBR"]:
            assert estimate.hbr_m == float(row["HBR"])
            assert estimate.hbr_sigma_m == float(row["HBRSigma"])
            assert estimate.source == row["HBRSource"]
        else:
            assert (estimate.hbr_m, estimate.hbr_sigma_m) == (DEFAULT_HBR_M, 0.0)
            assert estimate.source == f"Default ({row['HBRSource']} value not distributed)"


def test_hbr_lookup_and_combination() -> None:
    table = load_hbr_table()
    assert len(table) == 58_609
    assert table.lookup(20580) == HbrEstimate(20580, 8.4, 0.0, "CARA Protected Primary")  # HST
    rcs = table.lookup(51)
    assert rcs.source == "SFK RCS Estimate" and rcs.hbr_sigma_m > 0
    # Baars & Hall (2022) eq. 8, and its zero-sigma reduction to a plain sum.
    a, b = HbrEstimate(1, 2.0, 0.3, "x"), HbrEstimate(2, 1.0, 0.4, "y")
    assert combined_hbr_m(a, b) == pytest.approx(math.sqrt(9.0 + 0.09 + 0.16))
    assert combined_hbr_m(table.lookup(20580), table.lookup(25544)) == pytest.approx(74.5)


def test_bad_hbr_files_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("ObjectID,HBR,HBRSigma,HBRSource\n1,2.0,0,Default\n2,x,0,Default\n")
    with pytest.raises(ValueError, match=r"bad.csv, line 3: could not convert"):
        build_hbr_table(bad, tmp_path / "out.gz")
    bad.write_text("ObjectID,HBR,HBRSigma,HBRSource\n1,2.0,0,Guess\n")
    with pytest.raises(ValueError, match=r"line 2: unknown HBRSource 'Guess'"):
        build_hbr_table(bad, tmp_path / "out.gz")
    bad.write_text("ObjectID,HBR\n1,2.0\n")
    with pytest.raises(ValueError, match="line 1: missing columns"):
        build_hbr_table(bad, tmp_path / "out.gz")


# ----------------------------------------------------------------------------------------------
# TLE-only Pc and the SGP4 error model


def _iss_elements() -> list[ElementSet]:
    path = shared_file("history/iss-25544-tle-history-2020-2024.csv")
    with path.open(newline="") as handle:
        text = "\n".join(f"{r['TLE_LINE1']}\n{r['TLE_LINE2']}" for r in csv.DictReader(handle))
    result = read_elements(text, name=path.name)
    assert not result.issues
    return sorted(result.elements, key=lambda e: e.epoch)


@pytest.fixture(scope="module")
def iss() -> list[ElementSet]:
    return _iss_elements()


def test_sgp4_error_model_matches_the_iss_history(iss: list[ElementSet]) -> None:
    """Re-measure the leo-drag regime: TLE-to-TLE RTN differences, robust sigma per age bin."""
    regime = sgp4_error_regime(iss[0])
    assert regime is not None and regime.name == "leo-drag"
    epochs = np.array([e.epoch.timestamp() for e in iss]) / 86400.0
    satrecs = [e.to_satrec() for e in iss]
    rng = random.Random(3)
    for low, high in ((0.1, 0.2), (0.5, 0.75), (1.0, 1.5), (2.0, 2.5), (3.0, 4.0), (5.0, 6.0)):
        diffs: list[np.ndarray] = []
        ages: list[float] = []
        while len(diffs) < 1500:
            i = rng.randrange(len(iss))
            j = int(np.searchsorted(epochs, epochs[i] + rng.uniform(low, high)))
            if j >= len(iss) or not low <= epochs[j] - epochs[i] < high:
                continue
            later = satrecs[j]
            e1, r1, _ = satrecs[i].sgp4(later.jdsatepoch, later.jdsatepochF)
            e2, r2, v2 = later.sgp4(later.jdsatepoch, later.jdsatepochF)
            assert e1 == e2 == 0
            basis = rtn_basis(np.array(r2), np.array(v2))
            diffs.append(basis.T @ (np.array(r1) - np.array(r2)))
            ages.append(epochs[j] - epochs[i])
        d = np.array(diffs)
        measured = 1.4826 * np.median(np.abs(d - np.median(d, axis=0)), axis=0)
        modelled = regime.sigma_rtn_km(float(np.median(ages)))
        assert np.all(np.abs(np.log(modelled / measured)) < np.log(1.35)), (low, measured, modelled)


def test_regimes() -> None:
    base = ElementSet(norad_id=1, designator=None, name=None,
                      epoch=datetime(2024, 1, 1, tzinfo=UTC), mean_motion=15.5, eccentricity=0.0005,
                      inclination_deg=51.6, raan_deg=0.0, arg_perigee_deg=0.0, mean_anomaly_deg=0.0,
                      bstar=1e-4)  # fmt: skip
    assert sgp4_error_regime(base).name == "leo-drag"  # type: ignore[union-attr]
    assert sgp4_error_regime(replace(base, mean_motion=14.2)).name == "leo"  # type: ignore[union-attr]
    assert sgp4_error_regime(replace(base, mean_motion=1.0027)) is None  # GEO
    assert sgp4_error_regime(replace(base, mean_motion=2.0, eccentricity=0.7)) is None  # Molniya
    leo = SGP4_ERROR_MODEL[1]
    assert leo.sigma_rtn_km(0.0)[1] == pytest.approx(1.0)
    assert leo.sigma_rtn_km(1.0)[1] == pytest.approx(math.sqrt(5.0))  # 1 km + 2 km/day
    assert np.all(leo.sigma_rtn_km(-2.0) == leo.sigma_rtn_km(2.0))


def _crossing_pair(iss: list[ElementSet]) -> tuple[ElementSet, ElementSet, datetime]:
    """A real ISS element set and a polar-orbit companion that crosses it near a node.

    The companion's mean anomaly and mean motion offsets were tuned once (by
    minimising the miss) to give a ~200 m miss within a second of the epoch.
    """
    primary = iss[-1]
    companion = replace(primary, norad_id=99_001, name="TEST COMPANION", designator="2024-999A",
                        inclination_deg=97.5,
                        mean_anomaly_deg=primary.mean_anomaly_deg + 0.0263,
                        mean_motion=primary.mean_motion + 0.0075)  # fmt: skip
    a, b = primary.to_satrec(), companion.to_satrec()

    def distance(minutes: float) -> float:
        return float(
            np.linalg.norm(np.subtract(a.sgp4_tsince(minutes)[1], b.sgp4_tsince(minutes)[1]))
        )

    grid = np.arange(0.0, 180.0, 0.25)
    start = float(grid[int(np.argmin([distance(m) for m in grid]))])
    best = optimize.minimize_scalar(distance, bounds=(start - 0.5, start + 0.5), method="bounded",
                                    options={"xatol": 1e-9})  # fmt: skip
    tca = primary.epoch + timedelta(minutes=float(best.x))
    return primary, companion, tca


def test_tle_only_pc_states_its_assumptions(iss: list[ElementSet]) -> None:
    primary, companion, tca = _crossing_pair(iss)
    result = tle_pc(primary, companion, tca)
    assert result.pc_method == PC_FOSTER_SGP4
    assert 0.0 < result.pc < 1.0
    assert result.hbr_m == pytest.approx(66.1 + DEFAULT_HBR_M)  # ISS from CARA + unknown object
    assert "SGP4 error model 'leo-drag'" in result.assumptions[0]
    assert "Vallado & Cefola 2012" in result.assumptions[0]
    later = tle_pc(primary, companion, tca, hbr_m=5.0)
    assert later.hbr_source == "given"
    # The same elements stamped three days earlier: three days of error growth.
    older = tle_pc(replace(primary, epoch=primary.epoch - timedelta(days=3)),
                   replace(companion, epoch=companion.epoch - timedelta(days=3)), tca, hbr_m=5.0)  # fmt: skip
    assert older.sigma_major_m > 5 * later.sigma_major_m
    geo = replace(companion, mean_motion=1.0027, eccentricity=0.0002)
    fallback = tle_pc(primary, geo, tca, hbr_m=5.0)
    assert fallback.pc_method == PC_MAX_SCALED
    assert "no SGP4 error model for its orbit" in fallback.assumptions[1]


def test_tle_event_cdm_round_trip_reproduces_the_pc(iss: list[ElementSet]) -> None:
    primary, companion, tca = _crossing_pair(iss)
    created = datetime(2024, 12, 31, 12, tzinfo=UTC)
    cdm, result = tle_event_cdm(primary, companion, tca, message_id="spacereg-test-1",
                                creation_date=created)  # fmt: skip
    text = write_cdm(cdm)
    assert "COMMENT Covariance ASSUMED" in text and "COVARIANCE_METHOD" in text
    back = read_cdm(text)
    assert back == cdm
    again = pc_from_cdm(back, adjust_to_tca=False)
    # GCRF states and RTN covariance from the file give the TEME-computed Pc.
    assert again.pc == pytest.approx(result.pc, rel=1e-9)
    assert again.hbr_m == pytest.approx(result.hbr_m, rel=1e-15)
    assert back.relative.miss_distance_m == pytest.approx(result.miss_distance_m, rel=1e-9)
    first: CdmObject = back.objects[0]
    assert first.ref_frame == "GCRF" and first.covariance_method == "DEFAULT"
    assert first.object_designator == "25544"
