"""The documents carbon knows, and an index kept in step with them.

The shipped seed is always there; the user's library (``docs add``) comes on top.
The index is derived data. Its ``build`` key hashes everything that decides its
content (the seed, the segmentation pipeline, the outline parser, the schema) and
its ``library`` key hashes the library's manifest. On open:

- keys match: the index is used as it is (the warm path: nothing is rebuilt);
- the build key differs, or the file is missing or damaged: a full rebuild into a
  temporary file, renamed into place (a missing index is reported, in one line, only
  in a home that had one: the first call builds it quietly);
- only the library differs: added or removed documents are applied in one
  transaction (a ``docs add`` killed half-way is finished here).

A home that cannot be written still answers, from an index built in memory.

Opening checks only SQLite's header (a check of every page would cost each query time
in proportion to the index), so a page damaged past it shows as an error on a later
read; :meth:`Catalog.repair` then checks the file whole and rebuilds it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import index as ix
from .model import CarbonError, Document
from .resources import data_file, seed_file
from .store import Home
from .text import Pipeline, pipeline_key

if TYPE_CHECKING:  # concurrent.futures imports logging: only a build needs it
    from concurrent.futures import Future, ThreadPoolExecutor

Warn = Callable[[str], None]
SEED_DOC = "qa"
SEED_TEASERS = "news"
BULK_CHARS = 150_000  # above this, load jieba's whole dictionary: faster per character
# Above this, segment in worker processes: starting one (and loading jieba's dictionary
# in it) costs about half a second, which a batch this size repays.
PARALLEL_CHARS = 1_000_000
# One worker per core, at most this many: one process writes the index, so more
# workers than it can keep up with would only queue their results in memory.
MAX_WORKERS = 4

# The code that decides what is indexed; a package counts with every module in it.
_SOURCES = ("outline", "section_words.py", "text.py", "index.py", "records.py", "references.py")
# the outline's vocabulary and the records' issuer names (the pipeline's own is in pipeline_key)
_DATA = ("section_words.tsv", "issuers.tsv")


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


def source_files(package: Path = Path(__file__).parent) -> list[Path]:
    """The files of ``_SOURCES``: a module, or every module of a package, in a fixed order."""
    out: list[Path] = []
    for name in _SOURCES:
        path = package / name
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return out


def _build_key(user_dir: Path | None = None, package: Path = Path(__file__).parent) -> str:
    digest = hashlib.sha256(f"{ix.SCHEMA_VERSION}:{pipeline_key(user_dir)}".encode())
    for path in source_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in _DATA:
        digest.update(data_file(name).read_bytes())
    digest.update(seed_file().read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Prepared:
    """A record parsed and its passages' terms counted: everything indexing needs
    that does not touch the index, so it can be done in another process."""

    documents: list[Document]
    counts: list[list[ix.PassageCounts]]

    @property
    def passages(self) -> int:
        return sum(len(doc.passages) for doc in self.documents)


def prepare(record: Record, pipeline: Pipeline, *, bulk: bool) -> Prepared:
    documents = record.documents()
    return Prepared(documents, [ix.count_terms(pipeline, doc.passages, bulk=bulk) for doc in documents])


_worker_pipeline: Pipeline | None = None


def _start_worker(cache_dir: Path, user_dir: Path | None) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(cache_dir, user_dir)


def _prepare_in_worker(record: Record) -> Prepared:
    assert _worker_pipeline is not None
    return prepare(record, _worker_pipeline, bulk=True)


def worker_count(chars: int) -> int:
    """How many processes segment a batch of ``chars`` characters: 1 means this one."""
    if chars < PARALLEL_CHARS:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def prepare_all(records: Sequence[Record], pipeline: Pipeline, workers: int) -> Iterator[Prepared]:
    """``prepare`` for each record, in order; with workers, in a process pool.

    Only a few records per worker are in flight at a time, so a large batch is never
    held in memory whole: the caller writes each result to the index as it comes.
    The results are the same either way (``tests/test_scale.py``).
    """
    if workers <= 1:
        bulk = sum(len(r.text) for r in records) > BULK_CHARS
        yield from (prepare(record, pipeline, bulk=bulk) for record in records)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(pipeline.cache_dir, pipeline.user_dir)
    ) as pool:
        queue = iter(records)
        pending: deque[Future[Prepared]] = deque()
        for record in queue:
            pending.append(pool.submit(_prepare_in_worker, record))
            if len(pending) >= workers * 4:
                break
        while pending:
            result = pending.popleft().result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(_prepare_in_worker, following))
            yield result


@dataclass
class AddReport:
    """What one ``docs add`` did, and how fast."""

    added: list[Added]  # in the order the files were given
    problems: list[tuple[Path, str]]
    positions: list[int] = field(default_factory=list)  # of each ``added`` among the files given
    documents: int = 0  # indexed, i.e. added or replaced
    chars: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of this process alone: the rest of a parallel build's CPU is the workers'
    workers: int = 1

    def summary(self) -> dict[str, float | int]:
        rate = self.chars / self.seconds if self.seconds else 0.0
        return {"documents": self.documents, "chars": self.chars, "seconds": round(self.seconds, 3),
                "chars_per_second": round(rate), "workers": self.workers, "cpu_seconds": round(self.cpu_seconds, 3)}


class Catalog:
    """The index of one CARBON_HOME, opened fresh or rebuilt as needed."""

    def __init__(self, home: Home | None = None, warn: Warn = _quiet) -> None:
        self.home = home or Home()
        self.warn = warn
        self.used = (self.home.root / "lock").exists()  # made by the first build: this home had an index
        self.writable = self.home.ensure()

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.home.cache, self.home.root)

    @cached_property
    def build_key(self) -> str:
        return _build_key(self.home.root)

    # -- opening ------------------------------------------------------------------

    def open(self) -> ix.Index:
        """An index that reflects the seed and the library as they are now."""
        if self.home.index_path in _UNUSABLE:
            return self._in_memory(_UNUSABLE[self.home.index_path])
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
        elif announce_missing and (self.used or self.home.manifest()):  # a first run builds it silently
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
        records = [seed, *self._records()]
        workers = worker_count(sum(len(r.text) for r in records))
        conn.execute("BEGIN")
        writer = ix.Writer(conn, self.pipeline)
        for record, prepared in zip(records, prepare_all(records, self.pipeline, workers)):
            info = record.info(builtin=record is seed)
            writer.add([(doc, info) for doc in prepared.documents], counts=prepared.counts)
        writer.finish()
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
            records = []
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
                records.append(record)
            workers = worker_count(sum(len(r.text) for r in records))
            writer = ix.Writer(conn, self.pipeline)
            for record, prepared in zip(records, prepare_all(records, self.pipeline, workers)):
                writer.add([(doc, record.info()) for doc in prepared.documents], counts=prepared.counts)
            writer.finish()
            conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (library_key,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- the library --------------------------------------------------------------

    def add_file(self, path: Path) -> Added:
        """Read, parse and index one file; the index is updated before this returns."""
        report = self.add_files([path])
        if report.problems:
            raise CarbonError(report.problems[0][1])
        return report.added[0]

    def add_files(
        self, paths: Sequence[Path], progress: Callable[[Sequence[Record]], Iterable[Record]] = iter
    ) -> AddReport:
        """Read, parse and index files, in one transaction under the writers' lock.

        Each record is written to the library as its passages reach the index; the
        manifest is written once, then the transaction commits. Killed before the
        manifest, nothing was added; between manifest and commit, the next open
        finishes the work (``_reconcile``). Files that cannot be read, or hold no
        text, are reported and the others still added.
        """
        from .readers import display_path, read_file

        started, cpu = time.perf_counter(), time.process_time()
        report = AddReport([], [])
        if not self.writable:
            report.problems.extend(
                (path, f"{display_path(path)}: {self.home.root} cannot be written") for path in paths
            )
            return report
        with self._writing(f"adding to {self.home.root}"):
            manifest = self.home.manifest()
            records, shown, taken = [], {}, dict(manifest)
            for position, path in enumerate(paths):
                try:
                    source = read_file(path)
                except CarbonError as error:
                    report.problems.append((path, str(error)))
                    continue
                except Exception as error:  # a reader's own bug: this file is refused, the others go on
                    if os.environ.get("CARBON_DEBUG"):
                        raise
                    reason = " ".join(str(error).split())[:200]
                    problem = f"{display_path(path)}: cannot be read ({type(error).__name__}: {reason})"
                    report.problems.append((path, problem))
                    continue
                sha = sha256_text(source.text)
                known = next((doc_id for doc_id, entry in taken.items() if entry["sha256"] == sha), None)
                if known is not None:
                    unchanged = Added(known, display_path(path), "unchanged", 0, source.encoding, source.format)
                    report.added.append(unchanged)
                    report.positions.append(position)
                    continue
                location = _location(path)
                doc_id = self._new_id(path, location, taken)
                taken[doc_id] = {"sha256": sha, "source": location}
                records.append(Record(doc_id, source.text, location, source.encoding, source.format, sha, now()))
                shown[doc_id] = (position, path, display_path(path))
            if records:
                self._index_new(records, manifest, shown, report, progress)
        report.added = [a for _, a in sorted(zip(report.positions, report.added), key=lambda pair: pair[0])]
        report.seconds = time.perf_counter() - started
        report.cpu_seconds = time.process_time() - cpu
        return report

    def _index_new(
        self,
        records: list[Record],
        manifest: dict[str, dict[str, str]],
        shown: dict[str, tuple[int, Path, str]],
        report: AddReport,
        progress: Callable[[Sequence[Record]], Iterable[Record]],
    ) -> None:
        conn = self._refresh(self.home.library_key()).conn  # the index as the library stands
        try:
            report.workers = worker_count(sum(len(r.text) for r in records))
            conn.execute("BEGIN IMMEDIATE")
            # Records are written (and synced to disk, 10 ms each here) by a thread,
            # while this one indexes: both are done before the manifest names them.
            # The thread starts after the first result, so after the worker processes
            # were forked: a fork copies no running thread.
            with contextlib.ExitStack() as stack:
                try:
                    writes = []
                    files: ThreadPoolExecutor | None = None
                    writer = ix.Writer(conn, self.pipeline)
                    prepared_all = prepare_all(records, self.pipeline, report.workers)
                    for record, prepared in zip(progress(records), prepared_all):
                        position, path, name = shown[record.id]
                        if not prepared.passages:
                            report.problems.append((path, f"{name}: no text to index"))
                            continue
                        if files is None:
                            from concurrent.futures import ThreadPoolExecutor

                            files = stack.enter_context(ThreadPoolExecutor(1))
                        writes.append(files.submit(self.home.write_record, dataclasses.asdict(record)))
                        status = "replaced" if record.id in manifest else "added"
                        if status == "replaced":
                            writer.remove(record.id)
                        writer.add([(doc, record.info()) for doc in prepared.documents], counts=prepared.counts)
                        manifest[record.id] = {"sha256": record.sha256, "source": record.source}
                        report.added.append(
                            Added(record.id, name, status, prepared.passages, record.encoding, record.format)
                        )
                        report.positions.append(position)
                        report.documents += 1
                        report.chars += len(record.text)
                    writer.finish()
                    for write in writes:
                        write.result()
                    if report.documents:
                        self.home.write_manifest(manifest)
                    conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (self.home.library_key(),))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        finally:
            conn.close()

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

    def remove(self, doc_id: str) -> str:
        """Remove a document of the library, named by its id or a short form of it
        (``ids.resolve``); the id removed."""
        from .ids import matches

        with self._writing(doc_id):
            manifest = self.home.manifest()
            found = matches(doc_id, manifest)
            if doc_id not in manifest and len(found) != 1:
                raise CarbonError(self._not_in_library(doc_id, manifest))
            doc_id = doc_id if doc_id in manifest else found[0]
            self.home.delete_record(doc_id)
            self._refresh(self.home.library_key()).conn.close()
            return doc_id

    def _not_in_library(self, doc_id: str, manifest: dict) -> str:
        from .ids import resolve

        if doc_id == SEED_DOC or doc_id.startswith(SEED_TEASERS + "-"):
            return f"{doc_id} is part of the shipped document and cannot be removed"
        for origin in manifest:
            if doc_id.startswith(origin + "-news-"):
                return f"{doc_id} was read from {origin}: remove {origin}"
        try:  # fits several documents, or none: the error names them, or the nearest
            resolve(doc_id, manifest)
        except CarbonError as error:
            return str(error)
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
_UNUSABLE: dict[Path, str] = {}  # damaged indexes that could not be removed, and why
# What SQLite says of a file whose pages are damaged past what ``_damage`` sees.
_DAMAGE_SIGNS = ("malformed", "not a database", "could not decode", "no such table", "no such column")


def discard_damaged_index(error: Exception, home: Home | None = None, warn: Warn = _quiet) -> bool:
    """Remove an index that failed while being read because it is damaged.

    The header check on open cannot see a garbage page inside the file; SQLite only
    finds it when a query reaches that page. The index is derived data, so removing
    it loses nothing: the next open rebuilds it from the seed and the library, or, where
    the file cannot be removed (a read-only home), builds one in memory. False when the
    error is not damage (a lock, a full disk).
    """
    message = " ".join(str(error).split())
    if not isinstance(error, sqlite3.DatabaseError) or not any(sign in message.lower() for sign in _DAMAGE_SIGNS):
        return False
    home = home or Home()
    try:
        home.index_path.unlink()
    except FileNotFoundError:
        pass
    except OSError:  # a read-only home: answer from memory for the rest of this process
        _UNUSABLE[home.index_path] = f"the index in {home.root} is damaged ({message[:120]}) and cannot be replaced"
        return True
    _DISCARDED.add(home.index_path)
    warn(f"the index in {home.root} is damaged ({message[:120]}); rebuilding it")
    return True
