"""HttpFetcher: retries, Retry-After, conditional requests, the disk cache and its refresh interval."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from orbit.clients.cache import ResponseCache
from orbit.clients.clock import FakeClock
from orbit.clients.errors import HttpStatusError, NotCachedError, RetryExhaustedError
from orbit.clients.http import HttpFetcher, Origin, RetryPolicy

URL = "https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=CSV"
BODY = b"OBJECT_NAME,OBJECT_ID\r\nISS (ZARYA),1998-067A\r\n"


def make_fetcher(
    server, clock: FakeClock, cache_dir: Path | None, *, rand: float = 0.0, **options
) -> HttpFetcher:
    return HttpFetcher(
        cache_dir=cache_dir,
        transport=server.transport,
        clock=clock,
        rand=lambda: rand,
        **options,
    )


def test_retries_server_errors_then_succeeds(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(503), httpx.Response(502), httpx.Response(200, content=BODY)]
    fetcher = make_fetcher(server, clock, cache_dir, retry=RetryPolicy(base_delay=2.0))

    result = fetcher.get(URL)

    assert result.content == BODY
    assert result.origin is Origin.NETWORK
    assert len(server.requests) == 3
    assert clock.slept == [2.0, 4.0]  # exponential: base, then twice base


def test_retries_transport_errors(server, clock, cache_dir) -> None:
    server.answers = [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        httpx.Response(200, content=BODY),
    ]
    result = make_fetcher(server, clock, cache_dir).get(URL)
    assert result.content == BODY
    assert len(server.requests) == 3


def test_jitter_shortens_the_delay_within_bounds(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(500), httpx.Response(500), httpx.Response(200, content=BODY)]
    policy = RetryPolicy(base_delay=2.0, jitter=0.5)
    make_fetcher(server, clock, cache_dir, rand=0.999, retry=policy).get(URL)
    assert clock.slept == pytest.approx([1.001, 2.002])


def test_gives_up_after_the_retry_budget_with_a_clear_error(server, clock, cache_dir) -> None:
    server.route = lambda request: httpx.Response(503)
    fetcher = make_fetcher(server, clock, cache_dir, retry=RetryPolicy(attempts=4))

    with pytest.raises(RetryExhaustedError) as caught:
        fetcher.get(URL)

    message = str(caught.value)
    assert message.startswith(f"GET {URL}: gave up after 4 attempt(s)")
    assert "HTTP 503 Service Unavailable" in message
    assert len(server.requests) == 4
    assert len(clock.slept) == 3
    assert not any(cache_dir.rglob("*.http")), "an error must not be cached"


def test_transport_error_exhaustion_names_the_error(server, clock, cache_dir) -> None:
    server.route = lambda request: httpx.ConnectError("name resolution failed")
    with pytest.raises(RetryExhaustedError, match="ConnectError: name resolution failed"):
        make_fetcher(server, clock, cache_dir, retry=RetryPolicy(attempts=2)).get(URL)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_client_errors_are_not_retried(server, clock, cache_dir, status: int) -> None:
    server.answers = [httpx.Response(status, text="Bad query\nsecond line")]
    with pytest.raises(HttpStatusError) as caught:
        make_fetcher(server, clock, cache_dir).get(URL)
    assert caught.value.status == status
    assert str(caught.value) == f"GET {URL}: HTTP {status}: Bad query second line"
    assert len(server.requests) == 1
    assert clock.slept == []


def test_retry_after_seconds_is_honoured(server, clock, cache_dir) -> None:
    server.answers = [
        httpx.Response(429, headers={"Retry-After": "30"}),
        httpx.Response(200, content=BODY),
    ]
    make_fetcher(server, clock, cache_dir).get(URL)
    assert clock.slept == [30.0]
    assert server.times[1] - server.times[0] == pytest.approx(30.0)


def test_retry_after_http_date_is_honoured(server, clock, cache_dir) -> None:
    # The fake clock stands at 2026-07-10 08:00:00 UTC.
    server.answers = [
        httpx.Response(503, headers={"Retry-After": "Fri, 10 Jul 2026 08:01:15 GMT"}),
        httpx.Response(200, content=BODY),
    ]
    make_fetcher(server, clock, cache_dir).get(URL)
    assert clock.slept == [75.0]


def test_backoff_wins_over_a_shorter_retry_after(server, clock, cache_dir) -> None:
    server.answers = [
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(200, content=BODY),
    ]
    make_fetcher(server, clock, cache_dir, retry=RetryPolicy(base_delay=5.0)).get(URL)
    assert clock.slept == [5.0]


def test_retry_after_beyond_the_limit_fails_at_once(server, clock, cache_dir) -> None:
    server.route = lambda request: httpx.Response(429, headers={"Retry-After": "7200"})
    fetcher = make_fetcher(server, clock, cache_dir, retry=RetryPolicy(max_retry_after=900))
    with pytest.raises(RetryExhaustedError, match="asks to wait 7200 s, longer than the 900 s"):
        fetcher.get(URL)
    assert len(server.requests) == 1
    assert clock.slept == []


def test_notify_hears_about_each_retry(server, clock, cache_dir) -> None:
    heard: list[str] = []
    server.answers = [httpx.Response(503), httpx.Response(200, content=BODY)]
    make_fetcher(server, clock, cache_dir, notify=heard.append).get(URL)
    assert heard == [f"GET {URL}: HTTP 503 Service Unavailable; retry 1/3 in 2.0 s"]


def test_inside_the_refresh_interval_the_cache_answers_without_a_request(
    server, clock, cache_dir
) -> None:
    server.answers = [httpx.Response(200, content=BODY)]
    fetcher = make_fetcher(server, clock, cache_dir, min_refresh=timedelta(hours=2))
    first = fetcher.get(URL)

    clock.advance(2 * 3600 - 1)
    second = fetcher.get(URL)

    assert len(server.requests) == 1
    assert second.content == BODY
    assert second.origin is Origin.CACHE and second.from_cache
    assert second.fetched_at == first.fetched_at


def test_the_refresh_interval_survives_a_new_process(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(200, content=BODY)]
    make_fetcher(server, clock, cache_dir, min_refresh=timedelta(hours=2)).get(URL)
    clock.advance(600)
    again = make_fetcher(server, clock, cache_dir, min_refresh=timedelta(hours=2)).get(URL)
    assert again.origin is Origin.CACHE
    assert len(server.requests) == 1


def test_after_the_interval_a_conditional_request_and_304_serve_the_cache(
    server, clock, cache_dir
) -> None:
    validators = {"ETag": '"gp-20260710-0800"', "Last-Modified": "Fri, 10 Jul 2026 07:58:00 GMT"}
    server.answers = [httpx.Response(200, content=BODY, headers=validators), httpx.Response(304)]
    fetcher = make_fetcher(server, clock, cache_dir, min_refresh=timedelta(hours=2))
    first = fetcher.get(URL)
    clock.advance(2 * 3600 + 1)

    second = fetcher.get(URL)

    conditional = server.requests[1].headers
    assert conditional["If-None-Match"] == '"gp-20260710-0800"'
    assert conditional["If-Modified-Since"] == "Fri, 10 Jul 2026 07:58:00 GMT"
    assert second.origin is Origin.NOT_MODIFIED
    assert second.content == BODY
    assert second.fetched_at == first.fetched_at
    assert second.checked_at == clock.now()
    # The 304 restarts the interval: the next call inside it asks nobody.
    clock.advance(60)
    assert fetcher.get(URL).origin is Origin.CACHE
    assert len(server.requests) == 2


def test_a_changed_resource_replaces_the_cache(server, clock, cache_dir) -> None:
    server.answers = [
        httpx.Response(200, content=b"old", headers={"ETag": '"1"'}),
        httpx.Response(200, content=b"new", headers={"ETag": '"2"'}),
    ]
    fetcher = make_fetcher(server, clock, cache_dir)
    fetcher.get(URL)
    result = fetcher.get(URL)
    assert (result.content, result.etag, result.origin) == (b"new", '"2"', Origin.NETWORK)
    cached = ResponseCache(cache_dir).load(URL)
    assert cached is not None and cached.content == b"new"


def test_force_skips_the_interval_but_stays_conditional(server, clock, cache_dir) -> None:
    server.answers = [
        httpx.Response(200, content=BODY, headers={"ETag": '"1"'}),
        httpx.Response(304),
    ]
    fetcher = make_fetcher(server, clock, cache_dir, min_refresh=timedelta(hours=2))
    fetcher.get(URL)
    assert fetcher.get(URL, force=True).origin is Origin.NOT_MODIFIED
    assert server.requests[1].headers["If-None-Match"] == '"1"'


def test_304_without_a_cached_copy_is_an_error(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(304)]
    with pytest.raises(NotCachedError, match="cache holds no copy"):
        make_fetcher(server, clock, cache_dir).get(URL)


def test_offline_uses_the_cache_or_says_there_is_none(server, clock, cache_dir) -> None:
    fetcher = make_fetcher(server, clock, cache_dir)
    with pytest.raises(NotCachedError, match="offline, and no cached copy"):
        fetcher.get(URL, offline=True)
    server.answers = [httpx.Response(200, content=BODY)]
    fetcher.get(URL)
    clock.advance(30 * 86400)
    assert fetcher.get(URL, offline=True).content == BODY
    assert len(server.requests) == 1


def test_stale_copy_only_when_asked_and_only_for_transient_failures(
    server, clock, cache_dir
) -> None:
    server.answers = [httpx.Response(200, content=BODY)]
    fetcher = make_fetcher(server, clock, cache_dir, retry=RetryPolicy(attempts=2))
    fetcher.get(URL)
    server.route = lambda request: httpx.Response(503)

    with pytest.raises(RetryExhaustedError):
        fetcher.get(URL)
    stale = fetcher.get(URL, stale_ok=True)
    assert (stale.origin, stale.content) == (Origin.STALE, BODY)

    server.route = lambda request: httpx.Response(404)
    with pytest.raises(HttpStatusError):
        fetcher.get(URL, stale_ok=True)


def test_errors_never_overwrite_the_cache(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(200, content=BODY), httpx.Response(404, text="gone")]
    fetcher = make_fetcher(server, clock, cache_dir)
    fetcher.get(URL)
    with pytest.raises(HttpStatusError):
        fetcher.get(URL)
    cached = ResponseCache(cache_dir).load(URL)
    assert cached is not None and cached.content == BODY


def test_validate_can_refuse_a_200_before_it_is_cached(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(200, text="No GP data found")]

    def refuse(response: httpx.Response) -> None:
        raise ValueError("empty answer")

    with pytest.raises(ValueError, match="empty answer"):
        make_fetcher(server, clock, cache_dir).get(URL, validate=refuse)
    assert ResponseCache(cache_dir).load(URL) is None


def test_without_a_cache_directory_every_call_asks(server, clock) -> None:
    server.route = lambda request: httpx.Response(200, content=BODY)
    fetcher = make_fetcher(server, clock, None, min_refresh=timedelta(hours=2))
    fetcher.get(URL)
    fetcher.get(URL)
    assert len(server.requests) == 2
    assert "If-None-Match" not in server.requests[1].headers


def test_damaged_cache_file_counts_as_absent(server, clock, cache_dir) -> None:
    server.route = lambda request: httpx.Response(200, content=BODY)
    fetcher = make_fetcher(server, clock, cache_dir, min_refresh=timedelta(hours=2))
    fetcher.get(URL)
    path = ResponseCache(cache_dir).path_for(URL)
    path.write_bytes(path.read_bytes()[:-5])  # truncated, as by a full disk

    assert fetcher.get(URL).origin is Origin.NETWORK
    assert len(server.requests) == 2


def test_charset_from_content_type_decodes_text(server, clock, cache_dir) -> None:
    body = "OBJECT_NAME\r\nKOSMOS – ½\r\n".encode("iso-8859-15", errors="replace")
    server.answers = [
        httpx.Response(200, content=body, headers={"Content-Type": "text/csv; charset=ISO-8859-15"})
    ]
    result = make_fetcher(server, clock, cache_dir).get(URL)
    assert result.text == body.decode("iso-8859-15")
    assert result.content_type == "text/csv; charset=ISO-8859-15"


def test_user_agent_and_timeout_reach_the_request(server, clock, cache_dir) -> None:
    server.answers = [httpx.Response(200, content=BODY)]
    fetcher = make_fetcher(server, clock, cache_dir, user_agent="spacereg-test/1", timeout=7.0)
    fetcher.get(URL)
    request = server.requests[0]
    assert request.headers["User-Agent"] == "spacereg-test/1"
    assert request.extensions["timeout"] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}
