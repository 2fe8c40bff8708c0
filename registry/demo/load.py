"""Loading the demo register into an empty database, in bulk.

Historical records go in as they are: the validator's findings are attached to each registration
(errors on historical data become findings, not rejections). Each object gets version 1
("imported"); one audit entry records the import with the file's checksum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit.read import read_elements
from registry import validation
from registry.accounts.principal import SYSTEM
from registry.audit import chain
from registry.db import Database, insert_rows
from registry.demo.register import CREDIT, DEMO_REGISTER, DemoRecord, load_demo_register
from registry.documents.models import Document
from registry.documents.symbols import parse_symbol
from registry.elementsets import service as elementsets
from registry.elementsets.models import ElementSetRow
from registry.jobs import service as jobs
from registry.objects.models import ObjectVersion, Registration, SpaceObject
from registry.objects.records import REGISTRATION_FIELDS, diff_records
from registry.settings import Settings
from registry.states.models import State

Progress = Callable[[str], None]
#: CelesTrak's "active" group, shipped so that orbit features work offline (credit: CelesTrak).
DEMO_CATALOG = DEMO_REGISTER.with_name("celestrak-gp-active-2026-07-10.csv.gz")


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool
    objects: int
    registrations: int
    documents: int
    accounts: list[tuple[str, str, str]]  # (email, role, password)

    def describe(self) -> str:
        lines = [
            f"demo register: {self.objects} objects, {self.registrations} registrations, {self.documents} documents"
            + ("" if self.loaded else " (already loaded)"),
            f"data: {CREDIT}",
            "demo accounts (password for all shown):",
        ]
        lines += [f"  {email:32} {role:12} {password}" for email, role, password in self.accounts]
        return "\n".join(lines)


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


async def _documents(
    session: AsyncSession,
    symbols: set[str],
    published: dict[str, tuple[str | None, datetime | None]],
) -> dict[str, int]:
    """One row per symbol; an addendum's base symbol becomes its parent (created when absent)."""
    parsed = {s: parse_symbol(s) for s in symbols}
    parents = {
        p.text.split("/Add.")[0].split("/Corr.")[0] for p in parsed.values() if p and p.suffixes
    }
    everything = sorted(symbols | {p for p in parents if p not in symbols})
    plain = [
        s
        for s in everything
        if not (parsed.get(s) or parse_symbol(s)) or not (parsed.get(s) or parse_symbol(s)).suffixes
    ]  # type: ignore[union-attr]
    ids: dict[str, int] = {}

    def row(symbol: str, parent_id: int | None) -> dict[str, Any]:
        p = parsed.get(symbol) or parse_symbol(symbol)
        state, at = published.get(symbol, (None, None))
        return {
            "symbol": symbol,
            "series": p.series if p else None,
            "number": p.number if p else None,
            "parent_id": parent_id,
            "suffix_kind": p.suffixes[-1][0] if p and p.suffixes else None,
            "suffix_number": p.suffixes[-1][1] if p and p.suffixes else None,
            "well_formed": p is not None,
            "state_code": state,
            "published_at": at,
            "created_at": datetime.now(UTC),
        }

    for doc_id, symbol in await insert_rows(
        session, Document, [row(s, None) for s in plain], (Document.id, Document.symbol)
    ):
        ids[symbol] = doc_id
    children = [s for s in everything if s not in ids]
    child_rows = []
    for s in children:
        p = parsed.get(s) or parse_symbol(s)
        assert p is not None
        base = p.text[: p.text.rfind("/")]
        child_rows.append(row(s, ids.get(base)))
    for doc_id, symbol in await insert_rows(
        session, Document, child_rows, (Document.id, Document.symbol)
    ):
        ids[symbol] = doc_id
    return ids


async def load_register(
    session: AsyncSession, records: list[DemoRecord], progress: Progress
) -> tuple[int, int, int]:
    now = datetime.now(UTC)
    known = frozenset((await session.execute(sa.select(State.code))).scalars())
    today = now.date()

    progress(f"validating {len(records)} historical records")
    findings: list[list[dict[str, Any]]] = []
    for rec in records:
        found = validation.validate_object(rec.to_object_in(), rec.validation_context(known, today))
        if rec.registered and rec.document_symbol:
            found += validation.validate_document_symbol(rec.document_symbol)
        findings.append([f.as_dict() for f in found])

    progress("writing documents")
    registered = [r for r in records if r.registered and r.document_symbol and r.state_code]
    published = {r.document_symbol: (r.state_code, None) for r in registered if r.document_symbol}
    doc_ids = await _documents(session, set(published), published)

    progress("writing objects")
    object_rows = [
        {
            "international_designator": r.international_designator,
            "designator_legacy": r.designator_legacy,
            "norad_id": r.norad_id,
            "name": r.name,
            "launch_date": r.launch_date,
            "status": r.status or "in_orbit",
            "status_date": r.status_date,
            "attributed_state": r.state_code if r.state_code in known else None,
            "registered": r.registered,
            "function": r.function,
            "origin": "gcat-demo",
            "not_in_source": list(r.not_in_source),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for r in records
    ]
    object_ids = [
        row[0] for row in await insert_rows(session, SpaceObject, object_rows, (SpaceObject.id,))
    ]

    progress("writing registrations")
    registration_rows = []
    for rec, object_id, found in zip(records, object_ids, findings, strict=True):
        if rec.registered and rec.document_symbol and rec.state_code:
            registration_rows.append(
                {
                    "object_id": object_id,
                    "state_code": rec.state_code,
                    "document_id": doc_ids[rec.document_symbol],  # type: ignore[index]
                    "launching_states": [],
                    "nodal_period_min": rec.nodal_period_min,
                    "inclination_deg": rec.inclination_deg,
                    "apogee_km": rec.apogee_km,
                    "perigee_km": rec.perigee_km,
                    "function": rec.function,
                    "function_detail": rec.function_detail,
                    "findings": found,
                    "created_at": now,
                }
            )
    await insert_rows(session, Registration, registration_rows)

    progress("writing version 1 of every object")
    regs_by_object = {row["object_id"]: row for row in registration_rows}
    symbol_by_id = {v: k for k, v in doc_ids.items()}
    version_rows = []
    for row, object_id in zip(object_rows, object_ids, strict=True):
        record = {
            k: row[k]
            for k in (
                "international_designator",
                "designator_legacy",
                "norad_id",
                "name",
                "launch_date",
                "status",
                "status_date",
                "attributed_state",
                "registered",
                "function",
                "not_in_source",
            )
        }
        record["launch_date"], record["status_date"] = (
            _iso(row["launch_date"]),
            _iso(row["status_date"]),
        )
        for name in ("launch_site", "launch_territory", "launch_vehicle", "status_body"):
            record[name] = None
        reg = regs_by_object.get(object_id)
        regs = []
        if reg is not None:
            regs.append(
                {
                    "state": reg["state_code"],
                    "document": symbol_by_id[reg["document_id"]],
                    **{k: reg.get(k) for k in REGISTRATION_FIELDS},
                }
            )
        record["registrations"] = regs
        record["documents"] = [r["document"] for r in regs]
        version_rows.append(
            {
                "object_id": object_id,
                "number": 1,
                "snapshot": record,
                "changes": diff_records(None, record),
                "reason": "imported",
                "document_id": reg["document_id"] if reg else None,
                "actor": SYSTEM.ref,
                "created_at": now,
            }
        )
    await insert_rows(session, ObjectVersion, version_rows)
    return len(object_rows), len(registration_rows), len(doc_ids)


DEMO_ACCOUNTS: tuple[tuple[str, str, str | None], ...] = (
    ("officer.fra@demo.spacereg.org", "state", "FRA"),
    ("officer.usa@demo.spacereg.org", "state", "USA"),
    ("officer.gbr@demo.spacereg.org", "state", "GBR"),
    ("officer.lux@demo.spacereg.org", "state", "LUX"),
    ("reviewer.one@demo.spacereg.org", "secretariat", None),
    ("reviewer.two@demo.spacereg.org", "secretariat", None),
    ("admin@demo.spacereg.org", "admin", None),
)
DEMO_PASSWORD = "spacereg-demo"


async def ensure_demo(settings: Settings, progress: Progress = lambda _: None) -> DemoSummary:
    """Load the demo register when the database holds no objects; create the demo accounts."""
    from registry.accounts import service as accounts
    from registry.accounts.models import User

    db = Database(settings)
    try:
        loaded = bulk = False
        async with db.writer() as session:
            if await session.scalar(sa.select(SpaceObject.id).limit(1)) is None:
                progress(f"loading the demo register from {DEMO_REGISTER.name} ({CREDIT})")
                records = load_demo_register()
                counts = await load_register(session, records, progress)
                await chain.append(
                    session,
                    actor=SYSTEM.ref,
                    role=SYSTEM.role,
                    action="demo.import",
                    entity="register",
                    entity_id="demo",
                    details={
                        "file": DEMO_REGISTER.name,
                        "sha256": hashlib.sha256(DEMO_REGISTER.read_bytes()).hexdigest(),
                        "objects": counts[0],
                        "registrations": counts[1],
                        "documents": counts[2],
                    },
                )
                loaded = bulk = True
            if await session.scalar(sa.select(ElementSetRow.id).limit(1)) is None:
                bulk = True
                progress(
                    f"loading element sets from {DEMO_CATALOG.name} (CelesTrak, https://celestrak.org)"
                )
                parsed = read_elements(DEMO_CATALOG)
                stored = await elementsets.store(
                    session, parsed.elements, f"celestrak:{DEMO_CATALOG.name}"
                )
                await chain.append(
                    session,
                    actor=SYSTEM.ref,
                    role=SYSTEM.role,
                    action="elementsets.import",
                    entity="element_sets",
                    entity_id="demo",
                    details={
                        "file": DEMO_CATALOG.name,
                        "stored": stored.stored,
                        "matched": stored.matched,
                        "issues": len(parsed.issues),
                    },
                )
        if bulk:
            # Tens of thousands of rows in one go: the query planners need their statistics now
            # (PostgreSQL's autovacuum gathers them a minute later, where it runs; SQLite never).
            async with db.writer() as session:
                await session.execute(sa.text("ANALYZE"))
        async with db.writer() as session:
            existing = set((await session.execute(sa.select(User.email))).scalars())
            for email, role, state in DEMO_ACCOUNTS:
                if email not in existing:
                    await accounts.create_user(
                        session,
                        SYSTEM,
                        email=email,
                        role=role,
                        state_code=state,
                        password=DEMO_PASSWORD,
                    )
        async with db.reader() as session:
            objects = await session.scalar(sa.select(sa.func.count()).select_from(SpaceObject)) or 0
            registrations = (
                await session.scalar(sa.select(sa.func.count()).select_from(Registration)) or 0
            )
            documents = await session.scalar(sa.select(sa.func.count()).select_from(Document)) or 0
        return DemoSummary(
            loaded,
            objects,
            registrations,
            documents,
            [(e, r + (f" {s}" if s else ""), DEMO_PASSWORD) for e, r, s in DEMO_ACCOUNTS],
        )
    finally:
        await db.dispose()


#: The demo's first analyses of the shipped catalog, so that the home and analyses pages show
#: re-entries and close approaches from the first visit (the in-process worker runs them).
DEMO_ANALYSES = {
    "reentry": {"horizon_days": 365},
    "screening": {"hours": 24, "threshold_km": 5},
}


async def queue_demo_jobs(settings: Settings, *, refresh: bool) -> list[str]:
    """Queue each demo analysis never run or queued before, and with ``refresh`` a fetch of
    fresh CelesTrak data; the kinds queued."""
    db = Database(settings)
    queued = []
    try:
        async with db.writer() as session:
            for kind, params in DEMO_ANALYSES.items():
                if not await jobs.recent(session, kind=kind, limit=1):
                    await jobs.enqueue(session, kind, params, "demo")
                    queued.append(kind)
            if refresh:
                await jobs.enqueue(session, "fetch-celestrak", {"group": "active"}, "demo")
                await jobs.enqueue(session, "fetch-satcat", {}, "demo")
                queued += ["fetch-celestrak", "fetch-satcat"]
    finally:
        await db.dispose()
    return queued
