"""What the app computes before any visitor asks (web.warmup): /ready says when it is done, and
the re-entry windows it predicts for many objects at once are each object's own."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import pytest

from orbit.elements import ElementSet
from orbit.reentry import predict_reentry
from registry.db import Database
from registry.elementsets import service as elementsets
from tests.web.conftest import Client
from tests.web.seed import HST
from tests.web.test_compliance_pages import DECAYING
from web.pages.register import reentry_window


def _alone(sets: list[ElementSet]) -> tuple[Any, ...] | None:
    found = predict_reentry(sets, horizon_days=reentry_window.HORIZON_DAYS)
    return None if found is None else (found.predicted, found.p05, found.p95, found.epoch)


def _shown(window: reentry_window.Window | None) -> tuple[Any, ...] | None:
    return None if window is None else (window.predicted, window.p05, window.p95, window.from_epoch)


async def _until_warm(client: Client) -> None:
    for _ in range(300):
        body = (await client.get("/ready")).json()
        if body["warm"]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the app never said it was warm")


def test_windows_predicted_together_are_each_objects_own() -> None:
    # Two objects on the same day, whose horizons differ by nine hours, go into one batch; HST
    # (2019) and an object with an element-set history go into batches of their own.
    later = dataclasses.replace(
        DECAYING, norad_id=99002, epoch=datetime(2022, 1, 20, 21, 0, tzinfo=UTC), bstar=3.0e-4
    )
    history = [
        dataclasses.replace(DECAYING, norad_id=99003, epoch=datetime(2022, 1, 8, tzinfo=UTC)),
        dataclasses.replace(
            DECAYING, norad_id=99003, epoch=datetime(2022, 1, 20, 6, 0, tzinfo=UTC), bstar=4e-4
        ),
    ]
    objects = [[DECAYING], [later], [HST], history]
    together = reentry_window.predict_many(objects)
    assert len(together) == len(objects)
    shown = {sets[-1].norad_id: _shown(together[reentry_window.key_of(sets)]) for sets in objects}
    assert shown == {sets[-1].norad_id: _alone(sets) for sets in objects}
    assert shown[DECAYING.norad_id] is not None and shown[HST.norad_id] is None


async def test_ready_says_warm_and_new_element_sets_are_predicted_before_any_visit(
    client: Client, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _until_warm(client)
    # An element set no other test stores: its window was never predicted in this process.
    fresh = dataclasses.replace(DECAYING, epoch=datetime(2022, 1, 21, 6, 0, tzinfo=UTC))
    monkeypatch.setattr(reentry_window, "_kept", OrderedDict())

    def on_demand(elements: Any) -> None:
        raise LookupError("predicted on demand")

    monkeypatch.setattr(reentry_window, "_predict", on_demand)
    with pytest.raises(LookupError):
        await reentry_window.window_of([fresh], 200.0)
    async with db.writer() as session:
        await elementsets.store(session, [fresh], "test:fresh")
    # The app sees the change, and its next round (every 2 s) predicts the object's window.
    sets = [fresh]
    for _ in range(200):
        try:
            window = await reentry_window.window_of(sets, 200.0)
        except LookupError:
            await asyncio.sleep(0.05)
            continue
        break
    else:
        raise AssertionError("the warm-up never predicted the new element set")
    assert _shown(window) == _alone(sets)
