"""Derive the shipped demo register from GCAT's payload catalogue (developer tool, run once).

    python -m registry.demo.derive_gcat SRC.tsv ORGS.tsv OUT.csv.gz

``SRC.tsv`` is GCAT's ``psatcat`` (payloads, with the UN registration columns), ``ORGS.tsv`` GCAT's
organisation table, used to check that every State code in ``UNState`` is a real GCAT State or IGO
code. Every State code must also map through ``registry/data/states.csv``; an unmapped code stops
the run naming the line and the code.

One output row per payload (column meanings: :data:`registry.demo.register.COLUMNS`):

- the object: GCAT id, designator as GCAT writes it (pre-1963 ones kept, flagged), NORAD number
  (``S00002`` -> 2; other JCAT catalogues have none), name, launch date;
- GCAT's State: raw ``UNState`` (``[US]*``), bare code (``US``), whether bracketed (GCAT's
  expectation of who should register), and our mapped code;
- the registration, where ``UNReg`` holds a symbol: symbol and the declared period, perigee,
  apogee and inclination exactly as GCAT copied them (malformed symbols are kept: the validator
  reports them);
- status, only where psatcat says it (see :func:`status_of`), and the function (see
  :func:`function_of`);
- GCAT's raw ``TLast``/``TOp``/``TDate``/``TF``, ``Class``, ``Category``, ``Program``, ``Result``;
- ``not_in_source``: the object fields psatcat does not carry for that row.

Any malformed input line stops the run with the file, line and field named.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from registry.demo.register import COLUMNS, CREDIT, GCAT_NOT_IN_SOURCE
from registry.states.reference import gcat_code_map, strip_gcat_state
from registry.validation import designator_kind

_PSATCAT_COLUMNS = (
    "#JCAT", "Piece", "Name", "LDate", "TLast", "TOp", "TDate", "TF", "Program", "Plane", "Att",
    "Mvr", "Class", "Category", "Result", "Control", "Discipline", "UNState", "UNReg", "UNPeriod",
    "UNPerigee", "UNApogee", "UNInc", "DispEpoch", "DispPeri", "DispApo", "DispInc", "Comment",
)  # fmt: skip
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_DAY_DATE = re.compile(r"^(\d{4}) ([A-Z][a-z]{2}) +(\d{1,2})(?: \d{4})?\??$")
_JCAT_STANDARD = re.compile(r"^S(\d{5}|\d{9})$")

#: GCAT ``Category`` codes -> general function (GCAT payload category definitions, applied as
#: seen in the data: e.g. CAL holds radar-calibration targets, SS crewed ships and cargo craft).
CATEGORY_FUNCTIONS: dict[str, str] = {
    "AST": "astronomy",
    "BIO": "biology",
    "CAL": "calibration target",
    "COM": "communications",
    "EDU": "education",
    "EOSCI": "Earth science",
    "EW": "early warning",
    "GEOD": "geodesy",
    "IMG": "Earth imaging",
    "IMG-R": "radar imaging",
    "MET": "meteorology",
    "MET-RO": "radio-occultation meteorology",
    "MGRAV": "microgravity research",
    "MISC": "miscellaneous",
    "NAV": "navigation",
    "PLAN": "planetary and lunar exploration",
    "RV": "re-entry vehicle",
    "SCI": "space science",
    "SIG": "signals intelligence",
    "SS": "human spaceflight and space station logistics",
    "TARG": "target",
    "TECH": "technology development",
    "WEAPON": "weapons test",
}
#: GCAT ``Class`` letters -> the kind of owner.
CLASS_OWNERS: dict[str, str] = {
    "A": "academic or amateur",
    "B": "commercial",
    "C": "civil government",
    "D": "military",
}
GEO_ALTITUDE_KM = 35786.0
#: A display orbit within this distance of the geostationary altitude at both apsides is in GSO.
GEO_BAND_KM = 200.0


class GcatInputError(ValueError):
    """Malformed GCAT input; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class _Line:
    path: Path
    number: int
    fields: dict[str, str]

    def fail(self, field: str, why: str) -> GcatInputError:
        return GcatInputError(f"{self.path}:{self.number}: field {field!r}: {why}")

    def text(self, field: str) -> str | None:
        value = self.fields[field].strip()
        return None if value in ("", "-") else value

    def number_or_none(self, field: str) -> float | None:
        value = self.text(field)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            raise self.fail(field, f"{value!r} is not a number") from None


def _read_tsv(path: Path, columns: Sequence[str], first_column: str) -> Iterator[_Line]:
    """GCAT TSV rows as dicts; the header starts with ``#``, other ``#`` lines are comments."""
    with path.open(encoding="utf-8", newline="") as fh:
        header: list[str] | None = None
        for number, raw in enumerate(fh, start=1):
            text = raw.rstrip("\r\n")
            if header is None:
                header = text.split("\t")
                if header[0] != first_column or any(c not in header for c in columns):
                    missing = [c for c in columns if c not in header]
                    raise GcatInputError(
                        f"{path}:{number}: not a GCAT table with column(s) {', '.join(missing or [first_column])}"
                    )
                continue
            if text.startswith("#") or not text.strip():
                continue
            values = text.split("\t")
            if len(values) != len(header):
                raise GcatInputError(
                    f"{path}:{number}: expected {len(header)} tab-separated fields, got {len(values)}"
                )
            yield _Line(path, number, dict(zip(header, values, strict=True)))
        if header is None:
            raise GcatInputError(f"{path}: empty file")


def read_gcat_state_codes(orgs: Path) -> set[str]:
    """Codes of GCAT organisations that are States, State parts or IGOs (Type CY, CYP, IGO)."""
    kinds = {"CY", "CYP", "IGO"}
    return {
        line.fields["#Code"].strip()
        for line in _read_tsv(orgs, ("#Code", "StateCode", "Type", "EName"), "#Code")
        if kinds & set(line.fields["Type"].strip().split("/"))
    }


def _day(line: _Line, field: str) -> date | None:
    """A GCAT date with day precision ("1957 Oct  4", "1969 Mar 13 1700"); None for vaguer ones."""
    value = line.text(field)
    if value is None or value == "*":
        return None
    match = _DAY_DATE.match(value)
    if match is None or match[2] not in _MONTHS:
        return None
    try:
        return date(int(match[1]), _MONTHS[match[2]], int(match[3]))
    except ValueError:
        raise line.fail(field, f"{value!r} is not a calendar date") from None


def status_of(line: _Line) -> tuple[str | None, date | None]:
    """Our status and its date, where psatcat says it; (None, None) otherwise.

    psatcat carries no decay record, so only three cases are certain enough:
    ``TF`` = ``E`` marks objects that left Earth orbit -> ``beyond_earth_orbit``; a display orbit
    (``Disp*``) with perigee 0 marks a crewed return (Apollo, Shuttle, Soyuz) -> ``landed`` on the
    display epoch; a display orbit within 200 km of the geostationary altitude at both apsides ->
    ``in_gso``. Everything else is left "not in source" rather than guessed as in orbit.
    """
    if (line.text("TF") or "") == "E":
        return "beyond_earth_orbit", None
    perigee, apogee = line.number_or_none("DispPeri"), line.number_or_none("DispApo")
    if line.text("DispEpoch") is None or perigee is None or apogee is None:
        return None, None
    if perigee == 0.0 and apogee > 0.0:
        return "landed", _day(line, "DispEpoch")
    if (
        abs(perigee - GEO_ALTITUDE_KM) <= GEO_BAND_KM
        and abs(apogee - GEO_ALTITUDE_KM) <= GEO_BAND_KM
    ):
        return "in_gso", None
    return None, None


def function_of(category: str | None, owner_class: str | None) -> str | None:
    """General function from GCAT's ``Category`` and ``Class``.

    Categories joined by ``/`` are listed in order; a ``?`` marks GCAT's uncertainty and is kept
    as "(uncertain)"; ``*`` flags are dropped; an unknown code is kept as written.

    >>> function_of("COM/MET-RO", "B")
    'communications; radio-occultation meteorology (commercial)'
    >>> function_of("SIG?*", "D")
    'signals intelligence (uncertain) (military)'
    >>> function_of(None, None) is None
    True
    """
    if category is None:
        return None
    uncertain = "?" in category
    parts = [p for p in category.replace("?", "").replace("*", "").split("/") if p]
    text = "; ".join(CATEGORY_FUNCTIONS.get(p, p) for p in parts)
    if uncertain:
        text += " (uncertain)"
    owners = [CLASS_OWNERS[c] for c in (owner_class or "") if c in CLASS_OWNERS]
    if owners:
        text += f" ({' and '.join(owners)})"
    return text


def derive_row(line: _Line, state_map: dict[str, str], gcat_states: set[str]) -> dict[str, str]:
    """One output row (all values as CSV text) from one psatcat line."""
    jcat = line.fields["#JCAT"].strip()
    standard = _JCAT_STANDARD.match(jcat)
    designator = line.text("Piece")
    if designator is None:
        raise line.fail("Piece", "empty designator")
    launch = _day(line, "LDate")
    if launch is None:
        raise line.fail("LDate", f"{line.fields['LDate']!r} is not a day-precision launch date")
    raw_state = line.fields["UNState"].strip()
    try:
        gcat_state = strip_gcat_state(raw_state)
    except ValueError as exc:
        raise line.fail("UNState", str(exc)) from None
    if gcat_state is not None and gcat_state not in gcat_states:
        raise line.fail(
            "UNState", f"{gcat_state!r} is not a State or IGO code of the GCAT organisation table"
        )
    state_code = ""
    if gcat_state is not None:
        if gcat_state not in state_map:
            raise line.fail("UNState", f"GCAT code {gcat_state!r} is not mapped in states.csv")
        state_code = state_map[gcat_state]
    symbol = line.text("UNReg")
    status, status_date = status_of(line)
    program, comment = line.text("Program"), line.text("Comment")
    detail = "; ".join(x for x in (f"programme {program}" if program else None, comment) if x)
    not_in_source = list(GCAT_NOT_IN_SOURCE)
    if standard is None:
        not_in_source.append("norad_id")
    if status is None:
        not_in_source.append("status")
    if status_date is None:
        not_in_source.append("status_date")
    if not detail:
        not_in_source.append("function_detail")

    def num(field: str) -> str:
        value = line.number_or_none(field)
        return "" if value is None else f"{value:.10g}"

    row = {
        "gcat_id": jcat,
        "international_designator": designator,
        "designator_legacy": "1" if designator_kind(designator) == "legacy" else "0",
        "norad_id": str(int(standard[1])) if standard else "",
        "name": line.text("Name") or "",
        "launch_date": launch.isoformat(),
        "gcat_state": raw_state,
        "gcat_state_code": gcat_state or "",
        "state_code": state_code,
        "state_bracketed": "1" if raw_state.startswith("[") else "0",
        "registered": "1" if symbol else "0",
        "document_symbol": symbol or "",
        "nodal_period_min": num("UNPeriod"),
        "perigee_km": num("UNPerigee"),
        "apogee_km": num("UNApogee"),
        "inclination_deg": num("UNInc"),
        "status": status or "",
        "status_date": status_date.isoformat() if status_date else "",
        "function": function_of(line.text("Category"), line.text("Class")) or "",
        "function_detail": detail,
        "gcat_class": line.text("Class") or "",
        "gcat_category": line.text("Category") or "",
        "gcat_result": line.text("Result") or "",
        "gcat_tlast": line.text("TLast") or "",
        "gcat_top": line.text("TOp") or "",
        "gcat_tdate": line.text("TDate") or "",
        "gcat_tf": line.text("TF") or "",
        "not_in_source": " ".join(not_in_source),
    }
    assert tuple(row) == COLUMNS
    return row


def _gcat_updated(path: Path) -> str:
    """GCAT's own "# Updated ..." stamp from the top of a table, or "no update stamp"."""
    with path.open(encoding="utf-8") as fh:
        for _, text in zip(range(5), fh, strict=False):
            if text.startswith("# Updated"):
                return " ".join(text[1:].split())
    return "no update stamp"


def derive(src: Path, orgs: Path, out: Path) -> int:
    """Write the demo register derived from ``src``; returns the number of payloads written."""
    gcat_states = read_gcat_state_codes(orgs)
    state_map = gcat_code_map()
    lines = list(_read_tsv(src, _PSATCAT_COLUMNS, "#JCAT"))
    rows = [derive_row(line, state_map, gcat_states) for line in lines]
    # No name and mtime=0 in the gzip header: the same input gives the same bytes.
    with out.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        text = _TextSink(gz)
        text.write(f"# {CREDIT}\n")
        text.write(
            f"# derived from {src.name} ({_gcat_updated(src)}) by registry.demo.derive_gcat\n"
        )
        writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


class _TextSink:
    """The minimal text writer csv needs, encoding straight into the gzip stream."""

    def __init__(self, binary: gzip.GzipFile) -> None:
        self._binary = binary

    def write(self, text: str) -> int:
        self._binary.write(text.encode("utf-8"))
        return len(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3:
        print(
            "usage: python -m registry.demo.derive_gcat SRC.tsv ORGS.tsv OUT.csv.gz",
            file=sys.stderr,
        )
        return 2
    src, orgs, out = (Path(a) for a in args)
    for path in (src, orgs):
        if not path.is_file():
            print(f"error: {path}: no such file", file=sys.stderr)
            return 1
    try:
        count = derive(src, orgs, out)
    except GcatInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count} payloads to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
