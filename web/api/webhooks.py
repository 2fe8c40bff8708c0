"""Webhook endpoints of a State: register (the secret is shown once), list, remove, ping, and the
delivery log of each."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import Field

from registry.objects.schemas import StrictModel
from registry.webhooks import service
from web.api.common import page_body
from web.auth import require_login
from web.deps import RowId, database, principal_of, strict_body


class WebhookCreate(StrictModel):
    url: str = Field(min_length=8, max_length=2000)
    events: list[str] = Field(default_factory=lambda: list(service.SUBSCRIBABLE), max_length=10)
    description: str | None = Field(default=None, max_length=200)


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]

    @post(
        "/",
        operation_id="create_webhook",
        summary="Register a webhook endpoint for the caller's State; the secret is shown once",
        status_code=201,
    )
    async def create_webhook(
        self, request: Request[Any, Any, Any], data: JSONBody[WebhookCreate]
    ) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        body = await strict_body(request, WebhookCreate)
        db = database(request)
        async with db.writer() as session:
            endpoint = await service.create_endpoint(
                session,
                principal,
                url=body.url,
                events=body.events,
                description=body.description,
                allow_private=db.settings.webhook_allow_private_targets,
            )
            return service.endpoint_view(endpoint, with_secret=True)

    @get("/", operation_id="list_webhooks", summary="Webhook endpoints the caller may see")
    async def list_webhooks(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        principal = require_login(principal_of(request))
        async with database(request).reader() as session:
            return [
                service.endpoint_view(e) for e in await service.list_endpoints(session, principal)
            ]

    @get("/{endpoint_id:int}", operation_id="get_webhook", summary="One webhook endpoint")
    async def get_webhook(
        self, request: Request[Any, Any, Any], endpoint_id: RowId
    ) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        async with database(request).reader() as session:
            return service.endpoint_view(
                await service.get_endpoint(session, principal, endpoint_id)
            )

    @delete(
        "/{endpoint_id:int}",
        operation_id="delete_webhook",
        summary="Remove an endpoint: nothing more is sent to it (its log stays)",
        status_code=204,
    )
    async def delete_webhook(self, request: Request[Any, Any, Any], endpoint_id: RowId) -> None:
        principal = require_login(principal_of(request))
        async with database(request).writer() as session:
            await service.disable_endpoint(session, principal, endpoint_id)

    @post(
        "/{endpoint_id:int}/ping",
        operation_id="ping_webhook",
        summary="Queue a signed test event to the endpoint",
        status_code=202,
    )
    async def ping_webhook(
        self, request: Request[Any, Any, Any], endpoint_id: RowId
    ) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        async with database(request).writer() as session:
            return service.delivery_view(await service.ping(session, principal, endpoint_id))

    @get(
        "/{endpoint_id:int}/deliveries",
        operation_id="list_webhook_deliveries",
        summary="The delivery log of an endpoint, newest first",
    )
    async def list_deliveries(
        self,
        request: Request[Any, Any, Any],
        endpoint_id: RowId,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        async with database(request).reader() as session:
            total, rows = await service.deliveries(
                session, principal, endpoint_id, page=page, page_size=page_size
            )
        return page_body(total, page, page_size, [service.delivery_view(d) for d in rows])
