"""Public pages over a seeded register: search and its exports, object and document pages,
States, languages, and the strict-CSP page rules (no inline script or style)."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from tests.web.conftest import Client
from tests.web.seed import Seeded

PUBLIC_PAGES = [
    "/",
    "/objects",
    "/objects?state=FRA&registered=true",
    "/objects/1990-037B",
    "/documents",
    "/states",
    "/states/FRA",
    "/gap",
    "/gap?state=FRA",
    "/methodology",
    "/analyses",
    "/login",
]


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes and elements,
    event-handler attributes, and anything loaded from another host."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            loads = name in ("src", "href", "action") and not (tag == "a" and name == "href")
            if loads and value and re.match(r"^(https?:)?//", value):
                self.problems.append(f"{tag} {name} loads from another host: {value}")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
async def test_page_answers_and_is_csp_clean(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    parser = InlineCode()
    parser.feed(response.text)
    assert parser.problems == []


async def test_search_filters_and_csv_export_match(client: Client) -> None:
    page = await client.get("/objects", params={"state": "FRA", "registered": "true"})
    assert "2 objects match" in page.text
    shown = re.findall(r'<td><a href="/objects/([^"]+)">', page.text)
    assert shown == ["2025-009A", "2025-009B"]
    export = await client.get(
        "/objects", params={"state": "FRA", "registered": "true", "format": "csv"}
    )
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["international_designator"] for r in rows] == shown
    assert {r["states"] for r in rows} == {"FRA"}
    as_json = await client.get(
        "/objects", params={"state": "FRA", "registered": "true", "format": "json"}
    )
    assert [r["international_designator"] for r in json.loads(as_json.text)] == shown


async def test_unregistered_attributed_and_year_filters(client: Client) -> None:
    page = await client.get(
        "/objects", params={"registered": "false", "from_year": "2020", "to_year": "2024"}
    )
    assert re.findall(r'<td><a href="/objects/([^"]+)">', page.text) == ["2023-100C"]


async def test_regime_filter_uses_the_newest_element_set(client: Client) -> None:
    leo = await client.get("/objects", params={"regime": "LEO"})
    assert re.findall(r'<td><a href="/objects/([^"]+)">', leo.text) == ["1990-037B"]
    geo = await client.get("/objects", params={"regime": "GEO"})
    assert "0 objects match" in geo.text


async def test_bad_filter_is_named_not_fatal(client: Client) -> None:
    page = await client.get("/objects", params={"from_year": "19x0", "status": "flying"})
    assert page.status_code == 200
    assert "from_year" in page.text and "status" in page.text
    export = await client.get("/objects", params={"from_year": "19x0", "format": "csv"})
    assert export.status_code == 400
    assert "from_year" in export.json()["detail"]


async def test_object_page_shows_record_versions_and_observed_orbit(
    client: Client, seeded: Seeded
) -> None:
    page = await client.get("/objects/2025-009A")
    assert page.status_code == 200
    assert seeded.fra_symbol in page.text
    assert "Version 1" in page.text
    hst = await client.get("/objects/1990-037B")
    # HST's 2019 elements give 541 x 545 km (orbit.facts); declared 610 x 624 km.
    assert re.search(r"<td>545</td>", hst.text) and re.search(r"<td>541</td>", hst.text)
    # The chart is an image the page links, so that the page need not wait for its rendering;
    # its data table is in the page.
    assert "Data table" in hst.text
    figure = re.search(
        r'<div class="chart-svg" role="img" aria-label="([^"]+)">(.*?)</div>', hst.text
    )
    assert figure is not None
    assert figure.group(1) == "Apogee and perigee altitude from element sets"
    src = "/charts/en/objects/1990-037B/altitude.svg"
    assert figure.group(2) == f'<img src="{src}" alt="">'
    chart = await client.get(src)
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.startswith("<svg") and "Apogee" in chart.text and "Perigee" in chart.text


async def test_charts_speak_the_language_of_their_path_and_never_set_it(client: Client) -> None:
    page = await client.get("/states/FRA", params={"lang": "fr"})
    links = re.findall(r'<img src="(/charts/[^"]+)"', page.text)
    assert links == ["/charts/fr/states/FRA/registration.svg", "/charts/fr/states/FRA/trends.svg"]
    client.cookies.delete("lang")
    for link in links:
        chart = await client.get(link)
        assert chart.status_code == 200 and chart.text.startswith("<svg")
        assert "set-cookie" not in chart.headers
    registration = (await client.get(links[0])).text
    assert "Année du lancement" in registration and "Launch year" not in registration
    english = (await client.get("/charts/en/states/FRA/registration.svg")).text
    assert "Launch year" in english
    assert (await client.get("/charts/xx/states/FRA/registration.svg")).status_code == 404
    assert (await client.get("/charts/en/objects/2099-999Z/altitude.svg")).status_code == 404
    # No element set of 2025-009A is held: its page draws no chart, and there is none to fetch.
    assert "/charts/" not in (await client.get("/objects/2025-009A")).text
    assert (await client.get("/charts/en/objects/2025-009A/altitude.svg")).status_code == 404


async def test_unknown_object_is_a_page_not_json(client: Client) -> None:
    response = await client.get("/objects/2099-999Z")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "2099-999Z" in response.text


async def test_document_page_lists_its_objects(client: Client, seeded: Seeded) -> None:
    page = await client.get(f"/documents/{seeded.fra_symbol}")
    assert page.status_code == 200
    assert "2025-009A" in page.text and "2025-009B" in page.text
    assert "Registration Convention" in page.text or "Convention on Registration" in page.text


async def test_state_page_counts_registered_and_attributed(client: Client) -> None:
    page = await client.get("/states/FRA")
    # FRA: 2 registered, 2 unregistered attributed -> 4 payloads, 50%.
    text = re.sub(r"\s+", " ", page.text)
    assert re.search(r"Payloads counted</h3><p class=\"figure-big\">4<", text)
    assert "50.0%" in text
    gap = await client.get("/gap", params={"state": "FRA"})
    assert gap.text.index("2019-020A") < gap.text.index("2023-100C")  # oldest first


async def test_languages_by_query_cookie_and_header(client: Client) -> None:
    arabic = await client.get("/", params={"lang": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert arabic.cookies.get("lang") == "ar" or "lang=ar" in arabic.headers.get("set-cookie", "")
    remembered = await client.get("/")
    assert '<html lang="ar" dir="rtl">' in remembered.text
    client.cookies.delete("lang")
    french = await client.get("/", headers={"Accept-Language": "de-CH, fr;q=0.8, en;q=0.5"})
    assert '<html lang="fr" dir="ltr">' in french.text
    for lang in ("zh", "ru", "es"):
        page = await client.get("/objects", params={"lang": lang})
        assert f'<html lang="{lang}" dir="ltr">' in page.text
