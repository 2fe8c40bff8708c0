"""The registry commands end to end, as a user types them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from web.cli import COMMANDS


def spacereg(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run(
        [sys.executable, "-m", "web", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "register.db"
    result = spacereg("db", "upgrade", db=db)
    assert result.returncode == 0, result.stderr
    return db


def test_help_on_every_command(register: Path) -> None:
    for name in COMMANDS:
        result = spacereg(name, "--help", db=register)
        assert result.returncode == 0 and "Usage:" in result.stdout, (name, result.stderr)


def test_keys_create_list_revoke(register: Path) -> None:
    created = spacereg(
        "keys", "create", "--role", "state", "--state", "FRA", "--name", "ci", db=register
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("sr_") and len(key) > 40 and " " not in key
    key_id = created.stdout.split()[2]
    listed = spacereg("keys", "list", db=register)
    assert key[:10] in listed.stdout and key not in listed.stdout  # the key itself is never listed
    assert spacereg("keys", "revoke", key_id, db=register).returncode == 0
    assert "revoked" in spacereg("keys", "list", db=register).stdout


def test_bad_input_gives_one_line_reason(register: Path) -> None:
    result = spacereg("keys", "create", "--role", "state", "--name", "x", db=register)
    assert result.returncode != 0
    assert (
        result.stderr.strip().startswith("error:") and len(result.stderr.strip().splitlines()) == 1
    )
    unknown = spacereg(
        "users", "create", "--role", "state", "--state", "XXX", "--email", "a@b.c", db=register
    )
    assert unknown.returncode != 0 and "XXX" in unknown.stderr
    assert spacereg("keys", "revoke", "999", db=register).returncode != 0


def test_users_and_audit(register: Path) -> None:
    made = spacereg(
        "users", "create", "--role", "admin", "--email", "Admin@Example.org", db=register
    )
    assert made.returncode == 0, made.stderr and "password:" in made.stdout
    again = spacereg(
        "users", "create", "--role", "admin", "--email", "admin@example.org", db=register
    )
    assert again.returncode != 0
    head = spacereg("audit", "head", db=register).stdout.strip()
    assert len(head) == 64
    verified = spacereg("audit", "verify", db=register)
    assert verified.returncode == 0 and head in verified.stdout
    assert spacereg("audit", "verify", "--head", "f" * 64, db=register).returncode == 1
