"""All-vs-all conjunction screening of a whole catalog.

>>> config = ScreeningConfig(threshold_km=5.0)
>>> round(config.gate_km, 1), config.capture_speed_kms
(270.7, 18.0)

See :mod:`orbit.screening.screen` for the pipeline, :mod:`.ephemeris` for the
interpolation and its error bounds, :mod:`.grid` and :mod:`.candidates` for the
per-step search, :mod:`.refine` for the exact TCA, and :mod:`.reference` for the
dense ground truth.
"""

from .events import RECORD_KEYS, Encounter, PropagationFailure, Proximity
from .screen import (
    InlineRunner,
    PieceRunner,
    ProcessRunner,
    ScreeningConfig,
    ScreeningResult,
    default_start,
    screen,
)
from .window import Window

__all__ = [
    "RECORD_KEYS",
    "Encounter",
    "InlineRunner",
    "PieceRunner",
    "ProcessRunner",
    "PropagationFailure",
    "Proximity",
    "ScreeningConfig",
    "ScreeningResult",
    "Window",
    "default_start",
    "screen",
]
