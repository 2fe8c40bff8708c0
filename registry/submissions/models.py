"""Submissions (registrations and amendments), their objects, and their attachments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.types import JSONType, UTCDateTime, utcnow

SUBMISSION_STATUSES = (
    "draft",
    "submitted",
    "under_review",
    "accepted",
    "published",
    "returned",
    "withdrawn",
)
SUBMISSION_KINDS = ("registration", "amendment")
AMENDMENT_TYPES = (
    "additional_information",
    "change_of_status",
    "correction",
    "change_of_supervision",
    "transfer",
)


class Submission(SQLModel, table=True):
    __tablename__ = "submissions"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {SUBMISSION_STATUSES!r}", name="status"),
        sa.CheckConstraint(f"kind IN {SUBMISSION_KINDS!r}", name="kind"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="idempotency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="registration", max_length=20)
    amendment_type: str | None = Field(default=None, max_length=30)
    state_code: str = Field(foreign_key="states.code", max_length=20, index=True)
    status: str = Field(default="draft", max_length=20, index=True)
    #: Transmittal: the note verbale's date, when the secretariat received it, when entered.
    note_verbale_date: date | None = None
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    entered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=4000)
    #: The principal that created it ("user:12", "key:3"); a reviewer never reviews its own.
    created_by: str = Field(max_length=60)
    #: Set when the secretariat entered it on the State's behalf (note-verbale channel).
    entered_by_secretariat: bool = False
    claimed_by: str | None = Field(default=None, max_length=60)
    reviewer_note: str | None = Field(default=None, max_length=4000)
    symbol_override: str | None = Field(default=None, max_length=80)
    document_id: int | None = Field(default=None, foreign_key="documents.id")
    idempotency_key: str | None = Field(default=None, max_length=200)
    request_hash: str | None = Field(default=None, max_length=64)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SubmissionItem(SQLModel, table=True):
    """One object of a submission: the object JSON as declared, and what the validator found."""

    __tablename__ = "submission_items"
    __table_args__ = (sa.UniqueConstraint("submission_id", "position", name="position"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", index=True)
    position: int
    international_designator: str = Field(max_length=40, index=True)
    data: dict[str, Any] = Field(sa_type=JSONType)
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    #: Amendments: the registration they change.
    registration_id: int | None = Field(default=None, foreign_key="registrations.id")


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
