"""The stored conjunction screenings as pages show them: the latest run, its events (all, or one
object's), each event's objects named from the register."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.jobs import screenings
from registry.jobs.models import ConjunctionEvent, ScreeningRun
from registry.objects.models import SpaceObject

# Table columns, typed loosely: SQLModel declares the attributes as Python values.
_SO: Any = SpaceObject.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Party:
    """One object of an event: its NORAD number and, when the register holds it, its record."""

    norad_id: int
    designator: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class EventRow:
    a: Party
    b: Party
    tca: datetime | None
    miss_km: float
    vrel_kms: float
    pc: float | None

    def other(self, norad_id: int) -> Party:
        """The object this event pairs ``norad_id`` with."""
        return self.b if self.a.norad_id == norad_id else self.a


@dataclass(frozen=True)
class Screening:
    run: ScreeningRun
    events: list[EventRow]  # close approaches only: co-orbiting pairs are counted, not listed
    counts: dict[str, int]  # events of each kind in the whole run


async def _names(session: AsyncSession, norad_ids: Iterable[int]) -> dict[int, Party]:
    wanted = sorted(set(norad_ids))
    found: dict[int, Party] = {}
    # Chunked so that a big run never builds an IN list past the database's parameter limit.
    for start in range(0, len(wanted), 900):
        rows = await session.execute(
            sa.select(_SO.norad_id, _SO.international_designator, _SO.name).where(
                _SO.norad_id.in_(wanted[start : start + 900])
            )
        )
        for norad, designator, name in rows:
            if norad is not None and norad not in found:
                found[norad] = Party(norad, designator, name)
    return found


async def named(session: AsyncSession, events: Sequence[ConjunctionEvent]) -> list[EventRow]:
    """The events with both objects named where the register knows them."""
    parties = await _names(session, (n for e in events for n in (e.norad_a, e.norad_b)))
    return [
        EventRow(
            parties.get(e.norad_a, Party(e.norad_a)),
            parties.get(e.norad_b, Party(e.norad_b)),
            e.tca,
            e.miss_km,
            e.vrel_kms,
            e.pc,
        )
        for e in events
    ]


async def latest(
    session: AsyncSession, *, norad_id: int | None = None, limit: int | None = None
) -> Screening | None:
    """The newest stored run with its events (closest first), or None before any run."""
    run = await screenings.latest_run(session)
    if run is None:
        return None
    events = await screenings.events_of(
        session, run.id or 0, norad_id=norad_id, limit=limit, kind=screenings.ENCOUNTER
    )
    counts = await screenings.count_events(session, run)
    return Screening(run, await named(session, events), counts)


async def most_involved(
    session: AsyncSession, run: ScreeningRun, top: int = 10
) -> list[tuple[Party, int]]:
    """The objects in most of the run's close approaches, with their counts."""
    counts = await screenings.most_involved(session, run.id or 0, top=top)
    parties = await _names(session, (n for n, _ in counts))
    return [(parties.get(n, Party(n)), c) for n, c in counts]


async def for_object(
    session: AsyncSession, norad_id: int | None, *, limit: int = 50
) -> Screening | None:
    """The latest run with the events of one object (none when it has no NORAD number: a
    screening of the catalog cannot involve it)."""
    if norad_id is None:
        run = await screenings.latest_run(session)
        if run is None:
            return None
        return Screening(run, [], await screenings.count_events(session, run))
    return await latest(session, norad_id=norad_id, limit=limit)
