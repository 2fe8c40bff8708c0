"""The six UN languages: choosing one per request, and translating and formatting in it.

Catalogs are the ``.po`` files beside this module (``<lang>/LC_MESSAGES/messages.po``); they are
compiled in memory when first used, so a stale ``.mo`` can never shadow an edited ``.po``.

>>> negotiate(query="ar", cookie=None, accept_language=None)
'ar'
>>> negotiate(query=None, cookie=None, accept_language="de-CH, fr;q=0.8, en;q=0.5")
'fr'
>>> negotiate(query="xx", cookie="zh", accept_language="ru")
'zh'
>>> Localizer("fr").number(1234567.891, 1)
'1\\u202f234\\u202f567,9'
>>> Localizer("ar").dir
'rtl'
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

# One marker for the whole code base: the registry marks its English messages with it too.
from registry.errors import N_ as N_

CATALOG_DIR = Path(__file__).parent
DOMAIN = "messages"
DEFAULT = "en"
#: code -> (name in that language, writing direction); UN order: ar, zh, en, fr, ru, es.
LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": ("العربية", "rtl"),
    "zh": ("中文", "ltr"),
    "en": ("English", "ltr"),
    "fr": ("Français", "ltr"),
    "ru": ("Русский", "ltr"),
    "es": ("Español", "ltr"),
}
#: Babel locale used for dates and numbers (Chinese as written at the UN: simplified).
_BABEL_LOCALE = {"zh": "zh_Hans_CN", "ar": "ar", "en": "en_GB", "fr": "fr", "ru": "ru", "es": "es"}


def _accepted(header: str) -> list[str]:
    """Language codes of an Accept-Language header, best first (q=0 means "not this one")."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower().split("-")[0]))
    return [code for _, _, code in sorted(weighted)]


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: ``?lang=``, then the ``lang`` cookie, then Accept-Language."""
    for choice in (query, cookie):
        if choice and choice in LANGUAGES:
            return choice
    for code in _accepted(accept_language or "")[:20]:
        if code in LANGUAGES:
            return code
    return DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> Catalog | None:
    """One language's messages as its ``.po`` file holds them (English is the source: none)."""
    po = CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT or not po.exists():
        return None
    with po.open("rb") as handle:
        return read_po(handle, locale=lang)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of one language."""
    messages = catalog(lang)
    if messages is None:
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Localizer:
    """Everything a page needs to speak one language: messages, dates, numbers, direction."""

    __slots__ = ("_t", "dir", "lang", "locale", "name")

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            lang = DEFAULT
        self.lang = lang
        self.name, self.dir = LANGUAGES[lang]
        self.locale = _locale(lang)
        self._t = translations(lang)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def text(self, message: str, **variables: object) -> str:
        """A message with ``%(name)s`` placeholders, as templates write it (``%%`` is a percent)."""
        return self._t.gettext(message) % variables

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def date(self, value: date | datetime | str | None, fmt: str = "medium") -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = _parse_iso(value)
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, fmt, locale=self.locale)

    def datetime(self, value: datetime | str | None, fmt: str = "medium") -> str:
        """A UTC time, written in the language, always labelled UTC (the register's reference)."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = _parse_iso(value)
        if not isinstance(value, datetime):
            return self.date(value, fmt)
        return format_datetime(value, fmt, tzinfo=None, locale=self.locale) + " UTC"

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(value, format=pattern, locale=self.locale)


@lru_cache(maxsize=len(LANGUAGES))
def _locale(lang: str) -> Locale:
    return Locale.parse(_BABEL_LOCALE[lang])


def _parse_iso(text: str) -> datetime | date:
    cleaned = text.replace("Z", "+00:00")
    return datetime.fromisoformat(cleaned) if "T" in cleaned else date.fromisoformat(cleaned)
