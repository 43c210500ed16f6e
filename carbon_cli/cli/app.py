"""The Typer app and which command modules a command line needs.

A command line loads the module of its own command only: importing the others and
building their commands would cost every search a little (docs/performance.md,
"Start-up"). ``carbon --help``, ``carbon`` alone and an unknown command load every
module, so the help lists every command and a typo gets its suggestion.
"""

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand

from .. import __version__

app = typer.Typer(
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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
    "vocab": "vocab",
    "analyze": "vocab",
    "completion": "shell",
    "refs": "records",
    "cited-by": "records",
    "similar": "records",
    "diff": "records",
}


class Command(TyperCommand):
    """A command whose usage line reads as the README writes it,
    ``carbon search [OPTIONS] QUERY...``, not in Typer's braces (``{query}...``)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # Click's Context: Typer vendors Click from 0.16
        return [_plain(piece) for piece in super().collect_usage_pieces(ctx)]


def _plain(piece: str) -> str:
    """``{query}...`` -> ``QUERY...``; optional ``[ID]`` and ``[OPTIONS]`` stay."""
    if not piece.startswith("{"):
        return piece
    name, _, rest = piece[1:].partition("}")
    return name.upper() + rest


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
