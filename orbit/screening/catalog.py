"""The catalog as sent to screening workers: compact arrays that pickle fast.

A screen ships the catalog with every piece of work (so that a piece is a pure
function of its inputs and can run on another machine); 24,000 ``ElementSet``
objects take 0.13 s to pickle each way, these arrays a millisecond. A worker
rebuilds its ``Satrec`` objects through :meth:`ElementSet.to_satrec` once per
catalog and keeps them (a ``Satrec`` itself does not pickle).

>>> from datetime import UTC, datetime
>>> from orbit.elements import ElementSet
>>> es = ElementSet(
...     norad_id=270192, designator=None, name="ANALYST",
...     epoch=datetime(2022, 1, 22, 12, 0, 0, 250, tzinfo=UTC),
...     mean_motion=15.5, eccentricity=0.001, inclination_deg=51.6, raan_deg=10.0,
...     arg_perigee_deg=20.0, mean_anomaly_deg=30.0, bstar=1e-4)
>>> cat = ScreeningCatalog.from_elements([es])
>>> back = cat.element_set(0)
>>> back.norad_id, back.epoch == es.epoch, back.mean_motion == es.mean_motion, len(cat)
(270192, True, True, 1)
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec

from orbit.elements import ElementSet

from .gate import MU_KM3_S2

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FLOAT_FIELDS = (
    "mean_motion",
    "eccentricity",
    "inclination_deg",
    "raan_deg",
    "arg_perigee_deg",
    "mean_anomaly_deg",
    "bstar",
    "mean_motion_dot",
    "mean_motion_ddot",
)


@dataclass(frozen=True)
class ScreeningCatalog:
    """Element sets as arrays: ``norad`` ids, ``epoch_us`` (µs since 1970) and ``floats``.

    ``floats`` has one row per element set with the columns of ``_FLOAT_FIELDS``.
    Row order is the object index used everywhere in the screen.
    """

    norad: NDArray[np.int64]
    epoch_us: NDArray[np.int64]
    floats: NDArray[np.float64]
    fingerprint: str

    @classmethod
    def from_elements(cls, elements: Sequence[ElementSet]) -> ScreeningCatalog:
        norad = np.array([e.norad_id for e in elements], dtype=np.int64)
        epoch_us = np.array(
            [(e.epoch - _UNIX_EPOCH) // timedelta(microseconds=1) for e in elements],
            dtype=np.int64,
        )
        floats = np.array(
            [[getattr(e, f) for f in _FLOAT_FIELDS] for e in elements], dtype=np.float64
        ).reshape(len(elements), len(_FLOAT_FIELDS))
        digest = hashlib.sha1()
        for array in (norad, epoch_us, floats):
            digest.update(np.ascontiguousarray(array).tobytes())
        return cls(norad, epoch_us, floats, digest.hexdigest())

    def __len__(self) -> int:
        return int(self.norad.shape[0])

    def element_set(self, index: int) -> ElementSet:
        """The element set at ``index``, with the orbit fields only (no name or source)."""
        n, e, i, raan, argp, m, bstar, ndot, nddot = (float(x) for x in self.floats[index])
        return ElementSet(
            norad_id=int(self.norad[index]),
            designator=None,
            name=None,
            epoch=_UNIX_EPOCH + timedelta(microseconds=int(self.epoch_us[index])),
            mean_motion=n,
            eccentricity=e,
            inclination_deg=i,
            raan_deg=raan,
            arg_perigee_deg=argp,
            mean_anomaly_deg=m,
            bstar=bstar,
            mean_motion_dot=ndot,
            mean_motion_ddot=nddot,
        )

    @property
    def mean_motion_rad_s(self) -> NDArray[np.float64]:
        return self.floats[:, 0] * (2.0 * math.pi / 86400.0)

    @property
    def eccentricity(self) -> NDArray[np.float64]:
        return self.floats[:, 1]

    @property
    def semi_major_axis_km(self) -> NDArray[np.float64]:
        """Semi-major axis from the mean motion (Kepler's third law; near enough for bounds)."""
        n = np.maximum(self.mean_motion_rad_s, 1e-9)
        return np.asarray((MU_KM3_S2 / (n * n)) ** (1.0 / 3.0), dtype=np.float64)

    @property
    def max_radius_km(self) -> NDArray[np.float64]:
        """A radius no sound state of the object can exceed over days: 1.5 x apogee + 1,000 km.

        Drag only lowers an orbit and luni-solar terms move apogee by a few per cent;
        SGP4 runs that have diverged (old elements of decayed objects) fly off to
        thousands or millions of km while reporting no error.
        """
        apogee = self.semi_major_axis_km * (1.0 + np.clip(self.eccentricity, 0.0, 0.999))
        return np.asarray(1.5 * apogee + 1000.0, dtype=np.float64)

    def epoch_datetime(self, index: int) -> datetime:
        return _UNIX_EPOCH + timedelta(microseconds=int(self.epoch_us[index]))


_SATREC_CACHE: dict[str, list[Satrec]] = {}


def satrecs_for(catalog: ScreeningCatalog) -> list[Satrec]:
    """The catalog's ``Satrec`` objects, built once per process and catalog."""
    cached = _SATREC_CACHE.get(catalog.fingerprint)
    if cached is None:
        # Two catalogs at most: a worker serves one screen at a time.
        if len(_SATREC_CACHE) >= 2:
            _SATREC_CACHE.clear()
        cached = [catalog.element_set(i).to_satrec() for i in range(len(catalog))]
        _SATREC_CACHE[catalog.fingerprint] = cached
    return cached
