"""The Wilson lower bound against SciPy's implementation (an independent reference)."""

from __future__ import annotations

import polars as pl
import pytest
from scipy.stats import binomtest

from compliance.wilson import wilson_lower, wilson_lower_expr

CASES = [(0, 5), (1, 1), (2, 2), (23, 34), (13, 29), (262, 589), (6273, 6321), (566, 2826)]


@pytest.mark.parametrize(("k", "n"), CASES)
def test_matches_scipy(k: int, n: int) -> None:
    reference = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson").low
    assert wilson_lower(k, n) == pytest.approx(reference, abs=1e-12)


def test_expression_matches_scalar() -> None:
    frame = pl.DataFrame({"k": [k for k, _ in CASES], "n": [n for _, n in CASES]})
    got = frame.select(wilson_lower_expr(pl.col("k"), pl.col("n"))).to_series().to_list()
    assert got == pytest.approx([wilson_lower(k, n) for k, n in CASES], abs=1e-12)


def test_small_samples_rank_below_large_ones() -> None:
    assert wilson_lower(2, 2) < wilson_lower(990, 1000)  # type: ignore[operator]


def test_bad_counts() -> None:
    assert wilson_lower(0, 0) is None
    with pytest.raises(ValueError, match="outside"):
        wilson_lower(5, 3)
