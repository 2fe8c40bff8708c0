"""spacereg users / keys: people and machine clients."""

from __future__ import annotations

import secrets

import click

from registry.accounts import service
from registry.accounts.principal import SYSTEM
from registry.db import Database
from web.cli.common import run, with_database

ROLE = click.Choice(["state", "secretariat", "admin"])


@click.group("users")
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--role", type=ROLE, required=True)
@click.option("--state", "state_code", help="State code (alpha-3 or IGO acronym) for role state")
@click.option("--email", required=True)
@click.option("--password", help="Password (default: a random one, printed once)")
def create_user(role: str, state_code: str | None, email: str, password: str | None) -> None:
    """Create a user (also bootstraps the first admin)."""
    password = password or secrets.token_urlsafe(12)

    @with_database
    async def work(db: Database) -> int:
        async with db.writer() as session:
            user = await service.create_user(
                session, SYSTEM, email=email, role=role, state_code=state_code, password=password
            )
            return user.id or 0

    user_id = run(work())
    click.echo(f"created user {user_id}: {email} ({role}{' ' + state_code if state_code else ''})")
    click.echo(f"password: {password}")


@click.group("keys")
def keys() -> None:
    """Manage API keys."""


@keys.command("create")
@click.option("--role", type=ROLE, required=True)
@click.option("--state", "state_code", help="State code for role state")
@click.option("--name", required=True, help="What the key is for")
@click.option(
    "--scopes",
    help="Limit the key, e.g. 'read' or 'read submit' (read submit review admin); default: all",
)
def create_key(role: str, state_code: str | None, name: str, scopes: str | None) -> None:
    """Create an API key; the key itself is printed once, alone on the last line."""

    @with_database
    async def work(db: Database) -> service.NewKey:
        async with db.writer() as session:
            return await service.create_key(
                session, SYSTEM, name=name, role=role, state_code=state_code, scopes=scopes
            )

    new = run(work())
    click.echo(
        f"created key {new.key.id} ({name}, {role}{' ' + state_code if state_code else ''}); store it now:"
    )
    click.echo(new.secret)


@keys.command("list")
def list_keys() -> None:
    """List API keys (never the keys themselves)."""

    @with_database
    async def work(db: Database) -> list[str]:
        async with db.reader() as session:
            return [
                f"{k.id}\t{k.prefix}…\t{k.role}\t{k.state_code or '-'}\t{k.name}\t"
                f"{'revoked ' + k.revoked_at.isoformat() if k.revoked_at else 'active'}"
                for k in await service.list_keys(session)
            ]

    for line in run(work()):
        click.echo(line)


@keys.command("revoke")
@click.argument("key_id", type=int)
def revoke_key(key_id: int) -> None:
    """Revoke an API key by its id."""

    @with_database
    async def work(db: Database) -> None:
        async with db.writer() as session:
            await service.revoke_key(session, SYSTEM, key_id)

    run(work())
    click.echo(f"key {key_id} revoked")
