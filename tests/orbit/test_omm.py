"""OMM in its four forms: real CelesTrak data, cross-format identity, and every refusal."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbit.elements import ElementSet
from orbit.issues import ParseIssue
from orbit.omm import (
    OmmRecord,
    element_set_from_fields,
    iter_omm_csv,
    iter_omm_json,
    iter_omm_kvn,
    iter_omm_xml,
    parse_omm_epoch,
)
from orbit.read import ParseResult, read_elements
from orbit.tle import parse_tle
from tests.conftest import shared_file

DATA = Path(__file__).parent / "data"
ACTIVE = "catalog/celestrak-gp-active-2026-07-10.csv"

# One CelesTrak element set in three of its forms (MARIO, 2023-04-25; every field non-zero),
# as quoted in python-sgp4's tests from celestrak.org gp.php?CATNR=55123.
MARIO_TLE = (
    "MARIO",
    "1 55123U 98067UQ  23115.44827133  .00787702  29408-3  15680-2 0  9999",
    "2 55123  51.6242 216.2930 0014649 331.8976  28.1241 15.99081912 18396",
)
MARIO_CSV = (
    "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,"
    "ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,"
    "ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT\n"
    "MARIO,1998-067UQ,2023-04-25T10:45:30.642912,15.99081912,.0014649,51.6242,216.2930,"
    "331.8976,28.1241,0,U,55123,999,1839,.1568E-2,.787702E-2,.29408E-3\n"
)
MARIO_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation='
    '"https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd">\n'
    '<omm id="CCSDS_OMM_VERS" version="2.0">\n'
    "<header><CREATION_DATE/><ORIGINATOR/></header><body><segment><metadata>"
    "<OBJECT_NAME>MARIO</OBJECT_NAME><OBJECT_ID>1998-067UQ</OBJECT_ID>"
    "<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>"
    "<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>"
    "<EPOCH>2023-04-25T10:45:30.642912</EPOCH><MEAN_MOTION>15.99081912</MEAN_MOTION>"
    "<ECCENTRICITY>.0014649</ECCENTRICITY><INCLINATION>51.6242</INCLINATION>"
    "<RA_OF_ASC_NODE>216.2930</RA_OF_ASC_NODE><ARG_OF_PERICENTER>331.8976</ARG_OF_PERICENTER>"
    "<MEAN_ANOMALY>28.1241</MEAN_ANOMALY></meanElements><tleParameters>"
    "<EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE>"
    "<NORAD_CAT_ID>55123</NORAD_CAT_ID><ELEMENT_SET_NO>999</ELEMENT_SET_NO>"
    "<REV_AT_EPOCH>1839</REV_AT_EPOCH><BSTAR>.1568E-2</BSTAR>"
    "<MEAN_MOTION_DOT>.787702E-2</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>.29408E-3</MEAN_MOTION_DDOT>"
    "</tleParameters></data></segment></body></omm>\n</ndm>\n"
)

#: A valid record's keywords, for building bad ones.
GOOD = {
    "OBJECT_NAME": "ISS (ZARYA)",
    "OBJECT_ID": "1998-067A",
    "EPOCH": "2026-07-10T03:41:07.908864",
    "MEAN_MOTION": "15.48965714",
    "ECCENTRICITY": ".00066838",
    "INCLINATION": "51.6302",
    "RA_OF_ASC_NODE": "186.4276",
    "ARG_OF_PERICENTER": "277.8890",
    "MEAN_ANOMALY": "82.1339",
    "EPHEMERIS_TYPE": "0",
    "CLASSIFICATION_TYPE": "U",
    "NORAD_CAT_ID": "25544",
    "ELEMENT_SET_NO": "999",
    "REV_AT_EPOCH": "57531",
    "BSTAR": ".11035045E-3",
    "MEAN_MOTION_DOT": ".5628E-4",
    "MEAN_MOTION_DDOT": "0",
}


def _without_origin(elements: list[ElementSet]) -> list[ElementSet]:
    return [dataclasses.replace(es, source=None, record=None) for es in elements]


@cache
def _active() -> ParseResult:
    return read_elements(shared_file(ACTIVE))


# ------------------------------------------------------------------ real data


def test_celestrak_active_csv_is_read_whole() -> None:
    result = _active()
    assert (result.format, result.accepted, result.issues) == ("omm-csv", 15_985, [])
    iss = next(es for es in result.elements if es.norad_id == 25544)
    assert iss == ElementSet(
        norad_id=25544,
        designator="1998-067A",
        name="ISS (ZARYA)",
        epoch=datetime(2026, 7, 10, 3, 41, 7, 908864, tzinfo=UTC),
        mean_motion=15.48965714,
        eccentricity=0.00066838,
        inclination_deg=51.6302,
        raan_deg=186.4276,
        arg_perigee_deg=277.889,
        mean_anomaly_deg=82.1339,
        bstar=0.00011035045,
        mean_motion_dot=5.628e-05,
        mean_motion_ddot=0.0,
        classification="U",
        element_set_no=999,
        rev_at_epoch=57531,
        ephemeris_type=0,
        source=str(shared_file(ACTIVE)),
        record=iss.record,
    )
    assert iss.record is not None and iss.record > 0


def test_csv_rows_propagate_like_sgp4s_own_omm_reader() -> None:
    """python-sgp4's sgp4.omm reads the same CSV independently; positions agree to 1e-6 km."""
    path = shared_file(ACTIVE)
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    ours = _active().elements
    assert len(rows) == len(ours)
    worst = 0.0
    for fields, es in list(zip(rows, ours, strict=True))[::37]:
        reference = Satrec()
        sgp4_omm.initialize(reference, fields)
        mine = es.to_satrec()
        assert mine.satnum == reference.satnum == int(fields["NORAD_CAT_ID"])
        for minutes in (0.0, 720.0, -1440.0):
            error_ref, r_ref, _ = reference.sgp4_tsince(minutes)
            error, r, _ = mine.sgp4_tsince(minutes)
            assert error == error_ref
            if error == 0:
                worst = max(worst, *(abs(a - b) for a, b in zip(r, r_ref, strict=True)))
    assert worst < 1e-6


def test_fixture_rows_are_the_real_rows() -> None:
    """The small CSV fixture is five rows of the real file, unchanged."""
    real = shared_file(ACTIVE).read_text(encoding="utf-8").splitlines()
    fixture = (DATA / "omm-sample.csv").read_text(encoding="utf-8").splitlines()
    assert fixture[0] == real[0]
    assert set(fixture[1:]) <= set(real[1:])
    assert len(fixture) == 6


# ------------------------------------------------------------------ one object, four forms


def test_all_four_forms_give_identical_element_sets() -> None:
    results = {
        form: read_elements(DATA / f"omm-sample.{form}") for form in ("csv", "json", "xml", "kvn")
    }
    assert {form: r.format for form, r in results.items()} == {
        "csv": "omm-csv",
        "json": "omm-json",
        "xml": "omm-xml",
        "kvn": "omm-kvn",
    }
    assert all(r.issues == [] and r.accepted == 5 for r in results.values())
    elements = {form: _without_origin(r.elements) for form, r in results.items()}
    assert elements["json"] == elements["csv"]
    assert elements["xml"] == elements["csv"]
    assert elements["kvn"] == elements["csv"]
    assert [es.norad_id for es in elements["csv"]] == [25544, 39265, 1361, 14129, 2866]
    assert elements["csv"][1].mean_motion_ddot == -5.01568e-07
    assert elements["csv"][2].bstar == -0.00073241186


def test_tle_and_omm_of_one_celestrak_element_set_agree() -> None:
    name, line1, line2 = MARIO_TLE
    from_tle = parse_tle(line1, line2, name=name)
    [from_csv] = read_elements(MARIO_CSV).elements
    [from_xml] = read_elements(MARIO_XML).elements
    assert _without_origin([from_csv, from_xml]) == _without_origin([from_tle, from_tle])


def test_record_numbers_and_lines() -> None:
    kvn = read_elements(DATA / "omm-sample.kvn")
    assert [es.record for es in kvn.elements] == [1, 2, 3, 4, 5]
    csv_result = read_elements(DATA / "omm-sample.csv", name="sample.csv")
    assert [es.record for es in csv_result.elements] == [1, 2, 3, 4, 5]
    assert {es.source for es in csv_result.elements} == {"sample.csv"}


# ------------------------------------------------------------------ epochs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-10T03:44:00.383136", datetime(2026, 7, 10, 3, 44, 0, 383136, tzinfo=UTC)),
        ("2026-07-10T03:44:00", datetime(2026, 7, 10, 3, 44, tzinfo=UTC)),
        ("2026-07-10T03:44:00Z", datetime(2026, 7, 10, 3, 44, tzinfo=UTC)),
        ("2026-07-10 03:44:00.5", datetime(2026, 7, 10, 3, 44, 0, 500000, tzinfo=UTC)),
        ("2026-191T03:44:00.25", datetime(2026, 7, 10, 3, 44, 0, 250000, tzinfo=UTC)),
        ("2024-366T00:00:00", datetime(2024, 12, 31, tzinfo=UTC)),
        ("2026-07-10T03:44:00.1234565", datetime(2026, 7, 10, 3, 44, 0, 123456, tzinfo=UTC)),
        ("2026-07-10T03:44:00.1234575", datetime(2026, 7, 10, 3, 44, 0, 123458, tzinfo=UTC)),
        ("2026-07-10T03:44:00.12345651", datetime(2026, 7, 10, 3, 44, 0, 123457, tzinfo=UTC)),
        ("2026-12-31T23:59:59.9999999", datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_epochs_with_and_without_fractions(text: str, expected: datetime) -> None:
    assert parse_omm_epoch(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-07-10", "is not YYYY-MM-DDThh:mm:ss"),
        ("10/07/2026 03:44:00", "is not YYYY-MM-DDThh:mm:ss"),
        ("2026-13-01T00:00:00", "month must be in 1..12"),
        ("2025-366T00:00:00", "day of year 366 is outside 1-365"),
        ("2016-12-31T23:59:60", "second must be in 0..59"),
        ("2026-07-10T03:44:00+02:00", "is not YYYY-MM-DDThh:mm:ss"),
    ],
)
def test_bad_epochs(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_omm_epoch(text)


# ------------------------------------------------------------------ bad records


def _check(values: Mapping[str, object], units: Mapping[str, str] | None = None) -> ParseIssue:
    result = element_set_from_fields(
        OmmRecord(7, 12, dict(values), dict(units or {})), source="gp.csv"
    )
    assert isinstance(result, ParseIssue)
    assert (result.source, result.record, result.line) == ("gp.csv", 7, 12)
    return result


@pytest.mark.parametrize(
    ("changes", "kind", "reason"),
    [
        ({"NORAD_CAT_ID": ""}, "missing", "NORAD_CAT_ID: keyword is missing or empty"),
        ({"BSTAR": None}, "missing", "BSTAR: keyword is missing or empty"),
        ({"EPOCH": " "}, "missing", "EPOCH: keyword is missing or empty"),
        ({"MEAN_MOTION": "nan"}, "value", "MEAN_MOTION: 'nan' is not a decimal number"),
        ({"MEAN_MOTION": "inf"}, "value", "MEAN_MOTION: 'inf' is not a decimal number"),
        ({"MEAN_MOTION": "1_5.5"}, "value", "MEAN_MOTION: '1_5.5' is not a decimal number"),
        ({"INCLINATION": "51.6.3"}, "value", "INCLINATION: '51.6.3' is not a decimal number"),
        ({"MEAN_MOTION": float("nan")}, "range", "MEAN_MOTION: mean motion nan is not a finite"),
        ({"MEAN_MOTION": True}, "value", "MEAN_MOTION: True is not a number"),
        ({"NORAD_CAT_ID": "25544.5"}, "value", "NORAD_CAT_ID: '25544.5' is not an integer"),
        ({"NORAD_CAT_ID": 25544.5}, "value", "NORAD_CAT_ID: 25544.5 is not an integer"),
        ({"NORAD_CAT_ID": "1000000000"}, "range", "NORAD_CAT_ID: catalog number 1000000000"),
        ({"ECCENTRICITY": "1.0"}, "range", "ECCENTRICITY: eccentricity 1.0 is outside [0, 1)"),
        ({"ECCENTRICITY": "-.001"}, "range", "ECCENTRICITY: eccentricity -0.001 is outside"),
        ({"INCLINATION": "180.5"}, "range", "INCLINATION: inclination 180.5 is outside [0, 180]"),
        ({"MEAN_ANOMALY": "-10"}, "range", "MEAN_ANOMALY: mean anomaly -10.0 is outside"),
        ({"MEAN_MOTION": "0"}, "range", "MEAN_MOTION: mean motion 0.0 rev/day is not positive"),
        ({"CLASSIFICATION_TYPE": "X"}, "range", "CLASSIFICATION_TYPE: classification 'X' is"),
        ({"EPHEMERIS_TYPE": "4"}, "range", "EPHEMERIS_TYPE: ephemeris type 4 (SGP4-XP)"),
        ({"MEAN_ELEMENT_THEORY": "SGP4-XP"}, "unsupported", "MEAN_ELEMENT_THEORY: 'SGP4-XP'"),
        ({"REF_FRAME": "GCRF"}, "unsupported", "REF_FRAME: 'GCRF' is not TEME"),
        ({"TIME_SYSTEM": "TAI"}, "unsupported", "TIME_SYSTEM: 'TAI' is not UTC"),
        ({"CENTER_NAME": "MOON"}, "unsupported", "CENTER_NAME: 'MOON' is not EARTH"),
        ({"EPOCH": "2026-02-30T00:00:00"}, "value", "EPOCH: epoch '2026-02-30T00:00:00' is not"),
        ({"OBJECT_ID": "1998-67A"}, "value", "OBJECT_ID: designator '1998-67A' is not"),
        ({"OBJECT_ID": "1957 ALP 2"}, "value", "OBJECT_ID: '1957 ALP 2' is a legacy"),
        ({"OBJECT_NAME": 42}, "value", "OBJECT_NAME: 42 is not text"),
        ({"OBJECT_NAME": "ISS \ufffd"}, "encoding", "OBJECT_NAME: value is not valid UTF-8"),
    ],
)
def test_bad_field_is_named_with_the_reason(
    changes: dict[str, object], kind: str, reason: str
) -> None:
    issue = _check({**GOOD, **changes})
    assert issue.kind == kind
    assert issue.reason.startswith(reason)


def test_wrong_unit_is_refused_and_right_units_in_any_spelling_pass() -> None:
    issue = _check(GOOD, {"INCLINATION": "rad"})
    assert issue.reason == "INCLINATION: unit [rad] is not [deg]"
    fine = element_set_from_fields(
        OmmRecord(1, None, dict(GOOD), {"MEAN_MOTION_DOT": "REV/DAY**2", "BSTAR": "1/er"}),
        source="x",
    )
    assert isinstance(fine, ElementSet)


def test_optional_keywords_take_their_defaults_and_big_numbers_stay_integers() -> None:
    values = {
        key: value
        for key, value in GOOD.items()
        if key
        not in {"OBJECT_NAME", "OBJECT_ID", "CLASSIFICATION_TYPE", "EPHEMERIS_TYPE", "REV_AT_EPOCH"}
    }
    values["NORAD_CAT_ID"] = "123456789"
    es = element_set_from_fields(OmmRecord(1, None, values), source="x")
    assert isinstance(es, ElementSet)
    assert (es.norad_id, es.name, es.designator, es.classification) == (123456789, None, None, "U")
    assert (es.ephemeris_type, es.rev_at_epoch, es.element_set_no) == (0, 0, 999)
    assert es.to_satrec().satnum == 0  # too big for a Satrec: the id lives in the ElementSet


def test_csv_problems() -> None:
    header = ",".join(GOOD)
    row = ",".join(GOOD.values())
    text = "\n".join([header, row, row.replace("51.6302", "5l.6302"), row + ",extra", "", row])
    items = list(iter_omm_csv(io.StringIO(text), source="gp.csv"))
    assert [str(i) if isinstance(i, ParseIssue) else i.record for i in items] == [
        1,
        "gp.csv:3: record 2: INCLINATION: '5l.6302' is not a decimal number",
        "gp.csv:4: record 3: row has 18 fields, the header has 17",
        4,
    ]


def test_csv_header_problems_reject_the_file_once() -> None:
    row = ",".join(GOOD.values())
    missing = ",".join(key for key in GOOD if key != "BSTAR")
    [issue] = list(iter_omm_csv([missing, row, row], source="gp.csv"))
    assert str(issue) == "gp.csv:1: header lacks column BSTAR"
    repeated = ",".join([*GOOD, "EPOCH"])
    [issue] = list(iter_omm_csv([repeated, row], source="gp.csv"))
    assert str(issue) == "gp.csv:1: header repeats column EPOCH"


def test_space_track_style_csv_with_quotes_reads() -> None:
    header = ",".join(f'"{key}"' for key in GOOD)
    row = ",".join(f'"{value}"' for value in GOOD.values())
    [es] = list(iter_omm_csv([header, row], source="st.csv"))
    assert isinstance(es, ElementSet) and es.norad_id == 25544


def test_json_problems() -> None:
    good = dict(GOOD)
    document = [good, "text", {**good, "BSTAR": False}, {**good, "NORAD_CAT_ID": 25545.0}]
    items = list(iter_omm_json(json.dumps(document), source="gp.json"))
    assert [str(i) if isinstance(i, ParseIssue) else i.norad_id for i in items] == [
        25544,
        "gp.json: record 2: record is a JSON str, not an object",
        "gp.json: record 3: BSTAR: False is not a number",
        25545,
    ]
    [single] = list(iter_omm_json(json.dumps(good), source="one.json"))
    assert isinstance(single, ElementSet)
    [broken] = list(iter_omm_json('[\n{"EPOCH": 1,\n}', source="gp.json"))
    assert str(broken).startswith("gp.json:3: not valid JSON")
    [scalar] = list(iter_omm_json("42", source="gp.json"))
    assert scalar.reason == "JSON document is not a list of OMM objects"  # type: ignore[union-attr]


def test_json_numbers_and_strings_give_the_same_values() -> None:
    # CelesTrak writes JSON numbers, Space-Track writes every value as a string.
    fixture = json.loads((DATA / "omm-sample.json").read_text(encoding="utf-8"))
    as_strings = [{key: str(value) for key, value in item.items()} for item in fixture]
    numbers = list(iter_omm_json(json.dumps(fixture), source="n"))
    strings = list(iter_omm_json(json.dumps(as_strings), source="s"))
    assert _without_origin(numbers) == _without_origin(strings)  # type: ignore[arg-type]


def test_kvn_problems() -> None:
    text = "\n".join(
        [
            "CCSDS_OMM_VERS = 2.0",
            *(f"{key} = {value}" for key, value in GOOD.items()),
            "CCSDS_OMM_VERS = 2.0",
            *(f"{key} = {value}" for key, value in GOOD.items()),
            "BSTAR = 0.0001",
            "CCSDS_OMM_VERS = 2.0",
            "this is not a keyword line",
            *(f"{key} = {value}" for key, value in GOOD.items()),
            "CCSDS_OMM_VERS = 2.0",
            *(f"{key} = {value}" for key, value in GOOD.items() if key != "NORAD_CAT_ID"),
        ]
    )
    items = list(iter_omm_kvn(io.StringIO(text), source="gp.kvn"))
    assert [str(i) if isinstance(i, ParseIssue) else i.record for i in items] == [
        1,
        "gp.kvn:37: record 2: BSTAR appears twice in one message",
        "gp.kvn:39: record 3: 'this is not a keyword line' is not a 'KEYWORD = value' line",
        "gp.kvn:57: record 4: NORAD_CAT_ID: keyword is missing or empty",
    ]


def test_kvn_field_issue_points_at_the_keyword_line() -> None:
    lines = ["CCSDS_OMM_VERS = 2.0", *(f"{k} = {v}" for k, v in GOOD.items())]
    lines[6] = "INCLINATION = 251.6302 [deg]"
    [issue] = list(iter_omm_kvn(lines, source="gp.kvn"))
    assert str(issue) == "gp.kvn:7: record 1: INCLINATION: inclination 251.6302 is outside [0, 180]"


def test_xml_problems() -> None:
    sample = (DATA / "omm-sample.xml").read_text(encoding="utf-8")
    cut = sample[: sample.index("<omm", sample.index("<omm") + 1) + 40]
    items = list(iter_omm_xml(cut, source="gp.xml"))
    assert isinstance(items[0], ElementSet)
    assert isinstance(items[1], ParseIssue)
    assert str(items[1]) == "gp.xml:6: not well-formed XML: no element found"
    bad_value = sample.replace("<INCLINATION>51.6302</INCLINATION>", "<INCLINATION/>")
    issue = next(i for i in iter_omm_xml(bad_value, source="gp.xml") if isinstance(i, ParseIssue))
    assert str(issue) == "gp.xml:4: record 1: INCLINATION: keyword is missing or empty"


def test_xml_with_a_dtd_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE ndm [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<ndm>&b;</ndm>'
    )
    [issue] = list(iter_omm_xml(bomb, source="bomb.xml"))
    assert isinstance(issue, ParseIssue)
    assert (issue.line, issue.kind, issue.reason) == (
        2,
        "unsupported",
        "XML with a DTD or entities is refused",
    )


def test_namespaced_xml_with_units_reads() -> None:
    qualified = MARIO_XML.replace("<ndm ", '<ndm xmlns="urn:ccsds:schema:ndmxml" ').replace(
        "<INCLINATION>", '<INCLINATION units="deg">'
    )
    [es] = list(iter_omm_xml(qualified, source="q.xml"))
    assert isinstance(es, ElementSet) and es.inclination_deg == 51.6242
    wrong = MARIO_XML.replace("<INCLINATION>", '<INCLINATION units="rad">')
    [issue] = list(iter_omm_xml(wrong, source="q.xml"))
    assert issue.reason == "INCLINATION: unit [rad] is not [deg]"  # type: ignore[union-attr]


def test_predefined_xml_entities_are_read() -> None:
    # Real names hold "&" (CAS-2T & KS-1Q); XML writes it as &amp;, which needs no DTD.
    xml = MARIO_XML.replace("<OBJECT_NAME>MARIO", "<OBJECT_NAME>CAS-2T &amp; KS-1Q")
    [es] = list(iter_omm_xml(xml, source="q.xml"))
    assert isinstance(es, ElementSet) and es.name == "CAS-2T & KS-1Q"
