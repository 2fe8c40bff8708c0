"""SpaceTrackClient: login, cookies, logout, rate limits, caching, errors (no network)."""

from __future__ import annotations

import importlib.util
import json
import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from orbit.clients.errors import RateLimitWaitError
from orbit.clients.gp import parse_gp
from orbit.clients.http import Origin, RetryPolicy
from orbit.clients.spacetrack import (
    SpaceTrackAuthError,
    SpaceTrackClient,
    SpaceTrackQueryError,
)

HAVE_PARSER = importlib.util.find_spec("orbit.read") is not None
needs_parser = pytest.mark.skipif(not HAVE_PARSER, reason="parser not yet available")

IDENTITY = "registry@example.org"
PASSWORD = "correct horse battery staple"
BASE = "https://www.space-track.org"
GP_URL = (
    f"{BASE}/basicspacedata/query/class/gp/NORAD_CAT_ID/20580,25544"
    "/orderby/NORAD_CAT_ID/emptyresult/show/format/json"
)

GP_PATH_25544 = (
    "/basicspacedata/query/class/gp/NORAD_CAT_ID/25544"
    "/orderby/NORAD_CAT_ID/emptyresult/show/format/json"
)
GP_PATH_20580 = GP_PATH_25544.replace("25544", "20580")


class SpaceTrackFake:
    """Space-Track's observable behaviour: login cookie, data only with the cookie."""

    def __init__(self, recorded, *, accept_password: str = PASSWORD) -> None:
        self.recorded = recorded
        self.accept_password = accept_password
        self.sessions = 0
        self.expired = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/ajaxauth/login":
            form = parse_qs(request.content.decode())
            if form.get("password") != [self.accept_password]:
                return httpx.Response(200, content=self.recorded("spacetrack-login-failed.json"))
            self.sessions += 1
            self.expired = False
            return httpx.Response(
                200,
                content=self.recorded("spacetrack-login-ok.json"),
                headers={"Set-Cookie": f"chocolatechip=s{self.sessions}; path=/; secure"},
            )
        if path == "/ajaxauth/logout":
            return httpx.Response(200, json="Successfully logged out")
        if "chocolatechip" not in request.headers.get("cookie", "") or self.expired:
            return httpx.Response(401, json={"error": "You must be logged in"})
        return httpx.Response(
            200,
            content=self.recorded("spacetrack-gp-20580-25544.json"),
            headers={"Content-Type": "application/json"},
        )


@pytest.fixture
def fake(recorded) -> SpaceTrackFake:
    return SpaceTrackFake(recorded)


def make_client(server, clock, cache_dir, password: str = PASSWORD, **options) -> SpaceTrackClient:
    return SpaceTrackClient(
        IDENTITY,
        password,
        cache_dir=cache_dir,
        transport=server.transport,
        clock=clock,
        rand=lambda: 0.0,
        **options,
    )


def test_login_query_logout(server, clock, cache_dir, fake, recorded) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir) as st:
        result = st.gp([25544, 20580, 25544])

    login, query, logout = server.requests
    assert (login.method, str(login.url)) == ("POST", f"{BASE}/ajaxauth/login")
    assert parse_qs(login.content.decode()) == {"identity": [IDENTITY], "password": [PASSWORD]}
    assert (query.method, str(query.url)) == ("GET", GP_URL)
    assert query.headers["cookie"] == "chocolatechip=s1"
    assert (logout.method, str(logout.url)) == ("GET", f"{BASE}/ajaxauth/logout")
    assert result.content == recorded("spacetrack-gp-20580-25544.json")
    assert [row["NORAD_CAT_ID"] for row in json.loads(result.content)] == ["20580", "25544"]


def test_refused_login_is_clear_and_never_shows_the_password(
    server, clock, cache_dir, recorded, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    server.route = SpaceTrackFake(recorded, accept_password="something else")
    st = make_client(server, clock, cache_dir)

    with pytest.raises(SpaceTrackAuthError) as caught:
        st.gp([25544])
    st.close()

    message = str(caught.value)
    assert message == (
        f"Space-Track login as '{IDENTITY}' failed: credentials rejected "
        '(Space-Track said: {"Login":"Failed"})'
    )
    assert PASSWORD not in message
    assert PASSWORD not in repr(st)
    assert PASSWORD not in caplog.text
    assert "correct" not in caplog.text
    # No query and no logout after a refused login.
    assert [r.url.path for r in server.requests] == ["/ajaxauth/login"]


def test_login_that_keeps_failing_on_the_server_side(server, clock, cache_dir, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server.route = lambda request: httpx.Response(500, text=f"error near {PASSWORD}")
    st = make_client(server, clock, cache_dir, retry=RetryPolicy(attempts=3))
    with pytest.raises(SpaceTrackAuthError) as caught:
        st.login()
    assert str(caught.value) == (
        f"Space-Track login as '{IDENTITY}' failed: POST {BASE}/ajaxauth/login: "
        "gave up after 3 attempt(s); last: HTTP 500 Internal Server Error"
    )
    assert PASSWORD not in caplog.text


def test_an_echoed_password_is_redacted(server, clock, cache_dir) -> None:
    server.route = lambda request: httpx.Response(403, text=f"bad password {PASSWORD}")
    with pytest.raises(SpaceTrackAuthError) as caught:
        make_client(server, clock, cache_dir).login()
    assert str(caught.value).endswith("HTTP 403 (Space-Track said: bad password ***)")


def test_empty_credentials_are_refused(cache_dir) -> None:
    with pytest.raises(ValueError, match="identity and password are both required"):
        SpaceTrackClient(IDENTITY, "", cache_dir=cache_dir)


def test_a_repeat_query_within_the_hour_asks_nobody(server, clock, cache_dir, fake) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir) as st:
        st.gp([20580, 25544])
    clock.advance(30 * 60)
    with make_client(server, clock, cache_dir) as st:
        again = st.gp([25544, 20580])
    assert again.origin is Origin.CACHE
    # The second client neither logged in nor out: the cache answered.
    assert [r.url.path for r in server.requests].count("/ajaxauth/login") == 1
    assert len(server.requests) == 3


def test_expired_session_logs_in_again_once(server, clock, cache_dir, fake) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir, min_refresh=timedelta(0)) as st:
        st.gp([25544])
        fake.expired = True
        st.gp([25544])
    paths = [r.url.path for r in server.requests]
    assert paths.count("/ajaxauth/login") == 2
    assert server.requests[-2].headers["cookie"] == "chocolatechip=s2"


def test_an_old_session_is_renewed_before_use(server, clock, cache_dir, fake) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir) as st:
        st.gp([25544])
        clock.advance(2 * 3600)
        st.gp([20580])
    paths = [r.url.path for r in server.requests]
    assert paths[:4] == ["/ajaxauth/login", GP_PATH_25544, "/ajaxauth/login", GP_PATH_20580]


def test_error_message_instead_of_data_is_an_error_and_not_cached(
    server, clock, cache_dir, fake
) -> None:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/basicspacedata"):
            return httpx.Response(200, json={"error": "Unknown predicate FOO"})
        return fake(request)

    server.route = route
    with make_client(server, clock, cache_dir) as st, pytest.raises(SpaceTrackQueryError) as caught:
        st.query("gp", {"FOO": 1})
    assert str(caught.value).endswith("/format/json: Unknown predicate FOO")
    assert not any(cache_dir.rglob("*.http"))


def test_requests_keep_to_30_a_minute(server, clock, cache_dir, fake) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir) as st:
        for norad_id in range(1, 41):
            st.gp([norad_id])
    times = server.times
    assert len(times) == 42  # login, 40 queries, logout
    worst = max(sum(1 for u in times if t <= u < t + 60.0) for t in times)
    assert worst == 30
    assert times[-1] - times[0] >= 60.0


def test_an_exhausted_hourly_budget_raises_instead_of_hanging(server, clock, cache_dir, fake):
    server.route = fake
    with make_client(server, clock, cache_dir, max_rate_wait=120.0) as st:
        with pytest.raises(RateLimitWaitError, match="300 per 3600 s"):
            for norad_id in range(1, 400):
                st.gp([norad_id])
        sent = len(server.requests)
    assert sent == 300
    assert max(sum(1 for u in server.times if t <= u < t + 3600.0) for t in server.times) == 300


def test_two_clients_of_one_account_share_the_budget(server, clock, cache_dir, fake) -> None:
    server.route = fake
    first = make_client(server, clock, cache_dir)
    second = make_client(server, clock, cache_dir)
    start = clock.time()
    for norad_id in range(1, 15):
        first.gp([norad_id])
        second.gp([1000 + norad_id])
    # 2 logins + 28 queries = 30 requests; the next one, from either, waits a minute.
    assert clock.time() == start
    first.gp([99])
    assert clock.time() == pytest.approx(start + 60.0)
    first.close()
    second.close()


def test_query_url_encoding() -> None:
    st = SpaceTrackClient(IDENTITY, PASSWORD, cache_dir=Path("/nonexistent"))
    st.close()  # building URLs needs no connection
    url = st.query_url(
        "gp",
        {"DECAY_DATE": "null-val", "EPOCH": ">now-10", "OBJECT_NAME": "~~STARLINK 1"},
        orderby="NORAD_CAT_ID desc",
        limit=10,
        fmt="3le",
    )
    assert url == (
        f"{BASE}/basicspacedata/query/class/gp/DECAY_DATE/null-val/EPOCH/%3Enow-10"
        "/OBJECT_NAME/~~STARLINK%201/orderby/NORAD_CAT_ID%20desc/limit/10/emptyresult/show/format/3le"
    )
    assert st.query_url("satcat", {"LAUNCH": "2024-01-01--2024-01-31"}).endswith(
        "/class/satcat/LAUNCH/2024-01-01--2024-01-31/emptyresult/show/format/json"
    )


def test_gp_catalog_uses_the_recommended_query(server, clock, cache_dir, fake) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir) as st:
        st.gp_catalog()
    assert str(server.requests[1].url) == (
        f"{BASE}/basicspacedata/query/class/gp/DECAY_DATE/null-val/EPOCH/%3Enow-10"
        "/orderby/NORAD_CAT_ID/emptyresult/show/format/json"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda st: st.gp([]), "norad_ids: empty"),
        (lambda st: st.gp([0]), "norad_ids: 0 is not a catalog number"),
        (lambda st: st.gp(range(1, 502)), "501 catalog numbers, at most 500"),
        (lambda st: st.query("gp/../x", {}), "class: 'gp/../x' is not a Space-Track name"),
        (lambda st: st.query("gp", {"A/B": 1}), "predicate 'A/B' is not a Space-Track field"),
        (lambda st: st.query("gp", {"EPOCH": ""}), "EPOCH: empty value"),
        (lambda st: st.query("gp", fmt="yaml"), "fmt: 'yaml' is not one of"),
        (lambda st: st.query("gp", limit=0), "limit: must be >= 1"),
        (lambda st: st.gp_catalog(epoch_within_days=0), "epoch_within_days: must be > 0"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    server, clock, cache_dir, call, message
) -> None:
    with (
        make_client(server, clock, cache_dir) as st,
        pytest.raises(ValueError, match=message.replace("(", r"\(")),
    ):
        call(st)
    assert server.requests == []


@needs_parser
def test_space_track_json_parses_into_element_sets(server, clock, cache_dir, fake) -> None:
    server.route = fake
    with make_client(server, clock, cache_dir) as st:
        parsed = parse_gp(st.gp([20580, 25544]))
    assert parsed.issues == []
    assert [es.norad_id for es in parsed.elements] == [20580, 25544]
    iss = parsed.elements[1]
    assert iss.designator == "1998-067A"
    assert iss.mean_motion == pytest.approx(15.48965714)
    assert iss.source == GP_URL
