"""Charts as Vega-Lite specs built with Altair from polars frames, rendered to SVG on the server.

Pages embed the SVG, so they need no script and pass a strict Content-Security-Policy. Every
chart travels with its data as a table (:class:`Figure`), which the page shows beside it.

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

WIDTH, HEIGHT = 560, 220
#: Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphical objects).
INK, ACCENT, WARN = "#1f4e79", "#b35900", "#8a1c1c"
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Figure:
    """A rendered chart with the table that says the same thing in words and numbers."""

    title: str
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


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


def _base(chart: alt.Chart | alt.LayerChart, title: str) -> dict[str, Any]:
    spec: dict[str, Any] = (
        chart.properties(width=WIDTH, height=HEIGHT, title=title)
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
    svg = await render_svg(_base(chart, title))
    rows = tuple(
        (str(r[0])[:16].replace("T", " "), f"{r[1]:.0f}", f"{r[2]:.0f}")
        for r in frame.select("epoch", "apogee_km", "perigee_km").iter_rows()
    )
    return Figure(title, svg, (epoch_label, apogee_label, perigee_label), rows)


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
) -> Figure:
    """A bar per category (e.g. launch year), with an optional pre-formatted table."""
    axis = alt.Axis(format="%") if percent else alt.Axis()
    chart = (
        alt.Chart(frame)
        .mark_bar(color=INK)
        .encode(x=alt.X(f"{x}:O", title=x_label), y=alt.Y(f"{y}:Q", title=y_label, axis=axis))
    )
    svg = await render_svg(_base(chart, title))
    columns = tuple(table_columns or (x_label, y_label))
    rows = (
        tuple(tuple(r) for r in table_rows)
        if table_rows is not None
        else tuple(
            (str(a), f"{b:.1%}" if percent else str(b)) for a, b in frame.select(x, y).iter_rows()
        )
    )
    return Figure(title, svg, columns, rows)


async def histogram(
    values: Sequence[float], *, title: str, x_label: str, count_label: str, bins: int = 20
) -> Figure:
    """Counts of values in equal bins (miss distances, relative speeds)."""
    frame = pl.DataFrame({"v": list(values)}, schema={"v": pl.Float64})
    chart = (
        alt.Chart(frame)
        .mark_bar(color=INK)
        .encode(
            x=alt.X("v:Q", bin=alt.Bin(maxbins=bins), title=x_label),
            y=alt.Y("count():Q", title=count_label),
        )
    )
    svg = await render_svg(_base(chart, title))
    if frame.height:
        low, high = float(frame["v"].min()), float(frame["v"].max())  # type: ignore[arg-type]
        step = (high - low) / bins or 1.0
        counts = (
            frame.with_columns(((pl.col("v") - low) / step).floor().clip(0, bins - 1).alias("b"))
            .group_by("b")
            .len()
            .sort("b")
        )
        rows = tuple(
            (f"{low + b * step:.3g} - {low + (b + 1) * step:.3g}", str(n))
            for b, n in counts.iter_rows()
        )
    else:
        rows = ()
    return Figure(title, svg, (x_label, count_label), rows)


async def year_lines(
    frame: pl.DataFrame,
    *,
    title: str,
    x_label: str,
    y_label: str,
    table_columns: Sequence[str],
    table_rows: Sequence[Sequence[str]],
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
    svg = await render_svg(_base(chart, title))
    return Figure(title, svg, tuple(table_columns), tuple(tuple(r) for r in table_rows))
