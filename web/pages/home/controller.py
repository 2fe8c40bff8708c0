"""The home page: the register at a glance, each figure with the time its data is as of."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from registry.documents import service as documents
from web.deps import database
from web.pages.analyses import reentry_view, screening_view
from web.pages.rendering import localizer, render
from web.pages.snapshot import cache_of


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
            reentry = await reentry_view.latest(session, limit=8)
        return render(
            request,
            "home/home.html",
            snap=snap,
            recent=recent,
            screening=screening,
            reentry=reentry,
            timeline=await reentry_view.timeline(reentry, localizer(request)) if reentry else None,
        )
