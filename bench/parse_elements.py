"""Element-set reading speed: orbit.read.read_elements on full-size real files.

Target (issue "Orbit engine", part "Element sets in"): the 23,939-object 3LE snapshot well
under ~1 s per 10,000 records. Each figure is the best of ``--repeat`` runs in this process.

References measured in the same run:
- TLE: python-sgp4's C++ ``Satrec.twoline2rv`` on the same line pairs. It also runs
  ``sgp4init``, so "ours + to_satrec" is printed too for a like-for-like ratio.
- OMM CSV: ``csv.DictReader`` + ``sgp4.omm.initialize`` (python-sgp4's OMM reader, also with
  ``sgp4init``), against "ours + to_satrec".
JSON, XML and KVN are the same 15,985 CelesTrak records rewritten in memory in those forms
(no reference reader exists in python-sgp4 for JSON/KVN; its XML reader is used for XML).

Run: ``.venv/bin/python bench/parse_elements.py`` (about 20 s). The Space-Track snapshots
are read here only, never shipped.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sgp4 import omm as sgp4_omm  # noqa: E402
from sgp4.api import Satrec  # noqa: E402

from orbit.read import read_elements  # noqa: E402

SHARED = Path(os.environ.get("SPACEREG_SHARED_DATA", ROOT.parent / "shared" / "data"))
CATALOG = SHARED / "catalog"
TLE_FILES = ["full-catalog-3le-2022-01-22.txt", "full-catalog-3le-2019-03-19.txt"]
CSV_FILE = "celestrak-gp-active-2026-07-10.csv"
_INTEGERS = {"EPHEMERIS_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH"}
_TEXT = {"OBJECT_NAME", "OBJECT_ID", "EPOCH", "CLASSIFICATION_TYPE"}
_MEAN = {
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
}


_NOT_TLE_PARAMETERS = {*_MEAN, "OBJECT_NAME", "OBJECT_ID"}


def best(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def report(label: str, records: int, ours: float, reference: float, reference_label: str) -> None:
    print(
        f"{label:<34} {records:>6} records  {ours:6.3f} s  {ours / records * 1e4:6.3f} s/10k  "
        f"{records / ours:>8,.0f} rec/s | {reference_label}: {reference:6.3f} s  "
        f"ratio ours/reference {ours / reference:5.2f}"
    )


def tle_lines(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text(encoding="ascii").splitlines()
    return [(lines[i], lines[i + 1]) for i in range(len(lines) - 1) if lines[i][:2] == "1 "]


def bench_tle(repeat: int) -> None:
    for name in TLE_FILES:
        path = CATALOG / name
        pairs = tle_lines(path)
        result = read_elements(path)
        assert result.accepted + result.rejected == len(pairs)

        def with_satrec(path: Path = path) -> None:
            for es in read_elements(path).elements:
                es.to_satrec()

        def reference(pairs: list[tuple[str, str]] = pairs) -> None:
            for line1, line2 in pairs:
                Satrec.twoline2rv(line1, line2)

        reference_time = best(reference, repeat)
        ours = best(partial(read_elements, path), repeat)
        report(name, len(pairs), ours, reference_time, "twoline2rv")
        ours = best(with_satrec, repeat)
        report(name + " + to_satrec", len(pairs), ours, reference_time, "twoline2rv")


def omm_forms(rows: list[dict[str, str]]) -> dict[str, str]:
    """The CSV rows rewritten as CelesTrak writes JSON and XML, and as CCSDS KVN."""

    def value(key: str, text: str) -> object:
        if key in _TEXT:
            return text
        return int(text) if key in _INTEGERS else float(text)

    as_json = json.dumps([{k: value(k, v) for k, v in row.items()} for row in rows])
    xml = ['<?xml version="1.0" encoding="UTF-8"?>\n<ndm>']
    kvn = []
    for row in rows:
        meta = "".join(f"<{k}>{escape(row[k])}</{k}>" for k in ("OBJECT_NAME", "OBJECT_ID"))
        mean = "".join(f"<{k}>{v}</{k}>" for k, v in row.items() if k in _MEAN)
        tle = "".join(f"<{k}>{v}</{k}>" for k, v in row.items() if k not in _NOT_TLE_PARAMETERS)
        xml.append(
            f'<omm id="CCSDS_OMM_VERS" version="2.0"><header/><body><segment><metadata>{meta}'
            f"</metadata><data><meanElements>{mean}</meanElements><tleParameters>{tle}"
            "</tleParameters></data></segment></body></omm>"
        )
        kvn.append("CCSDS_OMM_VERS = 2.0")
        kvn.extend(f"{k} = {v}" for k, v in row.items())
    xml.append("</ndm>")
    return {"json": as_json, "xml": "\n".join(xml), "kvn": "\n".join(kvn)}


def bench_omm(repeat: int) -> None:
    path = CATALOG / CSV_FILE
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))

    def with_satrec(source: str | Path) -> None:
        for es in read_elements(source).elements:
            es.to_satrec()

    def csv_reference() -> None:
        for fields in sgp4_omm.parse_csv(io.StringIO(text)):
            sgp4_omm.initialize(Satrec(), fields)

    csv_reference_time = best(csv_reference, repeat)
    reference = "sgp4.omm csv+init"
    ours = best(lambda: read_elements(path), repeat)
    report(CSV_FILE, len(rows), ours, csv_reference_time, reference)
    ours = best(lambda: with_satrec(path), repeat)
    report(CSV_FILE + " + to_satrec", len(rows), ours, csv_reference_time, reference)
    forms = omm_forms(rows)
    for form, content in forms.items():
        result = read_elements(content)
        assert (result.accepted, result.rejected) == (len(rows), 0), form
    xml_text = forms["xml"]

    def xml_reference() -> None:
        for fields in sgp4_omm.parse_xml(io.StringIO(xml_text)):
            sgp4_omm.initialize(Satrec(), fields)

    xml_reference_time = best(xml_reference, repeat)
    for form, content in forms.items():
        ours = best(partial(with_satrec, content), repeat)
        if form == "xml":
            report("same records, OMM XML + to_satrec", len(rows), ours, xml_reference_time,
                   "sgp4.omm xml+init")  # fmt: skip
        else:
            report(f"same records, OMM {form.upper()} + to_satrec", len(rows), ours,
                   csv_reference_time, reference)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    args = parser.parse_args()
    if not CATALOG.is_dir():
        sys.exit(f"reference data not found under {CATALOG}")
    bench_tle(args.repeat)
    bench_omm(args.repeat)


if __name__ == "__main__":
    main()
