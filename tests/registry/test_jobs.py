"""The job queue: claims go to exactly one worker, outcomes are recorded, failures never kill it."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from registry.db import Database
from registry.elementsets import fetch
from registry.elementsets.models import ElementSetRow, SatcatEntry
from registry.jobs import service
from registry.jobs.models import Job
from registry.jobs.worker import JobContext, Outcome, run_one
from registry.settings import Settings

RECORDED = Path(__file__).resolve().parents[1] / "orbit" / "clients" / "recorded"


async def ok(ctx: JobContext) -> Outcome:
    await ctx.progress(0.5, "halfway")
    return Outcome({"echo": ctx.params["x"]})


async def broken(ctx: JobContext) -> Outcome:
    raise RuntimeError("the input was bad")


async def test_jobs_run_and_failures_are_recorded(db: Database) -> None:
    async with db.writer() as session:
        first = await service.enqueue(session, "ok", {"x": 1})
        second = await service.enqueue(session, "broken", {})
    handlers = {"ok": ok, "broken": broken}
    assert (await run_one(db, handlers)).id == first.id  # type: ignore[union-attr]
    assert (await run_one(db, handlers)).id == second.id  # type: ignore[union-attr]
    assert await run_one(db, handlers) is None
    async with db.reader() as session:
        done = await service.get(session, first.id or 0)
        failed = await service.get(session, second.id or 0)
    assert done.state == "succeeded" and done.result == {"echo": 1} and done.progress == 1.0
    assert failed.state == "failed" and "the input was bad" in (failed.error or "")


async def test_each_job_is_claimed_by_exactly_one_worker(db: Database) -> None:
    async with db.writer() as session:
        for i in range(12):
            await service.enqueue(session, "ok", {"x": i})
    workers = [Database(Settings(database_url=db.settings.database_url)) for _ in range(3)]
    try:
        claims = await asyncio.gather(
            *(service.claim(w, f"w{i % 3}", {"ok"}) for i, w in enumerate(workers * 4))
        )
    finally:
        for w in workers:
            await w.dispose()
    ids = [c.id for c in claims if c is not None]
    assert len(ids) == 12 and len(set(ids)) == 12
    async with db.reader() as session:
        assert await session.scalar(sa.select(sa.func.count()).where(Job.state == "running")) == 12


def _recorded(name: str) -> httpx.MockTransport:
    body = (RECORDED / name).read_bytes()
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": "text/csv"})
    )


async def test_fetch_group_stores_and_matches_element_sets(db: Database, tmp_path: Path) -> None:
    summary = await fetch.fetch_group(
        db, tmp_path, "active", transport=_recorded("celestrak-gp-active.csv")
    )
    assert summary.records == summary.stored > 0 and not summary.from_cache
    again = await fetch.fetch_group(
        db, tmp_path, "active", transport=_recorded("celestrak-gp-active.csv")
    )
    assert again.stored == 0  # the same element sets are not stored twice
    async with db.reader() as session:
        assert (
            await session.scalar(sa.select(sa.func.count()).select_from(ElementSetRow))
            == summary.records
        )


async def test_fetch_satcat_replaces_the_stored_catalog(db: Database, tmp_path: Path) -> None:
    summary = await fetch.fetch_satcat(db, tmp_path, transport=_recorded("celestrak-satcat.csv"))
    assert summary.stored > 0
    async with db.reader() as session:
        iss = await session.get(SatcatEntry, 25544)
    assert iss is not None and iss.designator == "1998-067A"


async def test_screening_job_screens_the_register_and_stores_the_run(db: Database) -> None:
    from orbit.read import read_elements
    from registry.elementsets import service as elementsets
    from registry.jobs.screenings import distribution, events_of, latest_run, most_involved
    from tests.conftest import shared_file
    from web.jobs import HANDLERS

    catalog = read_elements(shared_file("catalog/full-catalog-3le-2022-01-22.txt")).elements
    subset = catalog[::6]
    async with db.writer() as session:
        await elementsets.store(session, subset, "test")
        job = await service.enqueue(session, "screening", {"hours": 1, "threshold_km": 5})
    ran = await run_one(db, {"screening": HANDLERS["screening"]})
    assert ran is not None and ran.id == job.id
    async with db.reader() as session:
        done = await service.get(session, job.id or 0)
        assert done.state == "succeeded", done.error
        run = await latest_run(session)
        assert (
            run is not None
            and run.job_id == job.id
            and run.objects == len({e.norad_id for e in subset})
        )
        events = await events_of(session, run.id or 0)
        assert len(events) == run.events > 0
        one = events[0].norad_a
        mine = await events_of(session, run.id or 0, norad_id=one)
        spread = {m: await distribution(session, run.id or 0, m) for m in ("miss_km", "vrel_kms")}
        top = await most_involved(session, run.id or 0, top=5)
    assert mine and all(one in (e.norad_a, e.norad_b) for e in mine)
    # The database's counts are those of the events themselves.
    encounters = [e for e in events if e.kind == "encounter"]
    for measure, bins in spread.items():
        low, step = bins[0][0], bins[0][1] - bins[0][0]
        assert len(bins) <= 20 and bins[-1][1] >= max(getattr(e, measure) for e in encounters)
        assert all(b[1] - b[0] == pytest.approx(step) for b in bins)
        expected = Counter(
            min(int((getattr(e, measure) - low) / step), len(bins) - 1) for e in encounters
        )
        assert [n for *_, n in bins] == [expected.get(b, 0) for b in range(len(bins))]
    involved = Counter(n for e in encounters for n in (e.norad_a, e.norad_b))
    assert [n for _, n in top] == [n for _, n in involved.most_common(5)]
    assert all(involved[norad] == n for norad, n in top)
