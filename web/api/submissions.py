"""Submissions and amendments: create, read, edit, and move through the review workflow."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.exc import IntegrityError

from registry.accounts.principal import Principal
from registry.db import Database
from registry.documents.models import Document
from registry.submissions import service
from registry.submissions.schemas import (
    AmendmentCreate,
    PublishBody,
    ReturnBody,
    SubmissionCreate,
    SubmissionUpdate,
)
from web.api.common import page_body, with_etag
from web.auth import require_login
from web.deps import RowId, database, principal_of, strict_body

IfMatch = Annotated[str | None, HeaderParameter(name="If-Match", required=False)]
IdempotencyKey = Annotated[
    str | None, HeaderParameter(name="Idempotency-Key", required=False, max_length=200)
]
SubmissionStatus = Literal[
    "draft", "submitted", "under_review", "accepted", "published", "returned", "withdrawn"
]


async def _view(db: Database, principal: Principal, submission_id: int) -> dict[str, Any]:
    async with db.reader() as session:
        sub = await service.get(session, principal, submission_id)
        items = await service.items_of(session, submission_id)
        symbol = (await session.get(Document, sub.document_id)).symbol if sub.document_id else None  # type: ignore[union-attr]
        return service.submission_view(sub, items, symbol)


async def _create(
    request: Request[Any, Any, Any], create: Any, body: Any, key: str | None
) -> Response[Any]:
    """Run a create in one transaction; a concurrent replay of the same key reads the winner."""
    principal = require_login(principal_of(request))
    db = database(request)
    try:
        async with db.writer() as session:
            sub, created = await create(session, principal, body, idempotency_key=key)
            submission_id = sub.id
    except IntegrityError:
        if not key:
            raise
        async with db.reader() as session:
            sub = await service.replay(session, principal, body, key)
            if sub is None:
                raise
            submission_id, created = sub.id, False
    view = await _view(db, principal, submission_id)
    return with_etag(view, view["version"], 201 if created else 200)


async def _move(
    request: Request[Any, Any, Any],
    submission_id: int,
    action: str,
    if_match: str | None,
    **kwargs: Any,
) -> Response[Any]:
    principal = require_login(principal_of(request))
    db = database(request)
    async with db.writer() as session:
        await service.transition(session, principal, submission_id, action, if_match, **kwargs)
    view = await _view(db, principal, submission_id)
    return with_etag(view, view["version"])


_SUMMARIES = {
    "submit": "Submit a draft (or a returned submission) for review",
    "withdraw": "Withdraw a submission before publication",
    "claim": "Claim a submitted submission for review (secretariat)",
    "accept": "Accept a claimed submission (its reviewer)",
}


def _action_handler(action: str) -> HTTPRouteHandler:
    async def handler(
        request: Request[Any, Any, Any], submission_id: RowId, if_match: IfMatch = None
    ) -> Response[Any]:
        return await _move(request, submission_id, action, if_match)

    handler.__name__ = f"{action}_submission"
    return post(
        f"/api/v1/submissions/{{submission_id:int}}/{action}",
        operation_id=f"{action}_submission",
        summary=_SUMMARIES[action],
        tags=["submissions"],
        status_code=200,
    )(handler)


ACTION_HANDLERS = [_action_handler(action) for action in _SUMMARIES]


class SubmissionController(Controller):
    path = "/api/v1/submissions"
    tags = ["submissions"]

    @post(
        "/",
        operation_id="create_submission",
        summary="Create a draft submission of one or more objects",
    )
    async def create_submission(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SubmissionCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Any]:
        body = await strict_body(request, SubmissionCreate)
        return await _create(request, service.create, body, idempotency_key)

    @get("/", operation_id="list_submissions", summary="Submissions the caller may see")
    async def list_submissions(
        self,
        request: Request[Any, Any, Any],
        status: Annotated[SubmissionStatus | None, QueryParameter()] = None,
        state_code: Annotated[str | None, QueryParameter(name="state", max_length=20)] = None,
        kind: Annotated[Literal["registration", "amendment"] | None, QueryParameter()] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        async with database(request).reader() as session:
            total, subs = await service.list_visible(
                session,
                principal,
                status=status,
                state=state_code,
                kind=kind,
                page=page,
                page_size=page_size,
            )
        return page_body(total, page, page_size, [service.submission_view(s) for s in subs])

    @get(
        "/{submission_id:int}",
        operation_id="get_submission",
        summary="One submission with its objects and findings",
    )
    async def get_submission(
        self, request: Request[Any, Any, Any], submission_id: RowId
    ) -> Response[Any]:
        view = await _view(database(request), require_login(principal_of(request)), submission_id)
        return with_etag(view, view["version"])

    @get(
        "/{submission_id:int}/orbit-check",
        operation_id="get_submission_orbit_check",
        summary="Declared against observed orbit for each object of a submission (reviewers, its State)",
    )
    async def get_orbit_check(
        self, request: Request[Any, Any, Any], submission_id: RowId
    ) -> list[dict[str, Any]]:
        principal = require_login(principal_of(request))
        async with database(request).reader() as session:
            return await service.orbit_checks(session, principal, submission_id)

    @patch(
        "/{submission_id:int}",
        operation_id="update_submission",
        summary="Edit a draft or returned submission",
    )
    async def update_submission(
        self,
        request: Request[Any, Any, Any],
        submission_id: RowId,
        data: JSONBody[SubmissionUpdate],
        if_match: IfMatch = None,
    ) -> Response[Any]:
        principal = require_login(principal_of(request))
        body = await strict_body(request, SubmissionUpdate)
        db = database(request)
        async with db.writer() as session:
            await service.update(session, principal, submission_id, body, if_match)
        view = await _view(db, principal, submission_id)
        return with_etag(view, view["version"])

    @post(
        "/{submission_id:int}/return",
        operation_id="return_submission",
        status_code=200,
        summary="Return a claimed submission to the State with a note (its reviewer)",
    )
    async def return_submission(
        self,
        request: Request[Any, Any, Any],
        submission_id: RowId,
        data: JSONBody[ReturnBody],
        if_match: IfMatch = None,
    ) -> Response[Any]:
        body = await strict_body(request, ReturnBody)
        return await _move(request, submission_id, "return", if_match, note=body.note)

    @post(
        "/{submission_id:int}/publish",
        operation_id="publish_submission",
        status_code=200,
        summary="Publish an accepted submission: issues the document symbol (secretariat)",
    )
    async def publish_submission(
        self,
        request: Request[Any, Any, Any],
        submission_id: RowId,
        data: JSONBody[PublishBody | None] = None,
        if_match: IfMatch = None,
    ) -> Response[Any]:
        symbol = (
            (await strict_body(request, PublishBody)).symbol
            if (await request.body()).strip()
            else None
        )
        return await _move(request, submission_id, "publish", if_match, symbol=symbol)

    @delete(
        "/{submission_id:int}",
        operation_id="delete_submission",
        summary="Delete a draft",
        status_code=204,
    )
    async def delete_submission(
        self,
        request: Request[Any, Any, Any],
        submission_id: RowId,
        if_match: IfMatch = None,
    ) -> None:
        principal = require_login(principal_of(request))
        async with database(request).writer() as session:
            await service.delete_draft(session, principal, submission_id, if_match)


class AmendmentController(Controller):
    path = "/api/v1/amendments"
    tags = ["amendments"]

    @post(
        "/", operation_id="create_amendment", summary="Propose a change to a published registration"
    )
    async def create_amendment(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AmendmentCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[Any]:
        body = await strict_body(request, AmendmentCreate)
        return await _create(request, service.create_amendment, body, idempotency_key)

    @get("/", operation_id="list_amendments", summary="Amendments the caller may see")
    async def list_amendments(
        self,
        request: Request[Any, Any, Any],
        status: Annotated[SubmissionStatus | None, QueryParameter()] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        async with database(request).reader() as session:
            total, subs = await service.list_visible(
                session, principal, status=status, kind="amendment", page=page, page_size=page_size
            )
        return page_body(total, page, page_size, [service.submission_view(s) for s in subs])
