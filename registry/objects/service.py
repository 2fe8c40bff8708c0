"""Reading the register, and recording new versions of objects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.documents.models import Document
from registry.elementsets.regime import object_in_regime
from registry.errors import N_, NotFound
from registry.objects.models import ObjectVersion, Registration, SpaceObject
from registry.objects.records import diff_records, object_record
from registry.types import utcnow

SORTS = {
    "designator": SpaceObject.international_designator,
    "launch_date": SpaceObject.launch_date,
    "name": SpaceObject.name,
    "norad_id": SpaceObject.norad_id,
}


async def registrations_of(
    session: AsyncSession, object_ids: list[int]
) -> dict[int, list[tuple[Registration, str | None]]]:
    rows = await session.execute(
        sa.select(Registration, Document.symbol)
        .outerjoin(Document, Document.id == Registration.document_id)
        .where(Registration.object_id.in_(object_ids))
    )
    found: dict[int, list[tuple[Registration, str | None]]] = {i: [] for i in object_ids}
    for registration, symbol in rows:
        found[registration.object_id].append((registration, symbol))
    return found


async def find_object(session: AsyncSession, designator: str) -> SpaceObject:
    obj = await session.scalar(
        sa.select(SpaceObject).where(SpaceObject.international_designator == designator)
    )
    if obj is None:
        raise NotFound(N_("no object with designator %(designator)s") % {"designator": designator})
    return obj


async def record_of(session: AsyncSession, obj: SpaceObject) -> dict[str, Any]:
    assert obj.id is not None
    return object_record(obj, (await registrations_of(session, [obj.id]))[obj.id])


async def get_record(session: AsyncSession, designator: str) -> dict[str, Any]:
    """The current record: the snapshot of the object's latest version (one indexed query)."""
    row = (
        await session.execute(
            sa.select(ObjectVersion.snapshot, SpaceObject.version)
            .join(
                ObjectVersion,
                sa.and_(
                    ObjectVersion.object_id == SpaceObject.id,
                    ObjectVersion.number == SpaceObject.version,
                ),
            )
            .where(SpaceObject.international_designator == designator)
        )
    ).first()
    if row is None:
        raise NotFound(N_("no object with designator %(designator)s") % {"designator": designator})
    record = dict(row.snapshot)
    record["version"] = row.version
    return record


async def history(session: AsyncSession, designator: str) -> list[dict[str, Any]]:
    obj = await find_object(session, designator)
    rows = await session.execute(
        sa.select(ObjectVersion, Document.symbol)
        .outerjoin(Document, Document.id == ObjectVersion.document_id)
        .where(ObjectVersion.object_id == obj.id)
        .order_by(ObjectVersion.number)
    )
    return [
        {
            "version": v.number,
            "reason": v.reason,
            "document": symbol,
            "submission_id": v.submission_id,
            "actor": v.actor,
            "created_at": v.created_at.isoformat().replace("+00:00", "Z"),
            "changes": v.changes,
            "record": v.snapshot,
        }
        for v, symbol in rows
    ]


async def write_version(
    session: AsyncSession,
    obj: SpaceObject,
    before: dict[str, Any] | None,
    *,
    reason: str,
    actor: str | None,
    submission_id: int | None = None,
    document_id: int | None = None,
) -> ObjectVersion:
    """Snapshot the object's record as a new version, with its changes against ``before``."""
    await session.flush()
    after = await record_of(session, obj)
    number = 1 if before is None else obj.version + 1
    obj.version = number
    obj.updated_at = utcnow()
    version = ObjectVersion(
        object_id=obj.id or 0,
        number=number,
        snapshot=after,
        changes=diff_records(before, after),
        reason=reason,
        submission_id=submission_id,
        document_id=document_id,
        actor=actor,
    )
    session.add(version)
    return version


@dataclass(frozen=True)
class ObjectQuery:
    state: str | None = None
    attributed_state: str | None = None
    status: str | None = None
    function: str | None = None
    launched_from: date | None = None
    launched_to: date | None = None
    registered: bool | None = None
    q: str | None = None
    #: Observed orbit regime (registry.elementsets.regime.REGIMES), from the newest element set.
    regime: str | None = None
    sort: str = "designator"
    page: int = 1
    page_size: int = 50


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filtered(query: ObjectQuery) -> sa.Select[Any]:
    """The objects a query selects."""
    stmt = sa.select(SpaceObject)
    if query.state:
        stmt = stmt.where(
            sa.exists().where(
                Registration.object_id == SpaceObject.id, Registration.state_code == query.state
            )
        )
    if query.attributed_state:
        stmt = stmt.where(SpaceObject.attributed_state == query.attributed_state)
    if query.status:
        stmt = stmt.where(SpaceObject.status == query.status)
    if query.function:
        stmt = stmt.where(SpaceObject.function.ilike(f"%{query.function}%"))
    if query.launched_from:
        stmt = stmt.where(SpaceObject.launch_date >= _day_start(query.launched_from))
    if query.launched_to:
        stmt = stmt.where(
            SpaceObject.launch_date < _day_start(query.launched_to) + timedelta(days=1)
        )
    if query.registered is not None:
        stmt = stmt.where(SpaceObject.registered.is_(query.registered))
    if query.q:
        pattern = f"%{query.q}%"
        stmt = stmt.where(
            sa.or_(
                SpaceObject.name.ilike(pattern), SpaceObject.international_designator.ilike(pattern)
            )
        )
    if query.regime:
        stmt = stmt.where(object_in_regime(query.regime))
    return stmt


def ordered(stmt: sa.Select[Any], sort: str) -> sa.Select[Any]:
    descending = sort.startswith("-")
    column = SORTS[sort.lstrip("-")]
    return stmt.order_by(column.desc() if descending else column.asc(), SpaceObject.id)


def _page(query: ObjectQuery, limit: int, offset: int) -> sa.Select[Any]:
    page = ordered(filtered(query), query.sort).limit(limit).offset(offset)
    objects = page.subquery()
    column = objects.c[SORTS[query.sort.lstrip("-")].key]
    order = column.desc() if query.sort.startswith("-") else column.asc()
    return (
        sa.select(ObjectVersion.snapshot, objects.c.version)
        .join(
            objects,
            sa.and_(
                ObjectVersion.object_id == objects.c.id, ObjectVersion.number == objects.c.version
            ),
        )
        .order_by(order, objects.c.id)
    )


def _records(rows: Any) -> list[dict[str, Any]]:
    return [{**snapshot, "version": version} for snapshot, version in rows]


async def list_records(
    session: AsyncSession, query: ObjectQuery
) -> tuple[int, list[dict[str, Any]]]:
    total = (
        await session.scalar(sa.select(sa.func.count()).select_from(filtered(query).subquery()))
        or 0
    )
    rows = await session.execute(_page(query, query.page_size, (query.page - 1) * query.page_size))
    return total, _records(rows)


async def stream_records(
    session: AsyncSession, query: ObjectQuery, batch: int = 1000
) -> AsyncIterator[dict[str, Any]]:
    """Every matching record, in batches, for exports that must not hold the register in memory."""
    offset = 0
    while True:
        records = _records(await session.execute(_page(query, batch, offset)))
        if not records:
            return
        for record in records:
            yield record
        offset += batch


async def orbit_checks(session: AsyncSession, designator: str) -> list[dict[str, Any]]:
    """Declared against observed orbit for every registration of one object."""
    from registry.objects import orbit_check

    obj = await find_object(session, designator)
    element_sets = await orbit_check.element_sets_for(session, designator, obj.norad_id)
    record = await record_of(session, obj)
    return [
        {
            "state": reg["state"],
            "document": reg["document"],
            **orbit_check.check(reg, element_sets, obj.launch_date),
        }
        for reg in record["registrations"]
    ]
