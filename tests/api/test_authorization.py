"""Role x endpoint: who may read and do what, including cross-State attempts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import Headers, sat
from tests.api.test_workflow import publish_flow

ROLES = ("public", "fra", "deu", "secretariat", "admin")

# (method, path template, body, expected status per role)
MATRIX: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/api/v1/objects", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/objects/2025-100A", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/objects/2025-100A/history", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/states", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/states/FRA", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/documents", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/documents/ST/SG/SER.E/1", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/api/v1/audit/head", None, dict.fromkeys(ROLES, 200)),
    (
        "GET",
        "/api/v1/audit",
        None,
        {"public": 401, "fra": 403, "deu": 403, "secretariat": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions",
        None,
        {"public": 401, "fra": 200, "deu": 200, "secretariat": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{draft}",
        None,
        {"public": 401, "fra": 200, "deu": 404, "secretariat": 404, "admin": 404},
    ),
    (
        "GET",
        "/api/v1/submissions/{submitted}",
        None,
        {"public": 401, "fra": 200, "deu": 404, "secretariat": 200, "admin": 200},
    ),
    (
        "PATCH",
        "/api/v1/submissions/{draft}",
        {"note": "n"},
        {"public": 401, "fra": 200, "deu": 404, "secretariat": 404, "admin": 404},
    ),
    (
        "POST",
        "/api/v1/submissions/{draft}/submit",
        None,
        {"public": 401, "fra": 200, "deu": 404, "secretariat": 404, "admin": 404},
    ),
    (
        "POST",
        "/api/v1/submissions/{submitted}/claim",
        None,
        {"public": 401, "fra": 403, "deu": 404, "secretariat": 200, "admin": 403},
    ),
    (
        "POST",
        "/api/v1/submissions/{submitted}/withdraw",
        None,
        {"public": 401, "fra": 200, "deu": 404, "secretariat": 403, "admin": 403},
    ),
    (
        "POST",
        "/api/v1/submissions",
        {"objects": [sat("2025-101A")]},
        {"public": 401, "fra": 201, "deu": 201, "secretariat": 422, "admin": 403},
    ),
    (
        "POST",
        "/api/v1/amendments",
        {
            "international_designator": "2025-100A",
            "amendment_type": "additional_information",
            "changes": {"web_link": "https://example.org/x"},
        },
        {"public": 401, "fra": 201, "deu": 404, "secretariat": 422, "admin": 403},
    ),
]


@pytest.mark.parametrize("role", ROLES)
async def test_matrix(
    role: str,
    client: AsyncTestClient[Any],
    make_key: Callable[..., Awaitable[Headers]],
    fra: Headers,
    reviewer: Headers,
) -> None:
    headers = {
        "public": {},
        "fra": fra,
        "deu": await make_key("state", "DEU"),
        "secretariat": await make_key("secretariat", name="other-reviewer"),
        "admin": await make_key("admin"),
    }[role]
    await publish_flow(client, fra, reviewer, sat("2025-100A"))
    failures = []
    for method, template, body, expected in MATRIX:
        # Fresh submissions for every row, so one row's move does not change the next row's state.
        draft = (
            await client.post(
                "/api/v1/submissions", headers=fra, json={"objects": [sat("2025-102A")]}
            )
        ).json()
        submitted = (
            await client.post(
                "/api/v1/submissions", headers=fra, json={"objects": [sat("2025-103A")]}
            )
        ).json()
        submitted = (
            await client.post(
                f"/api/v1/submissions/{submitted['id']}/submit", headers={**fra, "If-Match": '"1"'}
            )
        ).json()
        path = template.format(draft=draft["id"], submitted=submitted["id"])
        version = submitted["version"] if "{submitted}" in template else draft["version"]
        response = await client.request(
            method, path, headers={**headers, "If-Match": f'"{version}"'}, json=body
        )
        if response.status_code != expected[role]:
            failures.append(
                f"{method} {template}: {response.status_code} (expected {expected[role]}) {response.text[:120]}"
            )
        for sub in (draft, submitted):  # clean up so designators stay free for the next row
            await client.post(
                f"/api/v1/submissions/{sub['id']}/withdraw", headers={**fra, "If-Match": "*"}
            )
            await client.delete(
                f"/api/v1/submissions/{sub['id']}", headers={**fra, "If-Match": "*"}
            )
    assert not failures, "\n".join(failures)


async def test_invalid_or_malformed_key_is_401(client: AsyncTestClient[Any]) -> None:
    for header in ("Bearer sr_not-a-key", "Basic abc", "Bearer "):
        response = await client.get("/api/v1/objects", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["content-type"].startswith("application/problem+json")
