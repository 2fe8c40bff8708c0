"""The input frames every criterion reads, their schemas, and the demo file as such frames.

Scoring is frames in, frames out: :class:`RegisterFrames` holds the register (objects and their
registrations), the observed orbits (element sets), the stored lifetimes, the catalog's view
(SATCAT), status notifications and catalog events, each with the time its data is as of. The
database loader (:mod:`compliance.inputs`) and :func:`frames_from_demo_records` (the shipped demo
file, used by the tests for GCAT's exact figures) produce the same schemas.

>>> frames = RegisterFrames.empty(as_of=datetime(2026, 7, 10, tzinfo=UTC))
>>> frames.objects.collect().columns[:4]
['object_id', 'designator', 'norad_id', 'name']
>>> frames.registrations.collect().height
0
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from registry.demo.register import DemoRecord

UTC_TIME = pl.Datetime("us", "UTC")

OBJECTS_SCHEMA: Mapping[str, pl.DataType] = {
    "object_id": pl.Int64(),
    "designator": pl.String(),
    "norad_id": pl.Int64(),
    "name": pl.String(),
    "launch_date": UTC_TIME,
    "launch_site": pl.String(),
    "status": pl.String(),
    "status_date": UTC_TIME,
    "registered": pl.Boolean(),
    "attributed_state": pl.String(),
    "function": pl.String(),
    "origin": pl.String(),
    "not_in_source": pl.List(pl.String()),
}
REGISTRATIONS_SCHEMA: Mapping[str, pl.DataType] = {
    "object_id": pl.Int64(),
    "state_code": pl.String(),
    "document": pl.String(),
    "registered_at": UTC_TIME,
    "launching_states_n": pl.Int64(),
    "national_registration_number": pl.String(),
    "nodal_period_min": pl.Float64(),
    "inclination_deg": pl.Float64(),
    "apogee_km": pl.Float64(),
    "perigee_km": pl.Float64(),
    "orbit_epoch": UTC_TIME,
    "function": pl.String(),
    "function_detail": pl.String(),
    "gso_longitude_deg": pl.Float64(),
    "owner_operator": pl.String(),
    "web_link": pl.String(),
}
ELEMENTS_SCHEMA: Mapping[str, pl.DataType] = {
    "object_id": pl.Int64(),
    "norad_id": pl.Int64(),
    "epoch": UTC_TIME,
    "mean_motion": pl.Float64(),
    "eccentricity": pl.Float64(),
    "inclination_deg": pl.Float64(),
    "source": pl.String(),
}
LIFETIMES_SCHEMA: Mapping[str, pl.DataType] = {
    "object_id": pl.Int64(),
    "norad_id": pl.Int64(),
    "epoch": UTC_TIME,  # element-set epoch the lifetime starts from
    "status": pl.String(),  # estimated | beyond | no_prediction
    "p05": pl.Float64(),
    "p25": pl.Float64(),
    "p50": pl.Float64(),
    "p75": pl.Float64(),
    "p95": pl.Float64(),
    "method": pl.String(),
    "computed_at": UTC_TIME,
}
SATCAT_SCHEMA: Mapping[str, pl.DataType] = {
    "norad_id": pl.Int64(),
    "designator": pl.String(),
    "object_type": pl.String(),
    "ops_status": pl.String(),
    "owner": pl.String(),
    "launch_date": pl.Date(),
    "decay_date": pl.Date(),
    "perigee_km": pl.Float64(),
    "apogee_km": pl.Float64(),
    "inclination_deg": pl.Float64(),
}
#: Status changes a State notified (object versions made by a submission).
NOTICES_SCHEMA: Mapping[str, pl.DataType] = {
    "object_id": pl.Int64(),
    "status": pl.String(),
    "notified_at": UTC_TIME,
}
#: Catalog events about an object: "fragmentation", "intentional_destruction", "released_debris",
#: "controlled_reentry". No source in the register yet; the frame keeps the criteria honest.
EVENTS_SCHEMA: Mapping[str, pl.DataType] = {
    "object_id": pl.Int64(),
    "kind": pl.String(),
    "event_date": UTC_TIME,
    "source": pl.String(),
}
HBR_SCHEMA: Mapping[str, pl.DataType] = {
    "norad_id": pl.Int64(),
    "hbr_m": pl.Float64(),
    "hbr_source": pl.String(),
}


def empty(schema: Mapping[str, pl.DataType]) -> pl.LazyFrame:
    return pl.LazyFrame(schema=dict(schema))


def conform(frame: pl.DataFrame | pl.LazyFrame, schema: Mapping[str, pl.DataType]) -> pl.LazyFrame:
    """The frame with exactly the schema's columns, cast to its types (missing ones null)."""
    lazy = frame.lazy()
    present = set(lazy.collect_schema().names())
    return lazy.select(
        [
            (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )


@dataclass(frozen=True)
class RegisterFrames:
    """Everything scoring reads, with the time each part of the data is as of."""

    as_of: datetime
    objects: pl.LazyFrame
    registrations: pl.LazyFrame
    elements: pl.LazyFrame = field(default_factory=lambda: empty(ELEMENTS_SCHEMA))
    lifetimes: pl.LazyFrame = field(default_factory=lambda: empty(LIFETIMES_SCHEMA))
    satcat: pl.LazyFrame = field(default_factory=lambda: empty(SATCAT_SCHEMA))
    notices: pl.LazyFrame = field(default_factory=lambda: empty(NOTICES_SCHEMA))
    events: pl.LazyFrame = field(default_factory=lambda: empty(EVENTS_SCHEMA))
    hbr: pl.LazyFrame = field(default_factory=lambda: empty(HBR_SCHEMA))
    #: part -> newest time its data is as of (None: no data of that kind).
    data_as_of: Mapping[str, datetime | None] = field(default_factory=dict)

    @classmethod
    def empty(cls, as_of: datetime) -> RegisterFrames:
        return cls(
            as_of=as_of, objects=empty(OBJECTS_SCHEMA), registrations=empty(REGISTRATIONS_SCHEMA)
        )

    def with_parts(self, **parts: pl.LazyFrame) -> RegisterFrames:
        fields: dict[str, Any] = dict(parts)
        return replace(self, **fields)


def demo_register_as_of(path: Path | None = None) -> datetime | None:
    """The date GCAT's data in the demo register file is as of (from its header comment).

    >>> demo_register_as_of().date().isoformat()
    '2025-07-30'
    """
    from registry.demo.register import DEMO_REGISTER

    try:
        with gzip.open(path or DEMO_REGISTER, "rt", encoding="utf-8") as fh:
            head = [fh.readline() for _ in range(3)]
    except OSError:
        return None
    found = re.search(r"gcat-psatcat-(\d{4}-\d{2}-\d{2})", "".join(head))
    return datetime.fromisoformat(found.group(1)).replace(tzinfo=UTC) if found else None


def frames_from_demo_records(
    records: Sequence[DemoRecord], *, as_of: datetime | None = None
) -> RegisterFrames:
    """The demo register file as frames, in the shape the database loader gives.

    Object ids are the records' positions (1-based), as the loader assigns them; the State of an
    unregistered object is GCAT's (bracketed or not), as ``SpaceObject.attributed_state`` holds it.
    """
    objects = pl.DataFrame(
        {
            "object_id": range(1, len(records) + 1),
            "designator": [r.international_designator for r in records],
            "norad_id": [r.norad_id for r in records],
            "name": [r.name for r in records],
            "launch_date": [r.launch_date for r in records],
            "status": [r.status or "in_orbit" for r in records],
            "status_date": [r.status_date for r in records],
            "registered": [r.registered for r in records],
            "attributed_state": [r.state_code for r in records],
            "function": [r.function for r in records],
            "origin": ["gcat-demo"] * len(records),
            "not_in_source": [list(r.not_in_source) for r in records],
        },
        schema_overrides={"launch_date": UTC_TIME, "status_date": UTC_TIME},
    )
    registered = [
        (i, r)
        for i, r in enumerate(records, start=1)
        if r.registered and r.document_symbol and r.state_code
    ]
    registrations = pl.DataFrame(
        {
            "object_id": [i for i, _ in registered],
            "state_code": [r.state_code for _, r in registered],
            "document": [r.document_symbol for _, r in registered],
            "nodal_period_min": [r.nodal_period_min for _, r in registered],
            "inclination_deg": [r.inclination_deg for _, r in registered],
            "apogee_km": [r.apogee_km for _, r in registered],
            "perigee_km": [r.perigee_km for _, r in registered],
            "function": [r.function for _, r in registered],
            "function_detail": [r.function_detail for _, r in registered],
        },
        schema_overrides={
            "nodal_period_min": pl.Float64,
            "inclination_deg": pl.Float64,
            "apogee_km": pl.Float64,
            "perigee_km": pl.Float64,
        },
    )
    data_date = demo_register_as_of()
    return RegisterFrames(
        as_of=as_of or data_date or datetime.now(UTC),
        objects=conform(objects, OBJECTS_SCHEMA),
        registrations=conform(registrations, REGISTRATIONS_SCHEMA),
        data_as_of={"register": data_date},
    )
