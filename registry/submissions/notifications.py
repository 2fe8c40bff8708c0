"""What a State officer is told: its submissions returned with a note, and published ones.

Read from the audit log, where every workflow move is recorded with its State, so the notices are
complete (a submission returned twice is two notices) and need no table of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.audit.models import AuditEntry
from registry.errors import Forbidden

#: Audit actions a State is notified of, and the notice's kind.
NOTIFIED = {"submission.return": "returned", "submission.publish": "published"}


@dataclass(frozen=True)
class Notice:
    kind: str  # "returned" or "published"
    submission_id: int
    at: datetime
    #: The reviewer's note (returned) or the issued document symbol (published).
    note: str | None = None
    document: str | None = None


async def for_state(
    session: AsyncSession, principal: Principal, *, since: datetime | None = None, limit: int = 50
) -> list[Notice]:
    """The officer's State's notices, newest first."""
    if not principal.is_state or principal.state_code is None:
        raise Forbidden("notices of returned and published submissions go to State officers")
    stmt = (
        sa.select(AuditEntry)
        .where(
            AuditEntry.entity == "submission",
            AuditEntry.action.in_(tuple(NOTIFIED)),
            AuditEntry.state_code == principal.state_code,
        )
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(AuditEntry.created_at >= since)
    rows = await session.execute(stmt)
    notices = []
    for entry in rows.scalars():
        details = entry.details or {}
        notices.append(
            Notice(
                kind=NOTIFIED[entry.action],
                submission_id=int(entry.entity_id),
                at=entry.created_at,
                note=details.get("note"),
                document=details.get("document"),
            )
        )
    return notices
