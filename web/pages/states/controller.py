"""State pages: registration coverage by launch year, unregistered objects, the comparison of all
States (n and Wilson bounds), and the registration gap."""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa
from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from registry.errors import NotFound
from registry.states.models import State
from web import charts
from web.deps import database
from web.i18n import Localizer
from web.pages.rendering import chart_localizer, chart_src, localizer, render, svg_response
from web.pages.snapshot import Snapshot, cache_of
from web.pages.states import compliance_view

GAP_PAGE = 100
SORTS = {
    "state": ("state", False),
    "n": ("n", True),
    "share": ("share", True),
    "wilson": ("wilson_lower", True),
    "attributed": ("attributed", True),
}


async def _registration_figure(
    snap: Snapshot, code: str, ui: Localizer, *, src: str = ""
) -> charts.Figure | None:
    """The share of the State's payloads registered, by launch year; None without payloads."""
    years = snap.by_state_year.filter(pl.col("state") == code).sort("launch_year")
    if not years.height:
        return None
    return await charts.bars(
        years.filter(pl.col("launch_year").is_not_null()),
        x="launch_year",
        y="share",
        title=ui.gettext("Share of its payloads registered, by launch year"),
        x_label=ui.gettext("Launch year"),
        y_label=ui.gettext("Registered share"),
        percent=True,
        table_columns=(
            ui.gettext("Launch year"),
            ui.gettext("Registered"),
            ui.gettext("Payloads (n)"),
            ui.gettext("Registered share"),
            ui.text("Wilson lower bound (95%%)"),
        ),
        table_rows=[
            (
                str(r["launch_year"]) if r["launch_year"] is not None else "—",
                ui.number(r["registered"]),
                ui.number(r["n"]),
                ui.percent(r["share"]),
                ui.percent(r["wilson_lower"]),
            )
            for r in years.iter_rows(named=True)
        ],
        src=src,
    )


class StatePages(Controller):
    path = "/"
    include_in_schema = False

    @get("/states")
    async def states(self, request: Request[Any, Any, Any]) -> Template:
        snap = await cache_of(request.app.state).get(database(request))
        sort = request.query_params.get("sort", "wilson")
        column, descending = SORTS.get(sort, SORTS["wilson"])
        table = snap.by_state.sort(column, descending=descending, nulls_last=True)
        return render(
            request,
            "states/list.html",
            snap=snap,
            rows=table.to_dicts(),
            sort=sort if sort in SORTS else "wilson",
        )

    @get("/states/{code:str}")
    async def state_page(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
        code = code.upper()
        async with database(request).reader() as session:
            state = await session.get(State, code)
        if state is None:
            raise NotFound(f"no State or organisation with code {code}")
        snap = await cache_of(request.app.state).get(database(request))
        ui = localizer(request)
        figure = await _registration_figure(
            snap, code, ui, src=chart_src(request, f"states/{code}/registration.svg")
        )
        gap = snap.gap.filter(pl.col("state") == code)
        report = await compliance_view.report_of(database(request), code)
        trends_src = chart_src(request, f"states/{code}/trends.svg")
        return render(
            request,
            "states/state.html",
            report=report,
            families=compliance_view.families(report) if report else [],
            trends=await compliance_view.trends(report, ui, src=trends_src) if report else None,
            state=state,
            snap=snap,
            summary=snap.state_row(code),
            figure=figure,
            gap_count=gap.height,
            gap_rows=gap.head(20).to_dicts(),
        )

    @get("/charts/{lang:str}/states/{code:str}/registration.svg")
    async def registration_chart(
        self, request: Request[Any, Any, Any], lang: FromPath[str], code: FromPath[str]
    ) -> Response[str]:
        ui = chart_localizer(lang)
        snap = await cache_of(request.app.state).get(database(request))
        return svg_response(await _registration_figure(snap, code.upper(), ui))

    @get("/charts/{lang:str}/states/{code:str}/trends.svg")
    async def trends_chart(
        self, request: Request[Any, Any, Any], lang: FromPath[str], code: FromPath[str]
    ) -> Response[str]:
        ui = chart_localizer(lang)
        report = await compliance_view.report_of(database(request), code.upper())
        return svg_response(await compliance_view.trends(report, ui) if report else None)

    @get("/gap")
    async def gap(self, request: Request[Any, Any, Any]) -> Template:
        snap = await cache_of(request.app.state).get(database(request))
        code = (request.query_params.get("state") or "").strip().upper()[:20] or None
        if code is None:
            per_state = (
                snap.gap.group_by("state")
                .agg(
                    pl.len().alias("n"),
                    pl.col("launch_date").min().alias("oldest"),
                    pl.col("age_days").max().alias("max_age"),
                )
                .sort("n", descending=True)
            )
            return render(
                request, "states/gap.html", snap=snap, per_state=per_state.to_dicts(), code=None
            )
        page_text = request.query_params.get("page", "1")
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        rows = snap.gap.filter(pl.col("state") == code)
        async with database(request).reader() as session:
            known = await session.scalar(sa.select(State.code).where(State.code == code))
        if known is None:
            raise NotFound(f"no State or organisation with code {code}")
        return render(
            request,
            "states/gap.html",
            snap=snap,
            code=code,
            rows=rows.slice((page - 1) * GAP_PAGE, GAP_PAGE).to_dicts(),
            total=rows.height,
            page=page,
            pages=max(1, -(-rows.height // GAP_PAGE)),
        )
