"""Reading everything scoring needs from the database into :class:`RegisterFrames`.

One reader session, one query per table, rows straight into polars: no per-object Python work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from compliance.frames import (
    ELEMENTS_SCHEMA,
    HBR_SCHEMA,
    LIFETIMES_SCHEMA,
    NOTICES_SCHEMA,
    OBJECTS_SCHEMA,
    REGISTRATIONS_SCHEMA,
    SATCAT_SCHEMA,
    RegisterFrames,
    conform,
    demo_register_as_of,
)
from orbit.hbr import load_hbr_table
from registry.compliance_store.models import ObjectLifetime
from registry.documents.models import Document
from registry.elementsets.models import ElementSetRow, SatcatEntry
from registry.jobs.models import ScreeningRun
from registry.objects.models import ObjectVersion, Registration, SpaceObject

# Table columns, typed loosely: SQLModel declares the attributes as Python values.
_SO: Any = SpaceObject.__table__.c  # type: ignore[attr-defined]
_R: Any = Registration.__table__.c  # type: ignore[attr-defined]
_D: Any = Document.__table__.c  # type: ignore[attr-defined]
_ESR: Any = ElementSetRow.__table__.c  # type: ignore[attr-defined]
_OL: Any = ObjectLifetime.__table__.c  # type: ignore[attr-defined]
_SE: Any = SatcatEntry.__table__.c  # type: ignore[attr-defined]
_OV: Any = ObjectVersion.__table__.c  # type: ignore[attr-defined]
_SR: Any = ScreeningRun.__table__.c  # type: ignore[attr-defined]


async def _frame(
    session: AsyncSession, query: Any, schema: Mapping[str, pl.DataType]
) -> pl.LazyFrame:
    result = await session.execute(query)
    names = list(result.keys())
    rows = result.all()
    data = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={n: schema.get(n, pl.Object()) for n in names},
        orient="row",
        strict=False,
    )
    return conform(data, schema)


def hbr_frame(norad_ids: pl.Series) -> pl.LazyFrame:
    """CARA's hard-body radius of each given object (shipped with orbit), as a frame.

    Objects whose only value is CARA's default carry a null radius: a default says nothing
    about the object's size.
    """
    table = load_hbr_table()
    estimates = [table.lookup(int(n)) for n in norad_ids.drop_nulls().unique()]
    return conform(
        pl.DataFrame(
            {
                "norad_id": [e.norad_id for e in estimates],
                "hbr_m": [None if e.source.startswith("Default") else e.hbr_m for e in estimates],
                "hbr_source": [e.source for e in estimates],
            },
            schema_overrides={"norad_id": pl.Int64, "hbr_m": pl.Float64, "hbr_source": pl.String},
        ),
        HBR_SCHEMA,
    )


async def data_stamps(session: AsyncSession) -> tuple[Any, ...]:
    """Cheap fingerprint of everything scoring reads (row counts and newest times)."""
    counted = (SpaceObject, Registration, ElementSetRow, ObjectLifetime, SatcatEntry, ObjectVersion)
    row = (
        await session.execute(
            sa.select(
                *(sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in counted),
                sa.select(sa.func.max(_SO.updated_at)).scalar_subquery(),
                sa.select(sa.func.max(_ESR.received_at)).scalar_subquery(),
                sa.select(sa.func.max(_OL.computed_at)).scalar_subquery(),
                sa.select(sa.func.max(_SE.received_at)).scalar_subquery(),
                sa.select(sa.func.max(_OV.created_at)).scalar_subquery(),
            )
        )
    ).one()
    return tuple(str(v) for v in row)


async def load_frames(session: AsyncSession, *, as_of: datetime | None = None) -> RegisterFrames:
    """Every input of scoring, as of now (or ``as_of``)."""
    objects = await _frame(
        session,
        sa.select(
            _SO.id.label("object_id"),
            _SO.international_designator.label("designator"),
            _SO.norad_id,
            _SO.name,
            _SO.launch_date,
            _SO.launch_site,
            _SO.status,
            _SO.status_date,
            _SO.registered,
            _SO.attributed_state,
            _SO.function,
            _SO.origin,
            _SO.not_in_source,
        ),
        OBJECTS_SCHEMA,
    )
    registrations = await _frame(
        session,
        sa.select(
            _R.object_id,
            _R.state_code,
            _D.symbol.label("document"),
            _R.registered_at,
            sa.func.json_array_length(_R.launching_states).label("launching_states_n")
            if session.bind.dialect.name == "sqlite"  # type: ignore[union-attr]
            else sa.func.jsonb_array_length(_R.launching_states).label("launching_states_n"),
            _R.national_registration_number,
            _R.nodal_period_min,
            _R.inclination_deg,
            _R.apogee_km,
            _R.perigee_km,
            _R.orbit_epoch,
            _R.function,
            _R.function_detail,
            _R.gso_longitude_deg,
            _R.owner_operator,
            _R.web_link,
        ).outerjoin(Document, _D.id == _R.document_id),
        REGISTRATIONS_SCHEMA,
    )
    elements = await _frame(
        session,
        sa.select(
            _ESR.object_id,
            _ESR.norad_id,
            _ESR.epoch,
            _ESR.mean_motion,
            _ESR.eccentricity,
            _ESR.inclination_deg,
            _ESR.source,
        ).where(_ESR.object_id.is_not(None)),
        ELEMENTS_SCHEMA,
    )
    lifetimes = await _frame(
        session,
        sa.select(
            _OL.object_id,
            _OL.norad_id,
            _OL.element_epoch.label("epoch"),
            _OL.status,
            _OL.p05,
            _OL.p25,
            _OL.p50,
            _OL.p75,
            _OL.p95,
            _OL.method,
            _OL.computed_at,
        ),
        LIFETIMES_SCHEMA,
    )
    satcat = await _frame(
        session,
        sa.select(
            _SE.norad_id,
            _SE.designator,
            _SE.object_type,
            _SE.ops_status,
            _SE.owner,
            _SE.launch_date,
            _SE.decay_date,
            _SE.perigee_km,
            _SE.apogee_km,
            _SE.inclination_deg,
        ),
        SATCAT_SCHEMA,
    )
    # Few objects have status changes, and the status sits in the version's snapshot.
    versions = await session.execute(
        sa.select(_OV.object_id, _OV.created_at, _OV.snapshot).where(
            _OV.reason == "status_change", _OV.submission_id.is_not(None)
        )
    )
    notices = conform(
        pl.DataFrame(
            [(oid, (snap or {}).get("status"), at) for oid, at, snap in versions],
            schema={
                "object_id": pl.Int64,
                "status": pl.String,
                "notified_at": NOTICES_SCHEMA["notified_at"],
            },
            orient="row",
        ),
        NOTICES_SCHEMA,
    )
    stamps = (
        await session.execute(
            sa.select(
                sa.select(sa.func.max(_SO.updated_at)).scalar_subquery(),
                sa.select(sa.func.max(_ESR.epoch)).scalar_subquery(),
                sa.select(sa.func.max(_OL.computed_at)).scalar_subquery(),
                sa.select(sa.func.max(_SE.received_at)).scalar_subquery(),
                sa.select(sa.func.max(_SR.data_as_of)).scalar_subquery(),
            )
        )
    ).one()
    register_at, elements_at, lifetimes_at, satcat_at, screening_at = (_aware(v) for v in stamps)
    live = await session.scalar(
        sa.select(sa.func.max(_SO.updated_at)).where(_SO.origin != "gcat-demo")
    )
    if live is None and register_at is not None:
        # Only the demo's historical records: their registration status is GCAT's, as of the
        # GCAT file's date, not as of the day they were loaded.
        register_at = demo_register_as_of() or register_at
    else:
        register_at = _aware(live)
    return RegisterFrames(
        as_of=as_of or (register_at if live is None and register_at else datetime.now(UTC)),
        objects=objects,
        registrations=registrations,
        elements=elements,
        lifetimes=lifetimes,
        satcat=satcat,
        notices=notices,
        hbr=hbr_frame(objects.select("norad_id").collect().to_series()),
        data_as_of={
            "register": register_at,
            "element_sets": elements_at,
            "lifetimes": lifetimes_at,
            "satcat": satcat_at,
            "screening": screening_at,
        },
    )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
