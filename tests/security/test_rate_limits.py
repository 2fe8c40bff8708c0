"""Rate limits per key and per address, counted in the database so that processes agree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from registry.db import Database
from registry.ratelimit import RateBucket, RateLimiter
from tests.api.conftest import Headers, sat
from tests.security.conftest import Client
from web.app import create_app


async def test_key_is_refused_with_429_and_retry_after_past_its_limit(
    limited: Client, fra: Headers
) -> None:
    codes = [(await limited.get("/api/v1/submissions", headers=fra)).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    refused = await limited.get("/api/v1/submissions", headers=fra)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["status"] == 429


async def test_each_key_has_its_own_count(limited: Client, fra: Headers, deu: Headers) -> None:
    for _ in range(5):
        assert (await limited.get("/api/v1/submissions", headers=fra)).status_code == 200
    assert (await limited.get("/api/v1/submissions", headers=fra)).status_code == 429
    ok = await limited.get("/api/v1/submissions", headers=deu)
    assert ok.status_code == 200
    assert ok.headers["ratelimit-limit"] == "5" and ok.headers["ratelimit-remaining"] == "4"


async def test_anonymous_writes_count_per_address_and_public_reads_are_not_counted(
    limited: Client,
) -> None:
    for _ in range(10):
        assert (await limited.get("/api/v1/states")).status_code == 200
    codes = [
        (await limited.post("/api/v1/submissions", json={"objects": [sat()]})).status_code
        for _ in range(4)
    ]
    # Unauthenticated writes are refused (401) until the address's three a minute are used up.
    assert codes == [401, 401, 401, 429]


async def test_two_app_instances_share_one_count(
    db: Database, make_key: Callable[..., Awaitable[Headers]]
) -> None:
    """Two apps, each with its own connection pool, stand in for two worker processes."""
    key = await make_key("state", "FRA")
    settings = db.settings.model_copy(update={"rate_limit_key_per_minute": 6})
    async with (
        AsyncTestClient(app=create_app(settings)) as a,
        AsyncTestClient(app=create_app(settings)) as b,
    ):
        codes = []
        for i in range(8):
            client: Any = a if i % 2 == 0 else b
            codes.append((await client.get("/api/v1/submissions", headers=key)).status_code)
    assert codes == [200] * 6 + [429] * 2


async def test_counter_windows_reset_and_old_windows_are_pruned(db: Database) -> None:
    limiter = RateLimiter(db, window_s=60)
    t0 = 1_800_000_000.0  # a window start (divisible by 60)
    verdicts = [await limiter.hit("key:1", 2, now=t0 + i) for i in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert verdicts[2].reset_s == 58
    # The next minute starts from zero; the minute before last is deleted on its first hit.
    later = await limiter.hit("key:1", 2, now=t0 + 125)
    assert later.allowed and later.hits == 1
    async with db.reader() as session:
        windows = (await session.execute(sa.select(RateBucket.window_start))).scalars().all()
    assert sorted(windows) == [int(t0) + 120]


async def test_health_probes_are_never_counted(limited: Client) -> None:
    codes = {(await limited.get("/health")).status_code for _ in range(8)}
    assert codes == {200}
