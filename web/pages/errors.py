"""Errors on pages answer as pages (in the reader's language), not as JSON problems."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from registry.errors import RegistryError, Unauthenticated
from web.i18n import N_
from web.pages.messages import in_language
from web.pages.rendering import login_redirect, render

log = logging.getLogger("spacereg.web")

TITLES = {
    400: N_("The request could not be understood"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("This changed in the meantime"),
    412: N_("This changed in the meantime"),
    422: N_("Some values need correcting"),
    428: N_("The request could not be understood"),
}


def error_page(request: Request[Any, Any, Any], status: int, detail: str) -> Template:
    from web.pages.rendering import localizer

    ui = localizer(request)
    title = ui.gettext(TITLES.get(status, N_("Something went wrong")))
    return render(
        request, "error.html", status_code=status, title=title, message=in_language(ui, detail)
    )


def _registry_error(request: Request[Any, Any, Any], exc: RegistryError) -> Template | Redirect:
    if isinstance(exc, Unauthenticated):
        return login_redirect(request)
    return error_page(request, exc.status, exc.detail)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Template:
    return error_page(request, exc.status_code, str(exc.detail))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Template | Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500, "an unexpected error occurred; it has been logged")


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {
    RegistryError: _registry_error,
    HTTPException: _http_error,
}
