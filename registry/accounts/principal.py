"""Who is acting: the public, a user (browser session) or an API key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "public", "user", "key", "system"
    id: int | None
    role: str  # "public", "state", "secretariat", "admin", "system"
    state_code: str | None = None
    name: str = ""
    #: What an API key may do (registry.accounts.scopes); None: everything the role allows.
    scopes: frozenset[str] | None = None

    @property
    def ref(self) -> str:
        """Stable reference stored on records ("user:3", "key:7")."""
        return f"{self.kind}:{self.id}" if self.id is not None else self.kind

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @property
    def is_state(self) -> bool:
        return self.role == "state"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


PUBLIC = Principal(kind="public", id=None, role="public", name="public")
SYSTEM = Principal(kind="system", id=None, role="system", name="spacereg")
