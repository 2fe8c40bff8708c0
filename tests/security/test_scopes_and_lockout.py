"""API key scopes, and the login lockout holding across two app instances."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient

from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM
from registry.db import Database
from registry.errors import ValidationFailed
from tests.api.conftest import Headers, sat
from tests.security.conftest import Client
from tests.web.conftest import sign_in
from tests.web.seed import seed
from web.app import create_app
from web.cli import main
from web.sessions import MAX_FAILURES


async def _key(db: Database, role: str, state: str | None, scopes: str | None) -> Headers:
    async with db.writer() as session:
        new = await accounts.create_key(
            session, SYSTEM, name=f"{role}-{scopes}", role=role, state_code=state, scopes=scopes
        )
    return {"Authorization": f"Bearer {new.secret}"}


async def test_read_only_key_reads_but_cannot_write(client: Client, db: Database) -> None:
    reader = await _key(db, "state", "FRA", "read")
    assert (await client.get("/api/v1/submissions", headers=reader)).status_code == 200
    refused = await client.post("/api/v1/submissions", headers=reader, json={"objects": [sat()]})
    assert refused.status_code == 403
    assert "scope submit" in refused.json()["detail"]


async def test_submit_scope_cannot_review_even_for_the_secretariat(
    client: Client, db: Database, fra: Headers
) -> None:
    entering = await _key(db, "secretariat", None, "read submit")
    reviewing = await _key(db, "secretariat", None, "read review")
    sub = (await client.post("/api/v1/submissions", headers=fra, json={"objects": [sat()]})).json()
    await client.post(f"/api/v1/submissions/{sub['id']}/submit", headers={**fra, "If-Match": "*"})
    refused = await client.post(
        f"/api/v1/submissions/{sub['id']}/claim", headers={**entering, "If-Match": "*"}
    )
    assert refused.status_code == 403 and "scope review" in refused.json()["detail"]
    claimed = await client.post(
        f"/api/v1/submissions/{sub['id']}/claim", headers={**reviewing, "If-Match": "*"}
    )
    assert claimed.status_code == 200, claimed.text


async def test_scopes_beyond_the_role_or_unknown_are_refused(db: Database) -> None:
    async with db.writer() as session:
        with pytest.raises(ValidationFailed, match="cannot have the scope review"):
            await accounts.create_key(
                session, SYSTEM, name="x", role="state", state_code="FRA", scopes="read review"
            )
        with pytest.raises(ValidationFailed, match="unknown scope"):
            await accounts.create_key(
                session, SYSTEM, name="x", role="admin", state_code=None, scopes="everything"
            )


def test_cli_creates_a_scoped_key(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db.settings.database_url)
    from registry.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            main,
            [
                "keys",
                "create",
                "--role",
                "state",
                "--state",
                "FRA",
                "--name",
                "ro",
                "--scopes",
                "read",
            ],
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("sr_")


async def test_lockout_counts_failures_made_on_either_app_instance(db: Database) -> None:
    seeded = await seed(db)
    async with (
        AsyncTestClient(app=create_app(db.settings)) as a,
        AsyncTestClient(app=create_app(db.settings)) as b,
    ):
        for i in range(MAX_FAILURES):
            wrong = await sign_in(a if i % 2 == 0 else b, seeded.reviewer, "guess")
            assert wrong.status_code == 401
        locked = await sign_in(b, seeded.reviewer)
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) > 60
