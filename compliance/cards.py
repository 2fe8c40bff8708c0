"""Reason cards: every criterion result explained in the brief's shape.

A card starts with one plain sentence, then the rule and its source, the inputs with the time
their data is as of, the points (awarded, range, maximum), the evidence grade, how to improve
and the caveats. Cards are built for the subjects a page or command asks for, not for the
whole register (the scores are computed in bulk by :mod:`compliance.engine`).

>>> row = {"score": 0.0, "low": 0.0, "high": 0.0, "applicable": True, "grade": "E1",
...        "reason": "unregistered_late", "provisional": False, "age_days": 800.0,
...        "registered": False, "reg_state": None, "reg_document": None, "launch_date": None}
>>> card = object_card("O1", row, weight=15.0, data_as_of={"register": None})
>>> card["sentence"]
'Not registered with the UN 800 days after launch (over a year: critical).'
>>> card["points"], card["max_points"], card["evidence_grade"]
(0.0, 15.0, 'E1')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from compliance.guidelines import load_guidelines
from compliance.object_criteria import OBJECT_GUIDELINES
from compliance.state_criteria import STATE_GUIDELINES

Row = Mapping[str, Any]


@dataclass(frozen=True)
class CriterionText:
    title: str
    rule: str
    rule_ids: tuple[str, ...]
    improve: str
    data: str  # which data_as_of part the inputs come from
    inputs: tuple[str, ...]
    caveats: tuple[str, ...] = ()


def _n(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    if isinstance(value, float) and math.isinf(value):
        return "more than 100"
    return f"{value:,.{digits}f}"


def _pct(value: Any) -> str:
    return "?" if value is None else f"{100 * value:.1f}%"


OBJECT_TEXT: dict[str, CriterionText] = {
    "O1": CriterionText(
        "Registered with the UN",
        "1 if the object carries a published UN document symbol, else 0; critical flag over 365 days after launch",
        ("registration-art-iv",),
        "Furnish the Art. IV(1) information to the Secretary-General through the Permanent Mission.",
        "register",
        ("registered", "reg_state", "reg_document", "launch_date", "age_days"),
    ),
    "O2": CriterionText(
        "Timeliness of registration",
        "d = registration date - launch date: 1 if d <= 90 days, linear to 0 at 730 days",
        ("registration-art-iv",),
        "Register within 90 days of launch.",
        "register",
        ("launch_date", "registered_at", "delay_days"),
        ("Historical records (GCAT) carry no registration date: not assessable for them.",),
    ),
    "O3": CriterionText(
        "Completeness of the registration",
        "0.75 x Art. IV(1) items present + 0.25 x GA res. 62/101 items present (over items the source carries)",
        ("registration-art-iv", "registration-62-101"),
        "Provide every Art. IV(1) item and the 62/101 items (status, decay, disposal, web link).",
        "register",
        ("art_iv_present", "art_iv_carried", "res_present", "res_carried", "reg_document"),
        (
            "Items the source never carries are left out, not counted missing; GCAT's copy holds period, inclination, apogee and perigee only.",
        ),
    ),
    "O4": CriterionText(
        "Declared orbit matches observed",
        "consistent within di <= 0.5 deg, dh <= max(25 km, 5%), dP <= 2%: 1; within 2x: 0.5; else 0",
        ("registration-art-iv",),
        "Declare the orbit from a current element set; file an addendum when it changes.",
        "element_sets",
        (
            "decl_period_min",
            "decl_inclination_deg",
            "decl_apogee_km",
            "decl_perigee_km",
            "obs_period_min",
            "obs_inclination_deg",
            "obs_apogee_km",
            "obs_perigee_km",
            "obs_epoch",
            "obs_days_after_launch",
        ),
        (
            "A registered orbit is a snapshot near launch; only element sets within two years of launch (or above 2,000 km) are compared.",
        ),
    ),
    "O5": CriterionText(
        "Status changes notified",
        "per catalog event (decay): notified within 365 days 1, later 0.5, never 0",
        ("registration-62-101",),
        "Notify decay, disposal and transfers (Art. IV(3), res. 62/101).",
        "satcat",
        ("sc_decay_date", "end_notified_at", "notice_delay_days"),
        ("Catalog events come from a fetched SATCAT; none in the demo.",),
    ),
    "O6": CriterionText(
        "LEO post-mission disposal",
        "re-entered or lifetime <= 5 y: 1; <= 25 y: 0.6; > 25 y: 0.2 with attempt, else 0 (p50; p90 if e > 0.3)",
        ("leo-25-year", "leo-5-year", "lifetime-percentiles"),
        "Plan disposal to re-enter within 5 years of end of mission.",
        "lifetimes",
        (
            "obs_perigee_km",
            "obs_apogee_km",
            "obs_eccentricity",
            "lt_p25",
            "lt_p50",
            "lt_p75",
            "lt_count",
            "sc_decay_date",
            "operating",
        ),
        (
            "Lifetime from the newest element set, with the engine's solar-flux scenarios; provisional while the object operates.",
        ),
    ),
    "O6G": CriterionText(
        "GEO disposal",
        "perigee >= GEO + 235 + 1000 C_R A/m km and e < 0.003: 1; above the region but short: 0.4; left in region: 0",
        ("geo-graveyard", "geo-region"),
        "Re-orbit to the graveyard at end of life and passivate.",
        "element_sets",
        (
            "obs_perigee_km",
            "obs_apogee_km",
            "obs_eccentricity",
            "perigee_above_geo_km",
            "required_above_geo_km",
        ),
        ("C_R = 1.5 and A/m = 0.02 m^2/kg are assumed defaults.",),
    ),
    "O7": CriterionText(
        "Re-entry safety",
        "controlled re-entry 1; uncontrolled, small, casualty risk unknown 0.5; risk >= 1e-4: 0 and critical",
        ("reentry-casualty",),
        "Re-enter under control, or declare a casualty-risk assessment below 1e-4.",
        "lifetimes",
        ("hbr_m", "hbr_source", "lt_count", "sc_decay_date"),
        ("Size from NASA CARA's hard-body radius; no casualty estimates in the data yet.",),
    ),
    "O8": CriterionText(
        "Trackability and identification",
        "in the catalog within 30 days of launch 1, linear to 0 at 365 days",
        (),
        "Share pre-launch orbit data so that the object is catalogued fast.",
        "element_sets",
        ("launch_date", "first_epoch", "days_to_catalog", "store_start"),
    ),
    "O9": CriterionText(
        "Integrity",
        "no fragmentation and no mission-related objects 1; mission-related objects only 0.5; fragmentation 0",
        (),
        "Passivate and avoid releasing objects.",
        "events",
        ("ev_fragmentation", "ev_intentional", "ev_released"),
        ("No catalog-event source yet: every object reads 'no data'.",),
    ),
    "O10": CriterionText(
        "Collision-avoidance capability (observed)",
        "manoeuvres seen in the element-set history 1; none while operating 0; unknown not assessed",
        (),
        "Operate a collision-avoidance process and share manoeuvre plans.",
        "element_sets",
        ("n_sets", "history_days", "manoeuvres", "last_manoeuvre"),
        ("Conjunction counts are context only and never enter the score.",),
    ),
}

STATE_TEXT: dict[str, CriterionText] = {
    "S1": CriterionText(
        "Registration coverage",
        "registered / attributable payloads of the last 10 years; Wilson 95% lower bound",
        ("registration-art-iv",),
        "Register the attributed payloads.",
        "register",
        ("registered", "attributed", "n", "share", "not_due"),
        (
            "Unregistered objects count for the State the catalog names (attributed), which may not be the State of registry.",
        ),
    ),
    "S2": CriterionText(
        "Timeliness",
        "mean O2; median delay; shares registered within 90 and 365 days",
        ("registration-art-iv",),
        "Register within 90 days of launch.",
        "register",
        (
            "mean_o2",
            "median_delay_days",
            "share_within_90",
            "share_within_365",
            "n_dated",
            "n_registered",
        ),
        ("Historical records carry no registration date: not assessable for them.",),
    ),
    "S3": CriterionText(
        "Completeness and updates",
        "0.5 mean O3 + 0.5 share of catalog events notified",
        ("registration-art-iv", "registration-62-101"),
        "Complete registrations and notify status changes.",
        "register",
        ("mean_o3", "n_o3", "mean_o5", "n_o5"),
    ),
    "S4": CriterionText(
        "LEO disposal",
        "share of LEO objects meeting the 25-year rule (5-year shown); Wilson lower bound",
        ("leo-25-year", "leo-5-year"),
        "Choose orbits and disposal plans that re-enter within 5 years.",
        "lifetimes",
        ("meets_25", "meets_5", "n", "share_25", "share_5", "provisional_n"),
        ("Operating objects are counted at their current orbit's natural lifetime (provisional).",),
    ),
    "S5": CriterionText(
        "GEO disposal",
        "share of retired GEO objects meeting the IADC formula",
        ("geo-graveyard",),
        "Re-orbit GEO satellites to the graveyard.",
        "element_sets",
        ("meets", "n"),
    ),
    "S6": CriterionText(
        "Rocket-body conduct",
        "share of upper stages re-entered or out of the protected regions",
        ("leo-25-year",),
        "Dispose of upper stages by controlled re-entry.",
        "satcat",
        ("cleared", "n"),
        ("The register holds payloads; rocket bodies need SATCAT attributed to States.",),
    ),
    "S7": CriterionText(
        "Fragmentation record",
        "fragmentation events per 100 objects; intentional destruction 0 and critical",
        (),
        "Passivate; never destroy objects intentionally.",
        "events",
        ("fragmentations", "intentional", "n", "per_100"),
    ),
    "S8": CriterionText(
        "Re-entry risk management",
        "share of large re-entering objects controlled or with casualty risk < 1e-4",
        ("reentry-casualty",),
        "Declare casualty-risk assessments; re-enter large objects under control.",
        "lifetimes",
        ("managed", "n"),
    ),
    "S9": CriterionText(
        "Object quality pass-through",
        "mean of O4, O8 and O10",
        (),
        "Declare accurate orbits; share orbit data; operate collision avoidance.",
        "element_sets",
        ("mean_o4", "mean_o8", "mean_o10", "n_o4", "n_o8", "n_o10"),
    ),
}


def _object_sentence(cid: str, r: Row) -> str:
    reason = r.get("reason")
    if not r.get("applicable"):
        return {
            "O2": "Not registered: timeliness is carried by O1.",
            "O6G": "Not a retired GEO object: GEO disposal does not apply (or is not due while operating).",
            "O6": "Not in LEO: LEO disposal does not apply.",
        }.get(cid, "Does not apply to this object.")
    s: dict[str, Callable[[], str]] = {
        "registered": lambda: (
            f"Registered by {r.get('reg_state') or '?'} in {r.get('reg_document') or 'a UN document'}."
        ),
        "unregistered_late": lambda: (
            f"Not registered with the UN {_n(r.get('age_days'))} days after launch (over a year: critical)."
        ),
        "unregistered": lambda: f"Not registered yet, {_n(r.get('age_days'))} days after launch.",
        "no_registration_date": lambda: (
            "The record carries no registration date: timeliness not assessable."
        ),
        "delay": lambda: f"Registered {_n(r.get('delay_days'))} days after launch.",
        "art_iv_only": lambda: (
            f"{r.get('art_iv_present')} of {r.get('art_iv_carried')} Art. IV items the source carries are present."
        ),
        "both": lambda: (
            f"{r.get('art_iv_present')} of {r.get('art_iv_carried')} Art. IV items and {r.get('res_present')} of {r.get('res_carried')} res. 62/101 items present."
        ),
        "nothing_in_source": lambda: (
            "The source carries no Art. IV items: completeness not assessable."
        ),
        "consistent": lambda: "The declared orbit matches the observed orbit within tolerance.",
        "close": lambda: "The declared orbit is within twice the tolerance of the observed orbit.",
        "inconsistent": lambda: (
            f"The declared orbit differs from the observed (declared {_n(r.get('decl_perigee_km'))} x {_n(r.get('decl_apogee_km'))} km, observed {_n(r.get('obs_perigee_km'))} x {_n(r.get('obs_apogee_km'))} km)."
        ),
        "nothing_declared": lambda: "The registration declares no orbital parameters.",
        "no_observed_orbit": lambda: "No observed orbit in the stored element sets: no data.",
        "observed_too_late": lambda: (
            f"The newest element set is {_n(r.get('obs_days_after_launch'))} days after launch: too late to check a launch-time declaration."
        ),
        "not_comparable": lambda: "No declared field can be compared with the observed orbit.",
        "notified": lambda: "The decay was notified within a year.",
        "notified_late": lambda: (
            f"The decay was notified {_n(r.get('notice_delay_days'))} days after it happened."
        ),
        "not_notified": lambda: "The decay in the catalog has not been notified.",
        "reentered": lambda: f"Re-entered {_n(r.get('years_to_decay'), 1)} years after launch.",
        "no_lifetime": lambda: "No lifetime estimate for the newest element set: no data.",
        "lifetime": lambda: _lifetime_sentence(r),
        "meets": lambda: (
            f"Perigee {_n(r.get('perigee_above_geo_km'))} km above GEO: meets the IADC disposal rule."
        ),
        "above_short": lambda: (
            f"Perigee {_n(r.get('perigee_above_geo_km'))} km above GEO, short of the {_n(r.get('required_above_geo_km'))} km the IADC rule asks."
        ),
        "left_in_region": lambda: "Left in the GEO protected region.",
        "below_region": lambda: "Below the GEO protected region, not in a graveyard orbit.",
        "controlled": lambda: "Re-entered under control.",
        "small_uncontrolled": lambda: (
            f"Small object (hard-body radius {_n(r.get('hbr_m'), 1)} m), uncontrolled re-entry, casualty risk not estimated."
        ),
        "size_unknown": lambda: (
            "Will re-enter uncontrolled; size and casualty risk unknown: not assessed."
        ),
        "large_ec_unknown": lambda: (
            f"Large object (hard-body radius {_n(r.get('hbr_m'), 1)} m) re-entering uncontrolled; casualty risk not declared: not assessed."
        ),
        "catalogued": lambda: f"In the catalog {_n(r.get('days_to_catalog'))} days after launch.",
        "never_catalogued": lambda: "Not in the catalog a year after launch.",
        "store_after_launch": lambda: (
            "The element-set store starts after the launch: first cataloguing not observable."
        ),
        "no_element_sets": lambda: "No element sets stored: no data.",
        "pending": lambda: "Not catalogued yet; less than a year since launch.",
        "no_event_source": lambda: "No catalog-event source (fragmentations, releases): no data.",
        "intentional_destruction": lambda: "Intentionally destroyed (critical).",
        "fragmentation": lambda: "Fragmented (critical).",
        "released_debris": lambda: "Released mission-related objects.",
        "intact": lambda: "No fragmentation and no released objects recorded.",
        "manoeuvres_seen": lambda: (
            f"{r.get('manoeuvres')} manoeuvre(s) seen in {_n(r.get('history_days'))} days of element sets."
        ),
        "none_seen": lambda: (
            f"No manoeuvre seen in {_n(r.get('history_days'))} days of element sets while operating."
        ),
        "short_history": lambda: (
            f"Element-set history too short ({_n(r.get('history_days'))} days) to see manoeuvres."
        ),
    }
    return s.get(str(reason), lambda: str(reason))()


def _lifetime_sentence(r: Row) -> str:
    years = r.get("lt_count")
    low, high = r.get("lt_p25"), r.get("lt_p75")
    if years is None:
        return "No lifetime estimate."
    verdict = (
        "meets the 5-year rule"
        if years <= 5
        else "meets the 25-year rule"
        if years <= 25
        else "exceeds 25 years"
    )
    text = f"Re-enters in ~{_n(years, 1)} years ({_n(low, 1)}-{_n(high, 1)}): {verdict}"
    if r.get("score") != r.get("low") or r.get("score") != r.get("high"):
        text += "; the class changes inside the range"
    return text + (" (provisional: still operating)." if r.get("provisional") else ".")


def _state_sentence(cid: str, r: Row) -> str:
    reason = r.get("reason")
    missing = {
        "no_objects": "No objects in the last 10 years.",
        "no_registration_dates": f"None of {r.get('n_registered') or 0} registrations carries a registration date: not assessable.",
        "no_registrations": "No registrations in the last 10 years.",
        "no_lifetimes": "No lifetime estimates for the State's LEO objects: no data.",
        "no_retired_geo_objects": "No retired GEO objects with an observed orbit: no data.",
        "no_rocket_body_data": "No rocket-body data attributed to States: no data.",
        "no_event_source": "No catalog-event source (fragmentations): no data.",
        "no_casualty_data": "No casualty-risk data for large re-entering objects: no data.",
        "no_object_data": "No assessed O4, O8 or O10: no data.",
    }
    if reason in missing:
        return missing[str(reason)]
    if cid == "S1":
        return (
            f"{r.get('registered')} of {r.get('n')} payloads registered ({_pct(r.get('share'))}; "
            f"{r.get('attributed')} unregistered attributed by the catalog; lower bound {_pct(r.get('score'))})."
        )
    if cid == "S2":
        return f"Median delay {_n(r.get('median_delay_days'))} days; {_pct(r.get('share_within_90'))} within 90 days ({r.get('n_dated')} dated)."
    if cid == "S3":
        return (
            f"Mean completeness {_pct(r.get('mean_o3'))} over {r.get('n_o3') or 0} registrations"
            + (
                f"; {_pct(r.get('mean_o5'))} of catalog events notified."
                if r.get("mean_o5") is not None
                else "; no catalog events to notify."
            )
        )
    if cid == "S4":
        return (
            f"{r.get('meets_25')} of {r.get('n')} LEO objects meet the 25-year rule ({_pct(r.get('share_25'))}), "
            f"{r.get('meets_5')} the 5-year rule ({_pct(r.get('share_5'))})"
            + (
                f"; {r.get('provisional_n')} provisional (operating)."
                if r.get("provisional_n")
                else "."
            )
        )
    if cid == "S5":
        return f"{r.get('meets')} of {r.get('n')} retired GEO objects meet the IADC disposal rule."
    if cid == "S6":
        return f"{r.get('cleared')} of {r.get('n')} upper stages re-entered or left the protected regions."
    if cid == "S7":
        return f"{r.get('fragmentations')} fragmentation(s) per {r.get('n')} objects ({_n(r.get('per_100'), 2)} per 100)."
    if cid == "S8":
        return f"{r.get('managed')} of {r.get('n')} large re-entering objects controlled or below 1e-4."
    if cid == "S9":
        parts = [
            f"{k[-2:].upper().lstrip('_')}: {_pct(r.get(k))}"
            for k in ("mean_o4", "mean_o8", "mean_o10")
            if r.get(k) is not None
        ]
        return "Mean " + ", ".join(parts) + "."
    return str(reason)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf"
        return round(value, 6)
    return value


def _iso(value: Any) -> str | None:
    return None if value is None else _jsonable(value)


def _card(
    cid: str,
    text: CriterionText,
    guidelines: tuple[str, ...],
    row: Row,
    weight: float,
    data_as_of: Mapping[str, Any],
    sentence: str,
) -> dict[str, Any]:
    catalog = load_guidelines()
    score = row.get("score")
    applicable = bool(row.get("applicable"))
    assessed = applicable and score is not None
    low, high = row.get("low"), row.get("high")
    rules = [
        {"text": catalog.rule(r).text, "source": catalog.rule(r).source_text} for r in text.rule_ids
    ]
    return {
        "id": "O6'" if cid == "O6G" else cid,
        "title": text.title,
        "guidelines": list(guidelines),
        "applicable": applicable,
        "assessed": assessed,
        "score": _jsonable(score) if assessed else None,
        "weight": weight if applicable else 0.0,
        "points": _jsonable(weight * float(score)) if assessed and score is not None else None,
        "max_points": weight if applicable else 0.0,
        "range": [_jsonable(weight * low), _jsonable(weight * high)]
        if assessed and low is not None and high is not None and (low != score or high != score)
        else None,
        "evidence_grade": row.get("grade") or "E0",
        "provisional": bool(row.get("provisional")),
        "sentence": sentence,
        "rule": {
            "text": text.rule,
            "sources": rules,
            "guidelines": [{"id": g, "title": catalog.guideline(g).title} for g in guidelines],
        },
        "inputs": [
            {
                "name": name,
                "value": _jsonable(row.get(name)),
                "as_of": _iso(data_as_of.get(text.data)),
            }
            for name in text.inputs
            if name in row
        ],
        "how_to_improve": text.improve if assessed and (score or 0) < 1 else None,
        "caveats": list(text.caveats),
    }


def object_card(
    cid: str, row: Row, *, weight: float, data_as_of: Mapping[str, Any]
) -> dict[str, Any]:
    return _card(
        cid,
        OBJECT_TEXT[cid],
        OBJECT_GUIDELINES[cid],
        row,
        weight,
        data_as_of,
        _object_sentence(cid, row),
    )


def state_card(
    cid: str, row: Row, *, weight: float, data_as_of: Mapping[str, Any]
) -> dict[str, Any]:
    return _card(
        cid,
        STATE_TEXT[cid],
        STATE_GUIDELINES[cid],
        row,
        weight,
        data_as_of,
        _state_sentence(cid, row),
    )


def jsonable(value: Any) -> Any:
    """Dates as ISO text, floats rounded, NaN as null, infinity as "inf"."""
    return _jsonable(value)
