"""The secretariat workspace through its pages, and the whole workflow between a State officer and
two reviewers, driven only by the pages' own forms (plain posts, as without JavaScript)."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from registry.db import Database
from registry.submissions.models import Attachment, Submission
from tests.web.conftest import Client, sign_in
from tests.web.seed import Seeded
from tests.web.test_portal import form_cells, post_form, submission_count, version_on
from web.app import create_app
from web.i18n import Localizer
from web.pages import labels

#: A minimal well-formed PDF (one empty page): what a scanned note verbale starts like.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def one_row_csv(designator: str) -> bytes:
    cells = form_cells(designator)
    header = list(cells)
    return (",".join(header) + "\n" + ",".join(f'"{cells[h]}"' for h in header) + "\n").encode()


async def act(client: Client, submission_id: int, action: str, **fields: str) -> Any:
    """Press one of the review page's buttons (its form carries the version it was shown at)."""
    page = await client.get(f"/workspace/submissions/{submission_id}")
    assert f'action="/workspace/submissions/{submission_id}/{action}"' in page.text, action
    return await post_form(
        client,
        f"/workspace/submissions/{submission_id}/{action}",
        {"version": version_on(page.text), **fields},
        page=f"/workspace/submissions/{submission_id}",
    )


async def test_workspace_pages_answer_by_role(client: Client, seeded: Seeded) -> None:
    paths = ("/workspace", "/workspace/enter", "/workspace/audit")
    for path in paths:
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"], path
    await sign_in(client, seeded.officer_fra)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
    client.cookies.clear()
    await sign_in(client, seeded.reviewer)
    for path in paths:
        assert (await client.get(path)).status_code == 200, path
    log = await client.get("/workspace/audit")
    assert "submission.publish" in log.text
    verified = await post_form(client, "/workspace/audit/verify", {}, page="/workspace/audit")
    assert verified.status_code == 200
    assert "The chain verifies" in verified.text


async def test_full_workflow_through_the_pages(
    client: Client, db: Database, seeded: Seeded
) -> None:
    # The officer writes a 3-object draft; the third has no web link: one warning (res. 62/101).
    await sign_in(client, seeded.officer_fra)
    created = await post_form(client, "/portal/new", form_cells("2025-100A"))
    assert created.status_code == 303
    draft_url = created.headers["location"].split("?")[0]
    sub_id = int(draft_url.rsplit("/", 1)[1])
    for position, cells in (
        (1, form_cells("2025-100B")),
        (2, form_cells("2025-100C", web_link=None)),
    ):
        page = await client.get(draft_url)
        saved = await post_form(
            client,
            f"{draft_url}/objects/{position}",
            {**cells, "version": version_on(page.text)},
            page=f"{draft_url}/objects/{position}",
        )
        assert saved.status_code == 303, saved.text[:500]
    draft = await client.get(draft_url)
    assert draft.text.count('class="card review-item"') == 3
    assert draft.text.count('class="finding warning"') == 1
    assert "Item recommended by resolution 62/101 is missing" in draft.text
    submitted = await post_form(
        client, f"{draft_url}/submit", {"version": version_on(draft.text)}, page=draft_url
    )
    assert submitted.status_code == 303
    # The public list of submissions being processed names the State, not the content.
    processing = await client.get("/documents")
    listed = re.sub(r"\s+", " ", processing.text.split('id="h-published"')[0])
    assert re.search(r'<a href="/states/FRA">FRA</a></td><td>Registration</td><td>3</td>', listed)
    assert "2025-100A" not in listed

    # A reviewer sees it as new, claims it, and returns it with a note.
    client.cookies.clear()
    await sign_in(client, seeded.reviewer)
    queue = await client.get("/workspace")
    assert "1 submission waits to be claimed." in queue.text
    assert f'href="/workspace/submissions/{sub_id}"' in queue.text
    assert (await act(client, sub_id, "claim")).status_code == 303
    returned = await act(client, sub_id, "return", note="Object 3: give the web link.")
    assert returned.status_code == 303

    # The officer is told, reads the note, fixes the object and submits again.
    client.cookies.clear()
    await sign_in(client, seeded.officer_fra)
    notices = await client.get("/portal/notifications")
    assert "Object 3: give the web link." in notices.text
    page = await client.get(draft_url)
    assert (
        "Returned by the secretariat" in page.text and "Object 3: give the web link." in page.text
    )
    fixed = await post_form(
        client,
        f"{draft_url}/objects/2",
        {**form_cells("2025-100C"), "version": version_on(page.text)},
        page=f"{draft_url}/objects/2",
    )
    assert fixed.status_code == 303
    page = await client.get(draft_url)
    assert 'class="finding warning"' not in page.text
    resubmitted = await post_form(
        client, f"{draft_url}/submit", {"version": version_on(page.text)}, page=draft_url
    )
    assert resubmitted.status_code == 303

    # The reviewer claims it again, accepts and publishes: the symbol is issued.
    client.cookies.clear()
    await sign_in(client, seeded.reviewer)
    for action in ("claim", "accept"):
        assert (await act(client, sub_id, action)).status_code == 303
    published = await act(client, sub_id, "publish")
    assert published.status_code == 303
    review = await client.get(f"/workspace/submissions/{sub_id}")
    symbol = re.search(r'Published as <a class="symbol" href="/documents/([^"]+)">', review.text)
    assert symbol, review.text[:2000]
    assert symbol.group(1).startswith("ST/SG/SER.E/")

    # The public object page shows the document and the version history.
    client.cookies.clear()
    public = await client.get("/objects/2025-100C")
    assert public.status_code == 200
    assert symbol.group(1) in public.text and "Version 1" in public.text
    async with db.reader() as session:
        sub = await session.get(Submission, sub_id)
        assert sub is not None and sub.status == "published"
    # The officer's dashboard tells of the publication, with the symbol.
    await sign_in(client, seeded.officer_fra)
    dashboard = re.sub(r"\s+", " ", (await client.get("/portal")).text)
    assert f'published as <a class="symbol" href="/documents/{symbol.group(1)}">' in dashboard


async def test_note_verbale_entered_with_its_pdf(
    client: Client, db: Database, seeded: Seeded
) -> None:
    await sign_in(client, seeded.reviewer)
    before = await submission_count(db)
    page = await client.get("/workspace/enter")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token
    fields = {"_csrf_token": token.group(1), "state": "FRA", "note_verbale_date": "2026-03-02"}
    not_pdf = await client.post(
        "/workspace/enter",
        data=fields,
        files={
            "note_verbale": ("nv.pdf", b"<html>not a pdf</html>", "application/pdf"),
            "objects": ("objects.csv", one_row_csv("2025-101A"), "text/csv"),
        },
        follow_redirects=False,
    )
    assert not_pdf.status_code == 422
    assert "not a PDF" in not_pdf.text
    assert await submission_count(db) == before

    entered = await client.post(
        "/workspace/enter",
        data=fields,
        files={
            "note_verbale": ("NV-2026-03.pdf", PDF, "application/pdf"),
            "objects": ("objects.csv", one_row_csv("2025-101A"), "text/csv"),
        },
        follow_redirects=False,
    )
    assert entered.status_code == 303, entered.text[:800]
    review_url = entered.headers["location"].split("?")[0]
    sub_id = int(review_url.rsplit("/", 1)[1])
    review = await client.get(review_url)
    link = re.search(
        rf'href="(/workspace/submissions/{sub_id}/attachments/\d+)">NV-2026-03.pdf', review.text
    )
    assert link, review.text[:2000]
    download = await client.get(link.group(1))
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
    async with db.reader() as session:
        stored = (await session.execute(sa.select(Attachment))).scalars().one()
        assert stored.size == len(PDF) and stored.submission_id == sub_id

    # The reviewer who entered it submits it, but another reviewer must review it.
    assert (await act(client, sub_id, "submit")).status_code == 303
    page = await client.get(review_url)
    assert f'action="/workspace/submissions/{sub_id}/claim"' not in page.text
    client.cookies.clear()
    await sign_in(client, seeded.reviewer2)
    assert (await act(client, sub_id, "claim")).status_code == 303
    # The State sees its submission and the note verbale; another State does not.
    client.cookies.clear()
    await sign_in(client, seeded.officer_fra)
    attachment_path = link.group(1).replace("/workspace/", "/portal/")
    assert (await client.get(attachment_path)).content == PDF
    client.cookies.clear()
    await sign_in(client, seeded.officer_deu)
    assert (await client.get(attachment_path)).status_code == 404
    assert (await client.get(f"/portal/submissions/{sub_id}")).status_code == 404


async def test_review_page_checks_orbit_double_registration_and_amendment_diff(
    client: Client, seeded: Seeded
) -> None:
    await sign_in(client, seeded.officer_fra)
    # HST is registered by DEU; FRA declares it with a Sun-synchronous orbit it does not fly.
    hst = await post_form(
        client,
        "/portal/new",
        form_cells("1990-037B", name="HST", launch_date="1990-04-24T12:33:51Z"),
    )
    assert hst.status_code == 303
    hst_id = int(hst.headers["location"].split("?")[0].rsplit("/", 1)[1])
    fresh = await post_form(client, "/portal/new", form_cells("2025-102A"))
    fresh_id = int(fresh.headers["location"].split("?")[0].rsplit("/", 1)[1])
    status = await post_form(
        client,
        "/portal/amend",
        {
            "notice": "status",
            "international_designator": "2025-009A",
            "amendment_type": "change_of_status",
            "status": "decayed",
            "status_date": "2026-02-01",
        },
        page="/portal/amend?type=change_of_status&notice=status",
    )
    assert status.status_code == 303, status.text[:800]
    # Only the State's own registrations can be amended: HST is DEU's.
    refused = await post_form(
        client,
        "/portal/amend",
        {
            "international_designator": "1990-037B",
            "amendment_type": "correction",
            "apogee_km": "545",
        },
        page="/portal/amend",
    )
    assert refused.status_code == 422
    assert "FRA holds no published registration of 1990-037B" in refused.text
    amend_id = int(status.headers["location"].split("?")[0].rsplit("/", 1)[1])
    for sub_id in (hst_id, fresh_id, amend_id):
        page = await client.get(f"/portal/submissions/{sub_id}")
        submitted = await post_form(
            client,
            f"/portal/submissions/{sub_id}/submit",
            {"version": version_on(page.text)},
            page=f"/portal/submissions/{sub_id}",
        )
        assert submitted.status_code == 303

    client.cookies.clear()
    await sign_in(client, seeded.reviewer)
    queue = await client.get("/workspace", params={"kind": "amendment"})
    table = queue.text.split('class="results queue"', 1)[1]
    assert f'href="/workspace/submissions/{amend_id}"' in table
    assert f'href="/workspace/submissions/{hst_id}"' not in table
    page = await client.get(f"/workspace/submissions/{hst_id}")
    text = re.sub(r"\s+", " ", page.text)
    assert "Double-registration alerts" in text and "already registered by DEU" in text
    # Declared 505 x 520 km at 97.4 deg against HST's 2019 elements (541 x 545 km, 28.47 deg).
    assert "Declared and observed orbit</strong>: inconsistent" in text
    assert re.search(r"<td>28[.,]47</td>", text)
    page = await client.get(f"/workspace/submissions/{fresh_id}")
    assert "no element sets" in page.text
    page = await client.get(f"/workspace/submissions/{amend_id}")
    diff = re.sub(r"\s+", " ", page.text)
    # A status reads as its label, never as its code.
    assert '<td class="before">In Earth orbit</td><td class="after">Decayed</td>' in diff

    # In French: the warning stored with the object, the alert, the comparison table and the
    # declared values, each a whole sentence or a label, none a code.
    client.cookies.set("lang", "fr")
    fr = Localizer("fr")
    page = await client.get(f"/workspace/submissions/{hst_id}")
    text = html.unescape(re.sub(r"\s+", " ", page.text))
    stored = fr.text(
        "%(designator)s is already registered by %(states)s", designator="1990-037B", states="DEU"
    )
    assert stored in text and "1990-037B is already registered by DEU" not in text
    assert fr.text("already registered by %(states)s", states="DEU") in text
    assert f'<th scope="row">{fr.gettext(labels.FIELD["inclination_deg"])}</th>' in text
    assert f"<td>{fr.gettext(labels.VERDICT['inconsistent'])}</td>" in text
    assert f"<dd>{fr.gettext(labels.STATUS['in_orbit'])}</dd>" in text
    assert f"FRA ({fr.gettext(labels.LAUNCHING_ROLE['launched'])})" in text
    for code in (
        "<td>inconsistent</td>",
        '<th scope="row">inclination</th>',
        "in_orbit",
        "(launched)",
    ):
        assert code not in text, code
    diff = html.unescape((await client.get(f"/workspace/submissions/{amend_id}")).text)
    assert f'<td class="after">{fr.gettext(labels.STATUS["decayed"])}</td>' in diff


async def test_audit_log_names_actions_and_roles_in_the_language(
    client: Client, seeded: Seeded
) -> None:
    await sign_in(client, seeded.reviewer)
    log = html.unescape((await client.get("/workspace/audit", params={"lang": "ar"})).text)
    arabic = Localizer("ar")
    # The seeded register was built through the workflow: created, submitted, ..., published.
    for action in ("submission.create", "submission.claim", "submission.publish"):
        label = arabic.gettext(labels.AUDIT_ACTION[action])
        assert label != labels.AUDIT_ACTION[action] and f">{label}<" in log, action
        # The code stays at hand, as the label's title, never as the cell's text.
        assert f'title="{action}"' in log and f">{action}<" not in log
    assert f"<td>{arabic.gettext(labels.ROLE['secretariat'])}</td>" in log
    assert "<td>secretariat</td>" not in log and "<td>state</td>" not in log
    assert f"{arabic.gettext(labels.ENTITY['submission'])} 1</a>" in log


async def test_note_verbale_size_limit_is_20_mb(db: Database, seeded: Seeded) -> None:
    # The default request-body cap (settings.max_body_bytes, 24 MB) leaves room for a 20 MB PDF.
    assert db.settings.max_body_bytes > 20 * 2**20 + 2**20
    async with AsyncTestClient(app=create_app(db.settings)) as client:
        await sign_in(client, seeded.reviewer)
        page = await client.get("/workspace/enter")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token
        fields = {"_csrf_token": token.group(1), "state": "FRA"}
        # 12 MB: above Litestar's 10 MB default body, within the 20 MB a note verbale may be.
        scanned = PDF + b"%" + b"0" * (12 * 2**20)
        accepted = await client.post(
            "/workspace/enter",
            data=fields,
            files={
                "note_verbale": ("scan.pdf", scanned, "application/pdf"),
                "objects": ("objects.csv", one_row_csv("2025-103A"), "text/csv"),
            },
            follow_redirects=False,
        )
        assert accepted.status_code == 303, accepted.text[:500]
        before = await submission_count(db)
        too_big = await client.post(
            "/workspace/enter",
            data=fields,
            files={
                "note_verbale": ("big.pdf", PDF + b"0" * (20 * 2**20), "application/pdf"),
                "objects": ("objects.csv", one_row_csv("2025-104A"), "text/csv"),
            },
            follow_redirects=False,
        )
        assert too_big.status_code == 422
        assert "more than the 20 MB limit" in too_big.text
        assert await submission_count(db) == before
