"""Errors raised by the outside-service clients.

Every error says which request failed and why, in one line a command-line
tool can print as it is. None of them ever carries a request body, so a
password sent in a login form cannot leak into a log through an exception.

>>> str(HttpStatusError("GET", "https://celestrak.org/x", 404, "No GP data found"))
'GET https://celestrak.org/x: HTTP 404: No GP data found'
"""

from __future__ import annotations


class ClientError(Exception):
    """Base class for every failure of an outside-service client."""


class FetchError(ClientError):
    """A request did not produce usable data."""

    def __init__(self, method: str, url: str, reason: str) -> None:
        super().__init__(f"{method} {url}: {reason}")
        self.method = method
        self.url = url
        self.reason = reason


class HttpStatusError(FetchError):
    """The server answered with a status that retrying will not change (most 4xx)."""

    def __init__(self, method: str, url: str, status: int, detail: str = "") -> None:
        reason = f"HTTP {status}" + (f": {detail}" if detail else "")
        super().__init__(method, url, reason)
        self.status = status
        self.detail = detail


class RetryExhaustedError(FetchError):
    """Transient failures (429, 5xx, network) went on past the retry budget."""

    def __init__(self, method: str, url: str, attempts: int, last_failure: str) -> None:
        super().__init__(method, url, f"gave up after {attempts} attempt(s); last: {last_failure}")
        self.attempts = attempts
        self.last_failure = last_failure


class NotCachedError(FetchError):
    """Offline use was asked for, or the server said "unchanged", but no copy is cached."""


class RateLimitWaitError(ClientError):
    """Respecting a rate limit would mean waiting longer than the caller allows."""

    def __init__(self, wait_seconds: float, max_wait: float, limit: str) -> None:
        super().__init__(
            f"rate limit {limit}: next request allowed in {wait_seconds:.0f} s, "
            f"more than the {max_wait:.0f} s this caller is willing to wait"
        )
        self.wait_seconds = wait_seconds
        self.max_wait = max_wait
