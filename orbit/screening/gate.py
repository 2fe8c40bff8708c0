"""Gate radius, margins and the capture guarantee of a sampled screen.

A screen samples every ``step_s`` seconds and keeps the pairs closer than a gate
radius at a sample. A pass with miss distance ``d`` and closing speed ``v`` has
its minimum within half a step of some sample; at that sample the pair is
``sqrt(d**2 + (v * step_s / 2)**2)`` apart (straight-line relative motion), so
the pass is caught whenever that is inside the gate. Turned around, a gate ``R``
guarantees every pass below ``d`` up to ``v = 2 * sqrt(R**2 - d**2) / step_s``.

Two margins come off the gate before that formula is applied: the error of the
interpolated positions (both objects) and the bend of the relative path over
half a step, which the straight-line model ignores.

>>> round(gate_radius(5.0, 30.0, 18.0), 3)
270.046
>>> round(capture_speed(270.046, 5.0, 30.0), 3)
18.0
>>> round(capture_speed(90.0 + 0.5, 5.0, 10.0, margin_km=0.5), 2)
17.97
"""

from __future__ import annotations

import math

#: WGS-72 gravitational parameter (km^3/s^2), the one SGP4 uses.
MU_KM3_S2 = 398600.8
#: Lowest radius at which a tracked orbit can be (km): the WGS-72 equatorial radius.
EARTH_RADIUS_KM = 6378.135


def gate_radius(
    threshold_km: float, step_s: float, speed_kms: float, margin_km: float = 0.0
) -> float:
    """Gate radius (km) that catches every pass below ``threshold_km`` up to ``speed_kms``."""
    half_path = speed_kms * step_s / 2.0
    return math.hypot(threshold_km, half_path) + margin_km


def capture_speed(
    gate_km: float, threshold_km: float, step_s: float, margin_km: float = 0.0
) -> float:
    """Closing speed (km/s) up to which no pass below ``threshold_km`` can be missed.

    ``margin_km`` is what position errors and path curvature may eat from the gate.
    """
    reach = gate_km - margin_km
    if reach <= threshold_km:
        return 0.0
    return 2.0 * math.sqrt(reach * reach - threshold_km * threshold_km) / step_s


def curvature_margin(separation_km: float, half_step_s: float) -> float:
    """Largest departure (km) of the true relative path from a straight line over a half step.

    Two nearby objects differ in acceleration by the tidal term of gravity, at
    most ``2 mu / r**3`` times their separation; taking the Earth's surface as the
    smallest ``r`` bounds it for every orbit, and ``a t**2 / 2`` bounds the drift.

    >>> round(curvature_margin(270.0, 15.0), 3)
    0.093
    """
    tidal = 2.0 * MU_KM3_S2 / EARTH_RADIUS_KM**3
    return 0.5 * tidal * separation_km * half_step_s * half_step_s
