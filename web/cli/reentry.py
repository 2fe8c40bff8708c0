"""spacereg reentry: predicted re-entries in an element-set file, soonest first.

Reads FILE only (any format :func:`orbit.read.read_elements` knows: 2/3-line TLE, OMM
CSV/JSON/XML/KVN, gzip or not); touches no database. The horizon counts from the newest
element-set epoch in the file. Prediction runs in worker processes (the SGP4 and density
work is CPU-bound and holds the GIL); progress goes to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orbit.elements import ElementSet
from orbit.issues import ParseError
from orbit.read import read_elements
from orbit.reentry import Outcome, ReentryPrediction, group_by_object, predict_catalog
from orbit.spaceweather import SpaceWeather, SpaceWeatherError, load_space_weather
from web.cli import fail

FIELDS = ("norad_id", "designator", "name", "epoch", "predicted", "p05", "p95", "method")
#: Below this many objects the work stays in this process (workers cost ~1 s to start).
PARALLEL_FROM = 2000


def iso_utc(moment: datetime) -> str:
    """ISO 8601 UTC to the second, ending in Z.

    >>> iso_utc(datetime(2022, 1, 25, 6, 7, 8, 900000, tzinfo=UTC))
    '2022-01-25T06:07:09Z'
    """
    rounded = moment.astimezone(UTC) + timedelta(microseconds=500000)
    return rounded.strftime("%Y-%m-%dT%H:%M:%SZ")


def record(prediction: ReentryPrediction) -> dict[str, str | int]:
    return {
        "norad_id": prediction.norad_id,
        "designator": prediction.designator or "",
        "name": prediction.name or "",
        "epoch": iso_utc(prediction.epoch),
        "predicted": iso_utc(prediction.predicted),
        "p05": iso_utc(prediction.p05),
        "p95": iso_utc(prediction.p95),
        "method": prediction.method,
    }


def write_records(predictions: Sequence[ReentryPrediction], fmt: str, out: TextIO) -> None:
    rows = [record(p) for p in predictions]
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@lru_cache(maxsize=4)
def _space_weather(path: str | None) -> SpaceWeather:
    return load_space_weather(path)


def _predict_chunk(
    groups: list[list[ElementSet]], horizon_end: datetime, space_weather: str | None
) -> list[Outcome]:
    """Worker entry point: element sets pickle, ``Satrec`` objects are rebuilt here."""
    return predict_catalog(
        groups, horizon_end=horizon_end, space_weather=_space_weather(space_weather)
    )


def predict_file_groups(
    groups: list[list[ElementSet]],
    horizon_end: datetime,
    space_weather: str | None,
    workers: int,
    progress: Progress,
) -> list[Outcome]:
    task = progress.add_task("predicting", total=len(groups))
    if workers <= 1 or len(groups) < PARALLEL_FROM:
        sw = _space_weather(space_weather)
        return predict_catalog(
            groups,
            horizon_end=horizon_end,
            space_weather=sw,
            chunk=500,
            progress=lambda done: progress.advance(task, done),
        )
    # Round-robin chunks: cheap (high) and costly (decaying) objects spread evenly.
    n_chunks = workers * 3
    chunks = [groups[k::n_chunks] for k in range(n_chunks)]
    results: list[Outcome] = []
    # Spawned, not forked: the progress display runs a thread, and a fork taken while it holds
    # a stream lock would leave the child's copy locked.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        futures = {
            pool.submit(_predict_chunk, chunk, horizon_end, space_weather): len(chunk)
            for chunk in chunks
            if chunk
        }
        for future in as_completed(futures):
            results.extend(future.result())
            progress.advance(task, futures[future])
    return results


@click.command("reentry")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--horizon-days",
    type=click.FloatRange(min=0.0, min_open=True),
    default=365.0,
    show_default=True,
    help="List objects whose median re-entry falls within this many days of the newest epoch.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write here instead of standard output.",
)
@click.option(
    "--space-weather",
    "space_weather",
    type=click.Path(path_type=Path),
    default=None,
    help="A fresher CelesTrak SW-All file (default: the copy shipped with spacereg).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs, at most 4).",
)
def command(
    file: Path,
    horizon_days: float,
    fmt: str,
    output: Path | None,
    space_weather: Path | None,
    workers: int | None,
) -> None:
    """Predict which objects in FILE re-enter within the horizon, soonest first.

    One record per object: norad_id, designator, name, epoch (of its element set),
    predicted (median), p05, p95 and the method; times in ISO 8601 UTC.
    """
    console = Console(stderr=True)
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        fail(f"cannot write {output}: not a file in an existing directory")
    try:
        result = read_elements(file)
    except ParseError as error:
        fail(str(error))
    if result.issues:
        console.print(
            f"skipped {len(result.issues)} bad record(s); first: {result.issues[0]}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if not result.elements:
        fail(f"{file}: no element sets found")
    sw_path = os.fspath(space_weather) if space_weather is not None else None
    try:
        _space_weather(sw_path)
    except SpaceWeatherError as error:
        fail(str(error))

    groups = group_by_object(result.elements)
    reference = max(es.epoch for es in result.elements)
    horizon_end = reference + timedelta(days=horizon_days)
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        outcomes = predict_file_groups(groups, horizon_end, sw_path, n_workers, progress)

    predicted = [o.prediction for o in outcomes if o.prediction is not None]
    # An object whose stale element set puts its re-entry before the newest epoch is not in
    # the window; it is counted, not listed.
    overdue = sum(p.predicted < reference for p in predicted)
    predictions = sorted(
        (p for p in predicted if reference <= p.predicted <= horizon_end),
        key=lambda p: (p.predicted, p.norad_id),
    )
    no_estimate = sum(o.status == "no prediction" for o in outcomes)
    console.print(
        f"{len(groups)} objects, newest epoch {iso_utc(reference)}: {len(predictions)} predicted"
        f" to re-enter within {horizon_days:g} days; {overdue} predicted to have re-entered"
        f" before the newest epoch (not listed); {no_estimate} without a drag estimate"
        " (B* <= 0 and no decay history, or SGP4 rejects the elements)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if output is None:
        write_records(predictions, fmt, sys.stdout)
        return
    buffer = io.StringIO()
    write_records(predictions, fmt, buffer)
    try:
        output.write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
