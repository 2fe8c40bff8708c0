"""Delivering one webhook event: sign, POST, record the attempt, and retry later with backoff.

The signature header is ``X-Spacereg-Signature: t=<unix seconds>,v1=<hex>``, where the hex is
HMAC-SHA256, keyed with the endpoint's secret, over ``"<t>." + body``. A receiver recomputes it
and rejects a timestamp more than a few minutes old (a replayed request).

>>> header = signature_header("whsec_k", 1_700_000_000, b'{"event":"ping"}')
>>> header
't=1700000000,v1=dd0c09166c92279ed9c936e81ee03521588646c9d36ad4f539a5067e9edab667'
>>> verify_signature("whsec_k", header, b'{"event":"ping"}', now=1_700_000_100)
True
>>> verify_signature("whsec_k", header, b'{"event":"pong"}', now=1_700_000_100)
False
>>> verify_signature("whsec_k", header, b'{"event":"ping"}', now=1_700_001_000)
False
>>> [backoff_s(n) for n in (1, 2, 3, 9)]
[30, 60, 120, 3600]
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from registry.db import Database
from registry.jobs import service as jobs
from registry.jobs.worker import JobContext, Outcome
from registry.types import utcnow
from registry.webhooks.models import WebhookDelivery, WebhookEndpoint
from registry.webhooks.service import JOB_KIND, is_private_host

log = logging.getLogger("spacereg.webhooks")

#: After this many failed attempts (about 4 hours of retrying) the delivery is given up.
MAX_ATTEMPTS = 8
FIRST_RETRY_S = 30
MAX_RETRY_S = 3600
TIMEOUT_S = 10.0
#: How far a receiver should trust a signature's timestamp.
TOLERANCE_S = 300


def backoff_s(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failure: doubling from 30 s, at most an hour."""
    return int(min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** (attempts - 1)))


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent: compact, keys sorted, so every retry signs the same body."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: int = TOLERANCE_S,
) -> bool:
    """What a receiver does with the header (and what the tests' receiver does)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = signature_header(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


async def _resolves_private(host: str) -> bool:
    """Whether a host name resolves to a loopback or private address (server-side forgery)."""
    if is_private_host(host):
        return True
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError:
        return False  # the POST will fail and be retried; nothing private was reached
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]))
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
            return True
    return False


async def deliver(
    db: Database,
    delivery_id: int,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    allow_private: bool | None = None,
) -> str:
    """Make one attempt at a pending delivery; returns its status afterwards."""
    async with db.reader() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
    if delivery is None or endpoint is None:
        return "missing"
    if delivery.status != "pending":
        return delivery.status
    if not endpoint.active:
        await _record(db, delivery_id, ok=False, code=None, error="endpoint removed", final=True)
        return "failed"
    private_ok = (
        db.settings.webhook_allow_private_targets if allow_private is None else allow_private
    )
    body = body_of(delivery.payload)
    code: int | None = None
    error: str | None = None
    host = urlsplit(endpoint.url).hostname or ""
    if not private_ok and await _resolves_private(host):
        error = f"{host} resolves to a private address; not sent"
    else:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "spacereg-webhooks/1",
            "X-Spacereg-Event": delivery.event,
            "X-Spacereg-Delivery": str(delivery.id),
            "X-Spacereg-Signature": signature_header(endpoint.secret, int(time.time()), body),
        }
        try:
            async with httpx.AsyncClient(
                transport=transport, timeout=TIMEOUT_S, follow_redirects=False
            ) as client:
                response = await client.post(endpoint.url, content=body, headers=headers)
            code = response.status_code
            if not 200 <= code < 300:
                error = f"the endpoint answered {code}"
        except httpx.HTTPError as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:500]
    ok = error is None
    final = ok or delivery.attempts + 1 >= MAX_ATTEMPTS
    status = await _record(db, delivery_id, ok=ok, code=code, error=error, final=final)
    if not ok:
        log.warning("webhook delivery %s to %s failed: %s", delivery_id, endpoint.url, error)
    return status


async def _record(
    db: Database, delivery_id: int, *, ok: bool, code: int | None, error: str | None, final: bool
) -> str:
    now = utcnow()
    async with db.writer() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        delivery.attempts += 1
        delivery.last_status_code = code
        delivery.last_error = error
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                "delivered",
                now,
                None,
            )
        elif final:
            delivery.status, delivery.next_attempt_at = "failed", None
        else:
            retry_at = now + timedelta(seconds=backoff_s(delivery.attempts))
            delivery.next_attempt_at = retry_at
            # The retry is a job of its own, claimed no earlier than retry_at.
            await jobs.enqueue(
                session, JOB_KIND, {"delivery_id": delivery_id}, "webhooks", run_after=retry_at
            )
        return delivery.status


async def delivery_job(ctx: JobContext) -> Outcome:
    """The worker's handler for ``webhook-delivery`` jobs."""
    delivery_id = ctx.params.get("delivery_id")
    if not isinstance(delivery_id, int):
        raise ValueError("a webhook-delivery job needs an integer delivery_id")
    status = await deliver(ctx.db, delivery_id)
    return Outcome({"delivery_id": delivery_id, "status": status})


async def pending_count(db: Database) -> int:
    async with db.reader() as session:
        return (
            await session.scalar(
                sa.select(sa.func.count()).where(WebhookDelivery.status == "pending")
            )
            or 0
        )
