"""spacereg export / import: the whole register to and from one portable archive."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from registry.backup import Manifest, export_archive, import_archive
from registry.db import Database
from registry.settings import get_settings
from web.cli.common import run

_console = Console(stderr=True)


def _progress(message: str) -> None:
    _console.print(f"[dim]{message}[/dim]", highlight=False)


def _summary(manifest: Manifest) -> str:
    rows = sum(t.rows for t in manifest.tables)
    return (
        f"{rows} rows in {len(manifest.tables)} tables, schema {manifest.schema_revision}, "
        f"audit chain {manifest.audit_entries} entries, audit head {manifest.audit_head}"
    )


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists")
def export_command(path: Path, force: bool) -> None:
    """Write the whole register (every table, the audit chain and its head) to a zip archive.

    Safe while the service runs: the archive is one consistent snapshot.
    """

    async def work() -> Manifest:
        db = Database(get_settings())
        try:
            return await export_archive(db, path, overwrite=force, progress=_progress)
        finally:
            await db.dispose()

    manifest = run(work())
    click.echo(f"exported {path}: {_summary(manifest)}")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Restore an archive made by spacereg export into an empty database.

    Creates the schema if the database has none. Checks every member's SHA-256 first, restores in
    one transaction, and verifies the audit chain up to the archive's head before committing: on
    any failure nothing is written.
    """

    async def work() -> Manifest:
        db = Database(get_settings())
        try:
            return await import_archive(db, path, progress=_progress)
        finally:
            await db.dispose()

    manifest = run(work())
    click.echo(f"imported {path}: {_summary(manifest)}")
