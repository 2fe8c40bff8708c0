"""A small register for page tests: users of each role, published registrations through the real
workflow, unregistered objects, and element sets (HST's real 2019 elements)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from orbit.elements import ElementSet
from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM, Principal
from registry.db import Database
from registry.elementsets import service as elementsets
from registry.objects import service as objects
from registry.objects.models import SpaceObject
from registry.objects.schemas import ObjectIn
from registry.submissions import service as submissions
from registry.submissions.schemas import SubmissionCreate
from tests.api.conftest import sat

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Seeded:
    officer_fra: str
    officer_deu: str
    reviewer: str
    reviewer2: str
    fra_symbol: str


def principal(user: Any) -> Principal:
    return accounts.principal_for_user(user)


async def publish(
    db: Database, officer: Principal, reviewer: Principal, objs: list[dict[str, Any]]
) -> str:
    body = SubmissionCreate(
        objects=[ObjectIn.model_validate_json(__import__("json").dumps(o)) for o in objs]
    )
    async with db.writer() as session:
        sub, _ = await submissions.create(session, officer, body)
        sub_id = sub.id or 0
    for who, action in (
        (officer, "submit"),
        (reviewer, "claim"),
        (reviewer, "accept"),
        (reviewer, "publish"),
    ):
        async with db.writer() as session:
            current = await submissions.get(session, who, sub_id)
            await submissions.transition(session, who, sub_id, action, f'"{current.version}"')
    async with db.reader() as session:
        record = await objects.get_record(session, objs[0]["international_designator"])
    return str(record["documents"][0])


HST = ElementSet(
    20580,
    "1990-037B",
    "HST",
    datetime(2019, 3, 19, tzinfo=UTC),
    15.09189734,
    0.0002512,
    28.4693,
    94.9073,
    218.9973,
    277.4043,
    1.7331e-5,
)


async def seed(db: Database) -> Seeded:
    async with db.writer() as session:
        users = {}
        for email, role, state in (
            ("officer.fra@test.org", "state", "FRA"),
            ("officer.deu@test.org", "state", "DEU"),
            ("reviewer.one@test.org", "secretariat", None),
            ("reviewer.two@test.org", "secretariat", None),
        ):
            users[email] = principal(
                await accounts.create_user(
                    session, SYSTEM, email=email, role=role, state_code=state, password=PASSWORD
                )
            )
    fra, deu = users["officer.fra@test.org"], users["officer.deu@test.org"]
    reviewer = users["reviewer.one@test.org"]
    symbol = await publish(
        db, fra, reviewer, [sat("2025-009A"), sat("2025-009B", name="TESTSAT B")]
    )
    await publish(
        db,
        deu,
        reviewer,
        [
            sat(
                "1990-037B",
                name="HST",
                launch_date="1990-04-24T12:33:51Z",
                launching_states=[{"state": "DEU", "role": "procured"}],
                launch_territory="USA",
                apogee_km=624.0,
                perigee_km=610.0,
                nodal_period_min=96.8,
                inclination_deg=28.4,
            )
        ],
    )
    async with db.writer() as session:
        for designator, state, year in (("2023-100C", "FRA", 2023), ("2019-020A", "FRA", 2019)):
            obj = SpaceObject(
                international_designator=designator,
                name=f"UNREG {designator}",
                launch_date=datetime(year, 3, 1, tzinfo=UTC),
                attributed_state=state,
                origin="gcat-demo",
            )
            session.add(obj)
            await objects.write_version(session, obj, None, reason="imported", actor=SYSTEM.ref)
        await elementsets.store(session, [HST], "test:hst")
    return Seeded(
        "officer.fra@test.org",
        "officer.deu@test.org",
        "reviewer.one@test.org",
        "reviewer.two@test.org",
        symbol,
    )
