"""spacereg score: compliance scores of a State, an object, or every State.

spacereg score --state FRA --format json
spacereg score --object 2023-001A
spacereg score --all --format csv > states.csv
spacereg score --lifetimes        # compute and store missing orbital lifetimes first
spacereg score --all --store      # also store every State's report
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import click
from rich.console import Console

from registry.db import Database
from registry.settings import get_settings
from web.cli import fail
from web.cli.common import run

_err = Console(stderr=True)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _print_text(report: dict[str, Any]) -> None:
    v = report["verified"]
    subject = report.get("designator") or report.get("state")
    score = "no data" if v["score"] is None else f"{100 * v['score']:.1f}"
    click.echo(
        f"{subject}: verified {score} ({v['label'] or 'no label'}), coverage {100 * (v['coverage'] or 0):.0f}%"
    )
    click.echo(f"methodology {report['methodology_version']}, as of {report['as_of']}")
    for c in v["criteria"]:
        value = "no data" if not c["assessed"] else f"{c['points']:.1f}/{c['max_points']:.0f}"
        click.echo(f"  {c['id']:4} {value:>10}  {c['evidence_grade']}  {c['sentence']}")
    if "declared" in report and "score" in report["declared"]:
        d = report["declared"]
        click.echo(
            f"declared {100 * d['score']:.1f}, coverage {100 * d['coverage']:.0f}% (self-declared)"
        )
    for flag in report.get("critical_flags", []):
        click.echo(f"  CRITICAL {flag['flag']}" + (f": {flag['count']}" if "count" in flag else ""))


@click.command("score")
@click.option("--state", "state", help="State code (alpha-3 or IGO code), e.g. FRA")
@click.option("--object", "designator", help="International designator, e.g. 2023-001A")
@click.option("--all", "all_states", is_flag=True, help="Every State, one row each")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
@click.option(
    "--lifetimes",
    is_flag=True,
    help="Compute and store lifetimes missing for the newest element sets",
)
@click.option(
    "--store",
    is_flag=True,
    help="Store every State's report (methodology version and data times included)",
)
def command(
    state: str | None,
    designator: str | None,
    all_states: bool,
    fmt: str,
    lifetimes: bool,
    store: bool,
) -> None:
    """Compliance with the LTS and debris-mitigation guidelines (Verified and Declared)."""
    chosen = sum(x is not None and x is not False for x in (state, designator, all_states or None))
    if chosen > 1:
        fail("give only one of --state, --object, --all")
    if chosen == 0 and not (lifetimes or store):
        fail("give --state CODE, --object DESIGNATOR or --all")
    if fmt == "csv" and not all_states:
        fail("--format csv needs --all")

    async def work() -> Any:
        db = Database(get_settings())
        try:
            return await _work(db)
        finally:
            await db.dispose()

    async def _work(db: Database) -> Any:
        from compliance import service
        from compliance.lifetimes import compute_lifetimes, missing_lifetimes, store_lifetimes

        if lifetimes:
            async with db.reader() as session:
                todo = await missing_lifetimes(session)
            _err.print(f"computing lifetimes for {len(todo)} objects")
            done = [0]

            def tick(n: int) -> None:
                done[0] += n
                _err.print(f"  {done[0]}/{len(todo)}")

            rows = compute_lifetimes(todo, progress=tick)
            async with db.writer() as session:
                run_ = await store_lifetimes(session, rows)
            _err.print(
                f"stored {run_.objects} lifetimes: {run_.estimated} estimated, "
                f"{run_.beyond} beyond 100 years, {run_.no_prediction} without a prediction"
            )
        if store:
            _err.print("scoring every State and storing the reports")
            _err.print(f"stored {await service.store_state_scores(db)} State reports")
        if state:
            _err.print(f"scoring {state}")
            return await service.state_compliance(db, state.upper())
        if designator:
            _err.print(f"scoring {designator}")
            return await service.object_compliance(db, designator)
        if all_states:
            _err.print("scoring every State")
            return await service.all_states(db)
        return None

    result: Any = run(work())
    if result is None:
        return
    if all_states:
        if fmt == "csv":
            buffer = io.StringIO()
            result.write_csv(buffer)
            sys.stdout.write(buffer.getvalue())
        elif fmt == "json":
            _print_json(result.to_dicts())
        else:
            for row in result.iter_rows(named=True):
                score = (
                    "no data"
                    if row["verified_score"] is None
                    else f"{100 * row['verified_score']:5.1f}"
                )
                click.echo(
                    f"{row['state']:10} {score:>7}  coverage {100 * row['coverage']:3.0f}%  {row['label'] or ''}"
                )
        return
    if fmt == "json":
        _print_json(result)
    else:
        _print_text(result)
