"""A State's compliance as its page shows it: the service's report, its reason cards grouped by
guideline family (LTS groups A-D, then the debris-mitigation guidelines) and the per-year trends
of S1, S2 and S4 as a chart with its table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from compliance import service
from compliance.guidelines import load_guidelines
from registry.db import Database
from registry.errors import NotFound
from web import charts
from web.i18n import Localizer

#: Guideline families in page order; the LTS group titles are the guidelines' own headings.
FAMILIES = ("A", "B", "C", "D", "SDMG")


@dataclass(frozen=True)
class Family:
    group: str
    cards: list[dict[str, Any]]
    coverage: float | None


async def report_of(db: Database, state: str) -> dict[str, Any] | None:
    """The report the API gives for the State; None when no object counts for it."""
    try:
        return await service.state_compliance(db, state)
    except NotFound:
        return None


def families(report: dict[str, Any]) -> list[Family]:
    """Cards under the family of their first guideline (the one the criterion mainly serves),
    every family listed even when no criterion measures it, with its coverage."""
    catalog = load_guidelines()
    verified = report["verified"]
    grouped: dict[str, list[dict[str, Any]]] = {g: [] for g in FAMILIES}
    for card in verified["criteria"]:
        first = card["guidelines"][0] if card["guidelines"] else None
        group = catalog.guideline(first).group if first else "SDMG"
        grouped.setdefault(group, []).append(card)
    coverage = verified.get("coverage_by_group") or {}
    return [Family(g, cards, coverage.get(g)) for g, cards in grouped.items()]


def _share(value: Any, n: Any, ui: Localizer) -> str:
    return "—" if value is None else f"{ui.percent(value)} (n = {ui.number(n)})"


async def trends(report: dict[str, Any], ui: Localizer, *, src: str = "") -> charts.Figure | None:
    """S1 (registered share), S2 (mean timeliness) and S4 (share meeting the 25-year rule) by
    launch year; None when the State has no year with any of them."""
    series = report["series"]
    names = {
        "S1": ui.gettext("S1 registered share"),
        "S2": ui.gettext("S2 mean timeliness"),
        "S4": ui.gettext("S4 share meeting the 25-year rule"),
    }
    value_of = {"S1": "share", "S2": "mean_o2", "S4": "share_25"}
    count_of = {"S1": "n", "S2": "n_dated", "S4": "n"}
    points = [
        (row["launch_year"], names[cid], row[value_of[cid]])
        for cid in ("S1", "S2", "S4")
        for row in series.get(cid, [])
        if row.get("launch_year") is not None and row.get(value_of[cid]) is not None
    ]
    if not points:
        return None
    frame = pl.DataFrame(
        points, schema={"year": pl.Int64, "series": pl.String, "value": pl.Float64}, orient="row"
    )
    by_year: dict[int, dict[str, dict[str, Any]]] = {}
    for cid in ("S1", "S2", "S4"):
        for row in series.get(cid, []):
            if row.get("launch_year") is not None:
                by_year.setdefault(row["launch_year"], {})[cid] = row
    rows = [
        (
            str(year),
            *(
                _share(
                    by_year[year].get(cid, {}).get(value_of[cid]),
                    by_year[year].get(cid, {}).get(count_of[cid]),
                    ui,
                )
                for cid in ("S1", "S2", "S4")
            ),
        )
        for year in sorted(by_year)
    ]
    return await charts.year_lines(
        frame,
        title=ui.gettext("Compliance trends by launch year"),
        x_label=ui.gettext("Launch year"),
        y_label=ui.gettext("Share or mean score"),
        table_columns=(ui.gettext("Launch year"), names["S1"], names["S2"], names["S4"]),
        table_rows=rows,
        src=src,
    )
