"""Apps with security settings turned down far enough to be reached in a test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.db import Database
from registry.settings import Settings
from tests.api.conftest import admin, client, deu, fra, make_key, reviewer, reviewer2  # noqa: F401
from web.app import create_app

Client = AsyncTestClient[Any]


@pytest.fixture
def settings_with(db: Database) -> Callable[..., Settings]:
    """The test database's settings with some fields changed."""

    def make(**changes: Any) -> Settings:
        return db.settings.model_copy(update=changes)

    return make


@pytest.fixture
async def limited(db: Database) -> AsyncIterator[Client]:
    """An app allowing 5 requests a minute per key and 3 per address."""
    settings = db.settings.model_copy(
        update={"rate_limit_key_per_minute": 5, "rate_limit_address_per_minute": 3}
    )
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client
