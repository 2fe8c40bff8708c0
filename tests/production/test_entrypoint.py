"""docker/entrypoint.sh outside Docker: waits for the database, migrates, becomes the server."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.production.conftest import PYTHON, ROOT, free_port, wait_healthy

ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


def entry_env(**values: str) -> dict[str, str]:
    # The image puts the virtual environment first on PATH; so does this.
    env = {
        "PATH": f"{Path(PYTHON).parent}:{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "SPACEREG_OFFLINE": "1",
        "SPACEREG_SECRET_KEY": "test-secret",
    }
    env.update(values)
    return env


def run_entrypoint(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
def test_serve_migrates_then_serves_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    env = entry_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/register.db",
        SPACEREG_MIGRATE="1",
        SPACEREG_HOST="127.0.0.1",
        SPACEREG_PORT=str(port),
        SPACEREG_WORKERS="2",
        SPACEREG_LOG_LEVEL="warning",
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ENTRYPOINT)], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process, log, timeout=90)
        assert httpx.get(base + "/health").json() == {"status": "ok"}
        ready = httpx.get(base + "/ready")
        assert ready.status_code == 200, ready.text
        # Migrated and seeded: the States table answers through the API.
        states = httpx.get(base + "/api/v1/states")
        assert states.status_code == 200 and len(states.json()) > 190
        # exec: the process started as the entrypoint is now the server itself, so a container
        # stop's SIGTERM reaches it directly.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert b"serve" in cmdline and b"--workers" in cmdline
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    text = log.read_text()
    assert "entrypoint: running migrations" in text
    assert f"entrypoint: serving on 127.0.0.1:{port} with 2 workers" in text


def test_migrate_is_one_shot_and_repeatable(tmp_path: Path) -> None:
    env = entry_env(DATABASE_URL=f"sqlite:///{tmp_path}/register.db")
    for _ in range(2):
        done = run_entrypoint("migrate", env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "schema is at the newest revision" in done.stdout
    head = run_entrypoint("spacereg", "audit", "head", env=env, cwd=tmp_path)
    assert head.returncode == 0, head.stderr
    assert head.stdout.strip() == "0" * 64


def test_unreachable_database_fails_after_the_wait_with_one_line(tmp_path: Path) -> None:
    closed = free_port()
    env = entry_env(
        DATABASE_URL=f"postgresql://spacereg@127.0.0.1:{closed}/spacereg", SPACEREG_DB_WAIT_S="2"
    )
    started = time.monotonic()
    done = run_entrypoint("serve", env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert time.monotonic() - started < 30
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("entrypoint: database not reachable after 2 s:")


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "sqlite:///x.db", "SPACEREG_WORKERS": "0"}, "SPACEREG_WORKERS must be"),
        (
            {"DATABASE_URL": "sqlite:///x.db", "SPACEREG_WORKERS": "four"},
            "SPACEREG_WORKERS must be",
        ),
        (
            {"DATABASE_URL": "sqlite:///x.db", "SPACEREG_DB_WAIT_S": "soon"},
            "SPACEREG_DB_WAIT_S must be",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_reason(
    tmp_path: Path, values: dict[str, str], reason: str
) -> None:
    done = run_entrypoint("serve", env=entry_env(**values), cwd=tmp_path, timeout=30)
    assert done.returncode == 1
    assert done.stderr.startswith(f"entrypoint: {reason}")
    assert list(tmp_path.iterdir()) == []


def test_other_commands_run_as_given(tmp_path: Path) -> None:
    env = entry_env(DATABASE_URL=f"sqlite:///{tmp_path}/register.db")
    done = run_entrypoint("python", "-c", "print('passed through')", env=env, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == "passed through\n"


def test_backup_writes_a_timestamped_archive(tmp_path: Path) -> None:
    from web.cli import COMMANDS

    if "export" not in COMMANDS:
        pytest.skip("spacereg export is not registered in web/cli/__init__.py COMMANDS yet")
    env = entry_env(DATABASE_URL=f"sqlite:///{tmp_path}/register.db")
    assert run_entrypoint("migrate", env=env, cwd=tmp_path).returncode == 0
    backups = tmp_path / "backups"
    backups.mkdir()
    done = run_entrypoint("backup", env={**env, "SPACEREG_BACKUP_DIR": str(backups)}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [archive] = backups.iterdir()
    assert archive.name.startswith("spacereg-") and archive.suffix == ".zip"
