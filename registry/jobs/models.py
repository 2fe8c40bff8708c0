"""Analysis jobs (screening, fetches, re-scoring) and their stored results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.types import JSONType, UTCDateTime, utcnow

JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.CheckConstraint(f"state IN {JOB_STATES!r}", name="state"),
        sa.Index("ix_jobs_state_created", "state", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    state: str = Field(default="queued", max_length=20)
    progress: float = 0.0
    message: str | None = Field(default=None, max_length=500)
    #: The newest input data the job used (element-set epochs, fetch times).
    data_as_of: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    error: str | None = Field(default=None, max_length=4000)
    requested_by: str = Field(default="system", max_length=60)
    worker: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: Not claimed before this time (retries with backoff); None: at once.
    run_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScreeningRun(SQLModel, table=True):
    """A stored conjunction screening: its parameters and when its data was taken."""

    __tablename__ = "screening_runs"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = Field(default=None, foreign_key="jobs.id")
    start: datetime = Field(sa_type=UTCDateTime)
    hours: float
    threshold_km: float
    objects: int
    events: int
    capture_kms: float | None = None
    data_as_of: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class ConjunctionEvent(SQLModel, table=True):
    __tablename__ = "conjunction_events"
    # An object's events (either side) of one kind, and a run's closest of one kind: pages
    # ask both of runs with tens of thousands of events.
    __table_args__ = (
        sa.Index("ix_conjunction_events_run_a_kind", "run_id", "norad_a", "kind"),
        sa.Index("ix_conjunction_events_run_b_kind", "run_id", "norad_b", "kind"),
        sa.Index("ix_conjunction_events_run_kind_miss", "run_id", "kind", "miss_km"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="screening_runs.id")
    kind: str = Field(max_length=10)  # encounter | proximity
    norad_a: int = Field(sa_type=sa.BigInteger)
    norad_b: int = Field(sa_type=sa.BigInteger)
    tca: datetime = Field(sa_type=UTCDateTime)
    start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    miss_km: float
    vrel_kms: float
    radial_km: float
    intrack_km: float
    crosstrack_km: float
    pc: float | None = None
    pc_method: str | None = Field(default=None, max_length=60)


class ReentryRun(SQLModel, table=True):
    """A stored re-entry prediction over the register's current catalog."""

    __tablename__ = "reentry_runs"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int | None = Field(default=None, foreign_key="jobs.id")
    horizon_days: float
    objects: int
    predicted: int
    data_as_of: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class ReentryForecast(SQLModel, table=True):
    """One object predicted to re-enter within a run's horizon: the median and its 5-95% window."""

    __tablename__ = "reentry_forecasts"
    __table_args__ = (sa.Index("ix_reentry_forecasts_run_predicted", "run_id", "predicted"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="reentry_runs.id")
    norad_id: int = Field(sa_type=sa.BigInteger, index=True)
    designator: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)
    epoch: datetime = Field(sa_type=UTCDateTime)
    predicted: datetime = Field(sa_type=UTCDateTime)
    p05: datetime = Field(sa_type=UTCDateTime)
    p95: datetime = Field(sa_type=UTCDateTime)
    method: str = Field(max_length=300)
