"""The register search API: the observed orbit-regime filter, which the search page shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from orbit.elements import ElementSet
from orbit.facts import element_set_facts
from orbit.read import read_elements
from registry.accounts.principal import SYSTEM
from registry.db import Database
from registry.elementsets import service as elementsets
from registry.objects import service as objects
from registry.objects.models import SpaceObject
from tests.conftest import shared_file

#: One object per regime the 2026-07-10 catalog shows plainly.
NAMES = {"LEO": "ISS (ZARYA)", "MEO": "NAVSTAR 43 (USA 132)", "GEO": "GOES 19"}


@pytest.fixture
async def catalogued(db: Database) -> dict[str, ElementSet]:
    """The three objects in the register with their real element sets, by expected regime."""
    by_name = {
        es.name: es
        for es in read_elements(shared_file("catalog/celestrak-gp-active-2026-07-10.csv")).elements
    }
    chosen = {regime: by_name[name] for regime, name in NAMES.items()}
    async with db.writer() as session:
        for es in chosen.values():
            obj = SpaceObject(
                international_designator=es.designator or "",
                norad_id=es.norad_id,
                name=es.name,
                launch_date=datetime(2000, 1, 1, tzinfo=UTC),
                origin="test",
            )
            session.add(obj)
            await objects.write_version(session, obj, None, reason="imported", actor=SYSTEM.ref)
        await elementsets.store(session, chosen.values(), "test:active-2026-07-10")
    return chosen


def designators(body: Any) -> list[str]:
    return [r["international_designator"] for r in body["items"]]


async def test_regime_filter_selects_by_newest_element_set(
    client: AsyncTestClient[Any], catalogued: dict[str, ElementSet]
) -> None:
    everything = (await client.get("/api/v1/objects")).json()
    assert everything["total"] == 3
    for regime, es in catalogued.items():
        # The SQL condition agrees with orbit.facts' own classification of the same elements.
        assert element_set_facts(es).regime == regime
        found = await client.get("/api/v1/objects", params={"regime": regime})
        assert found.status_code == 200, found.text
        assert designators(found.json()) == [es.designator]
        # The search page's JSON export filters the same way.
        page = await client.get("/objects", params={"regime": regime, "format": "json"})
        assert [r["international_designator"] for r in page.json()] == [es.designator]
    for regime in ("GTO", "HEO"):
        assert (await client.get("/api/v1/objects", params={"regime": regime})).json()["total"] == 0


@pytest.mark.parametrize("regime", ["geo", "ESCAPE", "LEOX"])
async def test_unknown_regime_is_a_problem_naming_the_field(
    client: AsyncTestClient[Any], regime: str
) -> None:
    response = await client.get("/api/v1/objects", params={"regime": regime})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["regime"]
