"""UN documents: each issued symbol, with its addenda and corrigenda as children."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from registry.types import UTCDateTime, utcnow

SERIES = ("ST/SG/SER.E", "A/AC.105/INF")


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    id: int | None = Field(default=None, primary_key=True)
    symbol: str = Field(max_length=80, unique=True)
    #: None for a historical symbol that does not parse (kept as given, flagged).
    series: str | None = Field(default=None, max_length=20)
    number: int | None = Field(default=None, index=True)
    parent_id: int | None = Field(default=None, foreign_key="documents.id", index=True)
    suffix_kind: str | None = Field(default=None, max_length=4)  # "Add" or "Corr"
    suffix_number: int | None = None
    well_formed: bool = True
    state_code: str | None = Field(default=None, foreign_key="states.code", max_length=20)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
