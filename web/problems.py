"""Every error as an RFC 9457 problem document; no request ends in an unexplained 500."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from registry.errors import RegistryError, field_error

log = logging.getLogger("spacereg.web")
PROBLEM = "application/problem+json"


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response[Any]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def _registry_error(_: Request[Any, Any, Any], exc: RegistryError) -> Response[Any]:
    return problem(exc.status, exc.title, exc.detail, **exc.extra)


def _validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = [
        field_error(
            str(item.get("key") or item.get("source") or ""),
            "field.invalid",
            str(item.get("message", "")),
        )
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    return problem(422 if errors else 400, "Validation failed", str(exc.detail), errors=errors)


def _http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    headers = dict(exc.headers or {})
    return problem(
        exc.status_code, exc.__class__.__name__, str(exc.detail), headers=headers or None
    )


def _integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
    return problem(
        409, "Conflict", "the change conflicts with the register's current state; reload and retry"
    )


def _database_unavailable(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    message = str(exc.orig or exc).lower()
    if "readonly" in message or "read-only" in message or "read only" in message:
        detail = "the register is read-only at the moment; nothing was written"
    elif ("disk" in message and "full" in message) or "no space" in message:
        detail = "the register's storage is full; nothing was written"
    else:
        detail = "the database is unavailable; nothing was written, retry shortly"
    log.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return problem(503, "Service unavailable", detail, headers={"Retry-After": "5"})


def _connection_error(request: Request[Any, Any, Any], exc: OSError) -> Response[Any]:
    log.error("connection error on %s %s: %s", request.method, request.url.path, exc)
    return problem(
        503,
        "Service unavailable",
        "the database is unavailable; retry shortly",
        headers={"Retry-After": "5"},
    )


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    RegistryError: _registry_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    IntegrityError: _integrity_error,
    OperationalError: _database_unavailable,
    DBAPIError: _database_unavailable,
    OSError: _connection_error,
    Exception: _unexpected,
}
