"""The States reference table: States, dissolved States, territories and IGOs."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

STATE_KINDS = ("state", "dissolved_state", "territory", "igo")
CONVENTION_STATUSES = ("party", "signatory", "not_party", "unknown")


class State(SQLModel, table=True):
    __tablename__ = "states"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {STATE_KINDS!r}", name="kind"),
        sa.CheckConstraint(
            f"registration_convention IN {CONVENTION_STATUSES!r}", name="convention"
        ),
    )

    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    continuing_state: str | None = Field(default=None, max_length=20)
    successor_states: str = Field(default="", max_length=200)
    registration_convention: str = Field(default="unknown", max_length=20)
    convention_date: date | None = None
    gcat_codes: str = Field(default="", max_length=200)
    source: str | None = Field(default=None, max_length=500)
