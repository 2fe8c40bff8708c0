"""An app on a fresh database per test, and API keys for each role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM
from registry.db import Database
from web.app import create_app

Headers = dict[str, str]


@pytest.fixture
async def client(db: Database) -> AsyncIterator[AsyncTestClient[Any]]:
    # The app opens its own pool on its own event loop; tests use `db` on theirs.
    async with AsyncTestClient(app=create_app(db.settings)) as test_client:
        yield test_client


@pytest.fixture
def make_key(db: Database) -> Callable[..., Awaitable[Headers]]:
    async def make(role: str, state: str | None = None, name: str | None = None) -> Headers:
        async with db.writer() as session:
            new = await accounts.create_key(
                session, SYSTEM, name=name or f"{role}-{state}", role=role, state_code=state
            )
        return {"Authorization": f"Bearer {new.secret}"}

    return make


@pytest.fixture
async def fra(make_key: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_key("state", "FRA")


@pytest.fixture
async def deu(make_key: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_key("state", "DEU")


@pytest.fixture
async def reviewer(make_key: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_key("secretariat", name="reviewer-1")


@pytest.fixture
async def reviewer2(make_key: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_key("secretariat", name="reviewer-2")


@pytest.fixture
async def admin(make_key: Callable[..., Awaitable[Headers]]) -> Headers:
    return await make_key("admin", name="admin")


def sat(designator: str = "2025-001A", **overrides: Any) -> dict[str, Any]:
    """A complete, valid object (a real 2025 Sun-synchronous Earth-observation orbit shape)."""
    record: dict[str, Any] = {
        "international_designator": designator,
        "name": f"TESTSAT {designator}",
        "launching_states": [{"state": "FRA", "role": "launched"}],
        "launch_date": "2025-01-14T19:09:00Z",
        "launch_site": "Guiana Space Centre",
        "launch_territory": "FRA",
        "launch_vehicle": "Vega-C",
        "nodal_period_min": 94.6,
        "inclination_deg": 97.4,
        "apogee_km": 520.0,
        "perigee_km": 505.0,
        "function": "Earth observation",
        "function_detail": "optical imaging",
        "owner_operator": "CNES",
        "web_link": "https://example.org/testsat",
    }
    record.update(overrides)
    return record
