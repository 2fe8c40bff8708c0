"""The ``spacereg`` command line.

Commands load lazily, so that ``spacereg audit head`` does not pay for numpy and the web app.
"""

from __future__ import annotations

import importlib
import sys
from typing import NoReturn

import click

#: command name -> "module:attribute" of a click command or group.
COMMANDS: dict[str, str] = {
    "db": "web.cli.db:command",
    "serve": "web.cli.serve:serve",
    "demo": "web.cli.serve:demo",
    "users": "web.cli.accounts:users",
    "keys": "web.cli.accounts:keys",
    "audit": "web.cli.audit:command",
    "worker": "web.cli.worker:command",
    "fetch": "web.cli.fetch:command",
    "reentry": "web.cli.reentry:command",
    "screen": "web.cli.screen:command",
    "export": "web.cli.backup:export_command",
    "import": "web.cli.backup:import_command",
    "score": "web.cli.score:command",
}


def fail(message: str, code: int = 1) -> NoReturn:
    """End a command with a one-line reason on stderr and a non-zero exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """spacereg: the open register of objects launched into outer space."""
