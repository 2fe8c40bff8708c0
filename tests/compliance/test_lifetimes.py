"""Lifetime helpers: the p90 of the engine's log-normal, and the class range at p25/p75."""

from __future__ import annotations

import math

import polars as pl
import pytest
from scipy.stats import lognorm

from compliance.lifetimes import p90_expr, p90_from


@pytest.mark.parametrize(("median", "sigma"), [(3.0, 0.3), (12.0, 0.6), (40.0, 1.1)])
def test_p90_matches_lognormal(median: float, sigma: float) -> None:
    dist = lognorm(s=sigma, scale=median)
    p75, p90, p95 = (float(dist.ppf(q)) for q in (0.75, 0.90, 0.95))
    assert p90_from(p75, p95) == pytest.approx(p90, rel=1e-9)
    got = pl.select(p90_expr(pl.lit(p75), pl.lit(p95))).item()
    assert got == pytest.approx(p90, rel=1e-9)


def test_p90_beyond_limit_stays_infinite() -> None:
    assert math.isinf(p90_from(30.0, math.inf))
    assert math.isinf(pl.select(p90_expr(pl.lit(30.0), pl.lit(math.inf))).item())
