"""The Litestar application: API, pages (later), auth, problems, OpenAPI at /schema."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from registry.db import Database
from registry.jobs.worker import run_worker
from registry.settings import Settings, get_settings
from web.api.compliance import ComplianceController
from web.api.jobs import JobController
from web.api.objects import ObjectController
from web.api.problem_responses import declare_problem_responses
from web.api.reference import AuditController, DocumentController, StateController, health, ready
from web.api.submissions import ACTION_HANDLERS, AmendmentController, SubmissionController
from web.api.webhooks import WebhookController
from web.auth import PrincipalMiddleware
from web.cache import ResponseCache
from web.headers import SecurityHeadersMiddleware
from web.jobs import HANDLERS
from web.pages import page_router, static_router
from web.pages.rendering import template_config
from web.problems import EXCEPTION_HANDLERS
from web.security import RateLimitMiddleware, RequestGuardMiddleware, check_production
from web.warmup import keep_warm


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> Litestar:
    settings = settings or get_settings()
    check_production(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = database or Database(settings)
        app.state.db = db
        app.state.response_cache = ResponseCache()
        await db.watch_changes()
        warming = asyncio.create_task(keep_warm(app, db))
        stop = asyncio.Event()
        worker = (
            asyncio.create_task(run_worker(db, HANDLERS, stop=stop))
            if settings.inprocess_worker
            else None
        )
        try:
            yield
        finally:
            stop.set()
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warming
            if worker is not None:
                await worker
            if database is None:
                await db.dispose()
            else:
                await db.changes.stop()

    app = Litestar(
        route_handlers=[
            health,
            ready,
            ObjectController,
            StateController,
            DocumentController,
            AuditController,
            SubmissionController,
            AmendmentController,
            JobController,
            ComplianceController,
            WebhookController,
            *ACTION_HANDLERS,
            page_router(),
            static_router(),
        ],
        lifespan=[lifespan],
        middleware=[
            SecurityHeadersMiddleware,
            DefineMiddleware(RequestGuardMiddleware, settings=settings),
            DefineMiddleware(PrincipalMiddleware, exclude=["^/health$", "^/schema", "^/static/"]),
            DefineMiddleware(RateLimitMiddleware, settings=settings),
        ],
        template_config=template_config(),
        # Browser forms and htmx requests carry the token; Bearer-key API calls are exempt.
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_samesite="lax",
            exclude=["^/api/", "^/health$", "^/ready$", "^/schema", "^/static/"],
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="spacereg",
            version="1",
            description="The open register of objects launched into outer space.",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        debug=False,
        on_app_init=[_quiet],
    )
    declare_problem_responses(app)
    return app


def _quiet(config: AppConfig) -> AppConfig:
    # Problems are logged once by our handlers; Litestar's own traceback logging would repeat them.
    config.logging_config = None
    return config
