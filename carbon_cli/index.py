"""The search index: passages, terms and postings in one SQLite file.

SQLite gives what an index needs without a server: plain data that any tool can
read, atomic transactions (a killed writer leaves the previous state), readers that
never block on each other, and look-ups by term that touch only the rows asked for,
so a query reads a few pages instead of loading the whole index.

The statistics BM25 needs are stored, not recomputed: each term's document
frequency, each posting's term frequency and passage length, and the corpus size
and average length in ``meta``.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import Document, Passage
from .text import Pipeline

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE documents(
  id TEXT PRIMARY KEY, origin TEXT NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL, truncated INTEGER NOT NULL,
  builtin INTEGER NOT NULL, source TEXT NOT NULL, encoding TEXT NOT NULL, format TEXT NOT NULL,
  sha256 TEXT NOT NULL, chars INTEGER NOT NULL, added TEXT NOT NULL, meta TEXT NOT NULL);
CREATE TABLE passages(
  pid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL, kind TEXT NOT NULL,
  number INTEGER, label TEXT NOT NULL, title TEXT NOT NULL, parent TEXT, section TEXT NOT NULL,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, length INTEGER NOT NULL);
CREATE INDEX documents_origin ON documents(origin);
CREATE INDEX passages_doc ON passages(doc, pid);
CREATE INDEX passages_kind ON passages(kind, pid);
CREATE TABLE terms(tid INTEGER PRIMARY KEY, term TEXT UNIQUE NOT NULL, df INTEGER NOT NULL);
CREATE TABLE postings(
  tid INTEGER NOT NULL, pid INTEGER NOT NULL, tf INTEGER NOT NULL, dl INTEGER NOT NULL,
  PRIMARY KEY(tid, pid)) WITHOUT ROWID;
CREATE INDEX postings_pid ON postings(pid);
"""

PASSAGE_COLUMNS = 'pid, id, doc, kind, number, label, title, parent, section, start, "end", text'


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


@dataclass(frozen=True)
class Posting:
    pid: int
    tf: int
    dl: int


def row_to_passage(row: Sequence) -> Passage:
    return Passage(
        id=row[1], doc=row[2], kind=row[3], number=row[4], label=row[5], title=row[6],
        parent=row[7], section=tuple(json.loads(row[8])), start=row[9], end=row[10], text=row[11],
    )


def create(conn: sqlite3.Connection, build_key: str) -> None:
    conn.executescript(SCHEMA)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema", SCHEMA_VERSION), ("build", build_key), ("library", ""), ("n", "0"), ("total", "0")],
    )


def _unique_ids(passages: Iterable[Passage]) -> list[Passage]:
    """Passage ids are unique by design; a repeated one still must not lose text."""
    seen: set[str] = set()
    out = []
    for passage in passages:
        pid, n = passage.id, 2
        while pid in seen:
            pid, n = f"{passage.id}~{n}", n + 1
        seen.add(pid)
        out.append(passage if pid == passage.id else _with_id(passage, pid))
    return out


def _with_id(passage: Passage, new_id: str) -> Passage:
    from dataclasses import replace

    return replace(passage, id=new_id)


def passage_terms(pipeline: Pipeline, passage: Passage, *, bulk: bool = False) -> list[str]:
    """What a passage is indexed under: its own words, the titles of the headings above
    it (the principles under 工作原则 are found by 工作原则), and its semantic kind."""
    terms = pipeline.terms(passage.text, bulk=bulk)
    if passage.section:
        terms.extend(pipeline.terms(" ".join(passage.section), bulk=bulk))
    if passage.kind in SEMANTIC_KINDS:
        terms.append(kind_term(passage.kind))
    return terms


SEMANTIC_KINDS = ("principle", "action", "guarantee")


def kind_term(kind: str) -> str:
    """The index term every passage of a semantic kind carries; no text can yield it,
    since segmentation always splits at the colon."""
    return f"kind:{kind}"


def add_documents(
    conn: sqlite3.Connection,
    documents: Sequence[tuple[Document, DocumentInfo]],
    pipeline: Pipeline,
    *,
    bulk: bool = False,
    term_lists: Sequence[Sequence[list[str]]] | None = None,
) -> None:
    """Insert documents and their postings, updating the corpus statistics.

    ``term_lists`` may carry terms already segmented elsewhere (by worker processes
    in a large build): one list of terms per passage, per document.
    """
    seq = conn.execute("SELECT coalesce(max(seq), 0) FROM documents").fetchone()[0]
    df: Counter[str] = Counter()
    rows: list[tuple[str, int, int]] = []  # term, passage row, tf
    lengths: dict[int, int] = {}
    for index, (doc, info) in enumerate(documents):
        seq += 1
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, info.origin, seq, doc.title, int(doc.truncated), int(info.builtin), info.source, info.encoding,
             info.format, info.sha256, doc.end - doc.start, info.added, json.dumps(doc.meta, ensure_ascii=False)),
        )
        passages = _unique_ids(doc.passages)
        for number, passage in enumerate(passages):
            terms = term_lists[index][number] if term_lists else passage_terms(pipeline, passage, bulk=bulk)
            counts = Counter(terms)
            cursor = conn.execute(
                "INSERT INTO passages (id, doc, kind, number, label, title, parent, section, start, \"end\", text, length)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (passage.id, doc.id, passage.kind, passage.number, passage.label, passage.title, passage.parent,
                 json.dumps(list(passage.section), ensure_ascii=False), passage.start, passage.end, passage.text,
                 len(terms)),
            )
            pid = cursor.lastrowid
            assert pid is not None
            lengths[pid] = len(terms)
            df.update(counts.keys())
            rows.extend((term, pid, tf) for term, tf in counts.items())
    _apply_df(conn, df)
    tids = _term_ids(conn, df.keys())
    conn.executemany(
        "INSERT INTO postings VALUES (?,?,?,?)", ((tids[t], pid, tf, lengths[pid]) for t, pid, tf in rows)
    )
    refresh_statistics(conn)


def _apply_df(conn: sqlite3.Connection, df: Counter[str]) -> None:
    conn.executemany(
        "INSERT INTO terms(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
        df.items(),
    )


def _term_ids(conn: sqlite3.Connection, terms: Iterable[str]) -> dict[str, int]:
    wanted = list(terms)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update((t, tid) for tid, t in conn.execute(f"SELECT tid, term FROM terms WHERE term IN ({marks})", chunk))
    return found


def origins(conn: sqlite3.Connection) -> dict[str, str]:
    """Library records in the index, with the content hash they were indexed at."""
    return dict(conn.execute("SELECT DISTINCT origin, sha256 FROM documents WHERE builtin = 0"))


def remove_origin(conn: sqlite3.Connection, origin: str) -> None:
    """Delete the documents parsed from one record, with passages and postings."""
    pids = "SELECT pid FROM passages WHERE doc IN (SELECT id FROM documents WHERE origin = ?)"
    counts = conn.execute(f"SELECT tid, count(*) FROM postings WHERE pid IN ({pids}) GROUP BY tid", (origin,)).fetchall()
    conn.executemany("UPDATE terms SET df = df - ? WHERE tid = ?", ((n, tid) for tid, n in counts))
    conn.execute("DELETE FROM terms WHERE df <= 0")
    conn.execute(f"DELETE FROM postings WHERE pid IN ({pids})", (origin,))
    conn.execute("DELETE FROM passages WHERE doc IN (SELECT id FROM documents WHERE origin = ?)", (origin,))
    conn.execute("DELETE FROM documents WHERE origin = ?", (origin,))
    refresh_statistics(conn)


def refresh_statistics(conn: sqlite3.Connection) -> None:
    """The corpus size and total length that BM25's length normalisation needs."""
    n, total = conn.execute("SELECT count(*), coalesce(sum(length), 0) FROM passages").fetchone()
    conn.executemany("UPDATE meta SET v = ? WHERE k = ?", ((str(n), "n"), (str(total), "total")))


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

    def postings(self, tid: int) -> list[Posting]:
        return [Posting(*row) for row in self.conn.execute("SELECT pid, tf, dl FROM postings WHERE tid = ?", (tid,))]

    def terms_containing(self, fragment: str, limit: int = 200) -> list[str]:
        """Vocabulary terms that contain a fragment, most widely used first."""
        if not storable(fragment):
            return []
        pattern = "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            "SELECT term FROM terms WHERE term LIKE ? ESCAPE '\\' ORDER BY df DESC LIMIT ?", (pattern, limit)
        )
        return [term for (term,) in rows]

    def kinds_of(self, pids: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for start in range(0, len(pids), 500):
            chunk = list(pids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(f"SELECT pid, kind FROM passages WHERE pid IN ({marks})", chunk))
        return found

    def passages_by_pid(self, pids: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for start in range(0, len(pids), 500):
            chunk = list(pids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE pid IN ({marks})", chunk):
                found[row[0]] = row_to_passage(row)
        return found

    def filter_pids(self, pids: Iterable[int], kinds: Sequence[str], docs: Sequence[str]) -> set[int]:
        """The passages among ``pids`` of the given kinds and documents."""
        clauses, args = [], []
        # a value SQLite cannot hold names no kind or document: it keeps the filter, matching nothing
        kinds = [k if storable(k) else "\x00" for k in kinds]
        docs = [d if storable(d) else "\x00" for d in docs]
        if kinds:
            clauses.append(f"kind IN ({','.join('?' * len(kinds))})")
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

    def documents(self) -> list[dict]:
        rows = self.conn.execute(
            "SELECT d.id, d.origin, d.title, d.truncated, d.builtin, d.source, d.encoding, d.format, d.sha256, d.chars,"
            " d.added, d.meta, (SELECT count(*) FROM passages p WHERE p.doc = d.id) FROM documents d ORDER BY d.seq"
        )
        keys = ("id", "origin", "title", "truncated", "builtin", "source", "encoding", "format", "sha256", "chars", "added",
                "meta", "passages")
        docs = []
        for row in rows:
            doc = dict(zip(keys, row))
            doc["truncated"], doc["builtin"] = bool(doc["truncated"]), bool(doc["builtin"])
            doc["meta"] = json.loads(doc["meta"])
            docs.append(doc)
        return docs
