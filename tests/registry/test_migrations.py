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


def test_a_database_handle_knows_every_table(tmp_path: Path) -> None:
    """A process that imports only one service must still resolve every foreign key (the demo
    loader once failed on registrations.submission_id when nothing had imported submissions)."""
    import subprocess
    import sys

    probe = (
        "import registry.demo.load; from registry.db import Database; from registry.settings import Settings; "
        "from sqlmodel import SQLModel; Database(Settings(database_url='sqlite:///"
        + str(tmp_path / "x.db")
        + "')); "
        "missing = [fk.target_fullname for t in SQLModel.metadata.tables.values() for fk in t.foreign_keys "
        "if fk.target_fullname.split('.')[0] not in SQLModel.metadata.tables]; "
        "assert not missing, missing"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
