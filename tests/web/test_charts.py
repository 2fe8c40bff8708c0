"""Chart helpers: the bins a histogram draws are the bins its table lists."""

from __future__ import annotations

from web.charts import histogram


async def test_histogram_draws_and_tables_the_given_bins() -> None:
    bins = [(0.0, 1.0, 2), (1.0, 2.0, 1), (2.0, 3.0, 0), (3.0, 4.0, 0), (4.0, 5.0, 1)]
    figure = await histogram(bins, title="Miss distance", x_label="km", count_label="n")
    assert figure.rows == (
        ("0 - 1", "2"),
        ("1 - 2", "1"),
        ("2 - 3", "0"),
        ("3 - 4", "0"),
        ("4 - 5", "1"),
    )
    assert str(figure.svg).count("<path") >= len(bins)


async def test_histogram_of_nothing() -> None:
    figure = await histogram([], title="t", x_label="km", count_label="n")
    assert figure.rows == ()
