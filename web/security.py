"""Request limits: who the client is behind a proxy, body size (413), rate limits (429), HSTS.

Two ASGI middlewares, because they need different things:

* :class:`RequestGuardMiddleware` runs first. It believes ``X-Forwarded-For`` and
  ``X-Forwarded-Proto`` only from a peer listed in ``trusted_proxies`` (the socket's peer is the
  client otherwise), refuses a body announced larger than ``max_body_bytes`` before a byte of it is
  read (a chunked body is cut off by Litestar's ``request_max_body_size`` while streaming), and
  adds ``Strict-Transport-Security`` to responses that went out over TLS.
* :class:`RateLimitMiddleware` runs after authentication, so it knows whether a key, a signed-in
  user or nobody is calling, and counts the request in the database (one UPSERT): per key or
  user, or per address for anonymous writes and logins. Anonymous GETs are not counted unless
  ``rate_limit_public_reads`` is set: they are public, cached and cheap, and a database write per
  read would cost more than the read (limit them at the reverse proxy).

>>> nets = trusted_networks("10.0.0.0/8, 127.0.0.1")
>>> forwarded_client("127.0.0.1", "203.0.113.9, 10.1.2.3", nets)
'203.0.113.9'
>>> forwarded_client("198.51.100.7", "203.0.113.9", nets)
'198.51.100.7'
>>> forwarded_client("127.0.0.1", "not-an-address", nets)
'127.0.0.1'
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from registry.accounts.principal import Principal
from registry.ratelimit import RateLimiter
from registry.settings import Settings

log = logging.getLogger("spacereg.security")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
HSTS = "max-age=31536000; includeSubDomains"
#: Never counted: probes and static files.
UNCOUNTED_PREFIXES = ("/health", "/ready", "/static/", "/schema")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


#: Secretariat moves: the review actions, queueing analysis jobs, reviewing questionnaire answers.
_REVIEW_ACTION = re.compile(r"^/api/v1/submissions/\d+/(claim|accept|return|publish)/?$")


def required_scope(method: str, path: str) -> str:
    """The API key scope a request needs.

    >>> required_scope("GET", "/api/v1/submissions/3")
    'read'
    >>> required_scope("POST", "/api/v1/submissions/3/claim")
    'review'
    >>> required_scope("PATCH", "/api/v1/submissions/3")
    'submit'
    """
    if method.upper() in SAFE_METHODS:
        return "read"
    if _REVIEW_ACTION.match(path) or path.startswith("/api/v1/jobs") or path.endswith("/review"):
        return "review"
    return "submit"


class ProductionSettingsError(RuntimeError):
    pass


def check_production(settings: Settings) -> None:
    """Refuse to start a production service whose secrets do not come from the environment."""
    if settings.production and "secret_key" not in settings.model_fields_set:
        raise ProductionSettingsError(
            "SPACEREG_PRODUCTION is set but SPACEREG_SECRET_KEY is not: every process must sign "
            "sessions with the same secret, given in the environment"
        )
    if settings.production and len(settings.secret_key) < 32:
        raise ProductionSettingsError("SPACEREG_SECRET_KEY must be at least 32 characters")


def trusted_networks(text: str) -> list[Network]:
    networks: list[Network] = []
    for part in text.split(","):
        if part.strip():
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
    return networks


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def forwarded_client(peer: str, forwarded_for: str | None, networks: list[Network]) -> str:
    """The client address: the right-most X-Forwarded-For hop that is not a trusted proxy.

    Right to left, because each trusted proxy appends the address it saw; anything left of the
    first untrusted hop was written by the client and proves nothing.
    """
    if not forwarded_for or not _is_trusted(peer, networks):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _is_trusted(hop, networks):
            return hop
    return peer


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def send_problem(
    send: Send, status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}
    ).encode()
    raw = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class RequestGuardMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.networks = trusted_networks(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        peer = client[0] if client else ""
        if self.networks and _is_trusted(peer, self.networks):
            believed = forwarded_client(peer, _header(scope, b"x-forwarded-for"), self.networks)
            scope["client"] = (believed, 0)
            proto = (_header(scope, b"x-forwarded-proto") or "").strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await send_problem(send, 400, "Bad request", "Content-Length is not a number")
                return
            if too_big:
                await send_problem(
                    send,
                    413,
                    "Content too large",
                    f"request bodies are limited to {self.max_body} bytes",
                    {"Connection": "close"},
                )
                return
        if scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_hsts)


def subject_of(principal: Principal | None, address: str) -> tuple[str, str]:
    """The counter a request goes to, and which limit applies to it ("key" or "address")."""
    if principal is not None and principal.kind in ("key", "user") and principal.id is not None:
        return f"{principal.kind}:{principal.id}", "key"
    return f"addr:{address}", "address"


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(UNCOUNTED_PREFIXES):
            await self.app(scope, receive, send)
            return
        user = scope.get("user")
        principal = user if isinstance(user, Principal) else None
        anonymous = principal is None or principal.kind == "public"
        if (
            anonymous
            and scope.get("method", "GET") in SAFE_METHODS
            and not self.settings.rate_limit_public_reads
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        subject = subject_of(principal, address)
        limit = (
            self.settings.rate_limit_key_per_minute
            if subject[1] == "key"
            else self.settings.rate_limit_address_per_minute
        )
        verdict = await _limiter(scope).hit(subject[0], limit)
        if not verdict.allowed:
            log.warning("rate limit: %s made %d requests this minute", subject[0], verdict.hits)
            await send_problem(
                send,
                429,
                "Too many requests",
                f"more than {limit} requests a minute; retry in {verdict.reset_s} s",
                {
                    "Retry-After": str(verdict.reset_s),
                    **_quota_headers(verdict.limit, 0, verdict.reset_s),
                },
            )
            return
        remaining = max(0, verdict.limit - verdict.hits)

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in _quota_headers(
                    verdict.limit, remaining, verdict.reset_s
                ).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_quota)


def _quota_headers(limit: int, remaining: int, reset_s: int) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset_s),
    }


def _limiter(scope: Scope) -> RateLimiter:
    state: Any = scope["app"].state
    limiter = state.get("rate_limiter")
    if limiter is None or limiter.db is not state.db:
        limiter = RateLimiter(state.db)
        state.rate_limiter = limiter
    return limiter
