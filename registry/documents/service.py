"""Reading UN documents: each symbol with its objects, addenda and corrigenda."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.documents.models import Document
from registry.errors import NotFound
from registry.objects.models import ObjectVersion, Registration, SpaceObject
from registry.objects.records import registration_record


def document_summary(doc: Document) -> dict[str, Any]:
    return {
        "symbol": doc.symbol,
        "series": doc.series,
        "number": doc.number,
        "well_formed": doc.well_formed,
        "state": doc.state_code,
        "published_at": doc.published_at.isoformat().replace("+00:00", "Z")
        if doc.published_at
        else None,
    }


async def get_document(session: AsyncSession, symbol: str) -> dict[str, Any]:
    doc = await session.scalar(sa.select(Document).where(Document.symbol == symbol))
    if doc is None:
        raise NotFound(f"no document {symbol}")
    view = document_summary(doc)
    parent = await session.get(Document, doc.parent_id) if doc.parent_id else None
    view["parent"] = parent.symbol if parent else None
    children = await session.execute(
        sa.select(Document.symbol)
        .where(Document.parent_id == doc.id)
        .order_by(Document.suffix_kind, Document.suffix_number)
    )
    view["children"] = list(children.scalars())
    rows = await session.execute(
        sa.select(SpaceObject, Registration)
        .join(Registration, Registration.object_id == SpaceObject.id)
        .where(Registration.document_id == doc.id)
        .order_by(SpaceObject.international_designator)
    )
    view["objects"] = [
        {
            "international_designator": obj.international_designator,
            "name": obj.name,
            "norad_id": obj.norad_id,
            "launch_date": obj.launch_date.isoformat().replace("+00:00", "Z")
            if obj.launch_date
            else None,
            **registration_record(reg, doc.symbol),
        }
        for obj, reg in rows
    ]
    changes = await session.execute(
        sa.select(SpaceObject.international_designator, ObjectVersion.number, ObjectVersion.changes)
        .join(SpaceObject, SpaceObject.id == ObjectVersion.object_id)
        .where(ObjectVersion.document_id == doc.id, ObjectVersion.reason != "registered")
    )
    view["amendments"] = [
        {"international_designator": d, "version": n, "changes": c} for d, n, c in changes
    ]
    return view


async def list_documents(
    session: AsyncSession, *, state: str | None, page: int, page_size: int
) -> tuple[int, list[dict[str, Any]]]:
    stmt = sa.select(Document)
    if state:
        stmt = stmt.where(Document.state_code == state)
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = await session.execute(
        stmt.order_by(Document.published_at.desc().nulls_last(), Document.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return total, [document_summary(d) for d in rows.scalars()]
