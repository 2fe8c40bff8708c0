"""Browser tests' machinery: a seeded register served by a real ``python -m web serve`` on a free
port, and Debian's chromium driven by Playwright (never a downloaded browser build).

The register is the page tests' small seed (tests/web/seed.py) in a temporary SQLite file, plus a
draft of another State for the ownership check. The server runs as a subprocess in its own
process group and is stopped by that group's id when the session ends.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 60


@dataclass(frozen=True)
class LiveRegister:
    base: str
    database_url: str
    officer_fra: str
    officer_deu: str
    reviewer: str
    password: str
    fra_symbol: str
    #: A draft of DEU's that FRA's officer must not be able to open.
    deu_draft_id: int


def chromium() -> str:
    """Debian's chromium on PATH, or skip the browser tests saying why."""
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium is not on PATH (Debian: apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _seed(url: str) -> tuple[Any, int]:
    from registry.accounts import service as accounts
    from registry.accounts.models import User
    from registry.db import Database
    from registry.objects.schemas import ObjectIn
    from registry.settings import Settings
    from registry.submissions import service as submissions
    from registry.submissions.schemas import SubmissionCreate
    from tests.api.conftest import sat
    from tests.web.seed import seed

    db = Database(Settings(database_url=url))
    try:
        seeded = await seed(db)
        async with db.writer() as session:
            user = await session.scalar(sa.select(User).where(User.email == seeded.officer_deu))
            assert user is not None, "the seed has no DEU officer"
            body = SubmissionCreate(
                objects=[
                    ObjectIn.model_validate_json(
                        json.dumps(
                            sat(
                                "2025-077A",
                                name="DEU DRAFT",
                                launching_states=[{"state": "DEU", "role": "launched"}],
                            )
                        )
                    )
                ]
            )
            draft, _ = await submissions.create(session, accounts.principal_for_user(user), body)
            return seeded, int(draft.id or 0)
    finally:
        await db.dispose()


def _wait_until_serving(proc: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"the server exited with {proc.returncode}: {err[-2000:]}")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health within {SERVER_START_S} s")


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def serve(url: str, *, secret: str = "browser-tests-secret") -> tuple[str, ServerProcess]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SPACEREG_SECRET_KEY": secret}
    env.pop("SPACEREG_INPROCESS_WORKER", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    server = ServerProcess(proc)
    try:
        _wait_until_serving(proc, base)
    except BaseException:
        server.stop()
        raise
    return base, server


@pytest.fixture(scope="module")
def live_register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRegister]:
    chromium()
    from registry import migrate
    from registry.settings import Settings
    from tests.web.seed import PASSWORD

    url = f"sqlite:///{tmp_path_factory.mktemp('browser')}/register.db"

    def prepare() -> tuple[Any, int]:
        migrate.upgrade(Settings(database_url=url))
        return asyncio.run(_seed(url))

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        seeded, draft_id = pool.submit(prepare).result()
    base, server = serve(url)
    try:
        yield LiveRegister(
            base=base,
            database_url=url,
            officer_fra=seeded.officer_fra,
            officer_deu=seeded.officer_deu,
            reviewer=seeded.reviewer,
            password=PASSWORD,
            fra_symbol=seeded.fra_symbol,
            deu_draft_id=draft_id,
        )
    finally:
        server.stop()


# Module scope: Playwright's sync API keeps an event loop running in this thread while it lives,
# which would stop the async tests of later modules from starting theirs.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (no cookies), English first, 1280x900."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    try:
        yield ctx
    finally:
        ctx.close()


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert "/login" not in page.url, f"sign-in as {email} failed"


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
