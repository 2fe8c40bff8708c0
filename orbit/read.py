"""One entry point for element data: a file or text in any supported format.

:func:`read_elements` takes a path (``pathlib.Path``; gzip is opened
transparently) or the content itself (``str`` or ``bytes``), recognises the
format from the content (2/3-line TLE, or OMM as CSV, JSON, XML or KVN) and
returns every element set with every problem found. With ``on_error="raise"``
the first problem rejects the whole source instead.

>>> text = '''ISS (ZARYA)
... 1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991
... 2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482
... 1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991
... 2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202483'''
>>> result = read_elements(text, name="stations.txt")
>>> result.format, result.accepted, result.rejected
('tle', 1, 1)
>>> print(result.issues[0])
stations.txt:5: line 2 checksum digit is 3, the line sums to 2
>>> read_elements(text, name="stations.txt", on_error="raise")
Traceback (most recent call last):
...
orbit.issues.ParseError: stations.txt:5: line 2 checksum digit is 3, the line sums to 2
"""

from __future__ import annotations

import gzip
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from orbit.elements import ElementSet
from orbit.issues import ParseError, ParseIssue
from orbit.omm import iter_omm_csv, iter_omm_json, iter_omm_kvn, iter_omm_xml
from orbit.tle import iter_tle

Format = Literal["tle", "omm-csv", "omm-json", "omm-xml", "omm-kvn"]
OnError = Literal["skip", "raise"]
Source = Path | os.PathLike[str] | str | bytes

_GZIP_MAGIC = b"\x1f\x8b"
_KVN_FIRST = re.compile(r"(?:COMMENT(?:\s|$)|[A-Z][A-Z0-9_]*\s*=)", re.ASCII)
_SNIFF = 4096  # characters enough to see the first line of any supported format
_CSV_KEYS = ("NORAD_CAT_ID", "EPOCH", "MEAN_MOTION")


@dataclass(slots=True)
class ParseResult:
    """Everything read from one source: accepted element sets and rejected records."""

    source: str
    format: Format
    elements: list[ElementSet] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.elements)

    @property
    def rejected(self) -> int:
        """Issues found; each is one rejected record (or an unreadable remainder)."""
        return len(self.issues)


def detect_format(text: str) -> Format:
    """The format of element data from its first non-blank content.

    >>> detect_format('[{"OBJECT_NAME": "ISS"}]'), detect_format("<?xml version='1.0'?><ndm/>")
    ('omm-json', 'omm-xml')
    >>> detect_format("CCSDS_OMM_VERS = 2.0"), detect_format("OBJECT_NAME,OBJECT_ID,EPOCH")
    ('omm-kvn', 'omm-csv')
    >>> detect_format("ISS (ZARYA)")
    'tle'
    """
    start = text.lstrip("\ufeff \t\r\n")
    if start[:1] in ("[", "{"):
        return "omm-json"
    if start[:1] == "<":
        return "omm-xml"
    first_line = start.split("\n", 1)[0]
    if _KVN_FIRST.match(first_line):
        return "omm-kvn"
    header = {cell.strip().strip('"').upper() for cell in first_line.split(",")}
    if "," in first_line and any(key in header for key in _CSV_KEYS):
        return "omm-csv"
    return "tle"


def iter_records(source: Source, *, name: str | None = None) -> Iterator[ElementSet | ParseIssue]:
    """Element sets and issues one at a time, in source order (the streaming form).

    A path is read as it is consumed for the line formats (TLE, CSV, KVN);
    JSON and XML are read whole. A source that cannot be opened raises
    :class:`~orbit.issues.ParseError`.
    """
    return _open_records(source, _label(source, name))[1]


def read_elements(
    source: Source, *, on_error: OnError = "skip", name: str | None = None
) -> ParseResult:
    """Read every element set of a path or text (see the module documentation).

    ``name`` labels the source in issues and ``ElementSet.source`` (default:
    the path as given, or ``<text>``). With ``on_error="skip"`` bad records are
    left out and listed in ``issues``; with ``"raise"`` the first one raises
    :class:`~orbit.issues.ParseError`. An unreadable path raises in both modes.
    """
    if on_error not in ("skip", "raise"):
        raise ValueError(f"on_error must be 'skip' or 'raise', not {on_error!r}")
    label = _label(source, name)
    format, records = _open_records(source, label)
    result = ParseResult(source=label, format=format)
    for item in records:
        if isinstance(item, ParseIssue):
            if on_error == "raise":
                raise ParseError(item)
            result.issues.append(item)
        else:
            result.elements.append(item)
    return result


def _label(source: Source, name: str | None) -> str:
    if name is not None:
        return name
    if isinstance(source, str | bytes):
        return "<text>"
    return os.fspath(source)


def _open_records(source: Source, label: str) -> tuple[Format, Iterator[ElementSet | ParseIssue]]:
    if isinstance(source, str | bytes):
        text = _decode(source) if isinstance(source, bytes) else source
        format = detect_format(text[:_SNIFF])
        return format, _dispatch(format, io.StringIO(text, newline=None), label)
    try:
        stream = _open_text(Path(source))
        format = detect_format(stream.read(_SNIFF))
        stream.seek(0)
    except OSError as error:
        raise _unreadable(label, error) from error
    return format, _closing(stream, _dispatch(format, stream, label), label)


def _closing(
    stream: io.TextIOWrapper, records: Iterator[ElementSet | ParseIssue], label: str
) -> Iterator[ElementSet | ParseIssue]:
    try:
        yield from records
    except OSError as error:
        raise _unreadable(label, error) from error
    finally:
        stream.close()


def _unreadable(label: str, error: OSError) -> ParseError:
    return ParseError(
        ParseIssue(source=label, kind="io", reason=f"cannot read: {error.strerror or error}")
    )


def _decode(data: bytes) -> str:
    if data[:2] == _GZIP_MAGIC:
        data = gzip.decompress(data)
    # Undecodable bytes become U+FFFD; the parsers reject records holding one.
    return data.decode("utf-8-sig", errors="replace")


def _open_text(path: Path) -> io.TextIOWrapper:
    with path.open("rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    # The caller owns the returned stream and closes it when done reading.
    raw = gzip.open(path, "rb") if compressed else path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=None)


def _dispatch(
    format: Format, stream: io.TextIOBase, label: str
) -> Iterator[ElementSet | ParseIssue]:
    if format == "tle":
        return _unrecognised_hint(iter_tle(stream, source=label))
    if format == "omm-csv":
        return iter_omm_csv(stream, source=label)
    if format == "omm-kvn":
        return iter_omm_kvn(stream, source=label)
    if format == "omm-json":
        return iter_omm_json(stream.read(), source=label)
    return iter_omm_xml(stream.read(), source=label)


def _unrecognised_hint(
    items: Iterator[ElementSet | ParseIssue],
) -> Iterator[ElementSet | ParseIssue]:
    # Text in no format at all reaches the TLE reader as one stray "name line";
    # say what was expected, and how to pass a file name, instead.
    first = next(items, None)
    second = next(items, None) if first is not None else None
    if (
        isinstance(first, ParseIssue)
        and second is None
        and first.reason == "name line without element lines"
    ):
        yield ParseIssue(
            source=first.source,
            line=first.line,
            kind="structure",
            reason="not TLE or OMM (CSV, JSON, XML, KVN) element data"
            " (to read a file, pass a pathlib.Path)",
        )
        return
    for item in (first, second):
        if item is not None:
            yield item
    yield from items
