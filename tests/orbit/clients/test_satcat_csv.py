"""SATCAT CSV into typed rows; bad rows reported by line number."""

from __future__ import annotations

from datetime import date

import pytest

from orbit.clients.satcat import SATCAT_COLUMNS, SatcatFormatError, parse_satcat_csv

HEADER = ",".join(SATCAT_COLUMNS)
ISS = "ISS (ZARYA),1998-067A,25544,PAY,+,ISS,1998-11-20,TYMSC,,92.97,51.63,424,415,399.0524,,EA,ORB"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def test_recorded_satcat_rows_are_typed(recorded) -> None:
    result = parse_satcat_csv(recorded("celestrak-satcat.csv"), source="satcat.csv")

    assert result.issues == []
    by_id = {row.norad_cat_id: row for row in result.rows}
    assert sorted(by_id) == [1, 2, 5, 8820, 20580, 25544, 35315, 48274, 49044]

    iss = by_id[25544]
    assert iss.object_name == "ISS (ZARYA)"
    assert iss.object_id == "1998-067A"
    assert iss.object_type == "PAY"
    assert iss.ops_status_code == "+"
    assert iss.owner == "ISS"
    assert iss.launch_date == date(1998, 11, 20)
    assert iss.launch_site == "TYMSC"
    assert iss.decay_date is None
    assert iss.period_min == pytest.approx(92.97)
    assert iss.inclination_deg == pytest.approx(51.63)
    assert (iss.apogee_km, iss.perigee_km) == (424, 415)
    assert iss.rcs_m2 == pytest.approx(399.0524)
    assert (iss.orbit_center, iss.orbit_type) == ("EA", "ORB")

    sputnik = by_id[2]
    assert sputnik.decay_date == date(1958, 1, 3)
    assert (sputnik.ops_status_code, sputnik.orbit_type) == ("D", "IMP")
    assert sputnik.rcs_m2 is None

    assert by_id[1].object_type == "R/B"
    nauka = by_id[49044]
    assert (nauka.orbit_center, nauka.orbit_type) == ("25544", "DOC")
    assert nauka.period_min is None and nauka.apogee_km is None
    lro = by_id[35315]
    assert (lro.orbit_center, lro.data_status_code) == ("MO", "NCE")


def test_bad_rows_are_skipped_and_reported_with_their_line() -> None:
    text = csv_text(
        ISS,
        "SHORT ROW,1998-067B,25545,R/B",
        "BAD DATE,1999-001A,25600,PAY,+,US,1999-02-30,AFETR,,,,,,,,EA,ORB",
        "BAD NUMBER,1999-001B,25601,PAY,+,US,1999-01-03,AFETR,,ninety,,,,,,EA,ORB",
        "NO NUMBER,1999-001C,,DEB,,US,1999-01-03,AFETR,,,,,,,,EA,ORB",
        "BAD DESIGNATOR,99-001D,25603,DEB,,US,1999-01-03,AFETR,,,,,,,,EA,ORB",
        "HALF KM,1999-001E,25604,DEB,,US,1999-01-03,AFETR,,95.1,51.6,424.5,415,,,EA,ORB",
        ",1999-001F,25605,DEB,,US,1999-01-03,AFETR,,,,,,,,EA,ORB",
        "NOT FINITE,1999-001G,25606,DEB,,US,1999-01-03,AFETR,,inf,,,,,,EA,ORB",
        "LAST GOOD,1999-001H,25607,DEB,?,US,1999-01-03,AFETR,,95.1,51.6,424.0,415,,,EA,ORB",
    )
    result = parse_satcat_csv(text, source="satcat.csv")

    assert [row.object_name for row in result.rows] == ["ISS (ZARYA)", "LAST GOOD"]
    assert result.rows[1].apogee_km == 424
    assert [str(issue) for issue in result.issues] == [
        "satcat.csv, line 3: expected 17 fields, found 4",
        "satcat.csv, line 4: LAUNCH_DATE: '1999-02-30' is not a date (YYYY-MM-DD)",
        "satcat.csv, line 5: PERIOD: 'ninety' is not a number",
        "satcat.csv, line 6: NORAD_CAT_ID: '' is not a catalog number",
        "satcat.csv, line 7: OBJECT_ID: '99-001D' is not an international designator",
        "satcat.csv, line 8: APOGEE: '424.5' is not an integer",
        "satcat.csv, line 9: OBJECT_NAME: empty",
        "satcat.csv, line 10: PERIOD: 'inf' is not a finite number",
    ]


def test_on_error_raise_stops_at_the_first_bad_row() -> None:
    text = csv_text(ISS, "SHORT ROW,1998-067B,25545,R/B", ISS)
    with pytest.raises(SatcatFormatError, match=r"^x.csv, line 3: expected 17 fields, found 4$"):
        parse_satcat_csv(text, source="x.csv", on_error="raise")


def test_a_quoted_name_spanning_lines_is_reported_where_the_row_starts() -> None:
    text = csv_text('"TWO\r\nLINES",1998-067B,oops,R/B,D,CIS,,,,,,,,,,EA,ORB', ISS)
    result = parse_satcat_csv(text, source="s")
    assert [str(i) for i in result.issues] == ["s, line 2: NORAD_CAT_ID: 'oops' is not an integer"]
    assert [row.norad_cat_id for row in result.rows] == [25544]


def test_columns_are_found_by_name() -> None:
    columns = [*reversed(SATCAT_COLUMNS), "EXTRA"]
    values = dict(zip(SATCAT_COLUMNS, ISS.split(","), strict=True))
    row = ",".join(values.get(name, "x") for name in columns)
    result = parse_satcat_csv(csv_text(row, header=",".join(columns)))
    assert result.issues == []
    assert (result.rows[0].norad_cat_id, result.rows[0].object_id) == (25544, "1998-067A")


def test_quoted_commas_bom_and_blank_lines() -> None:
    row = '"DEB, PIECE",1998-067B,25545,DEB,,CIS,1998-11-20,TYMSC,,,,,,,,EA,ORB'
    text = "\ufeff" + csv_text(row, "", ISS)
    result = parse_satcat_csv(text.encode("utf-8"))
    assert [r.object_name for r in result.rows] == ["DEB, PIECE", "ISS (ZARYA)"]
    assert result.issues == []


def test_missing_columns_make_the_file_unusable() -> None:
    header = HEADER.replace(",RCS", "").replace(",DECAY_DATE", "")
    with pytest.raises(SatcatFormatError, match=r"line 1: not a SATCAT CSV header, missing"):
        parse_satcat_csv(csv_text(header=header), source="satcat.csv")


def test_an_html_error_page_is_not_a_satcat() -> None:
    page = "<html><head><title>503 Service Unavailable</title></head></html>\n"
    with pytest.raises(SatcatFormatError, match=r"^satcat.csv, line 1: not a SATCAT CSV header"):
        parse_satcat_csv(page, source="satcat.csv")


def test_empty_input() -> None:
    with pytest.raises(SatcatFormatError, match="empty"):
        parse_satcat_csv(b"", source="satcat.csv")


def test_on_error_must_be_known() -> None:
    with pytest.raises(ValueError, match="on_error"):
        parse_satcat_csv(csv_text(ISS), on_error="ignore")  # type: ignore[arg-type]
