"""The submission workflow end to end through the API, and every forbidden move."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from registry.audit import chain
from registry.db import Database
from registry.objects.models import SpaceObject
from registry.submissions.models import Submission, SubmissionItem
from tests.api.conftest import Headers, sat

Client = AsyncTestClient[Any]


async def act(
    client: Client,
    headers: Headers,
    sub: dict[str, Any],
    action: str,
    body: Any = None,
    expect: int = 200,
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/submissions/{sub['id']}/{action}",
        headers={**headers, "If-Match": f'"{sub["version"]}"'},
        json=body,
    )
    assert response.status_code == expect, response.text
    return response.json()


async def create(
    client: Client, headers: Headers, *objects: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/submissions", headers=headers, json={"objects": list(objects), **extra}
    )
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"1"'
    return response.json()


async def publish_flow(
    client: Client, state: Headers, reviewer: Headers, *objects: dict[str, Any]
) -> dict[str, Any]:
    sub = await create(client, state, *objects)
    sub = await act(client, state, sub, "submit")
    sub = await act(client, reviewer, sub, "claim")
    sub = await act(client, reviewer, sub, "accept")
    return await act(client, reviewer, sub, "publish")


async def test_publication_creates_object_registration_document_and_version(
    client: Client, fra: Headers, reviewer: Headers
) -> None:
    sub = await publish_flow(client, fra, reviewer, sat("2025-001A"), sat("2025-001B"))
    assert sub["status"] == "published"
    assert sub["document"] == "ST/SG/SER.E/1"

    record = (await client.get("/api/v1/objects/2025-001A")).json()
    assert record["registrations"][0]["state"] == "FRA"
    assert record["registrations"][0]["document"] == "ST/SG/SER.E/1"
    assert record["documents"] == ["ST/SG/SER.E/1"]
    assert record["registered"] is True

    history = (await client.get("/api/v1/objects/2025-001A/history")).json()
    assert [v["version"] for v in history] == [1]
    assert history[0]["document"] == "ST/SG/SER.E/1"
    assert {"field": "registrations.FRA.apogee_km", "before": None, "after": 520.0} in history[0][
        "changes"
    ]

    document = (await client.get("/api/v1/documents/ST/SG/SER.E/1")).json()
    assert [o["international_designator"] for o in document["objects"]] == [
        "2025-001A",
        "2025-001B",
    ]

    second = await publish_flow(client, fra, reviewer, sat("2025-002A"))
    assert second["document"] == "ST/SG/SER.E/2"


async def test_returned_submission_is_corrected_and_resubmitted(
    client: Client, fra: Headers, reviewer: Headers
) -> None:
    sub = await create(client, fra, sat("2025-003A", nodal_period_min=80.7))
    assert any(f["code"] == "orbit.period_kepler_mismatch" for f in sub["objects"][0]["findings"])
    sub = await act(client, fra, sub, "submit")
    sub = await act(client, reviewer, sub, "claim")
    sub = await act(
        client, reviewer, sub, "return", {"note": "period does not match apogee/perigee"}
    )
    assert sub["status"] == "returned"
    assert sub["reviewer_note"] == "period does not match apogee/perigee"

    fixed = await client.patch(
        f"/api/v1/submissions/{sub['id']}",
        headers={**fra, "If-Match": f'"{sub["version"]}"'},
        json={"objects": [sat("2025-003A")]},
    )
    assert fixed.status_code == 200, fixed.text
    sub = fixed.json()
    assert not any(
        f["code"] == "orbit.period_kepler_mismatch" for f in sub["objects"][0]["findings"]
    )
    sub = await act(client, fra, sub, "submit")
    sub = await act(client, reviewer, sub, "claim")
    sub = await act(client, reviewer, sub, "accept")
    sub = await act(client, reviewer, sub, "publish")
    assert sub["status"] == "published"


async def test_forbidden_moves(
    client: Client, fra: Headers, deu: Headers, reviewer: Headers, reviewer2: Headers
) -> None:
    sub = await create(client, fra, sat("2025-004A"))
    # Another State cannot see, let alone submit, FRA's draft.
    await act(client, deu, sub, "submit", expect=404)
    assert (await client.get(f"/api/v1/submissions/{sub['id']}", headers=deu)).status_code == 404
    # The secretariat does not see a State's draft either.
    assert (
        await client.get(f"/api/v1/submissions/{sub['id']}", headers=reviewer)
    ).status_code == 404
    # Review moves before submission are conflicts; by a State they are forbidden.
    await act(client, fra, sub, "claim", expect=403)
    sub = await act(client, fra, sub, "submit")
    await act(client, fra, sub, "submit", expect=409)
    await act(client, reviewer, sub, "accept", expect=403)  # not claimed by this reviewer
    await act(client, reviewer, sub, "publish", expect=409)  # not accepted
    sub = await act(client, reviewer, sub, "claim")
    await act(client, reviewer2, sub, "accept", expect=403)  # someone else's claim
    await act(client, reviewer2, sub, "claim", expect=409)
    await act(client, reviewer, sub, "return", {"note": ""}, expect=422)  # a return needs a note
    delete = await client.delete(
        f"/api/v1/submissions/{sub['id']}", headers={**fra, "If-Match": f'"{sub["version"]}"'}
    )
    assert delete.status_code == 409  # only drafts are deleted
    sub = await act(client, fra, sub, "withdraw")
    assert sub["status"] == "withdrawn"
    await act(client, fra, sub, "submit", expect=409)


async def test_draft_delete_and_visibility(client: Client, fra: Headers, deu: Headers) -> None:
    sub = await create(client, fra, sat("2025-005A"))
    listed = (await client.get("/api/v1/submissions", headers=deu)).json()
    assert listed["total"] == 0
    assert (await client.get("/api/v1/submissions", headers=fra)).json()["total"] == 1
    assert (await client.get("/api/v1/submissions")).status_code == 401
    response = await client.delete(
        f"/api/v1/submissions/{sub['id']}", headers={**fra, "If-Match": '"1"'}
    )
    assert response.status_code == 204
    assert (await client.get(f"/api/v1/submissions/{sub['id']}", headers=fra)).status_code == 404


async def test_if_match_required_and_stale_version_rejected(client: Client, fra: Headers) -> None:
    sub = await create(client, fra, sat("2025-006A"))
    url = f"/api/v1/submissions/{sub['id']}"
    missing = await client.patch(url, headers=fra, json={"note": "x"})
    assert missing.status_code == 428
    first = await client.patch(url, headers={**fra, "If-Match": '"1"'}, json={"note": "first"})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    stale = await client.patch(url, headers={**fra, "If-Match": '"1"'}, json={"note": "second"})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert (await client.get(url, headers=fra)).json()["note"] == "first"


async def test_idempotent_create(client: Client, db: Database, fra: Headers) -> None:
    body = {"objects": [sat("2025-007A")]}
    headers = {**fra, "Idempotency-Key": "batch-7"}
    first = await client.post("/api/v1/submissions", headers=headers, json=body)
    again = await client.post("/api/v1/submissions", headers=headers, json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    other = await client.post(
        "/api/v1/submissions", headers=headers, json={"objects": [sat("2025-007B")]}
    )
    assert other.status_code == 422
    async with db.reader() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1


async def test_rejected_bulk_submission_writes_nothing(
    client: Client, db: Database, fra: Headers
) -> None:
    objects = [
        sat(f"2025-{100 + i // 20:03d}{'ABCDEFGHJKLMNPQRSTUVWXYZ'[i % 20]}") for i in range(300)
    ]
    objects[150]["apogee_km"] = 100.0  # below the perigee: an error
    response = await client.post("/api/v1/submissions", headers=fra, json={"objects": objects})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "objects[150].apogee_km"
    assert problem["errors"][0]["code"] == "orbit.apogee_below_perigee"
    async with db.reader() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0
        assert await session.scalar(sa.select(sa.func.count()).select_from(SubmissionItem)) == 0
    objects[150]["apogee_km"] = 520.0
    accepted = await client.post("/api/v1/submissions", headers=fra, json={"objects": objects})
    assert accepted.status_code == 201
    assert len(accepted.json()["objects"]) == 300


async def test_strict_input(client: Client, fra: Headers) -> None:
    for bad in (
        {"apogee_km": "520"},
        {"apogee_km": False},
        {"name": "nul\x00byte"},
        {"unknown_field": 1},
    ):
        response = await client.post(
            "/api/v1/submissions", headers=fra, json={"objects": [sat("2025-011A", **bad)]}
        )
        assert response.status_code in (400, 422), (bad, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_secretariat_enters_on_behalf_and_another_reviewer_reviews(
    client: Client, reviewer: Headers, reviewer2: Headers
) -> None:
    sub = await create(
        client, reviewer, sat("2025-012A"), state="FRA", note_verbale_date="2025-03-01"
    )
    assert sub["entered_by_secretariat"] is True and sub["state"] == "FRA"
    sub = await act(client, reviewer, sub, "submit")
    await act(client, reviewer, sub, "claim", expect=403)
    sub = await act(client, reviewer2, sub, "claim")
    sub = await act(client, reviewer2, sub, "accept")
    sub = await act(client, reviewer2, sub, "publish")
    assert sub["document"].startswith("ST/SG/SER.E/")


async def test_amendment_change_of_status_becomes_addendum_and_version(
    client: Client, fra: Headers, deu: Headers, reviewer: Headers
) -> None:
    await publish_flow(client, fra, reviewer, sat("2025-013A"))
    body = {
        "international_designator": "2025-013A",
        "amendment_type": "change_of_status",
        "changes": {"status": "decayed", "status_date": "2025-09-01T00:00:00Z"},
    }
    assert (await client.post("/api/v1/amendments", headers=deu, json=body)).status_code == 404
    created = await client.post("/api/v1/amendments", headers=fra, json=body)
    assert created.status_code == 201, created.text
    sub = created.json()
    sub = await act(client, fra, sub, "submit")
    sub = await act(client, reviewer, sub, "claim")
    sub = await act(client, reviewer, sub, "accept")
    sub = await act(client, reviewer, sub, "publish")
    assert sub["document"] == "ST/SG/SER.E/1/Add.1"
    record = (await client.get("/api/v1/objects/2025-013A")).json()
    assert record["status"] == "decayed" and record["version"] == 2
    history = (await client.get("/api/v1/objects/2025-013A/history")).json()
    assert history[1]["document"] == "ST/SG/SER.E/1/Add.1"
    assert {"field": "status", "before": "in_orbit", "after": "decayed"} in history[1]["changes"]
    correction = {**body, "amendment_type": "correction", "changes": {"apogee_km": 530.0}}
    sub = (await client.post("/api/v1/amendments", headers=fra, json=correction)).json()
    for who, action in (
        (fra, "submit"),
        (reviewer, "claim"),
        (reviewer, "accept"),
        (reviewer, "publish"),
    ):
        sub = await act(client, who, sub, action)
    assert sub["document"] == "ST/SG/SER.E/1/Corr.1"


async def test_same_state_cannot_register_twice_other_state_gets_warning(
    client: Client, fra: Headers, deu: Headers, reviewer: Headers
) -> None:
    await publish_flow(client, fra, reviewer, sat("2025-014A"))
    again = await client.post(
        "/api/v1/submissions", headers=fra, json={"objects": [sat("2025-014A")]}
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["code"] == "registration.duplicate"
    other = await create(
        client, deu, sat("2025-014A", launching_states=[{"state": "DEU", "role": "procured"}])
    )
    assert any(f["code"] == "registration.other_state" for f in other["objects"][0]["findings"])


async def test_concurrent_publications_get_distinct_numbers(
    client: Client, db: Database, fra: Headers, reviewer: Headers
) -> None:
    subs = []
    for i in range(6):
        sub = await create(client, fra, sat(f"2025-02{i}A"))
        sub = await act(client, fra, sub, "submit")
        sub = await act(client, reviewer, sub, "claim")
        subs.append(await act(client, reviewer, sub, "accept"))
    results = await asyncio.gather(*(act(client, reviewer, sub, "publish") for sub in subs))
    symbols = sorted(r["document"] for r in results)
    assert len(set(symbols)) == 6
    assert symbols == sorted(f"ST/SG/SER.E/{n}" for n in range(1, 7))
    async with db.reader() as session:
        assert (await chain.verify(session)).ok
        assert await session.scalar(sa.select(sa.func.count()).select_from(SpaceObject)) == 6


async def test_lookup_equals_live_record_after_each_change(
    client: Client, db: Database, fra: Headers, deu: Headers, reviewer: Headers
) -> None:
    from registry.objects import service

    await publish_flow(client, fra, reviewer, sat("2025-030A"))
    await publish_flow(
        client,
        deu,
        reviewer,
        sat("2025-030A", launching_states=[{"state": "DEU", "role": "procured"}]),
    )
    async with db.reader() as session:
        obj = await service.find_object(session, "2025-030A")
        live = await service.record_of(session, obj)
        stored = await service.get_record(session, "2025-030A")
    assert stored.pop("version") == 2
    assert stored == live
    assert [r["state"] for r in stored["registrations"]] == ["DEU", "FRA"]


async def test_submission_orbit_check_for_reviewers(
    client: Client, fra: Headers, deu: Headers, reviewer: Headers
) -> None:
    sub = await create(client, fra, sat("2025-040A", nodal_period_min=80.7))
    assert (
        await client.get(f"/api/v1/submissions/{sub['id']}/orbit-check", headers=deu)
    ).status_code == 404
    sub = await act(client, fra, sub, "submit")
    checks = (
        await client.get(f"/api/v1/submissions/{sub['id']}/orbit-check", headers=reviewer)
    ).json()
    assert checks[0]["kepler"]["relative_difference"] < -0.1  # 80.7 min declared, ~94.9 min implied
    assert (
        checks[0]["comparison"] is None and checks[0]["reason"] == "no element sets for this object"
    )
