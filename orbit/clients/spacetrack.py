"""Space-Track (https://www.space-track.org): GP element sets with the caller's account.

The caller passes the credentials; the client logs in (POST ``/ajaxauth/login``
with ``identity`` and ``password``; the session is a cookie), queries
``/basicspacedata/query/class/...`` and logs out on close. It keeps Space-Track's
published limits of 30 requests a minute and 300 an hour, counted per account
across every process that shares the cache directory, and re-asks for the same
URL at most once an hour (the guideline for GP data). The password never
appears in an error message, a log line or the client's ``repr``.

>>> import tempfile
>>> from orbit.clients.clock import FakeClock
>>> def server(request: httpx.Request) -> httpx.Response:
...     if request.url.path == "/ajaxauth/login":
...         return httpx.Response(200, json="", headers={"Set-Cookie": "chocolatechip=abc; path=/"})
...     if request.url.path == "/ajaxauth/logout":
...         return httpx.Response(200, json="Successfully logged out")
...     assert request.headers["cookie"] == "chocolatechip=abc"
...     return httpx.Response(200, json=[{"NORAD_CAT_ID": "25544"}])
>>> with SpaceTrackClient("me@example.org", "secret", cache_dir=Path(tempfile.mkdtemp()),
...                       transport=httpx.MockTransport(server), clock=FakeClock()) as st:
...     result = st.gp([25544])
>>> result.url
'https://www.space-track.org/basicspacedata/query/class/gp/NORAD_CAT_ID/25544/orderby/NORAD_CAT_ID/emptyresult/show/format/json'
>>> st
SpaceTrackClient(identity='me@example.org', base_url='https://www.space-track.org')
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx

from orbit.clients.clock import Clock, SystemClock
from orbit.clients.errors import ClientError, FetchError, HttpStatusError
from orbit.clients.http import (
    DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
    Closing,
    FetchResult,
    HttpFetcher,
    RetryPolicy,
    raise_for_status,
)
from orbit.clients.ratelimit import SPACE_TRACK_WINDOWS, RateLimiter

log = logging.getLogger(__name__)

SPACE_TRACK_URL = "https://www.space-track.org"
#: Space-Track's guideline for GP data: fetch a given query at most once an hour.
SPACE_TRACK_MIN_REFRESH = timedelta(hours=1)
#: Sessions last about two hours; log in again well before that.
SESSION_LIFETIME = timedelta(minutes=90)
#: Response formats of the query API.
FORMATS = ("json", "csv", "xml", "html", "kvn", "tle", "3le")
#: Catalog numbers per ``gp`` request; keeps the URL far below server limits.
MAX_IDS_PER_QUERY = 500

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Operators that Space-Track reads inside a value (",", "--", "~~", "^") must reach
# it literally; everything else ("<", ">", spaces) is percent-encoded.
_VALUE_SAFE = ",-~^*.:"


class SpaceTrackAuthError(ClientError):
    """Space-Track refused the credentials (or the login request failed)."""


class SpaceTrackQueryError(FetchError):
    """Space-Track answered a query with an error message instead of data."""


class SpaceTrackClient(Closing):
    """A logged-in Space-Track session with caching and the account's rate limits.

    ``rate_state_file`` holds the request times of this account so that all
    processes using it share one budget; by default it lives in
    ``cache_dir``. ``max_rate_wait`` bounds how long a call may wait for the
    budget (an exhausted hourly budget raises instead of hanging for up to an
    hour); None waits as long as needed.
    """

    def __init__(
        self,
        identity: str,
        password: str,
        *,
        cache_dir: Path,
        base_url: str = SPACE_TRACK_URL,
        min_refresh: timedelta = SPACE_TRACK_MIN_REFRESH,
        rate_state_file: Path | None = None,
        max_rate_wait: float | None = 900.0,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        rand: Callable[[], float] = random.random,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        if not identity or not password:
            raise ValueError("Space-Track identity and password are both required")
        self.identity = identity
        self._password = password
        self.base_url = base_url.rstrip("/")
        self.clock: Clock = clock or SystemClock()
        if rate_state_file is None:
            account = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
            rate_state_file = Path(cache_dir) / "space-track" / f"requests-{account}.log"
        self.rate_limiter = RateLimiter(
            SPACE_TRACK_WINDOWS,
            clock=self.clock,
            state_file=rate_state_file,
            max_wait=max_rate_wait,
            on_wait=notify,
        )
        self.fetcher = HttpFetcher(
            cache_dir=cache_dir,
            min_refresh=min_refresh,
            retry=retry,
            rate_limiter=self.rate_limiter,
            timeout=timeout,
            user_agent=user_agent,
            transport=transport,
            clock=self.clock,
            rand=rand,
            notify=notify,
        )
        self._logged_in_at: float | None = None

    def __repr__(self) -> str:
        return f"SpaceTrackClient(identity={self.identity!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Log out if logged in, and release the connection pool."""
        try:
            if self._logged_in_at is not None:
                self.logout()
        except ClientError as error:
            # A failed logout must not hide the caller's own result or error.
            log.warning("Space-Track logout failed: %s", error)
        finally:
            self.fetcher.close()

    # -- session ----------------------------------------------------------

    def login(self) -> None:
        """Open a session; raises :class:`SpaceTrackAuthError` if refused."""
        url = f"{self.base_url}/ajaxauth/login"
        try:
            response = self.fetcher.send(
                "POST", url, data={"identity": self.identity, "password": self._password}
            )
        except FetchError as error:
            raise SpaceTrackAuthError(
                f"Space-Track login as {self.identity!r} failed: {self._redact(str(error))}"
            ) from None
        if response.status_code != 200:
            raise SpaceTrackAuthError(
                f"Space-Track login as {self.identity!r} failed: HTTP {response.status_code}"
                f"{self._answer(response)}"
            )
        # Success is an empty JSON string; refusal is a JSON object such as {"Login":"Failed"}.
        try:
            answer = json.loads(response.content or b'""')
        except ValueError:
            answer = None
        if answer != "":
            raise SpaceTrackAuthError(
                f"Space-Track login as {self.identity!r} failed: credentials rejected"
                f"{self._answer(response)}"
            )
        self._logged_in_at = self.clock.time()

    def logout(self) -> None:
        url = f"{self.base_url}/ajaxauth/logout"
        self._logged_in_at = None
        raise_for_status("GET", url, self.fetcher.send("GET", url))

    def _ensure_session(self) -> None:
        lifetime = SESSION_LIFETIME.total_seconds()
        if self._logged_in_at is None or self.clock.time() - self._logged_in_at > lifetime:
            self.login()

    # -- queries ----------------------------------------------------------

    def query(
        self,
        request_class: str,
        predicates: Mapping[str, object] | None = None,
        *,
        orderby: str | None = None,
        limit: int | None = None,
        fmt: str = "json",
        controller: str = "basicspacedata",
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Any query-API request; predicate values may be lists (sent comma-separated).

        Values keep Space-Track's operators: ``">now-10"``, ``"null-val"``,
        ``"2024-01-01--2024-01-02"``, ``"~~STARLINK"``.
        """
        url = self.query_url(
            request_class,
            predicates or {},
            orderby=orderby,
            limit=limit,
            fmt=fmt,
            controller=controller,
        )

        def fetch() -> FetchResult:
            return self.fetcher.get(
                url,
                force=force,
                offline=offline,
                stale_ok=stale_ok,
                prepare=self._ensure_session,
                validate=_no_error_message,
            )

        try:
            return fetch()
        except HttpStatusError as error:
            if error.status != 401:
                raise
        # The session ended early (server restart, logout elsewhere): one fresh login.
        self._logged_in_at = None
        return fetch()

    def gp(
        self,
        norad_ids: Iterable[int],
        *,
        fmt: str = "json",
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Newest GP element set of each listed object, in one request."""
        ids = sorted({_catalog_number(n) for n in norad_ids})
        if not ids:
            raise ValueError("norad_ids: empty")
        if len(ids) > MAX_IDS_PER_QUERY:
            raise ValueError(
                f"norad_ids: {len(ids)} catalog numbers, at most {MAX_IDS_PER_QUERY} per "
                "request; use gp_catalog() for the whole catalog"
            )
        return self.query(
            "gp",
            {"NORAD_CAT_ID": ids},
            orderby="NORAD_CAT_ID",
            fmt=fmt,
            force=force,
            offline=offline,
            stale_ok=stale_ok,
        )

    def gp_catalog(
        self,
        *,
        epoch_within_days: float = 10.0,
        fmt: str = "json",
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Current GP data of every object in orbit with an epoch in the last N days.

        This is the query Space-Track recommends for a whole-catalog download.
        """
        if not epoch_within_days > 0:
            raise ValueError(f"epoch_within_days: must be > 0, got {epoch_within_days}")
        return self.query(
            "gp",
            {"DECAY_DATE": "null-val", "EPOCH": f">now-{epoch_within_days:g}"},
            orderby="NORAD_CAT_ID",
            fmt=fmt,
            force=force,
            offline=offline,
            stale_ok=stale_ok,
        )

    def query_url(
        self,
        request_class: str,
        predicates: Mapping[str, object],
        *,
        orderby: str | None = None,
        limit: int | None = None,
        fmt: str = "json",
        controller: str = "basicspacedata",
    ) -> str:
        """The URL of a query-API request (no request is made)."""
        if fmt not in FORMATS:
            raise ValueError(f"fmt: {fmt!r} is not one of {', '.join(FORMATS)}")
        for label, name in (("controller", controller), ("class", request_class)):
            if not _NAME.fullmatch(name):
                raise ValueError(f"{label}: {name!r} is not a Space-Track name")
        parts = [controller, "query", "class", request_class]
        for name, value in predicates.items():
            if not _NAME.fullmatch(name):
                raise ValueError(f"predicate {name!r} is not a Space-Track field name")
            parts += [name, _encode(name, value)]
        if orderby is not None:
            parts += ["orderby", _encode("orderby", orderby)]
        if limit is not None:
            if limit < 1:
                raise ValueError(f"limit: must be >= 1, got {limit}")
            parts += ["limit", str(limit)]
        parts += ["emptyresult", "show", "format", fmt]
        return f"{self.base_url}/{'/'.join(parts)}"

    def _redact(self, text: str) -> str:
        return text.replace(self._password, "***")

    def _answer(self, response: httpx.Response) -> str:
        body = " ".join(response.content[:200].decode("utf-8", errors="replace").split())
        return f" (Space-Track said: {self._redact(body)})" if body else ""


def _catalog_number(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"norad_ids: {value!r} is not a catalog number")
    return value


def _encode(name: str, value: object) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, Sequence | set | frozenset):
        text = ",".join(str(v) for v in value)
    else:
        text = str(value)
    if not text:
        raise ValueError(f"{name}: empty value")
    return quote(text, safe=_VALUE_SAFE)


def _no_error_message(response: httpx.Response) -> None:
    # Space-Track reports a bad query as a JSON object {"error": "..."}, not as data.
    head = response.content[:200].lstrip()
    if not head.startswith(b"{"):
        return
    try:
        message = json.loads(response.content)
    except ValueError:
        return
    if isinstance(message, dict) and "error" in message:
        raise SpaceTrackQueryError("GET", str(response.request.url), str(message["error"]))
