"""The validator: each check on crafted objects, reference periods, and the documented code list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from registry.objects.schemas import LaunchingState, ObjectIn
from registry.validation import (
    CODES,
    Finding,
    ValidationContext,
    kepler_period_min,
    rejects,
    validate_document_symbol,
    validate_object,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "validation-codes.md"
KNOWN = frozenset({"USA", "GBR", "LUX", "FRA", "NZL", "ESA"})
TODAY = date(2025, 6, 1)


def ctx(**changes: Any) -> ValidationContext:
    base: dict[str, Any] = {"state": "USA", "known_states": KNOWN, "today": TODAY}
    base.update(changes)
    return ValidationContext(**base)


def complete(**changes: Any) -> ObjectIn:
    """An object with every Art. IV and res. 62/101 item, in a plausible 500 km orbit."""
    fields: dict[str, Any] = {
        "international_designator": "2024-100A",
        "name": "TESTSAT",
        "launching_states": [LaunchingState(state="USA")],
        "launch_date": datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        "launch_site": "Vandenberg SFB",
        "launch_territory": "USA",
        "nodal_period_min": 94.6,
        "inclination_deg": 97.4,
        "apogee_km": 505.0,
        "perigee_km": 495.0,
        "function": "Earth observation",
        "function_detail": "optical imaging, 3 m resolution",
        "web_link": "https://example.org/testsat",
    }
    fields.update(changes)
    return ObjectIn(**fields)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_a_complete_object_has_no_findings() -> None:
    assert validate_object(complete(), ctx()) == []


# --- reference values ----------------------------------------------------------------------------


def test_kepler_period_of_the_geostationary_orbit_is_one_sidereal_day() -> None:
    # A 35,786 km circular orbit (a = 42,164 km) has the sidereal day as period: 86,164.09 s.
    assert kepler_period_min(35_786.0, 35_786.0) == pytest.approx(86_164.09 / 60.0, abs=0.1)


def test_kepler_period_of_adm_aeolus_as_registered() -> None:
    # Registration brief: ADM-Aeolus registered 80.7 min at 309 x 314 km; Kepler gives ~90.7 min.
    assert kepler_period_min(309.0, 314.0) == pytest.approx(90.7, abs=0.1)
    found = validate_object(
        complete(nodal_period_min=80.7, perigee_km=309.0, apogee_km=314.0), ctx()
    )
    assert codes(found) == ["orbit.period_kepler_mismatch"]
    assert found[0].field == "nodal_period_min" and "-11.1%" in found[0].message


def test_kepler_tolerance_is_two_percent() -> None:
    kepler = kepler_period_min(495.0, 505.0)
    assert kepler is not None
    assert validate_object(complete(nodal_period_min=kepler * 1.019), ctx()) == []
    assert codes(validate_object(complete(nodal_period_min=kepler * 1.021), ctx())) == [
        "orbit.period_kepler_mismatch"
    ]


# --- designators ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "designator", ["98067A", "1998-067I", "1998-67A", "1983-075", "ISS", "1957 FOO 2"]
)
def test_malformed_designators_are_errors(designator: str) -> None:
    found = validate_object(complete(international_designator=designator), ctx())
    assert codes(found) == ["designator.malformed"]
    assert found[0].severity == "error" and found[0].field == "international_designator"


def test_tle_short_form_gets_the_canonical_spelling_in_the_message() -> None:
    (finding,) = validate_object(complete(international_designator="24100A"), ctx())
    assert "write it as 2024-100A" in finding.message


@pytest.mark.parametrize("designator", ["1957 ALP 2", "1961 A ALP 1", "1962 B TAU 6", "1958 ALP"])
def test_pre_1963_designators_are_valid_and_flagged(designator: str) -> None:
    launch = datetime(int(designator[:4]), 3, 1, tzinfo=UTC)
    found = validate_object(
        complete(international_designator=designator, launch_date=launch), ctx()
    )
    assert codes(found) == ["designator.legacy"]
    assert found[0].severity == "warning"


def test_designator_year_differs_from_launch_year() -> None:
    # Flock 1 cubesats: deployed from the ISS (1998-067) in 2014.
    found = validate_object(complete(international_designator="1998-067EP"), ctx())
    assert codes(found) == ["designator.year_mismatch"]
    assert "1998" in found[0].message and "2024" in found[0].message


# --- dates and orbit -----------------------------------------------------------------------------


def test_launch_after_today_is_an_error_and_today_is_not() -> None:
    today = datetime(2025, 6, 1, 23, 59, tzinfo=UTC)
    assert (
        validate_object(complete(international_designator="2025-100A", launch_date=today), ctx())
        == []
    )
    found = validate_object(
        complete(
            international_designator="2025-100A", launch_date=datetime(2025, 6, 2, tzinfo=UTC)
        ),
        ctx(),
    )
    assert codes(found) == ["launch.in_future"]


def test_apogee_below_perigee() -> None:
    found = validate_object(complete(apogee_km=495.0, perigee_km=505.0), ctx())
    assert codes(found) == ["orbit.apogee_below_perigee"]
    assert found[0].field == "apogee_km"


@pytest.mark.parametrize(
    ("inclination", "bad"), [(0.0, False), (180.0, False), (-0.1, True), (180.1, True)]
)
def test_inclination_range(inclination: float, bad: bool) -> None:
    found = validate_object(complete(inclination_deg=inclination), ctx())
    assert codes(found) == (["orbit.inclination_out_of_range"] if bad else [])


# --- States and registrations --------------------------------------------------------------------


def test_unknown_states_name_the_field() -> None:
    obj = complete(
        launching_states=[
            LaunchingState(state="USA"),
            LaunchingState(state="XYZ", role="procured"),
        ],
        launch_territory="ATL",
    )
    found = validate_object(obj, ctx(state="QQQ"))
    assert [(f.code, f.field) for f in found] == [
        ("state.unknown", "state"),
        ("state.unknown", "launching_states[1].state"),
        ("state.unknown", "launch_territory"),
    ]


def test_missing_state_of_registry() -> None:
    found = validate_object(complete(), ctx(state=None))
    assert codes(found) == ["state.missing"]


def test_same_state_registering_again_is_an_error_another_state_a_warning() -> None:
    registry = {"2024-100A": {"USA", "LUX"}}

    def registered_by(designator: str) -> set[str]:
        return registry.get(designator, set())

    found = validate_object(complete(), ctx(registered_by=registered_by))
    assert [(f.code, f.severity) for f in found] == [
        ("registration.duplicate", "error"),
        ("registration.other_state", "warning"),
    ]
    assert "LUX" in found[1].message and "USA" not in found[1].message
    assert codes(validate_object(complete(), ctx(state="GBR", registered_by=registered_by))) == [
        "registration.other_state"
    ]


# --- completeness --------------------------------------------------------------------------------


def test_missing_article_iv_items_are_warnings_per_field() -> None:
    obj = ObjectIn(
        international_designator="2024-100A", launch_date=datetime(2024, 6, 1, tzinfo=UTC)
    )
    found = [f for f in validate_object(obj, ctx()) if f.code == "article4.missing"]
    assert [f.field for f in found] == [
        "launching_states",
        "nodal_period_min",
        "inclination_deg",
        "apogee_km",
        "perigee_km",
        "function",
        "launch_site",
    ]
    assert {f.severity for f in found} == {"warning"}


def test_fields_not_in_source_are_not_missing() -> None:
    obj = complete(launching_states=[], launch_site=None, launch_territory=None, web_link=None)
    not_in_source = frozenset({"launching_states", "launch_site", "launch_territory", "web_link"})
    assert validate_object(obj, ctx(not_in_source=not_in_source)) == []
    assert codes(validate_object(obj, ctx())) == [
        "article4.missing",
        "article4.missing",
        "res62101.missing",
    ]


def test_res_62_101_items() -> None:
    geo = complete(
        nodal_period_min=1436.1,
        apogee_km=35_800.0,
        perigee_km=35_770.0,
        inclination_deg=0.05,
        web_link=None,
    )
    found = validate_object(geo, ctx())
    assert [(f.code, f.field) for f in found] == [
        ("res62101.missing", "web_link"),
        ("res62101.missing", "gso_longitude_deg"),
    ]
    decayed = complete(status="decayed")
    assert [(f.code, f.field) for f in validate_object(decayed, ctx())] == [
        ("res62101.missing", "status_date")
    ]
    # Resolution 62/101 dates from December 2007: older objects are not expected to carry its items.
    old = complete(
        international_designator="1990-037B", launch_date=datetime(1990, 4, 24, tzinfo=UTC)
    )
    assert (
        validate_object(old.model_copy(update={"web_link": None, "function_detail": None}), ctx())
        == []
    )


# --- document symbols ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbol",
    [
        "ST/SG/SER.E/1131",
        "ST/SG/SER.E/554/Add.1",
        "A/AC.105/INF.002",
        "A/AC.105/INF/412",
        "ST/SG/SER.E/1/Corr.2/Add.3",
    ],
)
def test_well_formed_document_symbols(symbol: str) -> None:
    assert validate_document_symbol(symbol) == []


@pytest.mark.parametrize(
    "symbol",
    [
        "ST/SG/SER,E/1143",
        "ST/SG/SER.E/877*",
        "A/AC.105/1118",
        "ST/SG/SER.R/1004",
        "ST?SG/SER.E/1141",
        "ST/SG/SER.E/1131/Add",
    ],
)
def test_malformed_document_symbols(symbol: str) -> None:
    (finding,) = validate_document_symbol(symbol)
    assert (finding.code, finding.severity, finding.field) == (
        "document.malformed",
        "error",
        "document_symbol",
    )
    assert symbol in finding.message


# --- rejection and the documented code list ------------------------------------------------------


def test_errors_reject_except_in_a_historical_import() -> None:
    found = validate_object(complete(apogee_km=100.0), ctx())
    assert rejects(found, ctx()) is True
    assert rejects(found, ctx(historical=True)) is False
    assert rejects(validate_object(complete(nodal_period_min=200.0), ctx()), ctx()) is False


def _emit_every_code() -> set[str]:
    """Run inputs that between them trigger every check."""
    emitted: set[str] = set()
    registry = {"2024-100A": {"USA", "GBR"}}
    inputs = [
        (complete(international_designator="98067A"), ctx()),
        (
            complete(
                international_designator="1957 ALP 2", launch_date=datetime(1957, 10, 4, tzinfo=UTC)
            ),
            ctx(),
        ),
        (complete(international_designator="2020-001A"), ctx()),
        (
            complete(
                launch_date=datetime(2030, 1, 1, tzinfo=UTC), international_designator="2030-001A"
            ),
            ctx(),
        ),
        (
            complete(
                apogee_km=400.0, perigee_km=500.0, inclination_deg=200.0, nodal_period_min=300.0
            ),
            ctx(),
        ),
        (complete(launching_states=[LaunchingState(state="XXX")]), ctx(state=None)),
        (complete(), ctx(registered_by=lambda d: registry.get(d, set()))),
        (ObjectIn(international_designator="2024-100A"), ctx()),
    ]
    for obj, context in inputs:
        emitted |= {f.code for f in validate_object(obj, context)}
    emitted |= {f.code for f in validate_document_symbol("ST/SG/SER,E/1143")}
    return emitted


def _documented_codes() -> dict[str, str]:
    rows = re.findall(
        r"^\| `([a-z0-9_.]+)` \| (error|warning) \|", DOC.read_text(encoding="utf-8"), re.MULTILINE
    )
    assert len(rows) == len(set(code for code, _ in rows)), "a code is documented twice"
    return dict(rows)


def test_docs_list_exactly_the_codes_the_validator_emits() -> None:
    documented = _documented_codes()
    assert set(documented) == set(CODES)
    assert documented == {code: info.severity for code, info in CODES.items()}
    assert _emit_every_code() == set(CODES)
