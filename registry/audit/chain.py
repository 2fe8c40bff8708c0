"""Hash chain over the audit log.

Each entry's hash is SHA-256 over the previous entry's hash and a canonical serialisation of the
entry: JSON with sorted keys, no spaces, UTC times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. The same
bytes come out of SQLite and PostgreSQL, so a chain verifies after a move between them.

>>> from datetime import datetime, UTC
>>> entry = dict(seq=1, created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), actor="user:1",
...              role="admin", state_code=None, action="user.create", entity="user",
...              entity_id="1", details={"b": 1, "a": [1.5, "x"]})
>>> canonical(entry, GENESIS)[:60]
b'{"action":"user.create","actor":"user:1","created_at":"2026-'
>>> entry_hash(entry, GENESIS)[:16]
'54432723565bc557'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEntry
from registry.types import utcnow

GENESIS = "0" * 64
_FIELDS = (
    "seq",
    "created_at",
    "actor",
    "role",
    "state_code",
    "action",
    "entity",
    "entity_id",
    "details",
)
#: Any constant works; it only has to be the same in every process.
_PG_APPEND_LOCK = 7_301_975


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: Mapping[str, Any], prev_hash: str) -> bytes:
    body = {name: entry[name] for name in _FIELDS}
    body["created_at"] = _iso(body["created_at"])
    body["prev_hash"] = prev_hash
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(entry, prev_hash)).hexdigest()


async def append(
    session: AsyncSession,
    *,
    actor: str,
    role: str,
    action: str,
    entity: str,
    entity_id: str | int,
    state_code: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's write transaction.

    Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the
    write lock the writer session holds from ``BEGIN IMMEDIATE``. The primary key on ``seq`` and the
    unique ``prev_hash`` would reject a fork even if both failed.
    """
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_APPEND_LOCK}
        )
    head = (
        await session.execute(
            sa.select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        )
    ).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    # Round-trip through JSON so that what is hashed is exactly what the database gives back.
    clean_details = json.loads(json.dumps(dict(details or {}), default=str))
    fields = dict(
        seq=seq,
        created_at=utcnow(),
        actor=actor,
        role=role,
        state_code=state_code,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=clean_details,
    )
    entry = AuditEntry(**fields, prev_hash=prev, hash=entry_hash(fields, prev))
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head: str
    first_broken: int | None = None
    reason: str | None = None


async def verify(session: AsyncSession, *, expected_head: str | None = None) -> Verification:
    """Walk the chain in order; report the first entry that breaks it.

    ``expected_head`` is a head hash recorded earlier: if it is no longer in the chain, entries were
    cut from the tail (or rewritten) after the last entry that still verifies.
    """
    prev, expected_seq, found_head = GENESIS, 1, expected_head is None
    result = await session.stream(
        sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    )
    async for (entry,) in result:
        fields = {name: getattr(entry, name) for name in _FIELDS}
        if entry.seq != expected_seq:
            return Verification(
                False, expected_seq - 1, prev, expected_seq, f"entry {expected_seq} is missing"
            )
        if entry.prev_hash != prev:
            return Verification(False, entry.seq - 1, prev, entry.seq, "previous-hash link broken")
        if entry_hash(fields, prev) != entry.hash:
            return Verification(
                False, entry.seq - 1, prev, entry.seq, "content does not match its hash"
            )
        prev, expected_seq = entry.hash, expected_seq + 1
        found_head = found_head or entry.hash == expected_head
    if not found_head:
        return Verification(
            False,
            expected_seq - 1,
            prev,
            expected_seq,
            f"recorded head {expected_head} not found: entries after {expected_seq - 1} were removed",
        )
    return Verification(True, expected_seq - 1, prev)


async def head(session: AsyncSession) -> str:
    value = await session.scalar(
        sa.select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    )
    return value or GENESIS
