"""The documents carbon knows, and an index kept in step with them.

The shipped seed is always there; the user's library (``docs add``) comes on top.
The index is derived data. Its ``build`` key hashes everything that decides its
content (the seed, the segmentation pipeline, the outline parser, the schema) and
its ``library`` key hashes the library's manifest. On open:

- keys match: the index is used as it is (the warm path: nothing is rebuilt);
- the build key differs, or the file is missing or damaged: a full rebuild into a
  temporary file, renamed into place;
- only the library differs: added or removed documents are applied in one
  transaction (a ``docs add`` killed half-way is finished here).

A home that cannot be written still answers, from an index built in memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from . import index as ix
from .model import CarbonError, Document
from .resources import seed_file
from .store import Home
from .text import Pipeline, pipeline_key

Warn = Callable[[str], None]
SEED_DOC = "qa"
SEED_TEASERS = "news"
BULK_CHARS = 150_000  # above this, load jieba's whole dictionary: faster per character

_SOURCES = ("outline.py", "text.py", "index.py")


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Record:
    """One document of the library, as stored in ``library/<id>.json``."""

    id: str
    text: str
    source: str
    encoding: str
    format: str
    sha256: str
    added: str

    @classmethod
    def from_dict(cls, data: dict) -> Record:
        return cls(**{key: str(data[key]) for key in cls.__dataclass_fields__})

    def info(self, builtin: bool = False) -> ix.DocumentInfo:
        return ix.DocumentInfo(
            origin=self.id, source=self.source, encoding=self.encoding, format=self.format,
            sha256=self.sha256, added=self.added, builtin=builtin,
        )

    def documents(self) -> list[Document]:
        from .outline import parse_documents  # only index builds parse: keep it off the warm path

        prefix = SEED_TEASERS if self.id == SEED_DOC else None
        return parse_documents(self.text, self.id, teaser_prefix=prefix)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def seed_record() -> Record:
    text = seed_file().read_text(encoding="utf-8")
    return Record(SEED_DOC, text, "seed:" + seed_file().name, "utf-8", "text", sha256_text(text), "")


def _build_key() -> str:
    digest = hashlib.sha256(f"{ix.SCHEMA_VERSION}:{pipeline_key()}".encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    digest.update(seed_file().read_bytes())
    return digest.hexdigest()[:16]


class Catalog:
    """The index of one CARBON_HOME, opened fresh or rebuilt as needed."""

    def __init__(self, home: Home | None = None, warn: Warn = _quiet) -> None:
        self.home = home or Home()
        self.warn = warn
        self.writable = self.home.ensure()

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.home.cache)

    @cached_property
    def build_key(self) -> str:
        return _build_key()

    # -- opening ------------------------------------------------------------------

    def open(self) -> ix.Index:
        """An index that reflects the seed and the library as they are now."""
        library_key = self.home.library_key()
        conn, problem = self._connect()
        if conn is not None:
            meta = dict(conn.execute("SELECT k, v FROM meta"))
            if meta.get("build") == self.build_key and meta.get("library") == library_key:
                return ix.Index(conn)
            conn.close()
        if not self.writable:
            return self._in_memory(f"{self.home.root} cannot be written")
        try:
            with self.home.lock():
                return self._refresh(library_key, announce_missing=True)
        except (OSError, sqlite3.OperationalError) as error:  # disk full, a read-only file ...
            reason = getattr(error, "strerror", None) or error
            return self._in_memory(f"cannot write the index in {self.home.root}: {reason}")

    def _connect(self) -> tuple[sqlite3.Connection | None, str]:
        """Open the index file if it is there and whole."""
        path = self.home.index_path
        if not path.exists():
            return None, "missing"
        problem = _damage(path)
        if problem:
            return None, problem
        try:
            conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
            if not self.writable:
                conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT k, v FROM meta").fetchall()
            return conn, ""
        except sqlite3.DatabaseError as error:
            return None, str(error)

    def _refresh(self, library_key: str, announce_missing: bool = False) -> ix.Index:
        self.home.sweep()
        conn, problem = self._connect()  # another process may have done the work meanwhile
        if conn is not None:
            meta = dict(conn.execute("SELECT k, v FROM meta"))
            if meta.get("build") == self.build_key:
                if meta.get("library") != library_key:
                    self._reconcile(conn, library_key)
                return ix.Index(conn)
            conn.close()
        elif problem != "missing":
            self.warn(f"the index in {self.home.root} is damaged ({problem}); rebuilding it")
        elif self.home.index_path in _DISCARDED:  # already announced as damaged
            _DISCARDED.discard(self.home.index_path)
        elif announce_missing and self.home.manifest():  # first runs and adds build it silently
            self.warn(f"the index in {self.home.root} is missing; rebuilding it from the library")
        self._rebuild(library_key)
        conn, problem = self._connect()
        if conn is None:
            raise CarbonError(f"cannot open the index just built: {problem}")
        return ix.Index(conn)

    def _in_memory(self, reason: str) -> ix.Index:
        self.warn(f"{reason}; searching an index built in memory")
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._fill(conn, self.home.manifest_bytes())
        return ix.Index(conn)

    # -- building -----------------------------------------------------------------

    def _records(self) -> list[Record]:
        records = []
        for data in self.home.records():
            try:
                records.append(Record.from_dict(data))
            except (KeyError, TypeError):
                self.warn(f"skipping a damaged library record: {data.get('id', '?')}")
        found = {record.id for record in records}
        for doc_id in self.home.manifest():  # listed, but its record cannot be read
            if doc_id not in found and self.home.read_record(doc_id) is None:
                self.warn(f"library record {doc_id} is missing or damaged; skipped")
        return records

    def _fill(self, conn: sqlite3.Connection, manifest: bytes) -> None:
        ix.create(conn, self.build_key)
        seed = seed_record()
        batch = [(doc, seed.info(builtin=True)) for doc in seed.documents()]
        for record in self._records():
            batch.extend((doc, record.info()) for doc in record.documents())
        bulk = sum(doc.end - doc.start for doc, _ in batch) > BULK_CHARS
        conn.execute("BEGIN")
        ix.add_documents(conn, batch, self.pipeline, bulk=bulk)
        conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (hashlib.sha256(manifest).hexdigest()[:16],))
        conn.execute("COMMIT")

    def _rebuild(self, library_key: str) -> None:
        """Build a new index beside the old one and swap it in."""
        manifest = self.home.manifest_bytes()
        tmp = self.home.index_path.with_name(f".index.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                self._fill(conn, manifest)
            finally:
                conn.close()
            _fsync(tmp)
            os.replace(tmp, self.home.index_path)
        finally:
            tmp.unlink(missing_ok=True)

    def _reconcile(self, conn: sqlite3.Connection, library_key: str) -> None:
        """Apply the library's additions and removals to the index, in one transaction."""
        wanted = self.home.manifest()
        indexed = ix.origins(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for origin, sha in indexed.items():
                if wanted.get(origin, {}).get("sha256") != sha:
                    ix.remove_origin(conn, origin)
            batch = []
            for origin, entry in wanted.items():
                if indexed.get(origin) == entry["sha256"]:
                    continue
                data = self.home.read_record(origin)
                try:
                    record = Record.from_dict(data) if data is not None else None
                except (KeyError, TypeError):
                    record = None
                if record is None:
                    self.warn(f"library record {origin} is missing or damaged; skipped")
                    continue
                batch.extend((doc, record.info()) for doc in record.documents())
            if batch:
                ix.add_documents(conn, batch, self.pipeline)
            conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (library_key,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


    # -- the library --------------------------------------------------------------

    def add_file(self, path: Path) -> Added:
        """Read, parse and index one file; the index is updated before this returns."""
        from .readers import display_path, read_file

        try:
            source = read_file(path)
        except CarbonError:
            raise
        except Exception as error:  # a reader's own bug: this file is refused, the rest of the call goes on
            if os.environ.get("CARBON_DEBUG"):
                raise
            reason = " ".join(str(error).split())[:200]
            raise CarbonError(f"{display_path(path)}: cannot be read ({type(error).__name__}: {reason})") from error
        sha = sha256_text(source.text)
        shown = display_path(path)
        location = _location(path)
        with self._writing(shown):
            manifest = self.home.manifest()
            for doc_id, entry in manifest.items():
                if entry["sha256"] == sha:
                    return Added(doc_id, shown, "unchanged", 0, source.encoding, source.format)
            doc_id = self._new_id(path, location, manifest)
            record = Record(doc_id, source.text, location, source.encoding, source.format, sha, now())
            documents = record.documents()
            passages = sum(len(doc.passages) for doc in documents)
            if not passages:
                raise CarbonError(f"{shown}: no text to index")
            status = "replaced" if doc_id in manifest else "added"
            self.home.save_record(dataclasses.asdict(record))
            self._refresh(self.home.library_key()).conn.close()
        return Added(doc_id, shown, status, passages, source.encoding, source.format)

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """The writer's lock, with a failure to write (a read-only home, a full disk)
        reported as one line naming the file, so the rest of a ``docs add`` goes on."""
        if not self.writable:
            raise CarbonError(f"{what}: {self.home.root} cannot be written")
        try:
            with self.home.lock():
                yield
        except (OSError, sqlite3.OperationalError) as error:
            reason = getattr(error, "strerror", None) or error
            raise CarbonError(f"{what}: cannot write to {self.home.root}: {reason}") from error

    def _new_id(self, path: Path, location: str, manifest: dict[str, dict[str, str]]) -> str:
        """A readable id from the file name; a file added again keeps its id."""
        for doc_id, entry in manifest.items():
            if entry["source"] == location:
                return doc_id
        base = slug(path.name) or "doc"
        taken = set(manifest) | {SEED_DOC} | {f"{SEED_TEASERS}-{i:02d}" for i in range(1, 100)}
        candidate, n = base, 2
        while candidate in taken or any(t.startswith(candidate + "-news-") for t in taken):
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def remove(self, doc_id: str) -> None:
        with self._writing(doc_id):
            manifest = self.home.manifest()
            if doc_id not in manifest:
                raise CarbonError(self._not_in_library(doc_id, manifest))
            self.home.delete_record(doc_id)
            self._refresh(self.home.library_key()).conn.close()

    def _not_in_library(self, doc_id: str, manifest: dict) -> str:
        if doc_id == SEED_DOC or doc_id.startswith(SEED_TEASERS + "-"):
            return f"{doc_id} is part of the shipped document and cannot be removed"
        for origin in manifest:
            if doc_id.startswith(origin + "-news-"):
                return f"{doc_id} was read from {origin}: remove {origin}"
        return f"no document {doc_id!r} in the library (see: carbon docs list)"


@dataclass(frozen=True)
class Added:
    id: str
    path: str
    status: str  # added, replaced, unchanged
    passages: int
    encoding: str
    format: str


def slug(name: str) -> str:
    """``cpc_sc_dual_carbon_opinions_2021.txt`` -> ``cpc-sc-dual-carbon-opinions-2021``."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60].strip("-")


def _location(path: Path) -> str:
    """The absolute path in a printable form (names need not be valid UTF-8)."""
    from .readers import display_path

    try:
        return display_path(path.resolve())
    except OSError:
        return display_path(path.absolute())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _damage(path: Path) -> str:
    """A cheap check of SQLite's header: catches a truncated or foreign file."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as error:
        return error.strerror or str(error)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "not an index file"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]
    if valid and pages and size < pages * page_size:
        return f"truncated: {size:,} of {pages * page_size:,} bytes"
    return ""


_DISCARDED: set[Path] = set()  # indexes removed as damaged by this process, not yet rebuilt
# What SQLite says of a file whose pages are damaged past what ``_damage`` sees.
_DAMAGE_SIGNS = ("malformed", "not a database", "could not decode", "no such table", "no such column")


def discard_damaged_index(error: Exception, home: Home | None = None, warn: Warn = _quiet) -> bool:
    """Remove an index that failed while being read because it is damaged.

    The header check on open cannot see a garbage page inside the file; SQLite only
    finds it when a query reaches that page. The index is derived data, so removing
    it loses nothing: the next open rebuilds it from the seed and the library. False
    when the error is not damage (a lock, a full disk) or the file cannot be removed.
    """
    message = " ".join(str(error).split())
    if not isinstance(error, sqlite3.DatabaseError) or not any(sign in message.lower() for sign in _DAMAGE_SIGNS):
        return False
    home = home or Home()
    try:
        home.index_path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return False
    _DISCARDED.add(home.index_path)
    warn(f"the index in {home.root} is damaged ({message[:120]}); rebuilding it")
    return True
