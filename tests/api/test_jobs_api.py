"""Job API: the secretariat queues, everyone follows progress, unknown kinds are refused."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import Headers


async def test_queue_and_follow_a_job(
    client: AsyncTestClient[Any], fra: Headers, reviewer: Headers
) -> None:
    body = {"kind": "fetch-celestrak", "params": {"group": "stations"}}
    assert (await client.post("/api/v1/jobs", json=body)).status_code == 401
    assert (await client.post("/api/v1/jobs", json=body, headers=fra)).status_code == 403
    unknown = await client.post("/api/v1/jobs", json={"kind": "mine-bitcoin"}, headers=reviewer)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kind"
    queued = await client.post("/api/v1/jobs", json=body, headers=reviewer)
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    job = (await client.get(f"/api/v1/jobs/{queued.json()['id']}")).json()
    assert job["kind"] == "fetch-celestrak" and job["params"] == {"group": "stations"}
    assert (await client.get("/api/v1/jobs")).json()["items"][0]["id"] == job["id"]
    assert (await client.get("/api/v1/jobs/999999")).status_code == 404
