"""Every API operation declares the problem documents it can answer with (RFC 9457).

Litestar documents a handler's success response and, for handlers with parameters, its own
validation error shape; ours are problem documents, from the handlers, the auth and rate-limit
middleware and the exception handlers, so they are declared here once for every operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Parameter, Schema
from litestar.routes import HTTPRoute

PROBLEM = "application/problem+json"

#: Status -> why any API operation may answer it.
PROBLEM_STATUSES: dict[int, str] = {
    400: "Malformed request",
    401: "Invalid or revoked API key, or no credentials where they are needed",
    403: "The caller's role or key scope does not allow this",
    404: "No such resource, or not visible to the caller",
    409: "Conflicts with the register's current state",
    412: "If-Match names a version that is no longer current",
    413: "Request body larger than the limit",
    422: "Invalid fields (listed in errors)",
    428: "If-Match required",
    429: "Rate limit reached (see Retry-After)",
    503: "Database unavailable or read-only (see Retry-After)",
}


@dataclass
class FieldError:
    field: str
    code: str
    severity: str
    message: str


@dataclass
class Problem:
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    current_version: int | None = None


def problem_responses() -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=description,
            media_type=PROBLEM,
            generate_examples=False,
        )
        for status, description in PROBLEM_STATUSES.items()
    }


def declare_problem_responses(app: Litestar) -> None:
    """Add the problem responses to every handler in the schema, keeping any it declares."""
    defaults = problem_responses()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            own: dict[int, Any] = dict(handler.responses or {})
            handler.responses = {**defaults, **own}
    _declare_csv_alternatives(app)


def _declare_csv_alternatives(app: Litestar) -> None:
    """Lists with ``?format=csv`` answer text/csv too: say so on their success response."""
    document = app.openapi_schema
    for item in (document.paths or {}).values():
        for operation in (item.get, item.post):
            if operation is None or not operation.responses:
                continue
            formats = [
                p
                for p in operation.parameters or []
                if isinstance(p, Parameter) and p.name == "format" and p.param_in == "query"
            ]
            offers_csv = any(
                isinstance(p.schema, Schema) and "csv" in (p.schema.enum or []) for p in formats
            )
            success = operation.responses.get("200")
            if offers_csv and isinstance(success, OpenAPIResponse) and success.content is not None:
                success.content["text/csv"] = OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING)
                )
