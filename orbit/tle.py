"""Two-line element sets: reading (2- and 3-line files) and writing.

Every layout found in real catalogs is read: zero- or blank-padded catalog
numbers, Alpha-5 numbers (``A0000`` = 100000, letters skip I and O, ``T0192``
= 270192), signed fields (``+.00000138``, ``+00000-0``), zero-padded angles
(``034.2430``), blank designators, and name lines with or without the ``0 ``
prefix of Space-Track's 3LE. A line is checked against the column layout,
the modulo-10 checksum (digits count their value, ``-`` counts 1) and the value
ranges, and line 1 and line 2 must carry the same catalog number; anything
else becomes a :class:`~orbit.issues.ParseIssue` with its line number.

>>> line1 = "1 55123U 98067UQ  23115.44827133  .00787702  29408-3  15680-2 0  9999"
>>> line2 = "2 55123  51.6242 216.2930 0014649 331.8976  28.1241 15.99081912 18396"
>>> es = parse_tle(line1, line2, name="MARIO")
>>> es.norad_id, es.designator, es.epoch.isoformat(), es.bstar
(55123, '1998-067UQ', '2023-04-25T10:45:30.642912+00:00', 0.001568)
>>> format_tle(es) == (line1, line2)
True
>>> parse_tle(line1, line2[:-1] + "3")
Traceback (most recent call last):
...
orbit.issues.ParseError: <text>:2: line 2 checksum digit is 3, the line sums to 6
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from orbit.designators import DesignatorError, designator_from_tle, designator_to_tle
from orbit.element_checks import first_bad_identity, first_out_of_range
from orbit.elements import MAX_SATREC_NUMBER, ElementSet
from orbit.issues import IssueKind, ParseError, ParseIssue

LINE_LENGTH = 69
#: Alpha-5 letters in order: A = 10 ... Z = 33, I and O left out.
ALPHA5_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_ALPHA5_VALUE = {letter: index + 10 for index, letter in enumerate(ALPHA5_LETTERS)}
_MICROSECONDS_PER_EPOCH_UNIT = 864  # 1e-8 day, the last epoch digit, is exactly 864 us
_EPOCH_UNITS_PER_DAY = 10**8
#: Checksum value of every byte: digits count their value, "-" counts 1, all else 0.
_CHECKSUM_VALUES = bytes(
    code - 48 if 48 <= code <= 57 else 1 if code == 45 else 0 for code in range(256)
)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    start: int  # 0-based column
    width: int
    pattern: str  # regex matching exactly `width` characters
    expected: str  # what the field should hold, for messages

    @property
    def columns(self) -> str:
        """1-based columns, as TLE documentation numbers them."""
        end = self.start + self.width
        return f"column {end}" if self.width == 1 else f"columns {self.start + 1}-{end}"


def _blank(start: int) -> _Field:
    return _Field("separator", start, 1, " ", "a blank")


_EXPONENTIAL = r"[ +-][0-9]{5}[+-][0-9]"
_EXPONENTIAL_TEXT = "a sign, 5 digits and a signed exponent digit (like -12345-4)"
_ANGLE = r"[ 0-9]{3}\.[0-9]{4}"
_CATALOG = r"[0-9A-HJ-NP-Z ][0-9 ]{4}"
_CATALOG_TEXT = "5 digits or an Alpha-5 letter and 4 digits"

_LINE1_FIELDS = (
    _Field("line number", 0, 1, "1", "1"),
    _blank(1),
    _Field("catalog number", 2, 5, _CATALOG, _CATALOG_TEXT),
    _Field("classification", 7, 1, "[UCS ]", "U, C or S"),
    _blank(8),
    _Field("international designator", 9, 8, "[0-9A-Z ]{8}", "YYNNNP padded with blanks"),
    _blank(17),
    _Field("epoch", 18, 14, r"[0-9]{5}\.[0-9]{8}", "yyddd.dddddddd"),
    _blank(32),
    _Field("mean motion derivative", 33, 10, r"[ +-]\.[0-9]{8}", "a sign and .dddddddd"),
    _blank(43),
    _Field("mean motion second derivative", 44, 8, _EXPONENTIAL, _EXPONENTIAL_TEXT),
    _blank(52),
    _Field("B*", 53, 8, _EXPONENTIAL, _EXPONENTIAL_TEXT),
    _blank(61),
    _Field("ephemeris type", 62, 1, "[0-9 ]", "a digit"),
    _blank(63),
    _Field("element set number", 64, 4, "[0-9 ]{4}", "up to 4 digits"),
    _Field("checksum", 68, 1, "[0-9]", "a digit"),
)
_LINE2_FIELDS = (
    _Field("line number", 0, 1, "2", "2"),
    _blank(1),
    _Field("catalog number", 2, 5, _CATALOG, _CATALOG_TEXT),
    _blank(7),
    _Field("inclination", 8, 8, _ANGLE, "ddd.dddd degrees"),
    _blank(16),
    _Field("right ascension of the ascending node", 17, 8, _ANGLE, "ddd.dddd degrees"),
    _blank(25),
    _Field("eccentricity", 26, 7, "[0-9]{7}", "7 digits (decimal point assumed)"),
    _blank(33),
    _Field("argument of perigee", 34, 8, _ANGLE, "ddd.dddd degrees"),
    _blank(42),
    _Field("mean anomaly", 43, 8, _ANGLE, "ddd.dddd degrees"),
    _blank(51),
    _Field("mean motion", 52, 11, r"[ 0-9]{2}\.[0-9]{8}", "dd.dddddddd rev/day"),
    _Field("revolution number", 63, 5, "[0-9 ]{5}", "up to 5 digits"),
    _Field("checksum", 68, 1, "[0-9]", "a digit"),
)
_LINE1 = re.compile("".join(f.pattern for f in _LINE1_FIELDS), re.ASCII)
_LINE2 = re.compile("".join(f.pattern for f in _LINE2_FIELDS), re.ASCII)

#: Where a range problem found after conversion is reported: (line, columns text).
_VALUE_COLUMNS = {
    "eccentricity": (2, "columns 27-33"),
    "inclination_deg": (2, "columns 9-16"),
    "raan_deg": (2, "columns 18-25"),
    "arg_perigee_deg": (2, "columns 35-42"),
    "mean_anomaly_deg": (2, "columns 44-51"),
    "mean_motion": (2, "columns 53-63"),
    "bstar": (1, "columns 54-61"),
    "mean_motion_dot": (1, "columns 34-43"),
    "mean_motion_ddot": (1, "columns 45-52"),
    "norad_id": (1, "columns 3-7"),
    "classification": (1, "column 8"),
    "ephemeris_type": (1, "column 63"),
    "element_set_no": (1, "columns 65-68"),
    "rev_at_epoch": (2, "columns 64-68"),
}


class _Reject(Exception):
    """A record problem found deep in conversion; becomes a ParseIssue."""

    def __init__(self, which: int, kind: IssueKind, reason: str, field: str | None = None):
        super().__init__(reason)
        self.which, self.kind, self.reason, self.field = which, kind, reason, field


def checksum(line: str) -> int:
    """The modulo-10 checksum of a TLE line's first 68 columns.

    >>> checksum("1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  999")
    1
    """
    # One C-level pass: map each byte to its checksum value, then add them up.
    return sum(line[:68].encode("ascii", "replace").translate(_CHECKSUM_VALUES)) % 10


def decode_catalog_number(field: str) -> int:
    """Catalog number from TLE columns 3-7: digits (zero- or blank-padded) or Alpha-5.

    >>> decode_catalog_number("    5"), decode_catalog_number("A0000"), decode_catalog_number("T0192")
    (5, 100000, 270192)
    """
    first = field[:1]
    if first in _ALPHA5_VALUE:
        rest = field[1:]
        if len(rest) != 4 or not rest.isdigit():
            raise ValueError(f"Alpha-5 catalog number {field!r} needs 4 digits after the letter")
        return _ALPHA5_VALUE[first] * 10_000 + int(rest)
    digits = field.strip()
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"catalog number {field!r} is not a number")
    return int(digits)


def encode_catalog_number(norad_id: int) -> str:
    """The 5-character TLE catalog field: zero-padded digits, or Alpha-5 from 100000.

    >>> encode_catalog_number(5), encode_catalog_number(100000), encode_catalog_number(339999)
    ('00005', 'A0000', 'Z9999')
    >>> encode_catalog_number(340000)
    Traceback (most recent call last):
    ...
    ValueError: catalog number 340000 does not fit a TLE (Alpha-5 ends at 339999); use OMM
    """
    if norad_id < 0:
        raise ValueError(f"catalog number {norad_id} is negative")
    if norad_id < 100_000:
        return f"{norad_id:05d}"
    if norad_id > MAX_SATREC_NUMBER:
        raise ValueError(
            f"catalog number {norad_id} does not fit a TLE (Alpha-5 ends at 339999); use OMM"
        )
    high, low = divmod(norad_id, 10_000)
    return f"{ALPHA5_LETTERS[high - 10]}{low:04d}"


def parse_tle(
    line1: str, line2: str, *, name: str | None = None, source: str = "<text>", line_number: int = 1
) -> ElementSet:
    """Read one element set; raise :class:`~orbit.issues.ParseError` when it is bad.

    ``line_number`` is the line of ``line1`` in ``source``, for messages.
    """
    result = _parse_pair(line1, line2, name, line_number - 1, source, line_number)
    if isinstance(result, ParseIssue):
        raise ParseError(result)
    return result


def iter_tle(lines: Iterable[str], *, source: str = "<text>") -> Iterator[ElementSet | ParseIssue]:
    """Element sets and issues, in file order, from the lines of a 2- or 3-line TLE text.

    Blank lines and lines starting with ``#`` are skipped. A name line applies
    to the element lines right after it; a name line with no element lines
    after it, a line 1 without a line 2 and a line 2 without a line 1 are issues.

    >>> text = '''0 VANGUARD 1
    ... 1     5U 58002B   19078.66404675 -.00000160 +00000-0 -18194-3 0  9998
    ... 2     5 034.2430 192.1354 1845120 101.4954 279.7521 10.84774727155756
    ... 2     5 034.2430 192.1354 1845120 101.4954 279.7521 10.84774727155756'''
    >>> for item in iter_tle(text.splitlines(), source="old.txt"):
    ...     print(item if isinstance(item, ParseIssue) else (item.name, item.record))
    ('VANGUARD 1', 2)
    old.txt:4: line 2 without a line 1 before it
    """
    name: str | None = None
    name_line = 0
    pending: tuple[int, str] | None = None  # a line 1 waiting for its line 2
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if pending is not None:
            first_number, first = pending
            pending = None
            if _is_element_line(text, "2"):
                yield _parse_pair(first, text, name, name_line, source, first_number)
                name = None
                continue
            yield _issue(source, first_number, "structure", "line 1 without a line 2 after it")
            name = None
        stripped = text.strip()
        if not stripped or stripped[0] == "#":
            continue
        if _is_element_line(text, "1"):
            pending = (number, text)
            continue
        if _is_element_line(text, "2"):
            yield _issue(source, number, "structure", "line 2 without a line 1 before it")
            name = None
            continue
        if name is not None:
            yield _issue(source, name_line, "structure", "name line without element lines")
        name, name_line = _name_from_line(text), number
    if pending is not None:
        yield _issue(source, pending[0], "structure", "line 1 without a line 2 after it")
    elif name is not None:
        yield _issue(source, name_line, "structure", "name line without element lines")


def _is_element_line(text: str, digit: str) -> bool:
    # "1 " starts line 1; a damaged separator still counts when the length fits,
    # so that the damage is reported as such rather than as a stray name line.
    return text[:2] == digit + " " or (text[:1] == digit and len(text.rstrip()) == LINE_LENGTH)


def _name_from_line(text: str) -> str:
    # Space-Track's 3LE puts "0 " before the name; CelesTrak's 3-line form does not.
    name = text[2:] if text[:2] == "0 " else text
    return name.strip()


def _issue(
    source: str, line: int, kind: IssueKind, reason: str, field: str | None = None
) -> ParseIssue:
    return ParseIssue(source=source, line=line, kind=kind, reason=reason, field=field)


def _parse_pair(
    line1: str, line2: str, name: str | None, name_line: int, source: str, number: int
) -> ElementSet | ParseIssue:
    line1 = line1.rstrip()
    line2 = line2.rstrip()
    try:
        _check_line(line1, 1, _LINE1, _LINE1_FIELDS)
        _check_line(line2, 2, _LINE2, _LINE2_FIELDS)
        if name is not None and "\ufffd" in name:
            return _issue(source, name_line, "encoding", "name line is not valid UTF-8", "name")
        return _element_set(line1, line2, name or None, source, number)
    except _Reject as problem:
        return _issue(
            source, number - 1 + problem.which, problem.kind, problem.reason, problem.field
        )


def _check_line(line: str, which: int, layout: re.Pattern[str], fields: tuple[_Field, ...]) -> None:
    if layout.fullmatch(line) is None:
        raise _Reject(which, "layout", _layout_problem(line, which, fields))
    found = int(line[68])
    computed = checksum(line)
    if found != computed:
        raise _Reject(
            which,
            "checksum",
            f"line {which} checksum digit is {found}, the line sums to {computed}",
            "checksum",
        )


def _layout_problem(line: str, which: int, fields: tuple[_Field, ...]) -> str:
    if not line.isascii():
        column = next(i for i, c in enumerate(line, start=1) if not c.isascii())
        return f"line {which} has a non-ASCII character in column {column}"
    if len(line) != LINE_LENGTH:
        return f"line {which} has {len(line)} characters, a TLE line has {LINE_LENGTH}"
    for field in fields:
        text = line[field.start : field.start + field.width]
        if _field_pattern(field.pattern).fullmatch(text) is None:
            return f"line {which} {field.columns} ({field.name}): {text!r} is not {field.expected}"
    return f"line {which} does not have the TLE column layout"  # pragma: no cover


@lru_cache(maxsize=64)
def _field_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


def _element_set(line1: str, line2: str, name: str | None, source: str, number: int) -> ElementSet:
    norad_id = _catalog(line1, 1)
    if _catalog(line2, 2) != norad_id:
        raise _Reject(
            2,
            "mismatch",
            f"catalog number {line2[2:7].strip()!r} on line 2 differs from "
            f"{line1[2:7].strip()!r} on line 1",
            "norad_id",
        )
    try:
        designator = designator_from_tle(line1[9:17])
    except DesignatorError as error:
        raise _Reject(1, "value", f"line 1 columns 10-17: {error}", "designator") from None
    values = {
        "eccentricity": int(line2[26:33]) / 1e7,
        "inclination_deg": _float(line2, 8, 16),
        "raan_deg": _float(line2, 17, 25),
        "arg_perigee_deg": _float(line2, 34, 42),
        "mean_anomaly_deg": _float(line2, 43, 51),
        "mean_motion": _float(line2, 52, 63),
        "bstar": _exponential(line1[53:61]),
        "mean_motion_dot": float(line1[33:43]),
        "mean_motion_ddot": _exponential(line1[44:52]),
    }
    classification = line1[7] if line1[7] != " " else "U"
    ephemeris_type = int(line1[62]) if line1[62] != " " else 0
    element_set_no = _blank_int(line1, 1, 64, 68)
    rev_at_epoch = _blank_int(line2, 2, 63, 68)
    problem = first_out_of_range(**values) or first_bad_identity(
        norad_id=norad_id,
        classification=classification,
        ephemeris_type=ephemeris_type,
        element_set_no=element_set_no,
        rev=rev_at_epoch,
    )
    if problem is not None:
        attribute, reason = problem
        which, columns = _VALUE_COLUMNS["rev_at_epoch" if attribute == "rev" else attribute]
        raise _Reject(which, "range", f"line {which} {columns}: {reason}", attribute)
    return ElementSet(
        norad_id=norad_id,
        designator=designator,
        name=name,
        epoch=_epoch(line1[18:32]),
        classification=classification,
        element_set_no=element_set_no,
        rev_at_epoch=rev_at_epoch,
        ephemeris_type=ephemeris_type,
        source=source,
        record=number,
        **values,
    )


def _catalog(line: str, which: int) -> int:
    try:
        return decode_catalog_number(line[2:7])
    except ValueError as error:
        raise _Reject(which, "value", f"line {which} columns 3-7: {error}", "norad_id") from None


def _float(line: str, start: int, end: int) -> float:
    # The layout allows blanks inside the integer part; float() rejects "1 3.5".
    try:
        return float(line[start:end])
    except ValueError:
        raise _Reject(
            2, "value", f"line 2 columns {start + 1}-{end}: {line[start:end]!r} is not a number"
        ) from None


def _blank_int(line: str, which: int, start: int, end: int) -> int:
    digits = line[start:end].strip()
    if not digits:
        return 0
    if not digits.isdigit():
        raise _Reject(
            which,
            "value",
            f"line {which} columns {start + 1}-{end}: {line[start:end]!r} is not a number",
        )
    return int(digits)


def _exponential(field: str) -> float:
    # " 38792-4" means 0.38792e-4; going through the decimal text keeps the
    # value exactly as an OMM writer's ".38792E-4" would give it.
    sign = "-" if field[0] == "-" else ""
    return float(f"{sign}0.{field[1:6]}e{field[6:8]}")


@lru_cache(maxsize=256)
def _year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _epoch(field: str) -> datetime:
    two_digit = int(field[:2])
    year = two_digit + (1900 if two_digit >= 57 else 2000)
    day = int(field[2:5])
    # Day 366 of a common year is read as 1 January of the next, as SGP4 itself does.
    if not 1 <= day <= 366:
        raise _Reject(
            1, "range", f"line 1 columns 19-32: epoch day {day} is outside 1-366", "epoch"
        )
    micro = int(field[6:14]) * _MICROSECONDS_PER_EPOCH_UNIT
    return _year_start(year) + timedelta(days=day - 1, microseconds=micro)


# ---------------------------------------------------------------------------- writing


def format_tle(es: ElementSet) -> tuple[str, str]:
    """The two lines of an element set, with Alpha-5 numbers and correct checksums.

    Fields are rounded half-up to the format's precision, except the
    eccentricity, which is cut after 7 digits as CelesTrak does when it renders
    its OMM data as TLEs. A zero exponent is written ``+0``. Revolution and
    element set numbers keep their last 5 and 4 digits, as TLE providers do.
    Raises ``ValueError`` for what a TLE cannot hold: catalog numbers above
    339999, epochs outside 1957-2056, |mean motion derivative| >= 1.
    """
    # What the reader would refuse is never written.
    problem = first_out_of_range(
        eccentricity=es.eccentricity,
        inclination_deg=es.inclination_deg,
        raan_deg=es.raan_deg,
        arg_perigee_deg=es.arg_perigee_deg,
        mean_anomaly_deg=es.mean_anomaly_deg,
        mean_motion=es.mean_motion,
        bstar=es.bstar,
        mean_motion_dot=es.mean_motion_dot,
        mean_motion_ddot=es.mean_motion_ddot,
    ) or first_bad_identity(
        norad_id=es.norad_id,
        classification=es.classification,
        ephemeris_type=es.ephemeris_type,
        element_set_no=es.element_set_no,
        rev=es.rev_at_epoch,
    )
    if problem is not None:
        raise ValueError(problem[1])
    catalog = encode_catalog_number(es.norad_id)
    line1 = (
        f"1 {catalog}{es.classification} {designator_to_tle(es.designator)} "
        f"{_format_epoch(es.epoch)} {_format_rate(es.mean_motion_dot)} "
        f"{_format_exponential(es.mean_motion_ddot, 'mean motion second derivative')} "
        f"{_format_exponential(es.bstar, 'B*')} {es.ephemeris_type} "
        f"{es.element_set_no % 10_000:4d}"
    )
    line2 = (
        f"2 {catalog} {_format_angle(es.inclination_deg)} {_format_angle(es.raan_deg)} "
        f"{_format_eccentricity(es.eccentricity)} {_format_angle(es.arg_perigee_deg)} "
        f"{_format_angle(es.mean_anomaly_deg)} {_format_mean_motion(es.mean_motion)}"
        f"{es.rev_at_epoch % 100_000:5d}"
    )
    return line1 + str(checksum(line1)), line2 + str(checksum(line2))


def _decimal(value: float) -> Decimal:
    # The shortest repr is the decimal the value was read from (TLE or OMM text).
    return Decimal(repr(float(value)))


def _format_epoch(epoch: datetime) -> str:
    year = epoch.year
    offset = epoch - _year_start(year)
    micro = (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds
    units, remainder = divmod(micro, _MICROSECONDS_PER_EPOCH_UNIT)
    if 2 * remainder >= _MICROSECONDS_PER_EPOCH_UNIT:
        units += 1
    day_index, fraction = divmod(units, _EPOCH_UNITS_PER_DAY)
    days_in_year = 366 if _is_leap(year) else 365
    if day_index >= days_in_year:  # rounded up into 1 January of the next year
        year, day_index = year + 1, day_index - days_in_year
    if not 1957 <= year <= 2056:
        raise ValueError(f"epoch {epoch.isoformat()} is outside the TLE years 1957-2056")
    return f"{year % 100:02d}{day_index + 1:03d}.{fraction:08d}"


def _format_rate(value: float) -> str:
    rounded = _decimal(value).quantize(Decimal("1e-8"), ROUND_HALF_UP)
    if abs(rounded) >= 1:
        raise ValueError(f"mean motion derivative {value!r} does not fit the TLE field (|x| < 1)")
    sign = "-" if rounded < 0 else " "
    return sign + f"{abs(rounded):.8f}"[1:]


def _format_exponential(value: float, label: str) -> str:
    if value == 0:
        return " 00000+0"
    sign = "-" if value < 0 else " "
    magnitude = abs(_decimal(value))
    exponent = magnitude.adjusted() + 1  # mantissa in [0.1, 1)
    exponent = max(exponent, -9)  # smaller values lose digits rather than fail
    mantissa = magnitude.scaleb(-exponent).quantize(Decimal("1e-5"), ROUND_HALF_UP)
    if mantissa >= 1:
        mantissa, exponent = mantissa.scaleb(-1).quantize(Decimal("1e-5")), exponent + 1
    if exponent > 9:
        raise ValueError(f"{label} {value!r} does not fit the TLE field (|x| < 1e9)")
    digits = int(mantissa.scaleb(5))
    if digits == 0:
        return " 00000+0"
    exponent_text = f"+{exponent}" if exponent >= 0 else f"-{-exponent}"
    return f"{sign}{digits:05d}{exponent_text}"


def _format_angle(value: float) -> str:
    rounded = _decimal(value).quantize(Decimal("1e-4"), ROUND_HALF_UP)
    if not 0 <= rounded <= 360:
        raise ValueError(f"angle {value!r} is outside 0-360 degrees")
    return f"{rounded:8.4f}"


def _format_eccentricity(value: float) -> str:
    if not 0 <= value < 1:
        raise ValueError(f"eccentricity {value!r} is outside [0, 1)")
    return f"{int(_decimal(value).quantize(Decimal('1e-7'), ROUND_DOWN).scaleb(7)):07d}"


def _format_mean_motion(value: float) -> str:
    rounded = _decimal(value).quantize(Decimal("1e-8"), ROUND_HALF_UP)
    if not 0 < rounded < 100:
        raise ValueError(f"mean motion {value!r} rev/day does not fit the TLE field (0-100)")
    return f"{rounded:11.8f}"
