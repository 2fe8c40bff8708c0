"""API key scopes: what a key may do, within what its role allows.

A key without scopes (every key made before scopes existed) may do all its role allows.

>>> sorted(parse_scopes("read submit", "state") or ())
['read', 'submit']
>>> sorted(effective_scopes("read review", "secretariat") or ())
['read', 'review']
>>> effective_scopes(None, "secretariat") is None
True
>>> parse_scopes("review", "state")
Traceback (most recent call last):
...
registry.errors.ValidationFailed: a state key cannot have the scope review
"""

from __future__ import annotations

from collections.abc import Iterable

from registry.errors import ValidationFailed, field_error

SCOPES = ("read", "submit", "review", "admin")
#: The most each role's key may hold (the secretariat submits on a State's behalf).
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "state": frozenset({"read", "submit"}),
    "secretariat": frozenset({"read", "submit", "review"}),
    "admin": frozenset(SCOPES),
}


def parse_scopes(text: str | Iterable[str] | None, role: str) -> frozenset[str] | None:
    """Scopes as given (space- or comma-separated), checked against the role; None: all."""
    if text is None:
        return None
    words = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    if not words:
        return None
    allowed = ROLE_SCOPES.get(role, frozenset())
    for word in words:
        if word not in SCOPES:
            raise ValidationFailed(
                f"unknown scope {word}",
                [field_error("scopes", "scope.unknown", f"scopes are {', '.join(SCOPES)}")],
            )
        if word not in allowed:
            raise ValidationFailed(
                f"a {role} key cannot have the scope {word}",
                [
                    field_error(
                        "scopes",
                        "scope.not_allowed",
                        f"role {role} allows {', '.join(sorted(allowed))}",
                    )
                ],
            )
    return frozenset(words)


def effective_scopes(stored: str | None, role: str) -> frozenset[str] | None:
    """A key's scopes; None (no restriction beyond the role's own rules) for an unscoped key.

    The role's rules stay with the services (a State asking to claim hears "not found", not
    "missing scope"), so an unscoped key is never refused here.
    """
    if stored:
        return frozenset(stored.split()) & ROLE_SCOPES.get(role, frozenset())
    return None


def stored_form(scopes: frozenset[str] | None) -> str | None:
    return " ".join(s for s in SCOPES if s in scopes) if scopes else None
