"""Small frames for criterion tests: objects, registrations and element sets in the loader's schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from compliance.evidence import object_evidence
from compliance.frames import (
    ELEMENTS_SCHEMA,
    LIFETIMES_SCHEMA,
    OBJECTS_SCHEMA,
    REGISTRATIONS_SCHEMA,
    RegisterFrames,
    conform,
)
from compliance.methodology import load_methodology

AS_OF = datetime(2026, 7, 10, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def frames(
    objects: list[dict[str, Any]],
    registrations: list[dict[str, Any]] | None = None,
    elements: list[dict[str, Any]] | None = None,
    lifetimes: list[dict[str, Any]] | None = None,
) -> RegisterFrames:
    base = RegisterFrames.empty(AS_OF).with_parts(
        objects=conform(pl.DataFrame(objects, infer_schema_length=None), OBJECTS_SCHEMA)
    )
    parts: dict[str, pl.LazyFrame] = {}
    if registrations:
        parts["registrations"] = conform(
            pl.DataFrame(registrations, infer_schema_length=None), REGISTRATIONS_SCHEMA
        )
    if elements:
        parts["elements"] = conform(
            pl.DataFrame(elements, infer_schema_length=None), ELEMENTS_SCHEMA
        )
    if lifetimes:
        parts["lifetimes"] = conform(
            pl.DataFrame(lifetimes, infer_schema_length=None), LIFETIMES_SCHEMA
        )
    return base.with_parts(**parts)


def evidence(f: RegisterFrames) -> pl.LazyFrame:
    return object_evidence(f, load_methodology())


def obj(object_id: int, **fields: Any) -> dict[str, Any]:
    record = {
        "object_id": object_id,
        "designator": f"2024-{object_id:03d}A",
        "norad_id": 60000 + object_id,
        "launch_date": utc(2024, 1, 1),
        "status": "in_orbit",
        "registered": False,
        "attributed_state": "FRA",
        "origin": "spacereg",
        "not_in_source": [],
    }
    record.update(fields)
    return record


def element(
    object_id: int,
    epoch: datetime,
    mean_motion: float,
    e: float = 0.001,
    inc: float = 97.5,
    source: str = "celestrak:GROUP=active",
) -> dict[str, Any]:
    return {
        "object_id": object_id,
        "norad_id": 60000 + object_id,
        "epoch": epoch,
        "mean_motion": mean_motion,
        "eccentricity": e,
        "inclination_deg": inc,
        "source": source,
    }
