"""Knowing, cheaply, whether the register changed: a generation number per process.

Every write transaction that commits moves the generation of its own process at once; commits by
other processes reach it through the database: PostgreSQL delivers a NOTIFY sent inside each write
transaction (so only committed changes are announced), and SQLite's ``PRAGMA data_version``, polled
every few tens of milliseconds, changes whenever another connection committed to the file. Caches
keyed by the generation never serve a response older than the last change they were told of.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from typing import Any

log = logging.getLogger("spacereg.changes")
CHANNEL = "spacereg_register"


class ChangeWatch:
    def __init__(self) -> None:
        self.generation = 0
        self._task: asyncio.Task[None] | None = None

    def bump(self) -> None:
        self.generation += 1

    @property
    def watching(self) -> bool:
        """Whether other processes' commits move the generation too (not only this one's)."""
        return self._task is not None

    async def start(self, url: str, dialect: str) -> None:
        if self._task is None:
            runner = self._poll_sqlite if dialect == "sqlite" else self._listen_postgres
            self._task = asyncio.create_task(runner(url))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _poll_sqlite(self, path: str, interval: float = 0.05) -> None:
        # data_version is per connection and costs a read of shared memory: cheap enough to ask
        # from the event loop itself.
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            while True:
                await asyncio.sleep(interval)
                current = conn.execute("PRAGMA data_version").fetchone()[0]
                if current != last:
                    last = current
                    self.bump()
        finally:
            conn.close()

    async def _listen_postgres(self, url: str) -> None:
        import asyncpg

        def notified(*_: Any) -> None:
            self.bump()

        while True:
            try:
                conn = await asyncpg.connect(url)
                try:
                    await conn.add_listener(CHANNEL, notified)
                    # Anything may have changed while no listener was connected.
                    self.bump()
                    while not conn.is_closed():
                        await asyncio.sleep(1)
                finally:
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except (
                Exception
            ) as exc:  # the database may be restarting: keep trying, caches stay cold
                log.warning("change listener lost its connection: %s", exc)
                self.bump()
                await asyncio.sleep(1)
