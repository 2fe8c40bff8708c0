"""The Litestar application: API, pages (later), auth, problems, OpenAPI at /schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from registry.db import Database
from registry.settings import Settings, get_settings
from web.api.objects import ObjectController
from web.api.reference import AuditController, DocumentController, StateController, health, ready
from web.api.submissions import ACTION_HANDLERS, AmendmentController, SubmissionController
from web.auth import PrincipalMiddleware
from web.problems import EXCEPTION_HANDLERS


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> Litestar:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = database or Database(settings)
        app.state.db = db
        try:
            yield
        finally:
            if database is None:
                await db.dispose()

    return Litestar(
        route_handlers=[
            health,
            ready,
            ObjectController,
            StateController,
            DocumentController,
            AuditController,
            SubmissionController,
            AmendmentController,
            *ACTION_HANDLERS,
        ],
        lifespan=[lifespan],
        middleware=[DefineMiddleware(PrincipalMiddleware, exclude=["^/health$", "^/schema"])],
        exception_handlers=EXCEPTION_HANDLERS,
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


def _quiet(config: AppConfig) -> AppConfig:
    # Problems are logged once by our handlers; Litestar's own traceback logging would repeat them.
    config.logging_config = None
    return config
