"""Maintain the gettext catalogs: ``python -m web.i18n.catalogs extract|update|compile|check``.

* ``extract``: collect every message of the pages, and the registry's English messages that its
  ``N_`` marks (findings, refusals: the pages translate them), into ``messages.pot``;
* ``update``: merge the template into each language's ``messages.po`` (new messages empty);
* ``compile``: write ``messages.mo`` beside each ``.po`` (optional: the app compiles in memory);
* ``check``: report, per language, how many messages have no translation yet.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator, Sequence
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from web.i18n import CATALOG_DIR, DEFAULT, DOMAIN, LANGUAGES

ROOT = CATALOG_DIR.parents[1]
TEMPLATE = CATALOG_DIR / f"{DOMAIN}.pot"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "gettext", "-k", "text"]


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_marked(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Any
) -> Iterator[Any]:
    """Babel extraction method for the registry: only the messages marked with ``N_``."""
    return extract_python(fileobj, {"N_": None}, comment_tags, options)


def extract() -> None:
    _babel(
        "extract",
        "-F",
        str(CATALOG_DIR / "babel.cfg"),
        "--no-location",
        "--sort-output",
        "--project",
        "spacereg",
        *KEYWORDS,
        "-o",
        str(TEMPLATE),
        str(ROOT),
    )


def update() -> None:
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        po = CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        _babel(command, "-i", str(TEMPLATE), "-d", str(CATALOG_DIR), "-l", lang, "-D", DOMAIN)


def compile_all() -> None:
    _babel("compile", "-d", str(CATALOG_DIR), "-D", DOMAIN, "--statistics")


def forms(value: str | Sequence[str] | None) -> list[str]:
    """A message's id or translation as a list: itself, or one entry per plural form."""
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def untranslated(catalog: Catalog) -> list[str]:
    """Messages a page would show in English: no translation, a fuzzy one, or a plural form
    left empty (a plural's translation is a tuple, which is true even when every form is empty)."""
    return [
        forms(m.id)[0]
        for m in catalog
        if m.id and (m.fuzzy or not all(s.strip() for s in forms(m.string)))
    ]


def missing(lang: str) -> list[str]:
    po = CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as handle:
        return untranslated(read_po(handle, locale=lang))


def check() -> int:
    for lang in LANGUAGES:
        if lang != DEFAULT:
            print(f"{lang}: {len(missing(lang))} untranslated")
    return 0


def main(argv: list[str]) -> int:
    commands = {"extract": extract, "update": update, "compile": compile_all}
    if len(argv) != 1 or argv[0] not in (*commands, "check"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "check":
        return check()
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
