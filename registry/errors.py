"""Errors the services raise; the web layer maps each to one HTTP status and a problem document."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


def N_(template: str) -> str:
    """Mark an English message (template) for the translation catalogs.

    Services speak English: the API's clients read the message with its stable code. A template's
    ``%(name)s`` placeholders take the values; the pages find the template back from the English
    text and show it in the reader's language with the same values (``web.pages.messages``).
    """
    return template


def field_error(
    field: str, code: str, message: str, severity: str = "error", /, **values: str
) -> dict[str, str]:
    """One field-level finding, the shape every 4xx problem's ``errors`` list holds.

    With ``values``, ``message`` is a template and the finding holds its English text.

    >>> field_error("apogee_km", "orbit.apogee_below_perigee",
    ...     N_("apogee %(apogee)s km is below perigee %(perigee)s km"), apogee="300", perigee="400")
    {'field': 'apogee_km', 'code': 'orbit.apogee_below_perigee', 'severity': 'error', 'message': 'apogee 300 km is below perigee 400 km'}
    """
    text = message % values if values else message
    return {"field": field, "code": code, "severity": severity, "message": text}


def model_errors(
    exc: ValidationError, *, prefix: str = "", empty: str = "body"
) -> list[dict[str, str]]:
    """A strict model's refusal as field-level findings (``loc`` joined with dots)."""
    return [
        field_error(
            prefix + (".".join(str(p) for p in e["loc"]) or empty), "field.invalid", e["msg"]
        )
        for e in exc.errors()
    ]


class RegistryError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class NotFound(RegistryError):
    status, title = 404, "Not found"


class Forbidden(RegistryError):
    status, title = 403, "Forbidden"


class Unauthenticated(RegistryError):
    status, title = 401, "Authentication required"


class InvalidTransition(RegistryError):
    """The workflow does not allow this action from the current state."""

    status, title = 409, "Conflict"


class Conflict(RegistryError):
    status, title = 409, "Conflict"


class PreconditionRequired(RegistryError):
    status, title = 428, "Precondition required"


class StaleVersion(RegistryError):
    """If-Match named a version that is no longer current."""

    status, title = 412, "Precondition failed"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"the resource changed: current version is {current_version}",
            extra={"current_version": current_version},
        )
        self.current_version = current_version


class ValidationFailed(RegistryError):
    """Input that breaks a rule: carries field-level findings."""

    status, title = 422, "Validation failed"

    def __init__(self, detail: str, findings: list[dict[str, Any]]) -> None:
        super().__init__(detail, extra={"errors": findings})
        self.findings = findings
