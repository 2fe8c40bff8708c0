"""read_elements: sources (path, str, bytes, gzip), format detection, error modes."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest

from orbit.elements import ElementSet
from orbit.issues import ParseError, ParseIssue
from orbit.read import detect_format, iter_records, read_elements
from tests.conftest import shared_file

DATA = Path(__file__).parent / "data"
ISS = (
    "ISS (ZARYA)\n"
    "1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991\n"
    "2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482\n"
)
BAD_ISS = ISS.replace("202482\n", "202483\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ISS, "tle"),
        (ISS.split("\n", 1)[1], "tle"),  # 2-line form
        ("\ufeff\n  " + ISS, "tle"),
        ("", "tle"),
        ('[{"OBJECT_NAME": "X"}]', "omm-json"),
        ('  {"OBJECT_NAME": "X"}', "omm-json"),
        ("<?xml version='1.0'?>\n<ndm/>", "omm-xml"),
        ("CCSDS_OMM_VERS = 2.0\n", "omm-kvn"),
        ("COMMENT made by hand\nCCSDS_OMM_VERS = 2.0", "omm-kvn"),
        ("COMMENTSAT 1\n" + ISS.split("\n", 1)[1], "tle"),  # a name is not a KVN comment
        ("OBJECT_NAME,OBJECT_ID,EPOCH,NORAD_CAT_ID\n", "omm-csv"),
        ('"NORAD_CAT_ID","EPOCH"\r\n', "omm-csv"),
        ("STARLINK-1, 2, 3\n" + ISS.split("\n", 1)[1], "tle"),  # a comma in a name
    ],
)
def test_format_detection(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_path_str_and_bytes_give_the_same_result(tmp_path: Path) -> None:
    path = tmp_path / "iss.tle"
    path.write_bytes(ISS.replace("\n", "\r\n").encode("ascii"))
    from_path = read_elements(path)
    from_bytes = read_elements(path.read_bytes(), name=str(path))
    from_text = read_elements(ISS, name=str(path))
    assert from_path == from_bytes == from_text
    assert from_path.source == str(path)
    assert from_path.elements[0].source == str(path)
    assert from_path.elements[0].record == 2


def test_gzip_files_and_bytes_are_opened(tmp_path: Path) -> None:
    sample = (DATA / "omm-sample.csv").read_bytes()
    path = tmp_path / "sample.csv.gz"
    path.write_bytes(gzip.compress(sample))
    plain = read_elements(DATA / "omm-sample.csv")
    packed = read_elements(path)
    from_bytes = read_elements(gzip.compress(sample))
    assert packed.format == from_bytes.format == "omm-csv"
    assert _bare(packed.elements) == _bare(plain.elements) == _bare(from_bytes.elements)


def _bare(elements: list[ElementSet]) -> list[ElementSet]:
    return [dataclasses.replace(es, source=None) for es in elements]


def test_skip_collects_issues_and_raise_stops_at_the_first() -> None:
    text = BAD_ISS + ISS + BAD_ISS
    skipped = read_elements(text, name="two-bad.tle")
    assert (skipped.accepted, skipped.rejected) == (1, 2)
    assert [issue.line for issue in skipped.issues] == [3, 9]
    with pytest.raises(ParseError) as raised:
        read_elements(text, name="two-bad.tle", on_error="raise")
    assert raised.value.issue == skipped.issues[0]
    assert str(raised.value) == "two-bad.tle:3: line 2 checksum digit is 3, the line sums to 2"


def test_a_clean_source_reads_the_same_in_both_modes() -> None:
    assert read_elements(ISS, on_error="raise") == read_elements(ISS)


def test_on_error_must_be_known() -> None:
    with pytest.raises(ValueError, match="on_error must be 'skip' or 'raise'"):
        read_elements(ISS, on_error="ignore")  # type: ignore[arg-type]


def test_unreadable_path_raises_in_both_modes(tmp_path: Path) -> None:
    missing = tmp_path / "missing.tle"
    for mode in ("skip", "raise"):
        with pytest.raises(ParseError) as raised:
            read_elements(missing, on_error=mode)
        assert raised.value.issue.kind == "io"
        assert str(raised.value).startswith(f"{missing}: cannot read: No such file")


def test_text_in_no_format_says_what_was_expected() -> None:
    result = read_elements("catalog.txt")
    [issue] = result.issues
    assert issue.reason.startswith("not TLE or OMM (CSV, JSON, XML, KVN) element data")
    assert "pathlib.Path" in issue.reason


def test_empty_sources_have_nothing_to_report() -> None:
    for source in ("", b"", "\n\n"):
        result = read_elements(source)
        assert (result.format, result.elements, result.issues) == ("tle", [], [])


def test_bytes_that_are_not_utf8_reject_only_their_record() -> None:
    data = b"ISS \xff\xfe\n" + ISS.split("\n", 1)[1].encode() + ISS.encode()
    result = read_elements(data, name="latin.tle")
    assert result.accepted == 1
    [issue] = result.issues
    assert (issue.line, issue.kind) == (1, "encoding")
    csv_bytes = (DATA / "omm-sample.csv").read_bytes().replace(b"LCS 1", b"LCS \xe9")
    result = read_elements(csv_bytes, name="sample.csv")
    assert result.accepted == 4
    assert str(result.issues[0]) == (
        "sample.csv:4: record 3: OBJECT_NAME: value is not valid UTF-8 text"
    )


def test_iter_records_streams_the_same_items() -> None:
    path = DATA / "omm-sample.kvn"
    items = list(iter_records(path))
    result = read_elements(path)
    assert [i for i in items if isinstance(i, ElementSet)] == result.elements
    assert [i for i in items if isinstance(i, ParseIssue)] == result.issues


def test_iter_records_raises_for_a_missing_file_when_called(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        iter_records(tmp_path / "missing.csv")


def test_each_shared_catalog_is_detected() -> None:
    for relative, expected in [
        ("catalog/full-catalog-3le-2019-03-19.txt", "tle"),
        ("catalog/alpha5/alpha5-T-analyst-27xxxx-snapshot.tle", "tle"),
        ("catalog/celestrak-gp-active-2026-07-10.csv", "omm-csv"),
    ]:
        head = shared_file(relative).read_text(encoding="utf-8")[:4096]
        assert detect_format(head) == expected
