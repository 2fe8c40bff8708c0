"""Shared HTTP machinery: retries, rate limits, conditional requests and a disk cache.

:class:`HttpFetcher` wraps a synchronous :class:`httpx.Client` (inject
``transport=`` to test with :class:`httpx.MockTransport`) and adds:

* timeouts on every phase of a request;
* retries with exponential backoff and jitter on 429, 5xx and transport
  errors, honouring ``Retry-After``; never on other 4xx answers;
* an optional :class:`~orbit.clients.ratelimit.RateLimiter` consulted before
  every attempt, retries included;
* a per-URL minimum refresh interval: inside it, :meth:`HttpFetcher.get`
  answers from the cache without asking the server at all;
* conditional requests (``If-None-Match`` / ``If-Modified-Since``): a 304
  answer is served from the cache.

>>> import tempfile
>>> from datetime import timedelta
>>> from orbit.clients.clock import FakeClock
>>> calls = []
>>> def server(request: httpx.Request) -> httpx.Response:
...     calls.append(request.headers.get("if-none-match"))
...     if request.headers.get("if-none-match") == '"v1"':
...         return httpx.Response(304)
...     return httpx.Response(200, content=b"hello", headers={"ETag": '"v1"'})
>>> clock = FakeClock()
>>> fetcher = HttpFetcher(cache_dir=Path(tempfile.mkdtemp()), min_refresh=timedelta(hours=2),
...                       transport=httpx.MockTransport(server), clock=clock)
>>> first = fetcher.get("https://example.org/data.txt")
>>> first.content, first.origin.value
(b'hello', 'network')
>>> fetcher.get("https://example.org/data.txt").origin.value  # inside 2 h: no request
'cache'
>>> clock.advance(3 * 3600)
>>> fetcher.get("https://example.org/data.txt").origin.value  # server says unchanged
'not-modified'
>>> calls
[None, '"v1"']
"""

from __future__ import annotations

import email.utils
import enum
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from orbit.clients.cache import CacheEntry, ResponseCache
from orbit.clients.clock import Clock, SystemClock
from orbit.clients.errors import (
    HttpStatusError,
    NotCachedError,
    RetryExhaustedError,
)
from orbit.clients.ratelimit import RateLimiter

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "Closing",
    "FetchResult",
    "HttpFetcher",
    "Origin",
    "RetryPolicy",
    "parse_retry_after",
    "raise_for_status",
]

DEFAULT_USER_AGENT = "spacereg/0.1 (open registry of space objects; python-httpx)"
#: Generous read timeout: the full SATCAT and GP "active" files are several MB.
DEFAULT_TIMEOUT = httpx.Timeout(connect=15.0, read=120.0, write=30.0, pool=30.0)

#: Longest error-page excerpt quoted in an exception message.
_DETAIL_CHARS = 200


class Origin(enum.StrEnum):
    """Where the bytes of a :class:`FetchResult` came from."""

    NETWORK = "network"  # downloaded just now (HTTP 200)
    NOT_MODIFIED = "not-modified"  # the server said unchanged; body from the cache
    CACHE = "cache"  # inside the minimum refresh interval; the server was not asked
    STALE = "stale"  # the server failed and the caller accepted the cached copy


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Raw response bytes and where and when they came from."""

    url: str
    content: bytes
    fetched_at: datetime  # when the server sent these bytes
    checked_at: datetime  # when the server last confirmed them (== fetched_at if just fetched)
    origin: Origin
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None

    @property
    def from_cache(self) -> bool:
        return self.origin is not Origin.NETWORK

    @property
    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 if none); bad bytes become U+FFFD."""
        charset = "utf-8"
        if self.content_type:
            for part in self.content_type.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                if key.lower() == "charset" and value:
                    charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    @classmethod
    def _from_entry(cls, entry: CacheEntry, origin: Origin) -> FetchResult:
        return cls(
            url=entry.url,
            content=entry.content,
            fetched_at=entry.fetched_at,
            checked_at=entry.checked_at,
            origin=origin,
            etag=entry.etag,
            last_modified=entry.last_modified,
            content_type=entry.content_type,
        )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures.

    The n-th retry waits ``min(max_delay, base_delay * 2**(n-1))`` shortened
    by up to ``jitter`` of itself at random (so that many clients failing at
    once do not return at once), or what ``Retry-After`` asks if that is
    longer. A ``Retry-After`` beyond ``max_retry_after`` ends the attempts.

    >>> policy = RetryPolicy(base_delay=2.0, max_delay=60.0, jitter=0.5)
    >>> [policy.backoff(n, rand=0.0) for n in (1, 2, 3, 6, 7)]
    [2.0, 4.0, 8.0, 60.0, 60.0]
    >>> policy.backoff(3, rand=1.0)
    4.0
    """

    attempts: int = 4
    base_delay: float = 2.0
    max_delay: float = 120.0
    jitter: float = 0.5
    max_retry_after: float = 900.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {self.attempts}")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must be within [0, 1], got {self.jitter}")

    def backoff(self, retry: int, rand: float) -> float:
        """Delay before retry number ``retry`` (1-based); ``rand`` is uniform in [0, 1)."""
        delay = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return delay * (1.0 - self.jitter * rand)

    @staticmethod
    def is_retryable(status: int) -> bool:
        return status == 429 or 500 <= status <= 599


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    >>> now = datetime(2026, 7, 10, 12, 0, 0, tzinfo=UTC)
    >>> parse_retry_after("120", now)
    120.0
    >>> parse_retry_after("Fri, 10 Jul 2026 12:00:30 GMT", now)
    30.0
    >>> parse_retry_after("soon", now) is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Closing:
    """``with``-statement support for anything that has a ``close()``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class HttpFetcher(Closing):
    """A polite HTTP client: see the module docstring for what it adds to httpx.

    ``cache_dir=None`` disables the cache (and with it the minimum refresh
    interval and conditional requests). ``notify`` receives one-line messages
    about waits and retries, for a command line to show as progress.
    """

    def __init__(
        self,
        *,
        cache_dir: Path | None,
        min_refresh: timedelta = timedelta(0),
        retry: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        rand: Callable[[], float] = random.random,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.cache = ResponseCache(cache_dir) if cache_dir is not None else None
        self.min_refresh = min_refresh
        self.retry = retry or RetryPolicy()
        self.rate_limiter = rate_limiter
        self.clock: Clock = clock or SystemClock()
        self._rand = rand
        self._notify = notify
        self.client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": user_agent},
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        self.client.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request with rate limiting and retries; any non-retryable answer is returned.

        Raises :class:`RetryExhaustedError` when 429, 5xx or transport errors
        outlast the retry policy, or when the server asks for a longer pause
        than ``max_retry_after``.
        """
        policy = self.retry
        last_failure = ""
        for attempt in range(1, policy.attempts + 1):
            if self.rate_limiter is not None:
                self.rate_limiter.acquire()
            retry_after: float | None = None
            try:
                response = self.client.request(method, url, data=data, headers=headers)
            except httpx.TransportError as exc:
                last_failure = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            else:
                if not policy.is_retryable(response.status_code):
                    return response
                last_failure = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                retry_after = parse_retry_after(
                    response.headers.get("Retry-After"), self.clock.now()
                )
            if attempt == policy.attempts:
                break
            if retry_after is not None and retry_after > policy.max_retry_after:
                raise RetryExhaustedError(
                    method,
                    url,
                    attempt,
                    f"{last_failure}; the server asks to wait {retry_after:.0f} s, "
                    f"longer than the {policy.max_retry_after:.0f} s allowed",
                )
            delay = policy.backoff(attempt, self._rand())
            if retry_after is not None:
                delay = max(delay, retry_after)
            self._say(
                f"{method} {url}: {last_failure}; retry {attempt}/{policy.attempts - 1} "
                f"in {delay:.1f} s"
            )
            self.clock.sleep(delay)
        raise RetryExhaustedError(method, url, policy.attempts, last_failure)

    def cached(self, url: str) -> FetchResult | None:
        """The cached copy of ``url`` without any request, or None."""
        entry = self.cache.load(url) if self.cache is not None else None
        return FetchResult._from_entry(entry, Origin.CACHE) if entry is not None else None

    def get(
        self,
        url: str,
        *,
        min_refresh: timedelta | None = None,
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
        unchanged: Callable[[httpx.Response], bool] | None = None,
        validate: Callable[[httpx.Response], None] | None = None,
        prepare: Callable[[], None] | None = None,
    ) -> FetchResult:
        """GET ``url`` through the cache.

        ``min_refresh`` overrides the fetcher's interval for this URL;
        ``force`` ignores it (the request is still conditional). ``offline``
        answers from the cache only. ``stale_ok`` returns the cached copy when
        transient failures outlast the retries. ``unchanged`` recognises a
        server's own way of saying "not modified" besides 304; ``validate``
        may reject a 200 answer (by raising) before it is cached. ``prepare``
        runs just before a request is actually sent (to log in, say), and not
        at all when the cache answers.
        """
        entry = self.cache.load(url) if self.cache is not None else None
        if offline:
            if entry is None:
                raise NotCachedError("GET", url, "offline, and no cached copy")
            return FetchResult._from_entry(entry, Origin.CACHE)
        interval = self.min_refresh if min_refresh is None else min_refresh
        if entry is not None and not force and self.clock.now() - entry.checked_at < interval:
            return FetchResult._from_entry(entry, Origin.CACHE)

        headers: dict[str, str] = {}
        if entry is not None and entry.etag:
            headers["If-None-Match"] = entry.etag
        if entry is not None and entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
        if prepare is not None:
            prepare()
        try:
            response = self.send("GET", url, headers=headers)
        except RetryExhaustedError as exc:
            if stale_ok and entry is not None:
                self._say(f"{exc}; using the copy cached at {entry.fetched_at.isoformat()}")
                return FetchResult._from_entry(entry, Origin.STALE)
            raise
        now = self.clock.now()

        if response.status_code == 304 or (unchanged is not None and unchanged(response)):
            if entry is None or self.cache is None:
                raise NotCachedError(
                    "GET",
                    url,
                    f"HTTP {response.status_code}: the server says the data has not changed "
                    "since the last download, but the cache holds no copy "
                    f"({_detail(response) or 'no detail'})",
                )
            entry = self.cache.confirm(
                entry,
                now,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
            return FetchResult._from_entry(entry, Origin.NOT_MODIFIED)
        if not 200 <= response.status_code <= 299:
            raise HttpStatusError("GET", url, response.status_code, _detail(response))
        if validate is not None:
            validate(response)

        fresh = CacheEntry(
            url=url,
            content=response.content,
            fetched_at=now,
            checked_at=now,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
        )
        if self.cache is not None:
            self.cache.store(fresh)
        return FetchResult._from_entry(fresh, Origin.NETWORK)

    def _say(self, message: str) -> None:
        if self._notify is not None:
            self._notify(message)


def _detail(response: httpx.Response) -> str:
    """A short, single-line excerpt of an error body, for messages."""
    text = response.content[: _DETAIL_CHARS * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return text[:_DETAIL_CHARS] + ("..." if len(text) > _DETAIL_CHARS else "")


def raise_for_status(method: str, url: str, response: httpx.Response) -> None:
    """Raise :class:`HttpStatusError` unless ``response`` is a 2xx answer."""
    if not 200 <= response.status_code <= 299:
        raise HttpStatusError(method, url, response.status_code, _detail(response))
