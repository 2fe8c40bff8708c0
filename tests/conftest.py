"""Shared fixtures: where the real reference data lives, and how a test skips without it."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

# Tests never reach outside services (the demo would otherwise queue a CelesTrak refresh).
os.environ["SPACEREG_OFFLINE"] = "1"

#: ../shared/data beside the checkout (CI has it there); SPACEREG_SHARED_DATA overrides.
SHARED_DATA = Path(
    os.environ.get("SPACEREG_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def shared_file(relative: str) -> Path:
    """Path to a file under shared/data, or skip the calling test with the reason."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"reference data {relative} not found under {SHARED_DATA}")
    return path


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data folder {SHARED_DATA} not found")
    return SHARED_DATA


# --- databases --------------------------------------------------------------------------------
# Every database test runs on SQLite, and on PostgreSQL too when SPACEREG_TEST_DATABASE_URL names
# an empty database the tests may fill. The schema comes from the migrations, never create_all.

PG_URL = os.environ.get("SPACEREG_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]


def _settings(url: str) -> Any:
    from registry.settings import Settings

    return Settings(database_url=url, secret_key="test-secret")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from registry import migrate

    path = tmp_path_factory.mktemp("template") / "register.db"
    migrate.upgrade(_settings(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    if not PG_URL:
        pytest.skip("SPACEREG_TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    from registry import migrate

    _reset_postgres(PG_URL)
    migrate.upgrade(_settings(PG_URL))
    return PG_URL


def _reset_postgres(url: str) -> None:
    from registry.db import single_use_engine

    async def reset() -> None:
        engine = single_use_engine(_settings(url))
        async with engine.begin() as conn:
            await conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            await conn.execute(sa.text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, seeded database with no objects, users or audit entries."""
    if request.param == "sqlite":
        path = tmp_path / "register.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        yield request.getfixturevalue("postgres_ready")


async def _truncate(database: Any) -> None:
    if database.engine.dialect.name == "postgresql":
        async with database.engine.begin() as conn:
            tables = [
                t
                for t in (
                    await conn.execute(
                        sa.text("SELECT tablename FROM pg_tables WHERE schemaname='public'")
                    )
                ).scalars()
                if t not in ("states", "alembic_version")
            ]
            if tables:
                await conn.execute(
                    sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[object]:
    from registry.db import Database

    database = Database(_settings(database_url))
    await _truncate(database)
    yield database
    await database.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the demo register, loaded once per backend for a whole test module.

    Tests on it only read: the PostgreSQL database is shared and truncated by the next module.
    """
    from registry.db import Database
    from registry.demo.load import ensure_demo

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "register.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_ready")

    async def load() -> None:
        database = Database(_settings(url))
        await _truncate(database)
        await database.dispose()
        await ensure_demo(_settings(url))

    asyncio.run(load())
    return url
