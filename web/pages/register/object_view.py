"""What the object page shows, gathered from the services: record, versions, orbit, close
approaches of the latest stored screening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from compliance import service as compliance
from orbit.elements import ElementSet
from orbit.facts import OrbitFacts, catalog_facts
from registry.db import Database
from registry.elementsets import service as elementsets
from registry.errors import NotFound
from registry.objects import service
from web.pages.analyses import screening_view

#: Declared orbital items and the observed fact each is compared with.
COMPARED = (
    ("apogee_km", "apogee_km", 0),
    ("perigee_km", "perigee_km", 0),
    ("inclination_deg", "inclination_deg", 2),
    ("nodal_period_min", "nodal_period_min", 1),
)


@dataclass(frozen=True)
class OrbitRow:
    item: str
    declared: float | None
    observed: float | None
    digits: int

    @property
    def difference(self) -> float | None:
        if self.declared is None or self.observed is None:
            return None
        return self.declared - self.observed


@dataclass(frozen=True)
class TimelineEntry:
    when: str | None
    what: str
    detail: str = ""
    document: str | None = None


@dataclass
class ObjectPage:
    record: dict[str, Any]
    versions: list[dict[str, Any]]
    element_sets: list[ElementSet]
    facts: list[OrbitFacts]
    comparisons: dict[str, list[OrbitRow]]
    timeline: list[TimelineEntry]
    screening: screening_view.Screening | None = None
    #: The object's NORAD number as the register holds it now (what screenings know it by).
    norad_id: int | None = None

    @property
    def observed(self) -> OrbitFacts | None:
        return self.facts[-1] if self.facts else None

    @property
    def observed_epoch(self) -> datetime | None:
        return self.element_sets[-1].epoch if self.element_sets else None


def _comparisons(record: dict[str, Any], observed: OrbitFacts | None) -> dict[str, list[OrbitRow]]:
    out: dict[str, list[OrbitRow]] = {}
    for reg in record["registrations"]:
        out[reg["state"]] = [
            OrbitRow(
                item,
                reg.get(item),
                getattr(observed, fact) if observed is not None else None,
                digits,
            )
            for item, fact, digits in COMPARED
        ]
    return out


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def shown_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes a reader cares about: validator findings and empty-to-empty moves left out.

    >>> shown_changes([{"field": "name", "before": None, "after": "X"},
    ...                {"field": "registrations.FRA.findings", "before": [], "after": [{}]},
    ...                {"field": "launch_site", "before": None, "after": []}])
    [{'field': 'name', 'before': None, 'after': 'X'}]
    """
    return [
        c
        for c in changes
        if not c["field"].endswith("findings") and not (_empty(c["before"]) and _empty(c["after"]))
    ]


def _timeline(record: dict[str, Any], versions: list[dict[str, Any]]) -> list[TimelineEntry]:
    entries = [TimelineEntry(record.get("launch_date"), "launch")]
    for v in versions:
        status_change = next((c for c in v["changes"] if c["field"] == "status"), None)
        if v["reason"] in ("registered", "imported") and v["document"]:
            entries.append(TimelineEntry(v["created_at"], "registered", document=v["document"]))
        if status_change is not None and v["version"] > 1:
            when = v["record"].get("status_date") or v["created_at"]
            entries.append(
                TimelineEntry(when, "status", str(status_change["after"]), v["document"])
            )
    return entries


async def load(session: AsyncSession, designator: str) -> ObjectPage:
    obj = await service.find_object(session, designator)
    record = await service.get_record(session, designator)
    versions = await service.history(session, designator)
    for version in versions:
        version["shown"] = shown_changes(version["changes"])
    sets = await elementsets.for_object(session, obj.id or 0)
    facts_all = catalog_facts(sets) if sets else None
    facts = [facts_all.row(i) for i in range(len(sets))] if facts_all is not None else []
    screening = await screening_view.for_object(session, obj.norad_id, limit=50)
    return ObjectPage(
        record=record,
        versions=versions,
        element_sets=sets,
        facts=facts,
        comparisons=_comparisons(record, facts[-1] if facts else None),
        timeline=_timeline(record, versions),
        screening=screening,
        norad_id=obj.norad_id,
    )


async def compliance_of(db: Database, designator: str) -> dict[str, Any] | None:
    """The object's compliance report as the API gives it; None when it is not scored (an
    object the scoring does not know yet, for instance one created after the last change)."""
    try:
        return await compliance.object_compliance(db, designator)
    except NotFound:
        return None
