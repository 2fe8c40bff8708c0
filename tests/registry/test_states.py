"""The States reference table: content, GCAT mapping, and errors on a malformed table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from registry.states.reference import (
    STATES_CSV,
    StatesTableError,
    gcat_code_map,
    load_states,
    read_states,
    strip_gcat_state,
    unmapped_gcat_codes,
)
from tests.conftest import shared_file

PSATCAT = "registry/gcat-psatcat-2025-07-30.tsv"
ORGS = "registry/gcat-orgs-2025-12-01.tsv"


def _gcat_column(relative: str, column: str) -> list[str]:
    path = shared_file(relative)
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        index = header.index(column)
        return [line.rstrip("\n").split("\t")[index] for line in fh if not line.startswith("#")]


def test_every_un_member_and_non_member_state_is_listed_once() -> None:
    states = load_states()
    codes = [s.code for s in states]
    assert len(codes) == len(set(codes))
    current = [s for s in states if s.kind == "state"]
    # 193 UN members, the two observer States and the Cook Islands and Niue.
    assert len(current) == 197
    assert all(len(s.code) == 3 and s.code.isalpha() for s in current)
    by_code = {s.code: s for s in states}
    assert by_code["USA"].name == "United States of America"
    assert by_code["GBR"].name == "United Kingdom of Great Britain and Northern Ireland"
    assert by_code["VAT"].name == "Holy See"


def test_dissolved_states_name_their_continuing_and_successor_states() -> None:
    by_code = {s.code: s for s in load_states()}
    assert (by_code["SUN"].kind, by_code["SUN"].continuing_state) == ("dissolved_state", "RUS")
    assert "UKR" in by_code["SUN"].successor_states
    assert by_code["CSK"].continuing_state is None
    assert by_code["CSK"].successor_states == ("CZE", "SVK")
    assert by_code["DDR"].continuing_state == "DEU"
    assert by_code["YUG"].continuing_state is None
    assert set(by_code["CSK"].gcat_codes) == {"CSSR", "CSFR"}


def test_territories_and_igos_are_present() -> None:
    by_code = {s.code: s for s in load_states()}
    assert {by_code[c].kind for c in ("TWN", "HKG", "MAC")} == {"territory"}
    assert by_code["HKG"].continuing_state == "CHN"
    igos = {s.code for s in by_code.values() if s.kind == "igo"}
    assert {"ESA", "EUMETSAT", "EUTELSAT-IGO", "INTERSPUTNIK", "ARABSAT"} <= igos
    # Art. VII declarations of acceptance count as "party" for an IGO.
    assert by_code["ESA"].registration_convention == "party"
    assert by_code["ARABSAT"].registration_convention == "not_party"


def test_convention_status_and_dates_are_consistent() -> None:
    states = load_states()
    for state in states:
        assert state.source, state.code
        if state.convention_date is not None:
            assert state.registration_convention == "party", state.code
    by_code = {s.code: s for s in states}
    assert by_code["USA"].registration_convention == "party"
    assert by_code["EUMETSAT"].convention_date is not None
    assert by_code["EUMETSAT"].convention_date.isoformat() == "1997-07-10"


def test_every_gcat_state_in_psatcat_maps() -> None:
    values = _gcat_column(PSATCAT, "UNState")
    assert len(values) == 23_191
    assert unmapped_gcat_codes(values) == set()
    mapping = gcat_code_map()
    assert mapping["US"] == "USA" and mapping["SU"] == "SUN" and mapping["I-EUM"] == "EUMETSAT"


def test_every_gcat_code_in_the_table_is_a_gcat_state_or_igo() -> None:
    path = shared_file(ORGS)
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        code_at, type_at = header.index("#Code"), header.index("Type")
        kinds: dict[str, set[str]] = {}
        for line in fh:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            kinds[fields[code_at]] = set(fields[type_at].split("/"))
    for gcat, ours in gcat_code_map().items():
        assert gcat in kinds, (gcat, ours)
        assert kinds[gcat] & {"CY", "CYP", "IGO"}, (gcat, ours, kinds[gcat])


def test_unmapped_codes_are_reported() -> None:
    assert unmapped_gcat_codes(["US", "[CN]*", "-", "QQ", "[ZZ]"]) == {"QQ", "ZZ"}
    with pytest.raises(ValueError, match="not a GCAT State value"):
        strip_gcat_state("[US")


def _write_table(tmp_path: Path, edit: dict[str, str], row: int = 0) -> Path:
    with STATES_CSV.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    rows[row].update(edit)
    path = tmp_path / "states.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# comment line\n")
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"kind": "country"}, r"states\.csv:3: field 'kind': 'country' is not one of"),
        ({"code": "us"}, r"states\.csv:3: field 'code'"),
        ({"convention_date": "2001-13-01"}, r"states\.csv:3: field 'convention_date'"),
        ({"registration_convention": "yes"}, r"states\.csv:3: field 'registration_convention'"),
        ({"code": "ALB"}, r"states\.csv:5: field 'code': ALB repeats line 3"),
        ({"gcat_codes": "AF US"}, r"field 'gcat_codes': US already maps to"),
        ({"continuing_state": "XXX"}, r"states\.csv:3: AFG names XXX, which is not in the table"),
    ],
)
def test_malformed_table_names_file_line_and_field(
    tmp_path: Path, edit: dict[str, str], message: str
) -> None:
    path = _write_table(tmp_path, edit)
    with pytest.raises(StatesTableError, match=message):
        read_states(path)


def test_unmodified_copy_reads_back_identically(tmp_path: Path) -> None:
    assert read_states(_write_table(tmp_path, {})) == load_states()
