"""What a screen reports: encounters, proximity periods and skipped propagation.

Times are float seconds from the window start inside the screen; :meth:`record`
turns an event into the output record (ISO 8601 UTC, milliseconds, ``Z``).

>>> from datetime import UTC, datetime
>>> from orbit.screening.window import Window
>>> w = Window(datetime(2022, 1, 22, tzinfo=UTC), 86400.0)
>>> e = Encounter(norad_a=25544, norad_b=49044, index_a=0, index_b=1, tca_s=3600.25,
...     miss_km=1.5, vrel_kms=14.2, radial_km=0.1, intrack_km=-1.2, crosstrack_km=0.89,
...     age_a_days=0.3, age_b_days=1.2)
>>> rec = e.record(w)
>>> rec["kind"], rec["tca"], rec["norad_a"], rec["pc"]
('encounter', '2022-01-22T01:00:00.250Z', 25544, None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .window import Window

State = tuple[float, float, float, float, float, float]
_NO_STATE: State = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

#: Keys of every output record, in output order (``start``/``end`` are null for encounters).
RECORD_KEYS: tuple[str, ...] = (
    "kind",
    "norad_a",
    "norad_b",
    "tca",
    "miss_km",
    "vrel_kms",
    "radial_km",
    "intrack_km",
    "crosstrack_km",
    "pc",
    "pc_method",
    "start",
    "end",
    "age_a_days",
    "age_b_days",
)


@dataclass(frozen=True, slots=True)
class Encounter:
    """A local minimum of range below the threshold, between two objects not co-orbiting.

    ``norad_a`` is the primary (or the smaller id); the miss vector (b minus a)
    is split in a's radial / in-track / cross-track frame. ``state_a`` and
    ``state_b`` are the TEME SGP4 states (km, km/s) at the TCA. Ages are days
    from each element set's epoch to the TCA.
    """

    norad_a: int
    norad_b: int
    index_a: int
    index_b: int
    tca_s: float
    miss_km: float
    vrel_kms: float
    radial_km: float
    intrack_km: float
    crosstrack_km: float
    age_a_days: float
    age_b_days: float
    state_a: State = _NO_STATE
    state_b: State = _NO_STATE
    pc: float | None = None
    pc_method: str | None = None

    kind = "encounter"

    def record(self, window: Window) -> dict[str, Any]:
        """The output record (JSON-ready; see :data:`RECORD_KEYS`)."""
        return _record(self, window)


@dataclass(frozen=True, slots=True)
class Proximity:
    """A contiguous period below the threshold of a co-orbiting pair (docked, train).

    ``start_s`` and ``end_s`` are where the range crosses the threshold (or the
    window edges); the TCA fields describe the smallest range in the period.
    """

    norad_a: int
    norad_b: int
    index_a: int
    index_b: int
    tca_s: float
    miss_km: float
    vrel_kms: float
    radial_km: float
    intrack_km: float
    crosstrack_km: float
    age_a_days: float
    age_b_days: float
    start_s: float = 0.0
    end_s: float = 0.0
    state_a: State = _NO_STATE
    state_b: State = _NO_STATE
    pc: float | None = None
    pc_method: str | None = None

    kind = "proximity"

    @classmethod
    def around(cls, minimum: Encounter, start_s: float, end_s: float) -> Proximity:
        """The period ``start_s``-``end_s`` whose smallest range is ``minimum``."""
        return cls(
            minimum.norad_a,
            minimum.norad_b,
            minimum.index_a,
            minimum.index_b,
            minimum.tca_s,
            minimum.miss_km,
            minimum.vrel_kms,
            minimum.radial_km,
            minimum.intrack_km,
            minimum.crosstrack_km,
            minimum.age_a_days,
            minimum.age_b_days,
            start_s,
            end_s,
            minimum.state_a,
            minimum.state_b,
        )

    def record(self, window: Window) -> dict[str, Any]:
        """The output record, with ``start`` and ``end``."""
        out = _record(self, window)
        out["start"] = window.iso(self.start_s)
        out["end"] = window.iso(self.end_s)
        return out


def _record(event: Encounter | Proximity, window: Window) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "norad_a": event.norad_a,
        "norad_b": event.norad_b,
        "tca": window.iso(event.tca_s),
        "miss_km": round(event.miss_km, 6),
        "vrel_kms": round(event.vrel_kms, 6),
        "radial_km": round(event.radial_km, 6),
        "intrack_km": round(event.intrack_km, 6),
        "crosstrack_km": round(event.crosstrack_km, 6),
        "pc": event.pc,
        "pc_method": event.pc_method,
        "start": None,
        "end": None,
        "age_a_days": round(event.age_a_days, 3),
        "age_b_days": round(event.age_b_days, 3),
    }


@dataclass(frozen=True, slots=True)
class PropagationFailure:
    """An object skipped from ``start_s`` to ``end_s`` because SGP4 failed or diverged."""

    norad_id: int
    index: int
    start_s: float
    end_s: float
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def record(self, window: Window) -> dict[str, Any]:
        return {
            "norad_id": self.norad_id,
            "start": window.iso(self.start_s),
            "end": window.iso(self.end_s),
            "reason": self.reason,
        }
