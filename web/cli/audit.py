"""spacereg audit: verify the hash chain, print its head."""

from __future__ import annotations

import sys

import click

from registry.audit import chain
from registry.db import Database
from web.cli.common import run, with_database


@click.group("audit")
def command() -> None:
    """Check the audit chain."""


@command.command("verify")
@click.option(
    "--head",
    "expected_head",
    help="A head hash recorded earlier: detects entries cut from the tail",
)
def verify(expected_head: str | None) -> None:
    """Verify every entry; exit 1 naming the first broken sequence number."""

    @with_database
    async def work(db: Database) -> chain.Verification:
        async with db.reader() as session:
            return await chain.verify(session, expected_head=expected_head)

    result = run(work())
    if result.ok:
        click.echo(f"audit chain verifies: {result.entries} entries, head {result.head}")
        return
    click.echo(f"audit chain broken at entry {result.first_broken}: {result.reason}", err=True)
    sys.exit(1)


@command.command("head")
def head() -> None:
    """Print the current head hash."""

    @with_database
    async def work(db: Database) -> str:
        async with db.reader() as session:
            return await chain.head(session)

    click.echo(run(work()))
