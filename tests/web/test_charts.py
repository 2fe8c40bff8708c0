"""Chart helpers: the bins a histogram draws are the bins its table lists."""

from __future__ import annotations

import numpy as np

from web.charts import histogram


async def test_histogram_bins_are_round_and_counted_here() -> None:
    figure = await histogram(
        [0.2, 0.4, 1.1, 4.9], title="Miss distance", x_label="km", count_label="n", bins=5
    )
    assert figure.rows == (
        ("0 - 1", "2"),
        ("1 - 2", "1"),
        ("2 - 3", "0"),
        ("3 - 4", "0"),
        ("4 - 5", "1"),
    )


async def test_histogram_of_a_full_screening_draws_twenty_bars() -> None:
    """67,000 close approaches (the demo's 24 h screening at 5 km): Altair refuses data sets of
    more than 5,000 rows, so the counts must be made before the chart."""
    rng = np.random.default_rng(7)
    values = rng.uniform(0.0, 5.0, 67_000).tolist()
    figure = await histogram(values, title="Miss distance", x_label="km", count_label="n")
    assert len(figure.rows) <= 20
    assert sum(int(n) for _, n in figure.rows) == 67_000
    assert str(figure.svg).count("<path") >= len(figure.rows)


async def test_histogram_of_nothing() -> None:
    figure = await histogram([], title="t", x_label="km", count_label="n")
    assert figure.rows == ()
