"""Production fixtures: a private PostgreSQL cluster, a served spacereg, a register with every table.

The cluster is this test session's own (``initdb`` + ``pg_ctl`` on a free port in a temporary
directory), never a shared server: the fault tests stop and restart it under traffic.
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
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("SPACEREG_PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTHON = sys.executable
#: Registers the backup commands for the subprocess even before web/cli/__init__.py lists them.
CLI = (
    "from web.cli import COMMANDS, main;"
    "COMMANDS.setdefault('export', 'web.cli.backup:export_command');"
    "COMMANDS.setdefault('import', 'web.cli.backup:import_command');"
    "main()"
)


def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking code that starts its own event loop, even from inside a running one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_for(url: str) -> Any:
    from registry.settings import Settings

    return Settings(database_url=url, secret_key="test-secret")


def spacereg(url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the command line in its own process, as an operator would."""
    env = {**os.environ, "DATABASE_URL": url, "SPACEREG_OFFLINE": "1"}
    return subprocess.run(
        [PYTHON, "-c", CLI, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


# --- a private PostgreSQL cluster ------------------------------------------------------------


class PostgresCluster:
    """One throw-away cluster: trust authentication on 127.0.0.1 only, data in a temp folder."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.log = base / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [*(["runuser", "-u", "postgres", "--"] if self._as_postgres else []), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    def init(self) -> None:
        if self._as_postgres:
            shutil.chown(self.base, "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
            "-c fsync=off -c max_connections=60"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            [
                *(["runuser", "-u", "postgres", "--"] if self._as_postgres else []),
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "status",
            ],
            capture_output=True,
        )
        return status.returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[Any]:
        import asyncpg

        async def run() -> list[Any]:
            conn = await asyncpg.connect(self.url(database))
            try:
                return list(await conn.fetch(sql))
            finally:
                await conn.close()

        return off_loop(asyncio.run, run())


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PostgresCluster]:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL server binaries (initdb, pg_ctl) not found in {PG_BIN}")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot run initdb as the postgres user")
    base = Path(tempfile.mkdtemp(prefix="spacereg-pg-"))
    cluster = PostgresCluster(base)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.data.exists() and cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(private_postgres: PostgresCluster) -> str:
    """A migrated, seeded database used as the template of each test's own database."""
    from registry import migrate

    private_postgres.execute("CREATE DATABASE spacereg_template")
    off_loop(migrate.upgrade, settings_for(private_postgres.url("spacereg_template")))
    return "spacereg_template"


_counter = iter(range(1_000_000))


def new_pg_database(cluster: PostgresCluster, template: str | None) -> str:
    name = f"t{os.getpid()}_{next(_counter)}"
    cluster.execute(
        f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else " TEMPLATE template0")
    )
    return cluster.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, seeded, otherwise empty database on each backend (PostgreSQL: the private cluster)."""
    if request.param == "sqlite":
        path = tmp_path / "register.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    cluster = request.getfixturevalue("private_postgres")
    return new_pg_database(cluster, request.getfixturevalue("pg_template"))


# --- a served spacereg -----------------------------------------------------------------------


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL the server and everything it started: no shutdown code runs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_healthy(
    base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy after {timeout} s: {log.read_text()[-2000:]}")


@contextmanager
def served(url: str, log: Path, *, workers: int = 1, port: int | None = None) -> Iterator[Served]:
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SPACEREG_SECRET_KEY": "test-secret",
        "SPACEREG_OFFLINE": "1",
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "web",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(server.base, process, log)
        yield server
    finally:
        server.stop()


# --- a register with a row in every table the issue names ----------------------------------

ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   26190.51782528  .00016717  00000-0  30245-3 0  9995
2 25544  51.6393 208.9163 0004997 126.5371 330.2415 15.50377579  2001
"""


def sat(designator: str, **overrides: Any) -> dict[str, Any]:
    from tests.api.conftest import sat as api_sat

    return api_sat(designator, **overrides)


async def make_state_key(url: str, state: str = "FRA") -> str:
    from registry.accounts import service as accounts
    from registry.accounts.principal import SYSTEM
    from registry.db import Database

    db = Database(settings_for(url))
    try:
        async with db.writer() as session:
            new = await accounts.create_key(
                session, SYSTEM, name=f"{state} officer", role="state", state_code=state
            )
        return new.secret
    finally:
        await db.dispose()


async def populate(url: str) -> dict[str, int]:
    """Fill the register through its services (and, for tables without one yet, directly).

    Returns row counts per table. Values include the awkward ones: bytes with NUL, non-ASCII
    text, an infinite lifetime, dates, JSON with nesting.
    """
    import sqlalchemy as sa
    from sqlmodel import col

    from orbit.read import read_elements
    from registry.accounts import service as accounts
    from registry.accounts.principal import SYSTEM
    from registry.compliance_store.models import (
        ComplianceScore,
        ObjectLifetime,
        QuestionnaireAnswer,
    )
    from registry.db import Database
    from registry.elementsets import service as elementsets
    from registry.elementsets.models import SatcatEntry
    from registry.jobs import service as jobs
    from registry.jobs.models import ConjunctionEvent, ScreeningRun
    from registry.models import metadata
    from registry.objects.models import SpaceObject
    from registry.submissions import service as submissions
    from registry.submissions.models import Attachment
    from registry.submissions.schemas import SubmissionCreate

    db = Database(settings_for(url))
    now = datetime(2026, 7, 10, 12, 0, 0, 123456, tzinfo=UTC)
    try:
        async with db.writer() as session:
            await accounts.create_user(
                session,
                SYSTEM,
                email="admin@example.org",
                role="admin",
                state_code=None,
                password="correct horse battery staple",
            )
            await accounts.create_user(
                session,
                SYSTEM,
                email="agent.étoile@example.fr",
                role="state",
                state_code="FRA",
                password="mot de passe sûr",
            )
            officer = await accounts.create_key(
                session, SYSTEM, name="FRA officer", role="state", state_code="FRA"
            )
            first = await accounts.create_key(
                session, SYSTEM, name="reviewer one", role="secretariat", state_code=None
            )
            await accounts.create_key(
                session, SYSTEM, name="reviewer two", role="secretariat", state_code=None
            )
            state = await accounts.principal_for_key(session, officer.secret)
            reviewer = await accounts.principal_for_key(session, first.secret)
        assert state is not None and reviewer is not None

        async with db.writer() as session:
            # Strict models take JSON, as the API does.
            body = SubmissionCreate.model_validate_json(
                json.dumps(
                    {
                        "objects": [sat("2025-001A"), sat("2025-001B", name="SATELLITE « Ω »")],
                        "note": "Note verbale n° 42",
                    }
                )
            )
            sub, _ = await submissions.create(session, state, body, idempotency_key="populate-1")
            session.add(
                Attachment(
                    submission_id=sub.id or 0,
                    filename="note-verbale.pdf",
                    content_type="application/pdf",
                    size=9,
                    sha256="0" * 64,
                    content=b"%PDF\x00\xff\x01\n\r",
                    created_at=now,
                )
            )
            sub_id = sub.id or 0
        for principal, action in (
            (state, "submit"),
            (reviewer, "claim"),
            (reviewer, "accept"),
            (reviewer, "publish"),
        ):
            async with db.writer() as session:
                current = await submissions.get(session, principal, sub_id)
                await submissions.transition(
                    session, principal, sub_id, action, f'"{current.version}"'
                )
        async with db.writer() as session:
            body = SubmissionCreate.model_validate_json(json.dumps({"objects": [sat("2025-002A")]}))
            await submissions.create(session, state, body)

        parsed = read_elements(ISS_TLE)
        assert parsed.elements and not parsed.issues, parsed.issues
        async with db.writer() as session:
            await elementsets.store(session, parsed.elements, "test:iss.tle")
            job = await jobs.enqueue(session, "screen", {"hours": 24, "threshold_km": 5.0}, "test")
            session.add(
                SatcatEntry(
                    norad_id=25544,
                    designator="1998-067A",
                    name="ISS (ZARYA)",
                    object_type="PAY",
                    owner="ISS",
                    launch_date=date(1998, 11, 20),
                    launch_site="TYMSC",
                    period_min=92.9,
                    inclination_deg=51.64,
                    apogee_km=421.0,
                    perigee_km=417.0,
                    source="test",
                    received_at=now,
                )
            )
            run = ScreeningRun(
                job_id=job.id,
                start=now,
                hours=24.0,
                threshold_km=5.0,
                objects=2,
                events=1,
                data_as_of=now - timedelta(hours=3),
                source="test",
                created_at=now,
            )
            session.add(run)
            await session.flush()
            session.add(
                ConjunctionEvent(
                    run_id=run.id or 0,
                    kind="encounter",
                    norad_a=25544,
                    norad_b=48274,
                    tca=now + timedelta(hours=5, microseconds=7),
                    miss_km=1.234567890123,
                    vrel_kms=14.2,
                    radial_km=0.1,
                    intrack_km=-1.2,
                    crosstrack_km=0.05,
                    pc=3.5e-7,
                    pc_method="foster-2d",
                )
            )
            obj_id = await session.scalar(
                sa.select(col(SpaceObject.id)).where(
                    col(SpaceObject.international_designator) == "2025-001A"
                )
            )
            assert obj_id is not None
            session.add(
                ObjectLifetime(
                    object_id=obj_id,
                    norad_id=99001,
                    element_epoch=now,
                    status="beyond",
                    p05=float("inf"),
                    p50=float("inf"),
                    method="test",
                    computed_at=now,
                )
            )
            session.add(
                ComplianceScore(
                    subject_kind="state",
                    subject="FRA",
                    methodology_version="1.0",
                    data_as_of={"elements": "2026-07-10T00:00:00Z"},
                    score=0.8125,
                    coverage=0.5,
                    label="good",
                    result={"criteria": [{"id": "B.1", "met": True, "w": 0.25}]},
                    computed_at=now,
                )
            )
            session.add(
                QuestionnaireAnswer(
                    state_code="FRA",
                    item_id="A.1",
                    questionnaire_version="2026",
                    answer="partial",
                    note="national law in preparation",
                    submitted_by="key:1",
                    submitted_at=now,
                )
            )

        counts = {}
        async with db.reader() as session:
            for table in metadata.sorted_tables:
                counts[table.name] = (
                    await session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                )
        return counts
    finally:
        await db.dispose()


async def table_contents(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order, in the archive's portable encoding."""
    import sqlalchemy as sa

    from registry.backup import column_kind, encode_value
    from registry.db import Database
    from registry.models import metadata

    db = Database(settings_for(url))
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        async with db.reader() as session:
            for table in metadata.sorted_tables:
                kinds = [(c.name, column_kind(c)) for c in table.columns]
                rows = await session.execute(sa.select(table).order_by(*table.primary_key.columns))
                out[table.name] = [
                    {name: encode_value(kind, row._mapping[name]) for name, kind in kinds}
                    for row in rows
                ]
        return out
    finally:
        await db.dispose()
