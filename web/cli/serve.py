"""spacereg serve / demo: run the web service."""

from __future__ import annotations

import os

import click
import uvicorn

from registry import migrate
from registry.settings import Settings, get_settings
from web.cli import fail
from web.cli.common import run

HOST = click.option("--host", default="127.0.0.1", show_default=True)
PORT = click.option("--port", default=8000, show_default=True, type=int)


LOG_LEVELS = click.Choice(["critical", "error", "warning", "info", "debug"])


async def queue_refresh(settings: Settings) -> None:
    from registry.db import Database
    from registry.jobs import service

    db = Database(settings)
    try:
        async with db.writer() as session:
            await service.enqueue(session, "fetch-celestrak", {"group": "active"}, "demo")
            await service.enqueue(session, "fetch-satcat", {}, "demo")
    finally:
        await db.dispose()


def _serve(host: str, port: int, workers: int, log_level: str = "info") -> None:
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # The app decides whom to believe (SPACEREG_TRUSTED_PROXIES, web/security.py).
        proxy_headers=False,
    )


@click.command("serve")
@HOST
@PORT
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes")
@click.option("--log-level", default="info", show_default=True, type=LOG_LEVELS)
def serve(host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the register (API and pages)."""
    from web.security import ProductionSettingsError, check_production

    try:
        check_production(get_settings())
    except ProductionSettingsError as exc:
        fail(str(exc))
    _serve(host, port, workers, log_level)


@click.command("demo")
@HOST
@PORT
def demo(host: str, port: int) -> None:
    """Migrate, load the demo register when the database holds no objects, create demo accounts, serve."""
    from registry.demo.load import ensure_demo

    settings = get_settings()
    try:
        migrate.upgrade(settings)
    except Exception as exc:  # the reason is what the user needs
        fail(f"could not prepare the database: {exc}")
    summary = run(ensure_demo(settings, progress=lambda msg: click.echo(msg, err=True)))
    click.echo(summary.describe())
    if not settings.offline:
        # Refreshed in the background by the in-process worker; a failure is logged, never fatal.
        run(queue_refresh(settings))
    os.environ["SPACEREG_INPROCESS_WORKER"] = "1"
    click.echo(f"serving on http://{host}:{port}")
    _serve(host, port, 1)
