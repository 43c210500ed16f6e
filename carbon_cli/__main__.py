"""Entry point: run the CLI and turn every failure into one line and an exit code.

No traceback reaches the user: errors the user can act on print as
``carbon: error: …`` with exit code 2, as do usage errors; a closed pipe
(``carbon search 碳 | head -1``) ends quietly. CARBON_DEBUG=1 shows tracebacks.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer._click import Command


def _quiet_broken_pipe() -> int:
    """stdout's reader went away: stop writing, say nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def _error(message: str) -> int:
    sys.stderr.write(f"carbon: error: {message}\n")
    return 2


def _click_exceptions() -> ModuleType:
    """Typer's parser exceptions: recent Typer carries its own copy of Click."""
    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:
        return importlib.import_module("click.exceptions")


def _invoke(command: Command, argv: list[str] | None) -> Any:
    """Run the command; an index found damaged while in use is removed and the
    command run once more, on an index rebuilt from the library."""
    import sqlite3

    try:
        return command.main(args=argv, prog_name="carbon", standalone_mode=False)
    except sqlite3.DatabaseError as error:
        from .catalog import discard_damaged_index
        from .cli import warn

        if not discard_damaged_index(error, warn=warn):
            raise
    return command.main(args=argv, prog_name="carbon", standalone_mode=False)


def run(argv: list[str] | None = None) -> int:
    import typer

    from .cli import app, load_commands
    from .model import CarbonError

    click = _click_exceptions()
    if os.environ.get("_CARBON_COMPLETE"):  # a shell asks what to complete (completion.py)
        from .completion import prepare

        prepare()
        load_commands([])
    else:
        load_commands(sys.argv[1:] if argv is None else argv)
    try:
        command = typer.main.get_command(app)
        result = _invoke(command, argv)
        code = result if isinstance(result, int) else 0
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except click.NoArgsIsHelpError as error:
        sys.stderr.write(error.ctx.get_help() + "\n")
        return 2
    except click.UsageError as error:
        hint = f" (see: {error.ctx.command_path} --help)" if error.ctx and error.ctx.parent else ""
        return _error(error.format_message().replace("\n", " ") + hint)
    except typer.Abort:
        sys.stderr.write("\n")
        return 130
    except CarbonError as error:
        return _error(" ".join(str(error).split()))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: one line, never a traceback
        if os.environ.get("CARBON_DEBUG"):
            raise
        return _error(f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:300]}")


def main() -> None:
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    sys.exit(code)


if __name__ == "__main__":
    main()
