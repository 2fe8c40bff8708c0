"""spacereg screen: conjunction screening of an element-set file, all vs all or primaries vs all.

Reads FILE only (any format :func:`orbit.read.read_elements` knows) and touches no
database. Every element set in the file is screened, whatever its age (the age at
TCA is in each record). Work runs in local worker processes; progress goes to
stderr, results to stdout or ``--output``.

Seams for later options: :func:`load_catalog` is where ``--store`` will read the
registry instead of a file, and :func:`make_runner` is where ``--cluster
tcp://host:8786`` will return a Dask-backed :class:`~orbit.screening.PieceRunner`
(the pieces are pure top-level functions of picklable inputs).
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orbit.elements import ElementSet
from orbit.issues import ParseError
from orbit.read import read_elements
from orbit.screening import (
    RECORD_KEYS,
    PieceRunner,
    ProcessRunner,
    ScreeningConfig,
    ScreeningResult,
    screen,
)
from orbit.tle import decode_catalog_number
from web.cli import fail

#: Below this many objects the screen stays in this process (workers cost 1-2 s to start,
#: more than a day of a 3,000-object screen takes here).
PARALLEL_FROM = 3000


def parse_start(text: str) -> datetime:
    """An ISO 8601 time; without a zone it is UTC.

    >>> parse_start("2022-01-22T06:00:00Z"), parse_start("2022-01-22")
    (datetime.datetime(2022, 1, 22, 6, 0, tzinfo=datetime.timezone.utc), \
datetime.datetime(2022, 1, 22, 0, 0, tzinfo=datetime.timezone.utc))
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {text!r}", param_hint="--start") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_primaries(text: str) -> list[int]:
    """Comma-separated catalog numbers, digits or Alpha-5 (``T0192`` is 270192).

    >>> parse_primaries("25544, T0192,49044")
    [25544, 270192, 49044]
    """
    out = []
    for part in text.split(","):
        field = part.strip()
        if not field:
            continue
        try:
            out.append(
                int(field) if field.isdigit() else decode_catalog_number(field.upper().rjust(5))
            )
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--primary") from None
    if not out:
        raise click.BadParameter("no catalog numbers given", param_hint="--primary")
    return out


def load_catalog(file: Path, console: Console) -> list[ElementSet]:
    """Every element set in FILE; bad records are skipped and reported on stderr.

    (``--store`` will load the registry's current element sets here instead.)
    """
    try:
        result = read_elements(file)
    except ParseError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{file}: {error.strerror or error}")
    if result.issues:
        console.print(
            f"skipped {len(result.issues)} bad record(s); first: {result.issues[0]}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if not result.elements:
        fail(f"{file}: no element sets found")
    return result.elements


def make_runner(
    workers: int | None, objects: int, cluster: str | None = None
) -> PieceRunner | None:
    """A Dask cluster when one is named; else local worker processes, or this process for
    small catalogs."""
    if cluster is not None:
        from orbit.screening.dask_runner import DaskRunner

        try:
            return DaskRunner(cluster)
        except OSError as error:
            fail(f"cannot reach the Dask scheduler at {cluster}: {error}")
    if workers == 1 or (workers is None and objects < PARALLEL_FROM):
        from orbit.screening import InlineRunner

        return InlineRunner()
    return ProcessRunner(workers)


def store_result(
    result: ScreeningResult,
    records: list[dict[str, Any]],
    elements: Sequence[ElementSet],
    source: str,
) -> int:
    """Keep the run and its events in the register (the only time this command opens it)."""
    import asyncio

    from registry.db import Database
    from registry.jobs.screenings import store_run
    from registry.settings import get_settings

    async def work() -> int:
        db = Database(get_settings())
        try:
            async with db.writer() as session:
                run = await store_run(
                    session,
                    records,
                    start=result.window.start,
                    hours=result.window.duration_s / 3600,
                    threshold_km=result.config.threshold_km,
                    objects=result.objects,
                    capture_kms=result.capture_speed_kms,
                    data_as_of=max(e.epoch for e in elements),
                    source=source,
                )
                return run.id or 0
        finally:
            await db.dispose()

    return asyncio.run(work())


def write_table(records: Sequence[dict[str, Any]], fmt: str, out: TextIO) -> None:
    """Records as JSON lines or CSV (columns :data:`~orbit.screening.RECORD_KEYS`)."""
    if fmt == "jsonl":
        for row in records:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=RECORD_KEYS, lineterminator="\n")
    writer.writeheader()
    for row in records:
        writer.writerow({k: "" if row[k] is None else row[k] for k in RECORD_KEYS})


def write_cdms(
    result: ScreeningResult, elements: Sequence[ElementSet], directory: Path, console: Console
) -> int:
    """One CCSDS CDM (KVN) file per encounter in ``directory``; returns how many."""
    from orbit.cdm import write_cdm_directory
    from orbit.hbr import load_hbr_table
    from orbit.pc import PcError, tle_event_cdm

    created = datetime.now(UTC)
    table = load_hbr_table()
    messages = []
    for event in result.encounters:
        tca = result.window.datetime_at(event.tca_s)
        message_id = f"SPACEREG_{event.norad_a}_{event.norad_b}_{tca:%Y%m%dT%H%M%S%f}"
        try:
            cdm, _ = tle_event_cdm(
                elements[event.index_a],
                elements[event.index_b],
                tca,
                message_id=message_id,
                creation_date=created,
                hbr_table=table,
            )
        except PcError as error:
            console.print(f"no CDM for {message_id}: {error}", highlight=False, markup=False)
            continue
        messages.append(cdm)
    write_cdm_directory(messages, directory)
    if result.proximities:
        console.print(
            f"{len(result.proximities)} proximity period(s) have no CDM "
            "(co-orbiting pairs): use --format jsonl or csv to list them",
            highlight=False,
        )
    return len(messages)


def _report(result: ScreeningResult, seconds: float, console: Console) -> None:
    w = result.window
    scope = "all vs all"
    if result.primaries:
        scope = "primaries " + ",".join(map(str, result.primaries)) + " vs all"
    console.print(
        f"screened {result.objects} objects ({scope})"
        f" from {w.iso(0.0)} for {w.duration_s / 3600:g} h at {result.config.threshold_km:g} km: "
        f"{len(result.encounters)} encounter(s), {len(result.proximities)} proximity period(s) "
        f"in {seconds:.1f} s",
        highlight=False,
    )
    console.print(
        f"capture guarantee: every pass below {result.config.threshold_km:g} km with closing "
        f"speed up to {result.capture_speed_kms:.1f} km/s (step {result.config.step_s:g} s, "
        f"gate {result.gate_km:.1f} km)",
        highlight=False,
    )
    if result.failures:
        objects = sorted({f.norad_id for f in result.failures})
        console.print(
            f"skipped {len(objects)} object(s) where SGP4 failed or diverged, e.g. "
            + "; ".join(
                f"{f.norad_id} from {w.iso(f.start_s)}: {f.reason}" for f in result.failures[:3]
            ),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@click.command("screen")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--start",
    "start_text",
    default=None,
    help="Window start, ISO 8601 UTC (default: the newest element-set epoch, floored to the hour).",
)
@click.option(
    "--hours",
    type=click.FloatRange(min=0.0, min_open=True, max=24.0 * 366),
    default=24.0,
    show_default=True,
    help="Window length.",
)
@click.option(
    "--threshold-km",
    type=click.FloatRange(min=0.0, min_open=True),
    required=True,
    help="Report every pair closer than this.",
)
@click.option(
    "--primary",
    "primary_text",
    default=None,
    help="Comma-separated catalog numbers: screen these against everything.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "cdm"]),
    default="jsonl",
    show_default=True,
    help="cdm writes one CCSDS CDM (KVN) per encounter into the --output directory.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File (jsonl, csv) or directory (cdm); default standard output.",
)
@click.option(
    "--failures",
    "failures_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the objects skipped where SGP4 failed or diverged (JSON lines).",
)
@click.option("--no-pc", is_flag=True, help="Leave pc and pc_method empty (faster).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per CPU).",
)
@click.option(
    "--cluster", default=None, help="Run the pieces on a Dask scheduler (tcp://host:8786)."
)
@click.option(
    "--store",
    is_flag=True,
    help="Also store the run and its events in the register (DATABASE_URL), for object pages.",
)
def command(
    file: Path,
    start_text: str | None,
    hours: float,
    threshold_km: float,
    primary_text: str | None,
    fmt: str,
    output: Path | None,
    failures_path: Path | None,
    no_pc: bool,
    workers: int | None,
    cluster: str | None,
    store: bool,
) -> None:
    """Find every pair in FILE closer than --threshold-km during the window.

    Encounters (local minima of range) and, for co-orbiting pairs (relative speed
    below 0.1 km/s: docked vehicles, trains), one proximity record per period below
    the threshold, with its start and end. TCA and miss distance come from exact
    SGP4; the miss is split into radial / in-track / cross-track in norad_a's frame
    (norad_a is the primary with --primary, else the smaller catalog number).
    """
    console = Console(stderr=True)
    start = parse_start(start_text) if start_text is not None else None
    primaries = parse_primaries(primary_text) if primary_text is not None else None
    if fmt == "cdm" and output is None:
        raise click.BadParameter("--format cdm needs --output DIRECTORY", param_hint="--output")
    elements = load_catalog(file, console)
    config = ScreeningConfig(threshold_km=threshold_km)
    runner = make_runner(workers, len(elements), cluster)
    began = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                label = "screening" if phase == "detect" else "refining"
                tasks[phase] = bar.add_task(label, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        try:
            result = screen(
                elements,
                config,
                start=start,
                hours=hours,
                primaries=primaries,
                runner=runner,
                progress=progress,
                with_pc=not no_pc,
            )
        except ValueError as error:
            fail(str(error))
        finally:
            if runner is not None and hasattr(runner, "close"):
                runner.close()
    _report(result, time.perf_counter() - began, console)
    if failures_path is not None:
        with failures_path.open("w", encoding="utf-8") as out:
            for failure in result.failures:
                out.write(json.dumps(failure.record(result.window)) + "\n")
    if fmt == "cdm":
        assert output is not None
        written = write_cdms(result, elements, output, console)
        console.print(f"wrote {written} CDM file(s) to {output}", highlight=False)
        return
    records = result.records()
    if store:
        run_id = store_result(result, records, elements, str(file))
        console.print(f"stored as screening run {run_id}", highlight=False)
    if output is None:
        write_table(records, fmt, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as out:
            write_table(records, fmt, out)
    except OSError as error:
        fail(f"{output}: {error.strerror or error}")
