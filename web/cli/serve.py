"""spacereg serve / demo: run the web service."""

from __future__ import annotations

import os

import click
import uvicorn

from registry import migrate
from registry.settings import get_settings
from web.cli import fail
from web.cli.common import run

HOST = click.option("--host", default="127.0.0.1", show_default=True)
PORT = click.option("--port", default=8000, show_default=True, type=int)


LOG_LEVELS = click.Choice(["critical", "error", "warning", "info", "debug"])


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
    from registry.demo.load import ensure_demo, queue_demo_jobs

    # Before the settings are first read (they are cached): the app that uvicorn builds in
    # this process must see it and start the in-process worker.
    os.environ["SPACEREG_INPROCESS_WORKER"] = "1"
    get_settings.cache_clear()
    settings = get_settings()
    try:
        migrate.upgrade(settings)
    except Exception as exc:  # the reason is what the user needs
        fail(f"could not prepare the database: {exc}")
    summary = run(ensure_demo(settings, progress=lambda msg: click.echo(msg, err=True)))
    click.echo(summary.describe())
    # Run in the background by the in-process worker; a failure is logged, never fatal.
    queued = run(queue_demo_jobs(settings, refresh=not settings.offline))
    if queued:
        click.echo(f"queued in the background: {', '.join(queued)} (progress at /api/v1/jobs)")
    click.echo(f"serving on http://{host}:{port}")
    _serve(host, port, 1)
