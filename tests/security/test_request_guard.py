"""Body size (413 before reading), trusted proxies, HSTS only over TLS, headers, production mode."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.db import Database
from registry.settings import Settings
from tests.api.conftest import Headers
from tests.security.conftest import Client
from web.app import create_app
from web.security import ProductionSettingsError, RequestGuardMiddleware


async def test_announced_oversize_body_is_refused_with_413_problem(
    settings_with: Callable[..., Settings], fra: Headers
) -> None:
    async with AsyncTestClient(app=create_app(settings_with(max_body_bytes=1000))) as client:
        response = await client.post(
            "/api/v1/submissions",
            headers={**fra, "Content-Type": "application/json"},
            content=b"[" + b"0," * 1000 + b"0]",
        )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "1000 bytes" in response.json()["detail"]


async def test_guard_answers_413_without_reading_the_body(
    settings_with: Callable[..., Settings],
) -> None:
    async def downstream(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be reached")

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body must not be read")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    guard = RequestGuardMiddleware(downstream, settings_with(max_body_bytes=10))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/submissions",
        "headers": [(b"content-length", b"5000000000")],
        "client": ("198.51.100.1", 4000),
        "scheme": "http",
    }
    await guard(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["status"] == 413


async def test_streamed_oversize_body_is_cut_off_with_413(
    settings_with: Callable[..., Settings], fra: Headers
) -> None:
    """A chunked body announces no length: Litestar counts the bytes as they arrive."""
    app = create_app(settings_with(max_body_bytes=1000))
    async with AsyncTestClient(app=app):
        status, _ = await raw_request(
            app,
            "198.51.100.1",
            None,
            None,
            chunks=[b" " * 100] * 20,
            extra_headers=[(b"authorization", fra["Authorization"].encode())],
        )
    assert status == 413


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(
    settings_with: Callable[..., Settings],
) -> None:
    settings = settings_with(trusted_proxies="192.0.2.10", rate_limit_address_per_minute=2)
    app = create_app(settings)
    async with AsyncTestClient(app=app):
        # Two clients behind the trusted proxy get two counts each...
        first = [await _via(app, "192.0.2.10", "203.0.113.1") for _ in range(3)]
        second = [await _via(app, "192.0.2.10", "203.0.113.2") for _ in range(2)]
        # ...while an untrusted peer's claim is ignored: it is counted as itself.
        spoofed = [await _via(app, "198.51.100.9", f"203.0.113.{i}") for i in range(3, 6)]
    # An empty body is invalid (422) until the address's two a minute are used up (429).
    assert first == [422, 422, 429]
    assert second == [422, 422]
    assert spoofed == [422, 422, 429]


async def _via(app: Any, peer: str, forwarded: str, proto: str | None = None) -> int:
    status, _ = await raw_request(app, peer, forwarded, proto)
    return status


async def raw_request(
    app: Any,
    peer: str,
    forwarded: str | None,
    proto: str | None,
    path: str = "/api/v1/submissions",
    *,
    chunks: list[bytes] | None = None,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, dict[str, str]]:
    """One request straight into the ASGI app from a chosen socket peer (no Content-Length
    when the body is given in chunks)."""
    headers = [(b"content-type", b"application/json"), *(extra_headers or [])]
    if chunks is None:
        chunks = [b"{}"]
        headers.append((b"content-length", b"2"))
    if forwarded:
        headers.append((b"x-forwarded-for", forwarded.encode()))
    if proto:
        headers.append((b"x-forwarded-proto", proto.encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST" if path.startswith("/api/v1/submissions") else "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": (peer, 4000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []
    pending = list(chunks)

    async def receive() -> dict[str, Any]:
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}


async def test_hsts_only_when_the_request_came_over_tls_from_a_trusted_proxy(
    settings_with: Callable[..., Settings],
) -> None:
    app = create_app(settings_with(trusted_proxies="192.0.2.10"))
    async with AsyncTestClient(app=app):
        _, tls = await raw_request(app, "192.0.2.10", "203.0.113.1", "https", "/health")
        _, plain = await raw_request(app, "192.0.2.10", "203.0.113.1", "http", "/health")
        _, spoofed = await raw_request(app, "198.51.100.9", "203.0.113.1", "https", "/health")
    assert tls["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in plain
    assert "strict-transport-security" not in spoofed


@pytest.mark.parametrize("path", ["/", "/api/v1/states", "/login"])
async def test_security_headers_on_pages_and_api(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in response.headers


def test_production_refuses_to_start_without_a_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    monkeypatch.delenv("SPACEREG_SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", db.settings.database_url)
    monkeypatch.setenv("SPACEREG_PRODUCTION", "1")
    with pytest.raises(ProductionSettingsError, match="SPACEREG_SECRET_KEY"):
        create_app(Settings())
    monkeypatch.setenv("SPACEREG_SECRET_KEY", "short")
    with pytest.raises(ProductionSettingsError, match="at least 32"):
        create_app(Settings())
    monkeypatch.setenv("SPACEREG_SECRET_KEY", "x" * 40)
    assert create_app(Settings()) is not None


def test_serve_refuses_production_without_a_secret_in_one_line(
    monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    from click.testing import CliRunner

    from registry.settings import get_settings
    from web.cli import main

    monkeypatch.delenv("SPACEREG_SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", db.settings.database_url)
    monkeypatch.setenv("SPACEREG_PRODUCTION", "1")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: SPACEREG_PRODUCTION is set but")
    assert len(result.output.strip().splitlines()) == 1
