"""The predicted re-entry window of one object, for its page.

:func:`orbit.reentry.predict_reentry` integrates the decay (0.01-1 s of CPU for one object), so
it runs in a worker thread and its answer is kept per (NORAD id, newest epoch, number of element
sets): the same element sets always give the same window.

A visitor must not wait for that integration, so :func:`precompute` predicts every object of the
register at start-up and again whenever the element sets change (web.warmup), in seconds rather
than minutes: :func:`orbit.reentry.predict_catalog` integrates many objects at once (the demo
register's 11,500: 6 s, against 7 min one by one). Each object is integrated as it would be
alone, from driver tables that span the days of its element sets, so objects go together only
when their oldest and newest element sets fall on the same UTC days; their horizons then differ
by less than a day, the batch runs to the latest one, and a median beyond the object's own
horizon is dropped. The windows are those :func:`predict_reentry` gives, to the microsecond
(compared object by object on the demo register; tests.web.test_warmup checks it too).
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from threading import Lock

import anyio.to_thread

from orbit.elements import ElementSet
from orbit.reentry import (
    MAX_PERIGEE_KM,
    NoPrediction,
    ReentryPrediction,
    predict_catalog,
    predict_reentry,
)

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
#: Every object's window from the latest :func:`precompute`, replaced as a whole.
_precomputed: dict[_Key, Window | None] = {}


def key_of(elements: Sequence[ElementSet]) -> _Key:
    newest = max(elements, key=lambda es: es.epoch)
    return (newest.norad_id, newest.epoch, len(elements))


def _window(found: ReentryPrediction | None) -> Window | None:
    if found is None:
        return None
    return Window(found.predicted, found.p05, found.p95, found.epoch, found.method)


def _predict(elements: Sequence[ElementSet]) -> Window | None:
    try:
        return _window(predict_reentry(elements, horizon_days=HORIZON_DAYS))
    except (NoPrediction, ValueError):
        return None


def predict_many(objects: Sequence[Sequence[ElementSet]]) -> dict[_Key, Window | None]:
    """The window of each object (its element sets), as :func:`window_of` gives it."""
    together: defaultdict[tuple[date, date], list[Sequence[ElementSet]]] = defaultdict(list)
    for sets in objects:
        if sets:
            epochs = [es.epoch for es in sets]
            together[(min(epochs).date(), max(epochs).date())].append(sets)
    horizon = timedelta(days=HORIZON_DAYS)
    out: dict[_Key, Window | None] = {}
    for part in together.values():
        ends = [max(es.epoch for es in sets) + horizon for sets in part]
        try:
            outcomes = predict_catalog([list(sets) for sets in part], horizon_end=max(ends))
        except ValueError:
            continue  # left to window_of, which predicts such objects one by one
        for sets, end, outcome in zip(part, ends, outcomes, strict=True):
            found = outcome.prediction
            out[key_of(sets)] = _window(found if found is None or found.predicted <= end else None)
    return out


def precompute(objects: Sequence[Sequence[ElementSet]]) -> int:
    """Predict every given object (blocking: call it in a worker thread); returns how many."""
    global _precomputed
    _precomputed = predict_many(objects)
    return len(_precomputed)


async def window_of(elements: Sequence[ElementSet], perigee_km: float | None) -> Window | None:
    """The re-entry window within :data:`HORIZON_DAYS` of the newest set, or None.

    ``perigee_km`` is the newest set's perigee altitude: far above the drag region nothing
    re-enters within a year, and the integration is skipped.
    """
    if not elements or (perigee_km is not None and perigee_km > MAX_PERIGEE_KM):
        return None
    key = key_of(elements)
    precomputed = _precomputed
    if key in precomputed:
        return precomputed[key]
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
