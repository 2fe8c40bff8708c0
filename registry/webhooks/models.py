"""Webhook endpoints a State registers, and every delivery made to them (the delivery log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.types import JSONType, UTCDateTime, utcnow

#: What a State can be told about; each is written in the transaction of the change it reports.
EVENTS = ("submission.returned", "submission.published", "registration.amended", "ping")
DELIVERY_STATES = ("pending", "delivered", "failed")


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    state_code: str = Field(foreign_key="states.code", max_length=20, index=True)
    url: str = Field(max_length=2000)
    #: The HMAC key. Kept as given because signing needs it; it is shown to the State once.
    secret: str = Field(max_length=100)
    #: Space-separated event names the endpoint wants.
    events: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=200)
    active: bool = True
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {DELIVERY_STATES!r}", name="status"),
        sa.Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoints.id")
    event: str = Field(max_length=40)
    #: The exact JSON sent (the signature covers these bytes on every attempt).
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
