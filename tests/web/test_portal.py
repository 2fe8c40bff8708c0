"""The State portal through its pages: roles, the registration form and its inline validation,
drafts, bulk upload with its per-row report, amendments, notifications and the dashboard.

Every action is a plain form post (no JavaScript); the inline check is the htmx request the form
makes while typing, answered by the API's validator.
"""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import sqlalchemy as sa

from registry.accounts import service as accounts
from registry.accounts.principal import SYSTEM
from registry.db import Database
from registry.submissions.models import Submission, SubmissionItem
from registry.submissions.text_fields import COLUMNS, cells_of
from tests.api.conftest import sat
from tests.web.conftest import TOKEN, Client, sign_in
from tests.web.seed import Seeded
from web.i18n import Localizer


async def token_of(client: Client, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text[:400]
    found = TOKEN.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def post_form(
    client: Client, path: str, fields: dict[str, str], page: str | None = None
) -> Any:
    token = await token_of(client, page or path)
    return await client.post(path, data={**fields, "_csrf_token": token}, follow_redirects=False)


def form_cells(designator: str, **overrides: Any) -> dict[str, str]:
    """An object as a browser form sends it: every value as text."""
    return cells_of(sat(designator, **overrides))


def version_on(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "no version field"
    return found.group(1)


async def submission_count(db: Database) -> int:
    async with db.reader() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(Submission)) or 0)


PORTAL_PAGES = ("/portal", "/portal/new", "/portal/bulk", "/portal/amend", "/portal/notifications")


async def test_portal_pages_answer_by_role(client: Client, seeded: Seeded) -> None:
    # The public is sent to sign in, keeping where it wanted to go.
    anonymous = await client.get("/portal", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login?next=%2Fportal" in anonymous.headers["location"]
    await sign_in(client, seeded.reviewer)
    for path in PORTAL_PAGES:
        assert (await client.get(path)).status_code == 403, path
    client.cookies.clear()
    await sign_in(client, seeded.officer_fra)
    for path in PORTAL_PAGES:
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
    dashboard = await client.get("/portal")
    # The seeded FRA: 2 registered objects of 4 payloads counted (2 unregistered, attributed).
    text = re.sub(r"\s+", " ", dashboard.text)
    assert 'Objects registered</h3><p class="figure-big">2<' in text
    assert "50.0%" in text
    template = await client.get("/portal/bulk/template.csv")
    assert template.headers["content-type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(template.text))) == list(COLUMNS)


async def test_form_shows_errors_by_field_and_writes_nothing(
    client: Client, db: Database, seeded: Seeded
) -> None:
    await sign_in(client, seeded.officer_fra)
    before = await submission_count(db)
    bad = form_cells("2026-001A", apogee_km="400", perigee_km="500", inclination_deg="abc")
    response = await post_form(client, "/portal/new", bad)
    assert response.status_code == 422
    assert await submission_count(db) == before
    # The unreadable number is named first; once readable, the validator's rule is reported.
    assert 'id="fmsg-inclination_deg"' in response.text
    assert re.search(r'id="f-inclination_deg"[^>]*aria-invalid="true"', response.text, re.S)
    fixed = {**bad, "inclination_deg": "97.4"}
    response = await post_form(client, "/portal/new", fixed)
    assert response.status_code == 422
    assert "Apogee is below perigee" in response.text
    assert re.search(r'id="f-apogee_km"[^>]*aria-invalid="true"', response.text, re.S)
    assert await submission_count(db) == before


async def test_form_says_the_validators_message_in_french_while_the_api_keeps_english(
    client: Client, db: Database, seeded: Seeded
) -> None:
    english = "apogee 400 km is below perigee 500 km"
    french = Localizer("fr").text(
        "apogee %(apogee)s km is below perigee %(perigee)s km", apogee="400", perigee="500"
    )
    assert french != english
    await sign_in(client, seeded.officer_fra)
    client.cookies.set("lang", "fr")
    bad = form_cells("2026-001A", apogee_km="400", perigee_km="500")
    page = await post_form(client, "/portal/new", bad)
    assert page.status_code == 422
    text = html.unescape(page.text)
    assert french in text and english not in text
    # A value the form cannot read, and one the strict model refuses (pydantic's own words).
    unreadable = await post_form(client, "/portal/new", {**bad, "inclination_deg": "abc"})
    assert Localizer("fr").gettext("a number is expected (e.g. 505.2)") in html.unescape(
        unreadable.text
    )
    refused = await post_form(client, "/portal/new", {**bad, "launch_territory": "f"})
    assert Localizer("fr").text(
        "String should have at least %(min_length)s characters", min_length="2"
    ) in html.unescape(refused.text)

    # The API answers the same object with the same finding: its code and its English message.
    async with db.writer() as session:
        key = await accounts.create_key(
            session, SYSTEM, name="fra-api", role="state", state_code="FRA"
        )
    client.cookies.clear()
    client.cookies.set("lang", "fr")
    answer = await client.post(
        "/api/v1/submissions",
        json={"objects": [sat("2026-001A", apogee_km=400.0, perigee_km=500.0)]},
        headers={"Authorization": f"Bearer {key.secret}", "Accept-Language": "fr"},
    )
    assert answer.status_code == 422
    assert {
        "field": "objects[0].apogee_km",
        "code": "orbit.apogee_below_perigee",
        "severity": "error",
        "message": english,
    } in answer.json()["errors"]


async def test_inline_validation_runs_the_api_validator(client: Client, seeded: Seeded) -> None:
    await sign_in(client, seeded.officer_fra)
    token = await token_of(client, "/portal/new")
    # 2025-009A is already registered by FRA: the same duplicate rule as the API's.
    answer = await client.post(
        "/portal/validate",
        data=form_cells("2025-009A", apogee_km="300", perigee_km="310"),
        headers={"HX-Request": "true", "x-csrftoken": token},
    )
    assert answer.status_code == 200
    assert "<html" not in answer.text  # a fragment, not a page
    assert "This State already registered the object" in answer.text
    assert "Apogee is below perigee" in answer.text
    # Per-field messages are swapped in place, beside their inputs.
    assert re.search(
        r'<div id="fmsg-apogee_km" class="field-msg" hx-swap-oob="true">.*?Apogee is below',
        answer.text,
        re.S,
    )
    assert '<div id="fmsg-launch_site" class="field-msg" hx-swap-oob="true"></div>' in answer.text
    # Without the token the request is refused (CSRF covers htmx requests).
    refused = await client.post(
        "/portal/validate", data=form_cells("2026-002A"), headers={"HX-Request": "true"}
    )
    assert refused.status_code == 403


def csv_of(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def upload_bulk(client: Client, files: dict[str, tuple[str, bytes, str]]) -> Any:
    token = await token_of(client, "/portal/bulk")
    return await client.post(
        "/portal/bulk", data={"_csrf_token": token}, files=files, follow_redirects=False
    )


async def test_bulk_upload_reports_file_row_and_field_and_writes_nothing(
    client: Client, db: Database, seeded: Seeded
) -> None:
    await sign_in(client, seeded.officer_fra)
    before = await submission_count(db)
    rows = [
        form_cells("2025-200A"),
        form_cells("2025-200B"),
        form_cells("2025-200C", apogee_km="high"),
        form_cells("2025-200D", launch_territory="XXX"),
    ]
    report = await upload_bulk(client, {"objects": ("fra-2026.csv", csv_of(rows), "text/csv")})
    assert report.status_code == 422
    text = re.sub(r"\s+", " ", report.text)
    # Row 4 of the file (header is row 1) has the unreadable apogee; row 5 the unknown State.
    assert re.search(
        r"<td>fra-2026.csv</td><td>4</td><td class=\"designator\">2025-200C</td>", text
    )
    assert re.search(r"<td>4</td>.*?Apogee \(km\).*?a number is expected", text)
    assert re.search(r"<td>5</td>.*?Territory of launch.*?Unknown State code", text)
    assert "Nothing was saved." in text
    assert 'action="/portal/bulk/confirm"' not in text
    assert await submission_count(db) == before
    # A file with columns that are not the object JSON's is refused as a whole, by name.
    wrong = await upload_bulk(
        client, {"objects": ("wrong.csv", b"designator,apogee\n2025-200A,500\n", "text/csv")}
    )
    assert (
        wrong.status_code == 422 and "wrong.csv: unknown column(s) apogee, designator" in wrong.text
    )


async def test_bulk_report_reads_in_arabic(client: Client, seeded: Seeded) -> None:
    await sign_in(client, seeded.officer_fra)
    client.cookies.set("lang", "ar")
    arabic = Localizer("ar")
    rows = [form_cells("2025-200A", apogee_km="300", perigee_km="400"), form_cells("2025-200B")]
    rows.append(form_cells("2025-200C", apogee_km="high"))
    report = await upload_bulk(client, {"objects": ("fra.csv", csv_of(rows), "text/csv")})
    assert report.status_code == 422
    text = html.unescape(report.text)
    said = arabic.text(
        "apogee %(apogee)s km is below perigee %(perigee)s km", apogee="300", perigee="400"
    )
    assert said in text and "is below perigee" not in text
    assert arabic.gettext("a number is expected (e.g. 505.2)") in text
    assert "a number is expected" not in text
    # A problem of the file as a whole reads in Arabic too, naming the file and its columns.
    wrong = await upload_bulk(
        client, {"objects": ("wrong.csv", b"designator,apogee\n2025-200A,500\n", "text/csv")}
    )
    whole = arabic.text(
        "%(file)s: unknown column(s) %(columns)s; the columns are the object JSON field names",
        file="wrong.csv",
        columns="apogee, designator",
    )
    assert whole in html.unescape(wrong.text) and "unknown column" not in wrong.text


async def test_bulk_upload_fills_orbit_from_element_sets_then_creates_on_confirm(
    client: Client, db: Database, seeded: Seeded
) -> None:
    from orbit.tle import format_tle
    from tests.web.seed import HST

    await sign_in(client, seeded.officer_fra)
    before = await submission_count(db)
    orbitless = {
        k: v
        for k, v in form_cells("1990-037B", name="HST", launch_date="1990-04-24T12:33:51Z").items()
        if k not in ("apogee_km", "perigee_km", "inclination_deg", "nodal_period_min")
    }
    tle = "HST\n" + "\n".join(format_tle(HST)) + "\n"
    report = await upload_bulk(
        client,
        {
            "objects": ("two.csv", csv_of([orbitless, form_cells("2025-201A")]), "text/csv"),
            "elements": ("hst.tle", tle.encode(), "text/plain"),
        },
    )
    assert report.status_code == 200, report.text[:1500]
    text = re.sub(r"\s+", " ", report.text)
    # HST's 2019 elements: 541 x 545 km (orbit.facts; the object page shows the same figures).
    apogee = float(re.search(r"Apogee \(km\) = ([\d.]+)", text).group(1))  # type: ignore[union-attr]
    perigee = float(re.search(r"Perigee \(km\) = ([\d.]+)", text).group(1))  # type: ignore[union-attr]
    assert abs(apogee - 545) < 1.0 and abs(perigee - 541) < 1.0
    assert "Another State already registered the object" in text  # DEU holds HST: a warning
    assert await submission_count(db) == before  # checked, not yet written
    payload = re.search(r'name="objects" value="([^"]+)"', report.text)
    assert payload
    token = TOKEN.search(report.text)
    assert token
    confirmed = await client.post(
        "/portal/bulk/confirm",
        data={"_csrf_token": token.group(1), "objects": html_unescape(payload.group(1))},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    sub_id = int(confirmed.headers["location"].split("?")[0].rsplit("/", 1)[1])
    async with db.reader() as session:
        items = (
            (
                await session.execute(
                    sa.select(SubmissionItem)
                    .where(SubmissionItem.submission_id == sub_id)
                    .order_by(SubmissionItem.position)
                )
            )
            .scalars()
            .all()
        )
    assert [i.international_designator for i in items] == ["1990-037B", "2025-201A"]
    assert abs(items[0].data["apogee_km"] - 545) < 1.0
    assert items[0].data["orbit_epoch"] == "2019-03-19T00:00:00Z"


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


async def test_drafts_are_private_to_their_state_and_deletable(
    client: Client, db: Database, seeded: Seeded
) -> None:
    await sign_in(client, seeded.officer_fra)
    created = await post_form(client, "/portal/new", form_cells("2025-300A"))
    draft_url = created.headers["location"].split("?")[0]
    listed = await client.get("/portal", params={"status": "draft"})
    assert f'href="{draft_url}"' in listed.text
    client.cookies.clear()
    await sign_in(client, seeded.officer_deu)
    assert (await client.get(draft_url)).status_code == 404
    assert (await client.get(f"{draft_url}/objects/0")).status_code == 404
    stolen = await post_form(
        client,
        f"{draft_url}/objects/0",
        {**form_cells("2025-300A"), "version": "1"},
        page="/portal/new",
    )
    assert stolen.status_code == 404
    client.cookies.clear()
    await sign_in(client, seeded.officer_fra)
    page = await client.get(draft_url)
    stale = await post_form(client, f"{draft_url}/delete", {"version": "99"}, page=draft_url)
    assert stale.status_code == 412
    deleted = await post_form(
        client, f"{draft_url}/delete", {"version": version_on(page.text)}, page=draft_url
    )
    assert deleted.status_code == 303 and deleted.headers["location"] == "/portal?done=deleted"
    assert (await client.get(draft_url)).status_code == 404
