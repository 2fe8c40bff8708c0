"""The object record: one JSON shape for the API, the version snapshots and the exports.

A record is the object's catalogue identity with every registration of it. Versions store records;
a diff between two records names each changed field by a dotted path, with registrations keyed by
their State of registry (``registrations.FRA.apogee_km``).

>>> diff_records({"name": "A", "registrations": [{"state": "FRA", "apogee_km": 500.0}]},
...              {"name": "B", "registrations": [{"state": "FRA", "apogee_km": 510.0}]})
[{'field': 'name', 'before': 'A', 'after': 'B'}, {'field': 'registrations.FRA.apogee_km', 'before': 500.0, 'after': 510.0}]
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registry.objects.models import Registration, SpaceObject

OBJECT_FIELDS = (
    "international_designator",
    "designator_legacy",
    "norad_id",
    "name",
    "launch_date",
    "launch_site",
    "launch_territory",
    "launch_vehicle",
    "status",
    "status_date",
    "status_body",
    "attributed_state",
    "registered",
    "function",
    "not_in_source",
)
REGISTRATION_FIELDS = (
    "launching_states",
    "national_registration_number",
    "nodal_period_min",
    "inclination_deg",
    "apogee_km",
    "perigee_km",
    "orbit_epoch",
    "function",
    "function_detail",
    "gso_longitude_deg",
    "owner_operator",
    "web_link",
    "registered_at",
    "findings",
)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%dT%H:%M:%SZ")
            if not value.microsecond
            else value.isoformat().replace("+00:00", "Z")
        )
    return value


def registration_record(registration: Registration, symbol: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {"state": registration.state_code, "document": symbol}
    record.update({name: _json_value(getattr(registration, name)) for name in REGISTRATION_FIELDS})
    return record


def object_record(
    obj: SpaceObject, registrations: list[tuple[Registration, str | None]]
) -> dict[str, Any]:
    record = {name: _json_value(getattr(obj, name)) for name in OBJECT_FIELDS}
    regs = sorted((registration_record(r, s) for r, s in registrations), key=lambda r: r["state"])
    record["registrations"] = regs
    record["documents"] = sorted({r["document"] for r in regs if r["document"]})
    return record


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in record.items() if k not in ("registrations", "documents")}
    for reg in record.get("registrations", []):
        for key, value in reg.items():
            if key != "state":
                flat[f"registrations.{reg['state']}.{key}"] = value
    return flat


def diff_records(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    old, new = _flatten(before or {}), _flatten(after)
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        if old.get(key) != new.get(key):
            changes.append({"field": key, "before": old.get(key), "after": new.get(key)})
    return changes
