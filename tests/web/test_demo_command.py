"""`spacereg demo` from an empty directory: migrates, loads, prints accounts, serves within 90 s."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_the_loaded_register(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SPACEREG_OFFLINE"] = "1"  # no network in tests: the demo then queues no fetch
    log = (tmp_path / "demo.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        while time.monotonic() - started < 90:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
            assert proc.poll() is None, Path(log.name).read_text()
        else:
            raise AssertionError("demo did not serve within 90 s:\n" + Path(log.name).read_text())
        hubble = httpx.get(f"http://127.0.0.1:{port}/api/v1/objects/1990-037B", timeout=5)
        assert hubble.status_code == 200 and hubble.json()["norad_id"] == 20580
        assert (tmp_path / "spacereg.db").exists()  # the embedded default, in the working directory
        output = Path(log.name).read_text()
        assert (
            "reviewer.one@demo.spacereg.org" in output and "officer.fra@demo.spacereg.org" in output
        )
        assert "GCAT, J. McDowell" in output
        assert "queued in the background: reentry, screening (" in output
        # The first analyses of the shipped catalog run in the background and reach the pages.
        finished = _wait_for_jobs(port, ("reentry", "screening"), seconds=240)
        assert {k: j["state"] for k, j in finished.items()} == {
            "reentry": "succeeded",
            "screening": "succeeded",
        }, finished
        # The shipped catalog (2026-07-10): Starlinks and stages decaying within the year, and
        # tens of thousands of close approaches within 5 km in a day.
        assert finished["reentry"]["result"]["predicted"] > 100
        assert finished["screening"]["result"]["events"] > 10_000
        analyses = httpx.get(f"http://127.0.0.1:{port}/analyses", timeout=60)
        assert analyses.status_code == 200
        assert "Miss distance of the close approaches" in analyses.text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _wait_for_jobs(port: int, kinds: tuple[str, ...], seconds: float) -> dict[str, Any]:
    """The newest job of each kind, once none is queued or running (or at the time limit)."""
    started = time.monotonic()
    newest: dict[str, Any] = {}
    while time.monotonic() - started < seconds:
        jobs = httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs", timeout=10).json()["items"]
        newest = {}
        for job in jobs:  # newest first
            newest.setdefault(job["kind"], job)
        newest = {kind: newest.get(kind, {"state": "missing"}) for kind in kinds}
        if all(job["state"] not in ("queued", "running") for job in newest.values()):
            break
        time.sleep(1)
    return newest
