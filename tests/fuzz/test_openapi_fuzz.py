"""Schemathesis against the OpenAPI document of the app, in-process: every operation, as each role.

Zero 5xx, and every response is declared (status, content type, schema) for its operation. The
app runs over a throw-away SQLite register holding one published registration, so lookups find
something; fuzzed writes change only that copy. Bounded: EXAMPLES per operation and role.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from registry import migrate
from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM
from registry.db import Database
from registry.settings import Settings
from web.app import create_app

EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_KEYS: dict[str, dict[str, str]] = {}


async def _prepare(settings: Settings) -> None:
    from tests.api.conftest import sat

    db = Database(settings)
    try:
        async with db.writer() as session:
            for role, state in (("state", "FRA"), ("secretariat", None), ("admin", None)):
                new = await accounts.create_key(
                    session, SYSTEM, name=f"fuzz-{role}", role=role, state_code=state
                )
                _KEYS[role] = {"Authorization": f"Bearer {new.secret}"}
    finally:
        await db.dispose()
    # One registration through the real workflow, with a second reviewer to publish it.
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=create_app(settings)) as client:
        sub = (
            await client.post(
                "/api/v1/submissions", headers=_KEYS["state"], json={"objects": [sat()]}
            )
        ).json()
        for action, who in (
            ("submit", "state"),
            ("claim", "secretariat"),
            ("accept", "secretariat"),
            ("publish", "secretariat"),
        ):
            response = await client.post(
                f"/api/v1/submissions/{sub['id']}/{action}",
                headers={**_KEYS[who], "If-Match": "*"},
            )
            assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = tmp_path_factory.mktemp("fuzz") / "register.db"
    settings = Settings(
        database_url=f"sqlite:///{path}",
        secret_key="fuzz-secret",
        rate_limit_key_per_minute=1_000_000,
        rate_limit_address_per_minute=1_000_000,
    )
    migrate.upgrade(settings)
    asyncio.run(_prepare(settings))
    return schemathesis.openapi.from_asgi("/schema/openapi.json", create_app(settings))


@pytest.mark.slow
@pytest.mark.parametrize("role", ["public", "state", "secretariat", "admin"])
def test_every_operation_as_every_role(api_schema: Any, role: str) -> None:
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        # Valid requests and deliberately invalid ones (wrong types, missing fields) alike.
        @given(
            case=operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE)
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=_KEYS.get(role, {}), checks=CHECKS)

        try:
            run()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:2000]}")
    assert operations >= 40
    assert not failures, "\n\n".join(failures)
