"""Optimistic concurrency: every editable resource carries a version number, sent as its ETag.

>>> etag(3)
'"3"'
>>> parse_if_match('"3"'), parse_if_match('W/"3"'), parse_if_match("3")
(3, 3, 3)
"""

from __future__ import annotations

from registry.errors import PreconditionRequired, StaleVersion


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str) -> int | None:
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    return int(text) if text.isdigit() else None


def require_version(if_match: str | None, current: int) -> None:
    """428 without If-Match; 412 when it names anything but the current version."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired("send If-Match with the version (ETag) you are changing")
    if if_match.strip() == "*":
        return
    if parse_if_match(if_match) != current:
        raise StaleVersion(current)
