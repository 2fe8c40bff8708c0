"""Users and API keys: creation, lookup, revocation, authentication."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import ROLES, ApiKey, User
from registry.accounts.principal import Principal
from registry.accounts.scopes import effective_scopes, parse_scopes, stored_form
from registry.audit import chain
from registry.errors import Conflict, NotFound, ValidationFailed, field_error
from registry.states.models import State
from registry.types import utcnow

_hasher = PasswordHasher()
KEY_PREFIX = "sr_"


async def _check_role_state(session: AsyncSession, role: str, state_code: str | None) -> None:
    if role not in ROLES:
        raise ValidationFailed(
            "unknown role",
            [field_error("role", "role.unknown", f"role must be one of {', '.join(ROLES)}")],
        )
    if role == "state":
        if not state_code:
            raise ValidationFailed(
                "a State officer needs a State",
                [field_error("state", "state.required", "--state is required for role state")],
            )
        if await session.get(State, state_code) is None:
            raise ValidationFailed(
                "unknown State",
                [field_error("state", "state.unknown", f"no State with code {state_code}")],
            )
    elif state_code:
        raise ValidationFailed(
            "only State officers belong to a State",
            [field_error("state", "state.not_allowed", f"role {role} takes no State")],
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def create_user(
    session: AsyncSession,
    actor: Principal,
    *,
    email: str,
    role: str,
    state_code: str | None,
    password: str | None,
) -> User:
    await _check_role_state(session, role, state_code)
    email = email.strip().lower()
    if "@" not in email:
        raise ValidationFailed(
            "invalid e-mail address",
            [field_error("email", "email.invalid", "not an e-mail address")],
        )
    if await session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} exists")
    user = User(
        email=email,
        role=role,
        state_code=state_code,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    await session.flush()
    await chain.append(
        session,
        actor=actor.ref,
        role=actor.role,
        action="user.create",
        entity="user",
        entity_id=user.id or 0,
        state_code=state_code,
        details={"email": email, "role": role},
    )
    return user


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_key(
    session: AsyncSession,
    actor: Principal,
    *,
    name: str,
    role: str,
    state_code: str | None,
    scopes: str | None = None,
) -> NewKey:
    await _check_role_state(session, role, state_code)
    granted = parse_scopes(scopes, role)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        prefix=secret[:10],
        key_hash=key_hash(secret),
        role=role,
        state_code=state_code,
        scopes=stored_form(granted),
    )
    session.add(key)
    await session.flush()
    await chain.append(
        session,
        actor=actor.ref,
        role=actor.role,
        action="key.create",
        entity="api_key",
        entity_id=key.id or 0,
        state_code=state_code,
        details={"name": name, "role": role, "prefix": key.prefix, "scopes": key.scopes},
    )
    return NewKey(key, secret)


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    return list((await session.execute(sa.select(ApiKey).order_by(ApiKey.id))).scalars())


async def revoke_key(session: AsyncSession, actor: Principal, key_id: int) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"no API key {key_id}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await chain.append(
            session,
            actor=actor.ref,
            role=actor.role,
            action="key.revoke",
            entity="api_key",
            entity_id=key_id,
            state_code=key.state_code,
            details={"name": key.name},
        )
    return key


async def principal_for_key(session: AsyncSession, secret: str) -> Principal | None:
    row = (
        await session.execute(
            sa.select(ApiKey.id, ApiKey.role, ApiKey.state_code, ApiKey.name, ApiKey.scopes).where(
                ApiKey.key_hash == key_hash(secret), ApiKey.revoked_at.is_(None)
            )
        )
    ).first()
    if row is None:
        return None
    return Principal(
        kind="key",
        id=row.id,
        role=row.role,
        state_code=row.state_code,
        name=row.name,
        scopes=effective_scopes(row.scopes, row.role),
    )


def principal_for_user(user: User) -> Principal:
    return Principal(
        kind="user", id=user.id, role=user.role, state_code=user.state_code, name=user.email
    )
