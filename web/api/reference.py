"""States, documents, the audit log, and the service's health."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from registry.audit import chain
from registry.audit.models import AuditEntry
from registry.documents import service as documents
from registry.errors import NotFound
from registry.states.models import State
from web.api.common import page_body
from web.auth import require_role
from web.deps import database, principal_of
from web.problems import problem


def state_view(state: State) -> dict[str, Any]:
    return {
        "code": state.code,
        "name": state.name,
        "kind": state.kind,
        "continuing_state": state.continuing_state,
        "registration_convention": state.registration_convention,
        "convention_date": state.convention_date.isoformat() if state.convention_date else None,
        "source": state.source,
    }


class StateController(Controller):
    path = "/api/v1/states"
    tags = ["reference"]

    @get("/", operation_id="list_states", summary="States, dissolved States, territories and IGOs")
    async def list_states(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        async with database(request).reader() as session:
            rows = await session.execute(sa.select(State).order_by(State.code))
            return [state_view(s) for s in rows.scalars()]

    @get("/{code:str}", operation_id="get_state", summary="One State")
    async def get_state(
        self, request: Request[Any, Any, Any], code: FromPath[str]
    ) -> dict[str, Any]:
        async with database(request).reader() as session:
            state = await session.get(State, code)
        if state is None:
            raise NotFound(f"no State {code}")
        return state_view(state)


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ["register"]

    @get("/", operation_id="list_documents", summary="Published UN documents, newest first")
    async def list_documents(
        self,
        request: Request[Any, Any, Any],
        state_code: Annotated[str | None, QueryParameter(name="state", max_length=20)] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        async with database(request).reader() as session:
            total, items = await documents.list_documents(
                session, state=state_code, page=page, page_size=page_size
            )
        return page_body(total, page, page_size, items)

    @get("/{symbol:path}", operation_id="get_document", summary="One UN document with its objects")
    async def get_document(
        self, request: Request[Any, Any, Any], symbol: FromPath[str]
    ) -> dict[str, Any]:
        async with database(request).reader() as session:
            return await documents.get_document(session, symbol.lstrip("/"))


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]

    @get("/", operation_id="list_audit", summary="Audit entries, newest first (secretariat, admin)")
    async def list_audit(
        self,
        request: Request[Any, Any, Any],
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        require_role(principal_of(request), "secretariat", "admin")
        async with database(request).reader() as session:
            total = await session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0
            rows = await session.execute(
                sa.select(AuditEntry)
                .order_by(AuditEntry.seq.desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
            items = [e.model_dump(mode="json") for e in rows.scalars()]
        return page_body(total, page, page_size, items)

    @get("/head", operation_id="audit_head", summary="The current head hash of the audit chain")
    async def audit_head(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        async with database(request).reader() as session:
            return {"head": await chain.head(session)}


@get(
    "/health",
    operation_id="health",
    summary="Liveness: answers without touching the database",
    tags=["service"],
)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", operation_id="ready", summary="Readiness: checks the database", tags=["service"])
async def ready(request: Request[Any, Any, Any]) -> Response[Any]:
    """``warm``: whether what many pages share has been computed since start-up (web.warmup);
    until then a page's first visit may take longer."""
    try:
        async with database(request).reader() as session:
            await session.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        return problem(
            503,
            "Service unavailable",
            f"database unreachable: {exc.__class__.__name__}",
            headers={"Retry-After": "5"},
        )
    return Response({"status": "ready", "warm": bool(getattr(request.app.state, "warm", False))})
