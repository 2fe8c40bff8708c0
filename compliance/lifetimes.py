"""Orbital lifetimes for scoring: computed once per element set, stored, and read as a frame.

:func:`orbit.reentry.estimate_lifetimes` gives p05/p25/p50/p75/p95 (years from the element-set
epoch). The lifetime that decides a class is the p50, or the p90 for an eccentric orbit (ESA's
method, e > 0.3); the engine has no p90, so it is interpolated between p75 and p95 on the
log-normal the engine assumes (log-lifetime linear in the normal quantile).

>>> import math
>>> round(p90_from(10.0, 20.0), 2)
15.43
>>> math.isinf(p90_from(10.0, math.inf))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.elements import ElementSet
from orbit.reentry import Outcome, estimate_lifetimes
from registry.compliance_store.models import ObjectLifetime
from registry.elementsets import service as elementsets
from registry.elementsets.models import ElementSetRow
from registry.types import utcnow

# Table columns, typed loosely: SQLModel declares the attributes as Python values.
_ESR: Any = ElementSetRow.__table__.c  # type: ignore[attr-defined]
_OL: Any = ObjectLifetime.__table__.c  # type: ignore[attr-defined]

_Z75 = 0.6744897501960817
_Z90 = 1.2815515655446004
_Z95 = 1.6448536269514722


def p90_from(p75: float, p95: float) -> float:
    """The 90th percentile of a log-normal lifetime, from its 75th and 95th."""
    if math.isinf(p95) or p75 <= 0 or p95 <= 0:
        return p95
    t = (_Z90 - _Z75) / (_Z95 - _Z75)
    return math.exp(math.log(p75) + t * (math.log(p95) - math.log(p75)))


def p90_expr(p75: pl.Expr, p95: pl.Expr) -> pl.Expr:
    """:func:`p90_from` as a polars expression."""
    t = (_Z90 - _Z75) / (_Z95 - _Z75)
    interpolated = (p75.log() + t * (p95.log() - p75.log())).exp()
    return pl.when(p95.is_infinite() | (p75 <= 0)).then(p95).otherwise(interpolated)


def counting_lifetime(
    eccentricity: pl.Expr, p50: pl.Expr, p75: pl.Expr, p95: pl.Expr, *, high_e: float
) -> pl.Expr:
    """The lifetime that decides the class: p50, or p90 when e > ``high_e``."""
    return pl.when(eccentricity > high_e).then(p90_expr(p75, p95)).otherwise(p50)


@dataclass(frozen=True)
class LifetimeRun:
    objects: int
    estimated: int
    beyond: int
    no_prediction: int


def _row(object_id: int, outcome: Outcome, now: datetime) -> dict[str, object]:
    est = outcome.lifetime
    if est is not None:
        status = "beyond" if math.isinf(est.p50) else "estimated"
        values = {k: float(getattr(est, k)) for k in ("p05", "p25", "p50", "p75", "p95")}
        method: str | None = est.method
    else:
        status, values, method = "no_prediction", {}, None
    return {
        "object_id": object_id,
        "norad_id": outcome.norad_id,
        "element_epoch": outcome.newest.epoch,
        "status": status,
        **{k: values.get(k) for k in ("p05", "p25", "p50", "p75", "p95")},
        "method": None if method is None else method[:300],
        "reason": None if outcome.reason is None else outcome.reason[:300],
        "computed_at": now,
    }


async def missing_lifetimes(session: AsyncSession) -> list[tuple[int, list[ElementSet]]]:
    """Objects whose newest element set has no stored lifetime, with all their element sets."""
    newest = (
        sa.select(_ESR.object_id, sa.func.max(_ESR.epoch).label("epoch"))
        .where(_ESR.object_id.is_not(None))
        .group_by(_ESR.object_id)
        .subquery()
    )
    rows = await session.execute(
        sa.select(ElementSetRow)
        .join(
            newest,
            sa.and_(_ESR.object_id == newest.c.object_id, _ESR.epoch == newest.c.epoch),
        )
        .outerjoin(
            ObjectLifetime,
            sa.and_(
                _OL.object_id == _ESR.object_id,
                _OL.element_epoch == _ESR.epoch,
            ),
        )
        .where(_OL.id.is_(None))
        .order_by(_ESR.object_id)
    )
    # The newest set is enough: the engine fits a decay history only when the sets span a day
    # after the last raise, and loading every historical set of 16k objects would cost more
    # than it gives for scoring.
    return [
        (r.object_id, [elementsets.to_element_set(r)])
        for r in rows.scalars()
        if r.object_id is not None
    ]


def compute_lifetimes(
    objects: Sequence[tuple[int, Sequence[ElementSet]]],
    *,
    progress: Callable[[int], None] | None = None,
    chunk: int = 500,
) -> list[dict[str, object]]:
    """Lifetime rows (ready to insert) for each (object_id, element sets)."""
    now = utcnow()
    rows: list[dict[str, object]] = []
    for start in range(0, len(objects), chunk):
        part = objects[start : start + chunk]
        outcomes = estimate_lifetimes([list(sets) for _, sets in part], chunk=chunk)
        rows.extend(_row(oid, out, now) for (oid, _), out in zip(part, outcomes, strict=True))
        if progress is not None:
            progress(len(part))
    return rows


async def store_lifetimes(session: AsyncSession, rows: Sequence[dict[str, object]]) -> LifetimeRun:
    for start in range(0, len(rows), 2000):
        await session.execute(sa.insert(ObjectLifetime), list(rows[start : start + 2000]))
    statuses = [r["status"] for r in rows]
    return LifetimeRun(
        objects=len(rows),
        estimated=statuses.count("estimated"),
        beyond=statuses.count("beyond"),
        no_prediction=statuses.count("no_prediction"),
    )
