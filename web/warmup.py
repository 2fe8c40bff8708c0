"""What many pages share, computed before any visitor asks for it and again after each change.

A first visit would otherwise wait for work that serves many pages: compiling the page templates
(~0.3 s in all), loading each language's messages and number and date formats (up to 35 ms a
language), vl-convert's JavaScript engine starting (~0.5 s, once per process), the register's
aggregate figures (web.pages.snapshot, ~0.5 s on the demo register), the compliance scores of
the whole register (compliance.service.scored_register, ~1.5 s) and the re-entry window of every
object (web.pages.register.reentry_window, ~6 s for 11,500 objects). :func:`keep_warm` runs in
the background from start-up: it computes all of them, then, whenever the register's change
generation has moved, brings them up to date (each is rebuilt only when its own inputs changed).
``/ready`` says ``"warm": true`` once the first round is done. No page depends on it: whatever
is not ready yet is computed on demand, as it would be without it.

After that first round, what start-up built (libraries' tables such as Altair's schema, compiled
templates, the aggregates) is moved out of the garbage collector's sight, once per process: it
lives as long as the process, and every full collection scanning it paused a request for
0.1-0.2 s. The work runs in worker threads, abandoned (not awaited) when the app stops: it holds
nothing that needs closing.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import UTC, datetime

import anyio.to_thread
from jinja2 import Environment
from litestar import Litestar
from litestar.plugins.jinja import JinjaTemplateEngine

from compliance import service as compliance
from registry.db import Database
from registry.elementsets import service as elementsets
from web import charts
from web.i18n import LANGUAGES, Localizer
from web.pages.register import reentry_window
from web.pages.snapshot import cache_of

log = logging.getLogger("spacereg.warmup")
#: Seconds between two looks at the change generation.
INTERVAL_S = 2.0
_frozen = False


def _freeze_once() -> None:
    global _frozen
    if not _frozen:
        gc.collect()  # only live objects are frozen: garbage would never be collected after
        gc.freeze()
        _frozen = True


def _prepare_pages(env: Environment) -> None:
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    now = datetime.now(UTC)
    for lang in LANGUAGES:  # formatting once loads the language's catalog and Babel's formats
        ui = Localizer(lang)
        ui.gettext("Data as of")
        ui.number(1.5, 1)
        ui.percent(0.5)
        ui.datetime(now)


async def keep_warm(app: Litestar, db: Database, interval_s: float = INTERVAL_S) -> None:
    """Runs until cancelled; sets ``app.state.warm`` once everything was computed the first
    time."""
    state = app.state
    state.warm = False
    engine = app.template_engine
    if isinstance(engine, JinjaTemplateEngine):
        await anyio.to_thread.run_sync(_prepare_pages, engine.engine, abandon_on_cancel=True)
    try:
        await anyio.to_thread.run_sync(charts.start_renderer, abandon_on_cancel=True)
    except Exception as exc:  # charts then fail on their own, with the reason, when asked for
        log.warning("the chart renderer did not start: %s", exc)
    seen: int | None = None
    windows_of: tuple[int, int, int] | None = None
    failing = False
    while True:
        generation = db.changes.generation
        if generation != seen:
            try:
                await cache_of(state).get(db)
                await compliance.scored_register(db)
                async with db.reader() as session:
                    stamp = await elementsets.stamp(session)
                    objects = (
                        None if stamp == windows_of else await elementsets.every_object(session)
                    )
                if objects is not None:
                    await anyio.to_thread.run_sync(
                        reentry_window.precompute, objects, abandon_on_cancel=True
                    )
                    windows_of = stamp
            except Exception as exc:  # the database may be down or restarting: next round retries
                if not failing:
                    log.warning("warming up failed, trying again every %g s: %s", interval_s, exc)
                failing = True
            else:
                failing = False
                seen = generation
                if not state.warm:
                    _freeze_once()
                state.warm = True
        await asyncio.sleep(interval_s)
