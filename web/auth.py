"""Who is calling: a Bearer API key, or nobody (the public). Browser sessions join in the web UI."""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from registry.accounts import service as accounts
from registry.accounts.principal import PUBLIC, Principal
from registry.db import Database
from registry.errors import Forbidden, Unauthenticated
from web.security import required_scope
from web.sessions import COOKIE as SESSION_COOKIE
from web.sessions import SessionCodec, principal_for_session

security_log = logging.getLogger("spacereg.security")


class PrincipalMiddleware(AbstractAuthenticationMiddleware):
    """Sets ``request.user`` to a Principal; an invalid key is a 401, no key means public."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if not header:
            if not connection.url.path.startswith("/api/"):
                return await _session_principal(connection)
            return AuthenticationResult(user=PUBLIC, auth=None)
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthenticated("use 'Authorization: Bearer <key>'")
        db: Database = connection.app.state.db
        async with db.reader() as session:
            principal = await accounts.principal_for_key(session, secret.strip())
        if principal is None:
            client = connection.client.host if connection.client else "?"
            security_log.warning(
                "failed API key authentication from %s on %s", client, connection.url.path
            )
            raise Unauthenticated("invalid or revoked API key")
        needed = required_scope(str(connection.scope.get("method", "GET")), connection.url.path)
        if not principal.has_scope(needed):
            raise Forbidden(f"this API key lacks the scope {needed}")
        return AuthenticationResult(user=principal, auth=secret[:10])


async def _session_principal(
    connection: ASGIConnection[Any, Any, Any, Any],
) -> AuthenticationResult:
    """Pages (never ``/api/``, which stays Bearer-only) know the user from the session cookie."""
    data = SessionCodec(connection.app.state.db.settings.secret_key).decode(
        connection.cookies.get(SESSION_COOKIE)
    )
    if data is None:
        return AuthenticationResult(user=PUBLIC, auth=None)
    db: Database = connection.app.state.db
    async with db.reader() as session:
        principal = await principal_for_session(session, data)
    return AuthenticationResult(user=principal or PUBLIC, auth=None)


def require_login(principal: Principal) -> Principal:
    if principal.kind == "public":
        raise Unauthenticated("sign in or send an API key")
    return principal


def require_role(principal: Principal, *roles: str) -> Principal:
    require_login(principal)
    if principal.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}")
    return principal
