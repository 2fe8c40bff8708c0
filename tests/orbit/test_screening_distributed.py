"""The same screen on a Dask LocalCluster gives identical events; --store keeps them per object."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from orbit.read import read_elements
from orbit.screening import InlineRunner, ScreeningConfig, screen
from tests.conftest import shared_file
from tests.orbit.test_screening import CATALOG, START

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")


@pytest.mark.slow
def test_local_cluster_gives_identical_events() -> None:
    from orbit.screening.dask_runner import DaskRunner

    subset = read_elements(shared_file(CATALOG)).elements[::8]
    config = ScreeningConfig(5.0, piece_s=1800.0)
    here = screen(subset, config, start=START, hours=2.0, runner=InlineRunner())
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        runner = DaskRunner(cluster)
        try:
            there = screen(subset, config, start=START, hours=2.0, runner=runner)
        finally:
            runner.close()
    assert here.records() == there.records()
    assert len(here.records()) > 5


def test_store_keeps_the_run_and_its_events(
    tmp_path: Path, small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry import migrate
    from registry.db import Database
    from registry.jobs import screenings
    from registry.jobs.models import ConjunctionEvent
    from registry.settings import Settings, get_settings
    from web.cli.screen import command

    url = f"sqlite:///{tmp_path / 'register.db'}"
    migrate.upgrade(Settings(database_url=url))
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        outcome = CliRunner().invoke(
            command,
            [str(small_file), "--hours", "2", "--threshold-km", "5", "--store", "--workers", "1"],
        )
    finally:
        get_settings.cache_clear()
    assert outcome.exit_code == 0, outcome.stderr
    printed = [json.loads(line) for line in outcome.stdout.splitlines()]

    async def stored() -> tuple[int, list[ConjunctionEvent], int]:
        db = Database(Settings(database_url=url))
        try:
            async with db.reader() as session:
                run = await screenings.latest_run(session)
                assert run is not None and run.id is not None
                events = await screenings.events_of(session, run.id)
                total = await session.scalar(
                    sa.select(sa.func.count()).select_from(ConjunctionEvent)
                )
                return run.events, events, total or 0
        finally:
            await db.dispose()

    count, events, total = asyncio.run(stored())
    assert count == total == len(printed) > 0
    assert sorted((e.norad_a, e.norad_b, round(e.miss_km, 6)) for e in events) == sorted(
        (r["norad_a"], r["norad_b"], round(r["miss_km"], 6)) for r in printed
    )
