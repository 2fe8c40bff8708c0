"""/health never touches the database; /ready reports it, 503 when it is down."""

from __future__ import annotations

import socket
from typing import Any

from litestar.testing import AsyncTestClient

from registry.settings import Settings
from web.app import create_app


async def test_health_and_ready(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).status_code == 200


async def test_ready_is_503_when_the_database_is_down() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(database_url=f"postgresql://nobody@127.0.0.1:{port}/none", secret_key="x")
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/health")).status_code == 200
        ready = await client.get("/ready")
        assert ready.status_code == 503 and ready.headers["retry-after"]
        lookup = await client.get("/api/v1/objects/1990-037B")
        assert lookup.status_code == 503 and lookup.headers["content-type"].startswith(
            "application/problem+json"
        )
