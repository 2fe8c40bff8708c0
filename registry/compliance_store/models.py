"""Tables for compliance: lifetimes computed once, stored scores, questionnaire answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.types import JSONType, UTCDateTime, utcnow

LIFETIME_STATUSES = ("estimated", "beyond", "no_prediction")
SCORE_SUBJECTS = ("state", "object")
ANSWER_VALUES = ("yes", "partial", "no")
ANSWER_STATUSES = ("submitted", "accepted", "returned", "withdrawn")


class ObjectLifetime(SQLModel, table=True):
    """Remaining orbital lifetime of an object from one element set (years; inf = beyond the
    integration limit), so that scoring never recomputes it."""

    __tablename__ = "object_lifetimes"
    __table_args__ = (
        sa.UniqueConstraint("object_id", "element_epoch", name="object_epoch"),
        sa.CheckConstraint(f"status IN {LIFETIME_STATUSES!r}", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    object_id: int = Field(foreign_key="space_objects.id", index=True)
    norad_id: int = Field(sa_type=sa.BigInteger)
    element_epoch: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(max_length=20)
    p05: float | None = None
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    p95: float | None = None
    method: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, max_length=300)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ComplianceScore(SQLModel, table=True):
    """One computed score with everything needed to show it: the methodology version and the
    times its data were as of travel with it."""

    __tablename__ = "compliance_scores"
    __table_args__ = (
        sa.CheckConstraint(f"subject_kind IN {SCORE_SUBJECTS!r}", name="subject_kind"),
        sa.Index("ix_compliance_scores_subject", "subject_kind", "subject", "computed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_kind: str = Field(max_length=10)
    subject: str = Field(max_length=40)
    methodology_version: str = Field(max_length=20)
    data_as_of: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    score: float | None = None
    coverage: float = 0.0
    label: str | None = Field(default=None, max_length=40)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class QuestionnaireAnswer(SQLModel, table=True):
    """A State's answer to one questionnaire item, reviewed by the secretariat before it counts."""

    __tablename__ = "questionnaire_answers"
    __table_args__ = (
        sa.CheckConstraint(f"answer IN {ANSWER_VALUES!r}", name="answer"),
        sa.CheckConstraint(f"status IN {ANSWER_STATUSES!r}", name="status"),
        sa.Index("ix_questionnaire_answers_state_item", "state_code", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    state_code: str = Field(foreign_key="states.code", max_length=20)
    item_id: str = Field(max_length=20)
    questionnaire_version: str = Field(max_length=20)
    answer: str = Field(max_length=10)
    evidence_url: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=4000)
    status: str = Field(default="submitted", max_length=20)
    submitted_by: str = Field(max_length=60)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_by: str | None = Field(default=None, max_length=60)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_note: str | None = Field(default=None, max_length=4000)
