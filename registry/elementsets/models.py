"""Element sets kept per object over time, and the catalog's own view of each object (SATCAT)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.types import UTCDateTime, utcnow


class ElementSetRow(SQLModel, table=True):
    """One SGP4 mean element set as received (TLE or OMM), matched to a register object."""

    __tablename__ = "element_sets"
    __table_args__ = (
        sa.UniqueConstraint("norad_id", "epoch", name="norad_epoch"),
        sa.Index("ix_element_sets_object_epoch", "object_id", "epoch"),
    )

    id: int | None = Field(default=None, primary_key=True)
    norad_id: int = Field(sa_type=sa.BigInteger, index=True)
    designator: str | None = Field(default=None, max_length=40, index=True)
    object_id: int | None = Field(default=None, foreign_key="space_objects.id")
    name: str | None = Field(default=None, max_length=200)
    epoch: datetime = Field(sa_type=UTCDateTime)
    mean_motion: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    arg_perigee_deg: float
    mean_anomaly_deg: float
    bstar: float
    mean_motion_dot: float = 0.0
    mean_motion_ddot: float = 0.0
    classification: str = Field(default="U", max_length=1)
    element_set_no: int = 0
    rev_at_epoch: int = 0
    ephemeris_type: int = 0
    #: Where it came from ("celestrak:GROUP=active", a file name) and when it was received.
    source: str = Field(max_length=300)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SatcatEntry(SQLModel, table=True):
    """CelesTrak SATCAT's record of an object: type, owner, decay date (latest fetch wins)."""

    __tablename__ = "satcat"

    norad_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    designator: str | None = Field(default=None, max_length=40, index=True)
    name: str | None = Field(default=None, max_length=200)
    object_type: str | None = Field(default=None, max_length=10)
    ops_status: str | None = Field(default=None, max_length=4)
    owner: str | None = Field(default=None, max_length=20, index=True)
    launch_date: date | None = None
    launch_site: str | None = Field(default=None, max_length=20)
    decay_date: date | None = None
    period_min: float | None = None
    inclination_deg: float | None = None
    apogee_km: float | None = None
    perigee_km: float | None = None
    rcs_m2: float | None = None
    source: str = Field(max_length=300)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
