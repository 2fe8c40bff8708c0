"""Running queued jobs: a loop that claims, runs the kind's handler, and records the outcome.

Handlers are given by the caller (the command line assembles them from every layer), so the
registry needs to know nothing of what a job does. CPU-heavy handlers do their work in a thread or
process of their own and report progress through :class:`JobContext`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.db import Database
from registry.jobs import service
from registry.jobs.models import Job

log = logging.getLogger("spacereg.jobs")


@dataclass
class Outcome:
    result: dict[str, Any]
    data_as_of: datetime | None = None


@dataclass
class JobContext:
    db: Database
    job_id: int
    params: dict[str, Any]

    async def progress(self, fraction: float, message: str | None = None) -> None:
        await service.report(self.db, self.job_id, fraction, message)


Handler = Callable[[JobContext], Awaitable[Outcome]]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_one(
    db: Database, handlers: dict[str, Handler], name: str | None = None
) -> Job | None:
    """Claim and run one job; returns it (as claimed), or None when the queue is empty."""
    job = await service.claim(db, name or worker_name(), set(handlers))
    if job is None:
        return None
    assert job.id is not None
    try:
        outcome = await handlers[job.kind](JobContext(db, job.id, dict(job.params)))
    except Exception as exc:  # a failing job is recorded, never fatal to the worker
        log.exception("job %s (%s) failed", job.id, job.kind)
        await service.finish(db, job.id, error=f"{exc.__class__.__name__}: {exc}")
    else:
        await service.finish(db, job.id, result=outcome.result, data_as_of=outcome.data_as_of)
    return job


async def run_worker(
    db: Database,
    handlers: dict[str, Handler],
    *,
    idle_sleep: float = 2.0,
    stop: asyncio.Event | None = None,
) -> None:
    name = worker_name()
    log.info("worker %s running job kinds: %s", name, ", ".join(sorted(handlers)))
    while stop is None or not stop.is_set():
        try:
            job = await run_one(db, handlers, name)
        except Exception:  # the database may be away for a moment: wait and try again
            log.exception("worker could not claim a job")
            job = None
        if job is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    stop.wait() if stop else asyncio.sleep(idle_sleep), timeout=idle_sleep
                )
