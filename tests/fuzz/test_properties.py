"""Properties of the bulk CSV reader and the validator, over generated and damaged input.

The element-set parsers' properties live in tests/orbit/test_parsers_properties.py.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registry.objects.schemas import STATUSES, ObjectIn
from registry.submissions import text_fields
from registry.submissions.bulk import read_csv
from registry.validation import (
    CODES,
    KEPLER_TOLERANCE,
    ValidationContext,
    kepler_period_min,
    validate_object,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
STATES = ("FRA", "DEU", "USA", "JPN", "ESA", "LUX")
CONTEXT = ValidationContext(state="FRA", known_states=frozenset(STATES), today=date(2026, 1, 1))

words = (
    st.text(
        # Quotes are left to test_a_quote_in_a_cell_reads_back_as_itself (a known defect).
        alphabet=st.characters(
            min_codepoint=32, max_codepoint=0x2FFF, exclude_characters='\x7f"', codec="utf-8"
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
designators = st.builds(
    lambda year, number, piece: f"{year}-{number:03d}{piece}",
    st.integers(1963, 2025),
    st.integers(1, 999),
    st.text(alphabet=PIECES, min_size=1, max_size=3),
)
altitudes = st.floats(-6000, 1e6, allow_nan=False)
instants = st.datetimes(
    min_value=datetime(1957, 10, 4), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@st.composite
def declared_objects(draw: st.DrawFn) -> ObjectIn:
    """Objects an officer could declare: any value each field's type admits."""
    record: dict[str, Any] = {
        "international_designator": draw(designators),
        "name": draw(st.none() | words),
        "launching_states": [
            {"state": s, "role": draw(st.sampled_from(text_fields.ROLES))}
            for s in draw(st.lists(st.sampled_from(STATES), max_size=3, unique=True))
        ],
        "launch_date": draw(st.none() | instants),
        "launch_site": draw(st.none() | words),
        "nodal_period_min": draw(st.none() | st.floats(0.01, 1e6)),
        "inclination_deg": draw(st.none() | st.floats(-360, 360)),
        "apogee_km": draw(st.none() | altitudes),
        "perigee_km": draw(st.none() | altitudes),
        "function": draw(st.none() | words),
        "status": draw(st.sampled_from(STATUSES)),
    }
    return ObjectIn.model_validate_json(ObjectIn(**record).model_dump_json())


def csv_of(objects: list[ObjectIn]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(text_fields.COLUMNS)
    for obj in objects:
        cells = text_fields.cells_of(obj.model_dump(mode="json"))
        writer.writerow([cells.get(c, "") for c in text_fields.COLUMNS])
    return out.getvalue()


@SETTINGS
@given(st.lists(declared_objects(), min_size=1, max_size=5))
def test_csv_written_from_objects_reads_back_to_the_same_objects(objects: list[ObjectIn]) -> None:
    result = read_csv(csv_of(objects).encode(), "upload.csv")
    assert result.problems == []
    assert [r.problems for r in result.rows] == [[] for _ in objects]
    assert [r.obj for r in result.rows] == objects
    assert [r.row for r in result.rows] == list(range(2, 2 + len(objects)))


@pytest.mark.parametrize("text", ['say "hi"', '"', 'a""b'])
def test_a_quote_in_a_cell_reads_back_as_itself(text: str) -> None:
    obj = ObjectIn(international_designator="2025-001A", function=text)
    [row] = read_csv(csv_of([obj]), "quotes.csv").rows
    assert row.obj is not None and row.obj.function == text


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_give_problems_naming_the_file_never_an_exception(data: bytes) -> None:
    result = read_csv(data, "junk.csv")
    for problem in result.problems:
        assert problem["message"].startswith("junk.csv")
    for row in result.rows:
        assert (row.obj is None) == bool(row.problems)
        assert row.row >= 2


@SETTINGS
@given(
    st.lists(st.sampled_from(text_fields.COLUMNS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(st.text(max_size=30), max_size=10), max_size=6),
)
def test_damaged_rows_are_each_reported_by_line_and_field(
    header: list[str], rows: list[list[str]]
) -> None:
    """A known header with arbitrary cells: each row is an object or problems naming fields."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["international_designator", *header])
    for cells in rows:
        writer.writerow(cells)
    result = read_csv(out.getvalue(), "cells.csv")
    lines = [r.row for r in result.rows]
    assert lines == sorted(set(lines))
    for row in result.rows:
        if row.obj is None:
            assert row.problems and all(p["field"] for p in row.problems)
            assert all(p["severity"] == "error" for p in row.problems)


@SETTINGS
@given(declared_objects())
def test_validator_findings_are_documented_stable_and_complete(obj: ObjectIn) -> None:
    findings = validate_object(obj, CONTEXT)
    assert findings == validate_object(obj, CONTEXT)
    codes = {f.code for f in findings}
    for finding in findings:
        assert finding.code in CODES and finding.severity == CODES[finding.code].severity
    below = (
        obj.apogee_km is not None and obj.perigee_km is not None and obj.apogee_km < obj.perigee_km
    )
    assert ("orbit.apogee_below_perigee" in codes) == below
    outside = obj.inclination_deg is not None and not 0 <= obj.inclination_deg <= 180
    assert ("orbit.inclination_out_of_range" in codes) == outside


@SETTINGS
@given(
    st.floats(100, 40_000),
    st.floats(0, 5_000),
    st.floats(-0.5, 0.5).filter(lambda f: abs(abs(f) - KEPLER_TOLERANCE) > 1e-3),
)
def test_period_is_flagged_exactly_when_it_is_off_keplers_third_law(
    perigee: float, span: float, offset: float
) -> None:
    kepler = kepler_period_min(perigee, perigee + span)
    assert kepler is not None
    period = kepler * (1 + offset)
    assume(period > 0)
    obj = ObjectIn(
        international_designator="2025-001A",
        perigee_km=perigee,
        apogee_km=perigee + span,
        nodal_period_min=period,
    )
    flagged = "orbit.period_kepler_mismatch" in {f.code for f in validate_object(obj, CONTEXT)}
    assert flagged == (abs(offset) > KEPLER_TOLERANCE)


def test_kepler_period_matches_known_orbits() -> None:
    """External reference values: ISS (~92.9 min at ~415 x 422 km, 2019 elements) and GEO."""
    iss = kepler_period_min(415.0, 422.0)
    geo = kepler_period_min(35_786.0, 35_786.0)
    assert iss is not None and abs(iss - 92.9) < 0.3
    # A geostationary orbit's period is one sidereal day, 1436.07 min.
    assert geo is not None and abs(geo - 1436.07) < 0.2
