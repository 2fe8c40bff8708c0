"""What the object page shows, gathered from the services: record, versions, orbit, close
approaches of the latest stored screening; and its chart of altitudes, which the page links and
``/charts/`` draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy.ext.asyncio import AsyncSession

from compliance import service as compliance
from orbit.elements import ElementSet
from orbit.facts import OrbitFacts, catalog_facts
from registry.db import Database
from registry.elementsets import service as elementsets
from registry.errors import NotFound
from registry.objects import service
from web import charts
from web.i18n import Localizer
from web.pages.analyses import screening_view
from web.pages.register.reentry_window import Window

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
    sets, facts = await orbit_of(session, obj.id or 0)
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


async def orbit_of(
    session: AsyncSession, object_id: int
) -> tuple[list[ElementSet], list[OrbitFacts]]:
    """The object's element sets, oldest first, and the orbit facts of each."""
    sets = await elementsets.for_object(session, object_id)
    facts_all = catalog_facts(sets) if sets else None
    facts = [facts_all.row(i) for i in range(len(sets))] if facts_all is not None else []
    return sets, facts


async def altitude_figure(
    sets: list[ElementSet],
    facts: list[OrbitFacts],
    window: Window | None,
    ui: Localizer,
    *,
    src: str = "",
) -> charts.Figure | None:
    """Apogee and perigee of every element set, with the predicted re-entry window; None
    without element sets."""
    if not sets:
        return None
    frame = pl.DataFrame(
        {
            "epoch": [es.epoch for es in sets],
            "apogee_km": [f.apogee_km for f in facts],
            "perigee_km": [f.perigee_km for f in facts],
        }
    )
    return await charts.altitude_history(
        frame,
        title=ui.gettext("Apogee and perigee altitude from element sets"),
        epoch_label=ui.gettext("Epoch (UTC)"),
        altitude_label=ui.gettext("Altitude (km)"),
        apogee_label=ui.gettext("Apogee"),
        perigee_label=ui.gettext("Perigee"),
        window=(window.p05, window.p95) if window is not None else None,
        window_label=ui.gettext("Predicted re-entry window (5th to 95th percentile)"),
        median=window.predicted if window is not None else None,
        src=src,
    )


async def compliance_of(db: Database, designator: str) -> dict[str, Any] | None:
    """The object's compliance report as the API gives it; None when it is not scored (an
    object the scoring does not know yet, for instance one created after the last change)."""
    try:
        return await compliance.object_compliance(db, designator)
    except NotFound:
        return None
