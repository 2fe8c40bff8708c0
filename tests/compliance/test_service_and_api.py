"""Compliance over a real (migrated) database: on-demand scoring, stored lifetimes and scores,
the questionnaire workflow, and the API endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from scipy.stats import binomtest

from compliance import service
from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM, Principal
from registry.compliance_store.models import ComplianceScore, ObjectLifetime
from registry.db import Database
from registry.documents.models import Document
from registry.elementsets.models import ElementSetRow
from registry.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from registry.objects.models import Registration, SpaceObject
from web.app import create_app

NOW = datetime.now(UTC)
FRA_OFFICER = Principal(kind="user", id=1, role="state", state_code="FRA")
DEU_OFFICER = Principal(kind="user", id=2, role="state", state_code="DEU")
REVIEWER = Principal(kind="user", id=3, role="secretariat")


async def _seed(db: Database) -> None:
    async with db.writer() as session:
        doc = Document(
            symbol="ST/SG/SER.E/1200", series="ST/SG/SER.E", number=1200, state_code="FRA"
        )
        session.add(doc)
        await session.flush()
        objects = [
            SpaceObject(
                international_designator="2024-010A",
                norad_id=59001,
                launch_date=NOW - timedelta(days=700),
                registered=True,
                attributed_state="FRA",
            ),
            SpaceObject(
                international_designator="2024-010B",
                norad_id=59002,
                launch_date=NOW - timedelta(days=700),
                attributed_state="FRA",
            ),
            SpaceObject(
                international_designator="2025-020A",
                norad_id=61003,
                launch_date=NOW - timedelta(days=200),
                attributed_state="FRA",
            ),
        ]
        session.add_all(objects)
        await session.flush()
        session.add(
            Registration(
                object_id=objects[0].id,
                state_code="FRA",
                document_id=doc.id,
                registered_at=NOW - timedelta(days=640),
                nodal_period_min=94.6,
                inclination_deg=97.4,
                apogee_km=520.0,
                perigee_km=505.0,
                launching_states=[{"state": "FRA", "role": "launched"}],
            )
        )
        for o in objects[:2]:
            session.add(
                ElementSetRow(
                    norad_id=o.norad_id,
                    designator=o.international_designator,
                    object_id=o.id,
                    epoch=NOW - timedelta(days=1),
                    mean_motion=15.2,
                    eccentricity=0.001,
                    inclination_deg=97.4,
                    raan_deg=0.0,
                    arg_perigee_deg=0.0,
                    mean_anomaly_deg=0.0,
                    bstar=1e-4,
                    source="celestrak:GROUP=active",
                )
            )


@pytest.fixture
async def seeded(db: Database) -> Database:
    await _seed(db)
    return db


async def test_state_compliance_on_demand(seeded: Database) -> None:
    report = await service.state_compliance(seeded, "FRA")
    cards = {c["id"]: c for c in report["verified"]["criteria"]}
    wilson = binomtest(1, 3).proportion_ci(method="wilson").low
    assert cards["S1"]["assessed"] and cards["S1"]["score"] == pytest.approx(wilson, abs=1e-6)
    assert "1 of 3 payloads registered" in cards["S1"]["sentence"]
    # 60 days from launch to registration: full timeliness credit.
    assert cards["S2"]["score"] == 1.0
    assert cards["S4"]["assessed"] is False  # no lifetimes stored yet
    assert report["data_as_of"]["element_sets"] is not None
    with pytest.raises(NotFound):
        await service.state_compliance(seeded, "XXX")
    obj = await service.object_compliance(seeded, "2024-010A")
    o4 = next(c for c in obj["verified"]["criteria"] if c["id"] == "O4")
    # The element set is 699 days after launch (within 730): compared, and consistent.
    assert o4["assessed"] and o4["score"] == 1.0
    assert obj["state"] == "FRA"


@pytest.mark.slow
async def test_lifetimes_stored_then_scored(seeded: Database) -> None:
    from compliance.lifetimes import compute_lifetimes, missing_lifetimes, store_lifetimes

    async with seeded.reader() as session:
        todo = await missing_lifetimes(session)
    assert len(todo) == 2
    rows = compute_lifetimes(todo)
    async with seeded.writer() as session:
        run = await store_lifetimes(session, rows)
    assert run.objects == 2
    async with seeded.reader() as session:
        assert await missing_lifetimes(session) == []
        assert await session.scalar(sa.select(sa.func.count()).select_from(ObjectLifetime)) == 2
    report = await service.state_compliance(seeded, "FRA")
    s4 = next(c for c in report["verified"]["criteria"] if c["id"] == "S4")
    assert s4["assessed"] and s4["provisional"]


async def test_store_state_scores(seeded: Database) -> None:
    assert await service.store_state_scores(seeded) == 1
    stored = await service.stored_state_score(seeded, "FRA")
    assert stored is not None and stored["methodology_version"] and "stored_at" in stored
    async with seeded.reader() as session:
        row = await session.scalar(sa.select(ComplianceScore))
    assert row is not None and row.data_as_of["element_sets"]


async def test_questionnaire_workflow(seeded: Database) -> None:
    async with seeded.writer() as session:
        a = await service.submit_answer(
            session,
            FRA_OFFICER,
            "FRA",
            item_id="A1.1",
            answer="yes",
            evidence_url="https://www.legifrance.gouv.fr/loda/id/JORFTEXT000018931380",
        )
        answer_id = a.id
    assert answer_id is not None
    before = await service.state_compliance(seeded, "FRA")
    assert before["declared"]["score"] == 0.0  # not reviewed yet: does not count
    async with seeded.writer() as session:
        with pytest.raises(Forbidden):
            await service.review_answer(session, FRA_OFFICER, answer_id, decision="accept")
    async with seeded.writer() as session:
        await service.review_answer(
            session, REVIEWER, answer_id, decision="accept", note="law checked"
        )
    after = await service.state_compliance(seeded, "FRA")
    item = next(i for i in after["declared"]["items"] if i["id"] == "A1.1")
    assert item["evidence_grade"] == "E3" and item["points"] == 1.0
    assert after["declared"]["score"] == pytest.approx(0.25 / 5, abs=1e-4)  # group A 25 x 1/5 items
    assert after["verified"] == before["verified"]  # declared never leaks into verified
    async with seeded.writer() as session:
        with pytest.raises(InvalidTransition):
            await service.review_answer(session, REVIEWER, answer_id, decision="return")


async def test_questionnaire_withdraw_and_resubmit_after_return(seeded: Database) -> None:
    url = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000018931380"
    async with seeded.writer() as session:
        first = await service.submit_answer(
            session, FRA_OFFICER, "FRA", item_id="A1.1", answer="yes"
        )
        second = await service.submit_answer(
            session, FRA_OFFICER, "FRA", item_id="A1.1", answer="yes", evidence_url=url
        )
    async with seeded.writer() as session:
        withdrawn = await service.withdraw_answer(session, FRA_OFFICER, first.id or 0)
    assert withdrawn.status == "withdrawn"
    async with seeded.writer() as session:
        with pytest.raises(InvalidTransition):  # a withdrawn answer is not reviewed
            await service.review_answer(session, REVIEWER, first.id or 0, decision="accept")
    async with seeded.writer() as session:
        returned = await service.review_answer(
            session, REVIEWER, second.id or 0, decision="return", note="link broken"
        )
    assert returned.status == "returned"
    async with seeded.writer() as session:
        with pytest.raises(InvalidTransition):  # a returned answer is corrected by a new one
            await service.withdraw_answer(session, FRA_OFFICER, second.id or 0)
        fixed = await service.submit_answer(
            session, FRA_OFFICER, "FRA", item_id="A1.1", answer="yes", evidence_url=url
        )
    async with seeded.writer() as session:
        await service.review_answer(session, REVIEWER, fixed.id or 0, decision="accept")
    item = next(
        i
        for i in (await service.state_compliance(seeded, "FRA"))["declared"]["items"]
        if i["id"] == "A1.1"
    )
    assert item["evidence_grade"] == "E3" and item["points"] == 1.0


async def test_questionnaire_rejects_bad_input_and_other_states(seeded: Database) -> None:
    async with seeded.writer() as session:
        with pytest.raises(Forbidden):
            await service.submit_answer(session, DEU_OFFICER, "FRA", item_id="A1.1", answer="yes")
        with pytest.raises(ValidationFailed) as caught:
            await service.submit_answer(
                session, FRA_OFFICER, "FRA", item_id="Z9", answer="maybe", evidence_url="not a url"
            )
    fields = {f["field"] for f in caught.value.findings}
    assert fields == {"item_id", "answer", "evidence_url"}


@pytest.fixture
async def client(seeded: Database) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(seeded.settings)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def _key(db: Database, role: str, state: str | None) -> dict[str, str]:
    async with db.writer() as session:
        new = await accounts.create_key(
            session, SYSTEM, name=f"{role}-{state}", role=role, state_code=state
        )
    return {"Authorization": f"Bearer {new.secret}"}


async def test_api_endpoints(client: AsyncTestClient[Any], seeded: Database) -> None:
    state = await client.get("/api/v1/states/fra/compliance")
    assert state.status_code == 200, state.text
    body = state.json()
    assert body["state"] == "FRA" and {
        "verified",
        "declared",
        "critical_flags",
        "data_as_of",
    } <= set(body)
    assert (await client.get("/api/v1/states/XXX/compliance")).status_code == 404
    series = (await client.get("/api/v1/states/FRA/compliance/series")).json()
    assert series["series"]["S1"][0]["n"] >= 1
    obj = await client.get("/api/v1/objects/2024-010A/compliance")
    assert obj.status_code == 200 and obj.json()["verified"]["criteria"][0]["id"] == "O1"
    table = await client.get("/api/v1/compliance/states", params={"format": "csv"})
    assert table.status_code == 200 and table.text.startswith("state,verified_score")
    items = (await client.get("/api/v1/compliance/questionnaire")).json()
    assert len(items["items"]) == 22


async def test_api_questionnaire(client: AsyncTestClient[Any], seeded: Database) -> None:
    fra, deu, reviewer = (
        await _key(seeded, "state", "FRA"),
        await _key(seeded, "state", "DEU"),
        await _key(seeded, "secretariat", None),
    )
    anonymous = await client.post(
        "/api/v1/states/FRA/questionnaire", json={"item_id": "B4.1", "answer": "yes"}
    )
    assert anonymous.status_code == 401
    other = await client.post(
        "/api/v1/states/FRA/questionnaire", json={"item_id": "B4.1", "answer": "yes"}, headers=deu
    )
    assert other.status_code == 403
    bad = await client.post(
        "/api/v1/states/FRA/questionnaire", json={"item_id": "B4.1", "answer": 1}, headers=fra
    )
    assert bad.status_code == 422
    made = await client.post(
        "/api/v1/states/FRA/questionnaire",
        json={"item_id": "B4.1", "answer": "partial"},
        headers=fra,
    )
    assert made.status_code == 201, made.text
    answer_id = made.json()["id"]
    assert (
        await client.get("/api/v1/states/FRA/questionnaire")
    ).json() == []  # public: accepted only
    assert len((await client.get("/api/v1/states/FRA/questionnaire", headers=fra)).json()) == 1
    reviewed = await client.post(
        f"/api/v1/questionnaire/answers/{answer_id}/review",
        json={"decision": "accept"},
        headers=reviewer,
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "accepted"
    public = (await client.get("/api/v1/states/FRA/questionnaire")).json()
    assert [a["evidence_grade"] for a in public] == ["E4"]


async def test_api_withdraw_answer(client: AsyncTestClient[Any], seeded: Database) -> None:
    fra, deu = await _key(seeded, "state", "FRA"), await _key(seeded, "state", "DEU")
    made = await client.post(
        "/api/v1/states/FRA/questionnaire", json={"item_id": "B4.1", "answer": "yes"}, headers=fra
    )
    answer_id = made.json()["id"]
    assert (
        await client.post(f"/api/v1/questionnaire/answers/{answer_id}/withdraw", headers=deu)
    ).status_code == 404
    done = await client.post(f"/api/v1/questionnaire/answers/{answer_id}/withdraw", headers=fra)
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    again = await client.post(f"/api/v1/questionnaire/answers/{answer_id}/withdraw", headers=fra)
    assert again.status_code == 409
