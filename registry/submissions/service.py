"""The submission workflow: draft -> submitted -> under_review -> accepted -> published, or returned.

Business rules live here, not in the web layer: who may see a submission, who may move it, what
each move writes. Every accepted state change appends to the audit chain in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.audit import chain
from registry.documents import numbering
from registry.documents.models import Document
from registry.errors import (
    N_,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    field_error,
)
from registry.objects import service as objects
from registry.objects.models import Registration, SpaceObject
from registry.objects.records import REGISTRATION_FIELDS
from registry.objects.schemas import object_from_stored
from registry.submissions import checks
from registry.submissions.models import Submission, SubmissionItem
from registry.submissions.schemas import AmendmentCreate, SubmissionCreate, SubmissionUpdate
from registry.types import utcnow
from registry.versioning import require_version
from registry.webhooks import service as webhooks

#: (action, statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft", "returned"), "submitted"),
    "withdraw": (("submitted", "under_review", "returned"), "withdrawn"),
    "claim": (("submitted",), "under_review"),
    "accept": (("under_review",), "accepted"),
    "return": (("under_review",), "returned"),
    "publish": (("accepted",), "published"),
}
EDITABLE = ("draft", "returned")

OBJECT_LEVEL = (
    "norad_id",
    "name",
    "launch_date",
    "launch_site",
    "launch_territory",
    "launch_vehicle",
    "status",
    "status_date",
    "status_body",
)


# --- visibility and ownership -------------------------------------------------------------


def _is_owner(principal: Principal, sub: Submission) -> bool:
    """The State's officers own its submissions; so does the reviewer who entered one for it."""
    if sub.entered_by_secretariat:
        return principal.ref == sub.created_by
    return principal.is_state and principal.state_code == sub.state_code


def is_owner(principal: Principal, sub: Submission) -> bool:
    """Whether the principal acts for the submitter (edits it, submits it, attaches to it)."""
    return _is_owner(principal, sub)


def can_see(principal: Principal, sub: Submission) -> bool:
    if principal.is_state:
        return principal.state_code == sub.state_code
    if principal.is_secretariat or principal.is_admin:
        return sub.status != "draft" or principal.ref == sub.created_by
    return False


async def get(session: AsyncSession, principal: Principal, submission_id: int) -> Submission:
    sub = await session.get(Submission, submission_id)
    # Another State's submission is reported as absent, not forbidden: its existence is private.
    if sub is None or not can_see(principal, sub):
        raise NotFound(f"no submission {submission_id}")
    return sub


async def get_for_update(
    session: AsyncSession, principal: Principal, submission_id: int
) -> Submission:
    sub = await get(session, principal, submission_id)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.refresh(sub, with_for_update=True)
    return sub


async def items_of(session: AsyncSession, submission_id: int) -> list[SubmissionItem]:
    rows = await session.execute(
        sa.select(SubmissionItem)
        .where(SubmissionItem.submission_id == submission_id)
        .order_by(SubmissionItem.position)
    )
    return list(rows.scalars())


def visible_filter(principal: Principal) -> sa.ColumnElement[bool]:
    if principal.is_state:
        return Submission.state_code == principal.state_code
    if principal.is_secretariat or principal.is_admin:
        return sa.or_(Submission.status != "draft", Submission.created_by == principal.ref)
    return sa.false()


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    *,
    status: str | None = None,
    state: str | None = None,
    kind: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[int, list[Submission]]:
    stmt = sa.select(Submission).where(visible_filter(principal))
    if status:
        stmt = stmt.where(Submission.status == status)
    if state:
        stmt = stmt.where(Submission.state_code == state)
    if kind:
        stmt = stmt.where(Submission.kind == kind)
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = await session.execute(
        stmt.order_by(Submission.created_at, Submission.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return total, list(rows.scalars())


# --- creating and editing ------------------------------------------------------------------


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def _state_for_new(
    session: AsyncSession, principal: Principal, requested: str | None
) -> tuple[str, bool]:
    """The State a new submission belongs to, and whether the secretariat entered it."""
    if principal.is_state:
        if requested and requested != principal.state_code:
            raise Forbidden("a State officer submits only for the officer's own State")
        assert principal.state_code is not None
        return principal.state_code, False
    if principal.is_secretariat:
        if not requested:
            raise ValidationFailed(
                "state required",
                [
                    field_error(
                        "state",
                        "state.required",
                        "name the State on whose behalf the submission is entered",
                    )
                ],
            )
        return requested, True
    raise Forbidden("only State officers and the secretariat create submissions")


async def _audit(
    session: AsyncSession, principal: Principal, action: str, sub: Submission, **details: Any
) -> None:
    await chain.append(
        session,
        actor=principal.ref,
        role=principal.role,
        action=action,
        entity="submission",
        entity_id=sub.id or 0,
        state_code=sub.state_code,
        details=details,
    )


async def _replace_items(
    session: AsyncSession,
    sub: Submission,
    rows: list[tuple[str, dict[str, Any], list[dict[str, Any]], int | None]],
) -> None:
    await session.execute(sa.delete(SubmissionItem).where(SubmissionItem.submission_id == sub.id))
    session.add_all(
        SubmissionItem(
            submission_id=sub.id or 0,
            position=i,
            international_designator=designator,
            data=data,
            findings=findings,
            registration_id=registration_id,
        )
        for i, (designator, data, findings, registration_id) in enumerate(rows)
    )


async def existing_for_key(
    session: AsyncSession, principal: Principal, key: str, digest: str
) -> Submission | None:
    sub = await session.scalar(
        sa.select(Submission).where(
            Submission.created_by == principal.ref, Submission.idempotency_key == key
        )
    )
    if sub is not None and sub.request_hash != digest:
        raise ValidationFailed(
            "Idempotency-Key reused with a different request",
            [
                field_error(
                    "Idempotency-Key", "idempotency.mismatch", "this key was used with another body"
                )
            ],
        )
    return sub


def body_hash(body: BaseModel) -> str:
    return request_hash(body.model_dump(mode="json"))


async def replay(
    session: AsyncSession, principal: Principal, body: BaseModel, idempotency_key: str | None
) -> Submission | None:
    """What an earlier request with this Idempotency-Key created, or None (no key, or first use).

    The same key with another body is refused: a retry must repeat the request exactly.
    """
    if not idempotency_key:
        return None
    return await existing_for_key(session, principal, idempotency_key, body_hash(body))


async def create(
    session: AsyncSession,
    principal: Principal,
    body: SubmissionCreate,
    *,
    idempotency_key: str | None = None,
) -> tuple[Submission, bool]:
    """Create a draft; returns it and whether it was created now (False: an idempotent replay)."""
    earlier = await replay(session, principal, body, idempotency_key)
    if earlier is not None:
        return earlier, False
    state_code, on_behalf = await _state_for_new(session, principal, body.state)
    findings = await checks.validate_objects(session, state_code, body.objects)
    sub = Submission(
        kind="registration",
        state_code=state_code,
        created_by=principal.ref,
        entered_by_secretariat=on_behalf,
        note_verbale_date=body.note_verbale_date,
        received_at=body.received_at,
        note=body.note,
        idempotency_key=idempotency_key,
        request_hash=body_hash(body),
    )
    session.add(sub)
    await session.flush()
    await _replace_items(
        session,
        sub,
        [
            (o.international_designator, o.model_dump(mode="json"), f, None)
            for o, f in zip(body.objects, findings, strict=True)
        ],
    )
    await _audit(
        session, principal, "submission.create", sub, objects=len(body.objects), on_behalf=on_behalf
    )
    return sub, True


async def update(
    session: AsyncSession,
    principal: Principal,
    submission_id: int,
    body: SubmissionUpdate,
    if_match: str | None,
) -> Submission:
    sub = await get_for_update(session, principal, submission_id)
    require_version(if_match, sub.version)
    if not _is_owner(principal, sub):
        raise Forbidden("only the submitting State edits its submission")
    if sub.status not in EDITABLE or sub.kind != "registration":
        raise InvalidTransition(f"a {sub.status} submission cannot be edited")
    if body.objects is not None:
        findings = await checks.validate_objects(session, sub.state_code, body.objects)
        await _replace_items(
            session,
            sub,
            [
                (o.international_designator, o.model_dump(mode="json"), f, None)
                for o, f in zip(body.objects, findings, strict=True)
            ],
        )
    for name in ("note_verbale_date", "received_at", "note"):
        if name in body.model_fields_set:
            setattr(sub, name, getattr(body, name))
    _bump(sub)
    await _audit(session, principal, "submission.update", sub, fields=sorted(body.model_fields_set))
    return sub


async def delete_draft(
    session: AsyncSession, principal: Principal, submission_id: int, if_match: str | None
) -> None:
    sub = await get_for_update(session, principal, submission_id)
    require_version(if_match, sub.version)
    if not _is_owner(principal, sub):
        raise Forbidden("only the submitting State deletes its draft")
    if sub.status != "draft":
        raise InvalidTransition("only a draft can be deleted; withdraw a submitted one")
    await session.execute(sa.delete(SubmissionItem).where(SubmissionItem.submission_id == sub.id))
    await _audit(session, principal, "submission.delete", sub)
    await session.delete(sub)


def _bump(sub: Submission) -> None:
    sub.version += 1
    sub.updated_at = utcnow()


# --- amendments ----------------------------------------------------------------------------


async def create_amendment(
    session: AsyncSession,
    principal: Principal,
    body: AmendmentCreate,
    *,
    idempotency_key: str | None = None,
) -> tuple[Submission, bool]:
    earlier = await replay(session, principal, body, idempotency_key)
    if earlier is not None:
        return earlier, False
    state_code, on_behalf = await _state_for_new(session, principal, body.state)
    obj = await objects.find_object(session, body.international_designator)
    registration = await session.scalar(
        sa.select(Registration).where(
            Registration.object_id == obj.id, Registration.state_code == state_code
        )
    )
    if registration is None:
        raise NotFound(
            N_("%(state)s holds no published registration of %(designator)s")
            % {"state": state_code, "designator": body.international_designator}
        )
    findings = await checks.validate_amendment(session, obj, registration, body)
    sub = Submission(
        kind="amendment",
        amendment_type=body.amendment_type,
        state_code=state_code,
        created_by=principal.ref,
        entered_by_secretariat=on_behalf,
        note_verbale_date=body.note_verbale_date,
        note=body.note,
        idempotency_key=idempotency_key,
        request_hash=body_hash(body),
    )
    session.add(sub)
    await session.flush()
    data = {"changes": body.changes, "new_state_of_registry": body.new_state_of_registry}
    await _replace_items(
        session, sub, [(obj.international_designator, data, findings, registration.id)]
    )
    await _audit(
        session,
        principal,
        "amendment.create",
        sub,
        designator=obj.international_designator,
        type=body.amendment_type,
    )
    return sub, True


# --- workflow moves ------------------------------------------------------------------------


def _move(sub: Submission, action: str) -> None:
    sources, target = TRANSITIONS[action]
    if sub.status not in sources:
        raise InvalidTransition(f"cannot {action} a submission that is {sub.status}")
    sub.status = target
    _bump(sub)


async def transition(
    session: AsyncSession,
    principal: Principal,
    submission_id: int,
    action: str,
    if_match: str | None,
    *,
    note: str | None = None,
    symbol: str | None = None,
) -> Submission:
    sub = await get_for_update(session, principal, submission_id)
    require_version(if_match, sub.version)
    if action in ("submit", "withdraw"):
        if not _is_owner(principal, sub):
            raise Forbidden(f"only the submitting State may {action} this submission")
    elif not principal.is_secretariat:
        raise Forbidden(f"only the secretariat may {action} a submission")
    elif sub.created_by == principal.ref:
        raise Forbidden("a reviewer never reviews a submission it created or entered")
    elif action in ("accept", "return") and sub.claimed_by != principal.ref:
        raise Forbidden(f"only the reviewer who claimed this submission may {action} it")

    if action == "submit":
        await _revalidate(session, sub)
        sub.submitted_at = utcnow()
        sub.received_at = sub.received_at or sub.submitted_at
    _move(sub, action)
    details: dict[str, Any] = {"status": sub.status}
    if action == "claim":
        sub.claimed_by = principal.ref
    elif action == "return":
        sub.reviewer_note = note
        sub.claimed_by = None
        details["note"] = note
    elif action == "publish":
        document = await _publish(session, principal, sub, symbol)
        details["document"] = document.symbol
    await _audit(session, principal, f"submission.{action}", sub, **details)
    # In this transaction: the State hears of exactly the changes that were committed.
    await webhooks.emit_for_submission(session, sub, action, details.get("document"))
    return sub


async def _revalidate(session: AsyncSession, sub: Submission) -> None:
    """The register may have changed since the draft was written: check again before review."""
    items = await items_of(session, sub.id or 0)
    if sub.kind == "registration":
        objs = [object_from_stored(item.data) for item in items]
        findings = await checks.validate_objects(session, sub.state_code, objs)
        for item, found in zip(items, findings, strict=True):
            item.findings = found


# --- publication ---------------------------------------------------------------------------


async def _publish(
    session: AsyncSession, principal: Principal, sub: Submission, override: str | None
) -> Document:
    published_at = utcnow()
    items = await items_of(session, sub.id or 0)
    if sub.kind == "registration":
        document = await numbering.issue(session, sub.state_code, published_at, override=override)
        for item in items:
            await _publish_registration(session, principal, sub, item, document, published_at)
    else:
        registration = await session.get(Registration, items[0].registration_id)
        if registration is None:
            raise Conflict("the registration this amendment changes no longer exists")
        document = await numbering.issue_child(
            session,
            registration.document_id,
            sub.amendment_type == "correction",
            sub.state_code,
            published_at,
            override=override,
        )
        await _publish_amendment(session, principal, sub, items[0], registration, document)
    sub.document_id = document.id
    sub.published_at = published_at
    sub.entered_at = sub.entered_at or published_at
    return document


async def _publish_registration(
    session: AsyncSession,
    principal: Principal,
    sub: Submission,
    item: SubmissionItem,
    document: Document,
    published_at: datetime,
) -> None:
    declared = object_from_stored(item.data)
    obj = await session.scalar(
        sa.select(SpaceObject).where(
            SpaceObject.international_designator == declared.international_designator
        )
    )
    before = None
    if obj is None:
        obj = SpaceObject(
            international_designator=declared.international_designator,
            designator_legacy=checks.is_legacy_designator(declared.international_designator),
            origin="spacereg",
        )
        session.add(obj)
    else:
        before = await objects.record_of(session, obj)
        taken = await session.scalar(
            sa.select(Registration.id).where(
                Registration.object_id == obj.id, Registration.state_code == sub.state_code
            )
        )
        if taken is not None:
            raise Conflict(
                f"{sub.state_code} already registered {declared.international_designator}"
            )
    # The catalogue identity keeps what it had; a registration fills what was unknown.
    for name in OBJECT_LEVEL:
        value = getattr(declared, name)
        if value is not None and (getattr(obj, name) is None or before is None):
            setattr(obj, name, value)
    obj.registered = True
    obj.function = obj.function or declared.function
    await session.flush()
    registration = Registration(
        object_id=obj.id or 0,
        state_code=sub.state_code,
        document_id=document.id,
        submission_id=sub.id,
        registered_at=published_at,
        findings=item.findings,
        launching_states=[ls.model_dump() for ls in declared.launching_states],
        **{
            name: getattr(declared, name)
            for name in REGISTRATION_FIELDS
            if hasattr(declared, name) and name != "launching_states"
        },
    )
    session.add(registration)
    await objects.write_version(
        session,
        obj,
        before,
        reason="registered",
        actor=principal.ref,
        submission_id=sub.id,
        document_id=document.id,
    )


async def _publish_amendment(
    session: AsyncSession,
    principal: Principal,
    sub: Submission,
    item: SubmissionItem,
    registration: Registration,
    document: Document,
) -> None:
    obj = await session.get(SpaceObject, registration.object_id)
    assert obj is not None
    before = await objects.record_of(session, obj)
    changes = checks.parsed_changes(item.data["changes"])
    for name, value in changes.items():
        if name in OBJECT_LEVEL:
            setattr(obj, name, value)
        elif name == "launching_states":
            registration.launching_states = [dict(ls) for ls in value]
        else:
            setattr(registration, name, value)
    new_state = item.data.get("new_state_of_registry")
    if sub.amendment_type == "transfer" and new_state:
        clash = await session.scalar(
            sa.select(Registration.id).where(
                Registration.object_id == obj.id, Registration.state_code == new_state
            )
        )
        if clash is not None:
            raise Conflict(
                f"{new_state} already holds a registration of {obj.international_designator}"
            )
        registration.state_code = new_state
    if "function" in changes:
        obj.function = changes["function"]
    await objects.write_version(
        session,
        obj,
        before,
        reason=sub.amendment_type or "amended",
        actor=principal.ref,
        submission_id=sub.id,
        document_id=document.id,
    )


def submission_view(
    sub: Submission, items: list[SubmissionItem] | None = None, symbol: str | None = None
) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None

    view: dict[str, Any] = {
        "id": sub.id,
        "kind": sub.kind,
        "amendment_type": sub.amendment_type,
        "state": sub.state_code,
        "status": sub.status,
        "version": sub.version,
        "entered_by_secretariat": sub.entered_by_secretariat,
        "created_by": sub.created_by,
        "claimed_by": sub.claimed_by,
        "reviewer_note": sub.reviewer_note,
        "note": sub.note,
        "note_verbale_date": sub.note_verbale_date.isoformat() if sub.note_verbale_date else None,
        "received_at": iso(sub.received_at),
        "submitted_at": iso(sub.submitted_at),
        "published_at": iso(sub.published_at),
        "created_at": iso(sub.created_at),
        "updated_at": iso(sub.updated_at),
        "document": symbol,
    }
    if items is not None:
        view["objects"] = [
            {
                "position": i.position,
                "international_designator": i.international_designator,
                "data": i.data,
                "findings": i.findings,
            }
            for i in items
        ]
    return view


async def orbit_checks(
    session: AsyncSession, principal: Principal, submission_id: int
) -> list[dict[str, Any]]:
    """Declared against observed orbit for every object of a submission the caller may see."""
    from registry.objects import orbit_check

    sub = await get(session, principal, submission_id)
    checks_out = []
    for item in await items_of(session, sub.id or 0):
        data = item.data if sub.kind == "registration" else {**item.data.get("changes", {})}
        launch = object_from_stored(item.data).launch_date if sub.kind == "registration" else None
        element_sets = await orbit_check.element_sets_for(
            session, item.international_designator, data.get("norad_id")
        )
        checks_out.append(
            {
                "position": item.position,
                "international_designator": item.international_designator,
                **orbit_check.check(data, element_sets, launch),
            }
        )
    return checks_out
