"""Keeping the States table in step with the shipped, hand-reviewed reference file."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.db import Database
from registry.settings import Settings
from registry.states.models import State
from registry.states.reference import load_states


async def sync_states(session: AsyncSession) -> int:
    """Insert or update every row of the reference file; returns how many rows changed."""
    existing = {s.code: s for s in (await session.execute(sa.select(State))).scalars()}
    changed = 0
    for ref in load_states():
        values = dict(
            name=ref.name,
            kind=ref.kind,
            continuing_state=ref.continuing_state,
            successor_states=" ".join(ref.successor_states),
            registration_convention=ref.registration_convention,
            convention_date=ref.convention_date,
            gcat_codes=" ".join(ref.gcat_codes),
            source=ref.source,
        )
        row = existing.get(ref.code)
        if row is None:
            session.add(State(code=ref.code, **values))
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed += 1
    return changed


async def seed_states(settings: Settings) -> int:
    db = Database(settings)
    try:
        async with db.writer() as session:
            return await sync_states(session)
    finally:
        await db.dispose()
