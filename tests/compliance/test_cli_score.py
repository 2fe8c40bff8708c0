"""spacereg score end to end, as a user types it, beside a writer holding the database."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from registry import migrate
from registry.db import Database
from registry.settings import Settings
from tests.compliance.test_service_and_api import _seed


def spacereg(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run(
        [sys.executable, "-m", "web", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("score") / "register.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="x")
    migrate.upgrade(settings)

    async def seed() -> None:
        db = Database(settings)
        await _seed(db)
        await db.dispose()

    asyncio.run(seed())
    return path


def test_state_json_while_a_writer_holds_the_lock(register: Path) -> None:
    writer = sqlite3.connect(register, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a server mid-transaction
    try:
        result = spacereg("score", "--state", "FRA", "--format", "json", db=register)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["state"] == "FRA"
    assert {"score", "coverage", "label", "criteria"} <= set(body["verified"])
    for card in body["verified"]["criteria"]:
        assert {
            "id",
            "guidelines",
            "score",
            "weight",
            "points",
            "max_points",
            "evidence_grade",
            "sentence",
        } <= set(card)
        assert card["score"] is None or 0 <= card["score"] <= 1
        assert card["assessed"] or card["score"] is None
    assert "scoring FRA" in result.stderr  # progress goes to stderr


@pytest.mark.slow
def test_all_states_csv(register: Path) -> None:
    result = spacereg("score", "--all", "--format", "csv", db=register)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("state,verified_score,")
    assert len(lines) == 2 and lines[1].startswith("FRA,")


@pytest.mark.slow
def test_object_text(register: Path) -> None:
    result = spacereg("score", "--object", "2024-010B", db=register)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2024-010B:")
    assert "O1" in result.stdout and "critical" in result.stdout


@pytest.mark.slow
def test_failures_are_one_line(register: Path) -> None:
    unknown = spacereg("score", "--state", "XXX", db=register)
    assert unknown.returncode == 1 and unknown.stderr.strip().splitlines()[-1].startswith(
        "error: no State"
    )
    both = spacereg("score", "--state", "FRA", "--all", db=register)
    assert both.returncode == 1 and "only one of" in both.stderr
    csv_one = spacereg("score", "--state", "FRA", "--format", "csv", db=register)
    assert csv_one.returncode == 1 and "--all" in csv_one.stderr
