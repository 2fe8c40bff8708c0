"""The register search: query parameters in, a validated query out, and the orbit-regime filter.

The URL holds the whole query (``/objects?state=FRA&registered=false``), so it is a permalink;
the same parameters drive the CSV and JSON exports. A bad parameter never fails the page: it is
reported by name and left out of the query.

>>> form = SearchForm.parse({"state": "fra", "registered": "false", "from_year": "1999x"})
>>> form.query.state, form.query.registered, form.errors
('FRA', False, {'from_year': 'a year (e.g. 1990) is expected'})
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from orbit import facts
from registry.elementsets.models import ElementSetRow
from registry.objects import service
from registry.objects.models import SpaceObject
from registry.objects.records import object_record
from registry.objects.schemas import STATUSES

REGIMES = ("LEO", "MEO", "GEO", "GTO", "HEO")
SORTS = tuple(s for name in service.SORTS for s in (name, f"-{name}"))
PAGE_SIZES = (25, 50, 100, 200)
MAX_TEXT = 200


@dataclass(frozen=True)
class SearchForm:
    query: service.ObjectQuery
    regime: str | None = None
    from_year: int | None = None
    to_year: int | None = None
    fmt: str = "html"
    #: parameter name -> what was wrong with it (shown beside the filters).
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> SearchForm:
        errors: dict[str, str] = {}

        def text(name: str, upper: bool = False) -> str | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
                errors[name] = f"at most {MAX_TEXT} printable characters"
                return None
            return value.upper() if upper else value

        def year(name: str) -> int | None:
            value = text(name)
            if value is None:
                return None
            if not value.isdigit() or not 1957 <= int(value) <= 2100:
                errors[name] = "a year (e.g. 1990) is expected"
                return None
            return int(value)

        def choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
            value = text(name)
            if value is None:
                return default
            if value not in allowed:
                errors[name] = "one of: " + ", ".join(allowed)
                return default
            return value

        registered_text = choice("registered", ("true", "false"))
        from_year, to_year = year("from_year"), year("to_year")
        if from_year and to_year and from_year > to_year:
            errors["to_year"] = "must not be before the first year"
            to_year = None
        page_text = text("page") or "1"
        page = int(page_text) if page_text.isdigit() and 0 < int(page_text) <= 100_000 else 1
        if page_text != str(page):
            errors["page"] = "a page number from 1 is expected"
        size_text = choice("page_size", tuple(str(s) for s in PAGE_SIZES), "50")
        query = service.ObjectQuery(
            state=text("state", upper=True),
            status=choice("status", STATUSES),
            function=text("function"),
            launched_from=date(from_year, 1, 1) if from_year else None,
            launched_to=date(to_year, 12, 31) if to_year else None,
            registered=None if registered_text is None else registered_text == "true",
            q=text("q"),
            sort=choice("sort", SORTS, "designator") or "designator",
            page=page,
            page_size=int(size_text or 50),
        )
        return cls(
            query=query,
            regime=choice("regime", REGIMES),
            from_year=from_year,
            to_year=to_year,
            fmt=choice("format", ("html", "csv", "json"), "html") or "html",
            errors=errors,
        )

    def with_page(self, page: int) -> SearchForm:
        return replace(self, query=replace(self.query, page=page))


# --- orbit regime ----------------------------------------------------------------------------
# The regime of an object is that of its newest element set, with orbit.facts' definitions
# written as SQL on the mean motion n (rev/day), eccentricity e and inclination i. An altitude
# bound "a (1 +/- e) < R + h" becomes, with a^3 = mu / w^2 (w = n in rad/s), the polynomial test
# mu (1 +/- e)^3 < w^2 (R + h)^3: no cube root, so SQLite evaluates it as well as PostgreSQL.

_W_PER_REV_DAY = 2.0 * math.pi / 86400.0


def _altitude_below(height_km: float, sign: int) -> sa.ColumnElement[bool]:
    """Apogee (sign +1) or perigee (sign -1) altitude below height_km."""
    n, e = ElementSetRow.mean_motion, ElementSetRow.eccentricity
    radius3 = (facts.EARTH_RADIUS_KM + height_km) ** 3
    one_e = 1 + sign * e
    w2 = n * n * (_W_PER_REV_DAY**2)
    return facts.EARTH_MU_KM3_S2 * one_e * one_e * one_e < w2 * radius3


def regime_condition(regime: str) -> sa.ColumnElement[bool]:
    n, e, inc = (
        ElementSetRow.mean_motion,
        ElementSetRow.eccentricity,
        ElementSetRow.inclination_deg,
    )
    low, high = (
        facts.SIDEREAL_DAY_MIN - facts.GEO_PERIOD_TOLERANCE_MIN,
        facts.SIDEREAL_DAY_MIN + facts.GEO_PERIOD_TOLERANCE_MIN,
    )
    geo = sa.and_(
        n >= 1440.0 / high,
        n <= 1440.0 / low,
        e < facts.GEO_MAX_ECCENTRICITY,
        inc < facts.GEO_MAX_INCLINATION_DEG,
    )
    leo = _altitude_below(facts.LEO_MAX_ALTITUDE_KM, +1)
    gto = sa.and_(
        _altitude_below(facts.LEO_MAX_ALTITUDE_KM, -1),
        ~_altitude_below(facts.GTO_APOGEE_RANGE_KM[0], +1),
        _altitude_below(facts.GTO_APOGEE_RANGE_KM[1], +1),
        inc < facts.GTO_MAX_INCLINATION_DEG,
    )
    heo = e > facts.HEO_MIN_ECCENTRICITY
    bound = sa.and_(n > 0, e >= 0, e < 1)
    order = {"GEO": geo, "LEO": leo, "GTO": gto, "HEO": heo}
    earlier: list[sa.ColumnElement[bool]] = []
    for name, condition in order.items():
        if name == regime:
            return sa.and_(bound, condition, *[~c for c in earlier])
        earlier.append(condition)
    return sa.and_(bound, *[~c for c in earlier])  # MEO: any other bound orbit


def _with_regime(stmt: sa.Select[Any], regime: str) -> sa.Select[Any]:
    later = aliased(ElementSetRow)
    newest = (
        sa.select(sa.func.max(later.epoch))
        .where(later.object_id == SpaceObject.id)
        .correlate(SpaceObject)
        .scalar_subquery()
    )
    return stmt.where(
        sa.exists().where(
            ElementSetRow.object_id == SpaceObject.id,
            ElementSetRow.epoch == newest,
            regime_condition(regime),
        )
    )


# --- running it ------------------------------------------------------------------------------


def statement(form: SearchForm) -> sa.Select[Any]:
    stmt = service.filtered(form.query)
    return _with_regime(stmt, form.regime) if form.regime else stmt


async def _records(session: AsyncSession, objects: list[SpaceObject]) -> list[dict[str, Any]]:
    regs = await service.registrations_of(session, [o.id for o in objects if o.id is not None])
    records = []
    for obj in objects:
        record = object_record(obj, regs[obj.id or 0])
        record["version"] = obj.version
        records.append(record)
    return records


async def run(session: AsyncSession, form: SearchForm) -> tuple[int, list[dict[str, Any]]]:
    """The total number of matches and the records of the requested page."""
    stmt = statement(form)
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    query = form.query
    page = service.ordered(stmt, query.sort).limit(query.page_size)
    page = page.offset((query.page - 1) * query.page_size)
    return total, await _records(session, list((await session.execute(page)).scalars()))


async def stream(
    session: AsyncSession, form: SearchForm, batch: int = 1000
) -> AsyncIterator[dict[str, Any]]:
    """Every match, in batches, for the exports."""
    stmt = service.ordered(statement(form), form.query.sort)
    offset = 0
    while True:
        objects = list((await session.execute(stmt.limit(batch).offset(offset))).scalars())
        if not objects:
            return
        for record in await _records(session, objects):
            yield record
        offset += batch
