"""The predicted re-entry window of one object, for its page.

:func:`orbit.reentry.predict_reentry` integrates the decay (0.1-1 s of CPU for one object), so
it runs in a worker thread and its answer is kept per (NORAD id, newest epoch, number of element
sets): the same element sets always give the same window. Anonymous readers are served from the
page cache anyway; this keeps signed-in readers and the first render of each page cheap.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

import anyio.to_thread

from orbit.elements import ElementSet
from orbit.reentry import MAX_PERIGEE_KM, NoPrediction, ReentryPrediction, predict_reentry

#: Days after the newest element set within which a re-entry is drawn.
HORIZON_DAYS = 365.0
_KEEP = 512


@dataclass(frozen=True)
class Window:
    """What the page draws and says: the median and the 5-95 % window, from which element set."""

    predicted: datetime
    p05: datetime
    p95: datetime
    from_epoch: datetime
    method: str
    horizon_days: float = HORIZON_DAYS


_Key = tuple[int, datetime, int]
_kept: OrderedDict[_Key, Window | None] = OrderedDict()
_lock = Lock()


def _predict(elements: Sequence[ElementSet]) -> Window | None:
    try:
        found: ReentryPrediction | None = predict_reentry(elements, horizon_days=HORIZON_DAYS)
    except (NoPrediction, ValueError):
        return None
    if found is None:
        return None
    return Window(found.predicted, found.p05, found.p95, found.epoch, found.method)


async def window_of(elements: Sequence[ElementSet], perigee_km: float | None) -> Window | None:
    """The re-entry window within :data:`HORIZON_DAYS` of the newest set, or None.

    ``perigee_km`` is the newest set's perigee altitude: far above the drag region nothing
    re-enters within a year, and the integration is skipped.
    """
    if not elements or (perigee_km is not None and perigee_km > MAX_PERIGEE_KM):
        return None
    newest = max(elements, key=lambda es: es.epoch)
    key = (newest.norad_id, newest.epoch, len(elements))
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    found = await anyio.to_thread.run_sync(_predict, list(elements))
    with _lock:
        _kept[key] = found
        while len(_kept) > _KEEP:
            _kept.popitem(last=False)
    return found
