"""Engines and sessions for SQLite (embedded) and PostgreSQL (production), with one code path.

Write transactions go through :meth:`Database.writer`. On SQLite it opens with ``BEGIN IMMEDIATE``
so that a writer holds the single write lock from its first statement: a deferred transaction that
read first and wrote later could fail with a stale snapshot when another process committed in
between (the CLI runs beside the server on the same file). Readers stay deferred, so reading never
waits for a writer (WAL mode).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from registry.changes import CHANNEL, ChangeWatch
from registry.settings import Settings, get_settings


def _configure_sqlite(engine: AsyncEngine, busy_timeout_s: float) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, emit BEGIN (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.async_database_url
    if settings.is_sqlite:
        # One file, one process's connections: a small pool, recycled, is all SQLite needs.
        engine = create_async_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=False)
        _configure_sqlite(engine, settings.sqlite_busy_timeout_s)
    else:
        engine = create_async_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=True,
            pool_recycle=1800,
        )
    return engine


class Database:
    """The engine plus the two kinds of session the application uses."""

    def __init__(
        self, settings: Settings | None = None, *, engine: AsyncEngine | None = None
    ) -> None:
        # Every table, so that foreign keys resolve whichever services a process imported first
        # (imported here, not at module level: some model modules use Database themselves).
        import registry.models  # noqa: F401

        self.settings = settings or get_settings()
        self.engine = engine or create_engine(self.settings)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        write_bind = (
            self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        )
        self._writer = async_sessionmaker(write_bind, expire_on_commit=False)
        self.changes = ChangeWatch()

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session:
            yield session

    @asynccontextmanager
    async def writer(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        try:
            async with self._writer() as session, session.begin():
                yield session
                if not self.is_sqlite:
                    # Delivered to every listener when, and only if, the transaction commits.
                    await session.execute(text(f"NOTIFY {CHANNEL}"))
        finally:
            # Also after a rollback: a generation moved too often costs a cache miss, never a stale read.
            self.changes.bump()

    async def watch_changes(self) -> None:
        """Follow commits made by other processes (see registry.changes)."""
        url = self.engine.url
        if self.is_sqlite:
            await self.changes.start(url.database or "", "sqlite")
        else:
            plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
            await self.changes.start(plain, "postgresql")

    async def dispose(self) -> None:
        await self.changes.stop()
        await self.engine.dispose()


def single_use_engine(settings: Settings) -> AsyncEngine:
    """An engine without a pool, for one-shot commands and migrations."""
    engine = create_async_engine(settings.async_database_url, poolclass=NullPool)
    if settings.is_sqlite:
        _configure_sqlite(engine, settings.sqlite_busy_timeout_s)
    return engine


#: Rows per INSERT statement: keeps every statement well within the drivers' parameter limits.
INSERT_BATCH = 2000


async def insert_rows(
    session: AsyncSession, table: Any, rows: list[dict[str, Any]], returning: Any = None
) -> list[Any]:
    """Insert ``rows`` (dicts of column values) in batches; with ``returning`` (columns), the
    values of those columns for each row, in the order of ``rows``."""
    out: list[Any] = []
    for start in range(0, len(rows), INSERT_BATCH):
        chunk = rows[start : start + INSERT_BATCH]
        if returning is None:
            await session.execute(sa.insert(table), chunk)
        else:
            result = await session.execute(
                sa.insert(table).returning(*returning, sort_by_parameter_order=True), chunk
            )
            out.extend(result.all())
    return out
