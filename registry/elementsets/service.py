"""Storing element sets, matching them to register objects, and reading an object's history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.elements import ElementSet
from registry.db import insert_rows
from registry.elementsets.models import ElementSetRow
from registry.objects.models import SpaceObject
from registry.types import utcnow

#: ElementSet fields stored as columns (the rest, source and record, describe the file).
_ELEMENT_FIELDS = tuple(
    f.name for f in dataclasses.fields(ElementSet) if f.name not in ("source", "record")
)


@dataclass(frozen=True)
class StoreResult:
    received: int
    stored: int
    duplicates: int
    matched: int
    newest_epoch: datetime | None


async def store(session: AsyncSession, elements: Iterable[ElementSet], source: str) -> StoreResult:
    """Keep every element set not seen before (same NORAD id and epoch), then match them."""
    received = list(elements)
    keys = {(e.norad_id, e.epoch) for e in received}
    seen: set[tuple[int, datetime]] = set()
    ids = sorted({k[0] for k in keys})
    for start in range(0, len(ids), 1000):
        rows = await session.execute(
            sa.select(ElementSetRow.norad_id, ElementSetRow.epoch).where(
                ElementSetRow.norad_id.in_(ids[start : start + 1000])
            )
        )
        seen.update((n, e) for n, e in rows if (n, e) in keys)
    now = utcnow()
    fresh: dict[tuple[int, datetime], dict[str, object]] = {}
    for es in received:
        key = (es.norad_id, es.epoch)
        if key not in seen and key not in fresh:
            fresh[key] = {
                **{name: getattr(es, name) for name in _ELEMENT_FIELDS},
                "source": source,
                "received_at": now,
            }
    rows_to_insert = list(fresh.values())
    await insert_rows(session, ElementSetRow, rows_to_insert)
    matched = await match_objects(session)
    newest = max((e.epoch for e in received), default=None)
    return StoreResult(
        len(received), len(rows_to_insert), len(received) - len(rows_to_insert), matched, newest
    )


async def match_objects(session: AsyncSession) -> int:
    """Attach unmatched element sets to objects: by international designator, else NORAD id."""
    by_designator = (
        sa.select(SpaceObject.id)
        .where(SpaceObject.international_designator == ElementSetRow.designator)
        .scalar_subquery()
    )
    await session.execute(
        sa.update(ElementSetRow)
        .where(ElementSetRow.object_id.is_(None), ElementSetRow.designator.is_not(None))
        .values(object_id=by_designator)
        .execution_options(synchronize_session=False)
    )
    by_norad = (
        sa.select(sa.func.min(SpaceObject.id))
        .where(SpaceObject.norad_id == ElementSetRow.norad_id)
        .scalar_subquery()
    )
    await session.execute(
        sa.update(ElementSetRow)
        .where(ElementSetRow.object_id.is_(None))
        .values(object_id=by_norad)
        .execution_options(synchronize_session=False)
    )
    return (
        await session.scalar(sa.select(sa.func.count()).where(ElementSetRow.object_id.is_not(None)))
        or 0
    )


def to_element_set(row: ElementSetRow) -> ElementSet:
    return ElementSet(**{name: getattr(row, name) for name in _ELEMENT_FIELDS}, source=row.source)


async def for_object(session: AsyncSession, object_id: int) -> list[ElementSet]:
    """Every element set of one object, oldest first."""
    rows = await session.execute(
        sa.select(ElementSetRow)
        .where(ElementSetRow.object_id == object_id)
        .order_by(ElementSetRow.epoch)
    )
    return [to_element_set(r) for r in rows.scalars()]


async def every_object(session: AsyncSession) -> list[list[ElementSet]]:
    """The element sets of every register object, one list per object, oldest first."""
    c: Any = ElementSetRow.__table__.c  # type: ignore[attr-defined]
    names = (*_ELEMENT_FIELDS, "source")
    # Plain rows rather than ORM objects: reading every element set takes a quarter of the time.
    rows = await session.execute(
        sa.select(c.object_id, *(c[name] for name in names))
        .where(c.object_id.is_not(None))
        .order_by(c.object_id, c.epoch)
    )
    groups: dict[int, list[ElementSet]] = {}
    for object_id, *values in rows:
        groups.setdefault(object_id, []).append(ElementSet(**dict(zip(names, values, strict=True))))
    return list(groups.values())


async def stamp(session: AsyncSession) -> tuple[int, int, int]:
    """Changes whenever an element set is stored or matched to an object: how many there are,
    the newest row id, and how many are matched."""
    row = (
        await session.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.max(ElementSetRow.id), 0),
                sa.func.count(ElementSetRow.object_id),
            )
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def latest_per_object(session: AsyncSession) -> list[ElementSet]:
    """The newest element set of every NORAD number the register holds: the current catalog."""
    newest = (
        sa.select(ElementSetRow.norad_id, sa.func.max(ElementSetRow.epoch).label("epoch"))
        .group_by(ElementSetRow.norad_id)
        .subquery()
    )
    rows = await session.execute(
        sa.select(ElementSetRow).join(
            newest,
            sa.and_(
                ElementSetRow.norad_id == newest.c.norad_id, ElementSetRow.epoch == newest.c.epoch
            ),
        )
    )
    return [to_element_set(r) for r in rows.scalars()]
