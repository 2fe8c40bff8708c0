"""Request counters shared by every worker process: a fixed one-minute window per subject.

A subject is an API key, a signed-in user or a client address. Each counted request costs one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` on the bucket of the current minute, so two
app processes (or twenty) see the same count; nothing is held in process memory. On SQLite the
counter write is a commit to the register's file, so other processes' response caches see a new
``data_version``: authenticated traffic costs public cache hits there (PostgreSQL is unaffected).

>>> window_of(125.0, 60)
(120, 55)
>>> window_of(180.0, 60)
(180, 60)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.db import Database


class RateBucket(SQLModel, table=True):
    __tablename__ = "rate_buckets"

    subject: str = Field(primary_key=True, max_length=80)
    #: Unix time (s) at which the window opened.
    window_start: int = Field(primary_key=True, sa_type=sa.BigInteger)
    hits: int = 0


_HIT = sa.text(
    "INSERT INTO rate_buckets (subject, window_start, hits) VALUES (:subject, :window, 1) "
    "ON CONFLICT (subject, window_start) DO UPDATE SET hits = rate_buckets.hits + 1 "
    "RETURNING hits"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    hits: int
    limit: int
    #: Seconds until the window closes (the client's Retry-After when refused).
    reset_s: int


def window_of(now: float, window_s: int) -> tuple[int, int]:
    """The start of the window holding ``now`` and the whole seconds left in it (at least 1)."""
    start = int(now // window_s) * window_s
    return start, max(1, math.ceil(start + window_s - now))


class RateLimiter:
    """Counts hits per subject in the database; old windows are pruned once per new window."""

    def __init__(self, db: Database, window_s: int = 60) -> None:
        self.db = db
        self.window_s = window_s
        self._pruned_before = 0

    async def hit(self, subject: str, limit: int, now: float | None = None) -> Verdict:
        start, reset = window_of(time.time() if now is None else now, self.window_s)
        # Straight on the engine, not Database.writer(): a counter is not a change to the register
        # and must not announce one (that would empty every process's response cache).
        async with self.db.engine.begin() as conn:
            hits = int(
                (await conn.execute(_HIT, {"subject": subject[:80], "window": start})).scalar_one()
            )
        if start > self._pruned_before:
            # Once per window per process: keeps the table at about two windows of subjects.
            self._pruned_before = start
            await self.prune(start - self.window_s)
        return Verdict(hits <= limit, hits, limit, reset)

    async def prune(self, before: int) -> None:
        async with self.db.engine.begin() as conn:
            await conn.execute(sa.delete(RateBucket).where(RateBucket.window_start < before))
