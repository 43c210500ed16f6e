"""Ctrl-C and SIGTERM: stop cleanly, and never half-way through a commit.

SIGTERM is turned into the KeyboardInterrupt that Ctrl-C raises (``install``), so
both unwind the same way: an add stopped before its manifest is written removes
what it wrote. The few steps that make an add visible (the manifest, the commit) run
with both signals held back (``deferred_interrupts``) and the caller is told one came.
Build workers die with their parent (``die_with_parent``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

_received: list[int] = []  # the signals that stopped this process, in order
_said: list[str] = []  # what the interruption meant, the latest last


class Interrupted(KeyboardInterrupt):
    """An interruption with what it means for the user's data, in one line. Typer turns
    any KeyboardInterrupt into exit code 130 and drops it, so the line is kept here for
    the entry point (``message``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        _said.append(message)


def message() -> str | None:
    """The line to end on, when the command was interrupted."""
    return _said[-1] if _said else None


def install() -> None:
    """SIGTERM unwinds like Ctrl-C (the default ends the process where it stands)."""
    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, _raise)


def _raise(signum: int, frame: object) -> None:
    _received.append(signum)
    _said.append("interrupted")
    raise KeyboardInterrupt


def exit_code() -> int:
    """128 plus the signal's number, as a shell reports a process a signal ended."""
    return 128 + (_received[-1] if _received else signal.SIGINT)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[list[int]]:
    """Run the block to its end whatever SIGINT or SIGTERM come; the list yielded holds
    the signals that came (the caller reports them once the block is done)."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    came: list[int] = []

    def hold(signum: int, frame: object) -> None:
        came.append(signum)
        _received.append(signum)

    previous = {number: signal.signal(number, hold) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield came
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def die_with_parent() -> None:
    """In a child process: be killed when the parent dies, however it dies (SIGKILL
    included). Linux's PR_SET_PDEATHSIG; elsewhere a worker ends when its task queue
    closes."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent or parent == 1:  # the parent died before prctl
        os._exit(1)
