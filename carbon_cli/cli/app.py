"""The Typer app and which command modules a command line needs.

A command line loads the module of its own command only: importing the others and
building their commands would cost every search a little (docs/performance.md,
"Start-up"). ``carbon --help``, ``carbon`` alone and an unknown command load every
module, so the help lists every command and a typo gets its suggestion.
"""

import importlib
import sys
from collections.abc import Sequence

import typer

from .. import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Search and analyse Chinese policy documents.",
)

# Each command of ``carbon``, and the module of this package that registers it, in
# the order ``carbon --help`` lists them.
MODULES = {
    "search": "search",
    "actions": "plan",
    "principles": "plan",
    "guarantees": "plan",
    "show": "plan",
    "outline": "plan",
    "docs": "docs",
    "keywords": "analysis",
    "kwic": "analysis",
    "stats": "analysis",
    "export": "analysis",
    "eval": "eval",
}


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"carbon {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Search and analyse Chinese policy documents."""


def load_commands(args: Sequence[str]) -> None:
    """Register the commands ``args`` may run: its command's module, or all of them."""
    command = next((arg for arg in args if not arg.startswith("-")), None)
    wanted = [MODULES[command]] if command in MODULES else list(dict.fromkeys(MODULES.values()))
    for module in wanted:
        importlib.import_module(f"{__package__}.{module}")
