"""Solar and geomagnetic activity: CelesTrak's space-weather file and the scenarios built on it.

The file is CelesTrak's ``SW-All.txt`` (format described at
https://celestrak.org/SpaceData/SpaceWx-format.php; data from https://celestrak.org/SpaceData/,
compiled by T.S. Kelso, who places no licensing requirement on it). It holds, per day since
1957-10-01, the eight 3-hourly Kp and ap values, the daily Ap, the 10.7 cm solar radio flux
F10.7 as observed at Earth and adjusted to 1 AU, and their 81-day centred and trailing means;
then CelesTrak's daily predictions (45 days) and monthly predictions (to ~15 years ahead).
A copy taken on 2025-07-21 ships in ``orbit/data``; a fresher file can be passed to
:func:`load_space_weather` (fetching one is the job of the CelesTrak client, not this module).

:func:`solar_drivers` turns the record into the daily drivers a density model needs for one
prediction: observed values strictly before the prediction epoch, and after it a stated
scenario. When the file holds CelesTrak predictions for those days they are used; when the
prediction epoch lies inside the observed record (a hindcast) the scenario is the recent
81-day level relaxing to a mean solar cycle built only from data before the epoch (cycles
between the minima found in the 13-month smoothed monthly flux, averaged by months since
minimum). Low and high scenarios scale the post-epoch flux by a log-normal factor whose
width grows with lead time.

>>> sw = load_space_weather()
>>> sw.n_observed, sw.first_day.isoformat(), sw.last_observed.isoformat()
(24765, '1957-10-01', '2025-07-20')
>>> row = sw.on(date(2003, 11, 4))
>>> row.f107_obs, row.ap, row.kind
(560.9, 38.0, 'observed')
"""

from __future__ import annotations

import gzip
import math
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

#: The copy shipped with the package (CelesTrak, https://celestrak.org/SpaceData/).
SHIPPED_FILE = Path(__file__).with_name("data") / "celestrak-SW-All-2025-07-21.txt.gz"

OBSERVED, DAILY_PREDICTED, MONTHLY_PREDICTED = 0, 1, 2
_KIND_NAMES = ("observed", "daily predicted", "monthly predicted")

FloatArray = NDArray[np.float64]

# Column slices from the file's FORMAT(I4,I3,I3,I5,I3,8I3,I4,8I4,I4,F4.1,I2,I4,F6.1,I2,5F6.1).
_YEAR, _MONTH, _DAY = slice(0, 4), slice(4, 7), slice(7, 10)
_KP = [slice(18 + 3 * k, 21 + 3 * k) for k in range(8)]
_AP = [slice(46 + 4 * k, 50 + 4 * k) for k in range(8)]
_AP_AVG = slice(78, 82)
_ISN = slice(88, 92)
_F107_ADJ, _F107_ADJ_CTR81, _F107_ADJ_LST81 = slice(92, 98), slice(100, 106), slice(106, 112)
_F107_OBS, _F107_OBS_CTR81, _F107_OBS_LST81 = slice(112, 118), slice(118, 124), slice(124, 130)

_SECTIONS = {
    "OBSERVED": OBSERVED,
    "DAILY_PREDICTED": DAILY_PREDICTED,
    "MONTHLY_PREDICTED": MONTHLY_PREDICTED,
}


class SpaceWeatherError(ValueError):
    """A space-weather file that cannot be read, with the file and line at fault."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {reason}")
        self.source, self.line, self.reason = source, line, reason


@dataclass(frozen=True, slots=True)
class DailyIndices:
    """The indices of one day as the file gives them (NaN where the file leaves a field blank)."""

    day: date
    kind: str  # "observed", "daily predicted" or "monthly predicted" (interpolated to the day)
    f107_obs: float  # sfu, as observed at Earth
    f107_adj: float  # sfu, adjusted to 1 AU
    f107_obs_ctr81: float
    f107_obs_lst81: float
    f107_adj_ctr81: float
    f107_adj_lst81: float
    ap: float  # daily mean of the eight 3-hourly ap values
    kp: tuple[float, ...]  # the eight 3-hourly Kp values (0.0 to 9.0)


@dataclass(frozen=True, eq=False)
class SpaceWeather:
    """Daily solar and geomagnetic indices, one array element per day from ``first_day``.

    Observed days come first, then CelesTrak's daily predictions, then its monthly predictions
    interpolated linearly to days (those days have no Kp or Ap: NaN).
    """

    source: str
    updated: datetime | None
    first_day: date
    kind: NDArray[np.int8]
    f107_obs: FloatArray
    f107_adj: FloatArray
    f107_obs_ctr81: FloatArray
    f107_obs_lst81: FloatArray
    f107_adj_ctr81: FloatArray
    f107_adj_lst81: FloatArray
    ap: FloatArray
    kp: FloatArray  # shape (days, 8)
    n_observed: int
    n_daily_predicted: int
    n_monthly_predicted: int  # monthly records in the file (before interpolation)

    @property
    def last_observed(self) -> date:
        return self.first_day + timedelta(days=self.n_observed - 1)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=len(self.kind) - 1)

    def index(self, day: date) -> int:
        """Array index of ``day`` (may fall outside the arrays; callers check)."""
        return (day - self.first_day).days

    def on(self, day: date) -> DailyIndices:
        """The indices of one day; ``KeyError`` outside the file's span."""
        i = self.index(day)
        if not 0 <= i < len(self.kind):
            raise KeyError(f"{day.isoformat()} is outside {self.first_day} .. {self.last_day}")
        return DailyIndices(
            day=day,
            kind=_KIND_NAMES[int(self.kind[i])],
            f107_obs=float(self.f107_obs[i]),
            f107_adj=float(self.f107_adj[i]),
            f107_obs_ctr81=float(self.f107_obs_ctr81[i]),
            f107_obs_lst81=float(self.f107_obs_lst81[i]),
            f107_adj_ctr81=float(self.f107_adj_ctr81[i]),
            f107_adj_lst81=float(self.f107_adj_lst81[i]),
            ap=float(self.ap[i]),
            kp=tuple(float(k) for k in self.kp[i]),
        )


def _number(text: str, source: str, line: int, field: str) -> float:
    stripped = text.strip()
    if not stripped:
        return math.nan
    try:
        return float(stripped)
    except ValueError:
        raise SpaceWeatherError(source, line, f"field {field} is not a number: {text!r}") from None


def parse_space_weather(text: str, source: str = "<text>") -> SpaceWeather:
    """Parse the text of a CelesTrak ``SW-All``/``SW-Last5Years`` file.

    Raises :class:`SpaceWeatherError` naming the line for a malformed record, a gap or a repeat
    in the days, or a record count that disagrees with the ``NUM_..._POINTS`` header.
    """
    section: int | None = None
    declared: dict[int, int] = {}
    updated: datetime | None = None
    days: list[tuple[int, date, int, list[float]]] = []  # (kind, day, line number, values)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        head = line.split()[0]
        if head == "UPDATED":
            try:
                updated = datetime.strptime(line[8:].strip(), "%Y %b %d %H:%M:%S UTC").replace(
                    tzinfo=UTC
                )
            except ValueError:
                updated = None
            continue
        if head.startswith("NUM_") and head.endswith("_POINTS"):
            name = head[4:-7]
            if name in _SECTIONS:
                try:
                    declared[_SECTIONS[name]] = int(line.split()[1])
                except (IndexError, ValueError):
                    raise SpaceWeatherError(source, number, f"bad count in {head}") from None
            continue
        if head == "BEGIN":
            section = _SECTIONS.get(line.split()[1]) if len(line.split()) > 1 else None
            if section is None:
                raise SpaceWeatherError(source, number, f"unknown section {line!r}")
            continue
        if head == "END":
            section = None
            continue
        if section is None:
            continue  # header lines such as DATATYPE and VERSION
        if len(line) < 118:
            raise SpaceWeatherError(source, number, f"record too short ({len(line)} characters)")
        try:
            day = date(int(line[_YEAR]), int(line[_MONTH]), int(line[_DAY]))
        except ValueError:
            raise SpaceWeatherError(source, number, f"bad date {line[:10]!r}") from None
        padded = line.ljust(130)
        values = [
            _number(padded[_F107_OBS], source, number, "F10.7 observed"),
            _number(padded[_F107_ADJ], source, number, "F10.7 adjusted"),
            _number(padded[_F107_OBS_CTR81], source, number, "F10.7 observed centred 81-day"),
            _number(padded[_F107_OBS_LST81], source, number, "F10.7 observed last 81-day"),
            _number(padded[_F107_ADJ_CTR81], source, number, "F10.7 adjusted centred 81-day"),
            _number(padded[_F107_ADJ_LST81], source, number, "F10.7 adjusted last 81-day"),
            _number(padded[_AP_AVG], source, number, "Ap"),
        ]
        values += [
            _number(padded[s], source, number, f"Kp{k + 1}") / 10.0 for k, s in enumerate(_KP)
        ]
        if section != MONTHLY_PREDICTED and (math.isnan(values[0]) or math.isnan(values[6])):
            raise SpaceWeatherError(source, number, "daily record without F10.7 or Ap")
        days.append((section, day, number, values))
    if section is not None:
        raise SpaceWeatherError(source, None, "file ends inside a BEGIN/END section")
    daily = [d for d in days if d[0] != MONTHLY_PREDICTED]
    for (_, previous, _, _), (_, current, number, _) in pairwise(daily):
        if (current - previous).days != 1:
            raise SpaceWeatherError(source, number, f"{current} does not follow {previous}")
    counts = {kind: sum(1 for d in days if d[0] == kind) for kind in _SECTIONS.values()}
    for kind, n in declared.items():
        if counts[kind] != n:
            raise SpaceWeatherError(
                source, None, f"{_KIND_NAMES[kind]}: header says {n} records, found {counts[kind]}"
            )
    if counts[OBSERVED] == 0:
        raise SpaceWeatherError(source, None, "no observed records")
    first = daily[0][1]
    if daily[counts[OBSERVED] - 1][0] != OBSERVED or any(
        d[0] == OBSERVED for d in daily[counts[OBSERVED] :]
    ):
        raise SpaceWeatherError(source, None, "observed records must precede predictions")

    table = np.array([d[3] for d in daily], dtype=np.float64)
    kinds = np.array([d[0] for d in daily], dtype=np.int8)
    monthly = [d for d in days if d[0] == MONTHLY_PREDICTED]
    if monthly:
        table, kinds = _append_monthly(table, kinds, first, daily[-1][1], monthly, source)
    return SpaceWeather(
        source=source,
        updated=updated,
        first_day=first,
        kind=kinds,
        f107_obs=table[:, 0],
        f107_adj=table[:, 1],
        f107_obs_ctr81=table[:, 2],
        f107_obs_lst81=table[:, 3],
        f107_adj_ctr81=table[:, 4],
        f107_adj_lst81=table[:, 5],
        ap=table[:, 6],
        kp=table[:, 7:15],
        n_observed=counts[OBSERVED],
        n_daily_predicted=counts[DAILY_PREDICTED],
        n_monthly_predicted=counts[MONTHLY_PREDICTED],
    )


def _append_monthly(
    table: FloatArray,
    kinds: NDArray[np.int8],
    first: date,
    last_daily: date,
    monthly: list[tuple[int, date, int, list[float]]],
    source: str,
) -> tuple[FloatArray, NDArray[np.int8]]:
    """Interpolate the monthly predictions to days and append them after the daily records."""
    anchors_day = [(last_daily - first).days]
    anchors = [table[-1, :6]]
    for _, day, number, values in monthly:
        offset = (day - first).days
        if offset <= anchors_day[-1]:
            raise SpaceWeatherError(source, number, f"monthly record {day} is not in date order")
        anchors_day.append(offset)
        anchors.append(np.array(values[:6]))
    anchor_days = np.array(anchors_day, dtype=np.float64)
    anchor_values = np.array(anchors)
    new_days = np.arange(anchors_day[0] + 1, anchors_day[-1] + 1, dtype=np.float64)
    extra = np.full((len(new_days), table.shape[1]), np.nan)
    for column in range(6):
        extra[:, column] = np.interp(new_days, anchor_days, anchor_values[:, column])
    return (
        np.vstack([table, extra]),
        np.concatenate([kinds, np.full(len(new_days), MONTHLY_PREDICTED, dtype=np.int8)]),
    )


def load_space_weather(path: str | os.PathLike[str] | None = None) -> SpaceWeather:
    """Read a space-weather file (plain or ``.gz``); ``None`` reads the copy shipped here."""
    if path is None:
        return _shipped()
    return _read(Path(path))


@lru_cache(maxsize=1)
def _shipped() -> SpaceWeather:
    return _read(SHIPPED_FILE)


def _read(path: Path) -> SpaceWeather:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SpaceWeatherError(str(path), None, f"cannot read: {error.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SpaceWeatherError(str(path), line, "not an ASCII text file") from None
    return parse_space_weather(text, source=path.name)


# --- scenarios -------------------------------------------------------------------------------

Level = Literal["low", "nominal", "high"]

#: Log-normal spread of the post-epoch flux: sigma grows as SIGMA_MAX * (1 - exp(-lead / TAU)).
FLUX_SIGMA_MAX = 0.30
FLUX_SIGMA_TAU_DAYS = 90.0
#: z-score of the low/high scenarios (5th/95th percentiles).
SCENARIO_Z = 1.645
#: e-folding time (days) of the recent 81-day level's relaxation to the mean cycle.
RELAXATION_DAYS = 180.0
#: Daily flux above this multiple of its 81-day mean is taken as burst-contaminated and capped.
BURST_CAP = 1.6


@dataclass(frozen=True, slots=True)
class SolarDrivers:
    """Daily inputs of a density model for one prediction, from ``first_day`` on.

    ``f107`` is the daily observed-at-Earth flux (bursts capped), ``f107_81`` its 81-day centred
    mean over the same (observed then scenario) series, ``ap`` the daily Ap.
    """

    first_day: date
    epoch_day: date  # first day whose values come from the scenario
    f107: FloatArray
    f107_81: FloatArray
    ap: FloatArray
    scenario: str  # how the post-epoch values were made, for reports

    def day_offset(self, when: datetime) -> float:
        """Fractional days from ``first_day`` 00:00 UTC to the aware datetime ``when``."""
        start = datetime(self.first_day.year, self.first_day.month, self.first_day.day)
        return (when - start.replace(tzinfo=UTC)).total_seconds() / 86400.0


def _observed_until(sw: SpaceWeather, day: date) -> int:
    """Number of leading array elements usable as observations for a prediction made on ``day``."""
    return max(0, min(sw.n_observed, sw.index(day)))


def _monthly_means(values: FloatArray, first: date) -> tuple[list[date], FloatArray]:
    months: list[date] = []
    means: list[float] = []
    i = 0
    day = first
    while i < len(values):
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        n = min((nxt - day).days, len(values) - i)
        if n == (nxt - day).days:  # complete months only
            months.append(date(day.year, day.month, 1))
            means.append(float(np.mean(values[i : i + n])))
        i += n
        day = nxt
    return months, np.array(means)


@dataclass(frozen=True, slots=True)
class MeanCycle:
    """Mean solar cycle of monthly F10.7 by months since minimum, from data before ``built_before``."""

    built_before: date
    last_minimum: date
    template: FloatArray  # monthly mean flux, index = months since minimum
    cycles: int

    def at(self, day: date) -> float:
        """Mean-cycle flux on ``day``."""
        return float(self.on_days(day, np.zeros(1))[0])

    def on_days(self, start: date, offsets: FloatArray) -> FloatArray:
        """Mean-cycle flux ``offsets`` days after ``start`` (months of 365.25 / 12 days)."""
        months = (start - self.last_minimum).days / (365.25 / 12.0) + offsets / (365.25 / 12.0)
        phase = np.mod(months, len(self.template))
        k = phase.astype(np.int64)
        frac = phase - k
        return np.asarray(
            self.template[k] * (1 - frac) + self.template[(k + 1) % len(self.template)] * frac,
            dtype=np.float64,
        )


def mean_solar_cycle(sw: SpaceWeather, before: date) -> MeanCycle:
    """The mean cycle of observed F10.7 from complete cycles that ended before ``before``.

    Minima are the lowest points of the 13-month smoothed monthly flux within four years either
    side, confirmed by at least six smoothed months after them.
    """
    return _mean_cycle(sw, date(before.year, before.month, 1))


@lru_cache(maxsize=64)
def _mean_cycle(sw: SpaceWeather, before: date) -> MeanCycle:
    n = _observed_until(sw, before)
    months, means = _monthly_means(sw.f107_obs[:n], sw.first_day)
    if len(means) < 13 + 2 * 48:
        raise ValueError(f"{sw.source}: too little observed flux before {before} for a solar cycle")
    weights = np.r_[0.5, np.ones(11), 0.5] / 12.0
    smooth = np.convolve(means, weights, mode="valid")  # smooth[j] is centred on month j + 6
    minima: list[int] = []
    for j in range(len(smooth) - 6):
        window = smooth[max(0, j - 48) : j + 49]
        if smooth[j] == window.min() and (not minima or j - minima[-1] > 60):
            minima.append(j)
    if len(minima) < 2:
        raise ValueError(f"{sw.source}: no complete solar cycle before {before}")
    cycles = [smooth[a:b] for a, b in pairwise(minima)]
    length = round(float(np.mean([len(c) for c in cycles])))
    template = np.array(
        [
            np.mean([c[k] for c in cycles if k < len(c)] or [c[-1] for c in cycles])
            for k in range(length)
        ]
    )
    return MeanCycle(
        built_before=before,
        last_minimum=months[minima[-1] + 6],
        template=template,
        cycles=len(cycles),
    )


def flux_sigma(lead_days: FloatArray) -> FloatArray:
    """Log-normal sigma of the scenario flux ``lead_days`` after the epoch (0 before it)."""
    lead = np.maximum(lead_days, 0.0)
    return FLUX_SIGMA_MAX * (1.0 - np.exp(-lead / FLUX_SIGMA_TAU_DAYS))


def solar_drivers(
    sw: SpaceWeather,
    epoch: datetime,
    days: int,
    *,
    level: Level = "nominal",
    history_days: int = 60,
) -> SolarDrivers:
    """Daily F10.7, its 81-day centred mean and Ap from ``history_days`` before ``epoch`` on.

    Values for days before the epoch's date are observations; from that date on they are the
    scenario: CelesTrak's predictions where the file has them beyond its last observation,
    otherwise the recent level relaxing to the mean cycle. ``level`` moves the scenario flux to
    its 5th ("low") or 95th ("high") percentile.
    """
    epoch_day = epoch.astimezone(UTC).date()
    first = epoch_day - timedelta(days=history_days + 40)
    total = history_days + 40 + days + 41
    offsets = np.arange(total)
    idx = sw.index(first) + offsets
    n_obs = _observed_until(sw, epoch_day)
    if n_obs < 81:
        raise ValueError(f"{sw.source}: fewer than 81 observed days before {epoch_day}")
    if sw.index(first) < 0:
        raise ValueError(f"{sw.source}: no observations as early as {first}")
    f107 = np.full(total, np.nan)
    ap = np.full(total, np.nan)
    observed = idx < n_obs
    f107[observed] = sw.f107_obs[idx[observed]]
    ap[observed] = sw.ap[idx[observed]]

    recent_f = float(np.mean(sw.f107_obs[n_obs - 81 : n_obs]))
    recent_ap = float(np.mean(sw.ap[n_obs - 81 : n_obs]))
    future = np.flatnonzero(~observed)
    lead = (future - (sw.index(epoch_day) - sw.index(first))).astype(np.float64)
    parts: list[str] = []
    # CelesTrak's predictions count only for a prediction made after the file's last
    # observation: for an earlier epoch they were made with hindsight.
    predicted = np.zeros(len(future), dtype=bool)
    if n_obs == sw.n_observed:
        predicted = idx[future] < len(sw.kind)
    if predicted.any():
        cols = idx[future[predicted]]
        f107[future[predicted]] = sw.f107_obs[cols]
        ap[future[predicted]] = np.where(np.isnan(sw.ap[cols]), recent_ap, sw.ap[cols])
        parts.append("CelesTrak daily and monthly predictions")
    rest = future[~predicted]
    if len(rest):
        cycle = mean_solar_cycle(sw, epoch_day)
        long_ap = float(np.mean(sw.ap[max(0, n_obs - 4018) : n_obs]))  # about one cycle
        clim = cycle.on_days(first, rest.astype(np.float64))
        if predicted.any():  # carry on from the end of CelesTrak's predictions
            last = future[predicted][-1]
            start_f, start_ap, anchor = float(f107[last]), float(ap[last]), float(clim[0])
            since = (rest - last).astype(np.float64)
        else:
            start_f, start_ap, anchor = recent_f, recent_ap, cycle.at(epoch_day)
            since = lead[~predicted]
        weight = np.exp(-np.maximum(since, 0.0) / RELAXATION_DAYS)
        f107[rest] = clim + (start_f - anchor) * weight
        ap[rest] = long_ap + (start_ap - long_ap) * weight
        parts.append(
            f"recent 81-day level relaxing (e-folding {RELAXATION_DAYS:.0f} d) to the mean of "
            f"{cycle.cycles} solar cycles (last minimum {cycle.last_minimum:%Y-%m})"
        )
    if level != "nominal":
        sign = -1.0 if level == "low" else 1.0
        factor = np.exp(sign * SCENARIO_Z * flux_sigma(lead))
        f107[future] *= factor
        ap[future] *= factor
        parts.append(f"{level} (flux x exp({'-' if sign < 0 else '+'}{SCENARIO_Z} sigma))")

    f81 = np.convolve(f107, np.ones(81) / 81.0, mode="valid")  # f81[k] centred on day k + 40
    f107 = f107[40 : 40 + len(f81)]
    ap = ap[40 : 40 + len(f81)]
    f107 = np.minimum(f107, BURST_CAP * f81)
    return SolarDrivers(
        first_day=first + timedelta(days=40),
        epoch_day=epoch_day,
        f107=f107,
        f107_81=f81,
        ap=ap,
        scenario="; ".join(parts),
    )
