"""Cached public reads follow every commit, including commits made by another worker process."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient

from registry.db import Database
from tests.api.conftest import Headers, sat
from tests.api.test_workflow import act, publish_flow
from web.app import create_app


async def test_cached_reads_follow_a_commit_made_by_another_worker(
    client: AsyncTestClient[Any], db: Database, fra: Headers, reviewer: Headers
) -> None:
    await publish_flow(client, fra, reviewer, sat("2025-200A"))
    async with AsyncTestClient(app=create_app(db.settings)) as other_worker:
        first = await other_worker.get("/api/v1/objects/2025-200A")
        assert first.json()["status"] == "in_orbit"
        not_modified = await other_worker.get(
            "/api/v1/objects/2025-200A", headers={"If-None-Match": first.headers["etag"]}
        )
        assert not_modified.status_code == 304
        assert (await other_worker.get("/api/v1/objects", params={"status": "decayed"})).json()[
            "total"
        ] == 0

        body = {
            "international_designator": "2025-200A",
            "amendment_type": "change_of_status",
            "changes": {"status": "decayed"},
        }
        sub = (await client.post("/api/v1/amendments", headers=fra, json=body)).json()
        for who, action in (
            (fra, "submit"),
            (reviewer, "claim"),
            (reviewer, "accept"),
            (reviewer, "publish"),
        ):
            sub = await act(client, who, sub, action)

        for _ in range(60):
            if (await other_worker.get("/api/v1/objects/2025-200A")).json()["status"] == "decayed":
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the other worker kept serving the old record")
        assert (await other_worker.get("/api/v1/objects", params={"status": "decayed"})).json()[
            "total"
        ] == 1
