"""Value ranges every element set must respect, whatever format it came in.

The parsers convert fields first and then ask :func:`first_out_of_range` about
the numbers, so TLE and OMM input are held to the same limits.

>>> first_out_of_range(eccentricity=0.0007417, inclination_deg=51.6439, raan_deg=211.2,
...                    arg_perigee_deg=17.7, mean_anomaly_deg=85.6, mean_motion=15.5,
...                    bstar=3.9e-05, mean_motion_dot=1.8e-05, mean_motion_ddot=0.0) is None
True
>>> first_out_of_range(eccentricity=1.0, inclination_deg=51.6, raan_deg=0.0,
...                    arg_perigee_deg=0.0, mean_anomaly_deg=0.0, mean_motion=15.5,
...                    bstar=0.0, mean_motion_dot=0.0, mean_motion_ddot=0.0)
('eccentricity', 'eccentricity 1.0 is outside [0, 1)')
"""

from __future__ import annotations

import math

#: (attribute, lowest, highest, highest allowed itself). Angles are kept to one
#: turn, as TLE columns force and as every GP provider writes them in OMM too.
_LIMITS: tuple[tuple[str, float, float, bool], ...] = (
    ("eccentricity", 0.0, 1.0, False),
    ("inclination_deg", 0.0, 180.0, True),
    ("raan_deg", 0.0, 360.0, True),
    ("arg_perigee_deg", 0.0, 360.0, True),
    ("mean_anomaly_deg", 0.0, 360.0, True),
)

#: Catalog numbers are at most nine digits (OMM ``NORAD_CAT_ID``).
MAX_NORAD_ID = 999_999_999
CLASSIFICATIONS = frozenset("UCS")
#: Ephemeris types that mean SGP4/SDP4 mean elements: 0 (today's value), and 2
#: (SGP4) and 3 (SDP4) from the historical scheme. 4 is SGP4-XP on Space-Track;
#: 1 (SGP) and 5 (SDP8) are other theories: SGP4 would propagate them wrongly.
SGP4_EPHEMERIS_TYPES = frozenset({0, 2, 3})


def first_out_of_range(
    *,
    eccentricity: float,
    inclination_deg: float,
    raan_deg: float,
    arg_perigee_deg: float,
    mean_anomaly_deg: float,
    mean_motion: float,
    bstar: float,
    mean_motion_dot: float,
    mean_motion_ddot: float,
) -> tuple[str, str] | None:
    """The first impossible value as ``(attribute, reason)``, or None when all are fine."""
    values = {
        "eccentricity": eccentricity,
        "inclination_deg": inclination_deg,
        "raan_deg": raan_deg,
        "arg_perigee_deg": arg_perigee_deg,
        "mean_anomaly_deg": mean_anomaly_deg,
        "mean_motion": mean_motion,
        "bstar": bstar,
        "mean_motion_dot": mean_motion_dot,
        "mean_motion_ddot": mean_motion_ddot,
    }
    for name, value in values.items():
        if not math.isfinite(value):
            return name, f"{_label(name)} {value!r} is not a finite number"
    for name, low, high, high_included in _LIMITS:
        value = values[name]
        if value < low or value > high or (value == high and not high_included):
            closing = "]" if high_included else ")"
            return name, f"{_label(name)} {value!r} is outside [{low:g}, {high:g}{closing}"
    if mean_motion <= 0.0:
        return "mean_motion", f"mean motion {mean_motion!r} rev/day is not positive"
    return None


def first_bad_identity(
    *, norad_id: int, classification: str, ephemeris_type: int, element_set_no: int, rev: int
) -> tuple[str, str] | None:
    """The first impossible bookkeeping field as ``(attribute, reason)``, or None.

    >>> first_bad_identity(norad_id=25544, classification="X", ephemeris_type=0,
    ...                    element_set_no=999, rev=1)
    ('classification', "classification 'X' is not U, C or S")
    """
    if not 0 <= norad_id <= MAX_NORAD_ID:
        return "norad_id", f"catalog number {norad_id} is outside 0-{MAX_NORAD_ID}"
    if classification not in CLASSIFICATIONS:
        return "classification", f"classification {classification!r} is not U, C or S"
    if ephemeris_type not in SGP4_EPHEMERIS_TYPES:
        kind = "SGP4-XP" if ephemeris_type == 4 else "not SGP4"
        return (
            "ephemeris_type",
            f"ephemeris type {ephemeris_type} ({kind}): SGP4 cannot propagate these elements",
        )
    if element_set_no < 0:
        return "element_set_no", f"element set number {element_set_no} is negative"
    if rev < 0:
        return "rev_at_epoch", f"revolution number {rev} is negative"
    return None


def _label(name: str) -> str:
    return name.removesuffix("_deg").replace("_", " ")
