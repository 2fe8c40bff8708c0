"""The States reference table shipped in ``registry/data/states.csv``.

One row per entity that can register, launch or be named in the register: current States
(ISO 3166-1 alpha-3 codes, UN short names), dissolved States under their historical ISO codes
(``SUN``, ``CSK``, ``DDR``, ``YUG``), territories that catalogues list separately (``TWN``,
``HKG``, ``MAC``, ...), and intergovernmental organisations by acronym (``ESA``, ``EUMETSAT``,
``EUTELSAT-IGO``, ``INTERSPUTNIK``, ``ARABSAT``, ``EU``).

Columns:

``code``
    Our code (primary key): ISO alpha-3 for States and territories, an acronym for IGOs.
``kind``
    ``state`` | ``dissolved_state`` | ``territory`` | ``igo``.
``continuing_state``
    For a dissolved State, the State that continues its legal personality (USSR -> RUS,
    GDR -> DEU), empty when none does (Czechoslovakia, Yugoslavia); for a territory, its
    sovereign State.
``successor_states``
    For a dissolved State, every successor State (space-separated).
``registration_convention``
    ``party`` | ``signatory`` | ``not_party`` | ``unknown``; for an IGO, ``party`` means a
    declaration of acceptance under Art. VII. ``unknown`` where no source was confirmed.
``convention_date``
    ISO date of deposit (or of the IGO's declaration) where a source gave it, else empty.
``source``
    Where the status came from.
``gcat_codes``
    The GCAT organisation codes (``gcat-orgs`` ``Code`` column, types CY/CYP/IGO) that stand
    for this row, space-separated: ``US`` -> USA, ``SU`` -> SUN, ``CSSR``/``CSFR`` -> CSK,
    ``I-ESA`` -> ESA. The GCAT mapping lives here rather than in a second file so that one
    reviewed table holds everything known about a code.

>>> states = {s.code: s for s in load_states()}
>>> states["SUN"].continuing_state, states["SUN"].kind
('RUS', 'dissolved_state')
>>> states["CSK"].successor_states
('CZE', 'SVK')
>>> gcat_code_map()["I-ESA"], gcat_code_map()["UK"]
('ESA', 'GBR')
>>> sorted(unmapped_gcat_codes({"US", "[CN]", "SU*", "ZZ", "-"}))
['ZZ']
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

#: The shipped table.
STATES_CSV = Path(__file__).resolve().parents[1] / "data" / "states.csv"

STATE_KINDS: tuple[str, ...] = ("state", "dissolved_state", "territory", "igo")
CONVENTION_STATUSES: tuple[str, ...] = ("party", "signatory", "not_party", "unknown")

_COLUMNS = (
    "code",
    "name",
    "kind",
    "continuing_state",
    "successor_states",
    "registration_convention",
    "convention_date",
    "source",
    "gcat_codes",
)
_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
#: GCAT writes a State it expects to register an object in brackets ("[CN]") and flags some
#: entries with a trailing asterisk ("US*", "[I-ESA]*"); the code itself sits inside.
_GCAT_DECORATION = re.compile(r"^(?:\[(?P<bracketed>[^\[\]*]+)\]|(?P<plain>[^\[\]*]+))\*?$")


class StatesTableError(ValueError):
    """The states table is malformed; the message names the file, line and field."""


@dataclass(frozen=True, slots=True)
class StateRef:
    """One row of the States reference table."""

    code: str
    name: str
    kind: str
    continuing_state: str | None
    successor_states: tuple[str, ...]
    registration_convention: str
    convention_date: date | None
    source: str
    gcat_codes: tuple[str, ...]


def _parse_row(row: dict[str, str], path: Path, line: int) -> StateRef:
    def fail(field: str, why: str) -> StatesTableError:
        return StatesTableError(f"{path}:{line}: field {field!r}: {why}")

    code = row["code"].strip()
    if not _CODE.match(code):
        raise fail("code", f"{code!r} is not an upper-case code of 2-20 characters")
    name = row["name"].strip()
    if not name:
        raise fail("name", "empty")
    kind = row["kind"].strip()
    if kind not in STATE_KINDS:
        raise fail("kind", f"{kind!r} is not one of {', '.join(STATE_KINDS)}")
    status = row["registration_convention"].strip()
    if status not in CONVENTION_STATUSES:
        raise fail(
            "registration_convention", f"{status!r} is not one of {', '.join(CONVENTION_STATUSES)}"
        )
    raw_date = row["convention_date"].strip()
    try:
        convention_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise fail("convention_date", f"{raw_date!r} is not an ISO date") from None
    return StateRef(
        code=code,
        name=name,
        kind=kind,
        continuing_state=row["continuing_state"].strip() or None,
        successor_states=tuple(row["successor_states"].split()),
        registration_convention=status,
        convention_date=convention_date,
        source=row["source"].strip(),
        gcat_codes=tuple(row["gcat_codes"].split()),
    )


def read_states(path: Path) -> list[StateRef]:
    """Read and check a states table; lines starting with ``#`` are comments.

    Raises :class:`StatesTableError` naming the file and line on any malformed row, on a
    duplicate code, on a GCAT code claimed by two rows, and on a continuing or successor
    State that is not itself in the table.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        numbered = [(n, text) for n, text in enumerate(fh, start=1) if not text.startswith("#")]
    if not numbered:
        raise StatesTableError(f"{path}: no header row")
    reader = csv.DictReader(text for _, text in numbered)
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise StatesTableError(f"{path}:{numbered[0][0]}: missing column(s) {', '.join(missing)}")
    states: list[StateRef] = []
    seen: dict[str, int] = {}
    gcat_owner: dict[str, str] = {}
    for row in reader:
        # line_num counts the non-comment lines consumed so far: map back to the file's line.
        line = numbered[reader.line_num - 1][0]
        if None in row or any(v is None for v in row.values()):
            raise StatesTableError(f"{path}:{line}: expected {len(_COLUMNS)} fields")
        state = _parse_row(row, path, line)
        if state.code in seen:
            raise StatesTableError(
                f"{path}:{line}: field 'code': {state.code} repeats line {seen[state.code]}"
            )
        seen[state.code] = line
        for gcat in state.gcat_codes:
            if gcat in gcat_owner:
                raise StatesTableError(
                    f"{path}:{line}: field 'gcat_codes': {gcat} already maps to {gcat_owner[gcat]}"
                )
            gcat_owner[gcat] = state.code
        states.append(state)
    for state in states:
        for other in (state.continuing_state, *state.successor_states):
            if other is not None and other not in seen:
                raise StatesTableError(
                    f"{path}:{seen[state.code]}: {state.code} names {other}, which is not in the table"
                )
    return states


@cache
def _shipped() -> tuple[StateRef, ...]:
    return tuple(read_states(STATES_CSV))


def load_states() -> list[StateRef]:
    """The shipped States reference table, one :class:`StateRef` per row."""
    return list(_shipped())


@cache
def gcat_code_map() -> dict[str, str]:
    """GCAT State/IGO code -> our code, from the shipped table."""
    return {gcat: state.code for state in _shipped() for gcat in state.gcat_codes}


def strip_gcat_state(raw: str) -> str | None:
    """The bare GCAT code inside a decorated ``UNState`` value, or None for ``-``/empty.

    >>> strip_gcat_state("[I-ESA]*"), strip_gcat_state("US"), strip_gcat_state("-")
    ('I-ESA', 'US', None)
    """
    text = raw.strip()
    if text in ("", "-"):
        return None
    match = _GCAT_DECORATION.match(text)
    if match is None:
        raise ValueError(f"not a GCAT State value: {raw!r}")
    return (match["bracketed"] or match["plain"]).strip()


def unmapped_gcat_codes(codes: Iterable[str]) -> set[str]:
    """The GCAT codes (decorated or bare; ``-`` ignored) that no row of the table maps."""
    known = gcat_code_map()
    out: set[str] = set()
    for raw in codes:
        code = strip_gcat_state(raw)
        if code is not None and code not in known:
            out.add(code)
    return out
