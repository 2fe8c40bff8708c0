"""Reading the audit log page by page (newest first), for the secretariat and administrators."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.audit.models import AuditEntry
from registry.errors import Forbidden


async def recent(
    session: AsyncSession, principal: Principal, *, page: int = 1, page_size: int = 50
) -> tuple[int, list[AuditEntry]]:
    """The number of entries and one page of them, the newest first."""
    if not (principal.is_secretariat or principal.is_admin):
        raise Forbidden("the audit log is for the secretariat and administrators")
    total = await session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0
    rows = await session.execute(
        sa.select(AuditEntry)
        .order_by(AuditEntry.seq.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return int(total), list(rows.scalars())
