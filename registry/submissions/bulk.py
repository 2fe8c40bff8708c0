"""Bulk upload: many objects in one CSV, optionally with their element sets, checked row by row.

The CSV's columns are the object JSON's field names (:data:`text_fields.COLUMNS`; the template
is :func:`csv_template`). An OMM or TLE file given beside it fills the orbital parameters a row
leaves empty (nodal period, inclination, apogee, perigee, epoch) and checks those a row declares
(:mod:`orbit.compare`). :func:`preview` writes nothing: it reports, per row, what the validator
(the same as the API's) and the element sets found, naming the file and the row, so that the
officer sees everything before creating the draft.

>>> rows = read_csv("international_designator,apogee_km\\n2025-009A,520\\n2025-009B,x\\n", "a.csv")
>>> [(r.row, r.obj is not None, [p["field"] for p in r.problems]) for r in rows.rows]
[(2, True, []), (3, False, ['apogee_km'])]
>>> read_csv("designator,apogee\\n2025-009A,520\\n", "b.csv").problems[0]["message"]
'b.csv: unknown column(s) apogee, designator; the columns are the object JSON field names'

Spreadsheets saved with semicolons (where the comma is the decimal mark) read the same; a file
that is not UTF-8 is refused as a whole, by name:

>>> [r.obj.apogee_km for r in read_csv("international_designator;apogee_km\\n2025-009A;520,5\\n", "c.csv").rows]
[520.5]
>>> read_csv("international_designator,name\\n2025-009A,T\\xe9l\\xe9com\\n".encode("latin-1"), "d.csv").problems[0]["message"]
'd.csv, line 2: not UTF-8 text; save the CSV as UTF-8'
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from orbit import compare
from orbit.elements import ElementSet
from orbit.issues import ParseError
from orbit.read import read_elements
from registry.errors import N_, field_error
from registry.objects.schemas import ObjectIn
from registry.submissions import checks, text_fields
from registry.submissions.schemas import MAX_OBJECTS

#: Bigger uploads are refused before parsing (1000 objects of the template take ~0.5 MB).
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_ELEMENTS_BYTES = 20 * 1024 * 1024
#: Declared orbital field -> (observed attribute, digits kept when filling it).
ORBIT_FIELDS: dict[str, tuple[str, int]] = {
    "nodal_period_min": ("period_min", 2),
    "inclination_deg": ("inclination_deg", 3),
    "apogee_km": ("apogee_km", 1),
    "perigee_km": ("perigee_km", 1),
}
_COMPARED = {
    "period": "nodal_period_min",
    "inclination": "inclination_deg",
    "apogee": "apogee_km",
    "perigee": "perigee_km",
}


def csv_template() -> str:
    """The header row of the bulk-upload CSV."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(text_fields.COLUMNS)
    return out.getvalue()


@dataclass
class Row:
    """One CSV row: where it is, what it declares, and everything found about it."""

    row: int
    cells: dict[str, str]
    obj: ObjectIn | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: Orbital fields filled from an element set: field -> value.
    filled: dict[str, float | str] = field(default_factory=dict)
    #: The element set used for this row ("NORAD 20580, epoch ..."), if any.
    element_set: str | None = None
    comparison: str | None = None

    @property
    def designator(self) -> str:
        return self.cells.get("international_designator", "")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.problems + [f for f in self.findings if f["severity"] == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == "warning"]


@dataclass
class CsvRows:
    filename: str
    rows: list[Row] = field(default_factory=list)
    #: Problems of the file as a whole (encoding, header, size), each naming the file.
    problems: list[dict[str, Any]] = field(default_factory=list)


#: Said of the objects' CSV and of the element-set file alike.
TOO_LARGE = N_("%(file)s: larger than %(size)s MB")
#: The csv module's own reason (in English), at the line where reading stopped.
AT_LINE = N_("%(file)s, line %(line)s: %(error)s")


def _file_problem(
    filename: str, message: str, line: int | None = None, **values: str
) -> dict[str, Any]:
    """``message`` names the file as ``%(file)s`` and, when ``line`` is given, ``%(line)s``."""
    where = {"file": filename, "line": str(line)} if line else {"file": filename}
    return {**field_error("file", "csv.invalid", message, "error", **where, **values), "line": line}


def _decode(data: bytes | str, filename: str) -> str | dict[str, Any]:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _file_problem(
            filename, N_("%(file)s, line %(line)s: not UTF-8 text; save the CSV as UTF-8"), line
        )


def read_csv(data: bytes | str, filename: str) -> CsvRows:
    """Every row of the CSV read into an object, or the problems that stop it, by row number."""
    result = CsvRows(filename)
    if len(data) > MAX_CSV_BYTES:
        result.problems.append(
            _file_problem(filename, TOO_LARGE, size=str(MAX_CSV_BYTES // (1024 * 1024)))
        )
        return result
    text = _decode(data, filename)
    if isinstance(text, dict):
        result.problems.append(text)
        return result
    # Only the delimiter is taken from the header line: a sniffed dialect also guesses the
    # quoting, and from a header alone it guesses wrong (doubled quotes would stay doubled).
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        result.problems.append(_file_problem(filename, AT_LINE, 1, error=str(exc)))
        return result
    unknown = sorted(set(header) - set(text_fields.COLUMNS) - {""})
    if unknown:
        result.problems.append(
            _file_problem(
                filename,
                N_(
                    "%(file)s: unknown column(s) %(columns)s; the columns are the object JSON "
                    "field names"
                ),
                columns=", ".join(unknown),
            )
            | {"code": "csv.column_unknown", "line": None}
        )
        return result
    if "international_designator" not in header:
        result.problems.append(
            _file_problem(
                filename, N_("%(file)s, line %(line)s: no international_designator column"), 1
            )
        )
        return result
    try:
        for cells_list in reader:
            if not any(c.strip() for c in cells_list):
                continue
            row_number = reader.line_num
            if len(result.rows) >= MAX_OBJECTS:
                result.problems.append(
                    _file_problem(
                        filename,
                        N_("%(file)s, line %(line)s: more than %(max)s objects"),
                        row_number,
                        max=str(MAX_OBJECTS),
                    )
                )
                break
            if len(cells_list) > len(header):
                extra = _file_problem(
                    filename,
                    N_("%(file)s, line %(line)s: %(cells)s cells for %(columns)s columns"),
                    row_number,
                    cells=str(len(cells_list)),
                    columns=str(len(header)),
                )
                result.rows.append(Row(row_number, {}, None, [extra]))
                continue
            cells = {h: c for h, c in zip(header, cells_list, strict=False) if h}
            obj, problems = text_fields.parse_object(cells)
            result.rows.append(Row(row_number, cells, obj, problems))
    except csv.Error as exc:
        result.problems.append(_file_problem(filename, AT_LINE, reader.line_num, error=str(exc)))
    if not result.rows and not result.problems:
        result.problems.append(
            _file_problem(filename, N_("%(file)s: no object rows under the header"))
        )
    return result


@dataclass
class ElementsFile:
    filename: str
    element_sets: list[ElementSet] = field(default_factory=list)
    #: Records that could not be read, each naming the file and line or record.
    problems: list[str] = field(default_factory=list)
    #: Element sets that matched no row (NORAD id and designator).
    unmatched: list[str] = field(default_factory=list)


def read_element_file(data: bytes, filename: str) -> ElementsFile:
    result = ElementsFile(filename)
    if len(data) > MAX_ELEMENTS_BYTES:
        result.problems.append(
            TOO_LARGE % {"file": filename, "size": str(MAX_ELEMENTS_BYTES // 2**20)}
        )
        return result
    try:
        parsed = read_elements(data, name=filename)
    except (ParseError, ValueError) as exc:
        result.problems.append(str(exc))
        return result
    result.element_sets = parsed.elements
    result.problems = [str(issue) for issue in parsed.issues]
    if not parsed.elements and not parsed.issues:
        result.problems.append(N_("%(file)s: no element set found") % {"file": filename})
    return result


def _describe(es: ElementSet) -> str:
    return f"NORAD {es.norad_id}, epoch {es.epoch:%Y-%m-%d %H:%M} UTC ({es.source})"


def apply_element_sets(row: Row, candidates: list[ElementSet]) -> None:
    """Fill the row's empty orbital fields from the best element set; check the declared ones."""
    if row.obj is None or not candidates:
        return
    obj = row.obj
    chosen = compare.choose_element_set(
        candidates, declared_epoch=obj.orbit_epoch, launch_date=obj.launch_date
    )
    if chosen is None:
        row.element_set = None
        return
    row.element_set = _describe(chosen)
    observed = compare.observed_orbit(chosen, with_longitude=False)
    updates: dict[str, Any] = {}
    for name, (attribute, digits) in ORBIT_FIELDS.items():
        if getattr(obj, name) is None:
            updates[name] = round(float(getattr(observed, attribute)), digits)
    if updates and obj.orbit_epoch is None:
        updates["orbit_epoch"] = chosen.epoch
    declared = {name: getattr(obj, name) for name in ORBIT_FIELDS if name not in updates}
    if any(v is not None for v in declared.values()):
        try:
            comparison = compare.compare_orbit(
                compare.DeclaredOrbit(
                    period_min=declared.get("nodal_period_min"),
                    inclination_deg=declared.get("inclination_deg"),
                    apogee_km=declared.get("apogee_km"),
                    perigee_km=declared.get("perigee_km"),
                    epoch=obj.orbit_epoch,
                ),
                observed,
            )
        except ValueError:
            comparison = None  # the validator already reports the impossible value
        if comparison is not None:
            row.comparison = comparison.sentence
            for fc in comparison.fields:
                if fc.verdict == "inconsistent" and fc.field in _COMPARED:
                    row.findings.append(
                        field_error(
                            _COMPARED[fc.field],
                            "elements.inconsistent",
                            N_(
                                "declared %(declared)s, observed %(observed)s in the element "
                                "set %(element_set)s"
                            ),
                            "warning",
                            declared=f"{fc.declared:g}",
                            observed=f"{fc.observed:.4g}",
                            element_set=str(row.element_set),
                        )
                    )
    if updates:
        row.obj = obj.model_copy(update=updates)
        row.filled = {
            k: (v.strftime("%Y-%m-%dT%H:%M:%SZ") if k == "orbit_epoch" else v)
            for k, v in updates.items()
        }


def _matches(rows: list[Row], elements: ElementsFile) -> dict[int, list[ElementSet]]:
    by_designator: dict[str, list[ElementSet]] = {}
    by_norad: dict[int, list[ElementSet]] = {}
    for es in elements.element_sets:
        if es.designator:
            by_designator.setdefault(es.designator, []).append(es)
        by_norad.setdefault(es.norad_id, []).append(es)
    used: set[int] = set()
    found: dict[int, list[ElementSet]] = {}
    for index, row in enumerate(rows):
        if row.obj is None:
            continue
        sets = by_designator.get(row.obj.international_designator, [])
        if not sets and row.obj.norad_id is not None:
            sets = by_norad.get(row.obj.norad_id, [])
        if sets:
            found[index] = sets
            used.update(id(es) for es in sets)
    elements.unmatched = [
        f"NORAD {es.norad_id} ({es.designator or 'no designator'})"
        for es in elements.element_sets
        if id(es) not in used
    ]
    return found


@dataclass
class BulkReport:
    csv: CsvRows
    elements: ElementsFile | None = None

    @property
    def rows(self) -> list[Row]:
        return self.csv.rows

    @property
    def ok(self) -> bool:
        """Whether a draft can be created: the file reads and no row has an error."""
        return bool(self.rows) and not self.csv.problems and not any(r.errors for r in self.rows)

    @property
    def objects(self) -> list[ObjectIn]:
        return [r.obj for r in self.rows if r.obj is not None]

    @property
    def error_count(self) -> int:
        return len(self.csv.problems) + sum(len(r.errors) for r in self.rows)

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.rows)


async def preview(
    session: AsyncSession,
    state_code: str,
    csv_data: bytes | str,
    csv_name: str,
    elements_data: bytes | None = None,
    elements_name: str | None = None,
) -> BulkReport:
    """Read, complete and validate an upload; nothing is written."""
    report = BulkReport(read_csv(csv_data, csv_name))
    if elements_data:
        report.elements = read_element_file(elements_data, elements_name or "elements")
        for index, sets in _matches(report.rows, report.elements).items():
            apply_element_sets(report.rows[index], sets)
    readable = [(i, r.obj) for i, r in enumerate(report.rows) if r.obj is not None]
    if readable:
        found = await checks.object_findings(session, state_code, [obj for _, obj in readable])
        for (index, _), findings in zip(readable, found, strict=True):
            row = report.rows[index]
            row.findings = findings + row.findings
    return report
