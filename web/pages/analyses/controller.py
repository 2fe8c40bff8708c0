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
        export = request.query_params.get("format") == "csv"
        async with db.reader() as session:
            reentry = await reentry_view.latest(session)
            view, top, spread, every = None, [], {}, []
            if export:
                run = await screenings.latest_run(session)
                if run is not None and request.query_params.get("table") != "reentries":
                    every = await screenings.events_of(session, run.id or 0)
            else:
                # Docked modules and formations sit below the threshold all day: they are
                # counted apart, not listed among the close approaches.
                view = await screening_view.latest(session, limit=SHOWN_EVENTS)
                run = view.run if view else None
            if view is not None:
                top = await screening_view.most_involved(session, view.run)
                spread = {
                    measure: await screenings.distribution(session, view.run.id or 0, measure)
                    for measure in screenings.MEASURES
                }
        if export and request.query_params.get("table") == "reentries":
            forecasts = (reentry.recent[::-1] + reentry.upcoming) if reentry else []

            async def forecast_rows() -> AsyncIterator[dict[str, Any]]:
                for f in forecasts:
                    yield {c: getattr(f, c) for c in FORECAST_COLUMNS}

            return Export(
                csv_stream(FORECAST_COLUMNS, forecast_rows()),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="reentries.csv"'},
            )
        if export:

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
        if view is not None and view.counts[screenings.ENCOUNTER]:
            figures = [
                await charts.histogram(
                    spread["miss_km"],
                    title=ui.gettext("Miss distance of the close approaches"),
                    x_label=ui.gettext("Miss distance (km)"),
                    count_label=ui.gettext("Close approaches"),
                ),
                await charts.histogram(
                    spread["vrel_kms"],
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
            events=view.events if view else [],
            total_events=view.counts[screenings.ENCOUNTER] if view else 0,
            co_orbiting=view.counts[screenings.PROXIMITY] if view else 0,
            figures=figures,
            top=top,
        )
