"""Wilson score interval for a share k/n: the lower bound is what spacereg ranks shares by.

A share from few objects (2 of 2) should not outrank a share from many (990 of 1,000); the lower
bound of the 95% Wilson interval (Wilson 1927) makes that so.

>>> round(wilson_lower(2, 2), 4), round(wilson_lower(990, 1000), 4)
(0.3424, 0.9817)
>>> wilson_lower(0, 0) is None
True
>>> import polars as pl
>>> pl.DataFrame({"k": [2, 990], "n": [2, 1000]}).select(
...     wilson_lower_expr(pl.col("k"), pl.col("n")).round(4)).to_series().to_list()
[0.3424, 0.9817]
"""

from __future__ import annotations

import math

import polars as pl

Z95 = 1.959963984540054


def wilson_lower(k: int, n: int, z: float = Z95) -> float | None:
    """Lower bound of the Wilson interval of k successes in n trials (None when n = 0)."""
    if n <= 0:
        return None
    if not 0 <= k <= n:
        raise ValueError(f"successes {k} outside 0..{n}")
    if k == 0:
        return 0.0
    p = k / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z2 / n))


def wilson_lower_expr(k: pl.Expr, n: pl.Expr, z: float = Z95) -> pl.Expr:
    """The same bound as a polars expression (null where n = 0)."""
    nf = n.cast(pl.Float64)
    p = k.cast(pl.Float64) / nf
    z2 = z * z
    centre = p + z2 / (2 * nf)
    spread = z * (p * (1 - p) / nf + z2 / (4 * nf * nf)).sqrt()
    bound = ((centre - spread) / (1 + z2 / nf)).clip(lower_bound=0.0)
    # At k = 0 the formula cancels to zero only up to rounding (1e-17): say 0 exactly.
    return pl.when(n <= 0).then(None).when(k == 0).then(0.0).otherwise(bound)
