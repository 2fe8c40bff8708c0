"""Stored conjunction screenings: a run's parameters and its events, per object."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import insert_rows
from registry.jobs.models import ConjunctionEvent, ScreeningRun


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
    await insert_rows(session, ConjunctionEvent, rows)
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


#: Measures of an event whose distribution the pages draw.
MEASURES = ("miss_km", "vrel_kms")


def nice_step(span: float, bins: int) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that covers ``span`` in at most ``bins`` steps.

    >>> nice_step(4.7, 5), nice_step(14.2, 20), nice_step(0.0, 20)
    (1.0, 1.0, 1.0)
    """
    raw = span / bins
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)


async def distribution(
    session: AsyncSession, run_id: int, measure: str, *, kind: str = ENCOUNTER, bins: int = 20
) -> list[tuple[float, float, int]]:
    """(start, end, count) of a run's events of ``kind`` in at most ``bins`` equal bins with
    round edges, for one of :data:`MEASURES`; empty bins included, none for no events.

    Counted by the database: a full-catalog screening holds tens of thousands of events.
    """
    if measure not in MEASURES:
        raise ValueError(f"no distribution of {measure!r}: one of {', '.join(MEASURES)}")
    column = getattr(ConjunctionEvent, measure)
    where = (ConjunctionEvent.run_id == run_id, ConjunctionEvent.kind == kind)
    low_value, high_value = (
        await session.execute(sa.select(sa.func.min(column), sa.func.max(column)).where(*where))
    ).one()
    if low_value is None:
        return []
    step = nice_step(high_value - low_value, bins)
    low = math.floor(low_value / step) * step
    count = max(1, math.floor((high_value - low) / step) + 1)
    if count > 1 and high_value > low_value and low + (count - 1) * step >= high_value:
        count -= 1  # the maximum sits on the last edge: it closes the last bin
    # floor() portably: SQLite may lack floor() and truncates in CAST, PostgreSQL rounds.
    scaled = (column - low) / step
    rounded = sa.cast(scaled, sa.Integer)
    index = (rounded - sa.case((rounded > scaled, 1), else_=0)).label("b")
    found: dict[int, int] = {}
    for b, n in (
        await session.execute(sa.select(index, sa.func.count()).where(*where).group_by(index))
    ).all():
        key = min(int(b), count - 1)
        found[key] = found.get(key, 0) + int(n)
    return [(low + b * step, low + (b + 1) * step, found.get(b, 0)) for b in range(count)]


async def most_involved(
    session: AsyncSession, run_id: int, *, kind: str = ENCOUNTER, top: int = 10
) -> list[tuple[int, int]]:
    """(NORAD number, events) of the objects in most of a run's events of ``kind``."""
    sides = sa.union_all(
        *(
            sa.select(side.label("norad_id")).where(
                ConjunctionEvent.run_id == run_id, ConjunctionEvent.kind == kind
            )
            for side in (ConjunctionEvent.norad_a, ConjunctionEvent.norad_b)
        )
    ).subquery()
    n = sa.func.count().label("n")
    stmt = (
        sa.select(sides.c.norad_id, n)
        .group_by(sides.c.norad_id)
        .order_by(n.desc(), sides.c.norad_id)
        .limit(top)
    )
    return [(int(a), int(b)) for a, b in (await session.execute(stmt)).all()]
