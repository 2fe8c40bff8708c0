"""The one validator for declared objects: API submissions, bulk uploads and the demo import.

Pure: no database, no clock. Everything the checks need from outside (the submitting State,
the known State codes, today's date, who already registered a designator) comes in through
:class:`ValidationContext`. Every check reports a :class:`Finding` with a stable code from
:data:`CODES`; ``docs/validation-codes.md`` lists the same codes (a test keeps them equal).

Errors are impossible or inadmissible values; warnings are suspicious or incomplete ones that a
reviewer sees but that do not stop a submission. Whether errors reject anything is the caller's
decision (:func:`rejects`): the demo import (``historical=True``) keeps them as findings.

>>> from registry.objects.schemas import ObjectIn
>>> ctx = ValidationContext(state="DEU", known_states=frozenset({"DEU"}), today=date(2025, 1, 1))
>>> obj = ObjectIn(international_designator="2018-111A", apogee_km=300.0, perigee_km=310.0)
>>> [(f.field, f.code, f.severity) for f in validate_object(obj, ctx) if f.severity == "error"]
[('apogee_km', 'orbit.apogee_below_perigee', 'error')]
>>> [f.code for f in validate_document_symbol("ST/SG/SER,E/1143")]
['document.malformed']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from orbit.designators import DesignatorError, is_modern_designator, parse_designator
from registry.errors import N_
from registry.objects.schemas import ObjectIn

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a finding code means and how serious it is."""

    severity: Severity
    meaning: str


#: Every code the validator can emit. docs/validation-codes.md documents exactly these.
CODES: dict[str, CodeInfo] = {
    "designator.malformed": CodeInfo(
        "error",
        "The international designator is neither the COSPAR form YYYY-NNNP(PP) nor a pre-1963 "
        "Greek-letter designator.",
    ),
    "designator.legacy": CodeInfo(
        "warning",
        "Pre-1963 Greek-letter designator (e.g. '1957 ALP 2'): valid and kept as given; catalogues "
        "may list the object under a retro-applied modern designator.",
    ),
    "designator.year_mismatch": CodeInfo(
        "warning",
        "The designator's year differs from the launch year (e.g. an object deployed from a space "
        "station years after the station's launch, or a wrong designator).",
    ),
    "document.malformed": CodeInfo(
        "error",
        "The UN document symbol is not ST/SG/SER.E/<n> or A/AC.105/INF.<n> (or INF/<n>), with "
        "optional /Add.<k> or /Corr.<k>.",
    ),
    "launch.in_future": CodeInfo("error", "The launch date is after today."),
    "orbit.apogee_below_perigee": CodeInfo("error", "The apogee is lower than the perigee."),
    "orbit.inclination_out_of_range": CodeInfo(
        "error", "The inclination is outside 0-180 degrees."
    ),
    "orbit.period_kepler_mismatch": CodeInfo(
        "warning",
        "The nodal period differs by more than 2% from the period that Kepler's third law gives "
        "for the declared apogee and perigee.",
    ),
    "state.missing": CodeInfo("error", "No State of registry is given."),
    "state.unknown": CodeInfo(
        "error",
        "A State code (State of registry, launching State or launch territory) is not in the "
        "States reference table.",
    ),
    "registration.duplicate": CodeInfo(
        "error", "The same State already holds a published registration of this designator."
    ),
    "registration.other_state": CodeInfo(
        "warning",
        "Another State already holds a published registration of this designator (double "
        "registration: one object has one State of registry, Convention Art. II(2)).",
    ),
    "article4.missing": CodeInfo(
        "warning",
        "An item the Registration Convention Art. IV(1) requires is missing (launching States, "
        "launch date, launch territory or location, nodal period, inclination, apogee, perigee, "
        "general function). Fields the source does not carry at all are not reported.",
    ),
    "res62101.missing": CodeInfo(
        "warning",
        "An item GA resolution 62/101 recommends is missing (function detail, web link, "
        "geostationary longitude for a geostationary orbit, date of a change of status). Not "
        "reported for objects launched before the resolution (2007-12-17).",
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a declared object."""

    field: str
    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def _nobody(designator: str) -> Set[str]:
    return frozenset()


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """What the checks need to know beyond the object itself."""

    #: The submitting State or IGO (State of registry); None when the source names none.
    state: str | None
    #: Codes of the States reference table.
    known_states: frozenset[str]
    #: The date "launch in the future" is measured against.
    today: date
    #: States that already hold a published registration of a designator.
    registered_by: Callable[[str], Set[str]] = _nobody
    #: Demo import of historical records: errors are kept as findings, never rejections.
    historical: bool = False
    #: Object fields the source does not carry at all: never reported as missing.
    not_in_source: frozenset[str] = field(default_factory=frozenset)


# --- formats ---------------------------------------------------------------------------------

_DOCUMENT_SYMBOL = re.compile(r"^(ST/SG/SER\.E/\d+|A/AC\.105/INF[./]\d+)(/(Add|Corr)\.\d+)*$")


def designator_kind(designator: str) -> Literal["modern", "legacy"] | None:
    """Whether a designator is stored in the canonical modern form, the pre-1963 form, or neither.

    Any other spelling (``98067A``, lower case, a launch without a piece) is not canonical.

    >>> designator_kind("1998-067A"), designator_kind("1957 ALP 2"), designator_kind("98067A")
    ('modern', 'legacy', None)
    """
    if is_modern_designator(designator):
        return "modern"
    try:
        parsed = parse_designator(designator)
    except DesignatorError:
        return None
    return "legacy" if parsed.is_legacy and str(parsed) == designator else None


def validate_document_symbol(symbol: str, field_name: str = "document_symbol") -> list[Finding]:
    """Findings for a UN document symbol: empty when it is well formed.

    >>> validate_document_symbol("ST/SG/SER.E/1131/Add.1")
    []
    >>> validate_document_symbol("A/AC.105/INF/412")
    []
    """
    if _DOCUMENT_SYMBOL.match(symbol):
        return []
    return [
        _finding(
            "document.malformed",
            field_name,
            N_(
                "%(symbol)s is not a UN document symbol (ST/SG/SER.E/<n> or A/AC.105/INF.<n>, "
                "optionally /Add.<k> or /Corr.<k>)"
            ),
            symbol=repr(symbol),
        )
    ]


# --- orbit ------------------------------------------------------------------------------------

#: Earth's gravitational parameter (km^3/s^2) and equatorial radius (km), WGS-84.
MU_EARTH_KM3_S2 = 398600.4418
R_EARTH_KM = 6378.137
#: Largest relative difference between declared and Kepler period that passes without a warning.
KEPLER_TOLERANCE = 0.02
GEO_ALTITUDE_KM = 35786.0
#: Resolution 62/101 was adopted on this date; earlier launches predate its recommendations.
RES_62_101_ADOPTED = date(2007, 12, 17)


def kepler_period_min(perigee_km: float, apogee_km: float) -> float | None:
    """Kepler period (minutes) of an orbit with these altitudes above the equatorial radius.

    None when the mean altitude puts the semi-major axis at or below zero.

    >>> round(kepler_period_min(309.0, 314.0), 2)  # ADM-Aeolus, registered as 80.7 min
    90.75
    """
    semi_major_km = R_EARTH_KM + (perigee_km + apogee_km) / 2.0
    if semi_major_km <= 0.0:
        return None
    return 2.0 * math.pi * math.sqrt(semi_major_km**3 / MU_EARTH_KM3_S2) / 60.0


def _looks_geostationary(obj: ObjectIn) -> bool:
    if obj.perigee_km is not None and obj.apogee_km is not None:
        return (
            abs(obj.perigee_km - GEO_ALTITUDE_KM) < 1000.0
            and abs(obj.apogee_km - GEO_ALTITUDE_KM) < 1000.0
        )
    return obj.nodal_period_min is not None and abs(obj.nodal_period_min - 1436.1) < 15.0


# --- the validator ----------------------------------------------------------------------------


def _finding(code: str, field_name: str, message: str, **values: str) -> Finding:
    """A finding whose message is ``message`` (a template when ``values`` fill it)."""
    # Looking the severity up here makes an undocumented code fail loudly in tests.
    return Finding(field_name, code, CODES[code].severity, message % values if values else message)


def _check_designator(obj: ObjectIn) -> list[Finding]:
    designator = obj.international_designator
    kind = designator_kind(designator)
    if kind is None:
        try:
            canonical: str | None = str(parse_designator(designator))
        except DesignatorError:
            canonical = None
        if canonical and canonical != designator:
            message = N_(
                "%(designator)s is not a complete COSPAR designator (YYYY-NNNP, piece letters "
                "without I and O) nor a pre-1963 one; write it as %(canonical)s"
            ) % {"designator": repr(designator), "canonical": canonical}
        else:
            message = N_(
                "%(designator)s is not a complete COSPAR designator (YYYY-NNNP, piece letters "
                "without I and O) nor a pre-1963 one"
            ) % {"designator": repr(designator)}
        return [_finding("designator.malformed", "international_designator", message)]
    found: list[Finding] = []
    if kind == "legacy":
        found.append(
            _finding(
                "designator.legacy",
                "international_designator",
                N_("%(designator)s is a pre-1963 designator, kept as given"),
                designator=repr(designator),
            )
        )
    year = int(designator[:4])
    if obj.launch_date is not None and obj.launch_date.year != year:
        found.append(
            _finding(
                "designator.year_mismatch",
                "international_designator",
                N_("designator year %(year)s differs from launch year %(launch_year)s"),
                year=str(year),
                launch_year=str(obj.launch_date.year),
            )
        )
    return found


def _check_orbit(obj: ObjectIn) -> list[Finding]:
    found: list[Finding] = []
    if obj.apogee_km is not None and obj.perigee_km is not None and obj.apogee_km < obj.perigee_km:
        found.append(
            _finding(
                "orbit.apogee_below_perigee",
                "apogee_km",
                N_("apogee %(apogee)s km is below perigee %(perigee)s km"),
                apogee=f"{obj.apogee_km:g}",
                perigee=f"{obj.perigee_km:g}",
            )
        )
    if obj.inclination_deg is not None and not 0.0 <= obj.inclination_deg <= 180.0:
        found.append(
            _finding(
                "orbit.inclination_out_of_range",
                "inclination_deg",
                N_("inclination %(inclination)s deg is outside 0-180 deg"),
                inclination=f"{obj.inclination_deg:g}",
            )
        )
    if (
        obj.nodal_period_min is not None
        and obj.apogee_km is not None
        and obj.perigee_km is not None
    ):
        kepler = kepler_period_min(obj.perigee_km, obj.apogee_km)
        if kepler is not None:
            off = (obj.nodal_period_min - kepler) / kepler
            if abs(off) > KEPLER_TOLERANCE:
                found.append(
                    _finding(
                        "orbit.period_kepler_mismatch",
                        "nodal_period_min",
                        N_(
                            "period %(period)s min is %(off)s off the Kepler period %(kepler)s "
                            "min for %(perigee)s x %(apogee)s km"
                        ),
                        period=f"{obj.nodal_period_min:g}",
                        off=f"{off:+.1%}",
                        kepler=f"{kepler:.1f}",
                        perigee=f"{obj.perigee_km:g}",
                        apogee=f"{obj.apogee_km:g}",
                    )
                )
    return found


def _check_states(obj: ObjectIn, ctx: ValidationContext) -> list[Finding]:
    found: list[Finding] = []
    if ctx.state is None:
        found.append(_finding("state.missing", "state", N_("no State of registry is given")))
    elif ctx.state not in ctx.known_states:
        found.append(
            _finding(
                "state.unknown",
                "state",
                N_("State of registry %(state)s is not a known State"),
                state=repr(ctx.state),
            )
        )
    for i, launching in enumerate(obj.launching_states):
        if launching.state not in ctx.known_states:
            found.append(
                _finding(
                    "state.unknown",
                    f"launching_states[{i}].state",
                    N_("launching State %(state)s is not a known State"),
                    state=repr(launching.state),
                )
            )
    if obj.launch_territory is not None and obj.launch_territory not in ctx.known_states:
        found.append(
            _finding(
                "state.unknown",
                "launch_territory",
                N_("launch territory %(state)s is not a known State or territory"),
                state=repr(obj.launch_territory),
            )
        )
    return found


def _check_registrations(obj: ObjectIn, ctx: ValidationContext) -> list[Finding]:
    if ctx.state is None:
        return []
    holders = set(ctx.registered_by(obj.international_designator))
    found: list[Finding] = []
    if ctx.state in holders:
        found.append(
            _finding(
                "registration.duplicate",
                "international_designator",
                N_("%(state)s already holds a published registration of %(designator)s"),
                state=ctx.state,
                designator=obj.international_designator,
            )
        )
    others = sorted(holders - {ctx.state})
    if others:
        found.append(
            _finding(
                "registration.other_state",
                "international_designator",
                N_("%(designator)s is already registered by %(states)s"),
                designator=obj.international_designator,
                states=", ".join(others),
            )
        )
    return found


_ARTICLE_IV: tuple[tuple[str, str], ...] = (
    ("launching_states", N_("Art. IV(1)(a) launching State or States is missing")),
    ("launch_date", N_("Art. IV(1)(c) date of launch is missing")),
    ("nodal_period_min", N_("Art. IV(1)(d)(i) nodal period is missing")),
    ("inclination_deg", N_("Art. IV(1)(d)(ii) inclination is missing")),
    ("apogee_km", N_("Art. IV(1)(d)(iii) apogee is missing")),
    ("perigee_km", N_("Art. IV(1)(d)(iv) perigee is missing")),
    ("function", N_("Art. IV(1)(e) general function is missing")),
)


def _check_article_iv(obj: ObjectIn, ctx: ValidationContext) -> list[Finding]:
    found: list[Finding] = []
    for name, message in _ARTICLE_IV:
        if name in ctx.not_in_source:
            continue
        if getattr(obj, name) in (None, []):
            found.append(_finding("article4.missing", name, message))
    place_fields = ("launch_site", "launch_territory")
    if (
        obj.launch_site is None
        and obj.launch_territory is None
        and not set(place_fields) <= ctx.not_in_source
    ):
        found.append(
            _finding(
                "article4.missing",
                "launch_site",
                N_("Art. IV(1)(c) territory or location of launch is missing"),
            )
        )
    return found


def _check_res_62_101(obj: ObjectIn, ctx: ValidationContext) -> list[Finding]:
    if obj.launch_date is not None and obj.launch_date.date() < RES_62_101_ADOPTED:
        return []
    wanted: list[tuple[str, str]] = [
        (
            "function_detail",
            N_("GA res. 62/101 item missing: function beyond the general function"),
        ),
        ("web_link", N_("GA res. 62/101 item missing: web link")),
    ]
    if _looks_geostationary(obj):
        wanted.append(
            ("gso_longitude_deg", N_("GA res. 62/101 item missing: geostationary longitude"))
        )
    if obj.status not in ("in_orbit", "in_gso"):
        wanted.append(
            (
                "status_date",
                N_("GA res. 62/101 item missing: date of the change of status to %(status)s")
                % {"status": obj.status},
            )
        )
    return [
        _finding("res62101.missing", name, message)
        for name, message in wanted
        if name not in ctx.not_in_source and getattr(obj, name) is None
    ]


def validate_object(obj: ObjectIn, ctx: ValidationContext) -> list[Finding]:
    """All findings for one declared object, errors and warnings, in a stable order."""
    findings = _check_designator(obj)
    if obj.launch_date is not None and obj.launch_date.date() > ctx.today:
        findings.append(
            _finding(
                "launch.in_future",
                "launch_date",
                N_("launch date %(launch)s is after %(today)s"),
                launch=obj.launch_date.date().isoformat(),
                today=ctx.today.isoformat(),
            )
        )
    findings += _check_orbit(obj)
    findings += _check_states(obj, ctx)
    findings += _check_registrations(obj, ctx)
    findings += _check_article_iv(obj, ctx)
    findings += _check_res_62_101(obj, ctx)
    return findings


def rejects(findings: list[Finding], ctx: ValidationContext) -> bool:
    """Whether these findings stop a submission: any error, except for a historical import."""
    return not ctx.historical and any(f.severity == "error" for f in findings)
