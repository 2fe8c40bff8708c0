"""Re-entry prediction and orbital lifetime, with an uncertainty window, from element sets.

Method (per object, from its newest element set):

1. State: SGP4 mean semi-major axis (un-Kozai'd mean motion, WGS-72), eccentricity and
   inclination at the element-set epoch.
2. Ballistic coefficient beta = C_D A / m. B* means something only through SGP4's own density
   model, so beta is calibrated: the orbit-averaged decay rate da/dt of this module's model
   at the epoch (Jacchia 1971 with the observed solar indices) is made equal to SGP4's own
   rate (the mean semi-major axis of the ``Satrec`` differenced over +-15 minutes; for SDP4
   objects minus the same for a drag-free twin, so that resonance terms cancel). When several
   element sets of the object span at least a day after its last orbit raise, beta comes
   instead from the observed fall of the mean semi-major axis against the model's fall over
   the same interval (the TLE-based fit of Gondelach, Armellin and Lidtke, "Ballistic
   coefficient estimation for reentry prediction of rocket bodies in eccentric orbits based
   on TLE data", 2017, in its simplest form). B* <= 0 with no such history: no prediction.
3. Decay: :func:`orbit.decay.integrate_decay` (orbit-averaged drag, King-Hele) with the
   density of :mod:`orbit.atmosphere` driven by :func:`orbit.spaceweather.solar_drivers`:
   observed F10.7 and Ap before the epoch, a stated scenario after it. Heights are above the
   ellipsoid at each point's latitude; eccentric orbits use the density of the diurnal bulge
   at their perigee's latitude and solar hour angle rather than the global average.
4. Sun and Moon: for eccentric orbits (e >= 0.05) with a perigee below 1,500 km, the
   orbit-averaged quadrupole eccentricity rate of the Sun and the Moon
   (:mod:`orbit.thirdbody`, DE421 positions) is added to the drag rate day by day, along
   the orbit's J2 rotation of node and perigee, scaled with a^1.5 e sqrt(1 - e^2) as the
   orbit decays. This lowers or raises the perigee of GTO and Molniya orbits, which a
   drag-only model cannot (it predicts them up to 3x too late). SDP4 has such terms too, but
   with secular rates frozen at the epoch geometry, while a GTO's perigee turns by ~0.7 deg a
   day: over the months that matter the frozen rate drifts away (on the validation
   snapshots it doubled the median error of eccentric rocket bodies). What SDP4 does give is
   the perigee fitted to the observations: deep-space objects start from SDP4's
   revolution-averaged eccentricity at the epoch (its long-period terms included), up to
   ~30 km of perigee away from the TLE's mean value. Such objects carry the flag
   :data:`LUNI_SOLAR_FLAG`; every orbit with e > 0.1 is flagged "eccentric" (its window is
   wider, see below).
5. Spread: the decay is run with the low, nominal and high flux scenarios (5th/50th/95th
   percentiles of the flux); the remaining lifetime is taken as log-normal around the
   nominal run, with a width on each side that combines the flux spread in quadrature with
   :data:`SIGMA_OTHER`: the ballistic coefficient from one element set, the density
   model's structure, attitude, and (for eccentric orbits) the perigee history. Those two
   values (near-circular, eccentric) were tuned on the 2019-03-19 catalog snapshot only, to
   put 90% of its rocket bodies and debris inside p05-p95 (``bench/reentry_validation.py``
   prints the values that snapshot asks for). With a decay history the same widths are
   used: there was no validation data to narrow them.

References: Jacchia, SAO Special Report 332 (1971); King-Hele, "Satellite Orbits in an
Atmosphere" (1987); Vallado, "Fundamentals of Astrodynamics and Applications", 4th ed.
(2013), ch. 8-9; ISO 27852 (orbit lifetime estimation); Hoots and Roehrich, Spacetrack
Report No. 3 (SGP4/SDP4); CelesTrak space weather, https://celestrak.org/SpaceData/.

>>> from datetime import datetime, timezone
>>> from orbit.elements import ElementSet
>>> debris = ElementSet(
...     norad_id=44805, designator="2019-074A", name="EXAMPLE DEB",
...     epoch=datetime(2022, 1, 20, 12, 0, tzinfo=timezone.utc),
...     mean_motion=15.95, eccentricity=0.0008, inclination_deg=53.0, raan_deg=10.0,
...     arg_perigee_deg=90.0, mean_anomaly_deg=270.0, bstar=6.0e-4, mean_motion_dot=2.0e-4)
>>> prediction = predict_reentry([debris], horizon_days=365)
>>> prediction.p05 < prediction.predicted < prediction.p95
True
>>> 5 < (prediction.predicted - debris.epoch).days < 120
True
>>> estimate = lifetime([debris])
>>> estimate.p05 < estimate.p25 < estimate.p50 < estimate.p75 < estimate.p95
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec

from orbit.atmosphere import DensityModel, Jacchia71
from orbit.decay import (
    EARTH_RADIUS_KM,
    MU_KM3_S2,
    DriverTable,
    LuniSolarRate,
    apsidal_rate,
    averaged_rates,
    integrate_decay,
    nodal_rate,
)
from orbit.elements import ElementSet
from orbit.facts import classical_elements
from orbit.spaceweather import Level, SpaceWeather, load_space_weather, solar_drivers
from orbit.thirdbody import EPHEMERIS_END_MJD, eccentricity_rate

FloatArray = NDArray[np.float64]

#: Log-normal sigma of the remaining lifetime from everything but the flux scenario, by orbit
#: class (eccentricity above :data:`ECCENTRIC`); tuned on the 2019-03-19 snapshot.
SIGMA_OTHER = {"near-circular": 0.08, "eccentric": 0.41}
ECCENTRIC = 0.1
Z95 = 1.6448536269514722
Z75 = 0.6744897501960817

#: Objects whose perigee is higher than this cannot matter for any horizon we are asked about.
MAX_PERIGEE_KM = 2000.0
#: Eccentric orbits with a perigee below this get the Sun's and Moon's eccentricity rate.
LUNI_SOLAR_PERIGEE_KM = 1500.0
LUNI_SOLAR_FLAG = "luni-solar perigee change (Sun and Moon quadrupole, DE421)"
DAYS_PER_YEAR = 365.25
#: The low-flux run goes on to this multiple of the nominal remaining time.
LOW_RUN_FACTOR = 4.0
#: Integration step limits (see :func:`orbit.decay.integrate_decay`).
MAX_STEP_DAYS = 1.0
LONG_STEP_FRACTION = 0.05
_SGP4_STEP_MIN = 15.0
#: Osculating states averaged over one revolution for SDP4's eccentricity at the epoch.
_REVOLUTION_SAMPLES = 12
_LEVELS: tuple[Level, ...] = ("low", "nominal", "high")  # row order within each epoch group

Status = Literal["predicted", "not within horizon", "no prediction"]


class NoPrediction(ValueError):
    """The element sets do not allow a drag estimate (for instance B* <= 0 and no history)."""

    def __init__(self, norad_id: int, reason: str) -> None:
        super().__init__(f"{norad_id}: {reason}")
        self.norad_id, self.reason = norad_id, reason


@dataclass(frozen=True, slots=True)
class ReentryPrediction:
    """Predicted re-entry of one object: median and 5th/95th percentile times (UTC)."""

    norad_id: int
    designator: str | None
    name: str | None
    epoch: datetime  # epoch of the element set the prediction starts from
    predicted: datetime
    p05: datetime
    p95: datetime
    method: str
    flags: tuple[str, ...] = ()
    ballistic_coefficient: float = math.nan  # calibrated C_D A / m, m^2/kg


@dataclass(frozen=True, slots=True)
class LifetimeEstimate:
    """Remaining orbital lifetime from ``epoch``, in years (``inf``: beyond ``max_years``)."""

    norad_id: int
    epoch: datetime
    p05: float
    p25: float
    p50: float
    p75: float
    p95: float
    method: str
    flags: tuple[str, ...] = ()
    ballistic_coefficient: float = math.nan  # calibrated C_D A / m, m^2/kg

    @property
    def reentry(self) -> datetime | None:
        """Median re-entry date, or None beyond the integration limit."""
        if math.isinf(self.p50):
            return None
        return self.epoch + timedelta(days=self.p50 * DAYS_PER_YEAR)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a catalog run found for one object."""

    norad_id: int
    newest: ElementSet
    status: Status
    prediction: ReentryPrediction | None = None
    lifetime: LifetimeEstimate | None = None
    reason: str | None = None


# --- preparation ------------------------------------------------------------------------------


@dataclass
class _Object:
    newest: ElementSet
    a_km: float
    e: float
    inclination: float
    arg_perigee: float
    raan: float
    deep: bool
    sgp4_rate: float  # da/dt km/day from SGP4 (negative when decaying), NaN if unusable
    history: list[tuple[ElementSet, float, float]] = field(default_factory=list)  # (es, a, e)
    flags: list[str] = field(default_factory=list)


def _mean_elements(es: ElementSet) -> tuple[Satrec, float]:
    sat = es.to_satrec()
    if sat.error:
        raise NoPrediction(es.norad_id, f"SGP4 rejects the elements (error {sat.error})")
    return sat, float(sat.a * sat.radiusearthkm)


def _sgp4_decay_rate(es: ElementSet, sat: Satrec) -> float:
    """SGP4's own da/dt at the epoch (km/day), drag part only; NaN if SGP4 cannot say."""

    def rate(s: Satrec) -> float:
        values = []
        for t in (-_SGP4_STEP_MIN, _SGP4_STEP_MIN):
            error, _, _ = s.sgp4_tsince(t)
            if error:
                return math.nan
            values.append(s.am)
        return (values[1] - values[0]) * s.radiusearthkm / (2 * _SGP4_STEP_MIN / 1440.0)

    value = rate(sat)
    if sat.method == "d":
        value -= rate(replace(es, bstar=0.0).to_satrec())
    if math.isnan(value) and es.mean_motion_dot > 0:
        # The TLE's ndot/2 field agrees with SGP4's decay to ~0.4% (median).
        n = es.mean_motion
        value = -(2.0 / 3.0) * (sat.a * sat.radiusearthkm) * 2.0 * es.mean_motion_dot / n
    return value


def _prepare(group: Sequence[ElementSet]) -> _Object:
    ordered = sorted(group, key=lambda es: es.epoch)
    newest = ordered[-1]
    sat, a_km = _mean_elements(newest)
    obj = _Object(
        newest=newest,
        a_km=a_km,
        e=newest.eccentricity,
        inclination=math.radians(newest.inclination_deg),
        arg_perigee=math.radians(newest.arg_perigee_deg),
        raan=math.radians(newest.raan_deg),
        deep=sat.method == "d",
        sgp4_rate=_sgp4_decay_rate(newest, sat) if newest.bstar > 0 else math.nan,
    )
    # History after the last orbit raise (a rise of the mean semi-major axis above noise).
    states: list[tuple[ElementSet, float, float]] = []
    for es in ordered[:-1]:
        if (newest.epoch - es.epoch).total_seconds() > 60 * 86400:
            continue
        try:
            _, a_old = _mean_elements(es)
        except NoPrediction:
            continue
        states.append((es, a_old, es.eccentricity))
    states.append((newest, a_km, newest.eccentricity))
    start = 0
    for k in range(1, len(states)):
        if states[k][1] > states[k - 1][1] + 0.2:
            start = k
    if start:
        obj.flags.append("orbit raised in the element-set history")
    obj.history = [s for s in states[start:-1] if (newest.epoch - s[0].epoch).days >= 1]
    if obj.e > ECCENTRIC:
        obj.flags.append("eccentric")
    return obj


# --- the batch pipeline -----------------------------------------------------------------------


def _day(when: datetime, first: date) -> float:
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    return (when - start).total_seconds() / 86400.0


def _mjd(day: date) -> float:
    return float((day - date(1858, 11, 17)).days)


@dataclass
class _Drivers:
    table: DriverTable
    first: date
    group_of_day: dict[date, int]
    scenario: str


def _build_drivers(sw: SpaceWeather, epoch_days: list[date], first: date, last: date) -> _Drivers:
    f107, f81, ap = [], [], []
    scenario = ""
    for day in epoch_days:
        epoch = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for level in _LEVELS:
            d = solar_drivers(
                sw, epoch, (last - day).days, level=level, history_days=(day - first).days
            )
            f107.append(d.f107)
            f81.append(d.f107_81)
            ap.append(d.ap)
            if level == "nominal":
                scenario = d.scenario
    table = DriverTable.from_f107(np.array(f107), np.array(f81), np.array(ap), _mjd(first))
    return _Drivers(table, first, {d: k for k, d in enumerate(epoch_days)}, scenario)


def _luni_solar(
    objects: list[_Object], drivers: _Drivers, end_day: FloatArray
) -> LuniSolarRate | None:
    """The Sun's and Moon's eccentricity rate on the driver days for eccentric orbits with a
    low perigee (no term for other objects)."""
    chosen = [
        k
        for k, o in enumerate(objects)
        if o.e >= 0.05 and o.a_km * (1 - o.e) - EARTH_RADIUS_KM <= LUNI_SOLAR_PERIGEE_KM
    ]
    if not chosen:
        return None
    for k in chosen:
        if objects[k].deep:
            _start_on_sdp4_perigee(objects[k])
        objects[k].flags.append(LUNI_SOLAR_FLAG)
    row_of = np.full(len(objects), -1, dtype=np.int64)
    row_of[chosen] = np.arange(len(chosen))
    return LuniSolarRate(
        rate=_quadrupole_rates([objects[k] for k in chosen], drivers, end_day[chosen]),
        row_of=row_of,
        a0_km=np.array([o.a_km for o in objects]),
        e0=np.array([o.e for o in objects]),
    )


def _start_on_sdp4_perigee(obj: _Object) -> None:
    """Move the starting eccentricity to SDP4's revolution-averaged value at the epoch.

    SDP4 adds long-period luni-solar terms to the TLE's mean elements, so the perigee it
    propagates (the one fitted to the observations) sits up to ~30 km away from a (1 - e) of
    the TLE; a GTO's remaining life depends on those kilometres.
    """
    sat = replace(obj.newest, bstar=0.0).to_satrec()
    period_min = 1440.0 / obj.newest.mean_motion
    offsets = (np.arange(_REVOLUTION_SAMPLES) / _REVOLUTION_SAMPLES - 0.5) * period_min
    states = [sat.sgp4_tsince(float(t)) for t in offsets]
    if any(error for error, _, _ in states):
        return
    osculating = classical_elements(
        [state[1] for state in states], [state[2] for state in states], mu=MU_KM3_S2
    )
    obj.e = float(np.mean(osculating.eccentricity))


def _quadrupole_rates(objects: list[_Object], drivers: _Drivers, end_day: FloatArray) -> FloatArray:
    """de/dt per driver day from :func:`orbit.thirdbody.eccentricity_rate`, with the node and
    perigee turning at their J2 rates from each epoch; zero before it, after ``end_day`` and
    beyond the ephemeris (DE421 ends in 2053)."""
    start = np.array([_day(o.newest.epoch, drivers.first) for o in objects])
    first = max(0, math.floor(start.min()) - 1)
    last = min(
        math.ceil(float(end_day.max())) + 2,
        drivers.table.days - 1,
        math.floor(EPHEMERIS_END_MJD - drivers.table.mjd0),
    )
    out = np.zeros((len(objects), drivers.table.days))
    if last <= first:
        return out
    day = np.arange(first, last + 1, dtype=np.float64)
    a = np.array([o.a_km for o in objects])
    e = np.array([o.e for o in objects])
    inc = np.array([o.inclination for o in objects])
    since = day[None, :] - start[:, None]
    raan = np.array([o.raan for o in objects])[:, None] + nodal_rate(a, e, inc)[:, None] * since
    argp = (
        np.array([o.arg_perigee for o in objects])[:, None]
        + apsidal_rate(a, e, inc)[:, None] * since
    )
    rate = eccentricity_rate(
        drivers.table.mjd0 + day,
        a_km=a,
        e=e,
        inclination_rad=inc,
        raan_rad=raan,
        arg_perigee_rad=argp,
    )
    out[:, first : last + 1] = np.where(since >= -1.0, rate, 0.0)
    return out


def _calibrate(
    objects: list[_Object], drivers: _Drivers, atmosphere: DensityModel
) -> tuple[FloatArray, list[str]]:
    n = len(objects)
    table = drivers.table
    series = np.array([3 * drivers.group_of_day[o.newest.epoch.date()] + 1 for o in objects])
    day = np.array([_day(o.newest.epoch, drivers.first) for o in objects])
    a = np.array([o.a_km for o in objects])
    e = np.array([o.e for o in objects])
    inc = np.array([o.inclination for o in objects])
    argp = np.array([o.arg_perigee for o in objects])
    node = np.array([o.raan for o in objects])
    tc, kp = table.at(series, day)
    dp, dq, _ = averaged_rates(
        a, e, inc, argp, node, np.ones(n), tc, kp, table.mjd0 + day, atmosphere
    )
    model = (dp + dq) / 2.0  # da/dt for beta = 1
    beta = np.full(n, np.nan)
    source = ["" for _ in objects]
    sgp4 = np.array([o.sgp4_rate for o in objects])
    ok = np.isfinite(sgp4) & (sgp4 < 0) & (model < 0)
    beta[ok] = sgp4[ok] / model[ok]
    for k in np.flatnonzero(ok):
        source[k] = "SGP4 decay rate (B*)"

    # Several element sets: the observed fall of the semi-major axis against the model's fall.
    pairs = [(k, old) for k, o in enumerate(objects) for old in o.history]
    if pairs:
        rows = np.array([k for k, _ in pairs])
        a_old = np.array([p[1] for _, p in pairs])
        e_old = np.array([p[2] for _, p in pairs])
        t_old = np.array([_day(p[0].epoch, drivers.first) for _, p in pairs])
        tc0, kp0 = table.at(series[rows], t_old)
        w_old = np.array([math.radians(p[0].arg_perigee_deg) for _, p in pairs])
        node_old = np.array([math.radians(p[0].raan_deg) for _, p in pairs])
        dp0, dq0, _ = averaged_rates(
            a_old,
            e_old,
            inc[rows],
            w_old,
            node_old,
            np.ones(len(rows)),
            tc0,
            kp0,
            table.mjd0 + t_old,
            atmosphere,
        )
        r0 = (dp0 + dq0) / 2.0
        r1 = model[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_mean = np.where(
                np.abs(r0 - r1) > 1e-12 * np.abs(r0), (r1 - r0) / np.log(r1 / r0), r0
            )
        predicted_fall = log_mean * (day[rows] - t_old)
        observed_fall = a[rows] - a_old
        with np.errstate(divide="ignore", invalid="ignore"):
            estimates = observed_fall / predicted_fall
        valid = (observed_fall < -0.05) & (predicted_fall < 0) & np.isfinite(estimates)
        for k in np.unique(rows):
            mine = valid & (rows == k)
            if mine.any():
                # Least squares through the origin: longer spans, larger falls, more weight.
                x, y = predicted_fall[mine], observed_fall[mine]
                beta[k] = float(np.sum(x * y) / np.sum(x * x))
                source[k] = f"observed decay across {int(mine.sum()) + 1} element sets"
    return beta, source


def _percentiles(
    nominal: FloatArray, low: FloatArray, high: FloatArray, sigma_other: FloatArray
) -> dict[float, FloatArray]:
    """Remaining-time percentiles (days) from the three flux runs (NaN: not reached)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.log(low / nominal) / Z95
        down = np.log(nominal / high) / Z95
    up = np.where(np.isfinite(up) & (up >= 0), up, np.where(np.isfinite(down), down, 0.3))
    down = np.where(np.isfinite(down) & (down >= 0), down, up)
    s_up = np.sqrt(up**2 + sigma_other**2)
    s_down = np.sqrt(down**2 + sigma_other**2)
    out: dict[float, FloatArray] = {}
    for q, z in ((0.05, -Z95), (0.25, -Z75), (0.5, 0.0), (0.75, Z75), (0.95, Z95)):
        sigma = s_down if z < 0 else s_up
        out[q] = nominal * np.exp(z * sigma)
    return out


def _method(beta_source: str, scenario: str, flags: Sequence[str]) -> str:
    parts = [
        "orbit-averaged drag, Jacchia 1971 density",
        f"beta from {beta_source}",
        f"flux: observed to epoch, then {scenario}",
    ]
    if LUNI_SOLAR_FLAG in flags:
        parts.append("luni-solar eccentricity rate from the Sun's and Moon's quadrupole")
    parts.append("p05/p95: low/high flux scenarios and a tuned model spread")
    return "; ".join(parts)


def _run_batch(
    groups: Sequence[Sequence[ElementSet]],
    sw: SpaceWeather,
    atmosphere: DensityModel,
    *,
    horizon_end: datetime | None,
    max_days: float,
    luni_solar: bool = True,
) -> list[Outcome]:
    """Shared pipeline: ``horizon_end`` set = re-entry mode, None = lifetime mode."""
    outcomes: dict[int, Outcome] = {}
    objects: list[_Object] = []
    order: list[int] = []
    for index, group in enumerate(groups):
        newest = max(group, key=lambda es: es.epoch)
        try:
            obj = _prepare(group)
        except NoPrediction as error:
            outcomes[index] = Outcome(newest.norad_id, newest, "no prediction", reason=error.reason)
            continue
        perigee = obj.a_km * (1 - obj.e) - EARTH_RADIUS_KM
        if perigee > MAX_PERIGEE_KM:
            outcomes[index] = Outcome(
                newest.norad_id,
                newest,
                "not within horizon",
                reason=f"perigee {perigee:.0f} km is above {MAX_PERIGEE_KM:.0f} km",
            )
            continue
        if not np.isfinite(obj.sgp4_rate) and not obj.history:
            reason = "B* <= 0 (manoeuvring or a poor fit) and no decay history: no drag estimate"
            if newest.bstar > 0:
                reason = "SGP4 shows no decay at the epoch and there is no decay history"
            outcomes[index] = Outcome(newest.norad_id, newest, "no prediction", reason=reason)
            continue
        objects.append(obj)
        order.append(index)
    if objects:
        epoch_days = sorted({o.newest.epoch.date() for o in objects})
        oldest = min(
            min((h[0].epoch.date() for h in o.history), default=o.newest.epoch.date())
            for o in objects
        )
        first = oldest - timedelta(days=1)
        last = epoch_days[-1] + timedelta(days=math.ceil(max_days) + 3)
        try:
            drivers = _build_drivers(sw, epoch_days, first, last)
        except ValueError as error:
            for obj, index in zip(objects, order, strict=True):
                outcomes[index] = Outcome(
                    obj.newest.norad_id, obj.newest, "no prediction", reason=str(error)
                )
            objects = []
        if objects:
            for index, outcome in zip(
                order,
                _integrate(objects, drivers, atmosphere, horizon_end, max_days, luni_solar),
                strict=True,
            ):
                outcomes[index] = outcome
    return [outcomes[i] for i in range(len(groups))]


def _integrate(
    objects: list[_Object],
    drivers: _Drivers,
    atmosphere: DensityModel,
    horizon_end: datetime | None,
    max_days: float,
    with_luni_solar: bool,
) -> list[Outcome]:
    n = len(objects)
    epoch_day = np.array([_day(o.newest.epoch, drivers.first) for o in objects])
    group = np.array([drivers.group_of_day[o.newest.epoch.date()] for o in objects])
    table = drivers.table
    if horizon_end is not None:
        end_nominal = np.full(n, _day(horizon_end, drivers.first))
    else:
        end_nominal = np.minimum(epoch_day + max_days, table.days - 1.0)
    # The low-flux run (for the late side of the window) may need to run past the horizon.
    end_low = np.minimum(
        epoch_day + LOW_RUN_FACTOR * np.maximum(end_nominal - epoch_day, 1.0), table.days - 1.0
    )
    # Before the calibration: it may move the starting eccentricity of SDP4 objects.
    luni_solar = _luni_solar(objects, drivers, end_low) if with_luni_solar else None
    beta, source = _calibrate(objects, drivers, atmosphere)
    a = np.array([o.a_km for o in objects])
    e = np.array([o.e for o in objects])
    inc = np.array([o.inclination for o in objects])
    argp = np.array([o.arg_perigee for o in objects])
    node = np.array([o.raan for o in objects])
    usable = np.isfinite(beta) & (beta > 0)

    def run(rows: NDArray[np.int64], levels: NDArray[np.int64], ends: FloatArray) -> FloatArray:
        return integrate_decay(
            a_km=a[rows],
            e=e[rows],
            inclination_rad=inc[rows],
            arg_perigee_rad=argp[rows],
            raan_rad=node[rows],
            beta=beta[rows],
            start_day=epoch_day[rows],
            series=3 * group[rows] + levels,
            drivers=table,
            end_day=ends,
            atmosphere=atmosphere,
            luni_solar=_subset(luni_solar, rows),
            max_step_days=MAX_STEP_DAYS,
            long_step_fraction=LONG_STEP_FRACTION,
        ).reentry_day

    candidates = np.flatnonzero(usable)
    if horizon_end is not None and candidates.size:
        # Screen: only a median within the horizon is reported, so an object whose decay with
        # the high-flux scenario held at its peak and beta x 1.5 does not reach re-entry
        # within the horizon cannot qualify.
        rows = candidates
        peak_tc = table.tc[3 * group[rows] + 2].max(axis=1)
        peak_kp = table.kp[3 * group[rows] + 2].max(axis=1)
        screen = integrate_decay(
            a_km=a[rows],
            e=e[rows],
            inclination_rad=inc[rows],
            arg_perigee_rad=argp[rows],
            raan_rad=node[rows],
            beta=1.5 * beta[rows],
            start_day=epoch_day[rows],
            series=np.arange(len(rows)),
            drivers=DriverTable(
                tc=np.repeat(peak_tc[:, None], 2, axis=1),
                kp=np.repeat(peak_kp[:, None], 2, axis=1),
                mjd0=table.mjd0,
            ),
            end_day=end_nominal[rows],
            atmosphere=atmosphere,
            luni_solar=_subset(luni_solar, rows),
            max_step_days=30.0,
            step_scale=0.5,
        )
        candidates = rows[np.isfinite(screen.reentry_day)]

    result_days = {level: np.full(n, np.nan) for level in _LEVELS}
    if candidates.size:
        # Nominal and high flux first; the low-flux run only for objects whose median counts.
        rows = np.concatenate([candidates, candidates])
        levels = np.repeat(np.array([1, 2]), candidates.size)
        days = run(rows, levels, end_nominal[rows])
        result_days["nominal"][candidates] = days[: candidates.size]
        result_days["high"][candidates] = days[candidates.size :]
        late = candidates[np.isfinite(result_days["nominal"][candidates])]
        if late.size:
            reach = result_days["nominal"][late] - epoch_day[late]
            ends = np.minimum(
                epoch_day[late] + LOW_RUN_FACTOR * np.maximum(reach, 1.0), end_low[late]
            )
            if horizon_end is None:
                ends = end_nominal[late]
            result_days["low"][late] = run(late, np.zeros(late.size, dtype=np.int64), ends)

    remaining = {level: result_days[level] - epoch_day for level in _LEVELS}
    sigma_other = np.where(
        e > ECCENTRIC, SIGMA_OTHER["eccentric"], SIGMA_OTHER["near-circular"]
    ).astype(np.float64)
    pct = _percentiles(remaining["nominal"], remaining["low"], remaining["high"], sigma_other)
    outcomes: list[Outcome] = []
    for k, obj in enumerate(objects):
        es = obj.newest
        if not usable[k]:
            outcomes.append(
                Outcome(
                    es.norad_id, es, "no prediction", reason="the decay estimate is not negative"
                )
            )
            continue
        flags = tuple(obj.flags)
        method = _method(source[k], drivers.scenario, flags)
        if horizon_end is None:
            limit = max_days / DAYS_PER_YEAR
            years = {}
            for q in (0.05, 0.25, 0.5, 0.75, 0.95):
                value = float(pct[q][k]) / DAYS_PER_YEAR
                years[q] = value if math.isfinite(value) and value <= limit else math.inf
            estimate = LifetimeEstimate(
                es.norad_id,
                es.epoch,
                p05=years[0.05],
                p25=years[0.25],
                p50=years[0.5],
                p75=years[0.75],
                p95=years[0.95],
                method=method,
                flags=flags,
                ballistic_coefficient=float(beta[k]),
            )
            outcomes.append(
                Outcome(
                    es.norad_id,
                    es,
                    "predicted" if math.isfinite(years[0.5]) else "not within horizon",
                    lifetime=estimate,
                )
            )
            continue
        if not np.isfinite(pct[0.5][k]):
            outcomes.append(Outcome(es.norad_id, es, "not within horizon"))
            continue
        prediction = ReentryPrediction(
            norad_id=es.norad_id,
            designator=es.designator,
            name=es.name,
            epoch=es.epoch,
            predicted=es.epoch + timedelta(days=float(pct[0.5][k])),
            p05=es.epoch + timedelta(days=float(pct[0.05][k])),
            p95=es.epoch + timedelta(days=float(pct[0.95][k])),
            method=method,
            flags=flags,
            ballistic_coefficient=float(beta[k]),
        )
        outcomes.append(Outcome(es.norad_id, es, "predicted", prediction=prediction))
    return outcomes


def _subset(rates: LuniSolarRate | None, rows: NDArray[np.int64]) -> LuniSolarRate | None:
    if rates is None:
        return None
    return rates.subset(rows)


# --- public interface --------------------------------------------------------------------------


def _space_weather(space_weather: SpaceWeather | None) -> SpaceWeather:
    return load_space_weather() if space_weather is None else space_weather


def group_by_object(elements: Iterable[ElementSet]) -> list[list[ElementSet]]:
    """Element sets grouped per NORAD id, in order of first appearance."""
    groups: dict[int, list[ElementSet]] = {}
    for es in elements:
        groups.setdefault(es.norad_id, []).append(es)
    return list(groups.values())


def predict_catalog(
    objects: Sequence[Sequence[ElementSet]],
    *,
    horizon_end: datetime,
    space_weather: SpaceWeather | None = None,
    chunk: int = 4000,
    progress: Callable[[int], None] | None = None,
    atmosphere: DensityModel | None = None,
    luni_solar: bool = True,
) -> list[Outcome]:
    """Re-entry outcome of every object (one group of element sets each) up to ``horizon_end``.

    ``progress`` is called with the number of objects finished after each chunk.
    ``atmosphere`` (default :class:`~orbit.atmosphere.Jacchia71`) and ``luni_solar`` exist to
    measure simpler baselines against the full method.
    """
    sw = _space_weather(space_weather)
    atmosphere = Jacchia71() if atmosphere is None else atmosphere
    max_days = max(
        (
            4.0
            * max(
                (horizon_end - max(g, key=lambda es: es.epoch).epoch).total_seconds() / 86400.0, 1.0
            )
            for g in objects
        ),
        default=1.0,
    )
    out: list[Outcome] = []
    for start in range(0, len(objects), chunk):
        part = objects[start : start + chunk]
        out.extend(
            _run_batch(
                part,
                sw,
                atmosphere,
                horizon_end=horizon_end,
                max_days=max_days,
                luni_solar=luni_solar,
            )
        )
        if progress is not None:
            progress(len(part))
    return out


def predict_reentry(
    elements: Sequence[ElementSet],
    *,
    horizon_days: float = 365.0,
    space_weather: SpaceWeather | None = None,
) -> ReentryPrediction | None:
    """Re-entry of one object within ``horizon_days`` of its newest element set.

    None when the object does not re-enter within the horizon or when its element sets allow
    no drag estimate (B* <= 0 and no decay history); :func:`predict_catalog` says which.
    """
    if not elements:
        raise ValueError("no element sets given")
    newest = max(elements, key=lambda es: es.epoch)
    outcome = predict_catalog(
        [list(elements)],
        horizon_end=newest.epoch + timedelta(days=horizon_days),
        space_weather=space_weather,
    )[0]
    return outcome.prediction


def lifetime(
    elements: Sequence[ElementSet],
    *,
    space_weather: SpaceWeather | None = None,
    max_years: float = 100.0,
) -> LifetimeEstimate:
    """Remaining orbital lifetime (years from the newest element set) with percentiles.

    Raises :class:`NoPrediction` when the element sets allow no drag estimate. Percentiles
    beyond ``max_years`` are ``inf``.
    """
    if not elements:
        raise ValueError("no element sets given")
    outcome = estimate_lifetimes(
        [list(elements)], space_weather=space_weather, max_years=max_years
    )[0]
    if outcome.lifetime is not None:
        return outcome.lifetime
    newest = outcome.newest
    if outcome.status == "not within horizon":
        inf = math.inf
        return LifetimeEstimate(
            newest.norad_id, newest.epoch, inf, inf, inf, inf, inf, method=outcome.reason or ""
        )
    raise NoPrediction(newest.norad_id, outcome.reason or "no prediction")


def estimate_lifetimes(
    objects: Sequence[Sequence[ElementSet]],
    *,
    space_weather: SpaceWeather | None = None,
    max_years: float = 100.0,
    chunk: int = 500,
) -> list[Outcome]:
    """Lifetime outcome for many objects (``Outcome.lifetime`` set when estimated)."""
    sw = _space_weather(space_weather)
    atmosphere = Jacchia71()
    out: list[Outcome] = []
    for start in range(0, len(objects), chunk):
        out.extend(
            _run_batch(
                objects[start : start + chunk],
                sw,
                atmosphere,
                horizon_end=None,
                max_days=max_years * DAYS_PER_YEAR,
            )
        )
    return out
