"""The demo register in the database: the independent counts, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from registry.audit import chain
from registry.db import Database
from registry.demo.load import ensure_demo
from registry.documents.models import Document
from registry.elementsets.models import ElementSetRow
from registry.objects.models import ObjectVersion, Registration, SpaceObject
from registry.settings import Settings


@pytest.fixture
async def demo(demo_url: str) -> AsyncIterator[Database]:
    database = Database(Settings(database_url=demo_url))
    yield database
    await database.dispose()


async def test_demo_counts(demo: Database) -> None:
    async with demo.reader() as session:
        count = lambda stmt: session.scalar(stmt)  # noqa: E731
        assert await count(sa.select(sa.func.count()).select_from(SpaceObject)) == 23_191
        assert (
            await count(sa.select(sa.func.count()).where(SpaceObject.registered.is_(True)))
            == 16_672
        )
        # One registered payload (Centaur AV-104, 2023-154C) names no State: no Registration row.
        assert await count(sa.select(sa.func.count()).select_from(Registration)) == 16_671
        assert (
            await count(sa.select(sa.func.count()).where(SpaceObject.designator_legacy.is_(True)))
            == 171
        )
        assert await count(sa.select(sa.func.count()).select_from(ObjectVersion)) == 23_191
        malformed = (
            await session.execute(sa.select(Document.symbol).where(Document.well_formed.is_(False)))
        ).scalars()
        assert "ST/SG/SER,E/1143" in set(malformed)
        findings = Counter(
            f["code"]
            for (found,) in await session.execute(sa.select(Registration.findings))
            for f in found
        )
        assert findings["orbit.apogee_below_perigee"] == 21
        assert findings["orbit.period_kepler_mismatch"] == 170
        assert findings["document.malformed"] == 19
        assert await count(sa.select(sa.func.count()).select_from(ElementSetRow)) == 15_985
        assert (await chain.verify(session)).ok
    again = await ensure_demo(demo.settings)
    assert not again.loaded and again.objects == 23_191  # a second start does not load twice


async def test_demo_objects_through_the_api(demo: Database) -> None:
    from litestar.testing import AsyncTestClient

    from web.app import create_app

    async with AsyncTestClient(app=create_app(demo.settings)) as client:
        hubble = (await client.get("/api/v1/objects/1990-037B")).json()
        assert hubble["norad_id"] == 20580
        assert hubble["registrations"][0]["state"] == "USA"
        assert hubble["documents"] and hubble["documents"][0].startswith("ST/SG/SER.E/")
        page = (
            await client.get(
                "/api/v1/objects",
                params={"state": "FRA", "launched_from": "2020-01-01", "page_size": 10},
            )
        ).json()
        assert page["total"] > 0 and all(
            r["registrations"][0]["state"] == "FRA" for r in page["items"]
        )
        unregistered = (
            await client.get(
                "/api/v1/objects", params={"attributed_state": "CHN", "registered": "false"}
            )
        ).json()
        assert unregistered["total"] > 300
        csv = await client.get("/api/v1/objects", params={"state": "LUX", "format": "csv"})
        lines = csv.text.strip().splitlines()
        lux = (await client.get("/api/v1/objects", params={"state": "LUX", "page_size": 1})).json()[
            "total"
        ]
        assert len(lines) == lux + 1 and lines[0].startswith("international_designator,")


async def test_current_record_is_the_latest_snapshot(demo: Database) -> None:
    """The lookup serves the latest version's snapshot: it must equal the record built live."""
    from registry.objects import service

    async with demo.reader() as session:
        objects = (
            await session.execute(sa.select(SpaceObject).order_by(SpaceObject.id).limit(300))
        ).scalars()
        for obj in objects:
            live = await service.record_of(session, obj)
            stored = await service.get_record(session, obj.international_designator)
            stored.pop("version")
            assert stored == live, obj.international_designator


async def test_declared_against_observed_on_the_demo(demo: Database) -> None:
    from litestar.testing import AsyncTestClient

    from web.app import create_app

    async with AsyncTestClient(app=create_app(demo.settings)) as client:
        aeolus = (await client.get("/api/v1/objects/2018-066A/orbit-check")).json()
        assert aeolus[0]["kepler"]["relative_difference"] == pytest.approx(-0.111, abs=0.002)
        # An object registered and still observed: the comparison names the element set used.
        async with demo.reader() as session:
            designator = await session.scalar(
                sa.select(SpaceObject.international_designator)
                .join(ElementSetRow, ElementSetRow.object_id == SpaceObject.id)
                .join(Registration, Registration.object_id == SpaceObject.id)
                .where(
                    Registration.apogee_km.is_not(None),
                    SpaceObject.international_designator.like("2024-%"),
                )
                .limit(1)
            )
        checked = (await client.get(f"/api/v1/objects/{designator}/orbit-check")).json()
        comparison = checked[0]["comparison"]
        assert comparison["verdict"] in ("consistent", "close", "inconsistent")
        assert comparison["element_set"]["epoch"].startswith("2026-07") and comparison["sentence"]
