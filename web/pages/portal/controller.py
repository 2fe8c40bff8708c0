"""The State portal: a State officer registers objects, follows their review, and amends them.

Thin: every rule (who owns what, which move is allowed, what the validator says) is the registry's;
these handlers read forms, call the services and render. Another State's submission answers 404,
because the service reports it as absent.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from pydantic import ValidationError

from registry.errors import NotFound, ValidationFailed, field_error, model_errors
from registry.objects import service as objects
from registry.objects.schemas import STATUSES, ObjectIn, object_from_stored
from registry.submissions import (
    attachments,
    bulk,
    checks,
    notifications,
    queue,
    review,
    service,
    text_fields,
)
from registry.submissions.models import AMENDMENT_TYPES, SUBMISSION_STATUSES
from registry.submissions.schemas import AmendmentCreate, SubmissionCreate, SubmissionUpdate
from web.auth import require_role
from web.deps import Position, RowId, database
from web.i18n import N_
from web.pages.portal.forms import (
    UPLOAD_BODY_LIMIT,
    attachment_response,
    by_field,
    done,
    form_of,
    if_match,
    upload,
)
from web.pages.rendering import principal, render
from web.pages.snapshot import cache_of

#: Fields of a change-of-status notice (the rest of an amendment form is left out).
STATUS_FIELDS = ("status", "status_date", "status_body")
AMENDABLE = tuple(c for c in text_fields.COLUMNS if c != "international_designator")
NEW_TITLE = N_("New registration")
OBJECT_TITLE = N_("Object of a submission")
PAGE_SIZE = 25


def _officer(request: Request[Any, Any, Any]) -> Any:
    return require_role(principal(request), "state")


def _page(request: Request[Any, Any, Any]) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


def _cells(form: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in names}


def _at_position(findings: list[dict[str, Any]], position: int) -> list[dict[str, Any]]:
    """Findings about one object of a submission (``objects[i].field``), or about the form;
    all of them when only other objects are at fault (the officer must still see why)."""
    prefix = f"objects[{position}]."
    own = [f for f in findings if f["field"].startswith(prefix) or "[" not in f["field"]]
    return own or findings


def _invalid(exc: ValidationError) -> list[dict[str, Any]]:
    """A strict model's refusal as findings naming the field."""
    return model_errors(exc, empty="form")


def _object_form(
    request: Request[Any, Any, Any],
    *,
    cells: dict[str, str],
    findings: list[dict[str, Any]],
    action: str,
    title: str,
    submission: Any = None,
    status_code: int = 200,
    note: str = "",
) -> Template:
    return render(
        request,
        "portal/object_form.html",
        status_code=status_code,
        cells=cells,
        findings=findings,
        field_findings=by_field(findings),
        columns=text_fields.COLUMNS,
        statuses=STATUSES,
        action=action,
        title=title,
        submission=submission,
        note=note,
    )


class PortalPages(Controller):
    path = "/portal"
    include_in_schema = False

    # --- dashboard, lists, notices ------------------------------------------------------------

    @get("/")
    async def dashboard(self, request: Request[Any, Any, Any]) -> Template:
        who = _officer(request)
        db = database(request)
        status = request.query_params.get("status") or None
        status = status if status in SUBMISSION_STATUSES else None
        async with db.reader() as session:
            total, rows = await queue.state_submissions(
                session, who, status=status, page=_page(request), page_size=PAGE_SIZE
            )
            _, pending = await queue.state_submissions(session, who, page_size=500)
            notices = await notifications.for_state(session, who, limit=5)
        snap = await cache_of(request.app.state).get(db)
        return render(
            request,
            "portal/dashboard.html",
            state=who.state_code,
            state_name=snap.state_names.get(who.state_code or "", who.state_code),
            figures=snap.state_row(who.state_code or ""),
            rows=rows,
            total=total,
            page=_page(request),
            pages=max(1, -(-total // PAGE_SIZE)),
            status=status,
            statuses=SUBMISSION_STATUSES,
            counts=_counts(pending),
            notices=notices,
            done=request.query_params.get("done"),
        )

    @get("/notifications")
    async def notices(self, request: Request[Any, Any, Any]) -> Template:
        who = _officer(request)
        async with database(request).reader() as session:
            found = await notifications.for_state(session, who, limit=200)
        return render(request, "portal/notifications.html", notices=found)

    # --- one submission -----------------------------------------------------------------------

    @get("/submissions/{submission_id:int}")
    async def submission(self, request: Request[Any, Any, Any], submission_id: RowId) -> Template:
        who = _officer(request)
        async with database(request).reader() as session:
            seen = await review.review(session, who, submission_id)
            files = await attachments.list_for(session, who, submission_id)
        sub = seen.submission
        return render(
            request,
            "portal/submission.html",
            review=seen,
            sub=sub,
            files=files,
            editable=sub.status in service.EDITABLE and sub.kind == "registration",
            owner=service.is_owner(who, sub),
            done=request.query_params.get("done"),
        )

    @post("/submissions/{submission_id:int}/{action:str}")
    async def move(
        self, request: Request[Any, Any, Any], submission_id: RowId, action: FromPath[str]
    ) -> Redirect:
        who = _officer(request)
        form = await form_of(request)
        db = database(request)
        if action == "delete":
            async with db.writer() as session:
                await service.delete_draft(session, who, submission_id, if_match(form))
            return done("/portal", "deleted")
        if action not in ("submit", "withdraw"):
            raise NotFound(f"no action {action}")
        async with db.writer() as session:
            await service.transition(session, who, submission_id, action, if_match(form))
        return done(f"/portal/submissions/{submission_id}", action)

    @get("/submissions/{submission_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request[Any, Any, Any],
        submission_id: RowId,
        attachment_id: RowId,
    ) -> Response[bytes]:
        who = _officer(request)
        async with database(request).reader() as session:
            found = await attachments.get(session, who, submission_id, attachment_id)
        return attachment_response(found)

    # --- the registration form ----------------------------------------------------------------

    @get("/new")
    async def new_form(self, request: Request[Any, Any, Any]) -> Template:
        _officer(request)
        return _object_form(request, cells={}, findings=[], action="/portal/new", title=NEW_TITLE)

    @post("/new")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        who = _officer(request)
        form = await form_of(request)
        cells = _cells(form, text_fields.COLUMNS)
        note = str(form.get("note") or "")[:4000]
        obj, problems = text_fields.parse_object(cells)
        if obj is not None:
            try:
                body = SubmissionCreate(objects=[obj], note=note or None)
                async with database(request).writer() as session:
                    sub, _ = await service.create(session, who, body)
                return done(f"/portal/submissions/{sub.id}", "created")
            except ValidationError as exc:
                problems = _invalid(exc)
            except ValidationFailed as exc:
                problems = exc.findings
        return _object_form(
            request,
            cells=cells,
            findings=problems,
            action="/portal/new",
            title=NEW_TITLE,
            status_code=422,
            note=note,
        )

    @post("/validate")
    async def validate(self, request: Request[Any, Any, Any]) -> Template:
        """The form's inline check (htmx): the API's validator on what has been typed so far."""
        who = _officer(request)
        cells = _cells(await form_of(request), text_fields.COLUMNS)
        obj, findings = text_fields.parse_object(cells)
        if obj is not None:
            async with database(request).reader() as session:
                findings = (await checks.object_findings(session, who.state_code or "", [obj]))[0]
        return render(
            request,
            "portal/live_findings.html",
            findings=findings,
            field_findings=by_field(findings),
            columns=text_fields.COLUMNS,
            checked=True,
        )

    @get("/submissions/{submission_id:int}/objects/{position:int}")
    async def object_form(
        self, request: Request[Any, Any, Any], submission_id: RowId, position: Position
    ) -> Template:
        who = _officer(request)
        async with database(request).reader() as session:
            sub = await service.get(session, who, submission_id)
            items = await service.items_of(session, submission_id)
        if position > len(items) or sub.kind != "registration":
            raise NotFound(f"no object {position + 1} in submission {submission_id}")
        item = items[position] if position < len(items) else None
        return _object_form(
            request,
            cells=text_fields.cells_of(item.data) if item else {},
            findings=item.findings if item else [],
            action=f"/portal/submissions/{submission_id}/objects/{position}",
            title=OBJECT_TITLE,
            submission=sub,
        )

    @post("/submissions/{submission_id:int}/objects/{position:int}")
    async def save_object(
        self, request: Request[Any, Any, Any], submission_id: RowId, position: Position
    ) -> Template | Redirect:
        who = _officer(request)
        form = await form_of(request)
        cells = _cells(form, text_fields.COLUMNS)
        obj, problems = text_fields.parse_object(cells)
        db = database(request)
        async with db.reader() as session:
            sub = await service.get(session, who, submission_id)
        if obj is not None:
            try:
                async with db.writer() as session:
                    items = await service.items_of(session, submission_id)
                    if position > len(items):
                        raise NotFound(f"no object {position + 1} in submission {submission_id}")
                    declared = [object_from_stored(i.data) for i in items]
                    declared[position : position + 1] = [obj]
                    await service.update(
                        session,
                        who,
                        submission_id,
                        SubmissionUpdate(objects=declared),
                        if_match(form),
                    )
                return done(f"/portal/submissions/{submission_id}", "saved")
            except ValidationFailed as exc:
                problems = _at_position(exc.findings, position)
        return _object_form(
            request,
            cells=cells,
            findings=problems,
            action=f"/portal/submissions/{submission_id}/objects/{position}",
            title=OBJECT_TITLE,
            submission=sub,
            status_code=422,
        )

    @post("/submissions/{submission_id:int}/objects/{position:int}/remove")
    async def remove_object(
        self, request: Request[Any, Any, Any], submission_id: RowId, position: Position
    ) -> Redirect:
        who = _officer(request)
        form = await form_of(request)
        async with database(request).writer() as session:
            await service.get(session, who, submission_id)
            items = await service.items_of(session, submission_id)
            if position >= len(items):
                raise NotFound(f"no object {position + 1} in submission {submission_id}")
            if len(items) == 1:
                raise ValidationFailed(
                    N_("a submission keeps at least one object; delete the draft instead"),
                    [field_error("objects", "field.invalid", "at least one object")],
                )
            kept = [object_from_stored(i.data) for n, i in enumerate(items) if n != position]
            await service.update(
                session, who, submission_id, SubmissionUpdate(objects=kept), if_match(form)
            )
        return done(f"/portal/submissions/{submission_id}", "removed")

    # --- bulk upload --------------------------------------------------------------------------

    @get("/bulk")
    async def bulk_form(self, request: Request[Any, Any, Any]) -> Template:
        _officer(request)
        return render(
            request, "portal/bulk.html", report=None, columns=text_fields.COLUMNS, error=None
        )

    @get("/bulk/template.csv")
    async def bulk_template(self, request: Request[Any, Any, Any]) -> Response[str]:
        _officer(request)
        return Response(
            bulk.csv_template(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="spacereg-objects.csv"'},
        )

    @post("/bulk", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def bulk_check(self, request: Request[Any, Any, Any]) -> Template:
        """Check an upload and show the per-row report; nothing is written here."""
        who = _officer(request)
        form = await form_of(request)
        csv_file = await upload(form, "objects")
        if csv_file is None:
            return render(
                request,
                "portal/bulk.html",
                status_code=422,
                report=None,
                columns=text_fields.COLUMNS,
                error="no_csv",
            )
        elements = await upload(form, "elements")
        async with database(request).reader() as session:
            report = await bulk.preview(
                session,
                who.state_code or "",
                csv_file[0],
                csv_file[1],
                elements[0] if elements else None,
                elements[1] if elements else None,
            )
        payload = json.dumps([o.model_dump(mode="json") for o in report.objects])
        return render(
            request,
            "portal/bulk.html",
            status_code=200 if report.ok else 422,
            report=report,
            payload=payload if report.ok else "",
            columns=text_fields.COLUMNS,
            error=None,
        )

    @post("/bulk/confirm", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def bulk_confirm(self, request: Request[Any, Any, Any]) -> Redirect:
        """The officer confirmed the checked objects: create the draft (validated again)."""
        who = _officer(request)
        form = await form_of(request)
        note = str(form.get("note") or "").strip()[:4000] or None
        try:
            body = SubmissionCreate.model_validate_json(
                json.dumps({"objects": json.loads(str(form.get("objects") or "[]")), "note": note})
            )
        except (ValueError, ValidationError) as exc:
            raise ValidationFailed(
                "the checked objects did not come back intact; upload the file again",
                [field_error("objects", "field.invalid", str(exc)[:300])],
            ) from exc
        async with database(request).writer() as session:
            sub, _ = await service.create(session, who, body)
        return done(f"/portal/submissions/{sub.id}", "created")

    # --- amendments and change-of-status notices ---------------------------------------------

    @get("/amend")
    async def amend_form(self, request: Request[Any, Any, Any]) -> Template:
        who = _officer(request)
        kind = request.query_params.get("type") or "additional_information"
        designator = (request.query_params.get("designator") or "").strip()[:120]
        current = await _current(request, who.state_code or "", designator)
        return _amend_page(request, kind=kind, designator=designator, current=current)

    @post("/amend")
    async def amend(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        who = _officer(request)
        form = await form_of(request)
        kind = str(form.get("amendment_type") or "")
        designator = str(form.get("international_designator") or "").strip()[:120]
        fields = STATUS_FIELDS if form.get("notice") == "status" else AMENDABLE
        cells = _cells(form, fields)
        changes, problems = text_fields.object_json(cells)
        if not changes and not problems:
            problems.append(
                field_error("changes", "field.invalid", N_("fill in at least one field to change"))
            )
        new_state = str(form.get("new_state_of_registry") or "").strip().upper() or None
        note = str(form.get("note") or "").strip()[:4000] or None
        if not problems:
            try:
                body = AmendmentCreate.model_validate_json(
                    json.dumps(
                        {
                            "international_designator": designator,
                            "amendment_type": kind,
                            "changes": changes,
                            "new_state_of_registry": new_state,
                            "note": note,
                        }
                    )
                )
                async with database(request).writer() as session:
                    sub, _ = await service.create_amendment(session, who, body)
                return done(f"/portal/submissions/{sub.id}", "created")
            except ValidationError as exc:
                problems = _invalid(exc)
            except ValidationFailed as exc:
                problems = exc.findings
            except NotFound as exc:
                problems = [field_error("international_designator", "field.invalid", exc.detail)]
        current = await _current(request, who.state_code or "", designator)
        return _amend_page(
            request,
            kind=kind,
            designator=designator,
            current=current,
            cells=cells,
            findings=problems,
            new_state=new_state or "",
            note=note or "",
            notice="status" if fields == STATUS_FIELDS else "",
            status_code=422,
        )


def _counts(rows: list[queue.QueueRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.submission.status] = counts.get(row.submission.status, 0) + 1
    counts["pending"] = sum(counts.get(s, 0) for s in queue.PROCESSING)
    return counts


async def _current(request: Request[Any, Any, Any], state: str, designator: str) -> dict[str, Any]:
    """The object's current values as the State registered them (empty when not registered)."""
    if not designator:
        return {}
    try:
        async with database(request).reader() as session:
            record = await objects.get_record(session, designator)
    except NotFound:
        return {}
    mine = next((r for r in record.get("registrations", []) if r["state"] == state), None)
    if mine is None:
        return {}
    values = {k: v for k, v in record.items() if k in ObjectIn.model_fields}
    values.update({k: v for k, v in mine.items() if k in ObjectIn.model_fields})
    return text_fields.cells_of(values)


def _amend_page(
    request: Request[Any, Any, Any],
    *,
    kind: str,
    designator: str,
    current: dict[str, Any],
    cells: dict[str, str] | None = None,
    findings: list[dict[str, Any]] | None = None,
    new_state: str = "",
    note: str = "",
    notice: str = "",
    status_code: int = 200,
) -> Template:
    notice = notice or ("status" if request.query_params.get("notice") == "status" else "")
    found = findings or []
    return render(
        request,
        "portal/amend.html",
        status_code=status_code,
        kind=kind if kind in AMENDMENT_TYPES else "additional_information",
        kinds=AMENDMENT_TYPES,
        designator=designator,
        current=current,
        cells=cells or {},
        findings=found,
        field_findings=by_field(found),
        fields=STATUS_FIELDS if notice == "status" else AMENDABLE,
        notice=notice,
        statuses=STATUSES,
        new_state=new_state,
        note=note,
    )
