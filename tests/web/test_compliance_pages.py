"""The compliance, re-entry and screening panels of the object, State, home and analyses pages,
over the seeded register: each shows what the services compute, and says so plainly when an
input is missing."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from compliance import service as compliance
from orbit.elements import ElementSet
from orbit.reentry import ReentryPrediction, predict_reentry
from registry.accounts.models import User
from registry.compliance_store.models import ObjectLifetime
from registry.db import Database
from registry.elementsets import service as elementsets
from registry.jobs import reentries, screenings
from registry.objects.models import SpaceObject
from tests.web.conftest import Client
from tests.web.seed import HST, principal
from tests.web.test_public_pages import InlineCode

#: A decaying object (the orbit module's own doctest case): re-enters about four weeks after
#: its epoch, so the page must draw a window.
DECAYING = ElementSet(
    norad_id=99001,
    designator="2023-100C",
    name="UNREG 2023-100C",
    epoch=datetime(2022, 1, 20, 12, 0, tzinfo=UTC),
    mean_motion=15.95,
    eccentricity=0.0008,
    inclination_deg=53.0,
    raan_deg=10.0,
    arg_perigee_deg=90.0,
    mean_anomaly_deg=270.0,
    bstar=6.0e-4,
    mean_motion_dot=2.0e-4,
)


async def _after_change(client: Client, path: str, expected: str) -> str:
    """The page once the app has seen a write made here (SQLite's change watch polls every
    50 ms; until then the page cache rightly serves the page of the older generation)."""
    for _ in range(40):
        text = _text((await client.get(path)).text)
        if expected in text:
            return text
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never showed {expected!r}")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _csp_problems(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.problems


async def _set_norad(db: Database, designator: str, norad_id: int) -> None:
    async with db.writer() as session:
        await session.execute(
            sa.update(SpaceObject)
            .where(SpaceObject.international_designator == designator)  # type: ignore[arg-type]
            .values(norad_id=norad_id)
        )


async def _store_screening(db: Database) -> None:
    """A stored run with two close approaches (HST with the decaying object, two unknown
    objects) and one pair of docked modules."""
    await _set_norad(db, "1990-037B", HST.norad_id)
    await _set_norad(db, "2023-100C", DECAYING.norad_id)
    event = {
        "kind": "encounter",
        "radial_km": 0.1,
        "intrack_km": 0.5,
        "crosstrack_km": 0.2,
    }
    async with db.writer() as session:
        await screenings.store_run(
            session,
            [
                {
                    **event,
                    "norad_a": HST.norad_id,
                    "norad_b": DECAYING.norad_id,
                    "tca": "2019-03-19T06:00:00Z",
                    "miss_km": 0.731,
                    "vrel_kms": 9.87,
                    "pc": 1.5e-5,
                },
                {
                    **event,
                    "norad_a": 88001,
                    "norad_b": 88002,
                    "tca": "2019-03-19T08:00:00Z",
                    "miss_km": 2.5,
                    "vrel_kms": 3.21,
                },
                {  # two docked modules: below the threshold all day, at no relative speed
                    **event,
                    "kind": "proximity",
                    "norad_a": 88003,
                    "norad_b": 88004,
                    "tca": "2019-03-19T00:00:00Z",
                    "start": "2019-03-19T00:00:00Z",
                    "end": "2019-03-20T00:00:00Z",
                    "miss_km": 0.0,
                    "vrel_kms": 0.0,
                },
            ],
            start=datetime(2019, 3, 19, tzinfo=UTC),
            hours=24.0,
            threshold_km=5.0,
            objects=6,
            capture_kms=18.0,
            data_as_of=datetime(2019, 3, 19, 1, 2, tzinfo=UTC),
            source="test:screening",
        )


# --- object page -----------------------------------------------------------------------------


async def test_object_page_shows_reason_cards_from_the_service(
    client: Client, db: Database
) -> None:
    page = await client.get("/objects/1990-037B")
    assert page.status_code == 200
    report = await compliance.object_compliance(db, "1990-037B")
    text = _text(page.text)
    assert 'id="h-compliance"' in text
    for card in report["verified"]["criteria"]:
        # Every card: its sentence first, its points out of the maximum (or "not assessed").
        sentence = card["sentence"].replace("'", "&#39;")
        assert sentence in text, card["id"]
        if card["assessed"]:
            assert f"{card['points']:.1f} / {card['max_points']:.1f}" in text, card["id"]
    o1 = text[text.index('id="card-O1"') :]
    o1 = o1[: o1.index("</article>")]
    assert "Registered by DEU in ST/SG/SER.E/" in o1
    assert "15.0 / 15.0" in o1 and "E1" in o1
    assert "Convention on Registration of Objects Launched into Outer Space" in o1
    assert "reg_document" in o1  # the inputs, each with the time its data is as of
    assert "Data as of" in o1
    # Coverage as a meter with the service's value.
    assert f'<meter min="0" max="1" value="{report["verified"]["coverage"]}"' in text
    assert "No critical flag." in text
    assert _csp_problems(page.text) == []


async def test_object_page_flags_and_no_data_cards(client: Client) -> None:
    page = await client.get("/objects/2023-100C")
    text = _text(page.text)
    # Unregistered since 2023: the critical flag, and O1 at 0 points out of 15.
    assert "Not registered more than a year after launch" in text
    o1 = text[text.index('id="card-O1"') :]
    assert "0.0 / 15.0" in o1[: o1.index("</article>")]
    # No element set held: the panels say so rather than showing empty charts.
    assert "No element set of this object is held: no re-entry prediction." in text
    assert "not assessed (no data)" in text


async def test_object_page_lifetime_range_when_the_class_changes(
    client: Client, db: Database
) -> None:
    # A stored lifetime whose p25-p75 (3-12 years) straddles the 5-year rule.
    async with db.writer() as session:
        object_id = await session.scalar(
            sa.select(SpaceObject.id).where(SpaceObject.international_designator == "1990-037B")  # type: ignore[arg-type]
        )
        assert object_id is not None
        session.add(
            ObjectLifetime(
                object_id=object_id,
                norad_id=HST.norad_id,
                element_epoch=HST.epoch,
                status="estimated",
                p05=2.0,
                p25=3.0,
                p50=6.0,
                p75=12.0,
                p95=20.0,
                method="test",
            )
        )
    report = await compliance.object_compliance(db, "1990-037B")
    o6 = next(c for c in report["verified"]["criteria"] if c["id"] == "O6")
    assert o6["range"] is not None and o6["range"][0] < o6["range"][1]
    page = await client.get("/objects/1990-037B")
    text = _text(page.text)
    card = text[text.index('id="card-O6"') :]
    card = card[: card.index("</article>")]
    low, high = o6["range"]
    assert f"range {low:.1f} to {high:.1f}" in card
    assert "25th and 75th percentiles" in card


async def test_object_page_draws_the_predicted_reentry_window(client: Client, db: Database) -> None:
    async with db.writer() as session:
        await elementsets.store(session, [DECAYING], "test:decaying")
    expected = predict_reentry([DECAYING], horizon_days=365)
    assert expected is not None
    page = await client.get("/objects/2023-100C")
    text = _text(page.text)
    window = text[text.index('<table class="reentry">') :]
    window = window[: window.index("</table>")]
    shown = re.findall(r'<time datetime="([^"]+)"', window)
    # Element-set epoch, then p05, median and p95, exactly as the orbit module predicts them.
    assert shown == [
        DECAYING.epoch.isoformat(),
        expected.p05.isoformat(),
        expected.predicted.isoformat(),
        expected.p95.isoformat(),
    ]
    figure = text[text.index('<figure class="chart">') :]
    figure = figure[: figure.index("</figure>")]
    src = re.search(r'<img src="([^"]+)"', figure)
    assert src is not None and src.group(1) == "/charts/en/objects/2023-100C/altitude.svg"
    chart = (await client.get(src.group(1))).text
    # The band (a rect mark) and the median (a rule) are layered under the altitude lines.
    assert "mark-rect" in chart and "mark-rule" in chart
    assert "Data table" in text
    assert _csp_problems(page.text) == []
    hst = await client.get("/objects/1990-037B")
    assert "No re-entry is predicted within 365 days" in _text(hst.text)


async def test_object_page_close_approaches_from_the_stored_run(
    client: Client, db: Database
) -> None:
    before = await client.get("/objects/1990-037B")
    assert "No conjunction screening has been run yet." in before.text
    await _store_screening(db)
    text = await _after_change(client, "/objects/1990-037B", "From the latest screening")
    section = text[text.index('id="h-close"') :]
    assert '<a href="/objects/2023-100C">2023-100C</a> UNREG 2023-100C' in section
    assert "0.731" in section and "1.50e-05" in section
    assert "88001" not in section  # another pair's event is not this object's
    assert 'datetime="2019-03-19T01:02:00+00:00"' in section  # the run's data-as-of
    other = await client.get("/objects/2025-009A")
    assert "No close approach of this object in that screening." in other.text


# --- State page ------------------------------------------------------------------------------


async def test_state_page_cards_by_family_coverage_trends_and_flags(
    client: Client, db: Database
) -> None:
    page = await client.get("/states/FRA")
    assert page.status_code == 200
    text = _text(page.text)
    report = await compliance.state_compliance(db, "FRA")
    sections = [m for m in re.findall(r'id="h-family-([A-Z]+)"', text)]
    assert sections == ["A", "B", "C", "D", "SDMG"]
    family_a = text[text.index('id="h-family-A"') : text.index('id="h-family-B"')]
    assert 'id="card-S1"' in family_a and 'id="card-S4"' not in family_a
    s1 = next(c for c in report["verified"]["criteria"] if c["id"] == "S1")
    assert s1["sentence"] in family_a
    # C and D hold no data-measured criterion: said so, not left blank.
    family_c = text[text.index('id="h-family-C"') : text.index('id="h-family-D"')]
    assert "No criterion of this family is measured from data" in family_c
    coverage = text[text.index('<table class="coverage">') :]
    coverage = coverage[: coverage.index("</table>")]
    assert coverage.count("<meter") == sum(
        1 for v in report["verified"]["coverage_by_group"].values() if v is not None
    )
    # Critical flags name the objects.
    assert "Not registered more than a year after launch" in text
    assert '<a href="/objects/2019-020A">2019-020A</a>' in text
    # Trends: a chart with its table, one row per launch year of the series.
    trends = text[text.index("Compliance trends by launch year") :]
    years = [r["launch_year"] for r in report["series"]["S1"]]
    assert years == [2019, 2023, 2025]
    table = trends[trends.index("<tbody>") : trends.index("</tbody>")]
    assert re.findall(r"<tr><td>(\d{4})</td>", table) == ["2019", "2023", "2025"]
    assert "100.0% (n = 2)" in table  # 2025: both payloads registered
    assert _csp_problems(page.text) == []


async def test_state_page_declared_pillar_shows_accepted_answers(
    client: Client, db: Database
) -> None:
    page = await client.get("/states/FRA")
    declared = _text(page.text)[_text(page.text).index('<table class="declared">') :]
    assert "not answered" in declared and "E0" in declared
    async with db.writer() as session:
        users = {u.email: principal(u) for u in (await session.execute(sa.select(User))).scalars()}
        answer = await compliance.submit_answer(
            session,
            users["officer.fra@test.org"],
            "FRA",
            item_id="A1.1",
            answer="yes",
            evidence_url="https://example.org/french-space-law",
        )
        answer_id = answer.id or 0
    async with db.writer() as session:
        await compliance.review_answer(
            session, users["reviewer.one@test.org"], answer_id, decision="accept"
        )
    text = await _after_change(client, "/states/FRA", "french-space-law")
    declared = text[text.index('<table class="declared">') :]
    row = declared[declared.index("A1.1") :]
    row = row[: row.index("</tr>")]
    assert "yes" in row and "E3" in row and "https://example.org/french-space-law" in row


async def test_state_without_objects_says_there_is_no_assessment(client: Client) -> None:
    page = await client.get("/states/ITA")
    assert page.status_code == 200
    assert "No compliance assessment: no object in the register counts for this State." in (
        _text(page.text)
    )


# --- home and analyses -----------------------------------------------------------------------


async def test_home_and_analyses_before_any_run_say_so(client: Client) -> None:
    home = _text((await client.get("/")).text)
    assert "No conjunction screening has been run yet." in home
    assert "No re-entry prediction run yet" in home
    analyses = _text((await client.get("/analyses")).text)
    assert "No conjunction screening has been run yet." in analyses
    assert "No re-entry prediction run yet" in analyses


async def test_home_and_analyses_show_the_latest_stored_screening(
    client: Client, db: Database
) -> None:
    await _store_screening(db)
    home = await client.get("/")
    text = _text(home.text)
    section = text[text.index('id="h-screening"') : text.index('id="h-reentry"')]
    assert '<a href="/objects/1990-037B">1990-037B</a> HST' in section
    assert "NORAD 88001" in section and "0.731" in section
    assert "88003" not in section  # docked modules are no close approach
    assert "Latest screening: 6 objects, 2 close approaches within 5.0 km" in section
    assert 'datetime="2019-03-19T01:02:00+00:00"' in section
    assert _csp_problems(home.text) == []
    analyses = await client.get("/analyses")
    text = _text(analyses.text)
    assert '<a href="/objects/2023-100C">2023-100C</a> UNREG 2023-100C' in text
    most = text[text.index("Objects most often involved") :]
    most = most[: most.index("</table>")]
    assert most.count("<tr><td>") == 4  # HST, the decaying object and the two unknowns
    assert "88003" not in text
    assert re.search(r"Co-orbiting pairs \(docked or in formation\)[^<]*</dt><dd>1</dd>", text)
    export = await client.get("/analyses", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [(r["kind"], r["norad_a"], r["norad_b"]) for r in rows] == [
        ("proximity", "88003", "88004"),
        ("encounter", str(HST.norad_id), str(DECAYING.norad_id)),
        ("encounter", "88001", "88002"),
    ]
    assert _csp_problems(analyses.text) == []


async def test_home_links_its_reentry_timeline_in_its_language(
    client: Client, db: Database
) -> None:
    now = datetime.now(UTC)
    soon = ReentryPrediction(
        norad_id=DECAYING.norad_id,
        designator="2023-100C",
        name="UNREG 2023-100C",
        epoch=now - timedelta(days=1),
        predicted=now + timedelta(days=20),
        p05=now + timedelta(days=10),
        p95=now + timedelta(days=40),
        method="test",
    )
    async with db.writer() as session:
        await reentries.store_run(
            session, [soon], horizon_days=365, objects=1, data_as_of=soon.epoch, source="test"
        )
    link = "/charts/fr/home/reentries.svg"
    home = await _after_change(client, "/?lang=fr", link)
    # The page carries the chart's table and links the drawing, which it does not wait for.
    assert f'<img src="{link}" alt="">' in home and "<svg" not in home
    assert "<td>2023-100C</td>" in home
    chart = await client.get(link)
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "2023-100C UNREG 2023-100C" in chart.text
