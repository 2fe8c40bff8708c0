"""The latest stored re-entry prediction run, shaped for the home and analyses pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.reentry import ReentryPrediction
from registry.jobs import reentries
from registry.jobs.models import ReentryForecast, ReentryRun
from web import charts
from web.i18n import Localizer

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


_UTC = pl.Datetime("us", "UTC")
_TIMELINE_SCHEMA = {
    "norad_id": pl.Int64(),
    "designator": pl.String(),
    "name": pl.String(),
    "predicted": _UTC,
    "p05": _UTC,
    "p95": _UTC,
}


def timeline_frame(forecasts: Sequence[ReentryForecast | ReentryPrediction]) -> pl.DataFrame:
    """The columns :func:`web.charts.reentry_timeline` draws, one row per forecast."""
    return pl.DataFrame(
        [[getattr(f, c) for c in _TIMELINE_SCHEMA] for f in forecasts],
        schema=_TIMELINE_SCHEMA,
        orient="row",
    )


async def timeline(view: ReentryView, ui: Localizer, *, src: str = "") -> charts.Figure | None:
    """The upcoming re-entries as a timeline chart; None when none is upcoming (no empty chart)."""
    if not view.upcoming:
        return None
    return await charts.reentry_timeline(
        timeline_frame(view.upcoming), ui=ui, data_as_of=view.run.data_as_of, src=src
    )
