"""The pages in a real browser (Debian's chromium through Playwright) against a real server:
right-to-left layout, CSV export equal to the table, ownership of drafts, no request to another
host, axe-core accessibility, and screenshots of the main pages (``artifacts/screenshots/``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from tests.web.browser_support import (
    AXE,
    LiveRegister,
    browser,
    context,
    live_register,
    screenshot,
    sign_in,
)

# Fixtures defined in browser_support; named here so pytest finds them in this module.
__all__ = ["browser", "context", "live_register"]

pytestmark = pytest.mark.slow


def main_pages(live: LiveRegister) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/objects?state=FRA",
        "object": "/objects/1990-037B",
        "state": "/states/FRA",
        "document": "/documents/" + quote(live.fra_symbol),
        "methodology": "/methodology",
        "login": "/login",
    }


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not rendered"
    return dict(box)


def test_arabic_pages_lay_out_right_to_left(context: Any, live_register: LiveRegister) -> None:
    page = context.new_page()
    width = page.viewport_size["width"]
    for path in ("/", "/objects?state=FRA", "/states/FRA"):
        sep = "&" if "?" in path else "?"
        page.goto(live_register.base + path + sep + "lang=ar")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        first, second = _box(page, ".main-nav li a"), page.locator(".main-nav li a").nth(1)
        second_box = second.bounding_box()
        assert second_box is not None
        # Reading order runs right to left: the first item sits to the right of the next one.
        assert first["x"] > second_box["x"] + second_box["width"] - 1, path
        heading = _box(page, "main h1")
        main = _box(page, "main")
        assert abs((heading["x"] + heading["width"]) - (main["x"] + main["width"])) < 40, path
        assert heading["x"] + heading["width"] > width / 2, path
    page.goto(live_register.base + "/?lang=en")
    first, heading = _box(page, ".main-nav li a"), _box(page, "main h1")
    assert first["x"] < width / 2 and heading["x"] < width / 4


def test_csv_export_of_a_filtered_search_matches_the_table(
    context: Any, live_register: LiveRegister
) -> None:
    page = context.new_page()
    page.goto(live_register.base + "/objects?state=FRA&registered=true&sort=-designator")
    rows = page.locator("table tbody tr")
    shown = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]
    assert shown == ["2025-009B", "2025-009A"]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    exported = [row["international_designator"] for row in csv.DictReader(io.StringIO(text))]
    assert exported == shown


def test_state_officer_cannot_open_another_states_draft(
    context: Any, live_register: LiveRegister
) -> None:
    page = context.new_page()
    sign_in(page, live_register.base, live_register.officer_fra, live_register.password)
    portal = page.goto(live_register.base + "/portal")
    if portal is None or portal.status == 404:
        pytest.skip("portal/workspace pages not yet available")
    for path in (
        f"/portal/submissions/{live_register.deu_draft_id}",
        f"/portal/submissions/{live_register.deu_draft_id}/objects/0",
    ):
        response = page.goto(live_register.base + path)
        assert response is not None
        assert response.status in (403, 404), (path, response.status)
        assert "DEU DRAFT" not in page.content()
        assert "2025-077A" not in page.content()


def test_no_page_requests_anything_from_another_host(
    context: Any, live_register: LiveRegister
) -> None:
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for lang in ("en", "ar"):
        for path in main_pages(live_register).values():
            sep = "&" if "?" in path else "?"
            page.goto(live_register.base + path + sep + "lang=" + lang)
            page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}
    assert any(url.endswith("/static/css/site.css") for url in requested)
    assert any(url.endswith("/static/vendor/htmx/htmx.min.js") for url in requested)


@pytest.fixture
def axe_context(browser: Any) -> Any:
    # axe is injected as an inline script: only this context lets the page's CSP allow it.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield ctx
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_finds_no_serious_or_critical_violation(
    axe_context: Any, live_register: LiveRegister, lang: str
) -> None:
    page = axe_context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in main_pages(live_register).items():
        sep = "&" if "?" in path else "?"
        page.goto(live_register.base + path + sep + "lang=" + lang)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in bad]
    assert found == {}


def test_screenshots_of_the_main_pages(context: Any, live_register: LiveRegister) -> None:
    page = context.new_page()
    saved = []
    for lang in ("en", "ar"):
        for name, path in main_pages(live_register).items():
            sep = "&" if "?" in path else "?"
            response = page.goto(live_register.base + path + sep + "lang=" + lang)
            assert response is not None and response.status == 200, (name, lang)
            saved.append(screenshot(page, f"{name}-{lang}"))
    assert all(p.stat().st_size > 10_000 for p in saved)


def _portal_ready(base: str) -> bool:
    # Both areas answer (a sign-in redirect counts) once their pages exist.
    for path in ("/portal", "/workspace"):
        if httpx.get(base + path, timeout=10, follow_redirects=False).status_code == 404:
            return False
    return True


def _declare(page: Any, designator: str, name: str, period_min: str) -> None:
    """Fill the registration form with a complete object (so only the period can warn)."""
    values = {
        "international_designator": designator,
        "name": name,
        "launching_states": "FRA:launched",
        "launch_date": "2025-03-01T10:00:00Z",
        "launch_site": "Guiana Space Centre",
        "launch_territory": "FRA",
        "launch_vehicle": "Vega-C",
        "nodal_period_min": period_min,
        "inclination_deg": "97.4",
        "apogee_km": "520",
        "perigee_km": "505",
        "function": "Earth observation",
        "function_detail": "optical imaging",
        "owner_operator": "CNES",
        "web_link": "https://example.org/scenario",
    }
    for field, value in values.items():
        page.fill(f"#f-{field}", value)


def _press(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_officer_to_secretariat_scenario(context: Any, live_register: LiveRegister) -> None:
    """Submit 3 objects (one warning) -> returned with a note -> fixed and resubmitted ->
    accepted and published -> the public object page shows the symbol and the history."""
    base = live_register.base
    if not _portal_ready(base):
        pytest.skip("portal/workspace pages not yet available")
    officer = context.new_page()
    sign_in(officer, base, live_register.officer_fra, live_register.password)
    officer.goto(base + "/portal/new")
    _declare(officer, "2025-120A", "SCENARIO A", "94.6")
    _press(officer, "Save draft")
    submission = officer.url.split("?")[0]
    sub_id = int(submission.rstrip("/").rsplit("/", 1)[1])
    # The third period is far from what Kepler's law gives for 505 x 520 km: one warning.
    for position, (designator, period) in enumerate(
        (("2025-120B", "94.6"), ("2025-120C", "140.0")), start=1
    ):
        officer.goto(f"{submission}/objects/{position}")
        _declare(officer, designator, f"SCENARIO {designator[-1]}", period)
        _press(officer, "Save object")
    officer.goto(submission)
    assert officer.locator(".finding.warning").count() == 1
    _press(officer, "Submit for review")

    reviewer_context = context.browser.new_context(viewport={"width": 1280, "height": 900})
    reviewer = reviewer_context.new_page()
    sign_in(reviewer, base, live_register.reviewer, live_register.password)
    review_url = f"{base}/workspace/submissions/{sub_id}"
    reviewer.goto(review_url)
    _press(reviewer, "Claim for review")
    note = "Please check the nodal period of 2025-120C."
    reviewer.fill("#note", note)
    _press(reviewer, "Return to the State")

    officer.goto(submission)
    assert note in officer.content()
    officer.goto(f"{submission}/objects/2")
    officer.fill("#f-nodal_period_min", "94.6")
    _press(officer, "Save object")
    officer.goto(submission)
    assert officer.locator(".finding.warning").count() == 0
    _press(officer, "Submit for review")

    reviewer.goto(review_url)
    if reviewer.get_by_role("button", name="Claim for review", exact=True).count():
        _press(reviewer, "Claim for review")
    _press(reviewer, "Accept")
    _press(reviewer, "Publish")
    symbol = reviewer.locator(".notice.issued .symbol").first.inner_text().strip()
    assert symbol.startswith("ST/SG/SER.E/")
    reviewer_context.close()

    public = context.browser.new_context().new_page()
    public.goto(base + "/objects/2025-120C")
    assert symbol in public.content()
    assert public.locator("details.version").count() >= 1
    public.context.close()
