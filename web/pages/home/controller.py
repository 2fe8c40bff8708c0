"""The home page: the register at a glance, each figure with the time its data is as of."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get
from litestar.response import Template

from registry.documents import service as documents
from registry.jobs.models import ConjunctionEvent, ScreeningRun
from web.deps import database
from web.pages.rendering import render
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
            run = await session.scalar(
                sa.select(ScreeningRun).order_by(ScreeningRun.id.desc()).limit(1)
            )
            closest = []
            if run is not None:
                closest = list(
                    (
                        await session.execute(
                            sa.select(ConjunctionEvent)
                            .where(ConjunctionEvent.run_id == run.id)
                            .order_by(ConjunctionEvent.miss_km)
                            .limit(5)
                        )
                    ).scalars()
                )
        return render(request, "home/home.html", snap=snap, recent=recent, run=run, closest=closest)
