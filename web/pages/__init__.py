"""Server-rendered pages: the public register, accounts, the State portal, the workspace.

:func:`page_router` gathers every page controller under one router whose errors render as pages;
:func:`static_router` serves ``web/static`` (CSS and the vendored htmx).
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from web.pages.rendering import WEB_DIR

STATIC_DIR = WEB_DIR / "static"


def page_handlers() -> list[ControllerRouterHandler]:
    from web.pages.accounts.controller import AccountPages
    from web.pages.analyses.controller import AnalysesPage
    from web.pages.home.controller import HomePage
    from web.pages.methodology.controller import MethodologyPage
    from web.pages.portal.controller import PortalPages
    from web.pages.register.controller import RegisterPages
    from web.pages.states.controller import StatePages
    from web.pages.workspace.controller import WorkspacePages

    return [
        AccountPages,
        AnalysesPage,
        HomePage,
        MethodologyPage,
        PortalPages,
        RegisterPages,
        StatePages,
        WorkspacePages,
    ]


def page_router() -> Router:
    from web.pages.errors import PAGE_EXCEPTION_HANDLERS
    from web.pages.page_cache import PageCacheMiddleware

    return Router(
        path="/",
        route_handlers=page_handlers(),
        exception_handlers=PAGE_EXCEPTION_HANDLERS,
        include_in_schema=False,
        middleware=[PageCacheMiddleware],
    )


def static_router() -> Router:
    return create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=3600, public=True),
        send_as_attachment=False,
    )
