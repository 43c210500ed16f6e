"""CARBON_HOME: where the document library, the index and the caches live.

Layout::

    CARBON_HOME/
      library/manifest.json   {doc-id: {"sha256", "source"}}: the library, written last
      library/docs/<doc-id>.<sha>.json
                              one added file: its text as read, and how it was read
                              (<sha> is the first 16 hex digits of the text's SHA-256)
      library/orphans/        records of an older layout that no manifest entry named
      index.sqlite            the search index, derived from the seed and the library
      cache/                  the jieba lexicon and other derived files (CARBON_CACHE
                              moves it: it depends only on the installed packages, so
                              several homes can share one)
      lock                    serialises writers; holds the pid of the one writing
      hidden.json             ["news-01", …]: built-in documents this library hides
      userdict.txt, synonyms.tsv, glossary_en.tsv
                              the user's own vocabulary (``user_vocab.py``)

The manifest is the only record of what the user added: a document is in the library
when the manifest names it, and a record file no entry names is left over from an
interrupted add (swept under the lock, with one line). Records live in a folder of
their own, so no id, whatever the file it came from, can name the manifest, the lock
or the index; and a replaced document's new record has a new name, so an add stopped
half-way leaves the old record as it was. The index can always be rebuilt from the
library, so a damaged index never loses a document. Every file is created user-only
(0600, folders 0700) whatever the home folder's own mode, written to a temporary name
in the same folder and renamed into place.

Homes written before records had their own folder (``library/<doc-id>.json``) are
moved to this layout by the first writer, under the lock; until then their records
are read where they are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .fsio import atomic_write, sync_files
from .model import CarbonError

MANIFEST = "manifest.json"
HIDDEN = "hidden.json"
RECORDS = "docs"
ORPHANS = "orphans"
# How long a writer waits for another one (CARBON_LOCK_TIMEOUT, in seconds), and how
# long for one that is stopped (Ctrl-Z): it will not go on by itself.
LOCK_TIMEOUT = 300.0
STOPPED_TIMEOUT = 10.0
LOCK_QUIET = 3.0  # a wait this short is another command's ordinary write: not worth a line
_LOCK_POLL = 0.05
_SHA = re.compile(r"[0-9a-f]{16,64}")

Warn = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


class LockTimeout(CarbonError):
    """Another writer held the home's lock for longer than a writer waits."""


def default_home() -> Path:
    """The platform's per-user data folder, or CARBON_HOME when set."""
    env = os.environ.get("CARBON_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
        return Path(base) / "carbon"
    import platformdirs

    return Path(platformdirs.user_data_dir("carbon", appauthor=False))


def create_private(path: Path) -> None:
    """An empty user-only file, for writers (SQLite) that would create it with the umask's mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))


_json_string: Callable[[str], str] = json.encoder.encode_basestring


_PATH_CHARS_RX = re.compile(r"[/\\\x00]")  # what would make an id a path: checked once per entry


def safe_id(doc_id: str) -> bool:
    """Whether an id names a file inside the library and nothing else: ids are slugs,
    but the manifest is a plain file a hand may edit."""
    return bool(doc_id) and not doc_id.startswith(".") and _PATH_CHARS_RX.search(doc_id) is None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def _stopped(pid: int) -> bool:
    """Whether a process is stopped (Ctrl-Z, SIGSTOP); False where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] in (["T"], ["t"])


def sweep_dead_writers(folder: Path, pattern: str) -> None:
    """Remove the temporary files (``.NAME.PID.tmp``) of writers no longer running, in a
    folder other homes' writers may share (the cache): a live writer's file stays."""
    for path in folder.glob(pattern):
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                path.unlink()


@dataclass(frozen=True)
class Record:
    """One document of the library, as stored in ``library/docs/<id>.<hash>.json``:
    its text as read and how it was read."""

    id: str
    text: str
    source: str
    encoding: str
    format: str
    sha256: str
    added: str

    @classmethod
    def from_dict(cls, data: dict) -> Record | None:
        """The record a stored object holds; None when a field is missing or it is no object."""
        try:
            return cls(**{key: str(data[key]) for key in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None


def _load(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None
    return record


class Home:
    """One CARBON_HOME folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_home()
        self.library = self.root / "library"
        self.records_dir = self.library / RECORDS
        self.index_path = self.root / "index.sqlite"
        self.cache = Path(os.environ["CARBON_CACHE"]) if os.environ.get("CARBON_CACHE") else self.root / "cache"
        self.lock_fd: int | None = None  # while this process holds the lock

    def ensure(self) -> bool:
        """Create the folders, user-only. False when the home cannot be written."""
        existing = next((p for p in (self.root, *self.root.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():  # the home, or a folder it would be in, is a file
            raise CarbonError(f"{existing} is not a folder: CARBON_HOME must name a folder")
        try:
            for folder in (self.root, self.library, self.records_dir):
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
        with contextlib.suppress(OSError):  # derived files only: an unwritable cache costs speed, not the home
            self.cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        return all(os.access(folder, os.W_OK) for folder in (self.root, self.library, self.records_dir))

    def readable_by_others(self) -> bool:
        try:
            return bool(self.root.stat().st_mode & 0o077)
        except OSError:
            return False

    # -- the writers' lock ------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, warn: Warn = _quiet) -> Iterator[None]:
        """An exclusive lock for writers; readers never wait on it.

        A writer that finds the lock taken says once whom it waits for (after
        ``LOCK_QUIET`` seconds: most waits are shorter), and gives up
        after CARBON_LOCK_TIMEOUT seconds (``LOCK_TIMEOUT``), or ``STOPPED_TIMEOUT``
        once the holder has been stopped that long. The lock file is closed in child
        processes (``close_inherited``), so a worker that outlives its parent holds nothing.
        """
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            try:
                import fcntl
            except ImportError:  # Windows: SQLite's own locking still keeps the index whole
                yield
                return
            if not _try_lock(fd):
                self._wait(fd, warn)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            self.lock_fd = fd
            try:
                yield
            finally:
                self.lock_fd = None
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _wait(self, fd: int, warn: Warn) -> None:
        limit = _lock_timeout()
        started = time.monotonic()
        stopped_since: float | None = None
        said = False
        while not _try_lock(fd):
            now = time.monotonic()
            holder = _holder(fd)  # writers take turns: the one in the way may change
            who = f"process {holder}" if holder else "another process"
            if not said and now - started >= min(LOCK_QUIET, limit):
                warn(f"waiting for {who} to finish writing to {self.root} (at most {limit:g} s)")
                said = True
            if holder and _stopped(holder):
                stopped_since = stopped_since or now
            else:
                stopped_since = None
            if now - started >= limit or (stopped_since is not None and now - stopped_since >= STOPPED_TIMEOUT):
                if stopped_since is not None:
                    raise LockTimeout(f"{who} holds the lock of {self.root} and is stopped (Ctrl-Z): "
                                      "resume it (fg) or end it, then try again")
                raise LockTimeout(f"gave up after {limit:g} s waiting for {who} to finish writing to {self.root}")
            time.sleep(_LOCK_POLL)

    def tidy(self, warn: Warn = _quiet) -> None:
        """Call under ``lock``: move an older layout's records into place, repair a
        damaged manifest from the records, and remove what interrupted writers left
        (records no entry names, temporary files)."""
        records = self._record_names()  # one listing: a library of 10,000 has as many files here
        temporary = [self.records_dir / name for name in records if name.startswith(".") and name.endswith(".tmp")]
        for path in [*self.root.glob(".index.*.tmp"), *self.library.glob(".*.tmp"), *temporary]:
            with contextlib.suppress(OSError):  # only the lock holder writes these, so any other one is left over
                path.unlink()
        with contextlib.suppress(OSError):
            sweep_dead_writers(self.cache, ".*.tmp")
        manifest, damaged = self._read_manifest()
        if damaged:
            manifest = self._rebuild_manifest()
            self.write_manifest(manifest)
            warn(f"the library's manifest in {self.library} was damaged; rebuilt from its {len(manifest)} records")
        if self._migrate(manifest, warn):
            records = self._record_names()
        left = [self.records_dir / name for name in records
                if name.endswith(".json") and not self._named(name, manifest)]
        for path in left:
            with contextlib.suppress(OSError):
                path.unlink()
        if left:
            noun = "record" if len(left) == 1 else "records"
            warn(f"removed {len(left)} library {noun} of an interrupted add (no manifest entry names them)")

    def _record_names(self) -> list[str]:
        try:
            with os.scandir(self.records_dir) as entries:
                return [entry.name for entry in entries]
        except FileNotFoundError:
            return []

    def _named(self, name: str, manifest: dict[str, dict[str, str]]) -> bool:
        """Whether the manifest names this record file: by id and hash, or by id alone
        when the entry's hash names no file (an entry edited by hand keeps its record)."""
        doc_id = name.rsplit(".", 2)[0]
        entry = manifest.get(doc_id)
        if entry is None:
            return False
        sha = entry["sha256"]
        return name == f"{doc_id}.{sha[:16]}.json" or not (
            _SHA.fullmatch(sha) and self.record_path(doc_id, sha).exists()
        )

    def _migrate(self, manifest: dict[str, dict[str, str]], warn: Warn) -> bool:
        """Records of the layout before ``library/docs/``: those the manifest names move
        into place (a rename: nothing is copied, nothing lost); the others, which an
        older carbon may have shown as documents, move to ``library/orphans/``. Whether
        any moved."""
        legacy = [path for path in self.library.glob("*.json") if path.name != MANIFEST]
        if not legacy:
            return False
        self.records_dir.mkdir(mode=0o700, exist_ok=True)
        kept = []
        for path in legacy:
            entry = manifest.get(path.stem)
            record = _load(path)
            if entry and record is not None and record.get("id") == path.stem and _SHA.fullmatch(entry["sha256"]):
                os.replace(path, self.record_path(path.stem, entry["sha256"]))
            else:
                orphans = self.library / ORPHANS
                orphans.mkdir(mode=0o700, exist_ok=True)
                os.replace(path, orphans / path.name)
                kept.append(path.name)
        if kept:
            noun = "file" if len(kept) == 1 else "files"
            warn(f"moved {len(kept)} library {noun} no manifest entry names to {self.library / ORPHANS}: "
                 f"{', '.join(kept)[:200]}")
        return True

    # -- the library -------------------------------------------------------------------

    def manifest_bytes(self) -> bytes:
        try:
            return (self.library / MANIFEST).read_bytes()
        except FileNotFoundError:
            return b"{}"
        except OSError as error:
            raise CarbonError(f"cannot read the library in {self.library}: {error.strerror}") from error

    def _read_manifest(self) -> tuple[dict[str, dict[str, str]], bool]:
        """The manifest's entries, and whether it is damaged (then the entries are empty)."""
        try:
            data = json.loads(self.manifest_bytes())
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            return {}, True
        entries = {
            str(k): {"sha256": str(v.get("sha256")), "source": str(v.get("source"))}
            for k, v in data.items()
            if safe_id(str(k))  # a hand-edited ../../x must not lead outside the library
        }
        return entries, False

    def manifest(self) -> dict[str, dict[str, str]]:
        """doc-id -> {"sha256", "source"} for every document in the library."""
        entries, damaged = self._read_manifest()
        return self._rebuild_manifest() if damaged else entries

    def _rebuild_manifest(self) -> dict[str, dict[str, str]]:
        """A damaged manifest is rebuilt from the records themselves."""
        found = {}
        for path in [*self.records_dir.glob("*.json"), *self.library.glob("*.json")]:
            record = _load(path) if path.name != MANIFEST else None
            if record is None or not safe_id(str(record.get("id", ""))):
                continue
            doc_id, sha = str(record["id"]), str(record.get("sha256"))
            if path.parent == self.records_dir and path.name != f"{doc_id}.{sha[:16]}.json":
                continue
            if path.parent == self.library and path.stem != doc_id:
                continue
            found[doc_id] = {"sha256": sha, "source": str(record.get("source")), "added": str(record.get("added", ""))}
        ordered = sorted(found.items(), key=lambda item: (item[1].pop("added"), item[0]))
        return dict(ordered)

    def library_key(self, manifest: bytes | None = None) -> str:
        """Changes whenever the library does: its manifest (this one, about to be
        written, or the one on disk), or the built-in documents it hides."""
        digest = hashlib.sha256(self.manifest_bytes() if manifest is None else manifest)
        hidden = self.hidden()
        if hidden:
            digest.update(b"\0hidden:" + "\0".join(sorted(hidden)).encode())
        return digest.hexdigest()[:16]

    def hidden(self) -> set[str]:
        """The built-in documents this library does not show (``docs hide``)."""
        try:
            data = json.loads((self.root / HIDDEN).read_bytes())
        except FileNotFoundError:
            return set()
        except (OSError, ValueError):  # unreadable or damaged: hide nothing, lose nothing
            return set()
        return {str(doc) for doc in data} if isinstance(data, list) else set()

    def write_hidden(self, hidden: set[str]) -> None:
        """Call under ``lock``."""
        atomic_write(self.root / HIDDEN, json.dumps(sorted(hidden), ensure_ascii=False).encode())

    def record_path(self, doc_id: str, sha256: str) -> Path:
        if not safe_id(doc_id) or not _SHA.fullmatch(sha256[:16]):
            raise ValueError(f"not a document id and hash: {doc_id!r} {sha256[:20]!r}")
        return self.records_dir / f"{doc_id}.{sha256[:16]}.json"

    def read_record(self, doc_id: str, sha256: str) -> Record | None:
        """The record the manifest names as ``doc_id`` at ``sha256``; None when it is
        missing or damaged. A home of the older layout not yet moved is read in place."""
        if not safe_id(doc_id):
            return None
        candidates = [] if f"{doc_id}.json" == MANIFEST else [self.library / f"{doc_id}.json"]
        if _SHA.fullmatch(sha256[:16]):
            candidates.insert(0, self.record_path(doc_id, sha256))
        for path in candidates:
            record = _load(path)
            if record is not None:
                return Record.from_dict(record) if record.get("id") == doc_id else None
        return None

    def records(self) -> list[tuple[str, Record | None]]:
        """Every document the manifest names, with its record (None: missing or
        damaged), in the order the documents were added."""
        found = [(doc_id, self.read_record(doc_id, entry["sha256"])) for doc_id, entry in self.manifest().items()]
        return sorted(found, key=lambda pair: (pair[1].added if pair[1] else "", pair[0]))

    def write_record(self, record: Record) -> None:
        """Store one document (call under ``lock``, then ``sync_records``). It belongs to
        the library once ``write_manifest`` lists it: a writer stopped in between leaves a
        record that nothing refers to (removed by the next ``tidy``), never a manifest that
        names a missing record."""
        data = json.dumps(dataclasses.asdict(record), ensure_ascii=False).encode("utf-8")
        atomic_write(self.record_path(record.id, record.sha256), data, sync=False)  # see sync_records

    def sync_records(self, records: Sequence[Record]) -> None:
        """The records written by ``write_record``, on disk: before the manifest names them."""
        sync_files(self.records_dir, [self.record_path(r.id, r.sha256).name for r in records])

    def discard_record(self, doc_id: str, sha256: str) -> None:
        """Remove a record file (one this process wrote, or one no entry names any more)."""
        with contextlib.suppress(FileNotFoundError, ValueError):
            self.record_path(doc_id, sha256).unlink()

    def delete_record(self, doc_id: str) -> None:
        """Remove a document from the library (call under ``lock``, after ``tidy``)."""
        manifest = self.manifest()
        entry = manifest.pop(doc_id, None)
        self.write_manifest(manifest)
        if entry is not None:
            self.discard_record(doc_id, entry["sha256"])

    @staticmethod
    def manifest_data(manifest: dict[str, dict[str, str]]) -> bytes:
        """The manifest's bytes: what ``json.dumps(sorted, ensure_ascii=False, indent=0)``
        writes (one field a line, a file a hand may edit), put together from the C string
        encoder, since the indenting encoder is Python's own: 70 ms at 10,000 documents."""
        if not manifest:
            return b"{}"
        entries = []
        for doc_id, entry in sorted(manifest.items()):
            fields = ",\n".join(f"{_json_string(key)}: {_json_string(value)}" for key, value in entry.items())
            entries.append(f"{_json_string(doc_id)}: " + (f"{{\n{fields}\n}}" if fields else "{}"))
        return ("{\n" + ",\n".join(entries) + "\n}").encode()

    def write_manifest(self, manifest: dict[str, dict[str, str]]) -> None:
        self.write_manifest_data(self.manifest_data(manifest))

    def write_manifest_data(self, data: bytes) -> None:
        """List the library's documents: written once per ``docs add``, after its records."""
        atomic_write(self.library / MANIFEST, data)


def close_inherited(fd: int | None) -> None:
    """In a forked worker: drop the parent's copy of the lock, so the lock ends with the parent."""
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _try_lock(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _holder(fd: int) -> int | None:
    """The pid the lock's holder wrote into the lock file, if it is running."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and pid_alive(int(text)) else None


def _lock_timeout() -> float:
    try:
        value = float(os.environ.get("CARBON_LOCK_TIMEOUT", LOCK_TIMEOUT))
    except ValueError:
        return LOCK_TIMEOUT
    return value if 0 <= value < 1e9 else LOCK_TIMEOUT
