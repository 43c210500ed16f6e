"""Files written whole or not at all.

Every file carbon writes (the library's records and manifest, the jieba lexicon and
caches, the user's vocabulary, an ``export --output``) goes through ``atomic_write``:
a reader sees the old file or the new one, never a part, and a write that fails
leaves nothing behind. ``write_output`` is the same for a path the user names, with
the rules a user's file asks for.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

from .model import CarbonError

PRIVATE = 0o600


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE, *, sync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it (``.NAME.PID.tmp``,
    the name ``store.sweep_dead_writers`` knows), flushed to disk and renamed over it.

    The file gets ``mode``, user-only unless said otherwise; an ``OSError`` is raised
    as it came, once the temporary file is removed. Without ``sync`` the caller flushes
    many files to disk at once (``sync_folder``).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if mode != PRIVATE:
                os.fchmod(out.fileno(), mode)
            if sync:
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


SYNC_EACH = 16  # up to this many files, an fsync each; more, one flush of the file system


def sync_files(folder: Path, names: list[str]) -> None:
    """Put files just written in ``folder`` (by ``atomic_write(sync=False)``) on disk,
    with their names. A few files are flushed one by one, then the folder: about 10 ms
    each, whatever else the machine has to write. Many are flushed by one call for the
    whole file system (``sync_folder``): an fsync per record cost 200 s for 20,000
    files, but that call also waits for every other program's unwritten data (1.3 s
    after a copy of 500 MB), so one added document never pays it."""
    if len(names) > SYNC_EACH:
        sync_folder(folder)
        return
    for name in names:
        _fsync(folder / name)
    _fsync(folder)  # the new names: os.replace wrote them into the folder


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Flush what was written in ``folder``'s file system to disk in one call (Linux's
    syncfs; elsewhere sync)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if sys.platform.startswith("linux"):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.syncfs(fd) == 0:
                return
        os.sync()
    finally:
        os.close(fd)


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user asked for (``export --output``); a failure is a ``CarbonError``.

    A new file gets the permissions the umask gives; a replaced one keeps its own. A
    symlink is kept and the file it points to written; a special file (a FIFO, a
    device such as /dev/stdout) is written through, never replaced by a regular file.
    """
    path = path.expanduser()
    if path.is_dir():
        raise CarbonError(f"{path} is a folder")
    try:
        if _special(path):  # /dev/stdout, a FIFO, a terminal: written through
            with open(path, "wb") as out:
                out.write(data)
            return
        if path.is_symlink():  # the link stays; what it points to is written
            path = Path(os.path.realpath(path))
        atomic_write(path, data, _mode_for(path))
    except OSError as error:
        raise CarbonError(f"cannot write {path}: {error.strerror or error}") from error


def _special(path: Path) -> bool:
    """A path that is not a regular file to replace: a device, a FIFO, a socket, or a
    stream of this process (/dev/stdout, /proc/self/fd/1, whatever it points to)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) or str(path.absolute()).startswith(("/dev/", "/proc/"))


def _mode_for(path: Path) -> int:
    """The permissions of the file ``path`` replaces, or those the umask gives a new one."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
