"""Fetching from CelesTrak and storing what arrives: element sets by group, SATCAT records."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.clients.celestrak import CelestrakClient, parse_satcat
from orbit.clients.gp import parse_gp
from orbit.clients.http import FetchResult
from registry.accounts.principal import SYSTEM
from registry.audit import chain
from registry.db import Database, insert_rows
from registry.elementsets import service as elementsets
from registry.elementsets.models import SatcatEntry

Notify = Callable[[str], None]


@dataclass(frozen=True)
class FetchSummary:
    url: str
    from_cache: bool
    records: int
    stored: int
    issues: int
    data_as_of: datetime | None

    def describe(self) -> str:
        origin = "cache" if self.from_cache else "network"
        return f"{self.url} ({origin}): {self.records} records, {self.stored} new, {self.issues} rejected"


def _client(
    cache_dir: Path, notify: Notify | None, transport: httpx.BaseTransport | None
) -> CelestrakClient:
    return CelestrakClient(cache_dir, notify=notify, transport=transport)


async def fetch_group(
    db: Database,
    cache_dir: Path,
    group: str,
    *,
    notify: Notify | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FetchSummary:
    def download() -> FetchResult:
        with _client(cache_dir, notify, transport) as client:
            return client.gp_group(group)

    # The client is synchronous (httpx, retries with sleeps): keep it off the event loop.
    result = await asyncio.to_thread(download)
    parsed = parse_gp(result)
    async with db.writer() as session:
        stored = await elementsets.store(session, parsed.elements, f"celestrak:GROUP={group}")
        await _audit(
            session, "elementsets.fetch", group, result.url, stored.stored, len(parsed.issues)
        )
    return FetchSummary(
        result.url,
        result.from_cache,
        len(parsed.elements),
        stored.stored,
        len(parsed.issues),
        stored.newest_epoch,
    )


async def fetch_satcat(
    db: Database,
    cache_dir: Path,
    *,
    notify: Notify | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FetchSummary:
    def download() -> FetchResult:
        with _client(cache_dir, notify, transport) as client:
            return client.satcat()

    result = await asyncio.to_thread(download)
    parsed = parse_satcat(result)
    now = datetime.now(UTC)
    rows = [
        {
            "norad_id": r.norad_cat_id,
            "designator": r.object_id,
            "name": r.object_name,
            "object_type": r.object_type,
            "ops_status": r.ops_status_code,
            "owner": r.owner,
            "launch_date": r.launch_date,
            "launch_site": r.launch_site,
            "decay_date": r.decay_date,
            "period_min": r.period_min,
            "inclination_deg": r.inclination_deg,
            "apogee_km": r.apogee_km,
            "perigee_km": r.perigee_km,
            "rcs_m2": r.rcs_m2,
            "source": result.url,
            "received_at": now,
        }
        for r in parsed.rows
    ]
    async with db.writer() as session:
        # The latest SATCAT replaces the previous one whole: it is CelesTrak's current view.
        await session.execute(sa.delete(SatcatEntry))
        await insert_rows(session, SatcatEntry, rows)
        await _audit(session, "satcat.fetch", "satcat", result.url, len(rows), len(parsed.issues))
    return FetchSummary(
        result.url,
        result.from_cache,
        len(parsed.rows),
        len(rows),
        len(parsed.issues),
        result.fetched_at,
    )


async def _audit(
    session: AsyncSession, action: str, entity_id: str, url: str, stored: int, issues: int
) -> None:
    details: dict[str, Any] = {"url": url, "stored": stored, "rejected": issues}
    await chain.append(
        session,
        actor=SYSTEM.ref,
        role=SYSTEM.role,
        action=action,
        entity="fetch",
        entity_id=entity_id,
        details=details,
    )
