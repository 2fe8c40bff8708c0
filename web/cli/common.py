"""What every command shares: running async work, and turning failures into one-line reasons."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

from registry.db import Database
from registry.errors import RegistryError, ValidationFailed
from registry.settings import get_settings
from web.cli import fail

P = ParamSpec("P")
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one piece of async work, reporting registry and database failures in one line."""
    try:
        return asyncio.run(coro)
    except ValidationFailed as exc:
        details = "; ".join(f"{e['field']}: {e['message']}" for e in exc.findings)
        fail(f"{exc.detail}: {details}")
    except RegistryError as exc:
        fail(exc.detail)
    except DBAPIError as exc:
        fail(f"database error: {str(exc.orig or exc).splitlines()[0]}")
    raise AssertionError("unreachable")


def with_database(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Give the wrapped coroutine a Database, disposed afterwards."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        db = Database(get_settings())
        try:
            return await fn(db, *args, **kwargs)
        finally:
            await db.dispose()

    return wrapper
