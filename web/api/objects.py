"""The public register: objects, their history, the filtered list and its CSV export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream

from registry.elementsets.regime import Regime
from registry.objects import service
from registry.objects.schemas import Status
from registry.versioning import etag
from web.api.common import csv_response, page_body
from web.cache import cached_json
from web.deps import database

CSV_COLUMNS = (
    "international_designator",
    "norad_id",
    "name",
    "launch_date",
    "status",
    "registered",
    "states",
    "documents",
    "attributed_state",
    "function",
    "nodal_period_min",
    "inclination_deg",
    "apogee_km",
    "perigee_km",
    "version",
)
Sort = Literal[
    "designator",
    "-designator",
    "launch_date",
    "-launch_date",
    "name",
    "-name",
    "norad_id",
    "-norad_id",
]


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    regs = record["registrations"]
    row = {k: record.get(k) for k in CSV_COLUMNS}
    row["states"] = ";".join(r["state"] for r in regs)
    row["documents"] = ";".join(record["documents"])
    for name in ("nodal_period_min", "inclination_deg", "apogee_km", "perigee_km"):
        row[name] = ";".join("" if r[name] is None else f"{r[name]:g}" for r in regs)
    return row


class ObjectController(Controller):
    path = "/api/v1/objects"
    tags = ["register"]

    @get("/", operation_id="list_objects", summary="Search the register")
    async def list_objects(
        self,
        request: Request[Any, Any, Any],
        state_code: Annotated[
            str | None, QueryParameter(name="state", description="State of registry (alpha-3)")
        ] = None,
        attributed_state: Annotated[
            str | None, QueryParameter(description="State the catalog attributes an object to")
        ] = None,
        status: Annotated[Status | None, QueryParameter()] = None,
        function: Annotated[str | None, QueryParameter(max_length=200)] = None,
        launched_from: Annotated[date | None, QueryParameter()] = None,
        launched_to: Annotated[date | None, QueryParameter()] = None,
        registered: Annotated[bool | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=200)] = None,
        regime: Annotated[
            Regime | None,
            QueryParameter(description="Observed orbit regime, from the newest element set"),
        ] = None,
        sort: Annotated[Sort, QueryParameter()] = "designator",
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        format: Annotated[Literal["json", "csv"], QueryParameter()] = "json",
    ) -> Response[Any] | Stream:
        query = service.ObjectQuery(
            state=state_code,
            attributed_state=attributed_state,
            status=status,
            function=function,
            launched_from=launched_from,
            launched_to=launched_to,
            registered=registered,
            q=q,
            regime=regime,
            sort=sort,
            page=page,
            page_size=page_size,
        )
        db = database(request)
        if format == "csv":

            async def rows() -> AsyncIterator[dict[str, Any]]:
                async with db.reader() as session:
                    async for record in service.stream_records(session, query):
                        yield csv_row(record)

            return csv_response(CSV_COLUMNS, rows(), "objects.csv")

        async def produce() -> tuple[Any, dict[str, str]]:
            async with db.reader() as session:
                total, records = await service.list_records(session, query)
            return page_body(total, page, page_size, records), {}

        return await cached_json(request, produce)

    @get("/{designator:str}", operation_id="get_object", summary="One object's current record")
    async def get_object(
        self, request: Request[Any, Any, Any], designator: FromPath[str]
    ) -> Response[Any]:

        async def produce() -> tuple[Any, dict[str, str]]:
            async with database(request).reader() as session:
                record = await service.get_record(session, designator)
            return record, {"ETag": etag(record["version"])}

        return await cached_json(request, produce)

    @get(
        "/{designator:str}/history",
        operation_id="get_object_history",
        summary="Every version of an object",
    )
    async def get_history(
        self, request: Request[Any, Any, Any], designator: FromPath[str]
    ) -> Response[Any]:
        async def produce() -> tuple[Any, dict[str, str]]:
            async with database(request).reader() as session:
                return await service.history(session, designator), {}

        return await cached_json(request, produce)

    @get(
        "/{designator:str}/orbit-check",
        operation_id="get_object_orbit_check",
        summary="Declared against observed orbit, per registration",
    )
    async def get_orbit_check(
        self, request: Request[Any, Any, Any], designator: FromPath[str]
    ) -> Response[Any]:
        async def produce() -> tuple[Any, dict[str, str]]:
            async with database(request).reader() as session:
                return await service.orbit_checks(session, designator), {}

        return await cached_json(request, produce)
