"""Analysis jobs: queue one (secretariat, admin), follow its progress (everyone)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import Field

from registry.errors import ValidationFailed, field_error
from registry.jobs import service
from registry.objects.schemas import StrictModel
from web.api.common import page_body
from web.auth import require_role
from web.deps import RowId, database, principal_of, strict_body
from web.jobs import HANDLERS


class JobCreate(StrictModel):
    kind: str = Field(max_length=40)
    params: dict[str, Any] = Field(default_factory=dict, max_length=20)


class JobController(Controller):
    path = "/api/v1/jobs"
    tags = ["jobs"]

    @post(
        "/",
        operation_id="create_job",
        summary="Queue an analysis job (secretariat, admin)",
        status_code=202,
    )
    async def create_job(
        self, request: Request[Any, Any, Any], data: JSONBody[JobCreate]
    ) -> dict[str, Any]:
        principal = require_role(principal_of(request), "secretariat", "admin")
        body = await strict_body(request, JobCreate)
        if body.kind not in HANDLERS:
            raise ValidationFailed(
                "unknown job kind",
                [field_error("kind", "job.kind_unknown", f"kinds: {', '.join(sorted(HANDLERS))}")],
            )
        async with database(request).writer() as session:
            job = await service.enqueue(session, body.kind, body.params, principal.ref)
            return service.job_view(job)

    @get("/", operation_id="list_jobs", summary="Recent jobs, newest first")
    async def list_jobs(
        self,
        request: Request[Any, Any, Any],
        kind: Annotated[str | None, QueryParameter(max_length=40)] = None,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        async with database(request).reader() as session:
            jobs = await service.recent(session, kind=kind, limit=page_size)
        return page_body(len(jobs), 1, page_size, [service.job_view(j) for j in jobs])

    @get("/{job_id:int}", operation_id="get_job", summary="One job: state, progress, result")
    async def get_job(self, request: Request[Any, Any, Any], job_id: RowId) -> dict[str, Any]:
        async with database(request).reader() as session:
            return service.job_view(await service.get(session, job_id))
