"""The secretariat's workspace: the review queue, the review page and its moves, submissions
received as a note verbale, and the audit log with its chain check.

Thin, as the portal: the workflow service decides who may claim, accept, return or publish (a
reviewer never reviews what it entered; only the claimant accepts or returns); these handlers
read forms, call it, and redirect to the page that shows the result.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from pydantic import ValidationError

from registry.audit import chain, listing
from registry.errors import NotFound, ValidationFailed, field_error, model_errors
from registry.states.models import State
from registry.submissions import attachments, bulk, queue, review, service
from registry.submissions.models import SUBMISSION_KINDS, SUBMISSION_STATUSES
from registry.submissions.schemas import SubmissionCreate
from web.auth import require_role
from web.deps import RowId, database
from web.i18n import N_
from web.pages.portal.forms import (
    UPLOAD_BODY_LIMIT,
    attachment_response,
    done,
    form_of,
    if_match,
    upload,
)
from web.pages.rendering import principal, render

PAGE_SIZE = 50
AUDIT_PAGE = 50
MOVES = ("claim", "accept", "return", "publish", "submit", "withdraw")


def _reviewer(request: Request[Any, Any, Any]) -> Any:
    return require_role(principal(request), "secretariat", "admin")


def _page(request: Request[Any, Any, Any]) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


def _day(text: str, name: str) -> tuple[date | None, list[dict[str, Any]]]:
    if not text.strip():
        return None, []
    try:
        return date.fromisoformat(text.strip()), []
    except ValueError:
        return None, [field_error(name, "field.invalid", N_("a date as YYYY-MM-DD is expected"))]


class WorkspacePages(Controller):
    path = "/workspace"
    include_in_schema = False

    @get("/")
    async def queue_page(self, request: Request[Any, Any, Any]) -> Template:
        who = _reviewer(request)
        params = request.query_params
        status = params.get("status") or ""
        statuses = (status,) if status in SUBMISSION_STATUSES else queue.PROCESSING
        kind = params.get("kind") if params.get("kind") in SUBMISSION_KINDS else None
        state = (params.get("state") or "").strip().upper()[:20] or None
        mine = params.get("mine") == "1"
        page = _page(request)
        async with database(request).reader() as session:
            total, rows = await queue.review_queue(
                session,
                who,
                statuses=statuses,
                state=state,
                kind=kind,
                claimed_by=who.ref if mine else None,
                page=page,
                page_size=PAGE_SIZE,
            )
            unclaimed, fresh = await queue.new_submissions(session, who, limit=10)
        return render(
            request,
            "workspace/queue.html",
            rows=rows,
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            status=status if status in SUBMISSION_STATUSES else "",
            statuses=SUBMISSION_STATUSES,
            kind=kind or "",
            kinds=SUBMISSION_KINDS,
            state=state or "",
            mine=mine,
            unclaimed=unclaimed,
            fresh=fresh,
            me=who.ref,
        )

    @get("/submissions/{submission_id:int}")
    async def review_page(self, request: Request[Any, Any, Any], submission_id: RowId) -> Template:
        who = _reviewer(request)
        async with database(request).reader() as session:
            seen = await review.review(session, who, submission_id)
            files = await attachments.list_for(session, who, submission_id)
        sub = seen.submission
        return render(
            request,
            "workspace/review.html",
            review=seen,
            sub=sub,
            files=files,
            me=who.ref,
            is_secretariat=who.is_secretariat,
            owner=service.is_owner(who, sub),
            done=request.query_params.get("done"),
        )

    @post("/submissions/{submission_id:int}/{action:str}")
    async def move(
        self, request: Request[Any, Any, Any], submission_id: RowId, action: FromPath[str]
    ) -> Redirect:
        who = _reviewer(request)
        form = await form_of(request)
        db = database(request)
        if action == "delete":
            async with db.writer() as session:
                await service.delete_draft(session, who, submission_id, if_match(form))
            return done("/workspace", "deleted")
        if action not in MOVES:
            raise NotFound(f"no action {action}")
        note = str(form.get("note") or "").strip()[:4000]
        symbol = str(form.get("symbol") or "").strip()[:120] or None
        if action == "return" and not note:
            raise ValidationFailed(
                N_("a returned submission needs a note saying what to correct"),
                [field_error("note", "field.invalid", "write the note to the State")],
            )
        async with db.writer() as session:
            await service.transition(
                session,
                who,
                submission_id,
                action,
                if_match(form),
                note=note or None,
                symbol=symbol,
            )
        return done(f"/workspace/submissions/{submission_id}", action)

    @get("/submissions/{submission_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request[Any, Any, Any],
        submission_id: RowId,
        attachment_id: RowId,
    ) -> Response[bytes]:
        who = _reviewer(request)
        async with database(request).reader() as session:
            found = await attachments.get(session, who, submission_id, attachment_id)
        return attachment_response(found)

    # --- a note verbale entered on a State's behalf ------------------------------------------

    @get("/enter")
    async def enter_form(self, request: Request[Any, Any, Any]) -> Template:
        _reviewer(request)
        return await _enter_page(request)

    @post("/enter", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def enter(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Check everything first (objects, PDF); write the draft and its PDF together, or nothing."""
        who = _reviewer(request)
        form = await form_of(request)
        state = str(form.get("state") or "").strip().upper()[:20]
        nv_date, problems = _day(str(form.get("note_verbale_date") or ""), "note_verbale_date")
        received, more = _day(str(form.get("received_at") or ""), "received_at")
        problems += more
        note = str(form.get("note") or "").strip()[:4000] or None
        pdf = await upload(form, "note_verbale")
        csv_file = await upload(form, "objects")
        elements = await upload(form, "elements")
        if not state:
            problems.append(field_error("state", "state.required", N_("name the State")))
        if pdf is None:
            problems.append(
                field_error(
                    "note_verbale", "attachment.invalid", N_("attach the note verbale (PDF)")
                )
            )
        if csv_file is None:
            problems.append(
                field_error("objects", "field.invalid", N_("attach the objects as CSV"))
            )
        db = database(request)
        report = None
        if csv_file is not None and state:
            async with db.reader() as session:
                report = await bulk.preview(
                    session,
                    state,
                    csv_file[0],
                    csv_file[1],
                    elements[0] if elements else None,
                    elements[1] if elements else None,
                )
        fields = {
            "state": state,
            "note_verbale_date": str(form.get("note_verbale_date") or ""),
            "received_at": str(form.get("received_at") or ""),
            "note": note or "",
        }
        if problems or report is None or not report.ok:
            return await _enter_page(request, fields, problems, report, status_code=422)
        assert pdf is not None
        try:
            body = _body(report, state, nv_date, received, note)
        except ValidationError as exc:
            return await _enter_page(
                request,
                fields,
                model_errors(exc, empty=""),
                report,
                status_code=422,
            )
        try:
            async with db.writer() as session:
                sub, _ = await service.create(session, who, body)
                await attachments.add_pdf(session, who, sub.id or 0, pdf[1], pdf[0])
                submission_id = sub.id
        except ValidationFailed as exc:
            return await _enter_page(request, fields, exc.findings, report, status_code=422)
        return done(f"/workspace/submissions/{submission_id}", "entered")

    # --- the audit log ------------------------------------------------------------------------

    @get("/audit")
    async def audit(self, request: Request[Any, Any, Any]) -> Template:
        _reviewer(request)
        return await _audit_page(request, None)

    @post("/audit/verify")
    async def verify(self, request: Request[Any, Any, Any]) -> Template:
        _reviewer(request)
        async with database(request).reader() as session:
            result = await chain.verify(session)
        return await _audit_page(request, result)


def _body(
    report: bulk.BulkReport,
    state: str,
    nv_date: date | None,
    received: date | None,
    note: str | None,
) -> SubmissionCreate:
    """The checked objects and the transmittal, through the API's strict request model."""
    return SubmissionCreate.model_validate_json(
        json.dumps(
            {
                "objects": [o.model_dump(mode="json") for o in report.objects],
                "state": state,
                "note_verbale_date": nv_date.isoformat() if nv_date else None,
                "received_at": datetime.combine(received, datetime.min.time(), UTC).isoformat()
                if received
                else None,
                "note": note,
            }
        )
    )


async def _enter_page(
    request: Request[Any, Any, Any],
    fields: dict[str, str] | None = None,
    problems: list[dict[str, Any]] | None = None,
    report: bulk.BulkReport | None = None,
    status_code: int = 200,
) -> Template:
    async with database(request).reader() as session:
        rows = await session.execute(sa.select(State).order_by(State.code))
        states = [(s.code, s.name) for s in rows.scalars()]
    return render(
        request,
        "workspace/enter.html",
        status_code=status_code,
        states=states,
        fields=fields or {},
        problems=problems or [],
        report=report,
    )


async def _audit_page(
    request: Request[Any, Any, Any], result: chain.Verification | None
) -> Template:
    page = _page(request)
    async with database(request).reader() as session:
        total, entries = await listing.recent(
            session, principal(request), page=page, page_size=AUDIT_PAGE
        )
    return render(
        request,
        "workspace/audit.html",
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE)),
        result=result,
    )
