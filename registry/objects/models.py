"""Space objects (catalogue identity), their registrations, and the immutable versions of both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.objects.schemas import STATUSES
from registry.types import JSONType, UTCDateTime, utcnow


class SpaceObject(SQLModel, table=True):
    __tablename__ = "space_objects"
    __table_args__ = (sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    international_designator: str = Field(max_length=40, unique=True)
    #: Pre-1963 designators ("1957 ALP 2") are kept as given and flagged.
    designator_legacy: bool = False
    norad_id: int | None = Field(default=None, sa_type=sa.BigInteger, index=True)
    name: str | None = Field(default=None, max_length=200)
    launch_date: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    launch_site: str | None = Field(default=None, max_length=200)
    launch_territory: str | None = Field(default=None, max_length=20)
    launch_vehicle: str | None = Field(default=None, max_length=200)
    status: str = Field(default="in_orbit", max_length=30, index=True)
    status_date: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_body: str | None = Field(default=None, max_length=120)
    #: The State a catalog names for an unregistered object (GCAT's bracketed State).
    attributed_state: str | None = Field(
        default=None, foreign_key="states.code", max_length=20, index=True
    )
    #: Denormalised for the register's filters: the registering States and the function.
    registered: bool = Field(default=False, index=True)
    function: str | None = Field(default=None, max_length=500)
    #: Where the catalogue identity came from ("gcat-demo", "spacereg").
    origin: str = Field(default="spacereg", max_length=30)
    #: Fields the origin does not carry at all (shown as "not in source", not as missing).
    not_in_source: list[str] = Field(default_factory=list, sa_type=JSONType)
    #: Current version number: the object's ETag.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Registration(SQLModel, table=True):
    """A State's (or IGO's) published registration of one object, in one document."""

    __tablename__ = "registrations"
    __table_args__ = (sa.UniqueConstraint("object_id", "state_code", name="one_per_state"),)

    id: int | None = Field(default=None, primary_key=True)
    object_id: int = Field(foreign_key="space_objects.id", index=True)
    state_code: str = Field(foreign_key="states.code", max_length=20, index=True)
    document_id: int | None = Field(default=None, foreign_key="documents.id", index=True)
    submission_id: int | None = Field(default=None, foreign_key="submissions.id")
    launching_states: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    national_registration_number: str | None = Field(default=None, max_length=120)
    nodal_period_min: float | None = None
    inclination_deg: float | None = None
    apogee_km: float | None = None
    perigee_km: float | None = None
    orbit_epoch: datetime | None = Field(default=None, sa_type=UTCDateTime)
    function: str | None = Field(default=None, max_length=500)
    function_detail: str | None = Field(default=None, max_length=500)
    gso_longitude_deg: float | None = None
    owner_operator: str | None = Field(default=None, max_length=120)
    web_link: str | None = Field(default=None, max_length=500)
    #: Date the registration was entered in the Register; unknown for historical records.
    registered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Validator findings attached when the record was loaded or published.
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ObjectVersion(SQLModel, table=True):
    """One immutable version of an object's record (the object with its registrations)."""

    __tablename__ = "object_versions"
    __table_args__ = (sa.UniqueConstraint("object_id", "number", name="number"),)

    id: int | None = Field(default=None, primary_key=True)
    object_id: int = Field(foreign_key="space_objects.id", index=True)
    number: int
    #: The whole record as it stood after this version.
    snapshot: dict[str, Any] = Field(sa_type=JSONType)
    #: [{"field", "before", "after"}] against the previous version.
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    reason: str = Field(max_length=40)  # created, registered, amended, status_change, imported
    submission_id: int | None = Field(default=None, foreign_key="submissions.id")
    document_id: int | None = Field(default=None, foreign_key="documents.id")
    actor: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
