"""Stored re-entry predictions: a run over the current catalog and the objects it expects down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.reentry import ReentryPrediction
from registry.db import insert_rows
from registry.jobs.models import ReentryForecast, ReentryRun


async def store_run(
    session: AsyncSession,
    predictions: Sequence[ReentryPrediction],
    *,
    horizon_days: float,
    objects: int,
    data_as_of: datetime | None,
    source: str,
    job_id: int | None = None,
) -> ReentryRun:
    run = ReentryRun(
        job_id=job_id,
        horizon_days=horizon_days,
        objects=objects,
        predicted=len(predictions),
        data_as_of=data_as_of,
        source=source,
    )
    session.add(run)
    await session.flush()
    rows = [
        {
            "run_id": run.id,
            "norad_id": p.norad_id,
            "designator": p.designator,
            "name": p.name,
            "epoch": p.epoch,
            "predicted": p.predicted,
            "p05": p.p05,
            "p95": p.p95,
            "method": p.method[:300],
        }
        for p in predictions
    ]
    await insert_rows(session, ReentryForecast, rows)
    return run


async def latest_run(session: AsyncSession) -> ReentryRun | None:
    return await session.scalar(sa.select(ReentryRun).order_by(ReentryRun.id.desc()).limit(1))


async def forecasts_of(
    session: AsyncSession,
    run_id: int,
    *,
    after: datetime | None = None,
    before: datetime | None = None,
    limit: int | None = None,
) -> list[ReentryForecast]:
    """A run's forecasts in order of predicted time, optionally within a time range."""
    stmt = sa.select(ReentryForecast).where(ReentryForecast.run_id == run_id)
    if after is not None:
        stmt = stmt.where(ReentryForecast.predicted >= after)
    if before is not None:
        stmt = stmt.where(ReentryForecast.predicted < before)
    stmt = stmt.order_by(ReentryForecast.predicted)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).scalars())
