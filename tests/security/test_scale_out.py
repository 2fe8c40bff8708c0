"""Two `spacereg serve` processes on two ports sharing one PostgreSQL: nothing that matters is
held in a process. A workflow alternates between them; a session made on one is used on the
other; a key's rate limit counts requests to both; writes on one are read on the other.

Needs SPACEREG_TEST_DATABASE_URL (skips without it).
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM
from registry.db import Database
from tests.api.conftest import sat
from tests.conftest import _settings, _truncate

ROOT = Path(__file__).resolve().parents[2]
KEY_LIMIT = 40
PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {base} exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {base} did not answer /health in {timeout_s} s")


@pytest.fixture(scope="module")
def two_servers(postgres_ready: str) -> Iterator[tuple[str, str]]:
    env = {
        **os.environ,
        "DATABASE_URL": postgres_ready,
        "SPACEREG_SECRET_KEY": "scale-out-secret-" + "x" * 32,
        "SPACEREG_PRODUCTION": "1",
        "SPACEREG_RATE_LIMIT_KEY_PER_MINUTE": str(KEY_LIMIT),
        "SPACEREG_OFFLINE": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "web",
                        "serve",
                        "--port",
                        str(port),
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            _wait_healthy(base, process)
        yield bases[0], bases[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
async def pg(postgres_ready: str) -> AsyncIterator[Database]:
    database = Database(_settings(postgres_ready))
    await _truncate(database)
    yield database
    await database.dispose()


@asynccontextmanager
async def db_user(db: Database) -> AsyncIterator[str]:
    """A State officer with a password, for the browser-session part."""
    async with db.writer() as session:
        user = await accounts.create_user(
            session,
            SYSTEM,
            email="officer.scale@test.org",
            role="state",
            state_code="FRA",
            password=PASSWORD,
        )
    yield user.email


async def _key(db: Database, role: str, state: str | None, name: str) -> dict[str, str]:
    async with db.writer() as session:
        new = await accounts.create_key(session, SYSTEM, name=name, role=role, state_code=state)
    return {"Authorization": f"Bearer {new.secret}"}


@pytest.mark.slow
async def test_workflow_sessions_limits_and_reads_across_two_processes(
    two_servers: tuple[str, str], pg: Database
) -> None:
    a, b = two_servers
    fra = await _key(pg, "state", "FRA", "fra")
    reviewer = await _key(pg, "secretariat", None, "reviewer")
    async with db_user(pg) as email, httpx.AsyncClient(timeout=10) as http:

        async def call(base: str, method: str, path: str, headers: Any, **kw: Any) -> Any:
            response = await http.request(method, base + path, headers=headers, **kw)
            assert response.status_code < 300, f"{method} {base}{path}: {response.text}"
            return response.json() if response.content else None

        # A public list read on B before the change, so B holds it in its response cache.
        before = await call(b, "GET", "/api/v1/objects?q=TESTSAT", {})
        assert before["total"] == 0

        # The workflow, alternating: create on A, submit on B, claim on A, accept on B, publish on A.
        sub = await call(
            a, "POST", "/api/v1/submissions", fra, json={"objects": [sat("2025-077A")]}
        )
        for base, who, action in (
            (b, fra, "submit"),
            (a, reviewer, "claim"),
            (b, reviewer, "accept"),
            (a, reviewer, "publish"),
        ):
            # The ETag comes from the other process's last answer: versions live in the database.
            sub = await call(
                base,
                "POST",
                f"/api/v1/submissions/{sub['id']}/{action}",
                {**who, "If-Match": f'"{sub["version"]}"'},
            )
        assert sub["status"] == "published" and sub["document"] == "ST/SG/SER.E/1"
        # A stale If-Match is refused on either process.
        stale = await http.post(
            f"{b}/api/v1/submissions/{sub['id']}/withdraw",
            headers={**fra, "If-Match": '"1"'},
        )
        assert stale.status_code in (409, 412)

        # Reads on B reflect the writes made on A: the authenticated view at once; the cached
        # public list once B hears the commit (PostgreSQL NOTIFY), which the loop allows 2 s for.
        seen = await call(b, "GET", f"/api/v1/submissions/{sub['id']}", fra)
        assert seen["status"] == "published"
        deadline = time.monotonic() + 2
        while (after := await call(b, "GET", "/api/v1/objects?q=TESTSAT", {}))["total"] == 0:
            assert time.monotonic() < deadline, "B kept serving the list from before the write"
            await asyncio.sleep(0.05)
        assert after["items"][0]["international_designator"] == "2025-077A"

        # A job queued on A is visible, with its state, on B.
        job = await call(a, "POST", "/api/v1/jobs", reviewer, json={"kind": "fetch-satcat"})
        assert (await call(b, "GET", f"/api/v1/jobs/{job['id']}", reviewer))["state"] == "queued"

        # A browser session made on A works on B (same secret, nothing kept in process).
        login_page = await http.get(f"{a}/login")
        token = TOKEN.search(login_page.text)
        assert token is not None
        signed_in = await http.post(
            f"{a}/login",
            data={"email": email, "password": PASSWORD, "_csrf_token": token.group(1), "next": ""},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303, signed_in.text
        portal = await http.get(f"{b}/portal")
        assert portal.status_code == 200 and email in portal.text

        # One key's limit counts requests to both processes.
        counted = await _key(pg, "state", "DEU", "counted")
        codes = [
            (await http.get(f"{(a, b)[i % 2]}/api/v1/submissions", headers=counted)).status_code
            for i in range(KEY_LIMIT + 4)
        ]
        assert codes[:KEY_LIMIT] == [200] * KEY_LIMIT
        assert codes[KEY_LIMIT:] == [429] * 4
