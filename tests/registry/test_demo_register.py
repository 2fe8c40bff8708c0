"""The demo register derived from GCAT: independent counts, the loader, and bad input."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from registry.demo.derive_gcat import CATEGORY_FUNCTIONS, GcatInputError, derive, main
from registry.demo.register import (
    COLUMNS,
    CREDIT,
    DEMO_REGISTER,
    GCAT_NOT_IN_SOURCE,
    DemoRecord,
    DemoRegisterError,
    load_demo_register,
)
from registry.states.reference import load_states
from registry.validation import kepler_period_min, validate_document_symbol, validate_object
from tests.conftest import shared_file

PSATCAT = "registry/gcat-psatcat-2025-07-30.tsv"
ORGS = "registry/gcat-orgs-2025-12-01.tsv"
#: After the last launch in the file: no "launch in the future" from the data itself.
TODAY = date(2025, 8, 1)


@pytest.fixture(scope="module")
def records() -> list[DemoRecord]:
    return load_demo_register()


@pytest.fixture(scope="module")
def finding_counts(records: list[DemoRecord]) -> Counter[str]:
    """Number of records with at least one finding of each code (historical import)."""
    known = frozenset(s.code for s in load_states())
    counts: Counter[str] = Counter()
    for record in records:
        found = validate_object(record.to_object_in(), record.validation_context(known, TODAY))
        counts.update({f.code for f in found})
        if record.document_symbol is not None:
            counts.update(f.code for f in validate_document_symbol(record.document_symbol))
    return counts


def test_payload_and_registration_counts(records: list[DemoRecord]) -> None:
    assert len(records) == 23_191
    assert len({r.international_designator for r in records}) == 23_191
    assert sum(r.document_symbol is not None for r in records) == 16_672
    assert sum(r.registered for r in records) == 16_672
    assert sum(r.gcat_state == "-" for r in records) == 666
    bracketed = [r for r in records if r.state_bracketed]
    assert len(bracketed) == 5_893
    assert sum(r.registered for r in bracketed) == 39
    assert all(r.attributed_state == r.state_code for r in bracketed)


def test_counts_from_the_validator(records: list[DemoRecord], finding_counts: Counter[str]) -> None:
    assert finding_counts["document.malformed"] == 19
    assert finding_counts["designator.year_mismatch"] == 402
    assert finding_counts["designator.legacy"] == 171
    assert finding_counts["orbit.apogee_below_perigee"] == 21
    assert finding_counts["orbit.period_kepler_mismatch"] == 170
    # The 666 payloads for which GCAT names no State (one of them registered: Centaur AV-104).
    assert finding_counts["state.missing"] == 666
    assert finding_counts["state.unknown"] == 0
    assert finding_counts["launch.in_future"] == 0
    with_all_three = [
        r for r in records if None not in (r.nodal_period_min, r.perigee_km, r.apogee_km)
    ]
    assert len(with_all_three) == 14_816


def test_legacy_flag_in_the_file_agrees_with_the_validator(
    records: list[DemoRecord], finding_counts: Counter[str]
) -> None:
    assert sum(r.designator_legacy for r in records) == finding_counts["designator.legacy"] == 171


def test_known_records(records: list[DemoRecord]) -> None:
    by_designator = {r.international_designator: r for r in records}
    sputnik = by_designator["1957 ALP 2"]
    assert (sputnik.norad_id, sputnik.gcat_id, sputnik.state_code) == (2, "S00002", "SUN")
    assert sputnik.launch_date.date() == date(1957, 10, 4)
    assert sputnik.inclination_deg == pytest.approx(65.1)
    paksat = by_designator["2011-042A"]
    assert (paksat.state_code, paksat.nodal_period_min) == ("PAK", 0.0)
    # The declared period of 0 reaches the validator even though the API would refuse it.
    assert paksat.to_object_in().nodal_period_min == 0.0
    centaur = by_designator["2023-154C"]
    assert centaur.registered and centaur.state_code is None
    ariel = by_designator["1962 OMI 1"]
    assert (ariel.gcat_state, ariel.gcat_state_code, ariel.state_code) == ("US*", "US", "USA")
    voyager = by_designator["1977-084A"]
    assert voyager.status == "beyond_earth_orbit"
    assert "status" not in voyager.not_in_source


def test_every_state_code_is_in_the_reference_table(records: list[DemoRecord]) -> None:
    known = {s.code for s in load_states()}
    assert {r.state_code for r in records if r.state_code is not None} <= known


def test_status_and_not_in_source(records: list[DemoRecord]) -> None:
    statuses = Counter(r.status for r in records)
    assert statuses["beyond_earth_orbit"] == 44
    assert statuses["landed"] == 6
    for record in records:
        assert set(GCAT_NOT_IN_SOURCE) <= set(record.not_in_source)
        assert (record.status is None) == ("status" in record.not_in_source)
        assert (record.status_date is None) == ("status_date" in record.not_in_source)


def test_every_gcat_category_has_a_function(records: list[DemoRecord]) -> None:
    for record in records:
        assert record.gcat_category is not None and record.function is not None
        for part in record.gcat_category.replace("?", "").replace("*", "").split("/"):
            assert part in CATEGORY_FUNCTIONS, part


def test_shipped_file_is_small_credits_gcat_and_matches_a_fresh_derivation(tmp_path: Path) -> None:
    assert DEMO_REGISTER.stat().st_size < 2_000_000
    with gzip.open(DEMO_REGISTER, "rt", encoding="utf-8") as fh:
        assert fh.readline().strip() == f"# {CREDIT}"
    out = tmp_path / "fresh.csv.gz"
    assert derive(shared_file(PSATCAT), shared_file(ORGS), out) == 23_191
    assert gzip.decompress(out.read_bytes()) == gzip.decompress(DEMO_REGISTER.read_bytes())


def test_declared_values_equal_the_source_exactly(records: list[DemoRecord]) -> None:
    path = shared_file(PSATCAT)
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        source = [
            dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            for line in fh
            if line[0] != "#"
        ]
    columns = {
        "nodal_period_min": "UNPeriod",
        "perigee_km": "UNPerigee",
        "apogee_km": "UNApogee",
        "inclination_deg": "UNInc",
    }
    for record, line in zip(records, source, strict=True):
        assert record.gcat_id == line["#JCAT"]
        assert record.document_symbol == (None if line["UNReg"] == "-" else line["UNReg"])
        for ours, theirs in columns.items():
            text = line[theirs].strip()
            assert getattr(record, ours) == (None if text == "-" else float(text)), (
                record.gcat_id,
                ours,
            )


def test_declared_orbits_are_kept_as_declared(records: list[DemoRecord]) -> None:
    aeolus = next(r for r in records if r.name == "ADM-Aeolus")
    kepler = kepler_period_min(aeolus.perigee_km or 0.0, aeolus.apogee_km or 0.0)
    assert aeolus.nodal_period_min is not None and kepler is not None
    assert aeolus.nodal_period_min < 0.95 * kepler


# --- bad input -----------------------------------------------------------------------------------


def _psatcat_with(tmp_path: Path, line_no: int, field: str, value: str) -> Path:
    """A copy of the first 20 psatcat lines with one field of one line replaced."""
    source = shared_file(PSATCAT)
    with source.open(encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(20)]
    header = lines[0].rstrip("\n").split("\t")
    fields = lines[line_no - 1].rstrip("\n").split("\t")
    fields[header.index(field)] = value
    lines[line_no - 1] = "\t".join(fields) + "\n"
    path = tmp_path / "psatcat.tsv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("UNPeriod", "  9x.5 ", r"psatcat\.tsv:5: field 'UNPeriod': '9x\.5' is not a number"),
        ("UNState", "ZZ", r"psatcat\.tsv:5: field 'UNState': 'ZZ' is not a State or IGO code"),
        ("LDate", "1958 Foo  1", r"psatcat\.tsv:5: field 'LDate'"),
        ("Piece", "-", r"psatcat\.tsv:5: field 'Piece': empty designator"),
    ],
)
def test_bad_psatcat_lines_name_file_line_and_field(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    src = _psatcat_with(tmp_path, 5, field, value)
    with pytest.raises(GcatInputError, match=message):
        derive(src, shared_file(ORGS), tmp_path / "out.csv.gz")


def test_unmapped_gcat_state_stops_the_derivation(tmp_path: Path) -> None:
    # AQ (Antarctica) is a GCAT country code that no row of states.csv claims.
    src = _psatcat_with(tmp_path, 6, "UNState", "[AQ]")
    with pytest.raises(
        GcatInputError, match=r"psatcat\.tsv:6: field 'UNState': GCAT code 'AQ' is not mapped"
    ):
        derive(src, shared_file(ORGS), tmp_path / "out.csv.gz")


def test_short_line_is_reported(tmp_path: Path) -> None:
    src = tmp_path / "psatcat.tsv"
    lines = shared_file(PSATCAT).read_text(encoding="utf-8").splitlines(keepends=True)[:8]
    lines[6] = "\t".join(lines[6].split("\t")[:5]) + "\n"
    src.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(
        GcatInputError, match=r"psatcat\.tsv:7: expected 28 tab-separated fields, got 5"
    ):
        derive(src, shared_file(ORGS), tmp_path / "out.csv.gz")


def test_command_line_usage_and_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["only-one"]) == 2
    assert (
        main([str(tmp_path / "nope.tsv"), str(tmp_path / "orgs.tsv"), str(tmp_path / "o.gz")]) == 1
    )
    assert "nope.tsv: no such file" in capsys.readouterr().err


def _write_register(
    tmp_path: Path, edit: tuple[int, str, str] | None = None, header: str | None = None
) -> Path:
    with gzip.open(DEMO_REGISTER, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()[:10]
    if header is not None:
        lines[2] = header
    if edit is not None:
        line_no, column, value = edit
        fields = lines[line_no - 1].split(",")
        fields[COLUMNS.index(column)] = value
        lines[line_no - 1] = ",".join(fields)
    path = tmp_path / "register.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    return path


def test_loader_reports_bad_fields(tmp_path: Path) -> None:
    assert len(load_demo_register(_write_register(tmp_path))) == 7
    with pytest.raises(DemoRegisterError, match=r"register\.csv\.gz:5: field 'norad_id'"):
        load_demo_register(_write_register(tmp_path, (5, "norad_id", "S5")))
    with pytest.raises(
        DemoRegisterError, match=r"register\.csv\.gz:6: field 'registered': 'yes' is not 0 or 1"
    ):
        load_demo_register(_write_register(tmp_path, (6, "registered", "yes")))
    with pytest.raises(DemoRegisterError, match=r"register\.csv\.gz:3: header"):
        load_demo_register(_write_register(tmp_path, header="a,b,c"))


def test_loader_reports_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(DemoRegisterError, match=r"broken\.csv\.gz: cannot read"):
        load_demo_register(path)
