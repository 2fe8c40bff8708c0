"""spacereg reentry end to end on real catalog data."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import shared_file
from web.cli.reentry import FIELDS, command

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SNAPSHOT = "catalog/full-catalog-3le-2022-01-22.txt"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 40th object of the 2022-01-22 catalog plus those CORDS lists as re-entering in
    the following six months, and one corrupted record: about 700 objects."""
    lines = shared_file(SNAPSHOT).read_text().splitlines()
    cords = shared_file("reentry/reentries-2000-11-to-2022-07-13.csv")
    with cords.open(newline="") as handle:
        later = {
            int(row["SSN"])
            for row in csv.DictReader(handle)
            if (
                row["Observed Reentry Date (UTC)"]
                if row["Observed Reentry Date (UTC)"] != "N/A"
                else row["Aerospace Reentry Prediction (UTC)"]
            )
            > "2022-01-22"
        }
    records = [lines[k : k + 3] for k in range(0, len(lines) - 2, 3)]
    chosen = [
        r
        for n, r in enumerate(records)
        if n % 40 == 0 or (r[1][2:7].strip().isdigit() and int(r[1][2:7]) in later)
    ]
    broken = list(records[1])
    broken[2] = broken[2][:-1] + str((int(broken[2][-1]) + 1) % 10)  # bad checksum
    path = tmp_path_factory.mktemp("reentry") / "subset.tle"
    path.write_text("\n".join(line for record in [*chosen, broken] for line in record) + "\n")
    return path


def _run(*args: str) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def test_csv_records_in_order(subset: Path) -> None:
    result = _run(str(subset), "--horizon-days", "60")
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 bad record(s)" in result.stderr and "subset.tle" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == FIELDS
    assert len(rows) >= 20
    reference = max(_when(r["epoch"]) for r in rows)
    for row in rows:
        for key in ("epoch", "predicted", "p05", "p95"):
            assert ISO_Z.match(row[key]), row
        assert _when(row["p05"]) <= _when(row["predicted"]) <= _when(row["p95"])
        assert row["norad_id"].isdigit() and row["method"]
    predicted = [_when(r["predicted"]) for r in rows]
    assert predicted == sorted(predicted)
    assert predicted[-1] <= reference + timedelta(days=61)
    by_id = {int(r["norad_id"]): r for r in rows}
    # CZ-4B R/B, Aerospace's final prediction 2022-01-26 12:00 UTC.
    stage = by_id[49493]
    assert stage["designator"] == "2021-107B" and stage["name"] == "CZ-4B R/B"
    assert abs(_when(stage["predicted"]) - _when("2022-01-26T12:00:00Z")) < timedelta(hours=12)
    # The Dragon trunk debris comes down in July: not within 60 days.
    assert 48342 not in by_id
    assert "predicted to re-enter within 60 days" in result.stderr


def test_jsonl_to_a_file(subset: Path, tmp_path: Path) -> None:
    out = tmp_path / "reentries.jsonl"
    result = _run(str(subset), "--horizon-days", "365", "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(tuple(r) == FIELDS for r in records)
    dragon = next(r for r in records if r["norad_id"] == 48342)
    # Observed re-entry 2022-07-08 21:05 UTC over New South Wales.
    truth = _when("2022-07-08T21:05:00Z")
    assert _when(dragon["p05"]) <= truth <= _when(dragon["p95"])


def test_analyst_objects_keep_integer_ids() -> None:
    path = shared_file("catalog/alpha5/alpha5-T-analyst-27xxxx-snapshot.tle")
    result = _run(str(path), "--horizon-days", "120")
    assert result.exit_code == 0, result.stderr
    ids = [int(r["norad_id"]) for r in csv.DictReader(io.StringIO(result.stdout))]
    assert ids and all(270000 <= i <= 279999 for i in ids)


def test_bad_input_one_line_reason(tmp_path: Path) -> None:
    missing = _run(str(tmp_path / "nothing.tle"))
    assert missing.exit_code != 0
    assert missing.stderr.startswith("error:") and len(missing.stderr.strip().splitlines()) == 1
    empty = tmp_path / "empty.tle"
    empty.write_text("just some words\n")
    result = _run(str(empty))
    assert result.exit_code != 0 and "no element sets" in result.stderr
    sw = tmp_path / "sw.txt"
    sw.write_text("DATATYPE CssiSpaceWeather\nNUM_OBSERVED_POINTS 1\nBEGIN OBSERVED\n1957 10 01\n")
    bad_sw = _run(
        str(shared_file("catalog/alpha5/alpha5-T-analyst-27xxxx-snapshot.tle")),
        "--space-weather",
        str(sw),
    )
    assert bad_sw.exit_code != 0
    assert "sw.txt, line 4" in bad_sw.stderr and len(bad_sw.stderr.strip().splitlines()) == 1
    assert _run(str(empty), "--horizon-days", "0").exit_code != 0


@pytest.mark.slow
def test_full_catalog_in_worker_processes(tmp_path: Path) -> None:
    """The whole 23,939-object snapshot through the installed entry point, 180 days ahead."""
    out = tmp_path / "all.csv"
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from web.cli.reentry import command; command()",
            str(shared_file(SNAPSHOT)),
            "--horizon-days",
            "180",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert time.perf_counter() - started < 120
    rows = list(csv.DictReader(out.open()))
    assert 500 < len(rows) < 5000
    ids = {int(r["norad_id"]) for r in rows}
    assert {49493, 48342} <= ids
    assert "23939 objects" in run.stderr
