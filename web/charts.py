"""Charts as Vega-Lite specs built with Altair from polars frames, rendered to SVG on the server.

Pages embed the SVG, or link it as a same-origin image that the server renders when the browser
asks for it (``src``: the page then does not wait for vl-convert), so they need no script and pass
a strict Content-Security-Policy. Every chart travels with its data as a table
(:class:`Figure`), which the page shows beside it.

Rendering runs in a worker thread (vl-convert takes ~0.1 s per chart) and is cached by spec:
the same data draws the same picture, whichever request asks.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

import altair as alt
import anyio.to_thread
import polars as pl
import vl_convert
from markupsafe import Markup

from web.i18n import Localizer

WIDTH, HEIGHT = 560, 220
#: Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
INK, ACCENT, WARN = "#1f4e79", "#b35900", "#8a1c1c"
_CACHE_SIZE = 256
#: The re-entry timeline draws this many objects at most: beyond, the rows are too thin to read.
TIMELINE_LIMIT = 30
_TIMELINE_ROW = 18


@dataclass(frozen=True)
class Figure:
    """A rendered chart with the table that says the same thing in words and numbers."""

    title: str
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Said under the title: what the chart leaves out, or how to read it.
    note: str = ""
    #: Where the page links the drawing as an SVG resource (``svg`` is then empty): rendering
    #: takes tens of milliseconds that the page itself need not wait for.
    src: str = ""


class _SvgCache:
    def __init__(self, size: int) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, svg: str) -> None:
        with self._lock:
            self._items[key] = svg
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_cache = _SvgCache(_CACHE_SIZE)


def _strip_svg(svg: str) -> str:
    # The page gives the figure its accessible name; vega's own aria tree repeats every datum.
    return svg.replace(
        '<svg xmlns="http://www.w3.org/2000/svg"',
        '<svg aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg"',
        1,
    )


def render_svg_sync(spec: dict[str, Any]) -> str:
    key = json.dumps(spec, sort_keys=True, default=str)
    found = _cache.get(key)
    if found is None:
        found = _strip_svg(vl_convert.vegalite_to_svg(spec))
        _cache.put(key, found)
    return found


async def render_svg(spec: dict[str, Any]) -> Markup:
    key = json.dumps(spec, sort_keys=True, default=str)
    found = _cache.get(key)
    if found is None:
        found = await anyio.to_thread.run_sync(render_svg_sync, spec)
    return Markup(found)


def start_renderer() -> None:
    """Start vl-convert's JavaScript engine, which takes ~0.5 s the first time in a process
    (blocking: web.warmup calls it in a worker thread at start-up, before any visitor)."""
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


async def _drawn(
    chart: alt.Chart | alt.LayerChart, title: str, src: str, height: int = HEIGHT
) -> Markup:
    """The chart rendered, or nothing when the page links to it at ``src``."""
    return Markup("") if src else await render_svg(_base(chart, title, height))


def _base(chart: alt.Chart | alt.LayerChart, title: str, height: int = HEIGHT) -> dict[str, Any]:
    spec: dict[str, Any] = (
        chart.properties(width=WIDTH, height=height, title=title)
        .configure_axis(labelFontSize=11, titleFontSize=12, labelColor="#222", titleColor="#222")
        .configure_title(fontSize=13, color="#222", anchor="start")
        .configure_view(stroke="#888")
        .to_dict()
    )
    return spec


async def altitude_history(
    frame: pl.DataFrame,
    *,
    title: str,
    epoch_label: str,
    altitude_label: str,
    apogee_label: str,
    perigee_label: str,
    window: tuple[datetime, datetime] | None = None,
    window_label: str = "",
    median: datetime | None = None,
    src: str = "",
) -> Figure:
    """Apogee and perigee altitude over time; columns ``epoch``, ``apogee_km``, ``perigee_km``.

    ``window`` (start, end) is drawn as a band and ``median`` as a line across the plot: a
    predicted re-entry window and its median time.
    """
    long = frame.select(
        pl.col("epoch").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("epoch"),
        pl.col("apogee_km").alias(apogee_label),
        pl.col("perigee_km").alias(perigee_label),
    ).unpivot(index="epoch", variable_name="which", value_name="km")
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:T", title=epoch_label),
            y=alt.Y("km:Q", title=altitude_label, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "which:N",
                title=None,
                scale=alt.Scale(domain=[apogee_label, perigee_label], range=[INK, ACCENT]),
            ),
            strokeDash=alt.StrokeDash("which:N", legend=None),
        )
    )
    chart: alt.Chart | alt.LayerChart = lines
    if window is not None:
        band = pl.DataFrame(
            {
                "start": [window[0].isoformat()],
                "end": [window[1].isoformat()],
                "what": [window_label],
            }
        )
        layers: list[alt.Chart] = [
            alt.Chart(band).mark_rect(opacity=0.25, color=WARN).encode(x="start:T", x2="end:T")
        ]
        if median is not None:
            layers.append(
                alt.Chart(pl.DataFrame({"at": [median.isoformat()]}))
                .mark_rule(color=WARN, strokeWidth=2)
                .encode(x="at:T")
            )
        chart = alt.LayerChart(layer=[*layers, lines])
    svg = await _drawn(chart, title, src)
    rows = tuple(
        (str(r[0])[:16].replace("T", " "), f"{r[1]:.0f}", f"{r[2]:.0f}")
        for r in frame.select("epoch", "apogee_km", "perigee_km").iter_rows()
    )
    return Figure(title, svg, (epoch_label, apogee_label, perigee_label), rows, src=src)


async def bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    x_label: str,
    y_label: str,
    percent: bool = False,
    table_columns: Sequence[str] | None = None,
    table_rows: Sequence[Sequence[str]] | None = None,
    src: str = "",
) -> Figure:
    """A bar per category (e.g. launch year), with an optional pre-formatted table."""
    axis = alt.Axis(format="%") if percent else alt.Axis()
    chart = (
        alt.Chart(frame)
        .mark_bar(color=INK)
        .encode(x=alt.X(f"{x}:O", title=x_label), y=alt.Y(f"{y}:Q", title=y_label, axis=axis))
    )
    svg = await _drawn(chart, title, src)
    columns = tuple(table_columns or (x_label, y_label))
    rows = (
        tuple(tuple(r) for r in table_rows)
        if table_rows is not None
        else tuple(
            (str(a), f"{b:.1%}" if percent else str(b)) for a, b in frame.select(x, y).iter_rows()
        )
    )
    return Figure(title, svg, columns, rows, src=src)


async def histogram(
    bins: Sequence[tuple[float, float, int]], *, title: str, x_label: str, count_label: str
) -> Figure:
    """Counts in bins given as (start, end, count) (miss distances, relative speeds): the chart
    and its table show the same bins."""
    counts = [n for _, _, n in bins]
    binned = pl.DataFrame(
        {"start": [b[0] for b in bins], "end": [b[1] for b in bins], "n": counts},
        schema={"start": pl.Float64, "end": pl.Float64, "n": pl.Int64},
    )
    chart = (
        alt.Chart(binned)
        .mark_bar(color=INK)
        .encode(
            x=alt.X("start:Q", title=x_label, scale=alt.Scale(zero=False)),
            x2="end:Q",
            y=alt.Y("n:Q", title=count_label),
        )
    )
    svg = await render_svg(_base(chart, title))
    rows = tuple((f"{start:.4g} - {end:.4g}", str(n)) for start, end, n in binned.iter_rows())
    return Figure(title, svg, (x_label, count_label), rows)


async def year_lines(
    frame: pl.DataFrame,
    *,
    title: str,
    x_label: str,
    y_label: str,
    table_columns: Sequence[str],
    table_rows: Sequence[Sequence[str]],
    src: str = "",
) -> Figure:
    """One line per series over launch years, shares in [0, 1]; columns ``year``, ``series``,
    ``value``. The table is given pre-formatted (it carries the counts behind each share)."""
    names = list(dict.fromkeys(frame["series"].to_list()))
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=x_label),
            y=alt.Y(
                "value:Q", title=y_label, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=names, range=[INK, ACCENT, WARN][: len(names)]),
            ),
            strokeDash=alt.StrokeDash("series:N", legend=None),
        )
    )
    svg = await _drawn(chart, title, src)
    return Figure(title, svg, tuple(table_columns), tuple(tuple(r) for r in table_rows), src=src)


def _utc(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


async def reentry_timeline(
    frame: pl.DataFrame,
    *,
    ui: Localizer,
    data_as_of: datetime | None = None,
    limit: int = TIMELINE_LIMIT,
    src: str = "",
) -> Figure:
    """Predicted re-entries, soonest first: one row per object with its 5-95 % window as a bar
    and the median as a diamond; ``data_as_of`` (the elements' time) as a dashed rule.

    ``frame`` has the columns ``norad_id``, ``designator``, ``name``, ``predicted``, ``p05`` and
    ``p95`` (UTC datetimes). Only the ``limit`` soonest are drawn and tabled; the note says so.
    """
    shown = frame.sort("predicted", "norad_id").head(limit)
    window_label = ui.gettext("Window (5th to 95th percentile)")
    median_label = ui.gettext("Median")
    as_of_label = ui.gettext("Data as of")
    keys = [window_label, median_label] + ([as_of_label] if data_as_of is not None else [])
    # The label names the row; the NORAD number keeps two unnamed objects on separate rows.
    data = shown.select(
        pl.concat_str(
            pl.col("designator").fill_null(pl.format("NORAD {}", pl.col("norad_id"))),
            pl.col("name").fill_null(""),
            separator=" ",
        )
        .str.strip_chars()
        .alias("object"),
        _utc("predicted").alias("predicted"),
        _utc("p05").alias("p05"),
        _utc("p95").alias("p95"),
    )
    order = data["object"].to_list()
    # Padded so that a rule at the earliest time stays clear of the axis line.
    time = alt.Scale(type="utc", padding=12)
    time_axis = alt.Axis(format="%Y-%m-%d", labelAngle=0, labelOverlap=True)
    x = alt.X("p05:T", title=ui.gettext("Time (UTC)"), scale=time, axis=time_axis)
    y = alt.Y("object:N", title=None, sort=order, axis=alt.Axis(labelLimit=240))
    colour = alt.Color(
        "what:N",
        scale=alt.Scale(domain=keys, range=[INK, ACCENT, WARN][: len(keys)]),
        legend=alt.Legend(title=None, orient="top"),
    )

    def marks(what: str, frame: pl.DataFrame) -> alt.Chart:
        return alt.Chart(frame.with_columns(pl.lit(what).alias("what")))

    layers: list[alt.Chart] = [
        marks(window_label, data)
        .mark_bar(height=_TIMELINE_ROW * 0.55)
        .encode(x=x, x2="p95:T", y=y, color=colour),
        marks(median_label, data)
        .mark_point(shape="diamond", filled=True, size=90, opacity=1, stroke="white", strokeWidth=1)
        .encode(x=alt.X("predicted:T", scale=time), y=y, color=colour),
    ]
    if data_as_of is not None:
        at = pl.DataFrame({"at": [data_as_of.strftime("%Y-%m-%dT%H:%M:%SZ")]})
        layers.append(
            marks(as_of_label, at)
            .mark_rule(strokeWidth=2, strokeDash=[6, 3])
            .encode(x=alt.X("at:T", scale=time), color=colour)
        )
    title = ui.gettext("Timeline of upcoming re-entries")
    height = max(len(order), 3) * _TIMELINE_ROW
    svg = await _drawn(alt.LayerChart(layer=layers), title, src, height)
    rows = tuple(
        (
            designator or "—",
            name or "—",
            ui.datetime(predicted),
            ui.datetime(p05),
            ui.datetime(p95),
        )
        for designator, name, predicted, p05, p95 in shown.select(
            "designator", "name", "predicted", "p05", "p95"
        ).iter_rows()
    )
    columns = (
        ui.gettext("International designator"),
        ui.gettext("Name"),
        ui.gettext("Predicted re-entry"),
        ui.gettext("Earliest (5th percentile)"),
        ui.gettext("Latest (95th percentile)"),
    )
    note = (
        ui.text(
            "Only the %(n)s soonest of %(total)s upcoming re-entries are drawn; the table of "
            "upcoming re-entries and the CSV export list them all.",
            n=ui.number(shown.height),
            total=ui.number(frame.height),
        )
        if frame.height > shown.height
        else ""
    )
    return Figure(title, svg, columns, rows, note, src=src)
