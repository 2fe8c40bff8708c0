"""Public register pages: search (with CSV/JSON export), object pages, UN documents."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Stream, Template

from registry.documents import service as documents
from registry.objects.schemas import STATUSES
from registry.objects.service import find_object, list_records, stream_records
from registry.submissions import queue
from web.api.common import csv_stream
from web.api.objects import CSV_COLUMNS, csv_row
from web.deps import database
from web.pages.register import object_view, reentry_window, search
from web.pages.rendering import (
    Export,
    chart_localizer,
    chart_src,
    localizer,
    render,
    svg_response,
)
from web.problems import problem


def _export(form: search.SearchForm, request: Request[Any, Any, Any]) -> Stream:
    db = database(request)

    async def records() -> AsyncIterator[dict[str, Any]]:
        async with db.reader() as session:
            async for record in stream_records(session, form.query):
                yield record

    if form.fmt == "csv":

        async def rows() -> AsyncIterator[dict[str, Any]]:
            async for record in records():
                yield csv_row(record)

        return Export(
            csv_stream(CSV_COLUMNS, rows()),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="objects.csv"'},
        )

    async def json_array() -> AsyncIterator[str]:
        yield "["
        first = True
        async for record in records():
            yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "]\n"

    return Export(json_array(), media_type="application/json")


class RegisterPages(Controller):
    path = "/"
    include_in_schema = False

    @get(
        "/objects",
    )
    async def objects(self, request: Request[Any, Any, Any]) -> Template | Stream | Any:
        form = search.SearchForm.parse(dict(request.query_params))
        if form.fmt != "html":
            if form.errors:
                name, reason = next(iter(form.errors.items()))
                return problem(
                    400,
                    "Bad request",
                    f"query parameter {name}: {reason}",
                    errors=[{"field": k, "message": v} for k, v in form.errors.items()],
                )
            return _export(form, request)
        async with database(request).reader() as session:
            total, records = await list_records(session, form.query)
        pages = max(1, -(-total // form.query.page_size))
        return render(
            request,
            "register/search.html",
            form=form,
            total=total,
            records=records,
            pages=pages,
            statuses=STATUSES,
            regimes=search.REGIMES,
            sorts=search.SORTS,
            page_sizes=search.PAGE_SIZES,
        )

    @get("/objects/{designator:str}")
    async def object_page(
        self, request: Request[Any, Any, Any], designator: FromPath[str]
    ) -> Template:
        db = database(request)
        async with db.reader() as session:
            page = await object_view.load(session, designator)
        ui = localizer(request)
        compliance = await object_view.compliance_of(db, page.record["international_designator"])
        observed = page.observed
        window = await reentry_window.window_of(
            page.element_sets, observed.perigee_km if observed is not None else None
        )
        designator = page.record["international_designator"]
        figure = await object_view.altitude_figure(
            page.element_sets,
            page.facts,
            window,
            ui,
            src=chart_src(request, f"objects/{quote(designator, safe='')}/altitude.svg"),
        )
        return render(
            request,
            "register/object.html",
            page=page,
            figure=figure,
            window=window,
            compliance=compliance,
        )

    @get("/charts/{lang:str}/objects/{designator:str}/altitude.svg")
    async def altitude_chart(
        self, request: Request[Any, Any, Any], lang: FromPath[str], designator: FromPath[str]
    ) -> Response[str]:
        ui = chart_localizer(lang)
        async with database(request).reader() as session:
            obj = await find_object(session, designator)
            sets, facts = await object_view.orbit_of(session, obj.id or 0)
        window = await reentry_window.window_of(sets, facts[-1].perigee_km if facts else None)
        return svg_response(await object_view.altitude_figure(sets, facts, window, ui))

    @get("/documents")
    async def document_list(self, request: Request[Any, Any, Any]) -> Template:
        form_page = request.query_params.get("page", "1")
        page = int(form_page) if form_page.isdigit() and 0 < int(form_page) <= 100_000 else 1
        state = (request.query_params.get("state") or "").strip().upper()[:20] or None
        async with database(request).reader() as session:
            total, docs = await documents.list_documents(
                session, state=state, page=page, page_size=50
            )
            processing = await queue.being_processed(session, limit=200)
        return render(
            request,
            "register/documents.html",
            documents=docs,
            total=total,
            page=page,
            pages=max(1, -(-total // 50)),
            state=state,
            processing=processing,
        )

    @get("/documents/{symbol:path}")
    async def document_page(
        self, request: Request[Any, Any, Any], symbol: FromPath[str]
    ) -> Template:
        async with database(request).reader() as session:
            doc = await documents.get_document(session, symbol.lstrip("/"))
        return render(request, "register/document.html", doc=doc)
