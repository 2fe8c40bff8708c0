"""spacereg worker: run queued analysis jobs."""

from __future__ import annotations

import logging

import click

from registry.db import Database
from registry.jobs.worker import run_one, run_worker
from registry.settings import get_settings
from web.cli.common import run
from web.jobs import HANDLERS


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs there are, then exit")
def command(once: bool) -> None:
    """Run queued jobs (screening, fetches, re-scoring). Several may run on PostgreSQL."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    async def work() -> int:
        db = Database(get_settings())
        done = 0
        try:
            if once:
                while await run_one(db, HANDLERS) is not None:
                    done += 1
            else:
                await run_worker(db, HANDLERS)
        finally:
            await db.dispose()
        return done

    try:
        done = run(work())
    except KeyboardInterrupt:
        return
    if once:
        click.echo(f"ran {done} job(s)")
