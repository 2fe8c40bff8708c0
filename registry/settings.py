"""Every setting spacereg reads, in one place, from the environment.

>>> Settings(database_url="sqlite:///data/register.db").async_database_url
'sqlite+aiosqlite:///data/register.db'
>>> Settings(database_url="postgresql://reg@db/spacereg").async_database_url
'postgresql+asyncpg://reg@db/spacereg'
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPACEREG_", extra="ignore")

    #: Plain SQLAlchemy URL; DATABASE_URL (no prefix) is the conventional name.
    database_url: str = Field(default="sqlite:///./spacereg.db", validation_alias="DATABASE_URL")
    #: Signs sessions and CSRF tokens. Without it a random key is drawn per process, which is
    #: fine for one demo process and wrong for several: production sets it.
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    #: Where fetched outside data (CelesTrak, Space-Track) is cached.
    cache_dir: Path = Path.home() / ".cache" / "spacereg"
    spacetrack_identity: str | None = None
    spacetrack_password: str | None = None
    #: Seconds a SQLite writer waits for the lock before giving up.
    sqlite_busy_timeout_s: float = 30.0
    db_pool_size: int = 10
    #: Never reach outside services (tests, air-gapped installations).
    offline: bool = False
    #: Run queued jobs inside the web process (the demo's single-process set-up).
    inprocess_worker: bool = False
    #: Production refuses to start without SPACEREG_SECRET_KEY (several processes must share it).
    production: bool = False
    #: Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For and
    #: X-Forwarded-Proto are believed; empty: the socket's peer is the client.
    trusted_proxies: str = ""
    #: Larger request bodies are refused with 413 before they are read.
    max_body_bytes: int = 24 * 2**20
    #: Requests per minute per API key or signed-in user, and per client address (anonymous
    #: writes and logins); counted in the database so that every worker process agrees.
    rate_limit_key_per_minute: int = 1200
    rate_limit_address_per_minute: int = 120
    #: Count anonymous GETs per address too (off: public reads are cached and cheap; limit them
    #: at the reverse proxy, where it costs no database write).
    rate_limit_public_reads: bool = False
    #: Let webhooks target loopback and private addresses (tests, closed networks).
    webhook_allow_private_targets: bool = False

    @property
    def async_database_url(self) -> str:
        scheme, sep, rest = self.database_url.partition("://")
        if not sep:
            raise ValueError(f"DATABASE_URL is not a URL: {self.database_url!r}")
        base = scheme.split("+", 1)[0]
        if base not in _ASYNC_DRIVERS:
            raise ValueError(
                f"DATABASE_URL scheme {scheme!r} is not supported (sqlite, postgresql)"
            )
        return f"{_ASYNC_DRIVERS[base]}://{rest}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
