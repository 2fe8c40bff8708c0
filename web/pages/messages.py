"""The registry's English messages (findings, refusals) in the reader's language.

The registry writes each message in English, for the API's clients, from a template marked with
``N_`` and filled with values: ``apogee %(apogee)s km is below perigee %(perigee)s km``. Findings
carry only the English text (the API's shape, and what submissions and registrations store), so a
page finds the template back by matching the text against the catalog's templates, most specific
first, and writes the translation with the same values. A message no template matches stays in
English.

>>> fr = Localizer("fr")
>>> in_language(fr, "apogee 400 km is below perigee 500 km") == fr.text(
...     "apogee %(apogee)s km is below perigee %(perigee)s km", apogee="400", perigee="500")
True
>>> in_language(fr, "a number is expected (e.g. 505.2)") == fr.gettext(
...     "a number is expected (e.g. 505.2)")
True
>>> in_language(fr, "the reactor is on fire"), in_language(Localizer("en"), "web link")
('the reactor is on fire', 'web link')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from web.i18n import DEFAULT, N_, Localizer, catalog, translations
from web.pages import labels

#: Pydantic's own English messages for what a form can get wrong (a text too long or not of the
#: expected form, a number out of range, a value not in a list, a field left out): the strict
#: models answer with these, and marking them here puts them in the catalogs.
PYDANTIC_MESSAGES = (
    N_("Field required"),
    N_("Input should be a valid number"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid string"),
    N_("String should have at least %(min_length)s characters"),
    N_("String should have at most %(max_length)s characters"),
    N_("String should match pattern '%(pattern)s'"),
    N_("Input should be %(expected)s"),
    N_("Input should be greater than %(gt)s"),
    N_("Input should be greater than or equal to %(ge)s"),
    N_("Input should be less than %(lt)s"),
    N_("Input should be less than or equal to %(le)s"),
    N_("List should have at most %(max_length)s items after validation, not %(actual_length)s"),
)

#: Values that are themselves codes, shown with their label: the status of "date of the change
#: of status to %(status)s", the field of "%(field)s cannot be amended".
_VALUE_LABELS = {"status": labels.STATUS, "field": labels.FIELD}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@dataclass(frozen=True, slots=True)
class _Template:
    msgid: str
    #: The fixed text before the first placeholder: a cheap test before the pattern.
    prefix: str
    pattern: re.Pattern[str]
    #: Characters of fixed text: the more a template has, the more specific a match is.
    fixed: int


def _template(msgid: str) -> _Template:
    pattern: list[str] = []
    fixed: list[str] = []
    names: set[str] = set()
    end = 0
    for found in _PLACEHOLDER.finditer(msgid):
        text = msgid[end : found.start()] + ("%" if found.group(0) == "%%" else "")
        pattern.append(re.escape(text))
        fixed.append(text)
        name = found.group(1)
        if name is not None:
            # A value named twice is the same value twice.
            pattern.append(f"(?P={name})" if name in names else f"(?P<{name}>.+?)")
            names.add(name)
        end = found.end()
    pattern.append(re.escape(msgid[end:]))
    fixed.append(msgid[end:])
    prefix = msgid.split("%(", 1)[0].replace("%%", "%")
    return _Template(msgid, prefix, re.compile("".join(pattern), re.S), len("".join(fixed)))


@lru_cache(maxsize=8)
def _templates(lang: str) -> tuple[_Template, ...]:
    """The language's translated messages that take values, most fixed text first."""
    messages = catalog(lang)
    if messages is None:
        return ()
    found = [
        _template(m.id)
        for m in messages
        if isinstance(m.id, str) and "%(" in m.id and m.string and not m.fuzzy
    ]
    return tuple(sorted((t for t in found if t.fixed), key=lambda t: (-t.fixed, t.msgid)))


@lru_cache(maxsize=8192)
def _translated(lang: str, message: str) -> str:
    said = translations(lang).gettext(message)
    if said != message:
        return said
    for template in _templates(lang):
        if not message.startswith(template.prefix):
            continue
        match = template.pattern.fullmatch(message)
        if match is None:
            continue
        values = {
            name: translations(lang).gettext(_VALUE_LABELS[name].get(value, value))
            if name in _VALUE_LABELS
            else value
            for name, value in match.groupdict().items()
        }
        return translations(lang).gettext(template.msgid) % values
    return message


def in_language(ui: Localizer, message: str) -> str:
    """A registry message in the page's language, or as it is when no translation fits."""
    return message if ui.lang == DEFAULT else _translated(ui.lang, message)
