"""Request-scoped helpers shared by the API controllers."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar import Request
from litestar.params import PathParameter
from pydantic import BaseModel, ValidationError

from registry.accounts.principal import Principal
from registry.db import Database
from registry.errors import ValidationFailed, model_errors

M = TypeVar("M", bound=BaseModel)


def principal_of(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    assert isinstance(user, Principal)
    return user


def database(request: Request[Any, Any, Any]) -> Database:
    db: Database = request.app.state.db
    return db


async def strict_body(request: Request[Any, Any, Any], model: type[M]) -> M:
    """Validate the raw JSON body strictly.

    Litestar's own decoding is lax ("600" would become 600.0, false would become 0.0); the
    register accepts numbers as numbers only, so the raw body is validated again, as JSON.
    """
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        errors = model_errors(exc)
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors) from exc


#: A row id in a path: bounded to the database's integer range, so that an absurd id is a 4xx
#: answer from validation rather than an overflow inside the driver.
RowId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
#: An object's place in a submission (0-based).
Position = Annotated[int, PathParameter(ge=0, le=10_000)]
