"""The audit chain verifies, detects each kind of tampering, and never forks under concurrency."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from registry.audit import chain
from registry.audit.models import AuditEntry
from registry.db import Database


async def _append(db: Database, n: int, actor: str = "user:1") -> None:
    for i in range(n):
        async with db.writer() as session:
            await chain.append(
                session,
                actor=actor,
                role="state",
                action="test.append",
                entity="thing",
                entity_id=i,
                state_code="FRA",
                details={"i": i, "ratio": i / 3, "text": "é ü 名"},
            )


async def _verify(db: Database, **kwargs: str) -> chain.Verification:
    async with db.reader() as session:
        return await chain.verify(session, **kwargs)


async def test_chain_verifies_and_head_moves(db: Database) -> None:
    assert (await _verify(db)).ok
    await _append(db, 5)
    result = await _verify(db)
    assert result.ok and result.entries == 5
    async with db.reader() as session:
        assert await chain.head(session) == result.head


@pytest.mark.parametrize(
    "column,value", [("actor", "user:2"), ("details", {"i": 99}), ("action", "test.other")]
)
async def test_changed_column_is_detected(db: Database, column: str, value: object) -> None:
    await _append(db, 5)
    async with db.writer() as session:
        await session.execute(
            sa.update(AuditEntry).where(AuditEntry.seq == 3).values({column: value})
        )
    result = await _verify(db)
    assert not result.ok and result.first_broken == 3


async def test_deleted_middle_entry_is_detected(db: Database) -> None:
    await _append(db, 5)
    async with db.writer() as session:
        await session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == 3))
    result = await _verify(db)
    assert not result.ok and result.first_broken == 3


async def test_truncated_tail_is_detected_against_recorded_head(db: Database) -> None:
    await _append(db, 5)
    recorded = (await _verify(db)).head
    async with db.writer() as session:
        await session.execute(sa.delete(AuditEntry).where(AuditEntry.seq >= 4))
    assert (await _verify(db)).ok  # a clean prefix is internally consistent...
    result = await _verify(db, expected_head=recorded)
    assert not result.ok and result.first_broken == 4  # ...but the recorded head is gone


_WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from registry.audit import chain
    from registry.db import Database
    from registry.settings import Settings

    async def main(url, actor, n):
        db = Database(Settings(database_url=url))
        for i in range(n):
            async with db.writer() as session:
                await chain.append(session, actor=actor, role="state", action="test.concurrent",
                                   entity="thing", entity_id=i, details={"i": i})
        await db.dispose()

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


async def test_concurrent_appends_from_two_processes(db: Database, database_url: str) -> None:
    n = 40
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, database_url, f"proc:{k}", str(n)],
            stderr=subprocess.PIPE,
        )
        for k in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    result = await _verify(db)
    assert result.ok and result.entries == 2 * n
    async with db.reader() as session:
        actors = (
            await session.execute(
                sa.select(AuditEntry.actor, sa.func.count()).group_by(AuditEntry.actor)
            )
        ).all()
    assert sorted(actors) == [("proc:0", n), ("proc:1", n)]
