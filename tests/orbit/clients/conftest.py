"""Fixtures for the client tests: recorded bodies, a fake clock, a scripted server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from orbit.clients.clock import FakeClock

RECORDED = Path(__file__).resolve().parent / "recorded"

Answer = httpx.Response | Exception
Route = Callable[[httpx.Request], Answer]


@dataclass
class ScriptedServer:
    """A MockTransport whose answers are scripted, and which logs every request.

    ``answers`` are used in order (an exception is raised as the transport
    error it is); ``route`` handles requests once the script is used up.
    """

    clock: FakeClock
    answers: list[Answer] = field(default_factory=list)
    route: Route | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        self.times.append(self.clock.time())
        if self.answers:
            answer = self.answers.pop(0)
        elif self.route is not None:
            answer = self.route(request)
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


@pytest.fixture
def recorded() -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return (RECORDED / name).read_bytes()

    return read


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=1_783_670_400.0)  # 2026-07-10 08:00 UTC


@pytest.fixture
def server(clock: FakeClock) -> ScriptedServer:
    return ScriptedServer(clock=clock)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "http-cache"
