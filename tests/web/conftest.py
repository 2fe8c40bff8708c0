"""Page tests: an app over a small seeded register, and signing in through the login form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.db import Database
from tests.web.seed import PASSWORD, Seeded, seed
from web.app import create_app

Client = AsyncTestClient[Any]
TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    return await seed(db)


@pytest.fixture
async def client(db: Database, seeded: Seeded) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(db.settings)) as test_client:
        yield test_client


async def csrf_token(client: Client, path: str = "/login") -> str:
    page = await client.get(path)
    found = TOKEN.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    token = await csrf_token(client)
    return await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": token, "next": ""},
        follow_redirects=False,
    )
