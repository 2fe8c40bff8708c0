"""Declared orbit against observed orbit, and the Kepler check of a declared orbit.

A registration declares the nodal period (min), inclination (deg), apogee and perigee (km)
(Registration Convention Art. IV(1)(d)), any of which may be missing, and for GEO objects
often a longitude. :func:`compare_orbit` sets them against an observed element set and
classes each field:

=============== =======================================================================
consistent      |di| <= 0.5 deg; |dh| <= max(25 km, 5 % of the observed altitude);
                |dP| <= 2 % of the observed period; GEO longitude |dlon| <= 0.1 deg
close           within twice those limits
inconsistent    beyond them
not comparable  missing on either side (never a failure)
=============== =======================================================================

The overall class is the worst comparable field. Periods: the declared *nodal* period is
compared with the observed nodal (node-to-node) period from SGP4's J2/J4 secular rates
(:mod:`orbit.facts`); in LEO it differs from the anomalistic period ``1440 / n`` by ~0.06 %
(up to 0.3 %), far inside the 2 % limit, but it is the quantity registrations declare. The GEO longitude limit is the ITU station-
keeping box (Radio Regulations No. 22.6: +/- 0.1 deg).

The Kepler check (:func:`kepler_period_min`, :func:`period_consistency`) needs no element
set: the period implied by the declared apogee and perigee through Kepler's third law,
``T = 2 pi sqrt(a^3 / mu)``, ``a = R_E + (h_a + h_p) / 2``, with mu = 398600.4418 km^3/s^2 and
R_E = 6378.137 km. It ignores J2, which moves a LEO nodal period by -0.4 to +0.15 %
(measured over the 2022-01-22 catalog), well inside the validator's 2 % threshold.

>>> round(kepler_period_min(314, 309), 2)  # ADM-Aeolus as registered: declared 80.7 min
90.75
>>> round(period_consistency(80.7, 314, 309), 3)
-0.111
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from orbit.elements import ElementSet
from orbit.facts import EARTH_MU_KM3_S2, EARTH_RADIUS_KM, element_set_facts

Verdict = Literal["consistent", "close", "inconsistent", "not comparable"]
Field = Literal["period", "inclination", "apogee", "perigee", "gso_longitude"]

INCLINATION_TOLERANCE_DEG = 0.5
ALTITUDE_TOLERANCE_KM = 25.0
ALTITUDE_TOLERANCE_FRACTION = 0.05
PERIOD_TOLERANCE_FRACTION = 0.02
GSO_LONGITUDE_TOLERANCE_DEG = 0.1
#: "close" means within this multiple of the "consistent" limit.
CLOSE_FACTOR = 2.0

_RANK: dict[Verdict, int] = {"not comparable": 0, "consistent": 1, "close": 2, "inconsistent": 3}


@dataclass(frozen=True, slots=True)
class DeclaredOrbit:
    """Orbital parameters as registered (km above the equator, minutes, degrees)."""

    period_min: float | None = None  # nodal period
    inclination_deg: float | None = None
    apogee_km: float | None = None
    perigee_km: float | None = None
    epoch: datetime | date | None = None  # the date the parameters refer to
    gso_longitude_deg: float | None = None  # east positive

    def __post_init__(self) -> None:
        _check("period_min", self.period_min, 0.0, math.inf, low_open=True)
        _check("inclination_deg", self.inclination_deg, 0.0, 180.0)
        _check("apogee_km", self.apogee_km, -EARTH_RADIUS_KM, math.inf, low_open=True)
        _check("perigee_km", self.perigee_km, -EARTH_RADIUS_KM, math.inf, low_open=True)
        _check("gso_longitude_deg", self.gso_longitude_deg, -180.0, 360.0)


@dataclass(frozen=True, slots=True)
class ObservedOrbit:
    """The observed orbit: facts of an element set (and its GEO longitude when known)."""

    period_min: float  # nodal
    inclination_deg: float
    apogee_km: float
    perigee_km: float
    epoch: datetime | None = None
    regime: str | None = None
    longitude_deg: float | None = None  # sub-satellite east longitude at the epoch (GEO)
    drift_deg_day: float | None = None  # GEO longitude drift, east positive
    norad_id: int | None = None


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """One declared field against its observed value (``difference`` = declared - observed)."""

    field: Field
    declared: float | None
    observed: float | None
    difference: float | None
    limit: float | None  # the "consistent" limit, in the field's unit
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class OrbitComparison:
    """Every field compared, the overall class, the Kepler check and a plain sentence."""

    fields: tuple[FieldComparison, ...]
    verdict: Verdict
    kepler_period_min: float | None  # implied by the declared apogee and perigee
    kepler_relative_difference: float | None  # (declared period - Kepler) / Kepler
    observed: ObservedOrbit
    sentence: str

    def field(self, name: Field) -> FieldComparison:
        return next(f for f in self.fields if f.field == name)


def kepler_period_min(apogee_km: float, perigee_km: float) -> float:
    """Two-body period (min) of an orbit with these altitudes above 6378.137 km.

    >>> round(kepler_period_min(35786, 35786), 1)  # geostationary
    1436.1
    """
    a = EARTH_RADIUS_KM + (apogee_km + perigee_km) / 2.0
    if not a > 0.0:
        raise ValueError(f"apogee_km, perigee_km: {apogee_km}, {perigee_km} give no orbit")
    return 2.0 * math.pi * math.sqrt(a**3 / EARTH_MU_KM3_S2) / 60.0


def period_consistency(
    period_min: float | None, apogee_km: float | None, perigee_km: float | None
) -> float | None:
    """(declared period - Kepler period) / Kepler period, or None when a value is missing.

    The registry's validator warns above 0.02 in absolute value.

    >>> round(period_consistency(96.8, 624, 610), 4)  # HST as registered in 1990
    -0.0025
    >>> period_consistency(None, 624, 610) is None
    True
    """
    if period_min is None or apogee_km is None or perigee_km is None:
        return None
    _check("period_min", period_min, 0.0, math.inf, low_open=True)
    kepler = kepler_period_min(apogee_km, perigee_km)
    return (period_min - kepler) / kepler


def observed_orbit(element_set: ElementSet, *, with_longitude: bool = True) -> ObservedOrbit:
    """Facts of an element set; for GEO objects also the longitude and drift at its epoch.

    The longitude needs skyfield (imported only then); ``with_longitude=False`` skips it.
    """
    facts = element_set_facts(element_set)
    longitude = drift = None
    if with_longitude and facts.regime == "GEO":
        from orbit.frames import element_set_longitude_deg, mean_motion_drift_deg_day

        longitude = element_set_longitude_deg(element_set)
        drift = mean_motion_drift_deg_day(element_set)
    return ObservedOrbit(
        period_min=facts.nodal_period_min,
        inclination_deg=facts.inclination_deg,
        apogee_km=facts.apogee_km,
        perigee_km=facts.perigee_km,
        epoch=element_set.epoch,
        regime=facts.regime,
        longitude_deg=longitude,
        drift_deg_day=drift,
        norad_id=element_set.norad_id,
    )


def choose_element_set(
    element_sets: Sequence[ElementSet],
    *,
    declared_epoch: datetime | date | None = None,
    launch_date: datetime | date | None = None,
) -> ElementSet | None:
    """The element set to compare a registration with.

    Nearest the declared epoch when there is one; otherwise the earliest at or after
    launch (None if every element set predates the launch); with neither, the earliest.
    """
    if not element_sets:
        return None
    if declared_epoch is not None:
        target = _as_utc(declared_epoch)
        return min(element_sets, key=lambda es: abs((es.epoch - target).total_seconds()))
    if launch_date is not None:
        launched = _as_utc(launch_date)
        after = [es for es in element_sets if es.epoch >= launched]
        return min(after, key=lambda es: es.epoch) if after else None
    return min(element_sets, key=lambda es: es.epoch)


def compare_orbit(declared: DeclaredOrbit, observed: ElementSet | ObservedOrbit) -> OrbitComparison:
    """Class each declared field against the observed orbit and say it in one sentence."""
    if isinstance(observed, ElementSet):
        observed = observed_orbit(observed, with_longitude=declared.gso_longitude_deg is not None)
    fields = (
        _relative("period", declared.period_min, observed.period_min, PERIOD_TOLERANCE_FRACTION),
        _absolute(
            "inclination",
            declared.inclination_deg,
            observed.inclination_deg,
            INCLINATION_TOLERANCE_DEG,
        ),
        _altitude("apogee", declared.apogee_km, observed.apogee_km),
        _altitude("perigee", declared.perigee_km, observed.perigee_km),
        _longitude(declared.gso_longitude_deg, observed),
    )
    verdict = max((f.verdict for f in fields), key=lambda v: _RANK[v])
    kepler = relative = None
    if declared.apogee_km is not None and declared.perigee_km is not None:
        kepler = kepler_period_min(declared.apogee_km, declared.perigee_km)
        if declared.period_min is not None:
            relative = (declared.period_min - kepler) / kepler
    sentence = _sentence(declared, observed, fields, verdict, kepler, relative)
    return OrbitComparison(fields, verdict, kepler, relative, observed, sentence)


def _check(
    name: str, value: float | None, low: float, high: float, *, low_open: bool = False
) -> None:
    if value is None:
        return
    below = value <= low if low_open else value < low
    if not math.isfinite(value) or below or value > high:
        raise ValueError(f"{name}: {value} is outside {'(' if low_open else '['}{low}, {high}]")


def _as_utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _verdict(difference: float, limit: float) -> Verdict:
    if abs(difference) <= limit:
        return "consistent"
    if abs(difference) <= CLOSE_FACTOR * limit:
        return "close"
    return "inconsistent"


def _absolute(
    field: Field, declared: float | None, observed: float | None, limit: float
) -> FieldComparison:
    if declared is None or observed is None or not math.isfinite(observed):
        return FieldComparison(field, declared, observed, None, None, "not comparable")
    difference = declared - observed
    return FieldComparison(
        field, declared, observed, difference, limit, _verdict(difference, limit)
    )


def _relative(
    field: Field, declared: float | None, observed: float | None, fraction: float
) -> FieldComparison:
    limit = None if observed is None else fraction * abs(observed)
    if limit is None:
        return _absolute(field, declared, observed, 0.0)
    return _absolute(field, declared, observed, limit)


def _altitude(field: Field, declared: float | None, observed: float | None) -> FieldComparison:
    limit = ALTITUDE_TOLERANCE_KM
    if observed is not None and math.isfinite(observed):
        limit = max(ALTITUDE_TOLERANCE_KM, ALTITUDE_TOLERANCE_FRACTION * abs(observed))
    return _absolute(field, declared, observed, limit)


def _longitude(declared: float | None, observed: ObservedOrbit) -> FieldComparison:
    if declared is None or observed.longitude_deg is None:
        return FieldComparison(
            "gso_longitude", declared, observed.longitude_deg, None, None, "not comparable"
        )
    difference = (declared - observed.longitude_deg + 180.0) % 360.0 - 180.0
    limit = GSO_LONGITUDE_TOLERANCE_DEG
    return FieldComparison(
        "gso_longitude",
        declared,
        observed.longitude_deg,
        difference,
        limit,
        _verdict(difference, limit),
    )


def _km(value: float) -> str:
    return f"{value:,.0f}"


def _sentence(
    declared: DeclaredOrbit,
    observed: ObservedOrbit,
    fields: tuple[FieldComparison, ...],
    verdict: Verdict,
    kepler: float | None,
    relative: float | None,
) -> str:
    by_name = {f.field: f for f in fields}
    when = f" (element set of {observed.epoch:%Y-%m-%d})" if observed.epoch else ""
    if verdict == "not comparable":
        return f"Not comparable{when}: no declared orbital parameter to compare."
    clauses: list[tuple[str, Verdict]] = []
    period = by_name["period"]
    if relative is not None and abs(relative) > PERIOD_TOLERANCE_FRACTION and kepler:
        low, high = sorted((declared.perigee_km or 0.0, declared.apogee_km or 0.0))
        clauses.append(
            (
                f"declared {declared.period_min:.1f} min, but {_km(low)} x {_km(high)} km "
                f"implies {kepler:.1f} min; observed {observed.period_min:.1f} min",
                period.verdict,
            )
        )
    elif period.verdict != "not comparable":
        clauses.append(
            (
                f"period declared {period.declared:.1f} min, observed {period.observed:.1f} min",
                period.verdict,
            )
        )
    inclination = by_name["inclination"]
    if inclination.verdict != "not comparable":
        clauses.append(
            (
                f"inclination declared {inclination.declared:.2f} deg, "
                f"observed {inclination.observed:.2f} deg",
                inclination.verdict,
            )
        )
    apogee, perigee = by_name["apogee"], by_name["perigee"]
    if apogee.verdict != "not comparable" and perigee.verdict != "not comparable":
        clauses.append(
            (
                f"altitudes declared {_km(perigee.declared or 0.0)} x "
                f"{_km(apogee.declared or 0.0)} km, observed {_km(observed.perigee_km)} x "
                f"{_km(observed.apogee_km)} km",
                max(apogee.verdict, perigee.verdict, key=lambda v: _RANK[v]),
            )
        )
    else:
        clauses.extend(
            (
                f"{f.field} declared {_km(f.declared or 0.0)} km, "
                f"observed {_km(f.observed or 0.0)} km",
                f.verdict,
            )
            for f in (apogee, perigee)
            if f.verdict != "not comparable"
        )
    longitude = by_name["gso_longitude"]
    if longitude.verdict != "not comparable":
        drift = ""
        if observed.drift_deg_day is not None:
            drift = f", drifting {observed.drift_deg_day:+.3f} deg/day"
        clauses.append(
            (
                f"longitude declared {_longitude_text(longitude.declared or 0.0)}, "
                f"observed {_longitude_text(longitude.observed or 0.0)}{drift}",
                longitude.verdict,
            )
        )
    # Lead with what is wrong; agreeing fields follow.
    clauses.sort(key=lambda pair: -_RANK[pair[1]])
    head = {"consistent": "Consistent", "close": "Close", "inconsistent": "Inconsistent"}[verdict]
    return f"{head} with the observed orbit{when}: " + "; ".join(c for c, _ in clauses) + "."


def _longitude_text(east_deg: float) -> str:
    east = (east_deg + 180.0) % 360.0 - 180.0
    return f"{abs(east):.2f} deg {'E' if east >= 0 else 'W'}"
