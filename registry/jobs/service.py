"""The job queue: enqueue, claim safely, report progress, finish.

Workers claim with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several may run at once and each job
goes to exactly one; on SQLite the claim runs in a ``BEGIN IMMEDIATE`` transaction, which serialises
claimers the same way (one worker is the recommended set-up there).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import Database
from registry.errors import NotFound
from registry.jobs.models import Job
from registry.types import utcnow

#: A running job whose worker has not reported for this long is considered lost and re-queued.
STALE_AFTER = timedelta(minutes=10)


async def enqueue(
    session: AsyncSession,
    kind: str,
    params: dict[str, Any],
    requested_by: str = "system",
    *,
    run_after: datetime | None = None,
) -> Job:
    job = Job(kind=kind, params=params, requested_by=requested_by, run_after=run_after)
    session.add(job)
    await session.flush()
    return job


async def claim(db: Database, worker: str, kinds: set[str]) -> Job | None:
    """Take the oldest queued job of the given kinds, or None."""
    async with db.writer() as session:
        await _requeue_lost(session)
        stmt = (
            sa.select(Job)
            .where(
                Job.state == "queued",
                Job.kind.in_(sorted(kinds)),
                sa.or_(Job.run_after.is_(None), Job.run_after <= utcnow()),
            )
            .order_by(Job.created_at, Job.id)
            .limit(1)
        )
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        job = await session.scalar(stmt)
        if job is None:
            return None
        now = utcnow()
        job.state, job.worker, job.started_at, job.heartbeat_at = "running", worker, now, now
        job.progress, job.message, job.error = 0.0, "started", None
        return job


async def _requeue_lost(session: AsyncSession) -> None:
    await session.execute(
        sa.update(Job)
        .where(Job.state == "running", Job.heartbeat_at < utcnow() - STALE_AFTER)
        .values(state="queued", worker=None, message="re-queued: its worker stopped reporting")
    )


async def report(db: Database, job_id: int, progress: float, message: str | None = None) -> None:
    async with db.writer() as session:
        await session.execute(
            sa.update(Job)
            .where(Job.id == job_id)
            .values(progress=max(0.0, min(1.0, progress)), message=message, heartbeat_at=utcnow())
        )


async def finish(
    db: Database,
    job_id: int,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    data_as_of: datetime | None = None,
) -> None:
    async with db.writer() as session:
        values: dict[str, Any] = {"finished_at": utcnow(), "heartbeat_at": utcnow()}
        if error is None:
            values.update(
                state="succeeded",
                progress=1.0,
                result=result or {},
                message="done",
                data_as_of=data_as_of,
            )
        else:
            values.update(state="failed", error=error[:4000], message="failed")
        await session.execute(sa.update(Job).where(Job.id == job_id).values(**values))


def job_view(job: Job) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "id": job.id,
        "kind": job.kind,
        "params": job.params,
        "state": job.state,
        "progress": job.progress,
        "message": job.message,
        "data_as_of": iso(job.data_as_of),
        "result": job.result,
        "error": job.error,
        "requested_by": job.requested_by,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }


async def get(session: AsyncSession, job_id: int) -> Job:
    job = await session.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job


async def recent(session: AsyncSession, *, kind: str | None = None, limit: int = 50) -> list[Job]:
    stmt = sa.select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    return list((await session.execute(stmt)).scalars())
