"""CelesTrak SATCAT CSV (``pub/satcat.csv``, ``satcat/records.php?...&FORMAT=csv``) as typed rows.

Columns are found by name, so extra or reordered columns do no harm; a
missing one makes the whole file unusable (:class:`SatcatFormatError`). A row
that cannot be read (wrong number of fields, a number or date that is not
one, no catalog number) is skipped and reported with its line number, or
raised at once with ``on_error="raise"``.

>>> text = (
...     "OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,"
...     "LAUNCH_SITE,DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,"
...     "ORBIT_CENTER,ORBIT_TYPE\\r\\n"
...     "SPUTNIK 1,1957-001B,2,PAY,D,CIS,1957-10-04,TYMSC,1958-01-03,96.10,65.00,1080,64,,,"
...     "EA,IMP\\r\\n"
...     "VANGUARD 1,1958-002B,5,PAY,-,US,1958-03-17,AFETR,,132.7,34.25,3834,650,0.122,,EA,ORB\\r\\n"
...     "BROKEN,1958-002B,five,PAY,-,US,1958-03-17,AFETR,,,,,,,,EA,ORB\\r\\n")
>>> result = parse_satcat_csv(text, source="satcat.csv")
>>> [(r.norad_cat_id, r.object_name, r.decay_date) for r in result.rows]
[(2, 'SPUTNIK 1', datetime.date(1958, 1, 3)), (5, 'VANGUARD 1', None)]
>>> print(result.issues[0])
satcat.csv, line 4: NORAD_CAT_ID: 'five' is not an integer
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from orbit.clients.errors import ClientError

#: The columns of CelesTrak's SATCAT CSV, in CelesTrak's order.
SATCAT_COLUMNS = (
    "OBJECT_NAME",
    "OBJECT_ID",
    "NORAD_CAT_ID",
    "OBJECT_TYPE",
    "OPS_STATUS_CODE",
    "OWNER",
    "LAUNCH_DATE",
    "LAUNCH_SITE",
    "DECAY_DATE",
    "PERIOD",
    "INCLINATION",
    "APOGEE",
    "PERIGEE",
    "RCS",
    "DATA_STATUS_CODE",
    "ORBIT_CENTER",
    "ORBIT_TYPE",
)

# International designator: launch year, launch number, and 0-3 piece letters.
_DESIGNATOR = re.compile(r"\d{4}-\d{3}[A-Z]{0,3}")


@dataclass(frozen=True, slots=True)
class SatcatRow:
    """One SATCAT record; empty CSV fields are None."""

    object_name: str  # OBJECT_NAME
    object_id: str | None  # OBJECT_ID, international designator "YYYY-NNNA"
    norad_cat_id: int  # NORAD_CAT_ID
    object_type: str  # OBJECT_TYPE: PAY, R/B, DEB or UNK
    ops_status_code: str | None  # OPS_STATUS_CODE: + - P B S X D ?
    owner: str | None  # OWNER: CelesTrak source/owner code (US, CIS, PRC, ISS, ...)
    launch_date: date | None  # LAUNCH_DATE
    launch_site: str | None  # LAUNCH_SITE code (AFETR, TYMSC, ...)
    decay_date: date | None  # DECAY_DATE
    period_min: float | None  # PERIOD, minutes
    inclination_deg: float | None  # INCLINATION, degrees
    apogee_km: int | None  # APOGEE, km above the reference ellipsoid
    perigee_km: int | None  # PERIGEE, km
    rcs_m2: float | None  # RCS, radar cross-section in m^2
    data_status_code: str | None  # DATA_STATUS_CODE: NCE, NIE, NEA
    orbit_center: str | None  # ORBIT_CENTER: EA, MO, SU, ... or the catalog number docked to
    orbit_type: str | None  # ORBIT_TYPE: ORB, LAN, IMP, DOC, R/T


@dataclass(frozen=True, slots=True)
class SatcatIssue:
    """A SATCAT row that could not be read."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}, line {self.line}: {self.reason}"


@dataclass(slots=True)
class SatcatParseResult:
    rows: list[SatcatRow] = field(default_factory=list)
    issues: list[SatcatIssue] = field(default_factory=list)


class SatcatFormatError(ClientError):
    """The data is not a SATCAT CSV at all, or (with ``on_error="raise"``) a row is bad."""


class _BadField(ValueError):
    pass


def parse_satcat_csv(
    data: bytes | str,
    *,
    source: str = "<satcat>",
    on_error: Literal["skip", "raise"] = "skip",
) -> SatcatParseResult:
    """Read SATCAT CSV text into :class:`SatcatRow` objects, reporting bad rows by line."""
    if on_error not in ("skip", "raise"):
        raise ValueError(f"on_error must be 'skip' or 'raise', got {on_error!r}")
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [name.strip().upper() for name in next(reader)]
    except StopIteration:
        raise SatcatFormatError(f"{source}: empty, expected a SATCAT CSV header") from None
    except csv.Error as exc:
        raise SatcatFormatError(f"{source}, line 1: unreadable CSV header ({exc})") from None
    missing = [name for name in SATCAT_COLUMNS if name not in header]
    if missing:
        raise SatcatFormatError(
            f"{source}, line 1: not a SATCAT CSV header, missing {', '.join(missing)}"
        )
    order = [header.index(name) for name in SATCAT_COLUMNS]

    result = SatcatParseResult()
    while True:
        line = reader.line_num + 1  # a quoted field may span lines: report where the row starts
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            _report(result, SatcatIssue(source, line, f"unreadable CSV ({exc})"), on_error)
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != len(header):
            reason = f"expected {len(header)} fields, found {len(fields)}"
            _report(result, SatcatIssue(source, line, reason), on_error)
            continue
        try:
            row = _row([fields[i].strip() for i in order])
        except _BadField as exc:
            _report(result, SatcatIssue(source, line, str(exc)), on_error)
            continue
        result.rows.append(row)
    return result


def _report(result: SatcatParseResult, issue: SatcatIssue, on_error: str) -> None:
    if on_error == "raise":
        raise SatcatFormatError(str(issue))
    result.issues.append(issue)


def _row(values: list[str]) -> SatcatRow:
    """A row from its field texts in :data:`SATCAT_COLUMNS` order."""
    (
        name,
        designator,
        norad_text,
        object_type,
        ops_status,
        owner,
        launch_date,
        launch_site,
        decay_date,
        period,
        inclination,
        apogee,
        perigee,
        rcs,
        data_status,
        orbit_center,
        orbit_type,
    ) = values
    if not name:
        raise _BadField("OBJECT_NAME: empty")
    if designator and not _DESIGNATOR.fullmatch(designator):
        raise _BadField(f"OBJECT_ID: {designator!r} is not an international designator")
    norad = _int(norad_text, "NORAD_CAT_ID")
    if norad is None or norad < 1:
        raise _BadField(f"NORAD_CAT_ID: {norad_text!r} is not a catalog number")
    if not object_type:
        raise _BadField("OBJECT_TYPE: empty")
    return SatcatRow(
        object_name=name,
        object_id=designator or None,
        norad_cat_id=norad,
        object_type=object_type,
        ops_status_code=ops_status or None,
        owner=owner or None,
        launch_date=_date(launch_date, "LAUNCH_DATE"),
        launch_site=launch_site or None,
        decay_date=_date(decay_date, "DECAY_DATE"),
        period_min=_float(period, "PERIOD"),
        inclination_deg=_float(inclination, "INCLINATION"),
        apogee_km=_int(apogee, "APOGEE"),
        perigee_km=_int(perigee, "PERIGEE"),
        rcs_m2=_float(rcs, "RCS"),
        data_status_code=data_status or None,
        orbit_center=orbit_center or None,
        orbit_type=orbit_type or None,
    )


def _float(text: str, column: str) -> float | None:
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _BadField(f"{column}: {text!r} is not a number") from None
    if not math.isfinite(number):
        raise _BadField(f"{column}: {text!r} is not a finite number")
    return number


def _int(text: str, column: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    # "423.0" is still an integer; "423.5" or "abc" is not.
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not number.is_integer():
        raise _BadField(f"{column}: {text!r} is not an integer")
    return int(number)


def _date(text: str, column: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _BadField(f"{column}: {text!r} is not a date (YYYY-MM-DD)") from None
