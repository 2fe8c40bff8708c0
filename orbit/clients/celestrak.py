"""CelesTrak (https://celestrak.org): GP element sets, the SATCAT and space weather.

CelesTrak updates its data at most every 2 hours and asks clients not to
download unchanged data more often; it blocks addresses that do. So every
URL has a minimum refresh interval (2 hours by default) backed by the disk
cache, requests are conditional, and CelesTrak's own "GP data has not updated
since your last successful download" answer (HTTP 403) counts as "not
modified". Credit: data from CelesTrak, https://celestrak.org/.

>>> import tempfile
>>> from orbit.clients.clock import FakeClock
>>> def server(request: httpx.Request) -> httpx.Response:
...     assert request.url.params["CATNR"] == "25544"
...     return httpx.Response(200, text="OBJECT_NAME,OBJECT_ID\\r\\nISS (ZARYA),1998-067A\\r\\n")
>>> with CelestrakClient(Path(tempfile.mkdtemp()), transport=httpx.MockTransport(server),
...                      clock=FakeClock()) as celestrak:
...     result = celestrak.gp_catnr(25544)
>>> result.url
'https://celestrak.org/NORAD/elements/gp.php?CATNR=25544&FORMAT=CSV'
>>> result.text.splitlines()[1]
'ISS (ZARYA),1998-067A'
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

import httpx

from orbit.clients.clock import Clock
from orbit.clients.errors import FetchError, HttpStatusError
from orbit.clients.http import (
    DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
    Closing,
    FetchResult,
    HttpFetcher,
    RetryPolicy,
)
from orbit.clients.ratelimit import RateLimiter
from orbit.clients.satcat import SatcatParseResult, parse_satcat_csv

CELESTRAK_URL = "https://celestrak.org"
#: CelesTrak refreshes GP data no more often than this, and asks clients to match it.
CELESTRAK_MIN_REFRESH = timedelta(hours=2)
#: FORMAT values gp.php accepts.
GP_FORMATS = ("CSV", "JSON", "JSON-PRETTY", "XML", "KVN", "TLE", "3LE", "2LE")

_GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_INTDES = re.compile(r"\d{4}-\d{3}[A-Z]{0,3}")
_MAX_CATNR = 999_999_999
# CelesTrak's answer to a repeat download of unchanged GP data (HTTP 403).
_UNCHANGED_MARK = b"has not updated since your last successful download"
_NO_GP_DATA = b"No GP data found"


class NoGPDataError(FetchError):
    """CelesTrak has no GP data for the query (unknown, decayed or non-GP object)."""


class CelestrakClient(Closing):
    """Fetches CelesTrak data through a caching, retrying :class:`HttpFetcher`.

    ``cache_dir`` is required: without a cache the 2-hour refresh rule cannot
    be kept. ``min_interval`` spaces consecutive requests (seconds). Each
    fetch method takes ``force`` (ignore the refresh interval, still
    conditional), ``offline`` (cache only) and ``stale_ok`` (fall back to the
    cached copy when CelesTrak keeps failing).
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        base_url: str = CELESTRAK_URL,
        min_refresh: timedelta = CELESTRAK_MIN_REFRESH,
        min_interval: float = 1.0,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        rand: Callable[[], float] = random.random,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        limiter = (
            RateLimiter([], min_interval=min_interval, clock=clock, on_wait=notify)
            if min_interval > 0
            else None
        )
        self.fetcher = HttpFetcher(
            cache_dir=cache_dir,
            min_refresh=min_refresh,
            retry=retry,
            rate_limiter=limiter,
            timeout=timeout,
            user_agent=user_agent,
            transport=transport,
            clock=clock,
            rand=rand,
            notify=notify,
        )

    def close(self) -> None:
        self.fetcher.close()

    # -- GP element sets -------------------------------------------------

    def gp_group(
        self,
        group: str,
        *,
        fmt: str = "CSV",
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Current GP data of a CelesTrak group ("active", "stations", "starlink", ...)."""
        if not _GROUP.fullmatch(group):
            raise ValueError(f"group: {group!r} is not a CelesTrak group name")
        return self._gp({"GROUP": group}, fmt, force=force, offline=offline, stale_ok=stale_ok)

    def gp_catnr(
        self,
        norad_id: int,
        *,
        fmt: str = "CSV",
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Current GP data of one object by NORAD catalog number."""
        norad_id = _catnr(norad_id)
        return self._gp(
            {"CATNR": str(norad_id)}, fmt, force=force, offline=offline, stale_ok=stale_ok
        )

    def gp_intdes(
        self,
        designator: str,
        *,
        fmt: str = "CSV",
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Current GP data by international designator: a launch ("2024-001") or a piece."""
        designator = designator.strip().upper()
        if not _INTDES.fullmatch(designator):
            raise ValueError(f"designator: {designator!r} is not of the form YYYY-NNN[A-ZZZ]")
        return self._gp(
            {"INTDES": designator}, fmt, force=force, offline=offline, stale_ok=stale_ok
        )

    # -- SATCAT ----------------------------------------------------------

    def satcat(
        self, *, force: bool = False, offline: bool = False, stale_ok: bool = False
    ) -> FetchResult:
        """The whole SATCAT as CSV (``pub/satcat.csv``)."""
        url = f"{self.base_url}/pub/satcat.csv"
        return self.fetcher.get(url, force=force, offline=offline, stale_ok=stale_ok)

    def satcat_records(
        self,
        *,
        catnr: int | None = None,
        intdes: str | None = None,
        group: str | None = None,
        name: str | None = None,
        force: bool = False,
        offline: bool = False,
        stale_ok: bool = False,
    ) -> FetchResult:
        """Selected SATCAT records as CSV (``satcat/records.php``); give exactly one selector."""
        given = [v for v in (catnr, intdes, group, name) if v is not None]
        if len(given) != 1:
            raise ValueError("satcat_records: give exactly one of catnr, intdes, group, name")
        if catnr is not None:
            key, value = "CATNR", str(_catnr(catnr))
        elif intdes is not None:
            key, value = "INTDES", intdes.strip().upper()
            if not _INTDES.fullmatch(value):
                raise ValueError(f"intdes: {intdes!r} is not of the form YYYY-NNN[A-ZZZ]")
        elif group is not None:
            key, value = "GROUP", group
            if not _GROUP.fullmatch(value):
                raise ValueError(f"group: {group!r} is not a CelesTrak group name")
        else:
            key, value = "NAME", (name or "").strip()
            if not value:
                raise ValueError("name: empty")
        query = urlencode({key: value, "FORMAT": "CSV"})
        url = f"{self.base_url}/satcat/records.php?{query}"
        return self.fetcher.get(url, force=force, offline=offline, stale_ok=stale_ok)

    # -- space weather ---------------------------------------------------

    def space_weather(
        self, *, force: bool = False, offline: bool = False, stale_ok: bool = False
    ) -> FetchResult:
        """CelesTrak's SW-All.txt (Kp, Ap, F10.7 since 1957 plus predictions), raw."""
        url = f"{self.base_url}/SpaceData/SW-All.txt"
        return self.fetcher.get(url, force=force, offline=offline, stale_ok=stale_ok)

    def _gp(
        self,
        selector: dict[str, str],
        fmt: str,
        *,
        force: bool,
        offline: bool,
        stale_ok: bool,
    ) -> FetchResult:
        fmt = fmt.upper()
        if fmt not in GP_FORMATS:
            raise ValueError(f"fmt: {fmt!r} is not one of {', '.join(GP_FORMATS)}")
        url = f"{self.base_url}/NORAD/elements/gp.php?{urlencode({**selector, 'FORMAT': fmt})}"
        try:
            return self.fetcher.get(
                url,
                force=force,
                offline=offline,
                stale_ok=stale_ok,
                unchanged=_gp_unchanged,
                validate=_gp_has_data,
            )
        except HttpStatusError as exc:
            if exc.status == 404 and exc.detail.startswith(_NO_GP_DATA.decode()):
                raise NoGPDataError("GET", url, exc.detail) from None
            raise


def parse_satcat(
    result: FetchResult, *, on_error: Literal["skip", "raise"] = "skip"
) -> SatcatParseResult:
    """Typed SATCAT rows from a :meth:`CelestrakClient.satcat` or ``satcat_records`` result."""
    return parse_satcat_csv(result.content, source=result.url, on_error=on_error)


def _catnr(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_CATNR:
        raise ValueError(f"catnr: {value!r} is not a NORAD catalog number (1-{_MAX_CATNR})")
    return value


def _gp_unchanged(response: httpx.Response) -> bool:
    if response.status_code != 403:
        return False
    # CelesTrak wraps the message over lines; compare with the line breaks folded away.
    return _UNCHANGED_MARK in b" ".join(response.content[:1000].split())


def _gp_has_data(response: httpx.Response) -> None:
    # CelesTrak has also answered "no data" with a 200 and a one-line body; never cache that.
    if response.content.strip() == _NO_GP_DATA:
        raise NoGPDataError("GET", str(response.request.url), _NO_GP_DATA.decode())
