"""CelestrakClient against recorded CelesTrak answers (httpx.MockTransport, no network)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime

import httpx
import pytest

from orbit.clients.celestrak import CelestrakClient, NoGPDataError, parse_satcat
from orbit.clients.errors import HttpStatusError, NotCachedError
from orbit.clients.gp import parse_gp
from orbit.clients.http import Origin
from tests.conftest import shared_file

HAVE_PARSER = importlib.util.find_spec("orbit.read") is not None
needs_parser = pytest.mark.skipif(not HAVE_PARSER, reason="parser not yet available")

GP_ACTIVE = "https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=CSV"
CSV_TYPE = {"Content-Type": "text/csv; charset=UTF-8"}


@pytest.fixture
def celestrak(server, clock, cache_dir):
    with CelestrakClient(
        cache_dir, transport=server.transport, clock=clock, rand=lambda: 0.0
    ) as client:
        yield client


def test_gp_group_asks_the_documented_url_and_returns_the_bytes(
    celestrak, server, clock, recorded
) -> None:
    body = recorded("celestrak-gp-active.csv")
    server.answers = [httpx.Response(200, content=body, headers=CSV_TYPE)]

    result = celestrak.gp_group("active")

    assert str(server.requests[0].url) == GP_ACTIVE
    assert result.url == GP_ACTIVE
    assert result.content == body
    assert result.origin is Origin.NETWORK and not result.from_cache
    assert result.fetched_at == datetime(2026, 7, 10, 8, 0, tzinfo=UTC)
    assert result.text.splitlines()[1].startswith("CALSPHERE 1,1964-063C,")


def test_recorded_gp_answer_is_real_catalog_data(recorded) -> None:
    real = shared_file("catalog/celestrak-gp-active-2026-07-10.csv").read_bytes().splitlines()
    assert recorded("celestrak-gp-active.csv").splitlines() == real[:21]


def test_gp_catnr_and_intdes_urls(celestrak, server, recorded) -> None:
    server.route = lambda request: httpx.Response(
        200, content=recorded("celestrak-gp-catnr-25544.csv")
    )
    celestrak.gp_catnr(25544)
    celestrak.gp_intdes("1998-067a", fmt="json")
    assert [str(r.url) for r in server.requests] == [
        "https://celestrak.org/NORAD/elements/gp.php?CATNR=25544&FORMAT=CSV",
        "https://celestrak.org/NORAD/elements/gp.php?INTDES=1998-067A&FORMAT=JSON",
    ]


def test_the_two_hour_rule_is_kept_per_url(celestrak, server, clock, recorded) -> None:
    body = recorded("celestrak-gp-active.csv")
    server.answers = [
        httpx.Response(200, content=body, headers={**CSV_TYPE, "ETag": '"a1"'}),
        httpx.Response(304),
    ]
    celestrak.gp_group("active")
    clock.advance(1 * 3600 + 59 * 60)
    assert celestrak.gp_group("active").origin is Origin.CACHE
    assert len(server.requests) == 1

    clock.advance(60)
    result = celestrak.gp_group("active")
    assert result.origin is Origin.NOT_MODIFIED and result.content == body
    assert server.requests[1].headers["If-None-Match"] == '"a1"'


def test_celestraks_own_unchanged_answer_serves_the_cache(
    celestrak, server, clock, recorded
) -> None:
    body = recorded("celestrak-gp-active.csv")
    server.answers = [
        httpx.Response(200, content=body),
        httpx.Response(403, content=recorded("celestrak-gp-not-updated-403.txt")),
    ]
    celestrak.gp_group("active")
    result = celestrak.gp_group("active", force=True)
    assert result.origin is Origin.NOT_MODIFIED
    assert result.content == body


def test_unchanged_answer_without_a_cached_copy_is_explained(server, clock, recorded, tmp_path):
    server.answers = [httpx.Response(403, content=recorded("celestrak-gp-not-updated-403.txt"))]
    with (
        CelestrakClient(tmp_path / "empty", transport=server.transport, clock=clock) as celestrak,
        pytest.raises(NotCachedError) as caught,
    ):
        celestrak.gp_group("active")
    message = str(caught.value)
    assert message.startswith(f"GET {GP_ACTIVE}: HTTP 403: the server says the data has not")
    assert "GP data has not updated since your last successful download of GROUP=active" in message


def test_other_403s_stay_errors(celestrak, server) -> None:
    server.answers = [httpx.Response(403, text="Forbidden: too many requests from your address")]
    with pytest.raises(HttpStatusError, match="HTTP 403: Forbidden: too many requests"):
        celestrak.gp_group("active")


@pytest.mark.parametrize("status", [200, 404])
def test_no_gp_data_is_its_own_error_and_never_cached(
    celestrak, server, recorded, cache_dir, status: int
) -> None:
    server.answers = [httpx.Response(status, content=recorded("celestrak-no-gp-data-404.txt"))]
    with pytest.raises(NoGPDataError, match=r"CATNR=43435&FORMAT=CSV: No GP data found$"):
        celestrak.gp_catnr(43435)
    assert not any(cache_dir.rglob("*.http"))


def test_consecutive_requests_are_spaced(celestrak, server, clock, recorded) -> None:
    server.route = lambda request: httpx.Response(200, content=recorded("celestrak-satcat.csv"))
    celestrak.satcat()
    celestrak.satcat_records(catnr=25544)
    assert server.times[1] - server.times[0] == pytest.approx(1.0)


def test_satcat_parses_into_typed_rows(celestrak, server, recorded) -> None:
    server.answers = [httpx.Response(200, content=recorded("celestrak-satcat.csv"))]
    result = celestrak.satcat()
    assert str(server.requests[0].url) == "https://celestrak.org/pub/satcat.csv"

    parsed = parse_satcat(result)
    assert parsed.issues == []
    assert len(parsed.rows) == 9
    assert parsed.rows[5].object_name == "ISS (ZARYA)"


def test_satcat_records_by_each_selector(celestrak, server, recorded) -> None:
    server.route = lambda request: httpx.Response(
        200, content=recorded("celestrak-satcat-records-25544.csv")
    )
    parsed = parse_satcat(celestrak.satcat_records(catnr=25544))
    celestrak.satcat_records(intdes="1998-067")
    celestrak.satcat_records(group="stations")
    celestrak.satcat_records(name="ISS (ZARYA)")
    assert [row.norad_cat_id for row in parsed.rows] == [25544]
    assert [str(r.url) for r in server.requests] == [
        "https://celestrak.org/satcat/records.php?CATNR=25544&FORMAT=CSV",
        "https://celestrak.org/satcat/records.php?INTDES=1998-067&FORMAT=CSV",
        "https://celestrak.org/satcat/records.php?GROUP=stations&FORMAT=CSV",
        "https://celestrak.org/satcat/records.php?NAME=ISS+%28ZARYA%29&FORMAT=CSV",
    ]


def test_satcat_parse_errors_name_the_url(celestrak, server) -> None:
    header = (
        "OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,"
        "LAUNCH_SITE,DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,"
        "ORBIT_CENTER,ORBIT_TYPE"
    )
    server.answers = [httpx.Response(200, text=f"{header}\r\nX,1957-001A,1,R/B\r\n")]
    parsed = parse_satcat(celestrak.satcat())
    assert [str(i) for i in parsed.issues] == [
        "https://celestrak.org/pub/satcat.csv, line 2: expected 17 fields, found 4"
    ]


def test_space_weather_raw_text(celestrak, server, recorded) -> None:
    body = recorded("celestrak-SW-All-excerpt.txt")
    server.answers = [httpx.Response(200, content=body, headers={"Content-Type": "text/plain"})]
    result = celestrak.space_weather()
    assert str(server.requests[0].url) == "https://celestrak.org/SpaceData/SW-All.txt"
    assert result.content == body
    assert result.text.splitlines()[0] == "DATATYPE CssiSpaceWeather"


def test_recorded_space_weather_lines_come_from_the_real_file(recorded) -> None:
    real = set(
        shared_file("spaceweather/celestrak-SW-All-2025-07-21.txt").read_bytes().split(b"\r\n")
    )
    data_lines = [
        line
        for line in recorded("celestrak-SW-All-excerpt.txt").split(b"\r\n")
        if line[:2] == b"20"
    ]
    assert len(data_lines) == 12
    assert all(line in real for line in data_lines)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.gp_group("active&FORMAT=TLE"), "group: 'active&FORMAT=TLE'"),
        (lambda c: c.gp_group("active", fmt="yaml"), "fmt: 'YAML' is not one of"),
        (lambda c: c.gp_catnr(0), "catnr: 0 is not a NORAD catalog number"),
        (lambda c: c.gp_catnr("25544"), "catnr: '25544' is not a NORAD catalog number"),
        (lambda c: c.gp_intdes("98067A"), "designator: '98067A' is not of the form"),
        (lambda c: c.satcat_records(), "give exactly one of"),
        (lambda c: c.satcat_records(catnr=1, name="X"), "give exactly one of"),
        (lambda c: c.satcat_records(name=" "), "name: empty"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(celestrak, server, call, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        call(celestrak)
    assert server.requests == []


@needs_parser
def test_gp_answer_parses_into_element_sets(celestrak, server, recorded) -> None:
    server.answers = [httpx.Response(200, content=recorded("celestrak-gp-active.csv"))]
    parsed = parse_gp(celestrak.gp_group("active"))

    assert parsed.issues == []
    assert [es.norad_id for es in parsed.elements][:3] == [900, 902, 1361]
    assert len(parsed.elements) == 20
    assert all(es.source == GP_ACTIVE for es in parsed.elements)
    calsphere = parsed.elements[0]
    assert calsphere.designator == "1964-063C"
    assert calsphere.mean_motion == pytest.approx(13.76647064)
    assert calsphere.epoch == datetime(2026, 7, 10, 3, 44, 0, 383136, tzinfo=UTC)
