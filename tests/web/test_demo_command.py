"""`spacereg demo` from an empty directory: migrates, loads, prints accounts, serves within 90 s."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_the_loaded_register(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
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
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
