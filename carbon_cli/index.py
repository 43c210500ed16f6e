"""The search index: passages, terms and postings in one SQLite file.

SQLite gives what an index needs without a server: plain data that any tool can
read, atomic transactions (a killed writer leaves the previous state), readers that
never block on each other, and look-ups by term that touch only the rows asked for,
so a query reads a few pages instead of loading the whole index.

The statistics BM25 needs are stored, not recomputed: each term's document
frequency, each posting's term frequency and passage length, and the corpus size
and average length in ``meta``.

Postings are kept one row per term and document, the document's passages that hold
the term packed as arrays (``_pack``): a row per passage and term was most of the
index (about one per two characters of text, in two B-trees), and reading a common
word's postings meant fetching as many rows. A packed row is read in one step and
unpacked by ``array`` in C; removing a document deletes its rows by the document.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING, NamedTuple

from . import indexing
from .indexing import PassageCounts, Phrases, matching_text, unique_ids
from .model import Document, Passage, title_line
from .text import Pipeline

if TYPE_CHECKING:
    from .names import Name
    from .records import Issuers

SCHEMA_VERSION = "7"  # 3: the record of each document, its citations and names; 4: query names, priors;
# 5: postings packed per term and document; 6: the passages of each expansion as written;
# 7: the record's fields the facets count, apart

SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE documents(
  id TEXT PRIMARY KEY, origin TEXT NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL, truncated INTEGER NOT NULL,
  builtin INTEGER NOT NULL, source TEXT NOT NULL, encoding TEXT NOT NULL, format TEXT NOT NULL,
  sha256 TEXT NOT NULL, chars INTEGER NOT NULL, added TEXT NOT NULL, meta TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE facet_fields(doc TEXT PRIMARY KEY, issuers TEXT, day TEXT) WITHOUT ROWID;
CREATE TABLE passages(
  pid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL, kind TEXT NOT NULL,
  number INTEGER, label TEXT NOT NULL, title TEXT NOT NULL, parent TEXT, section TEXT NOT NULL,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, length INTEGER NOT NULL,
  title_line INTEGER NOT NULL, norm TEXT NOT NULL);
CREATE INDEX documents_origin ON documents(origin);
CREATE INDEX passages_doc ON passages(doc, pid);
CREATE INDEX passages_kind ON passages(kind, pid);
CREATE INDEX passages_title_line ON passages(pid) WHERE title_line;
CREATE INDEX passages_place ON passages(pid, doc, kind);
CREATE TABLE terms(tid INTEGER PRIMARY KEY, term TEXT UNIQUE NOT NULL, df INTEGER NOT NULL);
CREATE TABLE postings(
  tid INTEGER NOT NULL, doc INTEGER NOT NULL, pids BLOB NOT NULL, tfs BLOB NOT NULL, dls BLOB NOT NULL,
  PRIMARY KEY(tid, doc)) WITHOUT ROWID;
CREATE INDEX postings_doc ON postings(doc);
CREATE TABLE spans(doc INTEGER PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL);
CREATE TABLE phrases(wid INTEGER PRIMARY KEY, phrase TEXT UNIQUE NOT NULL, anchor TEXT NOT NULL);
CREATE TABLE written(
  wid INTEGER NOT NULL, doc INTEGER NOT NULL, pids BLOB NOT NULL, PRIMARY KEY(wid, doc)) WITHOUT ROWID;
CREATE INDEX written_doc ON written(doc);
CREATE TABLE query_names(doc TEXT NOT NULL, form TEXT NOT NULL, how TEXT NOT NULL);
CREATE INDEX query_names_doc ON query_names(doc);
CREATE TABLE priors(pid INTEGER PRIMARY KEY, factor REAL NOT NULL);
CREATE TABLE refs(
  doc TEXT NOT NULL, passage TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, cited TEXT NOT NULL,
  key TEXT NOT NULL, alias_of TEXT);
CREATE INDEX refs_doc ON refs(doc);
CREATE INDEX refs_key ON refs(key);
CREATE TABLE names(doc TEXT NOT NULL, key TEXT NOT NULL, how TEXT NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE INDEX names_doc ON names(doc);
"""

PASSAGE_COLUMNS = 'pid, id, doc, kind, number, label, title, parent, section, start, "end", text'


class Among(NamedTuple):
    """Passages to read postings for, by document (``seq`` -> pids in order)."""

    by_document: dict[int, list[int]]
    size: int


@dataclass(frozen=True)
class DocumentInfo:
    """Where a document came from: shown by ``docs list``."""

    origin: str  # the library record (or the seed) the document was parsed from
    source: str
    encoding: str
    format: str
    sha256: str
    added: str
    builtin: bool


def row_to_passage(row: Sequence) -> Passage:
    return Passage(
        id=row[1], doc=row[2], kind=row[3], number=row[4], label=row[5], title=row[6],
        parent=row[7], section=tuple(json.loads(row[8])), start=row[9], end=row[10], text=row[11],
    )


def create(conn: sqlite3.Connection, build_key: str, phrases: Sequence[tuple[str, str]] = ()) -> None:
    """A new, empty index; ``phrases`` ((phrase, anchor), ``Vocabulary.written_phrases``)
    are the expansions it records as written, fixed for its life: a document added
    later is searched for the same ones, so a phrase's list is whole or absent."""
    conn.executescript(SCHEMA)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema", SCHEMA_VERSION), ("build", build_key), ("library", ""), ("n", "0"), ("total", "0")],
    )
    conn.executemany("INSERT INTO phrases(phrase, anchor) VALUES (?, ?)", phrases)


def add_documents(
    conn: sqlite3.Connection,
    documents: Sequence[tuple[Document, DocumentInfo]],
    pipeline: Pipeline,
    *,
    bulk: bool = False,
) -> None:
    """Insert documents and their postings, updating the corpus statistics."""
    writer = Writer(conn, pipeline)
    writer.add(documents, bulk=bulk)
    writer.finish()


FEW_PIDS = 5_000  # passages looked up one by one below this; above, a whole index is read
SQL_CHUNK = 500  # values bound in one ``IN (…)`` list, well under SQLite's limit of variables


def _chunks(values: Sequence) -> Iterator[tuple[list, str]]:
    """``values`` in slices small enough to bind at once, each with its ``?,?,…``."""
    for start in range(0, len(values), SQL_CHUNK):
        chunk = list(values[start : start + SQL_CHUNK])
        yield chunk, ",".join("?" * len(chunk))
# -- packed postings: one row per term and document -----------------------------------

_TYPECODES = {1: "B", 2: "H", 4: "I", 8: "Q"}  # an item's size in bytes -> its array type


def _pack(values: Sequence[int], code: str | None = None) -> bytes:
    """Non-negative integers as a little-endian array of the smallest item that holds
    them all (or of ``code``): the size of the blob over the number of items tells the
    type back."""
    if code is None:
        top = max(values)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I" if top < 1 << 32 else "Q"
    packed = array(code, values)
    if sys.byteorder == "big":  # the file is the same on every machine
        packed.byteswap()
    return packed.tobytes()


def _unpack(blob: bytes, count: int) -> array:
    """The array ``_pack`` wrote, of ``count`` items."""
    packed = array(_TYPECODES[len(blob) // count])
    packed.frombytes(blob)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed


def _rows_of(pids: bytes, tfs: bytes, dls: bytes) -> Iterator[tuple[int, int, int]]:
    """(pid, tf, dl) of one packed row."""
    count = len(pids) // 4
    return zip(_unpack(pids, count), _unpack(tfs, count), _unpack(dls, count))


def _picked(pids: bytes, tfs: bytes, dls: bytes, wanted: Sequence[int]) -> list[tuple[int, int, int]]:
    """(pid, tf, dl) of the ``wanted`` passages (sorted) in one packed row: found by
    bisection in its pid array, so a few candidates cost no walk over a long row."""
    count = len(pids) // 4
    numbers = _unpack(pids, count)
    places = [at for pid in wanted if (at := bisect_left(numbers, pid)) < count and numbers[at] == pid]
    if not places:
        return []
    frequencies, lengths = _unpack(tfs, count), _unpack(dls, count)
    return [(numbers[at], frequencies[at], lengths[at]) for at in places]


def _packed_row(tid: int, doc: int, postings: list[tuple[int, int, int]]) -> tuple[int, int, bytes, bytes, bytes]:
    """The row of one term in one document, from its (pid, tf, dl) in pid order. Its
    pids are always four bytes each: their count, read off the blob's length, tells the
    item size of the other two arrays."""
    pids, tfs, dls = zip(*postings)
    return tid, doc, _pack(pids, "I"), _pack(tfs), _pack(dls)


def iter_postings(conn: sqlite3.Connection) -> Iterator[tuple[int, int, int, int]]:
    """(tid, pid, tf, dl) of every posting, by term and passage: for checks and tools."""
    for tid, pids, tfs, dls in conn.execute("SELECT tid, pids, tfs, dls FROM postings ORDER BY tid, doc"):
        for pid, tf, dl in _rows_of(pids, tfs, dls):
            yield tid, pid, tf, dl


STAGE_DROP_INDEX = 50_000  # staged rows above which postings_doc is rebuilt, not updated
# SQLite's page cache (KiB) for the index and for the staging table while writing: the
# default 2 MB makes a large batch spill and re-read pages (docs/performance.md)
WRITE_CACHE_KIB = 65_536


class Writer:
    """Adds documents to the index within the caller's transaction, in one batch.

    Postings are the bulk of the index (one packed row per term and document) and
    live in two B-trees, by (term, document) and by document. Inserted document by
    document they land all over the first tree, and a large build spends its time
    moving pages. So they are staged in a temporary table and moved in at
    ``finish`` in key order; for a large batch the by-document index is dropped and
    built again by one sort. Term ids are looked up once per batch, document
    frequencies and the corpus statistics are moved by the amounts added instead of
    being recounted over the whole index.
    """

    def __init__(self, conn: sqlite3.Connection, pipeline: Pipeline) -> None:
        self.conn = conn
        self.pipeline = pipeline
        self.seq = conn.execute("SELECT coalesce(max(seq), 0) FROM documents").fetchone()[0]
        self.pid = conn.execute("SELECT coalesce(max(pid), 0) FROM passages").fetchone()[0]
        self.terms = _TermIds(conn)
        self.df: Counter[int] = Counter()
        self.passages = self.total = self.staged = 0
        self.unused: set[int] = set()  # terms of removed documents, pruned at ``finish`` if still unused
        self.sections: dict[tuple[str, ...], str] = {}  # a section's JSON: the passages under a heading share it
        self.titles: dict[str, str] = {}  # a heading title -> its matching form
        self.phrases = Phrases(conn.execute("SELECT wid, phrase, anchor FROM phrases"))
        self.issuers: Issuers | None = None  # the issuer table, read at the first document
        conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        conn.execute(f"PRAGMA temp.cache_size = -{WRITE_CACHE_KIB}")
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS staged_postings(tid INTEGER, doc INTEGER, pids BLOB, tfs BLOB, dls BLOB)"
        )

    def add(
        self,
        documents: Sequence[tuple[Document, DocumentInfo]],
        *,
        bulk: bool = False,
        counts: Sequence[Sequence[PassageCounts]] | None = None,
    ) -> None:
        """Insert documents; ``counts`` may carry their passages' terms counted
        elsewhere (by worker processes in a large build), as ``indexing.count_terms`` gives them."""
        from . import names  # a build's modules: a search never needs them
        from .priors import passage_priors

        conn = self.conn
        for index, (doc, info) in enumerate(documents):
            self.seq += 1
            passages = unique_ids(doc.passages)
            record = self._record(doc, passages)
            conn.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, info.origin, self.seq, doc.title, int(doc.truncated), int(info.builtin), info.source,
                 info.encoding, info.format, info.sha256, doc.end - doc.start, info.added,
                 json.dumps(doc.meta, ensure_ascii=False), record),
            )
            conn.executemany(
                "INSERT INTO query_names VALUES (?,?,?)",
                [(n.doc, n.form, n.how) for n in names.derive(doc, self.pipeline.normaliser.normalise)],
            )
            counted = (
                counts[index] if counts is not None else indexing.count_terms(self.pipeline, passages, bulk=bulk)
            )
            tids = self.terms.ids([term for tf, _, _ in counted for term in tf])
            passage_rows, prior_rows = [], []
            by_term: dict[int, list[tuple[int, int, int]]] = {}
            written: dict[int, list[int]] = {}
            priors = passage_priors(passages)  # priors.py: what a passage is worth, measured
            for passage, (tf, length, norm) in zip(passages, counted):
                self.pid += 1
                if passage.id in priors:
                    prior_rows.append((self.pid, priors[passage.id]))
                passage_rows.append(
                    (self.pid, passage.id, doc.id, passage.kind, passage.number, passage.label, passage.title,
                     passage.parent, self._section(passage.section), passage.start, passage.end, passage.text, length,
                     int(title_line(passage)), norm)
                )
                for term, n in tf.items():
                    tid = tids[term]
                    by_term.setdefault(tid, []).append((self.pid, n, length))
                    self.df[tid] += 1
                for wid in self.phrases.found(tf, partial(self._matching_text, norm, passage.section)):
                    written.setdefault(wid, []).append(self.pid)
                self.total += length
            self.passages += len(passages)
            self.staged += len(by_term)
            if passages:
                conn.execute("INSERT INTO spans VALUES (?,?,?)", (self.seq, self.pid - len(passages) + 1, self.pid))
            conn.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", passage_rows)
            conn.executemany("INSERT INTO priors VALUES (?,?)", prior_rows)
            conn.executemany(
                "INSERT INTO temp.staged_postings VALUES (?,?,?,?,?)",
                (_packed_row(tid, self.seq, postings) for tid, postings in by_term.items()),
            )
            conn.executemany(
                "INSERT INTO written VALUES (?,?,?)",
                ((wid, self.seq, _pack(pids, "I")) for wid, pids in written.items()),
            )

    def _matching_text(self, norm: str, section: tuple[str, ...]) -> str:
        """Where the phrases are looked for: as the scorer would (``matching_text``)."""
        titles = self.titles
        for title in section:
            if title not in titles:
                titles[title] = self.pipeline.normaliser.normalise(title)
        return matching_text(norm, (titles[title] for title in section))

    def _record(self, doc: Document, passages: Sequence[Passage]) -> str:
        """Store what ``records`` and ``references`` read from the document: its record
        (returned, as JSON), the names it is known by, and the citations of its passages."""
        from . import records, references  # only builds read records: keep them off the warm path

        if self.issuers is None:
            self.issuers = records.issuers_table(self.pipeline.normaliser.normalise)
        normalise = self.pipeline.normaliser.normalise
        record = records.record_of(doc, self.issuers)
        self.conn.executemany(
            "INSERT OR IGNORE INTO names VALUES (?,?,?)",
            ((doc.id, key, how) for key, how in references.names(record, normalise).items()),
        )
        self.conn.executemany(
            "INSERT INTO refs VALUES (?,?,?,?,?,?,?)",
            ((doc.id, c.passage, c.start, c.end, c.cited, c.key, c.alias_of)
             for c in references.citations(passages, normalise)),
        )
        fields = record.to_json()
        issuers = fields.get("issuers")
        self.conn.execute(  # every search's facets read these two fields of thousands of records
            "INSERT INTO facet_fields VALUES (?,?,?)",
            (doc.id, json.dumps(issuers, ensure_ascii=False) if issuers else None,
             fields.get("date_written") or fields.get("date_published")),
        )
        return json.dumps(fields, ensure_ascii=False)

    def _section(self, section: tuple[str, ...]) -> str:
        found = self.sections.get(section)
        if found is None:
            found = self.sections[section] = json.dumps(list(section), ensure_ascii=False)
        return found

    def remove(self, origin: str) -> None:
        """Remove a record's documents (one being replaced) within the same batch."""
        self.unused.update(remove_origin(self.conn, origin, prune=False))

    def finish(self) -> None:
        """Move the staged postings in, and update frequencies and statistics."""
        conn = self.conn
        rebuild = self.staged > STAGE_DROP_INDEX
        if rebuild:
            conn.execute("DROP INDEX postings_doc")
        conn.execute("INSERT INTO postings SELECT * FROM temp.staged_postings ORDER BY tid, doc")
        if rebuild:
            conn.execute("CREATE INDEX postings_doc ON postings(doc)")
        conn.execute("DELETE FROM temp.staged_postings")
        conn.executemany("UPDATE terms SET df = df + ? WHERE tid = ?", ((n, tid) for tid, n in sorted(self.df.items())))
        _prune_terms(conn, sorted(self.unused))
        _add_statistics(conn, self.passages, self.total)


class _TermIds:
    """Term ids for a batch of inserts: looked up once, new terms numbered in order of
    first appearance (so a serial and a parallel build number them alike)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.known: dict[str, int] = {}
        self.next = conn.execute("SELECT coalesce(max(tid), 0) + 1 FROM terms").fetchone()[0]

    def ids(self, terms: Iterable[str]) -> dict[str, int]:
        wanted = [t for t in dict.fromkeys(terms) if t not in self.known]
        for chunk, marks in _chunks(wanted):
            self.known.update(
                (t, tid) for tid, t in self.conn.execute(f"SELECT tid, term FROM terms WHERE term IN ({marks})", chunk)
            )
        new = [t for t in wanted if t not in self.known]
        rows = [(self.next + i, t) for i, t in enumerate(new)]
        self.conn.executemany("INSERT INTO terms(tid, term, df) VALUES (?, ?, 0)", rows)
        self.known.update((t, tid) for tid, t in rows)
        self.next += len(new)
        return self.known


def origins(conn: sqlite3.Connection) -> dict[str, str]:
    """Library records in the index, with the content hash they were indexed at."""
    return dict(conn.execute("SELECT DISTINCT origin, sha256 FROM documents WHERE builtin = 0"))


def remove_origin(conn: sqlite3.Connection, origin: str, *, prune: bool = True) -> list[int]:
    """Delete the documents parsed from one record, with passages and postings.

    Only that record's rows are touched: the terms it used, its passages through
    their document index, and the statistics by what it held. Returns the ids of
    the terms it used; with ``prune`` those no passage uses any more are deleted
    (a ``Writer`` defers that to ``finish``, since its own documents may use them).
    """
    found = conn.execute("SELECT id, seq FROM documents WHERE origin = ?", (origin,)).fetchall()
    docs = [doc for doc, _ in found]
    pids: list[int] = []
    total = 0
    for doc in docs:
        for pid, length in conn.execute("SELECT pid, length FROM passages WHERE doc = ?", (doc,)):
            pids.append(pid)
            total += length
    removed = len(pids)
    counts: Counter[int] = Counter()
    for _, seq in found:
        for tid, size in conn.execute("SELECT tid, length(pids) FROM postings WHERE doc = ?", (seq,)):
            counts[tid] += size // 4
        conn.execute("DELETE FROM postings WHERE doc = ?", (seq,))
        conn.execute("DELETE FROM written WHERE doc = ?", (seq,))
        conn.execute("DELETE FROM spans WHERE doc = ?", (seq,))
    for chunk, marks in _chunks(pids):
        conn.execute(f"DELETE FROM priors WHERE pid IN ({marks})", chunk)
    tids = sorted(counts)
    conn.executemany("UPDATE terms SET df = df - ? WHERE tid = ?", ((counts[tid], tid) for tid in tids))
    if prune:
        _prune_terms(conn, tids)
    conn.executemany("DELETE FROM passages WHERE doc = ?", ((doc,) for doc in docs))
    conn.executemany("DELETE FROM refs WHERE doc = ?", ((doc,) for doc in docs))
    conn.executemany("DELETE FROM names WHERE doc = ?", ((doc,) for doc in docs))
    conn.executemany("DELETE FROM query_names WHERE doc = ?", ((doc,) for doc in docs))
    conn.executemany("DELETE FROM facet_fields WHERE doc = ?", ((doc,) for doc in docs))
    conn.execute("DELETE FROM documents WHERE origin = ?", (origin,))
    _add_statistics(conn, -removed, -total)
    return tids


def _prune_terms(conn: sqlite3.Connection, tids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM terms WHERE tid = ? AND df <= 0", ((tid,) for tid in tids))


def _add_statistics(conn: sqlite3.Connection, passages: int, length: int) -> None:
    """Move the corpus size and total length (what BM25's length normalisation needs)
    by what was added or removed, instead of recounting every passage."""
    conn.executemany(
        "UPDATE meta SET v = CAST(CAST(v AS INTEGER) + ? AS TEXT) WHERE k = ?", ((passages, "n"), (length, "total"))
    )


def storable(value: str) -> bool:
    """Whether SQLite can take the string: an argument that was not UTF-8 reaches
    Python as lone surrogates, which no stored id or term holds and SQLite refuses."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Index:
    """Read access to an index file (or an in-memory index)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.meta = dict(conn.execute("SELECT k, v FROM meta"))
        self.n = int(self.meta["n"])
        total = int(self.meta["total"])
        self.avgdl = total / self.n if self.n else 0.0

    def okapi_average_idf(self) -> float:
        """rank-bm25's average idf over the vocabulary: the base of BM25Okapi's epsilon floor."""
        n, idf_sum, count = self.n, 0.0, 0
        for (df,) in self.conn.execute("SELECT df FROM terms"):
            idf_sum += math.log(n - df + 0.5) - math.log(df + 0.5)
            count += 1
        return idf_sum / count if count else 0.0

    def term_stats(self, terms: Iterable[str]) -> dict[str, tuple[int, int]]:
        """term -> (tid, df) for the terms the index knows."""
        wanted = [t for t in dict.fromkeys(terms) if storable(t)]
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self.conn.execute(f"SELECT term, tid, df FROM terms WHERE term IN ({marks})", wanted)
        return {term: (tid, df) for term, tid, df in rows}

    def posting_rows(
        self, tid: int, among: Among | None = None, df: int | None = None
    ) -> list[tuple[int, int, int]]:
        """(pid, tf, dl) of a term's postings, as plain tuples: scoring every passage of
        a common word. ``among`` (made by ``Index.among``) limits them to some passages,
        picked from the rows of their documents only: looked up document by document when they are
        few beside the term's postings (``df``, looked up if not given), else from a
        walk over the term's rows that unpacks no other document's."""
        rows: list[tuple[int, int, int]] = []
        if among is None:
            for packed in self.conn.execute("SELECT pids, tfs, dls FROM postings WHERE tid = ?", (tid,)):
                rows.extend(_rows_of(*packed))
            return rows
        if df is None:
            df = self.conn.execute("SELECT df FROM terms WHERE tid = ?", (tid,)).fetchone()[0]
        wanted = among.by_document
        if among.size * 8 < df:
            for chunk, marks in _chunks(sorted(wanted)):
                for doc, pids, tfs, dls in self.conn.execute(
                    f"SELECT doc, pids, tfs, dls FROM postings WHERE tid = ? AND doc IN ({marks})", (tid, *chunk)
                ):
                    rows.extend(_picked(pids, tfs, dls, wanted[doc]))
            return rows
        for doc, pids, tfs, dls in self.conn.execute("SELECT doc, pids, tfs, dls FROM postings WHERE tid = ?", (tid,)):
            if doc in wanted:
                rows.extend(_picked(pids, tfs, dls, wanted[doc]))
        return rows

    def written_ids(self, phrases: Iterable[str]) -> dict[str, tuple[int, str]]:
        """phrase -> its id and anchor, for the phrases this index recorded as written (``create``)."""
        wanted = [p for p in dict.fromkeys(phrases) if storable(p)]
        found: dict[str, tuple[int, str]] = {}
        for chunk, marks in _chunks(wanted):
            rows = self.conn.execute(f"SELECT phrase, wid, anchor FROM phrases WHERE phrase IN ({marks})", chunk)
            found.update((phrase, (wid, anchor)) for phrase, wid, anchor in rows)
        return found

    def written_pids(self, wid: int) -> list[int]:
        """The passages a recorded phrase occurs in as written, in pid order."""
        pids: list[int] = []
        for (packed,) in self.conn.execute("SELECT pids FROM written WHERE wid = ? ORDER BY doc", (wid,)):
            pids.extend(_unpack(packed, len(packed) // 4))
        return pids

    @cached_property
    def _spans(self) -> tuple[list[int], list[int], list[int]]:
        """Each document's first passage, last passage and ``seq`` (as postings key
        documents), by first passage: a document's passages are numbered in one run."""
        rows = self.conn.execute("SELECT first, last, doc FROM spans ORDER BY first").fetchall()
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]

    def among(self, pids: Collection[int]) -> Among:
        """Some passages as ``posting_rows`` limits a term's postings to: grouped by
        document once, however many terms' postings they limit."""
        return Among(self._by_document(pids), len(pids))

    def _by_document(self, pids: Iterable[int]) -> dict[int, list[int]]:
        """Some passages by their document (its ``seq``), in pid order."""
        firsts, lasts, seqs = self._spans
        found: dict[int, list[int]] = {}
        for pid in sorted(pids):
            at = bisect_right(firsts, pid) - 1
            if at >= 0 and pid <= lasts[at]:
                found.setdefault(seqs[at], []).append(pid)
        return found

    def term_counts(self, first: int, last: int) -> dict[int, dict[int, int]]:
        """pid -> (tid -> tf) of the passages numbered ``first`` to ``last``."""
        firsts, lasts, order = self._spans
        seqs = [seq for start, end, seq in zip(firsts, lasts, order) if start <= last and first <= end]
        counts: dict[int, dict[int, int]] = {}
        for seq in seqs:
            rows = self.conn.execute("SELECT tid, pids, tfs, dls FROM postings WHERE doc = ?", (seq,))
            for tid, pids, tfs, dls in rows:
                for pid, tf, _ in _rows_of(pids, tfs, dls):
                    if first <= pid <= last:
                        counts.setdefault(pid, {})[tid] = tf
        return counts

    def terms_containing(self, fragment: str, limit: int = 200) -> list[str]:
        """Vocabulary terms that contain a fragment, most widely used first."""
        if not storable(fragment):
            return []
        pattern = "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            "SELECT term FROM terms WHERE term LIKE ? ESCAPE '\\' ORDER BY df DESC LIMIT ?", (pattern, limit)
        )
        return [term for (term,) in rows]

    def terms_like(self, pattern: str, limit: int = 50) -> list[tuple[str, int]]:
        """(term, df) of the vocabulary terms matching a LIKE pattern (``_``: any one
        character; ``%`` and ``\\`` are taken literally)."""
        if not storable(pattern):
            return []
        escaped = pattern.replace("\\", "\\\\").replace("%", "\\%")
        rows = self.conn.execute(
            "SELECT term, df FROM terms WHERE term LIKE ? ESCAPE '\\' ORDER BY df DESC LIMIT ?", (escaped, limit)
        )
        return list(rows)

    def framing_pids(self, kinds: Sequence[str], among: Collection[int]) -> list[tuple[int, str, bool]]:
        """(pid, kind, title line) of the passages among ``among`` that are of these kinds
        or only their title: the few passages ranking lowers. For a common word's hits,
        all of them are read from two small indexes rather than each hit looked up."""
        marks = ",".join("?" * len(kinds))
        condition = f"(kind IN ({marks}) OR title_line)"
        if len(among) > FEW_PIDS:
            rows = self.conn.execute(f"SELECT pid, kind, title_line FROM passages WHERE {condition}", kinds)
            wanted = set(among)
            return [(pid, kind, bool(line)) for pid, kind, line in rows if pid in wanted]
        found: list[tuple[int, str, bool]] = []
        for chunk, pid_marks in _chunks(sorted(among)):
            rows = self.conn.execute(
                f"SELECT pid, kind, title_line FROM passages WHERE pid IN ({pid_marks}) AND {condition}",
                (*chunk, *kinds),
            )
            found.extend((pid, kind, bool(line)) for pid, kind, line in rows)
        return found

    def measured_priors(self, among: Collection[int]) -> dict[int, float]:
        """pid -> the prior ``priors.py`` gave it at index time, for those among ``among`` that have one."""
        if len(among) > FEW_PIDS:
            wanted = set(among)
            return {pid: f for pid, f in self.conn.execute("SELECT pid, factor FROM priors") if pid in wanted}
        found: dict[int, float] = {}
        for chunk, marks in _chunks(sorted(among)):
            found.update(self.conn.execute(f"SELECT pid, factor FROM priors WHERE pid IN ({marks})", chunk))
        return found

    def passages_by_pid(self, pids: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for chunk, marks in _chunks(pids):
            for row in self.conn.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE pid IN ({marks})", chunk):
                found[row[0]] = row_to_passage(row)
        return found

    def places_by_pid(self, pids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """pid -> (document, kind): what facets count and the date sort orders by. For a
        common word's hits the whole table is read once rather than each hit looked up."""
        found: dict[int, tuple[str, str]] = {}
        if len(pids) > FEW_PIDS:
            wanted = set(pids)
            rows = self.conn.execute("SELECT pid, doc, kind FROM passages")
            return {pid: (doc, kind) for pid, doc, kind in rows if pid in wanted}
        for chunk, marks in _chunks(pids):
            rows = self.conn.execute(f"SELECT pid, doc, kind FROM passages WHERE pid IN ({marks})", chunk)
            found.update((pid, (doc, kind)) for pid, doc, kind in rows)
        return found

    def place_counts(self, pids: Collection[int]) -> list[tuple[str, str, int]]:
        """(document, kind, how many of ``pids``) for what the facets count: counted by
        SQLite over a narrow index, the pids passed at once as one JSON array."""
        if not pids:
            return []
        rows = self.conn.execute(
            "SELECT doc, kind, count(*) FROM passages INDEXED BY passages_place "
            "WHERE pid IN (SELECT value FROM json_each(?)) GROUP BY doc, kind",
            (json.dumps(sorted(pids)),),
        )
        return rows.fetchall()

    def norms_by_pid(self, pids: Sequence[int], *, sections: bool = False) -> dict[int, tuple[str, str]]:
        """pid -> (the matching form of its text, its section as stored JSON): what phrases
        and expansions are looked for in, read without building a Passage for each of a
        common word's thousands of hits. ``sections``: read the section, else ``""``."""
        found: dict[int, tuple[str, str]] = {}
        columns = "pid, norm, section" if sections else "pid, norm, ''"
        for chunk, marks in _chunks(pids):
            rows = self.conn.execute(f"SELECT {columns} FROM passages WHERE pid IN ({marks})", chunk)
            for pid, norm, section in rows:
                found[pid] = (norm, section)
        return found

    def titled_docs(self, word: str) -> list[str]:
        """The documents whose title (as ``names.derive`` stored it: normalised, compact)
        holds ``word``."""
        sql = "SELECT DISTINCT doc FROM query_names WHERE how = 'title' AND instr(form, ?) > 0"
        rows = self.conn.execute(sql, (word,))
        return [doc for (doc,) in rows]

    def document_count(self) -> int:
        """The documents with a title of their own: the ones a word of a title can single out."""
        return self.conn.execute("SELECT count(DISTINCT doc) FROM query_names WHERE how = 'title'").fetchone()[0]

    def pids_of_docs(self, docs: Sequence[str]) -> set[int]:
        """Every passage of some documents (ids as the index stores them)."""
        marks = ",".join("?" * len(docs))
        return {pid for (pid,) in self.conn.execute(f"SELECT pid FROM passages WHERE doc IN ({marks})", list(docs))}

    def titles(self, docs: Sequence[str], kinds: Sequence[str]) -> set[str]:
        """The distinct titles of the passages of some kinds in some documents: the
        sections a query may name, without reading the documents' passages."""
        docs, kinds = [d for d in docs if storable(d)], [k for k in kinds if storable(k)]
        if not docs or not kinds:
            return set()
        sql = (f"SELECT DISTINCT title FROM passages WHERE kind IN ({','.join('?' * len(kinds))})"
               f" AND doc IN ({','.join('?' * len(docs))})")
        return {title for (title,) in self.conn.execute(sql, [*kinds, *docs])}

    def filter_pids(self, pids: Iterable[int], kinds: Sequence[str], docs: Sequence[str]) -> set[int]:
        """The passages among ``pids`` of the given documents and of the given kinds or
        nested under a passage of them (a safeguard's heading line and its body)."""
        clauses, args = [], []
        # a value SQLite cannot hold names no kind or document: it keeps the filter, matching nothing
        kinds = [k if storable(k) else "\x00" for k in kinds]
        docs = [d if storable(d) else "\x00" for d in docs]
        if kinds:  # a passage of the kind and what is nested under it, as ``scope.select_passages``
            clauses.append(
                "id IN (WITH RECURSIVE inside(id) AS ("
                f"SELECT id FROM passages WHERE kind IN ({','.join('?' * len(kinds))}) "
                "UNION SELECT p.id FROM passages p JOIN inside ON p.parent = inside.id) SELECT id FROM inside)"
            )
            args.extend(kinds)
        if docs:
            clauses.append(f"doc IN ({','.join('?' * len(docs))})")
            args.extend(docs)
        allowed = {pid for (pid,) in self.conn.execute(f"SELECT pid FROM passages WHERE {' AND '.join(clauses)}", args)}
        return allowed.intersection(pids)

    def kinds(self) -> set[str]:
        return {kind for (kind,) in self.conn.execute("SELECT DISTINCT kind FROM passages")}

    def passage(self, passage_id: str) -> Passage | None:
        if not storable(passage_id):
            return None
        row = self.conn.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return row_to_passage(row) if row else None

    def passages(self, *, doc: str | None = None, kind: str | None = None) -> list[Passage]:
        if not storable(doc or "") or not storable(kind or ""):
            return []
        clauses, args = [], []
        if doc is not None:
            clauses.append("doc = ?")
            args.append(doc)
        if kind is not None:
            clauses.append("kind = ?")
            args.append(kind)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages {where} ORDER BY pid", args)
        return [row_to_passage(row) for row in rows]

    def query_names(self) -> list[Name]:
        """The names each document goes by, derived when it was indexed (``names.py``)."""
        from .names import Name

        return [Name(*row) for row in self.conn.execute("SELECT doc, form, how FROM query_names")]

    def document_ids(self) -> set[str]:
        return {doc for (doc,) in self.conn.execute("SELECT id FROM documents")}

    def documents(self) -> list[dict]:
        rows = self.conn.execute(
            "SELECT d.id, d.origin, d.title, d.truncated, d.builtin, d.source, d.encoding, d.format, d.sha256, d.chars,"
            " d.added, d.meta, (SELECT count(*) FROM passages p WHERE p.doc = d.id), d.record FROM documents d"
            " ORDER BY d.builtin DESC, d.seq"  # the shipped documents first, hidden or shown again
        )
        keys = (
            "id", "origin", "title", "truncated", "builtin", "source", "encoding", "format", "sha256", "chars", "added",
            "meta", "passages", "record",
        )
        docs = []
        for row in rows:
            doc = dict(zip(keys, row))
            doc["truncated"], doc["builtin"] = bool(doc["truncated"]), bool(doc["builtin"])
            doc["meta"], doc["record"] = json.loads(doc["meta"]), json.loads(doc["record"])
            docs.append(doc)
        return docs

    def records(self, docs: Collection[str] | None = None) -> dict[str, dict]:
        """Document id -> its record, as ``records.DocRecord.to_json`` gives it; of
        ``docs`` only, when given (the documents a search's facets count)."""
        if docs is None:
            rows = self.conn.execute("SELECT id, record FROM documents ORDER BY seq").fetchall()
        else:
            rows = []
            for chunk, marks in _chunks(sorted(d for d in docs if storable(d))):
                rows.extend(self.conn.execute(f"SELECT id, record FROM documents WHERE id IN ({marks})", chunk))
        return {doc: json.loads(record) for doc, record in rows}

    def facet_records(self, docs: Collection[str]) -> dict[str, dict]:
        """Document id -> the parts of its record the facets count (issuers, and its date
        as ``date_written``), of ``docs``: a common word's hits are in most documents,
        so the two fields are kept apart from the records, written with each document."""
        sql = "SELECT doc, issuers, day FROM facet_fields"
        wanted = set(docs)
        rows = self.conn.execute(sql).fetchall() if len(wanted) > SQL_CHUNK else [
            row for chunk, marks in _chunks(sorted(d for d in wanted if storable(d)))
            for row in self.conn.execute(f"{sql} WHERE doc IN ({marks})", chunk)
        ]
        parsed: dict[str, list[str]] = {}  # documents of one issuer write the same list
        return {doc: {"issuers": (parsed.get(issuers) or parsed.setdefault(issuers, json.loads(issuers)))
                      if issuers else None, "date_written": day}
                for doc, issuers, day in rows if doc in wanted}

    def citations(self, *, doc: str | None = None, passage: str | None = None, key: str | None = None) -> list[dict]:
        """Stored citations (of a document, a passage, or naming a key), each with the
        documents its name resolves to (``targets``, in library order; empty: unresolved)."""
        column, value = next(((c, v) for c, v in (("doc", doc), ("passage", passage), ("key", key)) if v is not None),
                             ("doc", None))
        if value is None or not storable(value):
            return []
        rows = self.conn.execute(
            'SELECT r.doc, r.passage, r.start, r."end", r.cited, r.key, r.alias_of, d.id, n.how FROM refs r'
            " LEFT JOIN names n ON n.key = r.key LEFT JOIN documents d ON d.id = n.doc"
            f" WHERE r.{column} = ? ORDER BY r.rowid, d.seq",
            (value,),
        )
        found: dict[tuple[str, int], dict] = {}
        for source, pid, start, end, cited, name, alias_of, target, how in rows:
            entry = found.setdefault((pid, start), {
                "doc": source, "passage": pid, "start": start, "end": end, "cited": cited, "key": name,
                "alias_of": alias_of, "targets": [],
            })
            if target is not None:
                entry["targets"].append({"doc": target, "by": how})
        return list(found.values())

    def passages_by_id(self, ids: Sequence[str]) -> dict[str, Passage]:
        found: dict[str, Passage] = {}
        wanted = [i for i in dict.fromkeys(ids) if storable(i)]
        for chunk, marks in _chunks(wanted):
            for row in self.conn.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE id IN ({marks})", chunk):
                found[row[1]] = row_to_passage(row)
        return found

    def passage_postings(self, passage_id: str) -> tuple[int, list[tuple[str, int, int, int]]] | None:
        """A passage's pid and the (term, tid, df, tf) of every term it is indexed under."""
        row = self.conn.execute("SELECT pid FROM passages WHERE id = ?", (passage_id,)).fetchone() if storable(
            passage_id) else None
        if row is None:
            return None
        pid = row[0]
        (seq,) = self._by_document([pid])
        found: list[tuple[str, int, int, int]] = []
        rows = self.conn.execute(
            "SELECT t.term, t.tid, t.df, p.pids, p.tfs, p.dls FROM postings p JOIN terms t ON t.tid = p.tid "
            "WHERE p.doc = ?",
            (seq,),
        )
        for term, tid, df, pids, tfs, dls in rows:
            found.extend((term, tid, df, tf) for _, tf, _ in _picked(pids, tfs, dls, [pid]))
        return pid, sorted(found, key=lambda posting: posting[1])

    def names_of(self, doc: str) -> list[str]:
        if not storable(doc):
            return []
        return [key for (key,) in self.conn.execute("SELECT key FROM names WHERE doc = ?", (doc,))]

    def all_citations(self) -> list[dict]:
        """Every stored citation, resolved, in library order: the citation graph."""
        found = []
        for (doc,) in self.conn.execute("SELECT id FROM documents ORDER BY seq"):
            found.extend(self.citations(doc=doc))
        return found
