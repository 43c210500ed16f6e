"""The search engine beneath the ranking: tantivy over carbon's own tokens.

carbon decides what a passage is indexed under (``index.passage_terms``: its
normalised jieba words, its headings' titles, its kind term); tantivy keeps those
terms' postings in compressed, memory-mapped segments and answers what an engine is
good at: which passages hold a query's terms and how many, filtered by document and
kind, and the best few by its own BM25 over boosted clauses. carbon then scores those
few exactly, with rank-bm25's arithmetic over the store's statistics
(``Scorer.score(among=…)``), and explains them: the engine only decides which passages
are worth scoring. Measurements and the choice of engine: docs/performance.md.

The engine's index is derived from the SQLite store, never from the library: it
holds each passage's number, document, kind and terms (as often as the store counts
them), so it is built from the store's postings without segmenting anything again,
and rebuilt from them whenever it is missing, damaged or out of step. tantivy writes
segments, then replaces its ``meta.json`` atomically on commit; carbon's own key file
(``carbon.json``: the store's build and library keys it reflects) is written
atomically after that, so a writer killed in between leaves a key that does not
match, and the next open rebuilds.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .index import Index

# tantivy's BM25 (its constants are fixed), against carbon's defaults (rank.Params)
ENGINE_K1, ENGINE_B = 1.2, 0.75
CARBON_B = 0.3
PAD = "\x01"  # a token no text yields (segmentation keeps words only): it lengthens passages
QUANTISATION = 0.125  # at most this relative error in the length tantivy keeps in one byte

# Below this many passages the full scorer answers in a few milliseconds, exactly:
# no engine is built or imported (the shipped seed alone has about 1,500).
ENGINE_PASSAGES = 20_000
KEY_FILE = "carbon.json"
DOCS_FILE = "documents.json"  # document -> [first pid, last pid]: what an update compares
LAYOUT_FILE = "layout.json"  # fixed at creation: the schema's FORMAT and the pad tokens of every passage
FORMAT = "2"  # the schema below: a change rebuilds every engine index (2: document and kind as fast fields)
WRITER_HEAP = 64_000_000  # bytes of tantivy's indexing buffer, shared by its threads

# A clause: terms that are all required (a multi-word expansion) and its boost. A
# wording: clauses that add up (the loose words of one translation). A concept: its own
# words with their boosts (they add up) and its other wordings; the best of these
# counts, and the concepts add up.
Clause = tuple[tuple[str, ...], float]
Concept = tuple[Sequence[tuple[str, float]], Sequence[Sequence[Clause]]]


class EngineDamaged(Exception):
    """The engine's files cannot be read: derived data, rebuilt from the store."""


def _tantivy() -> Any:
    import tantivy  # only a search of a large library needs it

    return tantivy


# (field, tokenizer, what is recorded, fast): the terms as carbon gives them, separated
# by spaces (no analysis of the engine's own), with frequencies; document and kind whole,
# and as fast fields, which the engine counts hits by (``place_counts``)
TEXT_FIELDS = (("body", "whitespace", "freq", False), ("doc", "raw", "basic", True), ("kind", "raw", "basic", True))
FACET_FIELDS = ("doc", "kind")


def schema(positions: bool = False) -> Any:
    """The engine's fields, the passage number as a fast field; ``positions``: record
    where each term is in ``body``, for phrase queries (the benchmark measures it)."""
    builder = _tantivy().SchemaBuilder()
    for name, tokenizer, recorded, fast in TEXT_FIELDS:
        recorded = "position" if positions and name == "body" else recorded
        builder.add_text_field(name, stored=False, fast=fast, tokenizer_name=tokenizer, index_option=recorded)
    builder.add_unsigned_field("pid", stored=False, indexed=False, fast=True)
    return builder.build()


class Engine:
    """One engine index, opened for queries and updates."""

    def __init__(self, path: Path, index: Any, padding: int) -> None:
        self.path = path
        self.index = index
        self.padding = padding
        self.schema = index.schema
        self.searcher = index.searcher()

    def _key(self, key: str) -> dict[str, str | int]:
        return {"format": FORMAT, "key": key, "padding": self.padding}

    @classmethod
    def open(cls, path: Path, key: str) -> Engine | None:
        """The engine at ``path`` if it reflects the store state ``key``; None when it
        is missing or out of step; ``EngineDamaged`` when its files cannot be read."""
        try:
            stored = json.loads((path / KEY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != key:
            return None
        try:
            return cls(path, _tantivy().Index.open(str(path)), int(stored["padding"]))
        except ValueError as error:  # tantivy reports unreadable files as ValueError
            raise EngineDamaged(str(error)) from error

    @classmethod
    def create(cls, path: Path, padding: int) -> Engine:
        """An empty engine index at ``path``, replacing whatever was there."""
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return cls(path, _tantivy().Index(schema(), path=str(path)), padding)

    # -- writing ------------------------------------------------------------------

    def write(
        self,
        added: Iterable[tuple[int, str, str, dict[str, int]]],
        removed: Sequence[str],
        key: str,
        documents: dict[str, list[int]],
    ) -> None:
        """Remove the passages of documents ``removed``, add ``added`` ((pid, document,
        kind, term -> frequency) each), commit, and record that this reflects ``key``
        and holds ``documents``."""
        tantivy = _tantivy()
        (self.path / KEY_FILE).unlink(missing_ok=True)  # out of step until the commit is done
        writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        for doc in removed:
            writer.delete_documents_by_term("doc", doc)
        pad = " " + " ".join([PAD] * self.padding) if self.padding else ""
        for pid, doc, kind, counts in added:
            entry = tantivy.Document()
            entry.add_text("body", " ".join(" ".join([term] * tf) for term, tf in counts.items()) + pad)
            entry.add_unsigned("pid", pid)
            entry.add_text("doc", doc)
            entry.add_text("kind", kind)
            writer.add_document(entry)
        writer.commit()
        writer.wait_merging_threads()
        from .store import atomic_write

        atomic_write(self.path / DOCS_FILE, json.dumps(documents, ensure_ascii=False).encode("utf-8"))
        atomic_write(self.path / KEY_FILE, json.dumps(self._key(key)).encode())
        self.index.reload()
        self.searcher = self.index.searcher()

    # -- reading ------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Passages in the engine (those of removed documents no longer counted)."""
        return int(self.searcher.num_docs)

    def query(self, concepts: Sequence[Concept], *, kinds: Sequence[str] = (), docs: Sequence[str] = ()) -> Any:
        """The engine's query for a plan: per concept the best of its own words (added
        up) and its other wordings (each needing all its words), concepts added up,
        restricted to the kinds and documents given."""
        tantivy = _tantivy()
        occur, query = tantivy.Occur, tantivy.Query
        should = []
        for own, wordings in concepts:
            options = []
            if own:
                summed = [(occur.Should, self._term(word, boost)) for word, boost in own]
                options.append(summed[0][1] if len(summed) == 1 else query.boolean_query(summed))
            for wording in wordings:
                clauses = [(occur.Should, self._clause(words, boost)) for words, boost in wording]
                options.append(clauses[0][1] if len(clauses) == 1 else query.boolean_query(clauses))
            if options:
                should.append((occur.Should, options[0] if len(options) == 1 else query.disjunction_max_query(options)))
        if not should:
            return query.empty_query()
        must = [(occur.Must, query.boolean_query(should))]
        for field, values in (("kind", kinds), ("doc", docs)):
            if values:
                allowed = [(occur.Should, query.term_query(self.schema, field, value)) for value in values]
                must.append((occur.Must, query.const_score_query(query.boolean_query(allowed), 0.0)))
        return must[0][1] if len(must) == 1 else query.boolean_query(must)

    def _clause(self, words: Sequence[str], boost: float) -> Any:
        """All the words required, scored as the strongest of them: carbon counts an
        expansion as its strongest word, so the engine's score stays close to carbon's
        (the closer, the fewer passages ``reach`` lets through)."""
        tantivy = _tantivy()
        occur, query = tantivy.Occur, tantivy.Query
        terms = [query.term_query(self.schema, "body", word) for word in words]
        if len(terms) > 1:
            required = query.const_score_query(query.boolean_query([(occur.Must, t) for t in terms]), 0.0)
            terms = [query.boolean_query([(occur.Must, required), (occur.Must, query.disjunction_max_query(terms))])]
        return query.boost_query(terms[0], boost)

    def _term(self, word: str, boost: float) -> Any:
        query = _tantivy().Query
        return query.boost_query(query.term_query(self.schema, "body", word), boost)

    def best(self, query: Any, limit: int) -> tuple[int, list[int], list[float]]:
        """How many passages the query matches, the numbers of the best ``limit``, and
        the engine's score of each of them."""
        try:
            found = self.searcher.search(query, max(limit, 1), count=True)
        except ValueError as error:  # a segment damaged past what opening checks
            self.discard()
            raise EngineDamaged(str(error)) from error
        hits = found.hits[:limit] if limit > 0 else []
        pids = list(self.searcher.fast_field_values("pid", [address for _, address in hits])) if hits else []
        return int(found.count), pids, [float(score) for score, _ in hits]

    def place_counts(self, query: Any) -> tuple[dict[str, int], dict[str, int]]:
        """How many passages the query matches in each document and of each kind, counted
        by the engine over its fast fields: the facets of a common word's hundreds of
        thousands of hits without handing one of them over."""
        # as many buckets as passages: no document or kind left out
        aggregation = {name: {"terms": {"field": name, "size": max(self.size, 1)}} for name in FACET_FIELDS}
        try:
            found = self.searcher.aggregate(query, aggregation)
        except ValueError as error:
            self.discard()
            raise EngineDamaged(str(error)) from error
        by_doc, by_kind = ({b["key"]: int(b["doc_count"]) for b in found[name]["buckets"]} for name in FACET_FIELDS)
        return by_doc, by_kind

    def matching(self, query: Any) -> list[int]:
        """The numbers of every passage the query matches."""
        count = self.best(query, 0)[0]
        return self.best(query, count)[1] if count else []

    def discard(self) -> None:
        """Mark the engine out of step: the next ``attach`` rebuilds it from the store."""
        (self.path / KEY_FILE).unlink(missing_ok=True)

    def doc_freq(self, term: str) -> int:
        """The passages holding a term, as the engine's BM25 counts them (removed
        passages included until their segment is merged)."""
        return int(self.searcher.doc_freq("body", term))

    def exclude(self, query: Any, excluded: Any) -> Any:
        """Passages the first query matches and the second does not."""
        tantivy = _tantivy()
        occur = tantivy.Occur
        return tantivy.Query.boolean_query([(occur.Must, query), (occur.MustNot, excluded)])


# -- keeping the engine in step with the store -------------------------------------


def store_key(index: Index) -> str:
    """What identifies the store's content: its build and library keys."""
    return f"{index.meta.get('build', '')}:{index.meta.get('library', '')}"


def attach(index: Index, path: Path, lock: Callable[[], AbstractContextManager[object]] | None) -> Engine | None:
    """The engine for a large store, brought in step with it; None for a small store, or
    one whose engine cannot be written (``lock`` None: a read-only home), which the
    full scorer then answers.

    In step: opened as it is. Otherwise, under the home's lock: documents the store
    no longer has are removed from it and new ones added, from the store's postings;
    a missing or damaged engine is built whole beside the old one and swapped in."""
    if index.n < ENGINE_PASSAGES:
        return None
    key = store_key(index)
    try:
        engine = Engine.open(path, key)
    except EngineDamaged:
        engine = None
    if engine is not None or lock is None:
        return engine
    with lock():
        try:
            return Engine.open(path, key) or _bring_in_step(index, path, key)
        except EngineDamaged:
            return _rebuild(index, path, key)


def _bring_in_step(index: Index, path: Path, key: str) -> Engine:
    try:
        stored = json.loads((path / DOCS_FILE).read_text(encoding="utf-8"))
        layout = json.loads((path / LAYOUT_FILE).read_text(encoding="utf-8"))
        if layout["format"] != FORMAT:  # made by another version: its schema is not this one
            return _rebuild(index, path, key)
        padding = int(layout["padding"])
        engine = Engine(path, _tantivy().Index.open(str(path)), padding)
    except (OSError, ValueError, TypeError, KeyError):
        return _rebuild(index, path, key)
    present = _documents(index)
    removed = [doc for doc, span in stored.items() if present.get(doc) != span]
    added = [span for doc, span in present.items() if stored.get(doc) != span]
    engine.write(_passage_terms(index, added), removed, key, present)
    return engine


def _rebuild(index: Index, path: Path, key: str) -> Engine:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    present = _documents(index)
    engine = Engine.create(tmp, padding_for(index.avgdl))
    from .store import atomic_write

    atomic_write(tmp / LAYOUT_FILE, json.dumps({"format": FORMAT, "padding": engine.padding}).encode())
    engine.write(_passage_terms(index, list(present.values())), [], key, present)
    old = path.with_name(f".{path.name}.{os.getpid()}.old")
    if path.exists():
        os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)
    return Engine(path, _tantivy().Index.open(str(path)), engine.padding)


def _documents(index: Index) -> dict[str, list[int]]:
    """document -> [first pid, last pid] of its passages: a replaced document gets new
    ones. Read from the store's spans (one row a document), not by grouping its
    passages: 30 ms instead of 400 at 10,000 documents, on every add and remove."""
    rows = index.conn.execute(
        "SELECT d.id, s.first, s.last FROM spans s JOIN documents d ON d.seq = s.doc WHERE s.last >= s.first"
    )
    return {doc: [first, last] for doc, first, last in rows}


def _passage_terms(index: Index, spans: Sequence[list[int]]) -> Iterator[tuple[int, str, str, dict[str, int]]]:
    """(pid, document, kind, term -> frequency) of the passages in ``spans`` (one
    document's each), from the store's postings: nothing is segmented again. A
    document's postings are read once, whole: they are stored by document, so reading
    a long one in pieces read all of it for every piece (a document of 50,000 passages
    cost 25 pieces). Its size is bounded by the readers' limits."""
    conn = index.conn
    terms = dict(conn.execute("SELECT tid, term FROM terms"))
    for first, last in sorted(spans):
        counts = index.term_counts(first, last)
        described = conn.execute("SELECT pid, doc, kind FROM passages WHERE pid BETWEEN ? AND ?", (first, last))
        for pid, doc, kind in described:
            yield pid, doc, kind, {terms[tid]: tf for tid, tf in counts.pop(pid, {}).items()}


# -- how far carbon's score can be above the engine's ----------------------------------


def padding_for(avgdl: float) -> int:
    """Pad tokens that make tantivy's length normalisation carbon's.

    tantivy normalises a passage's length as ``0.25 + 0.75 · len / avg`` (its b = 0.75),
    carbon as ``0.7 + 0.3 · len / avg`` (b = 0.3). With P pad tokens in every passage,
    tantivy sees ``0.25 + 0.75 · (len + P) / (avg + P)``, which is carbon's for
    ``P = avg · (0.75 / 0.3 − 1)``: then the two scores of a term differ only by k1 and
    idf, and carbon's is within a known factor of tantivy's (``reach``)."""
    return round(avgdl * (ENGINE_B / CARBON_B - 1))


def reach(engine: Engine, avgdl: float, k1: float, b: float, idf_ratio: float) -> float:
    """An upper bound on carbon's score of a passage over the engine's score of it.

    Per term, carbon's share over tantivy's (the same boost) is ``idf ratio · (k1 + 1) /
    (K1 + 1) · (tf + K1 · norm_t) / (tf + k1 · norm_c)``; the last factor is at most
    ``max(1, K1 / k1 · norm_t / norm_c)``, and ``norm_t / norm_c``, over every length,
    is bounded with the quantisation of tantivy's lengths and the pad tokens as
    written. A concept takes the best of its wordings in carbon and in the engine,
    expansions weigh their strongest word in both,
    coordination and priors only lower carbon's: the bound of a term bounds the sum.
    ``idf_ratio``: the largest of carbon's idf over the engine's, among the query's terms."""
    pad, grow, shrink = engine.padding, 1 + QUANTISATION, 1 - QUANTISATION
    avg_t = (avgdl + pad) * shrink  # tantivy's average counts removed passages until merged

    def ratio(length: float) -> float:
        norm_t = 1 - ENGINE_B + ENGINE_B * (length + pad) * grow / avg_t
        norm_c = 1 - b + b * length / avgdl if avgdl else 1.0
        return norm_t / norm_c

    # norm_t / norm_c is monotone in the length: its extremes are at 0 and at infinity
    at_infinity = ENGINE_B * grow / avg_t / (b / avgdl) if avgdl and b else float("inf")
    lengths = max(ratio(0.0), at_infinity)
    return idf_ratio * (k1 + 1) / (ENGINE_K1 + 1) * max(1.0, ENGINE_K1 / k1 * lengths)
