"""The register's aggregate figures (shares by State and year, the gap), kept between requests.

Computing them reads the whole register (~25k objects: about a second), so each process keeps
the latest result and rebuilds it only when the audit chain has grown: every change to the
register appends an audit entry in the same transaction, so the chain's length says whether
anything changed. Nothing here needs two workers to agree: each checks the database itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
import sqlalchemy as sa

from compliance import registration as shares
from compliance.frames import OBJECTS_SCHEMA, REGISTRATIONS_SCHEMA, conform
from registry.audit.models import AuditEntry
from registry.db import Database
from registry.documents.models import Document
from registry.elementsets.models import ElementSetRow
from registry.objects.models import Registration, SpaceObject
from registry.states.models import State
from registry.submissions.models import Submission


@dataclass(frozen=True)
class Snapshot:
    audit_seq: int
    built_at: datetime
    objects_as_of: datetime | None
    elements_as_of: datetime | None
    documents_as_of: datetime | None
    state_names: dict[str, str]
    #: One row per (object, State it counts for); see compliance.registration.attribution.
    attributed: pl.DataFrame
    by_state: pl.DataFrame
    by_state_year: pl.DataFrame
    by_year: pl.DataFrame
    gap: pl.DataFrame
    processing: int

    @property
    def total_objects(self) -> int:
        return int(self.by_year["n"].sum()) if self.by_year.height else 0

    @property
    def total_registered(self) -> int:
        return int(self.by_year["registered"].sum()) if self.by_year.height else 0

    def state_row(self, code: str) -> dict[str, object] | None:
        rows = self.by_state.filter(pl.col("state") == code).to_dicts()
        return rows[0] if rows else None


async def _build(db: Database, audit_seq: int) -> Snapshot:
    async with db.reader() as session:
        objects_rows = (
            await session.execute(
                sa.select(
                    SpaceObject.id,
                    SpaceObject.international_designator,
                    SpaceObject.norad_id,
                    SpaceObject.name,
                    SpaceObject.launch_date,
                    SpaceObject.registered,
                    SpaceObject.attributed_state,
                )
            )
        ).all()
        registration_rows = (
            await session.execute(
                sa.select(
                    Registration.object_id, Registration.state_code, Document.symbol
                ).outerjoin(Document, Document.id == Registration.document_id)
            )
        ).all()
        objects_as_of = await session.scalar(sa.select(sa.func.max(SpaceObject.updated_at)))
        elements_as_of = await session.scalar(sa.select(sa.func.max(ElementSetRow.epoch)))
        documents_as_of = await session.scalar(sa.select(sa.func.max(Document.published_at)))
        names = dict((await session.execute(sa.select(State.code, State.name))).all())
        processing = await session.scalar(
            sa.select(sa.func.count()).where(
                Submission.status.in_(("submitted", "under_review", "accepted"))
            )
        )
    objects = conform(
        pl.DataFrame(
            objects_rows,
            schema=[
                "object_id",
                "designator",
                "norad_id",
                "name",
                "launch_date",
                "registered",
                "attributed_state",
            ],
            orient="row",
        ),
        OBJECTS_SCHEMA,
    )
    registrations = conform(
        pl.DataFrame(
            registration_rows, schema=["object_id", "state_code", "document"], orient="row"
        ),
        REGISTRATIONS_SCHEMA,
    )
    now = datetime.now(UTC)
    attributed = shares.attribution(objects, registrations)
    frames = pl.collect_all(
        [
            attributed,
            shares.shares_by_state(attributed),
            shares.shares_by_state_and_year(attributed),
            shares.shares_by_launch_year(objects),
            shares.registration_gap(attributed, now),
        ]
    )
    return Snapshot(
        audit_seq=audit_seq,
        built_at=now,
        objects_as_of=objects_as_of,
        elements_as_of=elements_as_of,
        documents_as_of=documents_as_of,
        state_names=names,
        attributed=frames[0],
        by_state=frames[1],
        by_state_year=frames[2],
        by_year=frames[3],
        gap=frames[4],
        processing=int(processing or 0),
    )


class SnapshotCache:
    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def get(self, db: Database) -> Snapshot:
        async with db.reader() as session:
            seq = int(await session.scalar(sa.select(sa.func.max(AuditEntry.seq))) or 0)
        current = self._snapshot
        if current is not None and current.audit_seq == seq:
            return current
        async with self._lock:
            current = self._snapshot
            if current is None or current.audit_seq != seq:
                current = await _build(db, seq)
                self._snapshot = current
            return current


def cache_of(app_state: object) -> SnapshotCache:
    """The app's cache (one per app, so tests with fresh databases never share figures)."""
    cache = getattr(app_state, "page_snapshot", None)
    if cache is None:
        cache = SnapshotCache()
        setattr(app_state, "page_snapshot", cache)  # noqa: B010
    return cache
