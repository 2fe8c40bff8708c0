"""CCSDS CDM reader and writer, on every real CDM in shared/data/conjunction."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from orbit.cdm import (
    EXAMPLE,
    Cdm,
    CdmError,
    format_cdm_time,
    parse_cdm_time,
    read_cdm,
    write_cdm,
    write_cdm_directory,
)
from tests.conftest import SHARED_DATA, shared_file

CONJUNCTION = "conjunction"


def _names(folder: str, pattern: str) -> list[str]:
    base = SHARED_DATA / CONJUNCTION / folder
    names = sorted(p.name for p in base.glob(pattern)) if base.is_dir() else []
    return names or ["<reference data missing>"]


ALL_CDMS = [
    *(f"cara-pc-test-cases/{n}" for n in _names("cara-pc-test-cases", "*.cdm")),
    *(f"cara-sample-cdms/{n}" for n in _names("cara-sample-cdms", "*.cdm")),
    *(f"ccsds-cdm-examples/{n}" for n in _names("ccsds-cdm-examples", "*")),
]


def _path(relative: str) -> Path:
    return shared_file(f"{CONJUNCTION}/{relative}")


@pytest.mark.parametrize("relative", ALL_CDMS)
def test_every_real_cdm_reads_and_round_trips(relative: str) -> None:
    cdm = read_cdm(_path(relative))
    assert cdm.relative.tca.tzinfo is not None
    assert cdm.relative.miss_distance_m >= 0.0
    for number, obj in enumerate(cdm.objects, start=1):
        assert obj.object == f"OBJECT{number}"
        # Earth-orbit states in km: catches a unit slip (m read as km) at once.
        assert 6300.0 < np.linalg.norm(obj.position_km) < 100_000.0
        assert 0.0 < np.linalg.norm(obj.velocity_km_s) < 12.0
        assert obj.covariance is not None and len(obj.covariance) in (21, 28, 36, 45)
        matrix = obj.covariance_matrix()
        assert np.array_equal(matrix, matrix.T)
        assert matrix[0, 0] >= 0.0 and matrix[1, 1] > 0.0
    again = read_cdm(write_cdm(cdm))
    assert again == cdm


@pytest.mark.parametrize("relative", [c for c in ALL_CDMS if not c.startswith("ccsds-cdm-")])
def test_relative_position_agrees_with_the_two_states(relative: str) -> None:
    """RELATIVE_POSITION_R/T/N is object 2 minus object 1 in object 1's RTN frame.

    (The CCSDS book's examples are illustrative, not consistent, so they are
    left out; the ITRF message is checked in test_pc with its frame handling.)
    """
    cdm = read_cdm(_path(relative))
    first, second = cdm.objects
    if cdm.relative.relative_position_rtn_m is None or first.ref_frame != second.ref_frame:
        pytest.skip("message carries no relative position")
    r1, r2 = first.position_m, second.position_m
    radial = r1 / np.linalg.norm(r1)
    normal = np.cross(r1, first.velocity_m_s)
    normal /= np.linalg.norm(normal)
    rtn = np.column_stack([radial, np.cross(normal, radial), normal])
    computed = rtn.T @ (r2 - r1)
    stated = np.array(cdm.relative.relative_position_rtn_m)
    if relative.startswith("cara-sample-cdms/") and not np.allclose(computed, stated, atol=1.0):
        # CARA's synthetic test cases (Alfano, Omitron, Frisbee) write object 1
        # minus object 2; the real messages follow the standard.
        computed = -computed
    # CDMs round these to 0.1 m (some to 1 m); the sample cases to 1e-6 m.
    assert np.allclose(computed, stated, atol=1.0, rtol=2e-3), (computed, stated)
    assert math.isclose(np.linalg.norm(r2 - r1), cdm.relative.miss_distance_m, rel_tol=2e-3,
                        abs_tol=1.0)  # fmt: skip


def test_xml_and_kvn_forms_of_the_ccsds_example_carry_the_same_states() -> None:
    kvn = read_cdm(_path("ccsds-cdm-examples/CDMExample1.txt"))
    xml = read_cdm(_path("ccsds-cdm-examples/CDMExample1.xml"))
    assert xml.header.version == "1.0"
    assert xml.header.comments == ("Sample CDM - XML version",)
    assert xml.relative.tca == kvn.relative.tca
    assert xml.relative.relative_velocity_rtn_m_s == (-7.2, -14692.0, -1437.2)
    for a, b in zip(xml.objects, kvn.objects, strict=True):
        assert a.position_km == b.position_km
        assert a.velocity_km_s == b.velocity_km_s
        assert a.covariance == b.covariance
        assert a.object_designator == b.object_designator
    assert xml.objects[0].extra_value("MASS") == "2516"
    assert xml.objects[1].comments[0] == "Object2 Metadata"


def test_standard_keywords_and_variants_are_read() -> None:
    cdm = read_cdm(_path("ccsds-cdm-examples/CDMExample2.txt"))
    first = cdm.objects[0]
    assert len(first.covariance or ()) == 36  # 8x8: drag and SRP rows
    assert first.covariance_matrix()[7, 7] == pytest.approx(1.593e-02)
    assert first.object_type == "PAYLOAD"
    assert first.extra_value("OPERATOR_EMAIL") == "JOHN.DOE@SOMEWHERE.NET"
    assert cdm.relative.collision_probability == pytest.approx(4.835e-05)
    assert (
        len(read_cdm(_path("ccsds-cdm-examples/CDMExample4.txt")).objects[0].covariance or ()) == 45
    )
    # A Unicode minus in a designator is read as a hyphen.
    assert (
        read_cdm(_path("ccsds-cdm-examples/CDMExample1.txt")).objects[0].international_designator
        == "1997-030E"
    )
    # Day-of-year times, "KEY =value" without a space, 2.0 HBR keywords.
    single = read_cdm(_path("cara-sample-cdms/SingleCovTestCase1-1.cdm"))
    assert single.relative.tca == datetime(2014, 1, 24, 15, 59, 51, 345000, tzinfo=UTC)
    v2 = read_cdm(_path("ccsds-cdm-examples/CDMExample_issue_940.txt"))
    assert v2.header.version == "2.0"
    assert v2.objects[0].extra_value("HBR") == "2.5"
    assert v2.objects[1].covariance is not None
    # An ITRF message and its "KEY =value   " padding.
    ion = read_cdm(_path("ccsds-cdm-examples/ION_SCV8_vs_STARLINK_1233.txt"))
    assert ion.objects[1].ref_frame == "ITRF"
    assert ion.objects[1].object_name == "STARLINK-1233"
    assert ion.header.comments[0] == "CDM_ID:519959713"  # "COMMENT =text" form


@pytest.mark.parametrize("number", range(1, 12))
def test_alfano_cases_state_their_hbr_and_their_unit_slips_are_reported(number: int) -> None:
    relative = f"cara-sample-cdms/AlfanoTestCase{number:02d}.cdm"
    cdm = read_cdm(_path(relative))
    expected = {r["cdm_file"]: float(r["hbr_m"]) for r in _alfano_rows()}
    assert cdm.combined_hbr_m() == (expected[relative], "COMMENT HBR")
    # NASA's files label RELATIVE_VELOCITY_R/T/N "[m]": read as m/s, and said so.
    assert len(cdm.warnings) == 3
    assert all("[m]" in w and "RELATIVE_VELOCITY_" in w and ", line " in w for w in cdm.warnings)


def _alfano_rows() -> list[dict[str, str]]:
    import csv

    with shared_file(f"{CONJUNCTION}/alfano-2009-expected-pc.csv").open() as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------------------------
# Bad messages: a clear error naming the field and the line


def _example_text() -> str:
    return _path("ccsds-cdm-examples/CDMExample1.txt").read_text(encoding="utf-8")


def _line_of(text: str, prefix: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(prefix):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(prefix)


def test_missing_state_component_names_field_and_section() -> None:
    text = _example_text()
    lines = text.splitlines()
    x_dot = _line_of(text, "X_DOT", 2)
    del lines[x_dot - 1]
    with pytest.raises(CdmError) as caught:
        read_cdm("\n".join(lines))
    assert caught.value.field == "X_DOT"
    assert "OBJECT2" in str(caught.value)
    assert caught.value.line == _line_of(text, "OBJECT ", 2)


def test_non_numeric_covariance_names_field_and_line() -> None:
    text = _example_text()
    number = _line_of(text, "CT_T")
    lines = text.splitlines()
    lines[number - 1] = (
        "CT_T                          = 2.533E+0x                            [m**2]"
    )
    with pytest.raises(CdmError) as caught:
        read_cdm("\n".join(lines))
    assert (caught.value.field, caught.value.line) == ("CT_T", number)
    assert f"<text>, line {number}: CT_T: not a number" in str(caught.value)


@pytest.mark.parametrize(
    ("prefix", "replacement", "field", "reason"),
    [
        ("TCA", "TCA = 2010-13-13T22:37:52.618", "TCA", "not a valid time"),
        ("TCA", "TCA = yesterday", "TCA", "not a CCSDS time"),
        ("MISS_DISTANCE", "MISS_DISTANCE = NaN [m]", "MISS_DISTANCE", "not a finite number"),
        ("Z ", "Z = [km]", "Z", "not a number"),
        ("CN_N", "this line has no equals sign", None, "not a 'KEYWORD = value' line"),
        ("CREATION_DATE", "CREATION_DATE = 2010-072T25:00:00", "CREATION_DATE", "not a valid time"),
    ],
)
def test_bad_values_name_field_and_line(
    prefix: str, replacement: str, field: str | None, reason: str
) -> None:
    text = _example_text()
    number = _line_of(text, prefix)
    lines = text.splitlines()
    lines[number - 1] = replacement
    with pytest.raises(CdmError) as caught:
        read_cdm("\n".join(lines))
    assert caught.value.line == number
    assert caught.value.field == field
    assert reason in str(caught.value)


def test_structural_errors_are_clear(tmp_path: Path) -> None:
    text = _example_text()
    one_object = text[: text.index("OBJECT                        = OBJECT2")]
    with pytest.raises(CdmError, match="a CDM has two objects; found 1"):
        read_cdm(one_object)
    swapped = text.replace("= OBJECT1", "= OBJECTX")
    with pytest.raises(CdmError, match="OBJECT1 then OBJECT2"):
        read_cdm(swapped)
    doubled = text.replace(
        "MISS_DISTANCE", "TCA                           = 2010-03-13T22:37:52.618\nMISS_DISTANCE", 1
    )
    with pytest.raises(CdmError, match="TCA: appears twice"):
        read_cdm(doubled)
    late_header = text.replace(
        "OBJECT_DESIGNATOR             = 30337", "ORIGINATOR = X\nOBJECT_DESIGNATOR = 30337"
    )
    with pytest.raises(CdmError, match="ORIGINATOR: header keyword after the header"):
        read_cdm(late_header)
    with pytest.raises(CdmError, match="CCSDS_CDM_VERS: missing"):
        read_cdm("\n\n")
    with pytest.raises(CdmError, match="cannot read file"):
        read_cdm(tmp_path / "absent.cdm")
    binary = tmp_path / "binary.cdm"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CdmError, match="not UTF-8"):
        read_cdm(binary)
    xml = _path("ccsds-cdm-examples/CDMExample1.xml").read_text()
    # expat reports an unclosed element where its parent closes.
    with pytest.raises(CdmError, match=r"line 37: malformed XML \(mismatched tag"):
        read_cdm(xml.replace('<MISS_DISTANCE units="m">715</MISS_DISTANCE>', "<MISS_DISTANCE>715"))
    with pytest.raises(CdmError, match="X_DOT: not a number"):
        read_cdm(xml.replace(">4.418769571<", ">four<"))


# ----------------------------------------------------------------------------------------------
# Writing


def test_written_values_read_back_exactly() -> None:
    awkward = replace(
        EXAMPLE,
        relative=replace(EXAMPLE.relative, miss_distance_m=0.1 + 0.2, collision_probability=1e-300,
                         comments=("HBR = 20 [m]", "spacereg test")),
        objects=(replace(EXAMPLE.objects[0], position_km=(1 / 3, -2 / 3, 7000.000000000001)),
                 EXAMPLE.objects[1]),
    )  # fmt: skip
    back = read_cdm(write_cdm(awkward))
    assert back == awkward
    assert back.relative.miss_distance_m == 0.1 + 0.2
    assert back.combined_hbr_m() == (20.0, "COMMENT HBR")


def test_directory_writer_one_file_per_event(tmp_path: Path) -> None:
    events: list[Cdm] = []
    for number in range(3):
        header = replace(EXAMPLE.header, message_id=f"spacereg/{number} test")
        events.append(replace(EXAMPLE, header=header))
    paths = write_cdm_directory(events, tmp_path / "out")
    assert [p.name for p in paths] == [f"spacereg_{n}_test.cdm" for n in range(3)]
    assert [read_cdm(p) for p in paths] == events
    with pytest.raises(ValueError, match="share the file name"):
        write_cdm_directory([events[0], events[0]], tmp_path / "dup")
    assert not (tmp_path / "dup").exists()


def test_times_and_writer_refusals() -> None:
    assert parse_cdm_time("2010-03-13T22:37:52.6181234567").microsecond == 618123
    assert parse_cdm_time("2010-03-13T23:59:59.9999999") == datetime(2010, 3, 14, tzinfo=UTC)
    assert parse_cdm_time("2012-366T00:00:00Z") == datetime(2012, 12, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="day of year 366 out of range"):
        parse_cdm_time("2013-366T00:00:00")
    with pytest.raises(ValueError, match="timezone-aware"):
        format_cdm_time(datetime(2020, 1, 1))
    with pytest.raises(ValueError, match="line break"):
        write_cdm(replace(EXAMPLE, header=replace(EXAMPLE.header, originator="A\nB")))
    with pytest.raises(ValueError, match="covariance has 5 values"):
        write_cdm(replace(EXAMPLE, objects=(replace(EXAMPLE.objects[0], covariance=(1.0,) * 5),
                                            EXAMPLE.objects[1])))  # fmt: skip
