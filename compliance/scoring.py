"""Weighted scores from criterion frames: normalised over applicable, assessed criteria.

S = sum(w s) / sum(w) over the criteria that apply and were assessed; not-applicable criteria
leave numerator and denominator; applicable but unassessed ones lower the coverage
(assessed weight / applicable weight), never the score.

>>> import polars as pl
>>> frames = {
...     "A": pl.LazyFrame({"k": [1, 2], "applicable": [True, True], "score": [1.0, None],
...                        "low": [1.0, None], "high": [1.0, None], "grade": ["E1", "E0"],
...                        "reason": ["x", "y"], "provisional": [False, False]}),
...     "B": pl.LazyFrame({"k": [1, 2], "applicable": [True, False], "score": [0.5, None],
...                        "low": [0.0, None], "high": [0.5, None], "grade": ["E2", "E0"],
...                        "reason": ["x", "y"], "provisional": [False, False]})}
>>> long = long_form(frames, "k", {"A": 30.0, "B": 10.0})
>>> weighted_scores(long, "k").collect().select("k", "score", "low", "coverage").rows()
[(1, 0.875, 0.75, 1.0), (2, None, None, 0.0)]
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from compliance.methodology import Methodology

LONG_COLUMNS = ("applicable", "score", "low", "high", "grade", "reason", "provisional")


def long_form(
    frames: Mapping[str, pl.LazyFrame], key: str, weights: Mapping[str, float]
) -> pl.LazyFrame:
    """One row per (subject, criterion) with its weight."""
    parts = [
        frame.select(
            key,
            pl.lit(cid).alias("criterion"),
            pl.lit(float(weights[cid])).alias("weight"),
            *LONG_COLUMNS,
        )
        for cid, frame in frames.items()
    ]
    return pl.concat(parts, how="vertical_relaxed")


def weighted_scores(long: pl.LazyFrame, key: str) -> pl.LazyFrame:
    """Per subject: score, low, high (0-1, null when nothing assessed), coverage, weights."""
    applies = pl.col("applicable")
    assessed = applies & pl.col("score").is_not_null()
    w_assessed = pl.col("weight").filter(assessed).sum()
    w_applicable = pl.col("weight").filter(applies).sum()

    def weighted(column: str) -> pl.Expr:
        total = (pl.col("weight") * pl.col(column)).filter(assessed).sum()
        return pl.when(w_assessed > 0).then(total / w_assessed).otherwise(None).alias(column)

    return (
        long.group_by(key)
        .agg(
            weighted("score"),
            weighted("low"),
            weighted("high"),
            pl.when(w_applicable > 0)
            .then(w_assessed / w_applicable)
            .otherwise(0.0)
            .alias("coverage"),
            w_assessed.alias("weight_assessed"),
            w_applicable.alias("weight_applicable"),
            pl.col("provisional").filter(assessed).any().alias("provisional"),
        )
        .sort(key)
    )


def label_expr(m: Methodology) -> pl.Expr:
    """The label of ``score`` (0-1) given ``coverage``, as an expression (null below coverage)."""
    percent = pl.col("score") * 100.0
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for bound, name in reversed(m.value("scoring", "labels")):
        expr = pl.when(percent >= float(bound)).then(pl.lit(str(name))).otherwise(expr)
    return (
        pl.when((pl.col("coverage") >= m.min_coverage) & pl.col("score").is_not_null())
        .then(expr)
        .otherwise(None)
    )
