"""Faults: the database restarted under traffic, the server killed mid-submission, a read-only or
full database. Each must end in a clean 503 (or a complete retry), never a half-written change."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlmodel import col

from registry.audit import chain
from registry.db import Database
from registry.submissions.models import Submission, SubmissionItem
from tests.production.conftest import (
    PostgresCluster,
    free_port,
    make_state_key,
    new_pg_database,
    off_loop,
    sat,
    served,
    settings_for,
)
from web.app import create_app

#: The fault tests make bursts of requests from one key: keep the rate limiter out of the way.
UNLIMITED = {"SPACEREG_RATE_LIMIT_KEY_PER_MINUTE": "1000000"}


def bulk(count: int, year: int = 2025) -> dict[str, Any]:
    """A submission of ``count`` distinct, valid objects."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    objects = [
        sat(f"{year}-{100 + i // len(letters):03d}{letters[i % len(letters)]}")
        for i in range(count)
    ]
    return {"objects": objects, "note": "bulk"}


async def submissions_with_key(url: str, key: str) -> list[tuple[int, int]]:
    """(submission id, item count) of every submission made with this idempotency key."""
    db = Database(settings_for(url))
    try:
        async with db.reader() as session:
            rows = await session.execute(
                sa.select(col(Submission.id), sa.func.count(col(SubmissionItem.id)))
                .outerjoin(SubmissionItem, col(SubmissionItem.submission_id) == col(Submission.id))
                .where(col(Submission.idempotency_key) == key)
                .group_by(col(Submission.id))
            )
            return [(int(i or 0), int(n)) for i, n in rows]
    finally:
        await db.dispose()


async def audit_state(url: str) -> tuple[bool, int]:
    db = Database(settings_for(url))
    try:
        async with db.reader() as session:
            result = await chain.verify(session)
        return result.ok, result.entries
    finally:
        await db.dispose()


def assert_clean_503(response: httpx.Response | Any) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["status"] == 503


# --- PostgreSQL restarted under traffic -----------------------------------------------------


@pytest.mark.slow
def test_postgres_restart_under_traffic_fails_cleanly_and_recovers(
    private_postgres: PostgresCluster,
    pg_template: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = new_pg_database(private_postgres, pg_template)
    secret = off_loop(asyncio.run, make_state_key(url))
    headers = {"Authorization": f"Bearer {secret}"}
    for name, value in UNLIMITED.items():
        monkeypatch.setenv(name, value)

    outcomes: list[tuple[float, str, int | str, httpx.Response | None]] = []
    stop = threading.Event()

    def traffic(base: str) -> None:
        n = 0
        with httpx.Client(base_url=base, timeout=20) as client:
            while not stop.is_set():
                n += 1
                try:
                    if n % 3 == 0:
                        body = {"objects": [sat(f"2024-{n % 1000:03d}A")]}
                        r = client.post("/api/v1/submissions", json=body, headers=headers)
                        kind = "write"
                    elif n % 3 == 1:
                        r = client.get("/api/v1/submissions", headers=headers)
                        kind = "read"
                    else:
                        r = client.get("/ready")
                        kind = "ready"
                    outcomes.append((time.monotonic(), kind, r.status_code, r))
                except httpx.TransportError as exc:
                    outcomes.append((time.monotonic(), "transport", type(exc).__name__, None))
                time.sleep(0.02)

    with served(url, tmp_path / "server.log", workers=2) as server:
        worker = threading.Thread(target=traffic, args=(server.base,), daemon=True)
        worker.start()
        try:
            time.sleep(2)
            stopped_at = time.monotonic()
            private_postgres.stop("fast")
            time.sleep(3)
            private_postgres.start()
            restarted_at = time.monotonic()
            # Recovered: a read and a write both succeed again, by themselves, soon.
            deadline = restarted_at + 30
            recovered_at = None
            while time.monotonic() < deadline:
                after = [(k, s) for t, k, s, _ in list(outcomes) if t > restarted_at]
                if ("write", 201) in after and ("read", 200) in after and ("ready", 200) in after:
                    recovered_at = time.monotonic()
                    break
                time.sleep(0.2)
            time.sleep(0.5)
        finally:
            stop.set()
            worker.join(timeout=30)
            if not private_postgres.running():
                private_postgres.start()
        assert server.process.poll() is None, "the server died with the database"

    before = [o for o in outcomes if o[0] < stopped_at]
    during = [o for o in outcomes if stopped_at <= o[0] < restarted_at]
    assert before and all(s in (200, 201) for _, _, s, _ in before), Counter(
        s for *_, s, _ in before
    )
    assert all(kind != "transport" for _, kind, _, _ in outcomes), "a request lost its connection"
    statuses = Counter(s for _, _, s, _ in outcomes)
    assert set(statuses) <= {200, 201, 503}, statuses
    failures = [r for _, _, s, r in outcomes if s == 503]
    assert any(s == 503 for _, _, s, _ in during), "no request saw the outage"
    for response in failures:
        assert_clean_503(response)
    assert recovered_at is not None, "the service did not recover within 30 s of the restart"
    ok, _ = off_loop(asyncio.run, audit_state(url))
    assert ok


# --- SIGKILL during a 500-object submission --------------------------------------------------


def _sqlite_writer_busy(path: Path) -> bool:
    """Whether another connection holds the write lock (a write transaction is open)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _wait_until(probe: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(params=["sqlite", "postgresql"])
def kill_target(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[tuple[str, Callable[[], bool]]]:
    """A database URL and a probe that is true while the submission's transaction is open."""
    if request.param == "sqlite":
        import shutil

        path = tmp_path / "register.db"
        shutil.copy(sqlite_template, path)
        # Twice in a row: one short rate-limit or session write must not be taken for it.
        seen = [False]

        def probe() -> bool:
            busy = _sqlite_writer_busy(path)
            held, seen[0] = seen[0] and busy, busy
            return held

        yield f"sqlite:///{path}", probe
        return
    cluster: PostgresCluster = request.getfixturevalue("private_postgres")
    url = new_pg_database(cluster, request.getfixturevalue("pg_template"))
    database = url.rsplit("/", 1)[1]

    def pg_probe() -> bool:
        rows = cluster.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND query ILIKE '%submission%' "
            "AND pid <> pg_backend_pid()",
            database,
        )
        return bool(rows)

    yield url, pg_probe


@pytest.mark.slow
def test_sigkill_during_bulk_submission_then_retry_completes_exactly_once(
    kill_target: tuple[str, Callable[[], bool]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, in_transaction = kill_target
    secret = off_loop(asyncio.run, make_state_key(url))
    for name, value in UNLIMITED.items():
        monkeypatch.setenv(name, value)
    key = f"bulk-{uuid.uuid4()}"
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": key}
    body = bulk(500)
    port = free_port()
    result: dict[str, Any] = {}

    def send(base: str) -> None:
        try:
            result["response"] = httpx.post(
                base + "/api/v1/submissions", json=body, headers=headers, timeout=120
            )
        except httpx.TransportError as exc:
            result["error"] = exc

    with served(url, tmp_path / "first.log", port=port) as server:
        client = threading.Thread(target=send, args=(server.base,), daemon=True)
        client.start()
        _wait_until(in_transaction, 60, "the submission's transaction to start")
        server.kill()
        client.join(timeout=30)
    assert "error" in result, f"the request finished before the kill: {result}"

    found = off_loop(asyncio.run, submissions_with_key(url, key))
    assert found in ([], [(found[0][0], 500)] if found else []), f"half-written: {found}"

    with served(url, tmp_path / "second.log", port=port) as server:
        retry = httpx.post(
            server.base + "/api/v1/submissions", json=body, headers=headers, timeout=120
        )
        assert retry.status_code == (200 if found else 201), retry.text
        assert len(retry.json()["objects"]) == 500
        again = httpx.post(
            server.base + "/api/v1/submissions", json=body, headers=headers, timeout=120
        )
        assert again.status_code == 200 and again.json()["id"] == retry.json()["id"]

    [(_, items)] = off_loop(asyncio.run, submissions_with_key(url, key))
    assert items == 500
    ok, _ = off_loop(asyncio.run, audit_state(url))
    assert ok


# --- read-only and full databases ------------------------------------------------------------


def _limit_sqlite(db: Database, pragma: str) -> None:
    """Test-only: apply a PRAGMA on every new connection of this Database's engine.

    As root (as in CI containers) chmod cannot make a file read-only, so ``query_only`` stands in
    for it: SQLite answers writes with the same SQLITE_READONLY error either way.
    """

    @sa.event.listens_for(db.engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(pragma)
        cursor.close()


async def _post_bulk(db: Database, headers: dict[str, str], count: int) -> Any:
    async with AsyncTestClient(app=create_app(db.settings, database=db)) as client:
        response = await client.post("/api/v1/submissions", json=bulk(count), headers=headers)
        public = await client.get("/api/v1/states")
        return response, public


async def _write_counts(url: str) -> tuple[int, int, int]:
    db = Database(settings_for(url))
    try:
        async with db.reader() as session:
            subs = await session.scalar(sa.select(sa.func.count()).select_from(Submission))
            items = await session.scalar(sa.select(sa.func.count()).select_from(SubmissionItem))
        ok, entries = await audit_state(url)
        assert ok
        return subs or 0, items or 0, entries
    finally:
        await db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def read_only_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[tuple[str, str]]:
    """(URL, how to make it read-only) on each backend."""
    if request.param == "sqlite":
        import shutil

        path = tmp_path / "register.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}", "PRAGMA query_only = ON"
        return
    cluster: PostgresCluster = request.getfixturevalue("private_postgres")
    url = new_pg_database(cluster, request.getfixturevalue("pg_template"))
    yield url, f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET default_transaction_read_only = on"


async def test_read_only_database_gives_a_clear_503_and_writes_nothing(
    read_only_url: tuple[str, str],
) -> None:
    url, make_read_only = read_only_url
    secret = await make_state_key(url)
    before = await _write_counts(url)
    db = Database(settings_for(url))
    try:
        if db.is_sqlite:
            _limit_sqlite(db, make_read_only)
        else:
            cluster_admin = db.engine.url.set(database="postgres").render_as_string(False)
            await _admin(cluster_admin, make_read_only)
        response, public = await _post_bulk(db, {"Authorization": f"Bearer {secret}"}, 20)
    finally:
        await db.dispose()
    assert_clean_503(response)
    assert "read-only" in response.json()["detail"]
    assert public.status_code == 200, "reads stop working when writes cannot be made"
    assert await _write_counts(url) == before


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def test_full_database_gives_a_clear_503_and_writes_nothing(
    tmp_path: Path, sqlite_template: Path
) -> None:
    import shutil

    path = tmp_path / "register.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    secret = await make_state_key(url)
    before = await _write_counts(url)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    db = Database(settings_for(url))
    try:
        # Room for a few pages (a session or rate-limit row), not for 300 objects.
        _limit_sqlite(db, f"PRAGMA max_page_count = {pages + 4}")
        response, public = await _post_bulk(db, {"Authorization": f"Bearer {secret}"}, 300)
    finally:
        await db.dispose()
    assert_clean_503(response)
    assert "full" in response.json()["detail"]
    assert public.status_code == 200
    assert await _write_counts(url) == before


async def test_import_into_a_full_database_rolls_back(
    tmp_path: Path, sqlite_template: Path
) -> None:
    import shutil

    from registry.backup import BackupError, export_archive, import_archive
    from tests.production.conftest import populate

    source = tmp_path / "source.db"
    shutil.copy(sqlite_template, source)
    await populate(f"sqlite:///{source}")
    archive = tmp_path / "backup.zip"
    db = Database(settings_for(f"sqlite:///{source}"))
    try:
        # More than the States rows the import deletes first, whose pages it may reuse.
        secret = await make_state_key(f"sqlite:///{source}")
        created, _ = await _post_bulk(db, {"Authorization": f"Bearer {secret}"}, 300)
        assert created.status_code == 201, created.text
        await export_archive(db, archive)
    finally:
        await db.dispose()

    target = tmp_path / "target.db"
    shutil.copy(sqlite_template, target)
    with sqlite3.connect(target) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    db = Database(settings_for(f"sqlite:///{target}"))
    try:
        _limit_sqlite(db, f"PRAGMA max_page_count = {pages + 4}")
        with pytest.raises(BackupError, match="database or disk is full"):
            await import_archive(db, archive)
    finally:
        await db.dispose()
    assert await _write_counts(f"sqlite:///{target}") == (0, 0, 0)
