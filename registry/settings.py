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
