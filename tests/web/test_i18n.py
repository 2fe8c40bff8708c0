"""The six UN languages: catalogs compile, every message is translated in every language with
its placeholders and tags kept, and a request gets its language from ``?lang=``, the cookie or
Accept-Language, on the same URL (no prefix, no redirect)."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pydantic import ValidationError

from registry import validation
from registry.objects.schemas import ObjectIn
from registry.submissions.service import TRANSITIONS
from tests.web.conftest import Client, sign_in
from tests.web.seed import Seeded
from web.i18n import CATALOG_DIR, DEFAULT, DOMAIN, LANGUAGES, Localizer, translations
from web.i18n.catalogs import forms, missing, untranslated
from web.pages import labels
from web.pages.messages import PYDANTIC_MESSAGES, in_language

OTHER_LANGUAGES = [code for code in LANGUAGES if code != DEFAULT]

#: What a reader finds on every page: the main and language navigation, the account links, the
#: footer. These must read in every language.
NAVIGATION = [
    "Home",
    "Register",
    "Documents",
    "States",
    "Registration gap",
    "Analyses",
    "Methodology",
    "State portal",
    "Workspace",
    "Main",
    "Language",
    "Skip to content",
    "Sign in",
    "Sign out",
    "Register of Objects Launched into Outer Space",
    "Data",
    "Orbital data",
    "API (OpenAPI)",
    "Previous",
    "Next",
    "Pages",
    "Data as of",
    "Data table",
    "Back to the home page",
]
#: The methodology page's headings and column titles.
METHODOLOGY = [
    "Methodology",
    "Version",
    "guideline catalog",
    "Validation of registrations",
    "Code",
    "Severity",
    "Check",
    "Meaning",
    "Criteria and weights",
    "Object criteria",
    "State criteria",
    "Criterion",
    "Weight",
    "Guidelines and their sources",
    "Guideline titles are shown in English; any translation of them here is unofficial.",
    "Guideline",
    "Title",
    "Assessable from",
    "Source",
    "Thresholds",
    "Rule",
    "Text",
]
#: Form labels and the words of the search, login and error pages.
FORMS = [
    "Search the register",
    "Name or designator",
    "State of registry (code)",
    "Registration",
    "All objects",
    "Registered",
    "Not registered",
    "Any status",
    "Function",
    "Orbit regime (observed)",
    "Any regime",
    "Launch year",
    "from",
    "to",
    "Sort by",
    "Per page",
    "Search",
    "Clear",
    "Some filters were ignored:",
    "Export this query",
    "E-mail address",
    "Password",
    "The e-mail address or the password is not right.",
    "Too many wrong passwords: this account is locked for %(minutes)s minutes.",
    "Please sign in",
    "Not allowed",
    "Not found",
    "Some values need correcting",
    "This changed in the meantime",
    "The request could not be understood",
]
LABEL_TABLES = [
    labels.STATUS,
    labels.SUBMISSION_STATUS,
    labels.AMENDMENT_TYPE,
    labels.REGIME,
    labels.FIELD,
    labels.FINDING,
    labels.SEVERITY,
    labels.YES_NO,
]
REQUIRED = sorted(
    {*NAVIGATION, *METHODOLOGY, *FORMS, *(m for table in LABEL_TABLES for m in table.values())}
)
#: What a translation carries over unchanged: named and positional placeholders (``%(name)s``,
#: ``%s``), format fields (``{name}``) and HTML tags.
MARKER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|</?[a-zA-Z][^>]*>")
NAMED = re.compile(r"%\(([a-z_]+)\)[sd]")


def _catalog(lang: str) -> Catalog:
    with (CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _markers(text: str) -> list[str]:
    return sorted(set(MARKER.findall(text)))


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_catalog_compiles_and_keeps_every_placeholder_and_tag(lang: str) -> None:
    catalog = _catalog(lang)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert problems == []
    for message in catalog:
        if not message.id:
            continue  # the header
        source = forms(message.id)[-1]
        wanted = _markers(source)
        values = dict.fromkeys(NAMED.findall(source), "1")
        for string in forms(message.string):
            assert _markers(string) == wanted, (lang, message.id, string)
            # Pages format every message (a lone "%" would fail there): it must format here.
            string % values
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert len(buffer.getvalue()) > 1000


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_message_is_translated(lang: str) -> None:
    assert missing(lang) == []


def test_an_empty_plural_form_or_a_fuzzy_translation_counts_as_untranslated() -> None:
    catalog = Catalog(locale="ru")
    catalog.add("Home", "Главная")
    catalog.add("Next", "Далее", flags=["fuzzy"])
    catalog.add("Pages", " ")
    catalog.add(("%(num)s row", "%(num)s rows"), ("%(num)s строка", "", "%(num)s строк"))
    catalog.add(
        ("%(num)s entry", "%(num)s entries"),
        ("%(num)s запись", "%(num)s записи", "%(num)s записей"),
    )
    assert untranslated(catalog) == ["Next", "Pages", "%(num)s row"]


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_navigation_labels_validation_and_methodology_are_translated(lang: str) -> None:
    catalog = _catalog(lang)
    untranslated = [
        msgid
        for msgid in REQUIRED
        if (m := catalog.get(msgid)) is None or not m.string or not str(m.string).strip() or m.fuzzy
    ]
    assert untranslated == []


def test_every_validator_code_has_a_translatable_title() -> None:
    # The validator speaks English; pages show a finding by its code, so each code needs a title.
    assert sorted(validation.CODES) == sorted(set(validation.CODES) & set(labels.FINDING))


def test_what_the_strict_model_refuses_reads_in_the_language() -> None:
    # Every kind of refusal a form can meet, as pydantic words it (the API keeps these words).
    refused = {
        "name": "x" * 121,
        "launch_territory": "f",
        "web_link": "example.org",
        "status": "orbiting",
        "nodal_period_min": 0.0,
        "inclination_deg": 400.0,
        "gso_longitude_deg": -200.0,
        "apogee_km": 2e9,
        "perigee_km": "low",
        "norad_id": "x",
        "launch_vehicle": 5,
        "launching_states": [{"state": "FRA"}] * 21,
    }  # and no designator, the one field required
    with pytest.raises(ValidationError) as caught:
        ObjectIn.model_validate_json(json.dumps(refused))
    said = {e["type"]: e["msg"] for e in caught.value.errors()}
    assert len(said) == len(PYDANTIC_MESSAGES)
    for lang in OTHER_LANGUAGES:
        ui = Localizer(lang)
        assert [m for m in said.values() if in_language(ui, m) == m] == [], lang
    french = in_language(Localizer("fr"), said["string_too_long"])
    assert french == Localizer("fr").text(
        "String should have at most %(max_length)s characters", max_length="120"
    )


def test_every_audit_action_has_a_label() -> None:
    # The actions the code writes: literal ones, and the workflow's moves (f"submission.{move}").
    root = Path(__file__).resolve().parents[2]
    literal = re.compile(
        r'(?:action=|_audit\(\s*session,(?:\s*principal,)?)\s*"([a-z_]+\.[a-z_]+)"'
    )
    written = {f"submission.{move}" for move in TRANSITIONS}
    written |= {"questionnaire.accept", "questionnaire.return"}  # f"questionnaire.{decision}"
    for package in ("registry", "compliance", "web"):
        for source in (root / package).rglob("*.py"):
            written |= set(literal.findall(source.read_text(encoding="utf-8")))
    assert {"submission.create", "demo.import", "user.locked", "satcat.fetch"} <= written
    assert sorted(written - set(labels.AUDIT_ACTION)) == []


def test_message_catalog_template_holds_every_required_message() -> None:
    with (CATALOG_DIR / f"{DOMAIN}.pot").open("rb") as handle:
        template = read_po(handle)
    assert [m for m in REQUIRED if template.get(m) is None] == []


def _nav_texts(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', page, re.S)
    assert nav, "no main navigation"
    return [html.unescape(t).strip() for t in re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))]


async def test_arabic_by_query_renders_right_to_left_with_translated_navigation(
    client: Client,
) -> None:
    response = await client.get("/", params={"lang": "ar"})
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    arabic = translations("ar")
    expected = [arabic.gettext(m) for m in NAVIGATION[:7]]
    assert all(e != m for e, m in zip(expected, NAVIGATION[:7], strict=True))
    assert _nav_texts(response.text) == expected


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
async def test_home_answers_in_the_language_of_accept_language_without_prefix(
    client: Client, lang: str
) -> None:
    response = await client.get(
        "/", headers={"Accept-Language": f"{lang};q=0.9, en;q=0.5"}, follow_redirects=False
    )
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{LANGUAGES[lang][1]}">' in response.text
    assert _nav_texts(response.text)[0] == translations(lang).gettext("Home")
    assert translations(lang).gettext("The register at a glance") in response.text


async def test_an_error_page_says_the_registrys_reason_in_the_language(client: Client) -> None:
    missing = await client.get("/objects/2099-001A", params={"lang": "es"})
    assert missing.status_code == 404
    reason = Localizer("es").text(
        "no object with designator %(designator)s", designator="2099-001A"
    )
    assert reason in html.unescape(missing.text)
    assert "no object with designator" not in missing.text


async def test_cookie_chooses_and_query_overrides_it(client: Client) -> None:
    client.cookies.set("lang", "zh")
    chinese = await client.get("/objects", headers={"Accept-Language": "fr"})
    assert '<html lang="zh" dir="ltr">' in chinese.text
    assert translations("zh").gettext("Search the register") in chinese.text
    russian = await client.get("/objects", params={"lang": "ru"})
    assert '<html lang="ru" dir="ltr">' in russian.text
    assert "lang=ru" in russian.headers.get("set-cookie", "")


async def test_validation_messages_show_in_the_language_by_code(client: Client) -> None:
    page = await client.get("/methodology", params={"lang": "es"})
    spanish = translations("es")
    text = html.unescape(page.text)
    for code in validation.CODES:
        assert spanish.gettext(labels.FINDING[code]) in text, code
    assert (
        spanish.gettext(
            "Guideline titles are shown in English; any translation of them here is unofficial."
        )
        in text
    )


async def test_dates_and_numbers_follow_the_language(client: Client) -> None:
    # HST's launch as the seeded record holds it, written by Babel in each language.
    launch = datetime(1990, 4, 24, 12, 33, 51)
    english = format_datetime(launch, "medium", locale=Localizer("en").locale)
    for lang in ("fr", "ru", "ar", "zh"):
        page = html.unescape((await client.get("/objects/1990-037B", params={"lang": lang})).text)
        written = format_datetime(launch, "medium", locale=Localizer(lang).locale)
        assert written != english
        assert written + " UTC" in page, lang
    assert Localizer("fr").number(96.8, 1) == "96,8"
    assert Localizer("es").percent(0.5) == "50,0%"


#: Signed-in pages and one message each that only that page shows.
PORTAL_PAGES = {
    "/portal": "Your State in the register",
    "/portal/bulk": "Element sets (OMM or TLE, optional)",
    "/portal/amend": "Find an object your State registered (designator)",
    "/portal/notifications": (
        "Submissions of your State returned by the secretariat with a note, and those published "
        "with their UN document."
    ),
}
WORKSPACE_PAGES = {
    "/workspace": "Review queue",
    "/workspace/enter": "Enter a submission received as a note verbale",
    "/workspace/audit": "Verify the chain",
}


@pytest.mark.parametrize("lang", ["ar", "fr"])
async def test_portal_and_workspace_pages_speak_the_language(
    client: Client, seeded: Seeded, lang: str
) -> None:
    for email, pages in ((seeded.officer_fra, PORTAL_PAGES), (seeded.reviewer, WORKSPACE_PAGES)):
        client.cookies.clear()
        await sign_in(client, email)
        client.cookies.set("lang", lang)
        for path, message in pages.items():
            page = await client.get(path)
            assert page.status_code == 200, path
            assert f'<html lang="{lang}" dir="{LANGUAGES[lang][1]}">' in page.text, path
            translated = translations(lang).gettext(message)
            assert translated != message and translated in html.unescape(page.text), path
