"""The migrations build the schema from empty, and the models agree with them (alembic check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import migrate
from registry.settings import Settings
from tests.conftest import PG_URL, _reset_postgres


def test_upgrade_from_empty_then_check_sqlite(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate.upgrade(settings)
    migrate.check(settings)
    migrate.upgrade(settings)  # idempotent: a second upgrade changes nothing


@pytest.mark.skipif(
    not PG_URL, reason="SPACEREG_TEST_DATABASE_URL is not set: PostgreSQL tests skipped"
)
def test_upgrade_from_empty_then_check_postgresql(request: pytest.FixtureRequest) -> None:
    assert PG_URL
    _reset_postgres(PG_URL)
    settings = Settings(database_url=PG_URL)
    migrate.upgrade(settings)
    migrate.check(settings)
