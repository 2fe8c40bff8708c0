"""What the object page shows, gathered from the services: record, versions, orbit, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.elements import ElementSet
from orbit.facts import OrbitFacts, catalog_facts
from registry.elementsets import service as elementsets
from registry.jobs.models import ConjunctionEvent, ScreeningRun
from registry.objects import service
from registry.objects.models import SpaceObject

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
    close_approaches: list[dict[str, Any]] = field(default_factory=list)
    screening: ScreeningRun | None = None

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


async def _close_approaches(
    session: AsyncSession, norad_id: int | None
) -> tuple[ScreeningRun | None, list[dict[str, Any]]]:
    run = await session.scalar(sa.select(ScreeningRun).order_by(ScreeningRun.id.desc()).limit(1))
    if run is None or norad_id is None:
        return run, []
    rows = await session.execute(
        sa.select(ConjunctionEvent)
        .where(
            ConjunctionEvent.run_id == run.id,
            sa.or_(ConjunctionEvent.norad_a == norad_id, ConjunctionEvent.norad_b == norad_id),
        )
        .order_by(ConjunctionEvent.miss_km)
        .limit(50)
    )
    events = []
    for event in rows.scalars():
        other = event.norad_b if event.norad_a == norad_id else event.norad_a
        events.append(
            {
                "other": other,
                "tca": event.tca,
                "miss_km": event.miss_km,
                "vrel_kms": event.vrel_kms,
                "pc": event.pc,
            }
        )
    if events:
        names = await session.execute(
            sa.select(
                SpaceObject.norad_id, SpaceObject.international_designator, SpaceObject.name
            ).where(SpaceObject.norad_id.in_([e["other"] for e in events]))
        )
        by_norad = {n: (d, name) for n, d, name in names}
        for e in events:
            e["designator"], e["name"] = by_norad.get(e["other"], (None, None))
    return run, events


async def load(session: AsyncSession, designator: str) -> ObjectPage:
    obj = await service.find_object(session, designator)
    record = await service.get_record(session, designator)
    versions = await service.history(session, designator)
    for version in versions:
        version["shown"] = shown_changes(version["changes"])
    sets = await elementsets.for_object(session, obj.id or 0)
    facts_all = catalog_facts(sets) if sets else None
    facts = [facts_all.row(i) for i in range(len(sets))] if facts_all is not None else []
    run, events = await _close_approaches(session, obj.norad_id)
    return ObjectPage(
        record=record,
        versions=versions,
        element_sets=sets,
        facts=facts,
        comparisons=_comparisons(record, facts[-1] if facts else None),
        timeline=_timeline(record, versions),
        close_approaches=events,
        screening=run,
    )
