"""A response cache for public reads, invalidated by the register's change generation.

An entry is served only while the generation it was made under is still the current one
(see registry.changes): any commit, in this process or another, makes every entry a miss.
Only public data goes in; what a response contains never depends on who asked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.serialization import encode_json

from web.deps import database

JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Entry:
    generation: int
    body: bytes
    headers: dict[str, str]


class ResponseCache:
    def __init__(self, max_entries: int = 50_000, max_bytes: int = 256 * 2**20) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.size = 0

    def get(self, key: str, generation: int) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None or entry.generation != generation:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self._entries[key] = entry
        self.size += len(entry.body)
        while len(self._entries) > self.max_entries or self.size > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.size -= len(evicted.body)


Producer = Callable[[], Awaitable[tuple[Any, dict[str, str]]]]


async def cached_json(request: Request[Any, Any, Any], produce: Producer) -> Response[Any]:
    """Serve the public JSON for this URL from the cache, or produce, store and serve it."""
    cache: ResponseCache = request.app.state.response_cache
    generation = database(request).changes.generation
    key = request.url.path + "?" + request.url.query
    entry = cache.get(key, generation)
    if entry is None:
        # The generation was read before producing: a change meanwhile makes this entry a miss.
        body, headers = await produce()
        entry = Entry(generation, encode_json(body), headers)
        cache.put(key, entry)
    etag = entry.headers.get("ETag")
    if etag is not None and request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=entry.headers)
    return Response(entry.body, media_type=JSON, headers=entry.headers)
