"""Clients for outside services: CelesTrak and Space-Track.

They fetch raw bytes politely (timeouts, retries with backoff, rate limits,
conditional requests, a disk cache whose directory the caller chooses) and
return them with where and when they came from; ``parse_gp`` and
``parse_satcat`` turn those bytes into element sets and SATCAT rows.
"""

from orbit.clients.celestrak import CelestrakClient, NoGPDataError, parse_satcat
from orbit.clients.clock import Clock, FakeClock, SystemClock
from orbit.clients.errors import (
    ClientError,
    FetchError,
    HttpStatusError,
    NotCachedError,
    RateLimitWaitError,
    RetryExhaustedError,
)
from orbit.clients.gp import parse_gp
from orbit.clients.http import FetchResult, HttpFetcher, Origin, RetryPolicy
from orbit.clients.ratelimit import SPACE_TRACK_WINDOWS, RateLimiter, RateWindow
from orbit.clients.satcat import (
    SatcatFormatError,
    SatcatIssue,
    SatcatParseResult,
    SatcatRow,
    parse_satcat_csv,
)
from orbit.clients.spacetrack import SpaceTrackAuthError, SpaceTrackClient, SpaceTrackQueryError

__all__ = [
    "SPACE_TRACK_WINDOWS",
    "CelestrakClient",
    "ClientError",
    "Clock",
    "FakeClock",
    "FetchError",
    "FetchResult",
    "HttpFetcher",
    "HttpStatusError",
    "NoGPDataError",
    "NotCachedError",
    "Origin",
    "RateLimitWaitError",
    "RateLimiter",
    "RateWindow",
    "RetryExhaustedError",
    "RetryPolicy",
    "SatcatFormatError",
    "SatcatIssue",
    "SatcatParseResult",
    "SatcatRow",
    "SpaceTrackAuthError",
    "SpaceTrackClient",
    "SpaceTrackQueryError",
    "SystemClock",
    "parse_gp",
    "parse_satcat",
    "parse_satcat_csv",
]
