"""Webhooks end to end against a local receiver: registration, signed events from the workflow,
retries with backoff, the delivery log, and who may see what."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from registry.db import Database
from registry.jobs.models import Job
from registry.jobs.worker import run_one
from registry.types import utcnow
from registry.webhooks.delivery import MAX_ATTEMPTS
from registry.webhooks.models import WebhookDelivery
from tests.api.conftest import Headers, sat
from tests.api.test_workflow import act, create, publish_flow
from tests.security.conftest import Client
from tests.security.receiver import Receiver, receiver
from web.app import create_app
from web.jobs import HANDLERS


@pytest.fixture
def hooks() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


@pytest.fixture
async def app_client(db: Database) -> AsyncIterator[Client]:
    settings = db.settings.model_copy(update={"webhook_allow_private_targets": True})
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def _worker_db(db: Database) -> Database:
    return Database(db.settings.model_copy(update={"webhook_allow_private_targets": True}))


async def run_jobs(db: Database) -> int:
    worker_db = await _worker_db(db)
    ran = 0
    try:
        while await run_one(worker_db, HANDLERS, "test-worker") is not None:
            ran += 1
    finally:
        await worker_db.dispose()
    return ran


def signed_by(secret: str, request: Any) -> bool:
    """Check the signature the way a receiver would, with nothing from spacereg."""
    fields = dict(p.split("=", 1) for p in request.headers["x-spacereg-signature"].split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) < 60


async def register(client: Client, headers: Headers, url: str, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/webhooks", headers=headers, json={"url": url, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def test_returned_and_published_events_arrive_signed(
    app_client: Client, db: Database, hooks: Receiver, fra: Headers, reviewer: Headers
) -> None:
    endpoint = await register(app_client, fra, hooks.url)
    assert endpoint["secret"].startswith("whsec_")
    assert set(endpoint["events"]) == {
        "submission.returned",
        "submission.published",
        "registration.amended",
    }

    sub = await create(app_client, fra, sat("2025-001A"))
    sub = await act(app_client, fra, sub, "submit")
    sub = await act(app_client, reviewer, sub, "claim")
    sub = await act(app_client, reviewer, sub, "return", {"note": "perigee above apogee?"})
    assert await run_jobs(db) == 1
    [returned] = hooks.requests
    assert signed_by(endpoint["secret"], returned)
    assert returned.headers["x-spacereg-event"] == "submission.returned"
    payload = json.loads(returned.body)
    assert payload["data"]["submission_id"] == sub["id"]
    assert payload["data"]["reviewer_note"] == "perigee above apogee?"
    assert payload["state"] == "FRA"

    sub = await act(app_client, fra, sub, "submit")
    sub = await act(app_client, reviewer, sub, "claim")
    sub = await act(app_client, reviewer, sub, "accept")
    sub = await act(app_client, reviewer, sub, "publish")
    await run_jobs(db)
    published = hooks.requests[1]
    assert signed_by(endpoint["secret"], published)
    assert json.loads(published.body)["data"]["document"] == sub["document"] == "ST/SG/SER.E/1"

    # A wrong secret does not verify: the signature really depends on the key.
    assert not signed_by("whsec_wrong", published)

    log = (
        await app_client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=fra)
    ).json()
    assert [d["event"] for d in log["items"]] == ["submission.published", "submission.returned"]
    assert {d["status"] for d in log["items"]} == {"delivered"}
    assert all(d["last_status_code"] == 204 for d in log["items"])


async def test_amendment_publication_sends_registration_amended(
    app_client: Client, db: Database, hooks: Receiver, fra: Headers, reviewer: Headers
) -> None:
    await publish_flow(app_client, fra, reviewer, sat("2025-001A"))
    endpoint = await register(app_client, fra, hooks.url, events=["registration.amended"])
    amendment = await app_client.post(
        "/api/v1/amendments",
        headers=fra,
        json={
            "international_designator": "2025-001A",
            "amendment_type": "change_of_status",
            "changes": {"status": "decayed", "status_date": "2025-06-01T00:00:00Z"},
        },
    )
    assert amendment.status_code == 201, amendment.text
    sub = amendment.json()
    sub = await act(app_client, fra, sub, "submit")
    sub = await act(app_client, reviewer, sub, "claim")
    sub = await act(app_client, reviewer, sub, "accept")
    sub = await act(app_client, reviewer, sub, "publish")
    await run_jobs(db)
    [event] = hooks.requests
    assert event.headers["x-spacereg-event"] == "registration.amended"
    assert json.loads(event.body)["data"]["document"] == sub["document"]
    assert signed_by(endpoint["secret"], event)


async def test_failed_delivery_is_retried_with_backoff_then_delivered(
    app_client: Client, db: Database, hooks: Receiver, fra: Headers
) -> None:
    endpoint = await register(app_client, fra, hooks.url)
    hooks.statuses = [500, 503]
    ping = await app_client.post(f"/api/v1/webhooks/{endpoint['id']}/ping", headers=fra)
    assert ping.status_code == 202
    started = utcnow()
    assert await run_jobs(db) == 1
    async with db.reader() as session:
        delivery = await session.get(WebhookDelivery, ping.json()["id"])
        retry = await session.scalar(
            sa.select(Job).where(Job.kind == "webhook-delivery", Job.state == "queued")
        )
    assert delivery is not None and delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert retry is not None and retry.run_after is not None
    # The first retry waits 30 s: the worker leaves it alone until then.
    assert timedelta(seconds=29) < retry.run_after - started < timedelta(seconds=35)
    assert await run_jobs(db) == 0

    for expected_attempts in (2, 3):
        async with db.writer() as session:
            await session.execute(
                sa.update(Job).where(Job.state == "queued").values(run_after=utcnow())
            )
        assert await run_jobs(db) == 1
        async with db.reader() as session:
            delivery = await session.get(WebhookDelivery, ping.json()["id"])
        assert delivery is not None and delivery.attempts == expected_attempts
    assert delivery.status == "delivered" and delivery.last_status_code == 204
    assert len(hooks.requests) == 3
    # Every attempt carries the same body, signed afresh.
    assert len({r.body for r in hooks.requests}) == 1
    assert all(signed_by(endpoint["secret"], r) for r in hooks.requests)


async def test_delivery_is_given_up_after_the_last_attempt(
    app_client: Client, db: Database, hooks: Receiver, fra: Headers
) -> None:
    endpoint = await register(app_client, fra, hooks.url)
    hooks.statuses = [500] * MAX_ATTEMPTS
    ping = (await app_client.post(f"/api/v1/webhooks/{endpoint['id']}/ping", headers=fra)).json()
    for _ in range(MAX_ATTEMPTS):
        async with db.writer() as session:
            await session.execute(
                sa.update(Job).where(Job.state == "queued").values(run_after=utcnow())
            )
        await run_jobs(db)
    log = (
        await app_client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=fra)
    ).json()
    [entry] = log["items"]
    assert entry["id"] == ping["id"]
    assert entry["status"] == "failed" and entry["attempts"] == MAX_ATTEMPTS
    assert entry["next_attempt_at"] is None


async def test_endpoints_are_private_to_their_state_and_the_secret_is_shown_once(
    app_client: Client, hooks: Receiver, fra: Headers, deu: Headers, reviewer: Headers
) -> None:
    endpoint = await register(app_client, fra, hooks.url)
    again = (await app_client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=fra)).json()
    assert "secret" not in again and again["url"] == hooks.url
    assert (
        await app_client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=deu)
    ).status_code == 404
    assert (await app_client.get("/api/v1/webhooks", headers=deu)).json() == []
    assert len((await app_client.get("/api/v1/webhooks", headers=reviewer)).json()) == 1
    # The secretariat sees endpoints but neither registers nor removes them.
    assert (
        await app_client.post("/api/v1/webhooks", headers=reviewer, json={"url": hooks.url})
    ).status_code == 403
    assert (
        await app_client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=reviewer)
    ).status_code == 403
    assert (
        await app_client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=deu)
    ).status_code == 404
    assert (
        await app_client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=fra)
    ).status_code == 204
    gone = (await app_client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=fra)).json()
    assert gone["active"] is False


async def test_private_targets_and_bad_urls_are_refused_by_default(
    client: Client, fra: Headers
) -> None:
    for url, code in [
        ("http://127.0.0.1:8080/hook", "url.private"),
        ("http://10.0.0.5/hook", "url.private"),
        ("ftp://example.org/hook", "url.invalid"),
        ("https://user:pw@example.org/hook", "url.credentials"),
    ]:
        response = await client.post("/api/v1/webhooks", headers=fra, json={"url": url})
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["code"] == code
    unknown_event = await client.post(
        "/api/v1/webhooks",
        headers=fra,
        json={"url": "https://example.org/hook", "events": ["object.deleted"]},
    )
    assert unknown_event.status_code == 422
