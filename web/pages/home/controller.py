"""The home page: the register at a glance, each figure with the time its data is as of."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from registry.documents import service as documents
from web.deps import database
from web.pages.analyses import reentry_view, screening_view
from web.pages.rendering import chart_localizer, chart_src, localizer, render, svg_response
from web.pages.snapshot import cache_of

#: Upcoming and recent re-entries the home page lists (and draws).
REENTRIES = 8


class HomePage(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        db = database(request)
        snap = await cache_of(request.app.state).get(db)
        async with db.reader() as session:
            _, recent = await documents.list_documents(session, state=None, page=1, page_size=8)
            screening = await screening_view.latest(session, limit=5)
            reentry = await reentry_view.latest(session, limit=REENTRIES)
        ui = localizer(request)
        return render(
            request,
            "home/home.html",
            snap=snap,
            recent=recent,
            screening=screening,
            reentry=reentry,
            timeline=await reentry_view.timeline(
                reentry, ui, src=chart_src(request, "home/reentries.svg")
            )
            if reentry
            else None,
        )

    @get("/charts/{lang:str}/home/reentries.svg")
    async def reentries_chart(
        self, request: Request[Any, Any, Any], lang: FromPath[str]
    ) -> Response[str]:
        ui = chart_localizer(lang)
        async with database(request).reader() as session:
            reentry = await reentry_view.latest(session, limit=REENTRIES)
        return svg_response(await reentry_view.timeline(reentry, ui) if reentry else None)
