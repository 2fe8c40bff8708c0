"""What goes wrong while reading element sets, and where.

Every rejected record becomes one :class:`ParseIssue` naming the source, the
line (TLE, KVN, CSV) and/or record number (OMM), and the reason; a caller who
wants all-or-nothing gets a :class:`ParseError` carrying the first issue.

>>> issue = ParseIssue(source="cat.txt", line=12, kind="checksum",
...                    reason="line 1 checksum digit is 7, the line sums to 3")
>>> str(issue)
'cat.txt:12: line 1 checksum digit is 7, the line sums to 3'
>>> str(ParseIssue(source="gp.json", record=4, field="EPOCH", kind="value",
...                reason="EPOCH '2026-13-01T00:00:00' is not a date"))
"gp.json: record 4: EPOCH '2026-13-01T00:00:00' is not a date"
>>> try:
...     raise ParseError(issue)
... except ValueError as error:
...     print(error.issue.line)
12
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Broad class of a problem, for callers that count or filter issues.
#: ``layout``: a column or field does not have the format's shape; ``checksum``: a TLE
#: line fails its modulo-10 check; ``mismatch``: parts of one record disagree;
#: ``range``: a value is well-formed but impossible; ``value``: a field cannot be read
#: as its type; ``missing``: a required field is absent; ``structure``: lines or
#: records do not fit together; ``encoding``: bytes are not UTF-8 text;
#: ``unsupported``: valid data this reader cannot use (for instance SGP4-XP elements);
#: ``io``: the source cannot be read at all.
IssueKind = Literal[
    "layout",
    "checksum",
    "mismatch",
    "range",
    "value",
    "missing",
    "structure",
    "encoding",
    "unsupported",
    "io",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseIssue:
    """One rejected record (or an unreadable source), located and explained."""

    source: str
    reason: str
    kind: IssueKind
    line: int | None = None  # 1-based physical line, when the format has lines
    record: int | None = None  # 1-based record number within an OMM source
    field: str | None = None  # the field at fault, when there is one

    @property
    def location(self) -> str:
        """``source:line``, ``source: record n`` or both, as much as is known."""
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        if self.record is not None:
            where = f"{where}: record {self.record}"
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class ParseError(ValueError):
    """A source rejected as a whole; ``issue`` is the first problem found."""

    def __init__(self, issue: ParseIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue
