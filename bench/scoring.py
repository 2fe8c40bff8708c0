"""Scoring speed: every object and every State of the demo register, from stored inputs.

Target (issue "Compliance"): <= 5 s to score the whole demo register with lifetimes computed
once and stored. The reference measured in the same run is the time to load the same inputs
from the database into polars (:func:`compliance.inputs.load_frames`); the ratio says how much
scoring costs on top of reading its data.

Run: ``.venv/bin/python bench/scoring.py [--db PATH] [--repeat N]``. Without ``--db`` a demo
database is built in a temporary folder first (demo register + lifetimes: about a minute, not
timed). Also prints the global comparison with the ESA band (share of LEO payloads in
naturally 25-year-compliant orbits).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compliance.engine import score_register
from compliance.inputs import load_frames
from compliance.lifetimes import compute_lifetimes, missing_lifetimes, store_lifetimes
from compliance.methodology import load_methodology
from compliance.report import state_rows
from registry import migrate
from registry.db import Database
from registry.demo.load import ensure_demo
from registry.settings import Settings


def prepare(settings: Settings) -> None:
    # Alembic runs its own event loop: migrate before entering ours.
    migrate.upgrade(settings)
    asyncio.run(_fill(settings))


async def _fill(settings: Settings) -> None:
    await ensure_demo(settings, lambda m: print(f"  {m}", file=sys.stderr))
    db = Database(settings)
    try:
        async with db.reader() as session:
            todo = await missing_lifetimes(session)
        if todo:
            print(f"  computing {len(todo)} lifetimes (stored once)", file=sys.stderr)
            rows = compute_lifetimes(todo)
            async with db.writer() as session:
                await store_lifetimes(session, rows)
    finally:
        await db.dispose()


async def measure(settings: Settings, repeat: int) -> None:
    m = load_methodology()
    db = Database(settings)
    loads: list[float] = []
    scores: list[float] = []
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            async with db.reader() as session:
                frames = await load_frames(session)
            loaded = time.perf_counter()
            scored = score_register(frames, m)
            table = state_rows(scored, m)
            done = time.perf_counter()
            loads.append(loaded - start)
            scores.append(done - loaded)
    finally:
        await db.dispose()
    load_s, score_s = statistics.median(loads), statistics.median(scores)
    objects = scored.object_scores.height
    states = table.height
    print(f"objects scored: {objects}, States scored: {states}, runs: {repeat} (medians below)")
    print(f"reference, load inputs into polars: {load_s:.3f} s")
    print(
        f"score every object and State:       {score_s:.3f} s  (target <= 5 s: {'met' if score_s <= 5 else 'NOT met'})"
    )
    print(f"load + score:                       {load_s + score_s:.3f} s")
    print(f"ratio score / load:                 {score_s / load_s:.2f}")

    # Global figure against ESA's band (84-99% of LEO payloads < 1000 kg reaching end of life
    # since 2020 in naturally 25-year-compliant orbits).
    o6 = scored.object_criteria["O6"].filter(pl.col("applicable") & pl.col("score").is_not_null())
    launched = scored.evidence.select("object_id", "launch_date")
    recent = o6.join(launched, on="object_id").filter(pl.col("launch_date").dt.year() >= 2020)
    for label, frame in (("all LEO payloads with a lifetime", o6), ("launched since 2020", recent)):
        n = frame.height
        k25 = frame.filter(pl.col("score") >= m.number("o6", "points_long")).height
        k5 = frame.filter(pl.col("score") >= m.number("o6", "points_short")).height
        print(
            f"{label}: n={n}, naturally 25-year compliant {100 * k25 / max(n, 1):.1f}%, 5-year {100 * k5 / max(n, 1):.1f}%"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, help="SQLite file holding the demo register and stored lifetimes"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.db is not None:
        settings = Settings(database_url=f"sqlite:///{args.db}")
        prepare(settings)
        asyncio.run(measure(settings, args.repeat))
        return
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db")
        print("building the demo database (not timed)", file=sys.stderr)
        prepare(settings)
        asyncio.run(measure(settings, args.repeat))


if __name__ == "__main__":
    main()
