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
import errno
import hashlib
import os
import re
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import index as ix
from . import indexing
from .interrupts import Interrupted, deferred_interrupts, die_with_parent
from .model import CarbonError, Document
from .resources import data_file, seed_file
from .store import Home, Record, close_inherited, create_private
from .text import BULK_CHARS, Pipeline, pipeline_key

if TYPE_CHECKING:  # concurrent.futures imports logging: only a build needs it
    from concurrent.futures import Future, ThreadPoolExecutor

Warn = Callable[[str], None]
SEED_DOC = "qa"
SEED_TEASERS = "news"
# Above this, segment in worker processes: starting one and loading jieba's dictionary
# in it has a cost (docs/performance.md) that a batch this size repays.
PARALLEL_CHARS = 1_000_000
# One worker per core, at most this many: one process writes the index, so more
# workers than it can keep up with would only queue their results in memory.
MAX_WORKERS = 4

# The files one ``docs add`` takes (docs/reliability.md has the measurements); a
# larger batch is added in parts.
MAX_FILES_PER_ADD = 10_000

# The code that decides what is indexed; a package counts with every module in it.
# Every module whose code decides what the index holds: the outline, the text pipeline
# and its segmenter, what a passage is indexed under, the records, citations, names and
# priors stored with each document (tests/test_lifecycle.py checks that a build imports
# no other module that could).
_SOURCES = (
    "outline", "section_words.py", "text.py", "lexicon.py", "model.py", "indexing.py", "index.py",
    "records.py", "facets.py", "references.py", "names.py", "doc_kinds.py", "priors.py",
)
# the outline's vocabulary, the records' issuer names and the names' 文种 words (the
# pipeline's own data is in pipeline_key)
_DATA = ("section_words.tsv", "issuers.tsv", "doc_kinds.txt")


def _quiet(_: str) -> None:
    pass


def document_info(record: Record, builtin: bool = False) -> ix.DocumentInfo:
    """What the index keeps of where a record's documents came from."""
    return ix.DocumentInfo(
        origin=record.id, source=record.source, encoding=record.encoding, format=record.format,
        sha256=record.sha256, added=record.added, builtin=builtin,
    )


def parse_record(record: Record) -> list[Document]:
    """A record's documents: the seed's news teasers are documents of their own."""
    from .outline import parse_documents  # only index builds parse: keep it off the warm path

    prefix = SEED_TEASERS if record.id == SEED_DOC else None
    return parse_documents(record.text, record.id, teaser_prefix=prefix)


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
    counts: list[list[indexing.PassageCounts]]

    @property
    def passages(self) -> int:
        return sum(len(doc.passages) for doc in self.documents)


def prepare(record: Record, pipeline: Pipeline, *, bulk: bool) -> Prepared:
    documents = parse_record(record)
    return Prepared(documents, [indexing.count_terms(pipeline, doc.passages, bulk=bulk) for doc in documents])


_worker_pipeline: Pipeline | None = None


def _start_worker(cache_dir: Path, user_dir: Path | None, lock_fd: int | None) -> None:
    """A build worker: it holds none of its parent's lock, ignores Ctrl-C (its parent
    handles it and shuts the pool down) and dies with its parent."""
    global _worker_pipeline
    import signal

    close_inherited(lock_fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    _worker_pipeline = Pipeline(cache_dir, user_dir)


def _prepare_in_worker(record: Record) -> Prepared:
    assert _worker_pipeline is not None
    return prepare(record, _worker_pipeline, bulk=True)


def worker_count(chars: int) -> int:
    """How many processes segment a batch of ``chars`` characters: 1 means this one."""
    if chars < PARALLEL_CHARS:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def prepare_all(
    records: Sequence[Record], pipeline: Pipeline, workers: int, lock_fd: int | None = None
) -> Generator[Prepared, None, None]:
    """``prepare`` for each record, in order; with workers, in a process pool.

    Only a few records per worker are in flight at a time, so a large batch is never
    held in memory whole: the caller writes each result to the index as it comes.
    The results are the same either way (``tests/test_scale.py``). Stopped early (an
    error, Ctrl-C), the work not started is cancelled.
    """
    if workers <= 1:
        bulk = sum(len(r.text) for r in records) > BULK_CHARS
        yield from (prepare(record, pipeline, bulk=bulk) for record in records)
        return
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(pipeline.cache_dir, pipeline.user_dir, lock_fd)
    )
    try:
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
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class AddReport:
    """What one ``docs add`` did, and how fast."""

    added: list[Added]  # in the order the files were given
    problems: list[tuple[Path, str]]
    positions: list[int] = field(default_factory=list)  # of each ``added`` among the files given
    notes: list[str] = field(default_factory=list)  # files read, with a doubt worth a warning
    documents: int = 0  # indexed, i.e. added or replaced
    chars: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of this process alone: the rest of a parallel build's CPU is the workers'
    workers: int = 1
    interrupted: int = 0  # a signal (SIGINT, SIGTERM) that came while the add was being committed

    def summary(self) -> dict[str, float | int]:
        rate = self.chars / self.seconds if self.seconds else 0.0
        return {"documents": self.documents, "chars": self.chars, "seconds": round(self.seconds, 3),
                "chars_per_second": round(rate), "workers": self.workers, "cpu_seconds": round(self.cpu_seconds, 3)}


@dataclass
class SyncReport:
    """What one ``docs sync`` did: the add (new, replaced and unchanged files) and the
    documents removed because their files are gone."""

    add: AddReport
    removed: list[str]

    def counts(self) -> dict[str, int]:
        statuses = [a.status for a in self.add.added]
        return {"added": statuses.count("added"), "replaced": statuses.count("replaced"),
                "unchanged": statuses.count("unchanged"), "removed": len(self.removed),
                "errors": len(self.add.problems)}


@dataclass(frozen=True)
class Given:
    """What a caller knows of a file beyond its path: a page fetched from the web is
    the page at its address (``location``) and was served in ``charset``; a user
    may choose a document's id (``docs add --id``)."""

    location: str | None = None
    doc_id: str | None = None
    charset: str | None = None


Progress = Callable[[Sequence[Any], str], Iterable[Any]]
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def _no_progress(items: Sequence[Any], what: str) -> Iterable[Any]:
    return items


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
            with self.home.lock(self.warn):
                return self._refresh(library_key, announce_missing=True)
        except (OSError, sqlite3.OperationalError) as error:  # disk full, a read-only file ...
            return self._in_memory(f"the index cannot be stored: {write_failure(error, self.home.root)}")

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
        self.home.tidy(self.warn)
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
        elif self.home.readable_by_others():  # said once: when the home's index is first built
            self.warn(f"{self.home.root} can be read by other users; its files are created user-only (chmod 700 it)")
        self._rebuild(library_key)
        conn, problem = self._connect()
        if conn is None:
            raise CarbonError(f"cannot open the index just built: {problem}")
        return ix.Index(conn)

    def _in_memory(self, reason: str) -> ix.Index:
        self.warn(f"{reason}; searching an index built in memory")
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._fill(conn, self.home.library_key())
        return ix.Index(conn)

    # -- building -----------------------------------------------------------------

    def _records(self) -> list[Record]:
        """The records the manifest names, and only those: a record file no entry names
        is not a document, whatever it holds."""
        records = []
        for doc_id, record in self.home.records():
            if record is None:
                self.warn(f"library record {doc_id} is missing or damaged; skipped")
            else:
                records.append(record)
        return records

    def _fill(self, conn: sqlite3.Connection, library_key: str) -> None:
        from .vocabulary import Vocabulary  # the expansions recorded as written: a build's step

        ix.create(conn, self.build_key, Vocabulary(self.pipeline).written_phrases())
        seed = seed_record()
        conn.execute("BEGIN")
        self._index_records(conn, [seed, *self._records()], builtin=seed)
        conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (library_key,))
        conn.execute("COMMIT")

    def _seed_changed(self, conn: sqlite3.Connection) -> bool:
        """Whether the shipped documents indexed are not those this library shows
        (``docs hide`` / ``unhide`` since): the seed is small, so it is then indexed
        again whole."""
        shown = {doc for (doc,) in conn.execute("SELECT id FROM documents WHERE builtin = 1")}
        return shown != set(self.builtin_ids()) - self.home.hidden()

    def _rebuild(self, library_key: str) -> None:
        """Build a new index beside the old one and swap it in."""
        tmp = self.home.index_path.with_name(f".index.{os.getpid()}.tmp")
        try:
            create_private(tmp)  # SQLite would create it with the umask's mode: the index holds every text
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                self._fill(conn, library_key)
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
                record = self.home.read_record(origin, entry["sha256"])
                if record is None:
                    self.warn(f"library record {origin} is missing or damaged; skipped")
                    continue
                records.append(record)
            seed = seed_record() if self._seed_changed(conn) else None
            if seed is not None:
                ix.remove_origin(conn, SEED_DOC)
            self._index_records(conn, [seed, *records] if seed is not None else records, builtin=seed)
            conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (library_key,))
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    def _index_records(self, conn: sqlite3.Connection, records: list[Record], builtin: Record | None = None) -> None:
        """Write the records' documents to the index (``builtin``, the seed, marked as
        shipped, without the documents this library hides)."""
        writer = ix.Writer(conn, self.pipeline)
        hidden = self.home.hidden() if builtin is not None else set()
        for record, prepared in self._prepared(records, worker_count(sum(len(r.text) for r in records))):
            info = document_info(record, builtin=record is builtin)
            kept = [(doc, counts) for doc, counts in zip(prepared.documents, prepared.counts) if doc.id not in hidden]
            writer.add([(doc, info) for doc, _ in kept], counts=[counts for _, counts in kept])
        writer.finish()

    def _prepared(
        self, records: list[Record], workers: int, shown: Iterable[Record] | None = None
    ) -> Generator[tuple[Record, Prepared], None, None]:
        """Each record with its documents and term counts, in order, from ``workers``
        processes (``prepare_all``); ``shown`` is ``records`` as a progress bar hands them
        out. A caller that stops early shuts the pool down and cancels its work."""
        prepared_all = prepare_all(records, self.pipeline, workers, self.home.lock_fd)
        try:
            yield from zip(records if shown is None else shown, prepared_all)
        finally:
            prepared_all.close()

    # -- the library --------------------------------------------------------------

    def add(
        self,
        targets: Sequence[str],
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        doc_id: str | None = None,
        progress: Progress = _no_progress,
    ) -> AddReport:
        """``docs add``: files, folders (``include``/``exclude`` globs, ``readers.discover``)
        and web addresses (``fetch.py``), in one transaction; ``doc_id`` names the one
        document given. What cannot be found, fetched or read is in ``problems``."""
        import tempfile

        from .fetch import fetch, is_url
        from .readers import discover, display_path

        paths = [Path(target) for target in targets if not is_url(target)]
        files, found = discover(paths, include, exclude)
        problems = [(path, f"{display_path(path)}: {message}") for path, message in found]
        given: dict[Path, Given] = {}
        urls = [target for target in targets if is_url(target)]
        with contextlib.ExitStack() as stack:
            # a folder only when a page is fetched: a killed add of files leaves none behind
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="carbon-fetch-")) if urls else ""
            for n, url in enumerate(urls):
                try:
                    page = fetch(url)
                except CarbonError as error:
                    problems.append((Path(url), str(error)))
                    continue
                path = Path(folder) / str(n) / page.name  # the page's own name: it becomes the id
                path.parent.mkdir()
                path.write_bytes(page.data)
                files.append(path)
                given[path] = Given(location=url, charset=page.charset)
            if doc_id is not None:
                if len(files) != 1:
                    raise CarbonError(f"--id names one document; {len(files)} were given")
                given[files[0]] = replace(given.get(files[0], Given()), doc_id=doc_id)
            report = self.add_files(files, progress, given)
        report.problems[:0] = problems
        return report

    def sync(
        self,
        folder: Path,
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        progress: Progress = _no_progress,
    ) -> SyncReport:
        """``docs sync``: the library holds what ``folder`` holds now. A file new or
        changed (by its text's hash) is added, an unchanged one skipped, and a document
        whose file under the folder is gone is removed. A file left out by
        ``include``/``exclude`` is not removed for that: only what disappeared is."""
        from .readers import discover

        if not folder.is_dir():
            raise CarbonError(f"{folder}: not a folder")
        files, found = discover([folder], include, exclude)
        added = self.add_files(files, progress)
        root = _location(folder).rstrip("/") + "/"
        gone = [doc for doc, entry in self.home.manifest().items()
                if entry["source"].startswith(root) and not Path(entry["source"]).exists()]
        self.remove_many(gone)
        added.problems[:0] = [(path, f"{path}: {message}") for path, message in found]
        return SyncReport(added, gone)

    def remove_many(self, doc_ids: Sequence[str]) -> None:
        """Remove documents of the library (exact ids) under one lock, the index
        reconciled once."""
        if not doc_ids:
            return
        with self._writing("removing documents"):
            self.home.tidy(self.warn)
            for doc_id in doc_ids:
                self.home.delete_record(doc_id)
            self._refresh(self.home.library_key()).conn.close()

    def add_file(self, path: Path) -> Added:
        """Read, parse and index one file; the index is updated before this returns."""
        report = self.add_files([path])
        if report.problems:
            raise CarbonError(report.problems[0][1])
        return report.added[0]

    def add_files(
        self, paths: Sequence[Path], progress: Progress = _no_progress, given: Mapping[Path, Given] | None = None
    ) -> AddReport:
        """Read, parse and index files, in one transaction under the writers' lock.

        Each record is written to the library as its passages reach the index; the
        transaction commits, then the manifest is written once. Stopped before the
        manifest, nothing was added: the records written are removed (or, after
        SIGKILL, swept by the next writer) and the next open takes the documents out
        of the index again (``_reconcile``). Files that cannot be read, or hold no
        text, are reported and the others still added. Ctrl-C or SIGTERM before the
        commit raise ``Interrupted`` ("nothing was added"). ``progress`` is shown the
        files as they are read, then the records as they are indexed; ``given`` says
        what is known of a file beyond its path (``Given``).
        """
        from .readers import display_path

        started, cpu = time.perf_counter(), time.process_time()
        report = AddReport([], [])
        if not self.writable:
            report.problems.extend(
                (path, f"{display_path(path)}: {self.home.root} cannot be written") for path in paths
            )
            return report
        if len(paths) > MAX_FILES_PER_ADD:
            raise CarbonError(
                f"{len(paths):,} files is over the {MAX_FILES_PER_ADD:,}-file limit of one add: add them in parts"
            )
        try:
            self._add_locked(paths, report, progress, given or {})
        except KeyboardInterrupt:
            raise Interrupted("interrupted; nothing was added") from None
        report.added = [a for _, a in sorted(zip(report.positions, report.added), key=lambda pair: pair[0])]
        report.seconds = time.perf_counter() - started
        report.cpu_seconds = time.process_time() - cpu
        return report

    def _add_locked(
        self, paths: Sequence[Path], report: AddReport, progress: Progress, given: Mapping[Path, Given]
    ) -> None:
        from .readers import ReadError, display_path, read_file, stray_bytes_note

        with self._writing(f"adding to {self.home.root}"):
            manifest = self.home.manifest()
            records, shown, ids = [], {}, _Ids(manifest)
            for position, path in enumerate(progress(paths, "reading")):
                known_of = given.get(path, Given())
                name = known_of.location or display_path(path)
                try:
                    source = read_file(path, charset=known_of.charset)
                except ReadError as error:
                    report.problems.append((path, f"{name}: {error.reason}"))
                    continue
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
                note = stray_bytes_note(source)
                if note:
                    report.notes.append(f"{display_path(path)} {note}")
                sha = sha256_text(source.text)
                known = ids.by_sha.get(sha)
                if known is not None:
                    unchanged = Added(known, name, "unchanged", 0, source.encoding, source.format)
                    report.added.append(unchanged)
                    report.positions.append(position)
                    continue
                location = known_of.location or _location(path)
                try:
                    doc_id = self._chosen_id(known_of.doc_id, location, ids) or ids.new(path, location, source.text)
                except CarbonError as error:
                    report.problems.append((path, f"{name}: {error}"))
                    continue
                ids.take(doc_id, sha, location)
                records.append(Record(doc_id, source.text, location, source.encoding, source.format, sha, now()))
                shown[doc_id] = (position, path, name)
            if records:
                self._index_new(records, manifest, shown, report, progress)

    def _index_new(
        self,
        records: list[Record],
        manifest: dict[str, dict[str, str]],
        shown: dict[str, tuple[int, Path, str]],
        report: AddReport,
        progress: Progress,
    ) -> None:
        """Index the records and write them to the library: all of it, or, when stopped
        (an error, Ctrl-C, SIGTERM) before the manifest names them, nothing: the records
        written are removed again. Once the commit begins, a signal waits for the
        manifest and is reported in ``report.interrupted``."""
        conn = self._refresh(self.home.library_key()).conn  # the index as the library stands
        written: list[Record] = []
        replaced: dict[str, str] = {}  # id -> the sha of the record it replaces
        listed = False
        try:
            report.workers = worker_count(sum(len(r.text) for r in records))
            conn.execute("BEGIN IMMEDIATE")
            # Records are written by a thread while this one indexes, and flushed to
            # disk at once: both are done before the manifest names them.
            # The thread starts after the first result, so after the worker processes
            # were forked: a fork copies no running thread.
            with contextlib.ExitStack() as stack:
                writes = []
                files: ThreadPoolExecutor | None = None
                writer = ix.Writer(conn, self.pipeline)
                prepared_all = self._prepared(records, report.workers, progress(records, "indexing"))
                stack.callback(prepared_all.close)  # a pool stopped early is shut down, its work cancelled
                for record, prepared in prepared_all:
                    position, path, name = shown[record.id]
                    if not prepared.passages:
                        report.problems.append((path, f"{name}: no text to index"))
                        continue
                    if files is None:
                        from concurrent.futures import ThreadPoolExecutor

                        files = stack.enter_context(ThreadPoolExecutor(1))
                    written.append(record)
                    writes.append(files.submit(self.home.write_record, record))
                    status = "replaced" if record.id in manifest else "added"
                    if status == "replaced":
                        replaced[record.id] = manifest[record.id]["sha256"]
                    writer.remove(record.id)  # also what an index out of step with the library may hold
                    writer.add([(doc, document_info(record)) for doc in prepared.documents], counts=prepared.counts)
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
                if writes:
                    self.home.sync_records(written)
            # The index commits first, keyed to the manifest about to be written: if that
            # write fails (a full disk) or never happens (SIGKILL), the next open finds
            # the keys differ and takes the documents out again.
            data = self.home.manifest_data(manifest) if report.documents else self.home.manifest_bytes()
            with deferred_interrupts() as signals:
                conn.execute("UPDATE meta SET v = ? WHERE k = 'library'", (self.home.library_key(data),))
                conn.execute("COMMIT")
                if report.documents:
                    self.home.write_manifest_data(data)
                    listed = True
            report.interrupted = signals[0] if signals else 0
            for doc_id, sha in replaced.items():
                self.home.discard_record(doc_id, sha)
        except BaseException:
            _rollback(conn)
            if not listed:
                for record in written:
                    self.home.discard_record(record.id, record.sha256)
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
            with self.home.lock(self.warn):
                yield
        except (OSError, sqlite3.OperationalError) as error:
            raise CarbonError(f"{what}: {write_failure(error, self.home.root)}") from error

    def _chosen_id(self, doc_id: str | None, location: str, ids: _Ids) -> str | None:
        """The id a user chose (``docs add --id``), once it can be one: a slug of at
        most 60 characters, no built-in document's, and no other document's."""
        if doc_id is None:
            return None
        if not _ID.fullmatch(doc_id):
            raise CarbonError(f"--id {doc_id[:60]!r}: lower-case letters, digits and -, at most 60")
        if doc_id in self.builtin_ids() or doc_id.startswith(SEED_TEASERS + "-"):
            raise CarbonError(f"--id {doc_id!r} is the name of a built-in document")
        if doc_id in ids.taken and ids.by_source.get(location) != doc_id:
            raise CarbonError(f"--id {doc_id!r} is taken by another document (carbon docs remove {doc_id} first)")
        return doc_id

    def remove(self, doc_id: str) -> str:
        """Remove a document of the library, named by its id or a short form of it
        (``ids.resolve``); the id removed. A built-in document is hidden instead: it is
        part of the installation, and ``docs unhide`` shows it again."""
        from .ids import matches

        if doc_id in self.builtin_ids():
            self.hide([doc_id])
            return doc_id
        with self._writing(doc_id):
            manifest = self.home.manifest()
            found = matches(doc_id, manifest)
            if doc_id not in manifest and len(found) != 1:
                raise CarbonError(self._not_in_library(doc_id, manifest))
            doc_id = doc_id if doc_id in manifest else found[0]
            self.home.tidy(self.warn)  # an older layout's records are moved before one is removed
            self.home.delete_record(doc_id)
            self._refresh(self.home.library_key()).conn.close()
            return doc_id

    # -- the built-in documents -----------------------------------------------------------

    @staticmethod
    @lru_cache(maxsize=1)
    def builtin_ids() -> tuple[str, ...]:
        """The shipped documents, hidden or not, in reading order: the seed is parsed
        once per process (``docs remove`` and a reconcile both ask)."""
        return tuple(doc.id for doc in parse_record(seed_record()))

    def hide(self, names: Sequence[str]) -> list[str]:
        """Hide built-in documents from this library, so that they answer no query and
        list no items (the seed's ten news teasers, say); the ids newly hidden. Names
        are ids, short forms of them or globs (``news-*``)."""
        return self._set_hidden(names, hide=True)

    def unhide(self, names: Sequence[str]) -> list[str]:
        """Show hidden built-in documents again; the ids shown again."""
        return self._set_hidden(names, hide=False)

    def _set_hidden(self, names: Sequence[str], *, hide: bool) -> list[str]:
        chosen = builtin_matches(names, self.builtin_ids())
        with self._writing("hiding built-in documents" if hide else "showing built-in documents"):
            hidden = self.home.hidden()
            changed = [doc for doc in chosen if (doc in hidden) != hide]
            if changed:
                self.home.write_hidden(hidden | set(changed) if hide else hidden - set(changed))
                self._refresh(self.home.library_key()).conn.close()
            return changed

    def _not_in_library(self, doc_id: str, manifest: dict) -> str:
        from .ids import resolve

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


def builtin_matches(names: Sequence[str], builtin: Sequence[str]) -> list[str]:
    """The built-in ids that ``names`` (ids, short forms, globs) stand for, in order."""
    import fnmatch

    from .ids import matches

    chosen: list[str] = []
    for name in names:
        found = fnmatch.filter(builtin, name) if any(char in name for char in "*?[") else matches(name, builtin)
        if len(found) > 1 and not any(char in name for char in "*?["):
            raise CarbonError(f"{name[:60]!r} fits several built-in documents: {', '.join(found)} (news-* names all)")
        if not found:
            raise CarbonError(f"{name[:60]!r} is not a built-in document; they are {', '.join(builtin)}"
                              " (documents you added: carbon docs remove)")
        chosen.extend(doc for doc in found if doc not in chosen)
    return chosen


class _Ids:
    """The ids of the library during one add, each looked up at once (an add of
    20,000 files scanned the manifest for every file: quadratic)."""

    def __init__(self, manifest: dict[str, dict[str, str]]) -> None:
        self.by_source = {entry["source"]: doc_id for doc_id, entry in manifest.items()}
        self.by_sha = {entry["sha256"]: doc_id for doc_id, entry in manifest.items()}
        self.taken = set(manifest) | {SEED_DOC} | {f"{SEED_TEASERS}-{i:02d}" for i in range(1, 100)}
        self.teased: set[str] = set()  # the origins of ids like x-news-01
        for doc_id in self.taken:
            self._note_teasers(doc_id)

    def _note_teasers(self, doc_id: str) -> None:
        start = doc_id.find("-news-")
        while start > 0:
            self.teased.add(doc_id[:start])
            start = doc_id.find("-news-", start + 1)

    def new(self, path: Path, location: str, text: str) -> str:
        """A readable id from the file name, or from the title when the name has no
        Latin letter or digit (名称.txt); a file added again keeps its id."""
        if location in self.by_source:
            return self.by_source[location]
        base = slug(path.name) or title_slug(text) or "doc"
        candidate, n = base, 2
        while candidate in self.taken or candidate in self.teased:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def take(self, doc_id: str, sha: str, location: str) -> None:
        self.by_source[location] = doc_id
        self.by_sha[sha] = doc_id
        self.taken.add(doc_id)
        self._note_teasers(doc_id)


TITLE_ID_CHARS = 16


def title_slug(text: str) -> str:
    """An id from a document's first line, for files whose names give none: its Chinese
    characters, Latin letters and digits as they are (NFKC, lower case), the rest as
    hyphens, at most ``TITLE_ID_CHARS``: 关于推进碳达峰工作的通知 -> 关于推进碳达峰工作的通知."""
    import unicodedata

    first = next((line for line in text.splitlines() if line.strip()), "")
    kept = "".join(
        char if ("a" <= char <= "z" or "0" <= char <= "9" or "\u4e00" <= char <= "\u9fff") else "-"
        for char in unicodedata.normalize("NFKC", first).lower()
    )
    return re.sub(r"-+", "-", kept).strip("-")[:TITLE_ID_CHARS].strip("-")


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


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo the transaction, if SQLite has not already (it does on a full disk): the
    error that stopped the work is the one reported, not the rollback's."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def write_failure(error: OSError | sqlite3.Error, root: Path) -> str:
    """What stopped a write, in one line: a full disk says so and where."""
    code = getattr(error, "errno", None)
    folder = Path(error.filename).parent if isinstance(error, OSError) and error.filename else root
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in str(error):
        return f"no space left in {folder}"
    reason = getattr(error, "strerror", None) or " ".join(str(error).split())
    return f"cannot write to {folder}: {reason}"


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
