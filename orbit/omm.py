"""CCSDS Orbit Mean-Elements Messages (OMM) in CSV, JSON, XML and KVN.

All four carry the same keywords (``NORAD_CAT_ID``, ``EPOCH``, ``MEAN_MOTION``,
``BSTAR`` ...), so each reader only gathers a record's keywords and values and
:func:`element_set_from_fields` does the checking, for all of them alike:
required keywords present, numbers strictly numeric and finite, values in
range, units (KVN ``[deg]``, XML ``units="deg"``) the ones SGP4 elements use,
and the metadata, when given, saying SGP4 / TEME / UTC / EARTH. A bad record
becomes a :class:`~orbit.issues.ParseIssue` with its record number (and line,
where the format has lines) and the others are still read.

>>> csv_text = '''OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT
... CALSPHERE 1,1964-063C,2026-07-10T03:44:00.383136,13.76647064,.00234977,90.2216,72.3098,220.5925,303.3745,0,U,900,999,7458,.40393571E-3,.406E-5,0
... CALSPHERE 2,1964-063E,2026-07-09T12:38:02.175648,13.52902187,1.00192138,90.2353,76.3300,156.7408,320.9156,0,U,902,999,85928,.20743148E-4,.23E-6,0'''
>>> for item in iter_omm_csv(csv_text.splitlines(), source="gp.csv"):
...     print(item if isinstance(item, ParseIssue) else (item.norad_id, item.epoch.isoformat()))
(900, '2026-07-10T03:44:00.383136+00:00')
gp.csv:3: record 2: ECCENTRICITY: eccentricity 1.00192138 is outside [0, 1)
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.parsers import expat

from orbit.designators import DesignatorError, parse_designator
from orbit.element_checks import first_bad_identity, first_out_of_range
from orbit.elements import ElementSet
from orbit.issues import IssueKind, ParseIssue

#: Keyword of each ElementSet number, with the unit an OMM may state for it.
_REQUIRED_NUMBERS: dict[str, tuple[str, str | None]] = {
    "mean_motion": ("MEAN_MOTION", "rev/day"),
    "eccentricity": ("ECCENTRICITY", None),
    "inclination_deg": ("INCLINATION", "deg"),
    "raan_deg": ("RA_OF_ASC_NODE", "deg"),
    "arg_perigee_deg": ("ARG_OF_PERICENTER", "deg"),
    "mean_anomaly_deg": ("MEAN_ANOMALY", "deg"),
    "bstar": ("BSTAR", "1/ER"),
    "mean_motion_dot": ("MEAN_MOTION_DOT", "rev/day**2"),
    "mean_motion_ddot": ("MEAN_MOTION_DDOT", "rev/day**3"),
}
_REQUIRED_KEYS = ("NORAD_CAT_ID", "EPOCH", *(key for key, _ in _REQUIRED_NUMBERS.values()))
#: Optional integers and their value when the message leaves them out.
_OPTIONAL_INTEGERS = {"EPHEMERIS_TYPE": 0, "ELEMENT_SET_NO": 0, "REV_AT_EPOCH": 0}
#: Metadata that, when present, must describe SGP4 mean elements.
_METADATA_ALLOWED = {
    "CENTER_NAME": {"EARTH"},
    "REF_FRAME": {"TEME"},
    "TIME_SYSTEM": {"UTC"},
    "MEAN_ELEMENT_THEORY": {"SGP4", "SGP/SGP4"},
}
_KEY_OF_ATTRIBUTE = {
    **{attribute: key for attribute, (key, _) in _REQUIRED_NUMBERS.items()},
    "norad_id": "NORAD_CAT_ID",
    "classification": "CLASSIFICATION_TYPE",
    "ephemeris_type": "EPHEMERIS_TYPE",
    "element_set_no": "ELEMENT_SET_NO",
    "rev": "REV_AT_EPOCH",
}

_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_EPOCH = re.compile(
    r"(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?", re.ASCII
)
_KVN_LINE = re.compile(r"([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*", re.ASCII)
_KVN_UNITS = re.compile(r"(.*?)\s*\[([^\]]*)\]", re.ASCII)


@dataclass(slots=True)
class OmmRecord:
    """One message's keywords as a reader found them, before any checking."""

    record: int
    line: int | None = None  # where the record starts, for formats with lines
    values: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # line of each keyword


class _FieldProblem(Exception):
    def __init__(self, key: str | None, kind: IssueKind, reason: str) -> None:
        super().__init__(reason)
        self.key, self.kind, self.reason = key, kind, reason


def element_set_from_fields(record: OmmRecord, *, source: str) -> ElementSet | ParseIssue:
    """Check one message's keywords and build its element set, or say what is wrong."""
    try:
        return _element_set(record, source)
    except _FieldProblem as problem:
        line = record.lines.get(problem.key, record.line) if problem.key else record.line
        reason = f"{problem.key}: {problem.reason}" if problem.key else problem.reason
        return ParseIssue(
            source=source,
            line=line,
            record=record.record,
            kind=problem.kind,
            reason=reason,
            field=problem.key,
        )


def _element_set(record: OmmRecord, source: str) -> ElementSet:
    values = record.values
    for key, value in values.items():
        if isinstance(value, str) and "\ufffd" in value:
            raise _FieldProblem(key, "encoding", "value is not valid UTF-8 text")
    for key, allowed in _METADATA_ALLOWED.items():
        text = _text(values, key)
        if text is not None and text.upper() not in allowed:
            kind: IssueKind = "unsupported"
            raise _FieldProblem(
                key, kind, f"{text!r} is not {' or '.join(sorted(allowed))}: not SGP4 elements"
            )
    numbers: dict[str, float] = {}
    for attribute, (key, unit) in _REQUIRED_NUMBERS.items():
        numbers[attribute] = _float(values, key)
        given = record.units.get(key)
        if given is not None and unit is not None and _same_unit(given, unit) is False:
            raise _FieldProblem(key, "value", f"unit [{given}] is not [{unit}]")
    norad_id = _integer(values, "NORAD_CAT_ID", None)
    integers = {key: _integer(values, key, default) for key, default in _OPTIONAL_INTEGERS.items()}
    classification = _text(values, "CLASSIFICATION_TYPE") or "U"
    problem = first_out_of_range(**numbers) or first_bad_identity(
        norad_id=norad_id,
        classification=classification,
        ephemeris_type=integers["EPHEMERIS_TYPE"],
        element_set_no=integers["ELEMENT_SET_NO"],
        rev=integers["REV_AT_EPOCH"],
    )
    if problem is not None:
        attribute, reason = problem
        raise _FieldProblem(_KEY_OF_ATTRIBUTE[attribute], "range", reason)
    epoch_text = _text(values, "EPOCH")
    if epoch_text is None:
        raise _FieldProblem("EPOCH", "missing", "keyword is missing or empty")
    try:
        epoch = parse_omm_epoch(epoch_text)
    except ValueError as error:
        raise _FieldProblem("EPOCH", "value", str(error)) from None
    return ElementSet(
        norad_id=norad_id,
        designator=_designator(_text(values, "OBJECT_ID")),
        name=_text(values, "OBJECT_NAME"),
        epoch=epoch,
        classification=classification,
        element_set_no=integers["ELEMENT_SET_NO"],
        rev_at_epoch=integers["REV_AT_EPOCH"],
        ephemeris_type=integers["EPHEMERIS_TYPE"],
        source=source,
        record=record.record,
        **numbers,
    )


def _present(values: Mapping[str, Any], key: str) -> Any:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _text(values: Mapping[str, Any], key: str) -> str | None:
    value = _present(values, key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _FieldProblem(key, "value", f"{value!r} is not text")
    return value.strip()


def _float(values: Mapping[str, Any], key: str) -> float:
    value = _present(values, key)
    if value is None:
        raise _FieldProblem(key, "missing", "keyword is missing or empty")
    if isinstance(value, bool):
        raise _FieldProblem(key, "value", f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value)
    raise _FieldProblem(key, "value", f"{value!r} is not a decimal number")


def _integer(values: Mapping[str, Any], key: str, default: int | None) -> int:
    value = _present(values, key)
    if value is None:
        if default is None:
            raise _FieldProblem(key, "missing", "keyword is missing or empty")
        return default
    if isinstance(value, bool):
        raise _FieldProblem(key, "value", f"{value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise _FieldProblem(key, "value", f"{value!r} is not an integer")


def _designator(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parsed = parse_designator(text)
    except DesignatorError as error:
        raise _FieldProblem("OBJECT_ID", "value", str(error)) from None
    if parsed.is_legacy:
        raise _FieldProblem("OBJECT_ID", "value", f"{text!r} is a legacy (pre-1963) designator")
    return str(parsed)


def _same_unit(given: str, expected: str) -> bool:
    return given.replace(" ", "").lower() == expected.lower()


def parse_omm_epoch(text: str) -> datetime:
    """An OMM EPOCH (UTC) as an aware datetime, rounded to the microsecond.

    Calendar (``2026-07-10T03:44:00.383136``) and day-of-year
    (``2026-191T03:44:00``) forms are read, with or without fractional seconds.

    >>> parse_omm_epoch("2026-07-10T03:44:00.383136").isoformat()
    '2026-07-10T03:44:00.383136+00:00'
    >>> parse_omm_epoch("2026-191T03:44:00Z").isoformat()
    '2026-07-10T03:44:00+00:00'
    >>> parse_omm_epoch("2026-02-30T00:00:00")
    Traceback (most recent call last):
    ...
    ValueError: epoch '2026-02-30T00:00:00' is not a valid date and time (day is out of range for month)
    """
    match = _EPOCH.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"epoch {text!r} is not YYYY-MM-DDThh:mm:ss[.ffffff]")
    year, month, day, day_of_year, hour, minute, second, fraction = match.groups()
    digits = fraction or "0"
    # Beyond microseconds, round half to even on the exact decimal digits.
    scaled = int(digits) * 10 ** max(0, 6 - len(digits))
    excess = len(digits) - 6
    if excess > 0:
        scaled, remainder = divmod(int(digits), 10**excess)
        half = 5 * 10 ** (excess - 1)
        if remainder > half or (remainder == half and scaled % 2 == 1):
            scaled += 1
    try:
        if day_of_year is not None:
            start = datetime(int(year), 1, 1, int(hour), int(minute), int(second), tzinfo=UTC)
            number = int(day_of_year)
            last = (datetime(int(year) + 1, 1, 1) - datetime(int(year), 1, 1)).days
            if not 1 <= number <= last:
                raise ValueError(f"day of year {number} is outside 1-{last}")
            base = start + timedelta(days=number - 1)
        else:
            base = datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC
            )
    except ValueError as error:
        raise ValueError(f"epoch {text!r} is not a valid date and time ({error})") from None
    return base + timedelta(microseconds=scaled)


# ------------------------------------------------------------------------- readers


def iter_omm_csv(lines: Iterable[str], *, source: str) -> Iterator[ElementSet | ParseIssue]:
    """Records of an OMM CSV (CelesTrak ``FORMAT=csv`` or Space-Track): one per row."""
    reader = csv.reader(lines)
    header: list[str] | None = None
    record = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().upper() for cell in row]
            duplicates = sorted({key for key in header if header.count(key) > 1})
            missing = [key for key in _REQUIRED_KEYS if key not in header]
            if duplicates or missing:
                reason = (
                    f"header repeats column {', '.join(duplicates)}"
                    if duplicates
                    else f"header lacks column {', '.join(missing)}"
                )
                kind: IssueKind = "structure" if duplicates else "missing"
                yield ParseIssue(source=source, line=reader.line_num, kind=kind, reason=reason)
                return
            continue
        record += 1
        if len(row) != len(header):
            yield ParseIssue(
                source=source,
                line=reader.line_num,
                record=record,
                kind="layout",
                reason=f"row has {len(row)} fields, the header has {len(header)}",
            )
            continue
        parsed = OmmRecord(record, reader.line_num, dict(zip(header, row, strict=True)))
        yield element_set_from_fields(parsed, source=source)


def iter_omm_json(text: str, *, source: str) -> Iterator[ElementSet | ParseIssue]:
    """Records of an OMM JSON document: a list of objects (CelesTrak ``FORMAT=json``)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        yield ParseIssue(
            source=source, line=error.lineno, kind="layout", reason=f"not valid JSON: {error.msg}"
        )
        return
    items = [document] if isinstance(document, dict) else document
    if not isinstance(items, list):
        yield ParseIssue(
            source=source, kind="structure", reason="JSON document is not a list of OMM objects"
        )
        return
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield ParseIssue(
                source=source,
                record=number,
                kind="structure",
                reason=f"record is a JSON {type(item).__name__}, not an object",
            )
            continue
        values = {str(key).strip().upper(): value for key, value in item.items()}
        yield element_set_from_fields(OmmRecord(number, None, values), source=source)


def iter_omm_kvn(lines: Iterable[str], *, source: str) -> Iterator[ElementSet | ParseIssue]:
    """Records of a KVN text: ``KEY = value [unit]`` lines; each ``CCSDS_OMM_VERS`` starts one."""
    current: OmmRecord | None = None
    problem: ParseIssue | None = None
    count = 0
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("COMMENT"):
            continue
        match = _KVN_LINE.fullmatch(text)
        key = match.group(1) if match else None
        if current is None or key == "CCSDS_OMM_VERS":
            if current is not None:
                yield problem or element_set_from_fields(current, source=source)
            count += 1
            current, problem = OmmRecord(count, number), None
        if match is None or key is None:
            problem = problem or ParseIssue(
                source=source,
                line=number,
                record=count,
                kind="layout",
                reason=f"{text[:40]!r} is not a 'KEYWORD = value' line",
            )
            continue
        if key in current.values:
            problem = problem or ParseIssue(
                source=source,
                line=number,
                record=count,
                kind="structure",
                field=key,
                reason=f"{key} appears twice in one message",
            )
            continue
        value = match.group(2)
        units = _KVN_UNITS.fullmatch(value)
        if units is not None:
            value = units.group(1)
            current.units[key] = units.group(2).strip()
        current.values[key] = value
        current.lines[key] = number
    if current is not None:
        yield problem or element_set_from_fields(current, source=source)


#: XML blocks whose leaf elements are keywords; other blocks (covariance, user data) are skipped.
_XML_KEYWORD_BLOCKS = frozenset({"metadata", "meanElements", "tleParameters"})


def iter_omm_xml(text: str, *, source: str) -> Iterator[ElementSet | ParseIssue]:
    """Records of CCSDS NDM/XML: every ``<segment>`` of every ``<omm>``, namespaces ignored."""
    reader = _XmlOmmReader(source)
    try:
        reader.read(text)
    except _XmlRefused as refusal:
        yield from (element_set_from_fields(r, source=source) for r in reader.records)
        yield ParseIssue(
            source=source, line=refusal.line, kind="unsupported", reason=refusal.reason
        )
        return
    except expat.ExpatError as error:
        yield from (element_set_from_fields(r, source=source) for r in reader.records)
        reason = f"not well-formed XML: {expat.errors.messages[error.code]}"
        yield ParseIssue(source=source, line=error.lineno, kind="layout", reason=reason)
        return
    for record in reader.records:
        yield element_set_from_fields(record, source=source)


class _XmlRefused(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


class _XmlOmmReader:
    """Collects segments with expat, which (unlike ElementTree) reports line numbers."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.records: list[OmmRecord] = []
        self._path: list[str] = []
        self._text: list[str] = []
        self._units: str | None = None
        self._current: OmmRecord | None = None

    def read(self, text: str) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        self._parser = parser
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text.append
        # An OMM needs no DTD; refusing one rules out entity-expansion attacks.
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_doctype
        parser.Parse(text, True)

    def _refuse_doctype(self, *_: object) -> None:
        raise _XmlRefused(self._parser.CurrentLineNumber, "XML with a DTD or entities is refused")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        self._path.append(local)
        self._text.clear()
        self._units = attributes.get("units")
        if local == "segment":
            self._current = OmmRecord(len(self.records) + 1, self._parser.CurrentLineNumber)

    def _end(self, name: str) -> None:
        local = self._path.pop()
        current = self._current
        if local == "segment" and current is not None:
            self.records.append(current)
            self._current = None
        elif current is not None and self._path and self._path[-1] in _XML_KEYWORD_BLOCKS:
            current.values[local] = "".join(self._text)
            current.lines[local] = self._parser.CurrentLineNumber
            if self._units is not None:
                current.units[local] = self._units
        self._text.clear()
