"""The anonymous page cache: pages are reused until the register changes, per language, and
never for a signed-in reader (whose page shows who they are and carries a CSRF token)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from registry.accounts.principal import SYSTEM
from registry.db import Database
from registry.objects import service as objects
from registry.objects.models import SpaceObject
from tests.web.conftest import Client, sign_in
from tests.web.seed import Seeded
from web.cache import ResponseCache

MATCHES = re.compile(r"(\d+) objects? match")


def _page_cache(client: Client) -> ResponseCache:
    cache = getattr(client.app.state, "page_cache", None)
    assert isinstance(cache, ResponseCache), "no page cache on the app"
    return cache


async def _add_unregistered_object(db: Database, designator: str) -> None:
    # Through the test's own pool: the app's pool belongs to the app's event loop, and a write
    # from outside the app is what the change watch must notice anyway.
    async with db.writer() as session:
        obj = SpaceObject(
            international_designator=designator,
            name=f"UNREG {designator}",
            launch_date=datetime(2024, 5, 1, tzinfo=UTC),
            attributed_state="FRA",
            origin="gcat-demo",
        )
        session.add(obj)
        await objects.write_version(session, obj, None, reason="imported", actor=SYSTEM.ref)


async def test_anonymous_page_is_reused_until_the_register_changes(
    client: Client, db: Database
) -> None:
    first = await client.get("/objects")
    count = int(MATCHES.search(first.text).group(1))  # type: ignore[union-attr]
    stored = len(_page_cache(client)._entries)
    assert stored >= 1
    again = await client.get("/objects")
    assert again.text == first.text
    assert len(_page_cache(client)._entries) == stored
    await _add_unregistered_object(db, "2024-999Z")
    for _ in range(40):  # the SQLite change watch polls every 50 ms; PostgreSQL notifies
        after = await client.get("/objects")
        if int(MATCHES.search(after.text).group(1)) == count + 1:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the page cache kept the old page after the register changed")


async def test_each_language_is_its_own_page_and_lang_still_sets_the_cookie(
    client: Client,
) -> None:
    english = await client.get("/states")
    arabic = await client.get("/states", params={"lang": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic.text
    client.cookies.delete("lang")
    arabic_hit = await client.get("/states", params={"lang": "ar"})
    assert arabic_hit.text == arabic.text != english.text
    assert "lang=ar" in arabic_hit.headers.get("set-cookie", "")
    assert arabic_hit.headers["content-security-policy"].startswith("default-src 'self'")
    client.cookies.delete("lang")
    french = await client.get("/states", headers={"Accept-Language": "fr"})
    assert '<html lang="fr" dir="ltr">' in french.text


async def test_signed_in_pages_are_never_stored_nor_served_from_the_cache(
    client: Client, seeded: Seeded
) -> None:
    anonymous = await client.get("/states/FRA")
    assert "_csrf_token" not in anonymous.text and "x-csrftoken" not in anonymous.text
    await sign_in(client, seeded.officer_fra)
    entries = len(_page_cache(client)._entries)
    mine = await client.get("/states/FRA")
    assert seeded.officer_fra.split("@")[0] in mine.text or "(FRA)" in mine.text
    assert "x-csrftoken" in mine.text
    assert len(_page_cache(client)._entries) == entries
    client.cookies.clear()
    public = await client.get("/states/FRA")
    assert public.text == anonymous.text


async def test_exports_and_error_pages_are_not_stored(client: Client) -> None:
    before = len(_page_cache(client)._entries) if hasattr(client.app.state, "page_cache") else 0
    await client.get("/objects", params={"format": "csv"})
    missing = await client.get("/objects/2099-001A")
    assert missing.status_code == 404
    after = len(_page_cache(client)._entries) if hasattr(client.app.state, "page_cache") else 0
    assert after == before


async def test_charts_are_kept_like_pages_until_the_register_changes(
    client: Client, db: Database
) -> None:
    link = "/charts/en/states/FRA/trends.svg"
    first = await client.get(link)
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert [key for key in _page_cache(client)._entries if link in key]
    again = await client.get(link)
    assert again.text == first.text and "set-cookie" not in again.headers
    # A French payload of 2024, unregistered, adds a launch year to the compliance trends.
    assert ">2024<" not in first.text
    await _add_unregistered_object(db, "2024-999Z")
    for _ in range(40):
        if ">2024<" in (await client.get(link)).text:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the cached chart outlived the change of the register")
