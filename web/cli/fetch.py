"""spacereg fetch: download from CelesTrak and store in the register."""

from __future__ import annotations

import click

from orbit.clients.errors import ClientError
from registry.db import Database
from registry.elementsets import fetch
from registry.settings import get_settings
from web.cli import fail
from web.cli.common import run, with_database


@click.group("fetch")
def command() -> None:
    """Fetch public orbital data and store it."""


def _notify(message: str) -> None:
    click.echo(message, err=True)


@command.command("celestrak")
@click.option("--group", default="active", show_default=True, help="CelesTrak GP group")
def celestrak(group: str) -> None:
    """Fetch a CelesTrak GP group and store its element sets, matched to register objects."""

    @with_database
    async def work(db: Database) -> fetch.FetchSummary:
        return await fetch.fetch_group(db, get_settings().cache_dir, group, notify=_notify)

    try:
        click.echo(run(work()).describe())
    except (ClientError, ValueError) as exc:
        fail(str(exc))


@command.command("satcat")
def satcat() -> None:
    """Fetch CelesTrak's SATCAT (object types, owners, decay dates) and store it."""

    @with_database
    async def work(db: Database) -> fetch.FetchSummary:
        return await fetch.fetch_satcat(db, get_settings().cache_dir, notify=_notify)

    try:
        click.echo(run(work()).describe())
    except (ClientError, ValueError) as exc:
        fail(str(exc))
