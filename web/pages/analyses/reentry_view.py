"""The latest stored re-entry prediction run, shaped for the home and analyses pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from registry.jobs import reentries
from registry.jobs.models import ReentryForecast, ReentryRun

#: "Recent" re-entries are those predicted within this many days before now.
RECENT_DAYS = 60


@dataclass(frozen=True)
class ReentryView:
    run: ReentryRun
    recent: list[ReentryForecast]
    upcoming: list[ReentryForecast]


async def latest(
    session: AsyncSession, *, limit: int | None = None, now: datetime | None = None
) -> ReentryView | None:
    run = await reentries.latest_run(session)
    if run is None or run.id is None:
        return None
    now = now or datetime.now(UTC)
    upcoming = await reentries.forecasts_of(session, run.id, after=now, limit=limit)
    recent = await reentries.forecasts_of(
        session, run.id, after=now - timedelta(days=RECENT_DAYS), before=now
    )
    return ReentryView(
        run, list(reversed(recent))[:limit] if limit else list(reversed(recent)), upcoming
    )
