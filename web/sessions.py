"""Browser sessions: a signed cookie naming the user, and password login with lockout.

Nothing is held in the process: the cookie carries the session (signed with the settings'
secret key, so any worker process verifies it) and failed logins are counted on the user's row
(``failed_logins``, ``locked_until``), so two workers see the same lockout.

The cookie binds a fingerprint of the password hash: changing a password ends every session.

>>> codec = SessionCodec("k")
>>> cookie = codec.encode(SessionData(user_id=7, issued=1_700_000_000, fingerprint="ab"))
>>> codec.decode(cookie, now=1_700_000_100)
SessionData(user_id=7, issued=1700000000, fingerprint='ab')
>>> codec.decode(cookie, now=1_700_000_000 + SESSION_SECONDS + 1) is None
True
>>> codec.decode(cookie[:-2] + "xx", now=1_700_000_100) is None
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.accounts.principal import Principal
from registry.audit import chain
from registry.types import utcnow

COOKIE = "spacereg_session"
#: A session lasts a working day; the officer signs in again after it.
SESSION_SECONDS = 12 * 3600
#: After this many wrong passwords in a row the account waits LOCK_MINUTES before trying again.
MAX_FAILURES = 5
LOCK_MINUTES = 15
# Verified against for unknown e-mail addresses so that their answer takes as long as a real one.
_DUMMY_HASH = accounts.hash_password("not-a-password-anyone-has")


@dataclass(frozen=True, slots=True)
class SessionData:
    user_id: int
    issued: int
    fingerprint: str


def fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


class SessionCodec:
    """Sign and verify session cookies (HMAC-SHA256 over a compact JSON payload)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("spacereg-session:" + secret).encode()).digest()

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def encode(self, data: SessionData) -> str:
        payload = json.dumps(
            {"u": data.user_id, "t": data.issued, "f": data.fingerprint}, separators=(",", ":")
        ).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def decode(self, cookie: str | None, now: float | None = None) -> SessionData | None:
        if not cookie or cookie.count(".") != 1 or len(cookie) > 512:
            return None
        body, signature = cookie.split(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (ValueError, TypeError):
            return None
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            raw = json.loads(payload)
            data = SessionData(int(raw["u"]), int(raw["t"]), str(raw["f"]))
        except (ValueError, KeyError, TypeError):
            return None
        current = time.time() if now is None else now
        if not data.issued <= current + 60 < data.issued + SESSION_SECONDS + 60:
            return None
        return data


def new_session(user: User) -> SessionData:
    assert user.id is not None
    return SessionData(user.id, int(time.time()), fingerprint(user.password_hash))


async def principal_for_session(session: AsyncSession, data: SessionData) -> Principal | None:
    """The user a valid cookie names, if the account is still active and its password unchanged."""
    user = await session.get(User, data.user_id)
    if user is None or not user.active or fingerprint(user.password_hash) != data.fingerprint:
        return None
    return accounts.principal_for_user(user)


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: User | None
    #: "ok", "invalid" (wrong e-mail or password: never says which) or "locked".
    result: str
    retry_after_s: int = 0


async def attempt_login(session: AsyncSession, email: str, password: str) -> LoginOutcome:
    """Check a password; count failures on the user's row and lock after MAX_FAILURES.

    Run inside a write transaction: the failure count must be committed even when it fails.
    """
    user = await session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    now = utcnow()
    if user is None or not user.active:
        accounts.password_matches(_DUMMY_HASH, password)
        return LoginOutcome(None, "invalid")
    if user.locked_until is not None and user.locked_until > now:
        return LoginOutcome(None, "locked", int((user.locked_until - now).total_seconds()) + 1)
    if not accounts.password_matches(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            await chain.append(
                session,
                actor=f"user:{user.id}",
                role=user.role,
                action="user.locked",
                entity="user",
                entity_id=user.id or 0,
                state_code=user.state_code,
                details={"minutes": LOCK_MINUTES},
            )
        return LoginOutcome(None, "invalid")
    user.failed_logins = 0
    user.locked_until = None
    return LoginOutcome(user, "ok")
