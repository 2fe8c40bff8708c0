"""CCSDS Conjunction Data Messages (CDM, CCSDS 508.0-B): reader (KVN and XML) and KVN writer.

Our own small implementation: the one on PyPI (``ccsds-ndm``) is GPL-3.0.

A :class:`Cdm` holds the header, the relative metadata (TCA, miss distance,
relative state in RTN) and two :class:`CdmObject` (metadata, state vector in
km and km/s, and the RTN covariance lower triangle in the file's units: m**2,
m**2/s, m**2/s**2, and for 7x7 to 9x9 the drag, SRP and thrust terms).
Keywords the model has no field for are kept, with their units, in ``extra``
so that writing a message read from a file loses nothing.

Reading is strict about what a Pc needs (a missing or non-numeric state or
covariance entry raises :class:`CdmError` naming the field and line) and
tolerant about what producers get wrong without changing the meaning: units
that differ from the standard's (NASA's samples label relative velocities
``[m]``) are read as the standard's units and listed in ``Cdm.warnings``.

Writing: one KVN message per file (CCSDS defines no multi-message KVN file);
:func:`write_cdm_directory` writes a set of events as one file per event,
named after its MESSAGE_ID.

>>> text = write_cdm(EXAMPLE)
>>> back = read_cdm(text)
>>> back == EXAMPLE
True
>>> back.objects[1].object_name, back.relative.miss_distance_m
('FENGYUN 1C DEB', 715.0)
"""

from __future__ import annotations

import math
import re
import xml.parsers.expat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

__all__ = [
    "COVARIANCE_AXES",
    "EXAMPLE",
    "Cdm",
    "CdmError",
    "CdmHeader",
    "CdmObject",
    "CdmRelativeMetadata",
    "covariance_keyword",
    "format_cdm_time",
    "parse_cdm_time",
    "read_cdm",
    "write_cdm",
    "write_cdm_directory",
    "write_cdm_file",
]

#: Row/column names of the CDM covariance, in the standard's order (6x6 RTN, then
#: drag, solar radiation pressure and thrust for the optional 7x7 .. 9x9 forms).
COVARIANCE_AXES = ("R", "T", "N", "RDOT", "TDOT", "NDOT", "DRG", "SRP", "THR")
_AXIS_UNIT = ("m", "m", "m", "m/s", "m/s", "m/s", "m**2/kg", "m**2/kg", "m/s**2")
#: Lower-triangle sizes of the 6x6, 7x7, 8x8 and 9x9 covariance forms.
_TRIANGLE_SIZES = {21: 6, 28: 7, 36: 8, 45: 9}

_HEADER_KEYS = ("CCSDS_CDM_VERS", "CREATION_DATE", "ORIGINATOR", "MESSAGE_FOR", "MESSAGE_ID")
_HEADER_EXTRA_KEYS = frozenset({"CLASSIFICATION"})
_OBJECT_METADATA_KEYS = (
    "OBJECT",
    "OBJECT_DESIGNATOR",
    "CATALOG_NAME",
    "OBJECT_NAME",
    "INTERNATIONAL_DESIGNATOR",
    "OBJECT_TYPE",
    "EPHEMERIS_NAME",
    "COVARIANCE_METHOD",
    "MANEUVERABLE",
    "REF_FRAME",
)
_REQUIRED_OBJECT_KEYS = tuple(k for k in _OBJECT_METADATA_KEYS if k != "OBJECT_TYPE")
_STATE_KEYS = ("X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
_RELATIVE_POSITION_KEYS = ("RELATIVE_POSITION_R", "RELATIVE_POSITION_T", "RELATIVE_POSITION_N")
_RELATIVE_VELOCITY_KEYS = ("RELATIVE_VELOCITY_R", "RELATIVE_VELOCITY_T", "RELATIVE_VELOCITY_N")
#: Keywords that open an object's data part (OD parameters, additional parameters, state);
#: unknown keywords after one of them are written back in the data part.
_DATA_SECTION_KEYS = frozenset(
    {
        "TIME_LASTOB_START",
        "TIME_LASTOB_END",
        "RECOMMENDED_OD_SPAN",
        "ACTUAL_OD_SPAN",
        "OBS_AVAILABLE",
        "OBS_USED",
        "TRACKS_AVAILABLE",
        "TRACKS_USED",
        "RESIDUALS_ACCEPTED",
        "WEIGHTED_RMS",
        "OD_EPOCH",
        "AREA_PC",
        "AREA_DRG",
        "AREA_SRP",
        "MASS",
        "CD_AREA_OVER_MASS",
        "CR_AREA_OVER_MASS",
        "THRUST_ACCELERATION",
        "SEDR",
        "HBR",
        *_STATE_KEYS,
    }
)


def covariance_keyword(row: int, column: int) -> str:
    """CDM keyword of covariance element (row, column), row >= column.

    >>> covariance_keyword(3, 0), covariance_keyword(6, 6)
    ('CRDOT_R', 'CDRG_DRG')
    """
    return f"C{COVARIANCE_AXES[row]}_{COVARIANCE_AXES[column]}"


def _covariance_unit(row: int, column: int) -> str:
    a, b = _AXIS_UNIT[row], _AXIS_UNIT[column]
    # The standard spells these products out; build them the same way.
    table = {
        ("m", "m"): "m**2",
        ("m/s", "m"): "m**2/s",
        ("m/s", "m/s"): "m**2/s**2",
        ("m**2/kg", "m"): "m**3/kg",
        ("m**2/kg", "m/s"): "m**3/(kg*s)",
        ("m**2/kg", "m**2/kg"): "m**4/kg**2",
        ("m/s**2", "m"): "m**2/s**2",
        ("m/s**2", "m/s"): "m**2/s**3",
        ("m/s**2", "m**2/kg"): "m**3/(kg*s**2)",
        ("m/s**2", "m/s**2"): "m**2/s**4",
    }
    return table[(a, b)]


_COVARIANCE_KEYS: dict[str, tuple[int, int]] = {
    covariance_keyword(i, j): (i, j) for i in range(9) for j in range(i + 1)
}

#: Units the standard gives each numeric keyword the model reads.
_EXPECTED_UNITS: dict[str, str] = {
    "MISS_DISTANCE": "m",
    "RELATIVE_SPEED": "m/s",
    **{k: "m" for k in _RELATIVE_POSITION_KEYS},
    **{k: "m/s" for k in _RELATIVE_VELOCITY_KEYS},
    "X": "km",
    "Y": "km",
    "Z": "km",
    "X_DOT": "km/s",
    "Y_DOT": "km/s",
    "Z_DOT": "km/s",
    "HBR": "m",
    **{k: _covariance_unit(*ij) for k, ij in _COVARIANCE_KEYS.items()},
}


class CdmError(ValueError):
    """A CDM that cannot be read: names the source, the line (when known) and the field."""

    def __init__(self, source: str, line: int | None, field_name: str | None, reason: str):
        self.source = source
        self.line = line
        self.field = field_name
        self.reason = reason
        where = source if line is None else f"{source}, line {line}"
        what = f"{field_name}: {reason}" if field_name else reason
        super().__init__(f"{where}: {what}")


@dataclass(frozen=True, slots=True)
class CdmHeader:
    """The message header."""

    version: str
    creation_date: datetime  # UTC, timezone-aware
    originator: str
    message_id: str
    message_for: str | None = None
    comments: tuple[str, ...] = ()
    extra: tuple[tuple[str, str, str | None], ...] = ()  # (keyword, value, units)


@dataclass(frozen=True, slots=True)
class CdmRelativeMetadata:
    """Relative metadata and data: TCA, miss distance, relative state in the primary's RTN."""

    tca: datetime  # UTC, timezone-aware
    miss_distance_m: float
    relative_speed_m_s: float | None = None
    relative_position_rtn_m: tuple[float, float, float] | None = None
    relative_velocity_rtn_m_s: tuple[float, float, float] | None = None
    collision_probability: float | None = None
    collision_probability_method: str | None = None
    comments: tuple[str, ...] = ()
    extra: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class CdmObject:
    """One object's metadata, state vector and RTN covariance.

    ``covariance`` is the lower triangle in the CDM's keyword order (CR_R, CT_R,
    CT_T, CN_R, ...), 21 values for 6x6 and up to 45 for 9x9, in m**2, m**2/s,
    m**2/s**2 (and the standard's units for the drag/SRP/thrust rows); ``None``
    when the message carries none (CDM 2.0 allows an alternate form instead).
    """

    object: str  # "OBJECT1" or "OBJECT2"
    object_designator: str
    catalog_name: str
    object_name: str
    international_designator: str
    ephemeris_name: str
    covariance_method: str
    maneuverable: str
    ref_frame: str
    position_km: tuple[float, float, float]
    velocity_km_s: tuple[float, float, float]
    covariance: tuple[float, ...] | None
    object_type: str | None = None
    comments: tuple[str, ...] = ()
    metadata_extra: tuple[tuple[str, str, str | None], ...] = ()
    data_extra: tuple[tuple[str, str, str | None], ...] = ()

    def covariance_matrix(self) -> np.ndarray:
        """The full symmetric covariance (6x6 .. 9x9) in the CDM's units (m, m/s)."""
        if self.covariance is None:
            raise ValueError(f"{self.object}: the message carries no RTN covariance (CR_R ...)")
        size = _TRIANGLE_SIZES[len(self.covariance)]
        matrix = np.zeros((size, size))
        rows, cols = np.tril_indices(size)
        matrix[rows, cols] = self.covariance
        matrix[cols, rows] = self.covariance
        return matrix

    @property
    def position_m(self) -> np.ndarray:
        return np.asarray(self.position_km, dtype=float) * 1e3

    @property
    def velocity_m_s(self) -> np.ndarray:
        return np.asarray(self.velocity_km_s, dtype=float) * 1e3

    def extra_value(self, keyword: str) -> str | None:
        """Value of a keyword kept in the metadata or data extras, if present."""
        for key, value, _units in (*self.metadata_extra, *self.data_extra):
            if key == keyword:
                return value
        return None


_HBR_COMMENT = re.compile(r"^HBR\s*=\s*([-+0-9.eE]+)\s*(?:\[\s*m\s*\])?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cdm:
    """One conjunction data message."""

    header: CdmHeader
    relative: CdmRelativeMetadata
    objects: tuple[CdmObject, CdmObject]
    source: str | None = field(default=None, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def combined_hbr_m(self) -> tuple[float, str] | None:
        """The combined hard-body radius the message states, and where it says so.

        CARA writes the combined HBR as ``COMMENT HBR = 10 [m]``; CDM 2.0 has an
        ``HBR`` keyword per object, combined here as their sum.
        """
        for comment in (
            *self.header.comments,
            *self.relative.comments,
            *self.objects[0].comments,
            *self.objects[1].comments,
        ):
            match = _HBR_COMMENT.match(comment.strip())
            if match:
                return float(match.group(1)), "COMMENT HBR"
        values = [obj.extra_value("HBR") for obj in self.objects]
        if all(v is not None for v in values):
            return sum(float(v) for v in values if v is not None), "HBR keywords summed"
        return None


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(slots=True)
class _Entry:
    key: str
    value: str
    units: str | None
    line: int | None


@dataclass(slots=True)
class _Section:
    entries: list[_Entry] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    first_line: int | None = None


_KVN_LINE = re.compile(r"^([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$")
_UNITS_SUFFIX = re.compile(r"^(.*?)\s*\[([^\[\]]*)\]\s*$")


def read_cdm(source: str | Path) -> Cdm:
    """Read one CDM, KVN or XML, from a path or from the message text itself.

    Raises :class:`CdmError` naming the field (and line) when the message cannot
    be read.
    """
    is_text = isinstance(source, str) and (
        "\n" in source or "=" in source or source.lstrip().startswith("<")
    )
    if not is_text:
        path = Path(source)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CdmError(str(path), None, None, f"cannot read file ({error.strerror})") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CdmError(str(path), None, None, f"not UTF-8 text ({error.reason})") from None
        name = str(path)
    else:
        text, name = str(source), "<text>"
    if text.lstrip().startswith("<"):
        return _build(_xml_sections(text, name), name)
    return _build(_kvn_sections(text, name), name)


def _kvn_sections(text: str, source: str) -> list[tuple[str, _Section]]:
    """Split KVN lines into header, relative and object sections by keyword.

    A COMMENT belongs to the section of the next keyword line, so that the
    comments CCSDS places before ``OBJECT = OBJECT1`` go with that object.
    """
    sections: list[tuple[str, _Section]] = [("header", _Section()), ("relative", _Section())]
    state = "header"
    pending: list[str] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line.upper().startswith("COMMENT"):
            # Some producers write "COMMENT = text": drop the separator, keep the text.
            pending.append(line[7:].strip().removeprefix("=").strip())
            continue
        match = _KVN_LINE.match(line)
        if not match:
            raise CdmError(source, number, None, f"not a 'KEYWORD = value' line: {line[:60]!r}")
        key, value = match.group(1).upper(), match.group(2)
        units = None
        with_units = _UNITS_SUFFIX.match(value)
        if with_units:
            value, units = with_units.group(1), with_units.group(2).strip()
        if key == "OBJECT":
            state = "object"
            sections.append(("object", _Section(first_line=number)))
        elif key in _HEADER_KEYS or key in _HEADER_EXTRA_KEYS:
            if state != "header":
                raise CdmError(source, number, key, "header keyword after the header")
        elif state == "header":
            state = "relative"
            sections[1][1].first_line = number
        target = sections[0][1] if state == "header" else sections[-1][1]
        target.comments.extend(pending)
        pending.clear()
        target.entries.append(_Entry(key, value.strip(), units, number))
    sections[-1][1].comments.extend(pending)
    return sections


def _xml_sections(text: str, source: str) -> list[tuple[str, _Section]]:
    """Walk the XML form: leaf elements become entries of the section they sit in."""
    sections: list[tuple[str, _Section]] = [("header", _Section()), ("relative", _Section())]
    parser = xml.parsers.expat.ParserCreate()
    stack: list[str] = []
    texts: list[str] = []
    attributes: list[dict[str, str]] = []
    version: list[str] = []

    def current() -> _Section:
        if "segment" in stack:
            return sections[-1][1]
        if "relativeMetadataData" in stack:
            return sections[1][1]
        return sections[0][1]

    def start(name: str, attrs: dict[str, str]) -> None:
        if not stack and name != "cdm":
            raise CdmError(source, parser.CurrentLineNumber, None, f"root element is <{name}>")
        if not stack and "version" in attrs:
            version.append(attrs["version"])
        if name == "segment":
            sections.append(("object", _Section(first_line=parser.CurrentLineNumber)))
        stack.append(name)
        texts.append("")
        attributes.append(attrs)

    def end(name: str) -> None:
        content = texts.pop().strip()
        attrs = attributes.pop()
        stack.pop()
        if name.upper() != name:  # structural elements are camelCase; keywords are upper case
            return
        target = current()
        if name == "COMMENT":
            target.comments.append(content)
        else:
            target.entries.append(
                _Entry(name, content, attrs.get("units"), parser.CurrentLineNumber)
            )

    def chars(data: str) -> None:
        if texts:
            texts[-1] += data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as error:
        raise CdmError(source, error.lineno, None, f"malformed XML ({error})") from None
    if version:
        sections[0][1].entries.insert(0, _Entry("CCSDS_CDM_VERS", version[0], None, 1))
    return sections


class _Reader:
    """Typed access to one section's entries, with errors that name field and line."""

    def __init__(self, section: _Section, source: str, label: str, warnings: list[str]):
        self.source = source
        self.label = label
        self.warnings = warnings
        self.line = section.first_line
        self.entries: dict[str, _Entry] = {}
        self.order: list[str] = []
        for entry in section.entries:
            if entry.key in self.entries:
                raise CdmError(source, entry.line, entry.key, f"appears twice in {label}")
            self.entries[entry.key] = entry
            self.order.append(entry.key)

    def has(self, key: str) -> bool:
        return key in self.entries

    def text(self, key: str) -> str:
        entry = self.entries.get(key)
        if entry is None:
            raise CdmError(self.source, self.line, key, f"missing in {self.label}")
        if not entry.value:
            raise CdmError(self.source, entry.line, key, "empty value")
        return entry.value

    def optional_text(self, key: str) -> str | None:
        entry = self.entries.get(key)
        return entry.value if entry is not None and entry.value else None

    def number(self, key: str) -> float:
        entry = self.entries.get(key)
        if entry is None:
            raise CdmError(self.source, self.line, key, f"missing in {self.label}")
        try:
            value = float(entry.value.replace("\u2212", "-"))
        except ValueError:
            raise CdmError(self.source, entry.line, key, f"not a number: {entry.value!r}") from None
        if not math.isfinite(value):
            raise CdmError(self.source, entry.line, key, f"not a finite number: {entry.value!r}")
        expected = _EXPECTED_UNITS.get(key)
        if entry.units is not None and expected is not None and entry.units != expected:
            self.warnings.append(
                f"{self.source}, line {entry.line}: {key}: units [{entry.units}] where the "
                f"standard says [{expected}]; read as {expected}"
            )
        return value

    def optional_number(self, key: str) -> float | None:
        return self.number(key) if key in self.entries else None

    def time(self, key: str) -> datetime:
        entry = self.entries.get(key)
        if entry is None:
            raise CdmError(self.source, self.line, key, f"missing in {self.label}")
        try:
            return parse_cdm_time(entry.value)
        except ValueError as error:
            raise CdmError(self.source, entry.line, key, str(error)) from None

    def extras(self, known: Iterable[str]) -> list[_Entry]:
        skip = set(known)
        return [self.entries[k] for k in self.order if k not in skip]


_TIME = re.compile(r"^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z)?$")


def parse_cdm_time(text: str) -> datetime:
    """A CCSDS time (``YYYY-MM-DDThh:mm:ss[.d]`` or day-of-year ``YYYY-DDDT...``), UTC.

    Fractions beyond microseconds are rounded to the nearest microsecond.

    >>> parse_cdm_time("2014-024T15:59:51.345").isoformat()
    '2014-01-24T15:59:51.345000+00:00'
    """
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"not a CCSDS time (YYYY-MM-DDThh:mm:ss.sss): {text!r}")
    year, month, day, doy, hour, minute, second, fraction, _z = match.groups()
    try:
        if doy is not None:
            base = datetime(int(year), 1, 1, tzinfo=UTC) + timedelta(days=int(doy) - 1)
            if base.year != int(year) or int(doy) < 1:
                raise ValueError(f"day of year {doy} out of range")
        else:
            base = datetime(int(year), int(month), int(day), tzinfo=UTC)
        stamp = base.replace(hour=int(hour), minute=int(minute), second=int(second))
    except ValueError as error:
        raise ValueError(f"not a valid time {text!r} ({error})") from None
    if fraction:
        stamp += timedelta(microseconds=round(int(fraction) / 10 ** (len(fraction) - 6)))
    return stamp


def _triple(reader: _Reader, keys: Sequence[str]) -> tuple[float, float, float] | None:
    present = [reader.has(k) for k in keys]
    if not any(present):
        return None
    a, b, c = (reader.number(k) for k in keys)
    return a, b, c


def _extra_tuple(entries: Iterable[_Entry]) -> tuple[tuple[str, str, str | None], ...]:
    return tuple((e.key, e.value, e.units) for e in entries)


def _read_covariance(reader: _Reader) -> tuple[float, ...] | None:
    if not reader.has("CR_R") and reader.has("ALT_COV_TYPE"):
        return None
    size = 6
    # Test the first element of each optional row: CDM 2.0 alternate (XYZ)
    # covariances reuse CDRG_DRG, CSRP_SRP and CTHR_THR.
    for candidate, axis in ((9, "THR"), (8, "SRP"), (7, "DRG")):
        if reader.has(f"C{axis}_R"):
            size = candidate
            break
    values: list[float] = []
    for i in range(size):
        for j in range(i + 1):
            values.append(reader.number(covariance_keyword(i, j)))
    return tuple(values)


def _build_object(section: _Section, source: str, warnings: list[str]) -> CdmObject:
    label = "object section"
    reader = _Reader(section, source, label, warnings)
    name = reader.text("OBJECT").upper()
    reader.label = f"{name} section"
    for key in _REQUIRED_OBJECT_KEYS:
        reader.text(key)
    position = _triple(reader, _STATE_KEYS[:3])
    velocity = _triple(reader, _STATE_KEYS[3:])
    if position is None:
        raise CdmError(source, reader.line, "X", f"missing in {reader.label}")
    if velocity is None:
        raise CdmError(source, reader.line, "X_DOT", f"missing in {reader.label}")
    covariance = _read_covariance(reader)
    known = {*_OBJECT_METADATA_KEYS, *_STATE_KEYS}
    if covariance is not None:
        size = _TRIANGLE_SIZES[len(covariance)]
        known |= {covariance_keyword(i, j) for i in range(size) for j in range(i + 1)}
    metadata_extra: list[_Entry] = []
    data_extra: list[_Entry] = []
    in_data = False
    for entry in reader.extras(known):
        in_data = in_data or entry.key in _DATA_SECTION_KEYS
        (data_extra if in_data else metadata_extra).append(entry)
    designator = reader.text("INTERNATIONAL_DESIGNATOR").replace("\u2212", "-")
    return CdmObject(
        object=name,
        object_designator=reader.text("OBJECT_DESIGNATOR"),
        catalog_name=reader.text("CATALOG_NAME"),
        object_name=reader.text("OBJECT_NAME"),
        international_designator=designator,
        ephemeris_name=reader.text("EPHEMERIS_NAME"),
        covariance_method=reader.text("COVARIANCE_METHOD"),
        maneuverable=reader.text("MANEUVERABLE"),
        ref_frame=reader.text("REF_FRAME").upper(),
        position_km=position,
        velocity_km_s=velocity,
        covariance=covariance,
        object_type=reader.optional_text("OBJECT_TYPE"),
        comments=tuple(section.comments),
        metadata_extra=_extra_tuple(metadata_extra),
        data_extra=_extra_tuple(data_extra),
    )


def _build(sections: list[tuple[str, _Section]], source: str) -> Cdm:
    warnings: list[str] = []
    header_section = sections[0][1]
    relative_section = sections[1][1]
    object_sections = [s for kind, s in sections if kind == "object"]
    header = _Reader(header_section, source, "the header", warnings)
    if not header.entries:
        raise CdmError(source, None, "CCSDS_CDM_VERS", "missing: this is not a CDM")
    header_model = CdmHeader(
        version=header.text("CCSDS_CDM_VERS"),
        creation_date=header.time("CREATION_DATE"),
        originator=header.text("ORIGINATOR"),
        message_id=header.text("MESSAGE_ID"),
        message_for=header.optional_text("MESSAGE_FOR"),
        comments=tuple(header_section.comments),
        extra=_extra_tuple(header.extras(_HEADER_KEYS)),
    )
    relative = _Reader(relative_section, source, "the relative metadata", warnings)
    relative_model = CdmRelativeMetadata(
        tca=relative.time("TCA"),
        miss_distance_m=relative.number("MISS_DISTANCE"),
        relative_speed_m_s=relative.optional_number("RELATIVE_SPEED"),
        relative_position_rtn_m=_triple(relative, _RELATIVE_POSITION_KEYS),
        relative_velocity_rtn_m_s=_triple(relative, _RELATIVE_VELOCITY_KEYS),
        collision_probability=relative.optional_number("COLLISION_PROBABILITY"),
        collision_probability_method=relative.optional_text("COLLISION_PROBABILITY_METHOD"),
        comments=tuple(relative_section.comments),
        extra=_extra_tuple(
            relative.extras(
                {
                    "TCA",
                    "MISS_DISTANCE",
                    "RELATIVE_SPEED",
                    *_RELATIVE_POSITION_KEYS,
                    *_RELATIVE_VELOCITY_KEYS,
                    "COLLISION_PROBABILITY",
                    "COLLISION_PROBABILITY_METHOD",
                }
            )
        ),
    )
    if len(object_sections) != 2:
        raise CdmError(
            source, None, "OBJECT", f"a CDM has two objects; found {len(object_sections)}"
        )
    first, second = (_build_object(s, source, warnings) for s in object_sections)
    if (first.object, second.object) != ("OBJECT1", "OBJECT2"):
        raise CdmError(
            source,
            object_sections[1].first_line,
            "OBJECT",
            f"objects must be OBJECT1 then OBJECT2; found {first.object}, {second.object}",
        )
    return Cdm(header_model, relative_model, (first, second), source, tuple(warnings))


# ---------------------------------------------------------------------------------------------
# Writing

_KEY_WIDTH = 36


def format_cdm_time(stamp: datetime) -> str:
    """A UTC time in the CDM's calendar form, to the microsecond.

    >>> format_cdm_time(datetime(2010, 3, 13, 22, 37, 52, 618000, tzinfo=UTC))
    '2010-03-13T22:37:52.618000'
    """
    if stamp.tzinfo is None:
        raise ValueError("CDM times must be timezone-aware (UTC)")
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _number(value: float) -> str:
    # repr gives the shortest text that reads back as the same float.
    return repr(float(value))


def _line(key: str, value: str, units: str | None = None) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"{key}: a KVN value cannot contain a line break")
    text = f"{key:<{_KEY_WIDTH}}= {value}"
    return f"{text} [{units}]" if units else text


def _comment_lines(comments: Iterable[str]) -> list[str]:
    out = []
    for comment in comments:
        if "\n" in comment or "\r" in comment:
            raise ValueError("a KVN COMMENT cannot contain a line break")
        out.append(f"COMMENT {comment}".rstrip())
    return out


def _extra_lines(extra: Iterable[tuple[str, str, str | None]]) -> list[str]:
    return [_line(key, value, units) for key, value, units in extra]


def write_cdm(cdm: Cdm) -> str:
    """The message as CDM KVN text (CCSDS 508.0-B-1 keyword order)."""
    h, rel = cdm.header, cdm.relative
    lines = [_line("CCSDS_CDM_VERS", h.version), *_comment_lines(h.comments)]
    lines.append(_line("CREATION_DATE", format_cdm_time(h.creation_date)))
    lines.append(_line("ORIGINATOR", h.originator))
    if h.message_for is not None:
        lines.append(_line("MESSAGE_FOR", h.message_for))
    lines.append(_line("MESSAGE_ID", h.message_id))
    lines += _extra_lines(h.extra)
    lines += _comment_lines(rel.comments)
    lines.append(_line("TCA", format_cdm_time(rel.tca)))
    lines.append(_line("MISS_DISTANCE", _number(rel.miss_distance_m), "m"))
    if rel.relative_speed_m_s is not None:
        lines.append(_line("RELATIVE_SPEED", _number(rel.relative_speed_m_s), "m/s"))
    if rel.relative_position_rtn_m is not None:
        for key, value in zip(_RELATIVE_POSITION_KEYS, rel.relative_position_rtn_m, strict=True):
            lines.append(_line(key, _number(value), "m"))
    if rel.relative_velocity_rtn_m_s is not None:
        for key, value in zip(_RELATIVE_VELOCITY_KEYS, rel.relative_velocity_rtn_m_s, strict=True):
            lines.append(_line(key, _number(value), "m/s"))
    lines += _extra_lines(rel.extra)
    if rel.collision_probability is not None:
        lines.append(_line("COLLISION_PROBABILITY", _number(rel.collision_probability)))
    if rel.collision_probability_method is not None:
        lines.append(_line("COLLISION_PROBABILITY_METHOD", rel.collision_probability_method))
    for obj in cdm.objects:
        lines += _object_lines(obj)
    return "\n".join(lines) + "\n"


def _object_lines(obj: CdmObject) -> list[str]:
    lines = _comment_lines(obj.comments)
    lines.append(_line("OBJECT", obj.object))
    lines.append(_line("OBJECT_DESIGNATOR", obj.object_designator))
    lines.append(_line("CATALOG_NAME", obj.catalog_name))
    lines.append(_line("OBJECT_NAME", obj.object_name))
    lines.append(_line("INTERNATIONAL_DESIGNATOR", obj.international_designator))
    if obj.object_type is not None:
        lines.append(_line("OBJECT_TYPE", obj.object_type))
    lines.append(_line("EPHEMERIS_NAME", obj.ephemeris_name))
    lines.append(_line("COVARIANCE_METHOD", obj.covariance_method))
    lines.append(_line("MANEUVERABLE", obj.maneuverable))
    lines.append(_line("REF_FRAME", obj.ref_frame))
    lines += _extra_lines(obj.metadata_extra)
    lines += _extra_lines(obj.data_extra)
    for key, value in zip(_STATE_KEYS, (*obj.position_km, *obj.velocity_km_s), strict=True):
        lines.append(_line(key, _number(value), _EXPECTED_UNITS[key]))
    if obj.covariance is not None:
        size = _TRIANGLE_SIZES.get(len(obj.covariance))
        if size is None:
            raise ValueError(
                f"{obj.object}: covariance has {len(obj.covariance)} values; "
                "a lower triangle of 6x6 to 9x9 has 21, 28, 36 or 45"
            )
        values = iter(obj.covariance)
        for i in range(size):
            for j in range(i + 1):
                key = covariance_keyword(i, j)
                lines.append(_line(key, _number(next(values)), _EXPECTED_UNITS[key]))
    return lines


def write_cdm_file(cdm: Cdm, path: str | Path) -> Path:
    """Write one message as a KVN file."""
    target = Path(path)
    target.write_text(write_cdm(cdm), encoding="utf-8")
    return target


_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def write_cdm_directory(cdms: Iterable[Cdm], directory: str | Path) -> list[Path]:
    """Write each event as its own KVN file ``<MESSAGE_ID>.cdm`` in ``directory``.

    CCSDS KVN has no multi-message container, so a set of events is a directory
    of single-message files (as CARA and Space-Track distribute them). Two
    messages with the same MESSAGE_ID are refused before anything is written.
    """
    messages = list(cdms)
    names = [_UNSAFE_FILE_CHARS.sub("_", m.header.message_id) + ".cdm" for m in messages]
    seen: set[str] = set()
    for message, name in zip(messages, names, strict=True):
        if name in seen:
            raise ValueError(f"two messages would share the file name {name!r}")
        seen.add(name)
        if name in {".cdm", "..cdm"}:
            raise ValueError(f"MESSAGE_ID {message.header.message_id!r} gives no file name")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_cdm_file(m, folder / n) for m, n in zip(messages, names, strict=True)]


def _example() -> Cdm:
    """The CCSDS 508.0 KVN example message (SATELLITE A vs FENGYUN 1C DEB), abridged."""
    stamp = datetime(2010, 3, 13, 22, 37, 52, 618000, tzinfo=UTC)
    cov1: tuple[float, ...] = (
        41.42,
        -8.579,
        2533.0,
        -23.13,
        13.36,
        70.98,
        0.002520,
        -5.476,
        0.0008626,
        0.005744,
    )
    cov1 += (-0.01006, 0.004041, -0.001359, -1.502e-05, 1.049e-05, 0.001053, -0.003412, 0.01213)
    cov1 += (-3.004e-06, -1.091e-06, 5.529e-05)
    cov2: tuple[float, ...] = (
        1337.0,
        -48060.0,
        2492000.0,
        -32.98,
        -758.88,
        71.05,
        0.002591,
        -0.04152,
        -1.784e-06,
    )
    cov2 += (6.886e-05, -0.01016, -0.0001506, 0.001637, -2.987e-06, 1.059e-05, 0.0044, 0.008482)
    cov2 += (8.633e-05, -1.903e-06, -4.594e-06, 5.178e-05)
    return Cdm(
        header=CdmHeader(
            "1.0",
            datetime(2010, 3, 12, 22, 31, 12, tzinfo=UTC),
            "JSPOC",
            "201113719185",
            "SATELLITE A",
        ),
        relative=CdmRelativeMetadata(
            stamp,
            715.0,
            14762.0,
            (27.4, -70.2, 711.8),
            (-7.2, -14692.0, -1437.2),
            4.835e-05,
            "FOSTER-1992",
        ),
        objects=(
            CdmObject(
                "OBJECT1",
                "12345",
                "SATCAT",
                "SATELLITE A",
                "1997-030E",
                "EPHEMERIS SATELLITE A",
                "CALCULATED",
                "YES",
                "EME2000",
                (2570.097065, 2244.654904, 6281.497978),
                (4.418769571, 4.833547743, -3.526774282),
                cov1,
            ),
            CdmObject(
                "OBJECT2",
                "30337",
                "SATCAT",
                "FENGYUN 1C DEB",
                "1999-025AA",
                "NONE",
                "CALCULATED",
                "NO",
                "EME2000",
                (2569.5408, 2245.093614, 6281.599946),
                (-2.8886125, -6.007247516, 3.328770172),
                cov2,
            ),
        ),
    )


#: A small valid message for examples and tests (the CCSDS 508.0 example, abridged).
EXAMPLE = _example()
