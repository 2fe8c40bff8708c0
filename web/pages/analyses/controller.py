"""Analyses: the latest conjunction screening (events, histograms, most involved objects) and the
latest re-entry predictions (timeline and table)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Stream, Template

from registry.jobs import screenings
from web import charts
from web.api.common import csv_stream
from web.deps import database
from web.pages.analyses import reentry_view, screening_view
from web.pages.rendering import Export, localizer, render

EVENT_COLUMNS = (
    "kind",
    "norad_a",
    "norad_b",
    "tca",
    "miss_km",
    "vrel_kms",
    "radial_km",
    "intrack_km",
    "crosstrack_km",
    "pc",
    "pc_method",
)
SHOWN_EVENTS = 100
FORECAST_COLUMNS = ("norad_id", "designator", "name", "epoch", "predicted", "p05", "p95", "method")


class AnalysesPage(Controller):
    path = "/"
    include_in_schema = False

    @get(
        "/analyses",
    )
    async def analyses(self, request: Request[Any, Any, Any]) -> Template | Stream:
        db = database(request)
        async with db.reader() as session:
            run = await screenings.latest_run(session)
            every = await screenings.events_of(session, run.id or 0) if run is not None else []
            # Docked modules and formations sit below the threshold all day: they are
            # counted apart, not listed among the close approaches.
            events = [e for e in every if e.kind == screenings.ENCOUNTER]
            top = await screening_view.most_involved(session, events)
            shown = await screening_view.named(session, events[:SHOWN_EVENTS])
            reentry = await reentry_view.latest(session)
        if (
            request.query_params.get("format") == "csv"
            and request.query_params.get("table") == "reentries"
        ):
            forecasts = (reentry.recent[::-1] + reentry.upcoming) if reentry else []

            async def forecast_rows() -> AsyncIterator[dict[str, Any]]:
                for f in forecasts:
                    yield {c: getattr(f, c) for c in FORECAST_COLUMNS}

            return Export(
                csv_stream(FORECAST_COLUMNS, forecast_rows()),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="reentries.csv"'},
            )
        if request.query_params.get("format") == "csv":

            async def rows() -> AsyncIterator[dict[str, Any]]:
                for e in every:
                    yield {c: getattr(e, c) for c in EVENT_COLUMNS}

            return Export(
                csv_stream(EVENT_COLUMNS, rows()),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="screening.csv"'},
            )
        ui = localizer(request)
        figures = []
        if events:
            figures = [
                await charts.histogram(
                    [e.miss_km for e in events],
                    title=ui.gettext("Miss distance of the close approaches"),
                    x_label=ui.gettext("Miss distance (km)"),
                    count_label=ui.gettext("Close approaches"),
                ),
                await charts.histogram(
                    [e.vrel_kms for e in events],
                    title=ui.gettext("Relative speed at closest approach"),
                    x_label=ui.gettext("Relative speed (km/s)"),
                    count_label=ui.gettext("Close approaches"),
                ),
            ]
        return render(
            request,
            "analyses/analyses.html",
            reentry=reentry,
            timeline=await reentry_view.timeline(reentry, ui) if reentry else None,
            run=run,
            events=shown,
            total_events=len(events),
            co_orbiting=len(every) - len(events),
            figures=figures,
            top=top,
        )
