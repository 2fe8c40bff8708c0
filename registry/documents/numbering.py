"""Issuing document symbols: the next number in a series, or the next addendum or corrigendum.

Numbering runs under a lock (PostgreSQL advisory lock; SQLite's single writer), so two concurrent
publications never receive the same number; the unique symbol column is the last guard.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.documents.models import Document
from registry.documents.symbols import Symbol, parse_symbol
from registry.errors import Conflict, ValidationFailed, field_error
from registry.states.models import State

_PG_NUMBERING_LOCK = 7_301_976


async def _lock(session: AsyncSession) -> None:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_NUMBERING_LOCK}
        )


async def series_for(session: AsyncSession, state_code: str, at: datetime) -> str:
    """Convention parties (on that date) file under ST/SG/SER.E; others under res. 1721 B."""
    state = await session.get(State, state_code)
    party = state is not None and state.registration_convention == "party"
    if party and (state.convention_date is None or state.convention_date <= at.date()):  # type: ignore[union-attr]
        return "ST/SG/SER.E"
    return "A/AC.105/INF"


def _bad_symbol(symbol: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        why,
        [field_error("symbol", "document.symbol_malformed", f"{symbol}: {why}")],
    )


async def _unused(session: AsyncSession, symbol: str) -> None:
    if await session.scalar(sa.select(Document.id).where(Document.symbol == symbol)) is not None:
        raise Conflict(f"document {symbol} exists already")


async def issue(
    session: AsyncSession, state_code: str, at: datetime, *, override: str | None = None
) -> Document:
    await _lock(session)
    if override:
        parsed = parse_symbol(override)
        if parsed is None or parsed.suffixes:
            raise _bad_symbol(override, "a registration is published under a plain series symbol")
        symbol = parsed
    else:
        series = await series_for(session, state_code, at)
        highest = await session.scalar(
            sa.select(sa.func.max(Document.number)).where(
                Document.series == series, Document.parent_id.is_(None)
            )
        )
        symbol = Symbol(series, (highest or 0) + 1)
    await _unused(session, symbol.text)
    document = Document(
        symbol=symbol.text,
        series=symbol.series,
        number=symbol.number,
        state_code=state_code,
        published_at=at,
    )
    session.add(document)
    await session.flush()
    return document


async def issue_child(
    session: AsyncSession,
    parent_id: int | None,
    correction: bool,
    state_code: str,
    at: datetime,
    *,
    override: str | None = None,
) -> Document:
    await _lock(session)
    parent = await session.get(Document, parent_id) if parent_id is not None else None
    if parent is None:
        # A registration with no document of its own (not expected): the amendment starts a document.
        return await issue(session, state_code, at, override=override)
    kind = "Corr" if correction else "Add"
    if override:
        if not override.startswith(parent.symbol + "/"):
            raise _bad_symbol(override, f"an amendment is published under {parent.symbol}")
        symbol = override
        tail = override[len(parent.symbol) :]
        parsed_tail = parse_symbol("ST/SG/SER.E/1" + tail)
        if parsed_tail is None or len(parsed_tail.suffixes) != 1:
            raise _bad_symbol(override, "expected one /Add.k or /Corr.k")
        kind, k = parsed_tail.suffixes[0]
    else:
        highest = await session.scalar(
            sa.select(sa.func.max(Document.suffix_number)).where(
                Document.parent_id == parent.id, Document.suffix_kind == kind
            )
        )
        k = (highest or 0) + 1
        symbol = f"{parent.symbol}/{kind}.{k}"
    await _unused(session, symbol)
    document = Document(
        symbol=symbol,
        series=parent.series,
        number=parent.number,
        parent_id=parent.id,
        suffix_kind=kind,
        suffix_number=k,
        well_formed=parent.well_formed,
        state_code=state_code,
        published_at=at,
    )
    session.add(document)
    await session.flush()
    return document
