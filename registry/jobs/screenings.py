"""Stored conjunction screenings: a run's parameters and its events, per object."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.jobs.models import ConjunctionEvent, ScreeningRun

_BATCH = 5000


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


async def store_run(
    session: AsyncSession,
    records: Sequence[dict[str, Any]],
    *,
    start: datetime,
    hours: float,
    threshold_km: float,
    objects: int,
    capture_kms: float,
    data_as_of: datetime | None,
    source: str,
    job_id: int | None = None,
) -> ScreeningRun:
    """Keep one screening run and every event it reported (the output records as they are)."""
    run = ScreeningRun(
        job_id=job_id,
        start=start,
        hours=hours,
        threshold_km=threshold_km,
        objects=objects,
        events=len(records),
        capture_kms=capture_kms,
        data_as_of=data_as_of,
        source=source,
    )
    session.add(run)
    await session.flush()
    rows = [
        {
            "run_id": run.id,
            "kind": r["kind"],
            "norad_a": r["norad_a"],
            "norad_b": r["norad_b"],
            "tca": _time(r["tca"]),
            "start": _time(r.get("start")),
            "end": _time(r.get("end")),
            "miss_km": r["miss_km"],
            "vrel_kms": r["vrel_kms"],
            "radial_km": r["radial_km"],
            "intrack_km": r["intrack_km"],
            "crosstrack_km": r["crosstrack_km"],
            "pc": r.get("pc"),
            "pc_method": r.get("pc_method"),
        }
        for r in records
    ]
    for begin in range(0, len(rows), _BATCH):
        await session.execute(sa.insert(ConjunctionEvent), rows[begin : begin + _BATCH])
    # Tens of thousands of rows at once: without fresh statistics SQLite (which never gathers
    # them itself) reads an object's events through the run-and-kind index, i.e. the whole run.
    await session.execute(sa.text("ANALYZE conjunction_events"))
    return run


async def latest_run(session: AsyncSession) -> ScreeningRun | None:
    return await session.scalar(sa.select(ScreeningRun).order_by(ScreeningRun.id.desc()).limit(1))


#: Event kinds: a close approach, or a co-orbiting pair below the threshold for a while
#: (docked modules, satellites flying in formation, a freshly deployed batch).
ENCOUNTER, PROXIMITY = "encounter", "proximity"


async def events_of(
    session: AsyncSession,
    run_id: int,
    *,
    norad_id: int | None = None,
    limit: int | None = None,
    kind: str | None = None,
) -> list[ConjunctionEvent]:
    """A run's events, closest first; only those involving ``norad_id`` when it is given, and
    only those of ``kind`` when it is given."""
    stmt = sa.select(ConjunctionEvent).where(ConjunctionEvent.run_id == run_id)
    if kind is not None:
        stmt = stmt.where(ConjunctionEvent.kind == kind)
    if norad_id is not None:
        stmt = stmt.where(
            sa.or_(ConjunctionEvent.norad_a == norad_id, ConjunctionEvent.norad_b == norad_id)
        )
    stmt = stmt.order_by(ConjunctionEvent.miss_km)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).scalars())


async def count_events(session: AsyncSession, run: ScreeningRun) -> dict[str, int]:
    """A run's number of events of each kind (both kinds always present)."""
    # Co-orbiting pairs are few: counted through the index, the rest are encounters.
    proximity = await session.scalar(
        sa.select(sa.func.count())
        .select_from(ConjunctionEvent)
        .where(ConjunctionEvent.run_id == run.id, ConjunctionEvent.kind == PROXIMITY)
    )
    return {ENCOUNTER: run.events - int(proximity or 0), PROXIMITY: int(proximity or 0)}
