"""Webhook endpoints and events: a State registers a URL; workflow changes queue signed deliveries.

Events are queued in the transaction of the change they report (a delivery row plus a job for the
worker), so an event exists if and only if its change was committed.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.principal import Principal
from registry.audit import chain
from registry.errors import Forbidden, NotFound, ValidationFailed, field_error
from registry.jobs import service as jobs
from registry.submissions.models import Submission
from registry.types import utcnow
from registry.webhooks.models import EVENTS, WebhookDelivery, WebhookEndpoint

JOB_KIND = "webhook-delivery"
SECRET_PREFIX = "whsec_"
#: Events a State may subscribe to ("ping" is sent on request only).
SUBSCRIBABLE = tuple(e for e in EVENTS if e != "ping")


def _invalid(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [field_error(field, code, message)])


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or unspecified: a literal address or ``localhost``.

    >>> [is_private_host(h) for h in ("127.0.0.1", "10.2.3.4", "::1", "localhost", "example.org")]
    [True, True, True, True, False]
    """
    if host.lower().rstrip(".") in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_reserved
    )


def check_url(url: str, *, allow_private: bool) -> str:
    """An absolute http(s) URL with a host; private targets only when the installation allows.

    >>> check_url("https://hooks.example.org/spacereg", allow_private=False)
    'https://hooks.example.org/spacereg'
    >>> check_url("http://127.0.0.1:9/x", allow_private=False)
    Traceback (most recent call last):
    ...
    registry.errors.ValidationFailed: webhook URLs may not point at loopback or private addresses
    """
    if len(url) > 2000 or any(ord(c) < 33 for c in url):
        raise _invalid("url", "url.invalid", "a URL of at most 2000 characters, without spaces")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid("url", "url.invalid", "an absolute http or https URL")
    if parts.username or parts.password:
        raise _invalid("url", "url.credentials", "put no credentials in the URL; use the secret")
    if not allow_private and is_private_host(parts.hostname):
        raise _invalid(
            "url",
            "url.private",
            "webhook URLs may not point at loopback or private addresses",
        )
    return url


def check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in SUBSCRIBABLE]
    if unknown or not events:
        raise _invalid("events", "events.invalid", f"events are {', '.join(SUBSCRIBABLE)}")
    return sorted(set(events))


async def create_endpoint(
    session: AsyncSession,
    principal: Principal,
    *,
    url: str,
    events: list[str],
    description: str | None,
    allow_private: bool,
) -> WebhookEndpoint:
    """Register an endpoint for the caller's State; the secret is on the returned row only now."""
    if not principal.is_state or not principal.state_code:
        raise Forbidden("a State's officers register the State's webhook endpoints")
    endpoint = WebhookEndpoint(
        state_code=principal.state_code,
        url=check_url(url, allow_private=allow_private),
        secret=SECRET_PREFIX + secrets.token_urlsafe(32),
        events=" ".join(check_events(events)),
        description=description,
        created_by=principal.ref,
    )
    session.add(endpoint)
    await session.flush()
    await chain.append(
        session,
        actor=principal.ref,
        role=principal.role,
        action="webhook.create",
        entity="webhook_endpoint",
        entity_id=endpoint.id or 0,
        state_code=endpoint.state_code,
        details={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint


def _visible(principal: Principal) -> sa.ColumnElement[bool]:
    if principal.is_state:
        return WebhookEndpoint.state_code == principal.state_code
    if principal.is_secretariat or principal.is_admin:
        return sa.true()
    return sa.false()


async def list_endpoints(session: AsyncSession, principal: Principal) -> list[WebhookEndpoint]:
    rows = await session.execute(
        sa.select(WebhookEndpoint).where(_visible(principal)).order_by(WebhookEndpoint.id)
    )
    return list(rows.scalars())


async def get_endpoint(
    session: AsyncSession, principal: Principal, endpoint_id: int
) -> WebhookEndpoint:
    endpoint = await session.scalar(
        sa.select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, _visible(principal))
    )
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


async def disable_endpoint(
    session: AsyncSession, principal: Principal, endpoint_id: int
) -> WebhookEndpoint:
    endpoint = await get_endpoint(session, principal, endpoint_id)
    if not (principal.is_state and principal.state_code == endpoint.state_code):
        raise Forbidden("only the State that registered an endpoint removes it")
    if endpoint.active:
        endpoint.active = False
        endpoint.disabled_at = utcnow()
        await session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
            .values(status="failed", last_error="endpoint removed")
        )
        await chain.append(
            session,
            actor=principal.ref,
            role=principal.role,
            action="webhook.disable",
            entity="webhook_endpoint",
            entity_id=endpoint.id or 0,
            state_code=endpoint.state_code,
            details={"url": endpoint.url},
        )
    return endpoint


async def deliveries(
    session: AsyncSession, principal: Principal, endpoint_id: int, *, page: int, page_size: int
) -> tuple[int, list[WebhookDelivery]]:
    await get_endpoint(session, principal, endpoint_id)
    where = WebhookDelivery.endpoint_id == endpoint_id
    total = await session.scalar(sa.select(sa.func.count()).where(where)) or 0
    rows = await session.execute(
        sa.select(WebhookDelivery)
        .where(where)
        .order_by(WebhookDelivery.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return total, list(rows.scalars())


async def _queue(
    session: AsyncSession, endpoint: WebhookEndpoint, event: str, data: dict[str, Any]
) -> WebhookDelivery:
    now = utcnow()
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id or 0,
        event=event,
        payload={
            "event": event,
            "occurred_at": _iso(now),
            "state": endpoint.state_code,
            "data": data,
        },
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    await jobs.enqueue(session, JOB_KIND, {"delivery_id": delivery.id}, "webhooks")
    return delivery


async def emit(
    session: AsyncSession, state_code: str, event: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """Queue ``event`` for every active endpoint of the State that subscribed to it."""
    rows = await session.execute(
        sa.select(WebhookEndpoint).where(
            WebhookEndpoint.state_code == state_code, WebhookEndpoint.active.is_(True)
        )
    )
    return [
        await _queue(session, endpoint, event, data)
        for endpoint in rows.scalars()
        if event in endpoint.events.split()
    ]


async def ping(session: AsyncSession, principal: Principal, endpoint_id: int) -> WebhookDelivery:
    endpoint = await get_endpoint(session, principal, endpoint_id)
    if not (principal.is_state and principal.state_code == endpoint.state_code):
        raise Forbidden("only the State that registered an endpoint pings it")
    if not endpoint.active:
        raise NotFound(f"webhook endpoint {endpoint_id} was removed")
    return await _queue(session, endpoint, "ping", {"endpoint_id": endpoint.id})


async def emit_for_submission(
    session: AsyncSession, sub: Submission, action: str, document: str | None
) -> None:
    """The workflow's events: a return, a registration published, an amendment published."""
    data: dict[str, Any] = {
        "submission_id": sub.id,
        "kind": sub.kind,
        "status": sub.status,
        "version": sub.version,
    }
    if action == "return":
        data["reviewer_note"] = sub.reviewer_note
        await emit(session, sub.state_code, "submission.returned", data)
    elif action == "publish":
        data["document"] = document
        if sub.kind == "amendment":
            data["amendment_type"] = sub.amendment_type
            await emit(session, sub.state_code, "registration.amended", data)
        else:
            await emit(session, sub.state_code, "submission.published", data)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def endpoint_view(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": endpoint.id,
        "state": endpoint.state_code,
        "url": endpoint.url,
        "events": endpoint.events.split(),
        "description": endpoint.description,
        "active": endpoint.active,
        "created_by": endpoint.created_by,
        "created_at": _iso(endpoint.created_at),
        "disabled_at": _iso(endpoint.disabled_at),
    }
    if with_secret:
        view["secret"] = endpoint.secret
    return view


def delivery_view(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": _iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": _iso(delivery.created_at),
        "delivered_at": _iso(delivery.delivered_at),
        "payload": delivery.payload,
    }
