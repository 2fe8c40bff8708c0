"""A stored re-entry run shows on the home and analyses pages (timeline and tables) and exports
as CSV."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from orbit.reentry import ReentryPrediction
from registry.db import Database
from registry.jobs import service
from registry.jobs.reentries import latest_run, store_run
from registry.jobs.worker import run_one
from tests.conftest import shared_file
from tests.web.conftest import Client
from web import charts
from web.i18n import Localizer
from web.jobs import HANDLERS
from web.pages.analyses import reentry_view

TIMELINE = "Timeline of upcoming re-entries"


def cords(count: int, *, shift_to: datetime | None = None) -> list[ReentryPrediction]:
    """The newest ``count`` final predictions of the Aerospace CORDS list (newest first, as the
    file lists them), each window the stated +/- uncertainty. ``shift_to`` moves them as a block
    so that the soonest falls then, keeping their spacing and windows: the pages list the
    re-entries after the wall clock, and the list ends in 2022."""
    rows = [
        r
        for r in csv.DictReader(
            shared_file("reentry/reentries-2000-11-to-2022-07-13.csv").open(encoding="utf-8")
        )
        if r["Aerospace Reentry Prediction (UTC)"]
    ][:count]

    def when(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    soonest = min(when(r["Aerospace Reentry Prediction (UTC)"]) for r in rows)
    offset = shift_to - soonest if shift_to is not None else timedelta(0)
    predictions = []
    for r in rows:
        predicted = when(r["Aerospace Reentry Prediction (UTC)"]) + offset
        spread = timedelta(hours=float(r["Aerospace Stated Uncertainty 20% Rule (+/- hrs)"]))
        predictions.append(
            ReentryPrediction(
                norad_id=int(r["SSN"]),
                designator=r["International Designator"].strip(),
                name=r["Object Name"].strip(),
                epoch=when(r["TLE Epoch (UTC)"]) + offset,
                predicted=predicted,
                p05=predicted - spread,
                p95=predicted + spread,
                method="Aerospace CORDS final prediction",
            )
        )
    return predictions


def soonest_first(predictions: list[ReentryPrediction]) -> list[ReentryPrediction]:
    return sorted(predictions, key=lambda p: (p.predicted, p.norad_id))


def y_labels(svg: str) -> list[str]:
    """The object labels down the chart's y axis (the only right-aligned text)."""
    return [
        html.unescape(s) for s in re.findall(r'<text text-anchor="end"[^>]*>([^<]*)</text>', svg)
    ]


def chart_table(page: str, title: str) -> list[list[str]]:
    """The cells of the data table that goes with the chart named ``title``."""
    found = re.search(
        rf"<summary>Data table: {re.escape(title)}</summary>(.*?)</details>", page, re.S
    )
    assert found, f"no data table for {title}"
    return [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", found.group(1))
        if "<td>" in row
    ]


async def test_timeline_chart_orders_limits_and_localises() -> None:
    predictions = cords(45)  # newest first in the file: the chart must reorder them
    expected = soonest_first(predictions)
    assert [p.norad_id for p in predictions] != [p.norad_id for p in expected]
    as_of = max(p.epoch for p in predictions)
    fr = Localizer("fr")
    figure = await charts.reentry_timeline(
        reentry_view.timeline_frame(predictions), ui=fr, data_as_of=as_of
    )
    shown = expected[: charts.TIMELINE_LIMIT]
    assert [r[0] for r in figure.rows] == [p.designator for p in shown]
    assert figure.rows[0] == (
        shown[0].designator,
        shown[0].name,
        fr.datetime(shown[0].predicted),
        fr.datetime(shown[0].p05),
        fr.datetime(shown[0].p95),
    )
    assert figure.columns[2] == fr.gettext("Predicted re-entry")
    assert y_labels(figure.svg) == [f"{p.designator} {p.name}" for p in shown]
    assert "30" in figure.note and "45" in figure.note

    few = await charts.reentry_timeline(
        reentry_view.timeline_frame(predictions[:4]), ui=Localizer("en"), limit=3
    )
    assert [r[0] for r in few.rows] == [p.designator for p in soonest_first(predictions[:4])[:3]]
    assert few.note.startswith("Only the 3 soonest of 4")
    whole = await charts.reentry_timeline(
        reentry_view.timeline_frame(predictions[:4]), ui=Localizer("en")
    )
    assert len(whole.rows) == 4 and whole.note == ""


async def test_analyses_and_home_draw_the_stored_upcoming_reentries(
    client: Client, db: Database
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    predictions = cords(40, shift_to=start)
    async with db.writer() as session:
        await store_run(
            session,
            predictions,
            horizon_days=365,
            objects=len(predictions),
            data_as_of=max(p.epoch for p in predictions),
            source="test: Aerospace CORDS, moved forward",
        )
    for _ in range(40):  # the app sees the commit through its change watch
        page = await client.get("/analyses")
        if TIMELINE in page.text:
            break
        await asyncio.sleep(0.05)
    expected = [p.designator for p in soonest_first(predictions)]
    section = page.text[page.text.index('id="h-reentries"') :]
    assert f'<div class="chart-svg" role="img" aria-label="{TIMELINE}"><svg' in section
    assert section.index(TIMELINE) < section.index("<caption>Upcoming re-entries</caption>")
    assert [row[0] for row in chart_table(section, TIMELINE)] == expected[: charts.TIMELINE_LIMIT]
    assert "Only the 30 soonest of 40 upcoming re-entries are drawn" in section
    # The table under the chart still lists every upcoming re-entry, in the same order.
    listed = re.findall(r'<td><a href="/objects/[^"]+">([^<]+)</a>', section)
    assert listed == expected

    home = (await client.get("/")).text
    assert [row[0] for row in chart_table(home, TIMELINE)] == expected[:8]
    assert "soonest of" not in home


@pytest.mark.parametrize("path", ["/analyses", "/"])
async def test_without_a_run_there_is_no_timeline(client: Client, path: str) -> None:
    page = (await client.get(path)).text
    assert "No re-entry prediction run yet" in page
    assert TIMELINE not in page


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
    # Nothing of the 2022 run is upcoming any more: the page says so and draws no empty chart.
    assert "No re-entry is predicted in the coming months." in page.text
    assert TIMELINE not in page.text
    exported = await client.get("/analyses", params={"format": "csv", "table": "reentries"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    cutoff = datetime.now(UTC) - timedelta(days=reentry_view.RECENT_DAYS)
    assert all(datetime.fromisoformat(r["predicted"]) >= cutoff for r in rows)
    assert (await client.get("/")).status_code == 200
