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
    from .render import clip_value, terminal_safe

    sys.stderr.write(f"carbon: error: {clip_value(terminal_safe(message))}\n")
    return 2


def _interrupted() -> int:
    """Ctrl-C or SIGTERM: one line saying what it means, the shell's exit code for it."""
    from . import interrupts

    sys.stderr.write(f"carbon: {interrupts.message() or 'interrupted'}\n")
    return interrupts.exit_code()


def _unexpected(error: Exception) -> int:
    """One line for a failure carbon did not foresee; an interruption that surfaced as
    another exception (Python wraps one raised inside some hooks) is an interruption."""
    from . import interrupts

    if interrupts.message() is not None:
        return _interrupted()
    if os.environ.get("CARBON_DEBUG"):
        raise error
    return _error(f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:300]}")


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

    from . import interrupts
    from .cli import app, load_commands
    from .model import CarbonError

    click = _click_exceptions()
    try:
        if os.environ.get("_CARBON_COMPLETE"):  # a shell asks what to complete (completion.py)
            from .completion import prepare

            prepare()
            load_commands([])
        else:
            load_commands(sys.argv[1:] if argv is None else argv)
        command = typer.main.get_command(app)
        if argv is None and sys.argv[1:2] == ["search"]:
            from .cli.search import query_words_apart

            argv = query_words_apart(command, sys.argv[1:])
        elif argv and argv[0] == "search":
            from .cli.search import query_words_apart

            argv = query_words_apart(command, argv)
        result = _invoke(command, argv)
        code = result if isinstance(result, int) else 0
        if interrupts.message() is not None:
            return _interrupted()
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
        return _interrupted()
    except Exception as error:  # the last line of defence: one line, never a traceback
        return _unexpected(error)


def _usable_streams() -> None:
    """Standard streams that work whatever the caller gave.

    A stream closed by the caller (``carbon show qa >&-``) is pointed at /dev/null
    before anything opens a file: the next file opened (the index) would otherwise
    take its number, and output would be written into it. Text for the terminal in a
    locale that cannot encode Chinese (LANG=C, ISO-8859-1, PYTHONIOENCODING=ascii)
    is escaped rather than a crash; JSON bypasses the encoding (``render.emit_json``).
    """
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("_", "-") != "utf-8":
            reconfigure(errors="backslashreplace")


def main() -> None:
    from . import interrupts

    _usable_streams()
    interrupts.install()
    try:
        code = run()
    except Exception as error:  # while the modules were being imported, say
        code = _unexpected(error)
    except KeyboardInterrupt:
        code = _interrupted()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    sys.exit(code)


if __name__ == "__main__":
    main()
