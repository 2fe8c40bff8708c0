"""The secretariat's review queue, the new-submission notices, and the public "being processed" list.

The queue is oldest first (by the time the State submitted), with each submission's age in whole
days, so that nothing waits unseen. Visibility is the workflow's (:func:`service.visible_filter`):
the queue shows what the caller may open.

>>> age_days(datetime(2026, 3, 1, 12, tzinfo=UTC), datetime(2026, 3, 4, 11, tzinfo=UTC))
2
>>> age_days(None, datetime(2026, 3, 4, tzinfo=UTC)) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.errors import Forbidden
from registry.submissions import service
from registry.submissions.models import Submission, SubmissionItem

#: Statuses of a submission that is with the secretariat (received, not yet published).
PROCESSING = ("submitted", "under_review", "accepted")


def age_days(since: datetime | None, now: datetime) -> int | None:
    """Whole days elapsed since ``since`` (None when it has not been submitted)."""
    if since is None:
        return None
    return max(0, (now - since).days)


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    objects: int
    first_designator: str | None
    age_days: int | None


def _object_count() -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.count())
        .where(SubmissionItem.submission_id == Submission.id)
        .scalar_subquery()
    )


def _first_designator() -> sa.ScalarSelect[Any]:
    return (
        sa.select(SubmissionItem.international_designator)
        .where(SubmissionItem.submission_id == Submission.id, SubmissionItem.position == 0)
        .scalar_subquery()
    )


def _require_reviewer(principal: Principal) -> None:
    if not (principal.is_secretariat or principal.is_admin):
        raise Forbidden("the review queue is the secretariat's")


async def review_queue(
    session: AsyncSession,
    principal: Principal,
    *,
    statuses: tuple[str, ...] = PROCESSING,
    state: str | None = None,
    kind: str | None = None,
    claimed_by: str | None = None,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> tuple[int, list[QueueRow]]:
    """Submissions waiting for the secretariat, oldest submitted first, with their age."""
    _require_reviewer(principal)
    now = now or datetime.now(UTC)
    stmt = sa.select(Submission, _object_count(), _first_designator()).where(
        service.visible_filter(principal), Submission.status.in_(statuses)
    )
    if state:
        stmt = stmt.where(Submission.state_code == state)
    if kind:
        stmt = stmt.where(Submission.kind == kind)
    if claimed_by:
        stmt = stmt.where(Submission.claimed_by == claimed_by)
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    # Never-submitted ones (a reviewer's own entered drafts) sort after the oldest real ones.
    waiting_since = sa.func.coalesce(Submission.submitted_at, Submission.created_at)
    rows = await session.execute(
        stmt.order_by(waiting_since, Submission.id).limit(page_size).offset((page - 1) * page_size)
    )
    return total, [
        QueueRow(sub, int(count or 0), first, age_days(sub.submitted_at, now))
        for sub, count, first in rows
    ]


async def new_submissions(
    session: AsyncSession, principal: Principal, *, limit: int = 20, now: datetime | None = None
) -> tuple[int, list[QueueRow]]:
    """Submitted and not yet claimed by anyone: the secretariat's notices."""
    return await review_queue(session, principal, statuses=("submitted",), page_size=limit, now=now)


class ProcessingRow(NamedTuple):
    """One line of the public list (a tuple, so a template may unpack it)."""

    state_code: str
    kind: str
    status: str
    received_at: datetime | None
    objects: int


async def being_processed(session: AsyncSession, *, limit: int = 200) -> list[ProcessingRow]:
    """The public list: which State's submissions are with the secretariat (no content shown)."""
    rows = await session.execute(
        sa.select(
            Submission.state_code,
            Submission.kind,
            Submission.status,
            Submission.received_at,
            _object_count(),
        )
        .where(Submission.status.in_(PROCESSING))
        .order_by(Submission.received_at, Submission.id)
        .limit(limit)
    )
    return [ProcessingRow(s, k, st, r, int(n or 0)) for s, k, st, r, n in rows]


async def state_submissions(
    session: AsyncSession,
    principal: Principal,
    *,
    status: str | None = None,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> tuple[int, list[QueueRow]]:
    """A State officer's own State's submissions, the latest changed first."""
    if not principal.is_state:
        raise Forbidden("this list is a State officer's")
    now = now or datetime.now(UTC)
    stmt = sa.select(Submission, _object_count(), _first_designator()).where(
        service.visible_filter(principal)
    )
    if status:
        stmt = stmt.where(Submission.status == status)
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = await session.execute(
        stmt.order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return total, [
        QueueRow(sub, int(count or 0), first, age_days(sub.submitted_at, now))
        for sub, count, first in rows
    ]
