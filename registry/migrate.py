"""Schema migrations (Alembic) and the reference data seeded with them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from registry.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings) -> None:
    """Create or migrate the schema to the newest revision, then sync the States table."""
    # Alembic's env runs its own event loop; keep it off any loop the caller may be in.
    command.upgrade(alembic_config(settings), "head")
    from registry.states.seed import seed_states

    asyncio.run(seed_states(settings))


def check(settings: Settings) -> None:
    """Raise when the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(settings))
