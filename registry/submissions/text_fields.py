"""Objects written as text (browser form fields, CSV cells) read into the object JSON.

A form or a spreadsheet gives every value as a string; the object JSON (``ObjectIn``) is strict and
never coerces a string into a number or a date. This module does that reading once, for the form
and for the bulk CSV alike, and names the field of each value it cannot read. The columns are the
object JSON's field names; launching States are written ``FRA:launched;DEU:procured``.

>>> data, problems = object_json({"international_designator": "2025-009A", "apogee_km": "520,5",
...     "launching_states": "fra:launched; DEU:procured", "launch_date": "2025-01-14"})
>>> data["apogee_km"], data["launch_date"], data["launching_states"][1], problems
(520.5, '2025-01-14T00:00:00Z', {'state': 'DEU', 'role': 'procured'}, [])
>>> obj, problems = parse_object({"international_designator": "2025-009A", "perigee_km": "low"})
>>> obj is None, problems[0]["field"], problems[0]["message"]
(True, 'perigee_km', 'a number is expected (e.g. 505.2)')
>>> cells_of({"international_designator": "2025-009A", "launching_states":
...     [{"state": "FRA", "role": "launched"}], "apogee_km": 520.0})["launching_states"]
'FRA:launched'
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, get_args

from pydantic import ValidationError

from registry.errors import N_, field_error
from registry.objects.schemas import LaunchingRole, ObjectIn

#: The object JSON's fields, in the model's order: the CSV template's columns.
COLUMNS: tuple[str, ...] = tuple(ObjectIn.model_fields)
INTEGER_FIELDS = frozenset({"norad_id"})
NUMBER_FIELDS = frozenset(
    {"nodal_period_min", "inclination_deg", "apogee_km", "perigee_km", "gso_longitude_deg"}
)
DATETIME_FIELDS = frozenset({"launch_date", "orbit_epoch", "status_date"})
ROLES: tuple[str, ...] = get_args(LaunchingRole)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _finding(field: str, message: str) -> dict[str, str]:
    return field_error(field, "field.invalid", message)


def _number(text: str) -> float | None:
    # A decimal comma is how most of the world writes 94,6; a thousands separator is refused.
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _datetime(text: str) -> str | None:
    """ISO 8601 date or date-time; no offset means UTC, an offset is converted to UTC."""
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + (
        f".{value.microsecond:06d}Z" if value.microsecond else "Z"
    )


def _launching_states(text: str) -> list[dict[str, str]] | str:
    """``FRA:launched;DEU:procured`` (role defaults to launched); a message when unreadable."""
    found = []
    for part in (p.strip() for p in text.replace(",", ";").split(";")):
        if not part:
            continue
        state, _, role = (s.strip() for s in part.partition(":"))
        role = role.lower() or "launched"
        if role not in ROLES:
            return N_("role %(role)s is not one of %(roles)s (write FRA:launched;DEU:procured)") % {
                "role": repr(role),
                "roles": ", ".join(ROLES),
            }
        found.append({"state": state.upper(), "role": role})
    return found


def object_json(cells: Mapping[str, str | None]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The object JSON of text cells (empty cells left out) and the cells that could not be read."""
    data: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for name in COLUMNS:
        text = (cells.get(name) or "").strip()
        if not text:
            continue
        if name in INTEGER_FIELDS:
            if text.isdigit():
                data[name] = int(text)
            else:
                problems.append(_finding(name, N_("a whole number is expected (e.g. 20580)")))
        elif name in NUMBER_FIELDS:
            number = _number(text)
            if number is None:
                problems.append(_finding(name, N_("a number is expected (e.g. 505.2)")))
            else:
                data[name] = number
        elif name in DATETIME_FIELDS:
            when = _datetime(text)
            if when is None:
                problems.append(
                    _finding(name, N_("a date is expected as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"))
                )
            else:
                data[name] = when
        elif name == "launching_states":
            states = _launching_states(text)
            if isinstance(states, str):
                problems.append(_finding(name, states))
            else:
                data[name] = states
        else:
            data[name] = text
    return data, problems


def parse_object(
    cells: Mapping[str, str | None],
) -> tuple[ObjectIn | None, list[dict[str, str]]]:
    """The object, or None with every problem named by field (reading, then the strict model)."""
    data, problems = object_json(cells)
    if "international_designator" not in data:
        problems.insert(0, _finding("international_designator", N_("the designator is required")))
    if problems:
        return None, problems
    try:
        return ObjectIn.model_validate_json(json.dumps(data)), []
    except ValidationError as exc:
        return None, [
            _finding(
                ".".join(str(p) for p in e["loc"] if not isinstance(p, int)) or "object", e["msg"]
            )
            for e in exc.errors()
        ]


def cells_of(data: Mapping[str, Any]) -> dict[str, str]:
    """The text cells of stored object JSON (to fill a form with a draft's object)."""
    cells: dict[str, str] = {}
    for name in COLUMNS:
        value = data.get(name)
        if value is None or value == []:
            continue
        if name == "launching_states":
            cells[name] = ";".join(f"{ls['state']}:{ls.get('role', 'launched')}" for ls in value)
        elif isinstance(value, float):
            cells[name] = repr(value)
        else:
            cells[name] = str(value)
    return cells
