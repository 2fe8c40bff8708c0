"""Shared by the HTTP benchmarks: a demo database, a server on a free port, and wrk runs."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

# wrk's Lua: pick a path per request from a list, and print the figures as one JSON line.
_LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p95_ms": %%f, "p99_ms": %%f, '
    .. '"errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    non2xx: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(
    base: str, paths: list[str], *, connections: int, seconds: float, threads: int = 1
) -> WrkResult:
    with tempfile.TemporaryDirectory() as tmp:
        path_file = Path(tmp) / "paths.txt"
        path_file.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "bench.lua"
        script.write_text(_LUA % {"paths": path_file})
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{int(seconds)}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    return WrkResult(**json.loads(out.stdout.strip().splitlines()[-1]))


@contextmanager
def database(kind: str, *, analyses: bool = False) -> Iterator[str]:
    """A fresh database holding the demo register; dropped afterwards. With ``analyses``, also
    the re-entry prediction and screening that ``spacereg demo`` runs first."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            _prepare(url, analyses)
            yield url
        return
    admin = os.environ.get(
        "SPACEREG_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = f"spacereg_bench_{os.getpid()}"
    _psql(admin, f"CREATE DATABASE {name}")
    url = admin.rsplit("/", 1)[0] + "/" + name
    try:
        _prepare(url, analyses)
        yield url
    finally:
        _psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _psql(admin_url: str, sql: str) -> None:
    import asyncpg  # the driver the app uses anyway

    async def run() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def _prepare(url: str, analyses: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    from registry import migrate
    from registry.db import Database
    from registry.demo.load import ensure_demo, queue_demo_jobs
    from registry.jobs.worker import run_one
    from registry.settings import Settings
    from web.jobs import HANDLERS

    settings = Settings(database_url=url)
    migrate.upgrade(settings)
    asyncio.run(ensure_demo(settings))

    async def run_analyses() -> None:
        await queue_demo_jobs(settings, refresh=False)
        db = Database(settings)
        try:
            while await run_one(db, HANDLERS, "bench") is not None:
                pass
        finally:
            await db.dispose()

    if analyses:
        asyncio.run(run_analyses())


def cli(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "web", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    ).stdout


@contextmanager
def server(url: str, *, workers: int = 1) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SPACEREG_SECRET_KEY": "bench-secret"}
    proc = subprocess.Popen(
        [
            sys.executable,
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server exited")
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
