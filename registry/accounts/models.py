"""People and machine clients: users with passwords, API keys stored as hashes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.types import UTCDateTime, utcnow

ROLES = ("state", "secretariat", "admin")


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=20)
    state_code: str | None = Field(default=None, foreign_key="states.code", max_length=20)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"
    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    #: The first characters of the key, shown in listings so a key can be recognised.
    prefix: str = Field(max_length=16)
    #: SHA-256 of the whole key: keys are random 256-bit tokens, so a fast hash is safe here.
    key_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=20)
    state_code: str | None = Field(default=None, foreign_key="states.code", max_length=20)
    #: Space-separated scopes (read submit review admin); None: every scope its role allows.
    scopes: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
