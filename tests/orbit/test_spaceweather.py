"""CelesTrak space-weather parsing and the solar scenarios built on it."""

from __future__ import annotations

import gzip
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from orbit.spaceweather import (
    SHIPPED_FILE,
    SpaceWeatherError,
    load_space_weather,
    mean_solar_cycle,
    parse_space_weather,
    solar_drivers,
)
from tests.conftest import shared_file

SW_FILE = "spaceweather/celestrak-SW-All-2025-07-21.txt"


def test_shipped_copy_is_the_reference_file() -> None:
    """The packaged copy decompresses to exactly the file in shared/data."""
    assert gzip.decompress(SHIPPED_FILE.read_bytes()) == shared_file(SW_FILE).read_bytes()


def test_record_counts() -> None:
    sw = load_space_weather()
    assert sw.n_observed == 24_765
    assert sw.n_daily_predicted == 39
    assert sw.n_monthly_predicted == 194
    assert sw.first_day == date(1957, 10, 1)
    assert sw.last_observed == date(2025, 7, 20)
    assert sw.last_day == date(2041, 10, 1)
    assert sw.updated == datetime(2025, 7, 21, 10, 37, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "ap"),
    [
        # Daily Ap of the great storms (NOAA/GFZ): March 1989 and the 2003 "Halloween" storms.
        (date(1989, 3, 13), 246.0),
        (date(2003, 10, 29), 204.0),
        (date(2003, 10, 30), 191.0),
    ],
)
def test_known_storm_days(day: date, ap: float) -> None:
    assert load_space_weather().on(day).ap == ap


def test_columns_of_one_day() -> None:
    """Every column of the first record lands in its field (values read off the file)."""
    row = load_space_weather().on(date(1957, 10, 1))
    assert row.kind == "observed"
    assert (row.f107_adj, row.f107_adj_ctr81, row.f107_adj_lst81) == (269.8, 266.8, 235.5)
    assert (row.f107_obs, row.f107_obs_ctr81, row.f107_obs_lst81) == (269.3, 266.6, 230.9)
    assert row.ap == 21.0
    assert row.kp == (4.3, 4.0, 3.0, 2.0, 3.7, 2.3, 4.3, 3.7)


def test_predictions_follow_observations() -> None:
    sw = load_space_weather()
    daily = sw.on(date(2025, 7, 21))
    assert daily.kind == "daily predicted" and daily.f107_obs == 116.2 and daily.ap == 4.0
    monthly = sw.on(date(2025, 9, 1))
    assert monthly.kind == "monthly predicted" and monthly.f107_obs == 163.4
    assert math.isnan(monthly.ap)  # monthly predictions carry no geomagnetic index
    # Between two monthly points the flux is interpolated linearly.
    mid = sw.on(date(2025, 9, 16))
    assert mid.f107_obs == pytest.approx(163.4 + (162.5 - 163.4) * 15 / 30)


def test_fresher_file_passed_in(tmp_path: Path) -> None:
    """A file cut after its last observation (as a newer download would end) parses."""
    lines = shared_file(SW_FILE).read_text().splitlines()
    end = lines.index("END OBSERVED")
    cut = [
        ln.replace("NUM_OBSERVED_POINTS 24765", "NUM_OBSERVED_POINTS 24700")
        for ln in lines[: end - 65]
    ]
    path = tmp_path / "SW-Last.txt.gz"
    path.write_bytes(gzip.compress(("\n".join([*cut, "END OBSERVED", ""])).encode()))
    sw = load_space_weather(path)
    assert sw.n_observed == 24_700 and sw.n_daily_predicted == 0
    assert sw.last_observed == date(2025, 5, 16)


def test_bad_record_names_its_line() -> None:
    text = shared_file(SW_FILE).read_text().splitlines()
    text[20] = text[20][:112] + "  abc " + text[20][118:]
    with pytest.raises(SpaceWeatherError, match=r"SW\.txt, line 21: field F10\.7 observed"):
        parse_space_weather("\n".join(text), source="SW.txt")


def test_gap_and_count_errors() -> None:
    text = shared_file(SW_FILE).read_text().splitlines()
    gap = text[:30] + text[31:]
    with pytest.raises(SpaceWeatherError, match=r"line 31: 1957-10-15 does not follow 1957-10-13"):
        parse_space_weather("\n".join(gap), source="SW.txt")
    begin = text.index("BEGIN OBSERVED")
    short = text[: begin + 1] + text[begin + 2 :]  # the first day dropped: no gap, one short
    with pytest.raises(SpaceWeatherError, match="header says 24765 records, found 24764"):
        parse_space_weather("\n".join(short), source="x")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SpaceWeatherError, match="cannot read"):
        load_space_weather(tmp_path / "missing.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"DATATYPE \xff\xfe")
    with pytest.raises(SpaceWeatherError, match="line 1: not an ASCII text file"):
        load_space_weather(binary)


def test_solar_cycle_minima() -> None:
    """Minima found from the smoothed flux: cycle 25 began in December 2019 (NOAA/NASA panel)."""
    sw = load_space_weather()
    assert mean_solar_cycle(sw, date(2021, 5, 29)).last_minimum == date(2019, 12, 1)
    before = mean_solar_cycle(sw, date(2019, 3, 19))
    assert before.last_minimum.year == 2008 and before.cycles == 4  # cycles 20-23
    assert 120 < len(before.template) < 140  # about 11 years of months
    assert before.template.max() > 2 * before.template[0]


def test_hindcast_uses_only_earlier_observations() -> None:
    sw = load_space_weather()
    epoch = datetime(2021, 5, 29, 12, tzinfo=UTC)
    drivers = solar_drivers(sw, epoch, 200, history_days=30)
    assert drivers.first_day == date(2021, 4, 29)
    observed = sw.f107_obs[sw.index(date(2021, 4, 29)) : sw.index(date(2021, 5, 29))]
    np.testing.assert_array_equal(
        drivers.f107[:30], np.minimum(observed, 1.6 * drivers.f107_81[:30])
    )
    # After the epoch: a smooth scenario, not the (known with hindsight) observations.
    after = drivers.f107[31:200]
    truth = sw.f107_obs[sw.index(date(2021, 5, 30)) : sw.index(date(2021, 5, 30)) + len(after)]
    assert not np.allclose(after, truth)
    assert np.all(np.abs(np.diff(after)) < 1.0)
    assert "solar cycles" in drivers.scenario


def test_forecast_uses_celestrak_predictions() -> None:
    sw = load_space_weather()
    epoch = datetime(2025, 7, 21, 12, tzinfo=UTC)
    drivers = solar_drivers(sw, epoch, 60, history_days=0)
    assert drivers.scenario.startswith("CelesTrak daily and monthly predictions")
    assert drivers.f107[0] == pytest.approx(116.2)  # the daily prediction for 2025-07-21
    assert drivers.ap[3] == 17.0  # ... and for 2025-07-24


def test_scenario_spread_grows_with_lead_time() -> None:
    sw = load_space_weather()
    epoch = datetime(2022, 1, 22, tzinfo=UTC)
    low, nominal, high = (
        solar_drivers(sw, epoch, 365, level=level) for level in ("low", "nominal", "high")
    )
    start = (epoch.date() - low.first_day).days
    assert low.f107_81[start - 50] == nominal.f107_81[start - 50] == high.f107_81[start - 50]
    ratio_soon = high.f107_81[start + 30] / low.f107_81[start + 30]
    ratio_late = high.f107_81[start + 300] / low.f107_81[start + 300]
    assert 1.0 < ratio_soon < ratio_late < math.exp(2 * 1.645 * 0.3) + 1e-9
    with pytest.raises(ValueError, match="fewer than 81 observed days before 1957-11-01"):
        solar_drivers(sw, datetime(1957, 11, 1, tzinfo=UTC), 10, history_days=0)
    assert solar_drivers(sw, epoch + timedelta(days=1), 10).epoch_day == date(2022, 1, 23)
