"""spacereg db: schema migrations."""

from __future__ import annotations

import click

from registry import migrate
from registry.settings import get_settings
from web.cli import fail


@click.group("db")
def command() -> None:
    """Create or migrate the database schema."""


@command.command("upgrade")
def upgrade() -> None:
    """Create or migrate the schema to the newest revision and seed the States table."""
    settings = get_settings()
    try:
        migrate.upgrade(settings)
    except Exception as exc:  # alembic and the drivers raise many kinds; the reason is what matters
        fail(f"upgrade failed: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}")
    click.echo("schema is at the newest revision; States table seeded")
