"""Rendered public pages, and their charts, kept between requests for anonymous readers only.

A public page costs database reads, a Jinja render and sometimes a chart; its HTML depends only on
the URL, the language and the register's change generation (registry.changes). So the page seen
by an anonymous reader is stored under (language, htmx or not, path and query) and served while
the generation it was made under is current: any commit, in any process, makes every entry a miss.

Only anonymous GETs of the public pages listed in :data:`CACHEABLE` are stored. A signed-in
reader's page holds per-user content ("signed in as", the CSRF token) and always renders anew;
cookies set while rendering (the CSRF cookie) are never stored, and the language cookie that
``?lang=`` asks for is set on a hit as render() would set it.

>>> cacheable_path("/objects/1990-037B"), cacheable_path("/login"), cacheable_path("/portal")
(True, False, False)
>>> cacheable_path("/charts/fr/states/FRA/trends.svg")
True
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from litestar.datastructures import Cookie
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from web.cache import Entry, ResponseCache
from web.i18n import LANGUAGES, negotiate

#: The public pages (and charts) whose content depends on nothing but the URL, the language and
#: the register.
CACHEABLE = re.compile(
    r"^/(?:objects(?:/[^/]+)?|documents(?:/.*)?|states(?:/[A-Za-z0-9_-]+)?|gap|methodology"
    r"|analyses|charts/.+\.svg)?$"
)
_STORED_TYPES = (b"text/html", b"image/svg+xml")
#: Streamed exports (``format=csv|json``) can be large and are not pages: never stored.
_NOT_STORED_PARAMS = frozenset({"format"})
#: Response headers that describe one request, not the page.
_PER_REQUEST_HEADERS = frozenset({b"set-cookie", b"content-length", b"date"})
_LANG_COOKIE = "lang"
_ONE_YEAR_S = 365 * 24 * 3600


def cacheable_path(path: str) -> bool:
    return CACHEABLE.match(path) is not None


def _cookies(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key:
                    out.setdefault(key, val)
    return out


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


class PageCacheMiddleware:
    """Serves and stores anonymous public pages (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if any(name in _NOT_STORED_PARAMS for name, _ in params):
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        chosen = next((v for k, v in params if k == "lang"), None)
        lang = negotiate(chosen, cookies.get(_LANG_COOKIE), _header(scope, b"accept-language"))
        htmx = _header(scope, b"hx-request") == "true"
        query = scope.get("query_string", b"").decode("latin-1")
        key = f"page|{lang}|{int(htmx)}|{scope['path']}?{query}"
        state = scope["app"].state
        cache = _cache_of(state)
        # Read before rendering: a commit meanwhile makes the stored entry a miss, never stale.
        generation = state.db.changes.generation
        entry = cache.get(key, generation)
        if entry is not None:
            await self._send_entry(entry, chosen, cookies, send)
            return
        await self._render_and_store(scope, receive, send, cache, key, generation)

    @staticmethod
    def _applies(scope: Scope) -> bool:
        if scope["type"] != "http" or scope.get("method") != "GET":
            return False
        if not cacheable_path(scope["path"]):
            return False
        user = scope.get("user")
        return user is not None and getattr(user, "kind", None) == "public"

    async def _send_entry(
        self, entry: Entry, chosen: str | None, cookies: dict[str, str], send: Send
    ) -> None:
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in entry.headers.items()]
        headers.append((b"content-length", str(len(entry.body)).encode()))
        if chosen in LANGUAGES and chosen != cookies.get(_LANG_COOKIE):
            cookie = Cookie(key=_LANG_COOKIE, value=chosen, max_age=_ONE_YEAR_S, samesite="lax")
            headers.append(cookie.to_encoded_header())
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body, "more_body": False})

    async def _render_and_store(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        cache: ResponseCache,
        key: str,
        generation: int,
    ) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False) and _storable(start):
                    headers = {
                        k.decode("latin-1"): v.decode("latin-1")
                        for k, v in start.get("headers", ())
                        if k.lower() not in _PER_REQUEST_HEADERS
                    }
                    cache.put(key, Entry(generation, b"".join(chunks), headers))
            await send(message)

        await self.app(scope, receive, capture)


def _storable(start: dict[str, Any]) -> bool:
    if start.get("status") != 200:
        return False
    for name, value in start.get("headers", ()):
        if name.lower() == b"content-type":
            return bool(value.startswith(_STORED_TYPES))
    return False


def _cache_of(state: Any) -> ResponseCache:
    """The app's page cache, made on first use (one per app: tests never share pages)."""
    cache = getattr(state, "page_cache", None)
    if cache is None:
        cache = ResponseCache(max_entries=20_000, max_bytes=128 * 2**20)
        setattr(state, "page_cache", cache)  # noqa: B010
    return cache
