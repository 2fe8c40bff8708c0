"""A stored re-entry run shows on the home and analyses pages and exports as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

from registry.db import Database
from registry.jobs import service
from registry.jobs.reentries import latest_run
from registry.jobs.worker import run_one
from tests.conftest import shared_file
from tests.web.conftest import Client
from web.jobs import HANDLERS


async def test_reentry_job_fills_home_and_analyses(client: Client, db: Database) -> None:
    from orbit.read import read_elements
    from registry.elementsets import service as elementsets

    # Objects of the 2022-01-22 catalog low enough to come down within the year, and one that will not.
    catalog = read_elements(shared_file("catalog/full-catalog-3le-2022-01-22.txt")).elements
    low = [e for e in catalog if e.mean_motion > 16.0][:25] + [
        e for e in catalog if e.norad_id == 20580
    ]
    async with db.writer() as session:
        await elementsets.store(session, low, "test")
        job = await service.enqueue(session, "reentry", {"horizon_days": 365})
    assert (await run_one(db, {"reentry": HANDLERS["reentry"]})) is not None
    async with db.reader() as session:
        done = await service.get(session, job.id or 0)
        assert done.state == "succeeded", done.error
        run = await latest_run(session)
    assert run is not None and run.objects == len(low) and 0 < run.predicted < len(low)

    # The run's forecasts are in the past now (2022 data): they list as recent when "now" is then.
    from web.pages.analyses import reentry_view

    async with db.reader() as session:
        view = await reentry_view.latest(session, now=datetime(2022, 1, 23, tzinfo=UTC))
    assert (
        view is not None
        and view.upcoming
        and all(f.predicted >= datetime(2022, 1, 23, tzinfo=UTC) for f in view.upcoming)
    )
    assert all(
        view.upcoming[i].predicted <= view.upcoming[i + 1].predicted
        for i in range(len(view.upcoming) - 1)
    )

    for _ in range(40):  # the app sees the commit through its change watch
        page = await client.get("/analyses")
        if "No re-entry prediction run yet" not in page.text:
            break
        await asyncio.sleep(0.05)
    assert "No re-entry prediction run yet" not in page.text
    exported = await client.get("/analyses", params={"format": "csv", "table": "reentries"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    cutoff = datetime.now(UTC) - timedelta(days=reentry_view.RECENT_DAYS)
    assert all(datetime.fromisoformat(r["predicted"]) >= cutoff for r in rows)
    assert (await client.get("/")).status_code == 200
