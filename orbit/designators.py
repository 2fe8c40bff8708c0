"""International designators (COSPAR IDs): parsing, normalising and validating.

The canonical form is ``YYYY-NNNP``: launch year, launch number of that year
and a piece code of one to three letters (I and O are never used). Sources
spell it in other ways:

- TLE line 1, columns 10-17: ``98067A  `` (two-digit year, 57-99 meaning
  19xx and 00-56 meaning 20xx), blank when unknown, and for objects tied to a
  launch but not yet to a piece only ``83075   ``;
- OMM ``OBJECT_ID``: already ``1998-067A``;
- catalogues of the first launches (1957-1962), which use the older Greek
  letter scheme: ``1957 ALP 2``, ``1961 A ALP 1``. These are recognised and
  flagged as legacy; they cannot be converted to the modern form without a
  table, so they are kept as they are, in a normalised spelling.

>>> normalise_designator("98067A")
'1998-067A'
>>> normalise_designator(" 1998-067a ")
'1998-067A'
>>> normalise_designator("        ") is None
True
>>> d = parse_designator("1957 alpha 2")
>>> str(d), d.is_legacy
('1957 ALP 2', True)
>>> is_modern_designator("2026-192A"), is_modern_designator("2026-192I")
(True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A complete modern designator, exactly as the registry stores it.
MODERN_DESIGNATOR = re.compile(r"^(19[5-9]\d|20\d\d)-\d{3}[A-HJ-NP-Z]{1,3}$", re.ASCII)

#: Any modern spelling: 4- or 2-digit year, optional hyphen, optional piece.
_MODERN_ANY = re.compile(r"^(\d{4}|\d{2})-?(\d{3})([A-Z]{0,3})$", re.ASCII)

#: Greek letters of the 1957-1962 scheme and the codes catalogues abbreviate them to.
_GREEK_CODE_OF = {
    "ALPHA": "ALP",
    "BETA": "BET",
    "GAMMA": "GAM",
    "DELTA": "DEL",
    "EPSILON": "EPS",
    "ZETA": "ZET",
    "ETA": "ETA",
    "THETA": "THE",
    "IOTA": "IOT",
    "KAPPA": "KAP",
    "LAMBDA": "LAM",
    "MU": "MU",
    "NU": "NU",
    "XI": "XI",
    "OMICRON": "OMI",
    "PI": "PI",
    "RHO": "RHO",
    "SIGMA": "SIG",
    "TAU": "TAU",
    "UPSILON": "UPS",
    "PHI": "PHI",
    "CHI": "CHI",
    "PSI": "PSI",
    "OMEGA": "OME",
}
_GREEK = {**_GREEK_CODE_OF, **{code: code for code in _GREEK_CODE_OF.values()}}

#: ``1957 ALP 2``; 1961 and 1962 ran past omega, continuing with A- and B- prefixes.
_LEGACY = re.compile(r"^(195[7-9]|196[0-2])\s+(?:([AB])\s+)?([A-Z]+)(?:\s+(\d{1,2}))?$", re.ASCII)

_FIRST_LAUNCH_YEAR = 1957
_PIECE_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")


class DesignatorError(ValueError):
    """Text that is not an international designator in any known spelling."""


@dataclass(frozen=True, slots=True)
class Designator:
    """A parsed designator. ``piece`` is empty when only the launch is known.

    >>> Designator(1998, 67, "A")
    Designator(year=1998, launch=67, piece='A', legacy=None)
    >>> str(Designator(1983, 75, ""))
    '1983-075'
    """

    year: int
    launch: int | None  # None for legacy designators
    piece: str
    legacy: str | None = None  # normalised legacy spelling, e.g. "1957 ALP 2"

    @property
    def is_legacy(self) -> bool:
        return self.legacy is not None

    @property
    def is_complete(self) -> bool:
        """True when a single object is identified (a piece is present)."""
        return self.is_legacy or self.piece != ""

    def __str__(self) -> str:
        if self.legacy is not None:
            return self.legacy
        return f"{self.year:04d}-{self.launch:03d}{self.piece}"


def parse_designator(text: str) -> Designator:
    """Read a designator in any supported spelling (surrounding blanks and case ignored).

    >>> parse_designator("85108AA")
    Designator(year=1985, launch=108, piece='AA', legacy=None)
    >>> parse_designator("1961 A alp 1").legacy
    '1961 A ALP 1'
    >>> parse_designator("1998-000A")
    Traceback (most recent call last):
    ...
    orbit.designators.DesignatorError: designator '1998-000A': launch number 000 is not valid
    """
    cleaned = " ".join(text.split()).upper()
    if not cleaned:
        raise DesignatorError("designator is blank")
    match = _MODERN_ANY.match(cleaned)
    if match is not None:
        year_text, launch_text, piece = match.groups()
        year = int(year_text)
        if len(year_text) == 2:
            year += 1900 if year >= 57 else 2000
        return _checked_modern(text, year, int(launch_text), piece)
    match = _LEGACY.match(cleaned)
    if match is not None:
        year_text, prefix, letter, number = match.groups()
        code = _GREEK.get(letter)
        if code is None:
            raise DesignatorError(f"designator {text.strip()!r}: {letter!r} is not a Greek letter")
        parts = [year_text, *([prefix] if prefix else []), code, *([number] if number else [])]
        return Designator(int(year_text), None, "", legacy=" ".join(parts))
    raise DesignatorError(f"designator {text.strip()!r} is not YYYY-NNNP, YYNNNP or 'YYYY GREEK N'")


def _checked_modern(text: str, year: int, launch: int, piece: str) -> Designator:
    label = f"designator {text.strip()!r}"
    if year < _FIRST_LAUNCH_YEAR or year > 2099:
        raise DesignatorError(f"{label}: year {year} is outside 1957-2099")
    if launch == 0:
        raise DesignatorError(f"{label}: launch number 000 is not valid")
    if not _PIECE_LETTERS.issuperset(piece):
        raise DesignatorError(f"{label}: piece {piece!r} is not capital letters other than I and O")
    return Designator(year, launch, piece)


def normalise_designator(text: str | None) -> str | None:
    """Canonical spelling of a designator, or None when the text is blank or missing.

    >>> normalise_designator("1957 ALP 2")
    '1957 ALP 2'
    >>> normalise_designator("83075")
    '1983-075'
    """
    if text is None or not text.strip():
        return None
    return str(parse_designator(text))


def is_modern_designator(text: str) -> bool:
    """True for a complete, canonical ``YYYY-NNNP`` designator that could exist.

    >>> is_modern_designator("1998-067A"), is_modern_designator("98067A")
    (True, False)
    >>> is_modern_designator("1950-001A"), is_modern_designator("1998-067")
    (False, False)
    """
    if MODERN_DESIGNATOR.match(text) is None:
        return False
    return int(text[:4]) >= _FIRST_LAUNCH_YEAR and text[5:8] != "000"


def designator_from_tle(field: str) -> str | None:
    """Canonical designator from TLE line 1 columns 10-17, None when blank.

    >>> designator_from_tle("58002B  "), designator_from_tle("83075   ")
    ('1958-002B', '1983-075')
    >>> designator_from_tle("        ") is None
    True
    >>> designator_from_tle("5800 2B ")
    Traceback (most recent call last):
    ...
    orbit.designators.DesignatorError: TLE designator '5800 2B ' is not YYNNNP (2-digit year, 3-digit launch, piece)
    """
    compact = field.rstrip()
    if not compact:
        return None
    piece = compact[5:]
    if not (
        len(compact) >= 5
        and compact.isascii()
        and compact[:5].isdigit()
        and (piece.isalpha() or not piece)
    ):
        raise DesignatorError(
            f"TLE designator {field!r} is not YYNNNP (2-digit year, 3-digit launch, piece)"
        )
    two_digit = int(compact[:2])
    year = two_digit + (1900 if two_digit >= 57 else 2000)
    return str(_checked_modern(field, year, int(compact[2:5]), piece))


def designator_to_tle(designator: str | None) -> str:
    """The 8-character TLE field for a canonical designator (blank for None).

    >>> designator_to_tle("1998-067A")
    '98067A  '
    >>> designator_to_tle("2057-001A")
    Traceback (most recent call last):
    ...
    orbit.designators.DesignatorError: designator '2057-001A' cannot be written in a TLE: its two-digit year covers only 1957-2056
    """
    if designator is None:
        return " " * 8
    parsed = parse_designator(designator)
    if parsed.launch is None:
        raise DesignatorError(
            f"legacy designator {designator!r} has no modern form to write in a TLE"
        )
    if not 1957 <= parsed.year <= 2056:
        raise DesignatorError(
            f"designator {designator!r} cannot be written in a TLE: "
            "its two-digit year covers only 1957-2056"
        )
    return f"{parsed.year % 100:02d}{parsed.launch:03d}{parsed.piece}".ljust(8)
