"""Declared against observed orbit, for reviewers: a registration's (or a submitted object's)
orbital parameters set against the element sets the register holds for that object.

The numerics are :mod:`orbit.compare`; this module finds the element sets (by the object they are
matched to, else by designator or NORAD number) and shapes the answer for the API and pages.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.compare import DeclaredOrbit, choose_element_set, compare_orbit, kepler_period_min
from orbit.elements import ElementSet
from registry.elementsets.models import ElementSetRow
from registry.elementsets.service import to_element_set


async def element_sets_for(
    session: AsyncSession, designator: str, norad_id: int | None
) -> list[ElementSet]:
    condition = ElementSetRow.designator == designator
    if norad_id is not None:
        condition = sa.or_(condition, ElementSetRow.norad_id == norad_id)
    rows = await session.execute(
        sa.select(ElementSetRow).where(condition).order_by(ElementSetRow.epoch)
    )
    return [to_element_set(r) for r in rows.scalars()]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def check(
    declared: dict[str, Any], element_sets: list[ElementSet], launch_date: datetime | None
) -> dict[str, Any]:
    """The Kepler check of the declared values, and the comparison with the chosen element set."""
    period, apogee, perigee = (
        declared.get("nodal_period_min"),
        declared.get("apogee_km"),
        declared.get("perigee_km"),
    )
    kepler: dict[str, Any] | None = None
    if apogee is not None and perigee is not None and apogee >= perigee > -6378:
        implied = kepler_period_min(apogee, perigee)
        kepler = {
            "period_min": round(implied, 3),
            "relative_difference": None
            if period is None
            else round((period - implied) / implied, 5),
        }
    result: dict[str, Any] = {"kepler": kepler, "comparison": None, "reason": None}
    epoch = declared.get("orbit_epoch")
    chosen = choose_element_set(
        element_sets,
        declared_epoch=datetime.fromisoformat(epoch.replace("Z", "+00:00"))
        if isinstance(epoch, str)
        else epoch,
        launch_date=launch_date,
    )
    if chosen is None:
        result["reason"] = (
            "no element set for this object after its launch"
            if element_sets
            else "no element sets for this object"
        )
        return result
    comparison = compare_orbit(
        DeclaredOrbit(
            period_min=period,
            inclination_deg=declared.get("inclination_deg"),
            apogee_km=apogee,
            perigee_km=perigee,
            gso_longitude_deg=declared.get("gso_longitude_deg"),
        ),
        chosen,
    )
    result["comparison"] = {
        "verdict": comparison.verdict,
        "sentence": comparison.sentence,
        "fields": [asdict(f) for f in comparison.fields],
        "element_set": {
            "norad_id": chosen.norad_id,
            "epoch": _iso(chosen.epoch),
            "source": chosen.source,
        },
        "element_sets_available": len(element_sets),
    }
    return result
