"""From what the user typed to ranked passages with highlights and excerpts.

A passage is a hit when it contains at least one query term (and satisfies the
phrases, required and excluded words and filters): hits are decided by term
presence, never by ``score > 0``, because BM25's idf can be zero for a term
that half the passages contain. Scores only order the hits.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

from .engine import Clause, Engine, EngineDamaged, reach
from .index import Index
from .model import CarbonError, Passage
from .query import ParsedQuery, parse_query
from .rank import Params, default_params, idf
from .scoring import Contribution, Scorer, Scores, Term
from .text import Pipeline
from .vocabulary import Vocabulary

MAX_QUERY_CHARS = 2000
FALLBACK_WEIGHT = 0.5  # a fragment unknown to the index, matched inside longer terms
SUBWORD_WEIGHT = 0.3  # a dictionary word inside a longer query word
COMMON_PART = 0.2  # share of the passages above which such a word is not looked for
LOOSE_WEIGHT = 0.5  # one word of a multi-word translation, found without the others


@dataclass
class Hit:
    passage: Passage
    score: float
    rank: int = 0
    highlights: list[tuple[int, int]] = field(default_factory=list)
    excerpt: str = ""
    excerpt_start: int = 0
    explain: list[Contribution] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    parsed: ParsedQuery
    tokens: list[str]  # the segmented query: the literal terms, in order
    terms: list[Term]  # everything searched for, with expansions
    hits: list[Hit]
    total: int  # hits before the limit
    notes: list[str] = field(default_factory=list)  # what was tried, for a no-hit suggestion
    facets: dict[str, dict[str, int]] | None = None  # counts of all hits by doc, issuer, year, kind, when asked


def check_query(raw: str) -> ParsedQuery:
    """Reject what cannot be a query, with a message the user can act on."""
    if len(raw) > MAX_QUERY_CHARS:
        raise CarbonError(f"query is {len(raw):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    parsed = parse_query(raw)
    if not raw.strip():
        raise CarbonError("empty query")
    return parsed


class Searcher:
    """Runs queries against one index with one pipeline and one scoring."""

    def __init__(
        self, index: Index, pipeline: Pipeline, params: Params | None = None, engine: Engine | None = None
    ) -> None:
        self.index = index
        self.engine = engine  # a large library's: it picks the passages worth scoring
        self.pipeline = pipeline
        self.params = params or default_params()
        self.vocabulary = Vocabulary(pipeline)
        self.scorer = Scorer(index, pipeline.normaliser, self.params)

    def search(
        self,
        raw: str,
        *,
        limit: int = 10,
        kinds: Sequence[str] = (),
        docs: Sequence[str] = (),
        explain: bool = False,
        sort: str = "relevance",
        facets: bool = False,
    ) -> SearchResult:
        """``sort``: ``relevance`` (best first) or ``date`` (newest document first, by
        成文日期 else 发布日期, undated last; best first within a date). ``facets``:
        count all hits by their document's record (``records.facets``)."""
        parsed = check_query(raw)
        kinds = tuple(dict.fromkeys([*kinds, *parsed.kinds]))
        docs = self._by_record(parsed, tuple(dict.fromkeys([*docs, *parsed.docs])))
        tokens, terms, stats, notes = self.prepare(parsed)
        conditions = self._conditions(parsed)
        engine = self.engine if not conditions and sort == "relevance" and self.params.variant == "lucene" else None
        found = None
        try:
            found = self._from_engine(engine, terms, stats, kinds, docs, limit, facets) if engine else None
        except EngineDamaged:  # derived data: the full scorer answers, the next search rebuilds it
            self.engine = None
        total: int | None = None  # the engine's count: it scores only the passages that can be shown
        every: list[int] | None = None  # every hit, where the engine found them for the facets
        if found is not None:
            scoring, total, every = found
            candidates = sorted(scoring.values)
        else:
            scoring = self.scorer.score(terms, stats)
            candidates = sorted(scoring.values)
            if kinds or docs:
                candidates = sorted(self.index.filter_pids(candidates, kinds, docs))
        if conditions:
            norms = self.index.norms_by_pid(candidates)
            candidates = [
                pid for pid in candidates if all((needle in norms[pid][0]) == wanted for needle, wanted in conditions)
            ]
        places = self.index.places_by_pid(candidates if every is None else every) if facets or sort == "date" else {}
        if sort == "date":
            shown, priors = self._newest(scoring, candidates, places, max(limit, 0))
        else:
            shown, priors = _top(scoring, self.scorer.priors, candidates, max(limit, 0))
        scores = {pid: scoring.values[pid] * priors.get(pid, 1.0) for pid in shown}
        passages = self.index.passages_by_pid(shown)
        explained = self.scorer.score(terms, stats, among=set(shown), explain=True).explained if explain else {}
        hits = []
        for rank, pid in enumerate(shown, start=1):
            hit = Hit(passage=passages[pid], score=scores[pid], rank=rank, explain=explained.get(pid, []))
            hit.highlights = self.highlights(hit.passage.text, [t.highlight for t in terms])
            hit.excerpt_start, hit.excerpt = excerpt(hit.passage.text, hit.highlights)
            hits.append(hit)
        result = SearchResult(raw, parsed, tokens, terms, hits, len(candidates) if total is None else total, notes)
        if facets:
            from .records import facets as count_facets

            result.facets = count_facets(places.values(), self.index.records())
        return result

    def _by_record(self, parsed: ParsedQuery, docs: tuple[str, ...]) -> tuple[str, ...]:
        """The query's record filters (``issuer:``, ``type:``, ``year:``) as the documents
        they leave, scoped as ``doc:`` is: a query without them is not touched."""
        if not (parsed.issuers or parsed.types or parsed.years):
            return docs
        from .records import RecordFilter, issuers_table, scope

        where = RecordFilter(issuers=parsed.issuers, types=parsed.types, years=parsed.years)
        return tuple(scope(docs, self.index.records(), where, issuers_table(self.pipeline.normaliser.normalise)))

    def _newest(
        self, scoring: Scores, candidates: list[int], places: dict[int, tuple[str, str]], limit: int
    ) -> tuple[list[int], dict[int, float]]:
        """The ``limit`` hits of the newest documents, best first within one date."""
        records = self.index.records()
        dated: dict[str, list[int]] = {}
        for pid in candidates:
            record = records.get(places[pid][0], {})
            dated.setdefault(record.get("date_written") or record.get("date_published") or "", []).append(pid)
        shown: list[int] = []
        priors: dict[int, float] = {}
        for day in sorted(dated, reverse=True):  # "" (undated) sorts last
            if len(shown) >= limit:
                break
            top, known = _top(scoring, self.scorer.priors, dated[day], limit - len(shown))
            shown.extend(top)
            priors.update(known)
        return shown, priors

    def _from_engine(
        self, engine: Engine, terms: list[Term], stats: dict[str, tuple[int, int]], kinds: Sequence[str],
        docs: Sequence[str], limit: int, every: bool,
    ) -> tuple[Scores, int, list[int] | None]:
        """Exact scores of every passage that can be shown, and the number of hits, with
        the engine choosing which passages to score.

        The engine counts the passages that hold a query word (hits by presence) and
        ranks every passage by its own BM25 over the same concepts and weights. Its
        best are scored exactly, with the passages that hold an expansion's words and
        no query word (only their text says whether they are hits). carbon's score of
        a passage is at most ``reach`` times the engine's: once the shown ones score
        above that for the last passage the engine handed over, no other can reach
        them; until then, more are asked for. ``every``: also every hit's number (for
        the facets)."""
        own, wordings = _engine_plan(terms, stats)
        plan = [(own.get(c, []), wordings.get(c, [])) for c in dict.fromkeys([*own, *wordings])]
        by_presence = engine.query([(words, ()) for words in own.values()], kinds=kinds, docs=docs)
        unproven: list[int] = []
        if wordings:
            through = engine.query([((), [w for ws in wordings.values() for w in ws])], kinds=kinds, docs=docs)
            unproven = engine.matching(engine.exclude(through, by_presence) if own else through)
        ranked, bound = engine.query(plan, kinds=kinds, docs=docs), self._reach(engine, terms, stats)
        wanted = max(limit, 1) * CANDIDATE_FACTOR
        while True:
            count, best, last = engine.best(ranked, wanted)
            scoring = self.scorer.score(terms, stats, among={*best, *unproven})
            if not last or _shown_bar(scoring, self.scorer.priors, limit) > bound * last * (1 + 1e-6):
                break
            wanted *= 4
        proven = [pid for pid in unproven if pid in scoring.values]
        if every:
            hits = [*(engine.matching(by_presence) if own else []), *proven]
            return scoring, len(hits), hits
        return scoring, (engine.best(by_presence, 0)[0] if own else 0) + len(proven), None

    def _reach(self, engine: Engine, terms: list[Term], stats: dict[str, tuple[int, int]]) -> float:
        """How far above the engine's score carbon's can be, for this query's terms."""
        corpus = self.scorer.corpus()
        engine_corpus = corpus._replace(n=max(corpus.n, 1))
        ratios = [1.0]
        for term in {t.term for t in terms if t.term in stats}:
            ours = idf(stats[term][1], corpus, self.params)
            theirs = idf(max(engine.doc_freq(term), 1), engine_corpus, self.params)
            ratios.append(ours / theirs if theirs > 0 else float("inf"))
        return reach(engine, corpus.avgdl, self.params.k1, self.params.b, max(ratios))

    # -- the terms of a query -----------------------------------------------------

    def prepare(self, parsed: ParsedQuery) -> tuple[list[str], list[Term], dict[str, tuple[int, int]], list[str]]:
        """What a query is scored with: its words, every term looked for (with its
        statistics), and notes on what was tried."""
        tokens, terms, notes = self._terms(parsed)
        stats = self.index.term_stats(t.term for t in terms)
        terms = self._with_fallbacks(terms, stats, notes)
        stats = self.index.term_stats(t.term for t in terms)
        terms = self._without_common_parts(terms, stats)
        return tokens, terms, stats, notes

    def _terms(self, parsed: ParsedQuery) -> tuple[list[str], list[Term], list[str]]:
        """Literal words (each on its own) and expansions (each a group: all words needed).

        A query word is looked for at full weight; the shorter dictionary words that
        jieba's search mode finds inside it (利用 in 碳捕集利用与封存) at a lower one,
        so that the whole word decides the ranking. Expansions are looked up on the
        whole query, so that an English phrase typed as two words is still found.
        """
        tokens: list[str] = []
        literal: dict[str, Term] = {}
        free_text: list[str] = []
        for clause in parsed.clauses:
            if clause.occur == "must_not":
                continue
            whole, parts = self.vocabulary.query_terms(clause.text)
            source = "phrase" if clause.phrase else "query"
            for word in whole:
                literal[word] = Term(word, 1.0, source, word, concept=word)
            for word in parts:
                parent = next((w for w in whole if word in w), word)
                literal.setdefault(
                    word, Term(word, SUBWORD_WEIGHT, f"{source} (part of {parent})", word, concept=parent, part=True)
                )
            tokens.extend(w for w in [*whole, *parts] if w not in tokens)
            if not clause.phrase:
                free_text.append(clause.text)
        expansions: list[Term] = []
        notes: list[str] = []
        seen: set[tuple[str, frozenset[str], str]] = set()
        wholes = [t.term for t in literal.values() if t.concept == t.term]
        typed = self.pipeline.normaliser.normalise(" ".join(free_text))
        spanning: list[str] = []  # concepts typed as several query words: 新能源汽车 is 新能源 + 汽车
        for expansion in self.vocabulary.expand(" ".join(free_text), tokens):
            # 原则 found inside the query word 工作原则 stands for that word: its kind
            # items are another way to satisfy 工作原则, not a further concept to cover
            within = next((w for w in wholes if expansion.concept in w), expansion.concept)
            expansion = replace(expansion, concept=within)
            if within not in wholes and within in typed and not within.isascii() and within not in spanning:
                spanning.append(within)
            members = [expansion.text] if expansion.kind else self.vocabulary.content_terms(expansion.text)
            key = (expansion.concept, frozenset(members), self.pipeline.normaliser.normalise(expansion.text))
            if not members or all(w in literal for w in members) or key in seen:
                continue
            seen.add(key)
            target = "" if expansion.kind else self.pipeline.normaliser.normalise(expansion.text)
            group = len(notes) + 1
            spans = within in spanning and not expansion.kind  # kind items are no wording of it
            covered_by = tuple(self.vocabulary.query_terms(within)[0]) if spans else ()
            expansions.extend(
                Term(w, expansion.weight, expansion.note, target, group, expansion.concept, covered_by=covered_by)
                for w in members
            )
            notes.append(f"{expansion.note}: {expansion.text}")
            if not expansion.loose:
                continue
            whole = self.pipeline.terms(expansion.text, precise=True)
            alternative = group
            for word in whole if len(whole) > 1 else []:
                group = len(notes) + 1
                weight = expansion.weight * LOOSE_WEIGHT
                note = f"{expansion.note} (word of {expansion.text})"
                expansions.append(Term(word, weight, note, word, group, expansion.concept, alternative, covered_by))
                notes.append(f"{expansion.note}: {word}")
        return tokens, [*literal.values(), *expansions], notes

    def _without_common_parts(self, terms: list[Term], stats: dict[str, tuple[int, int]]) -> list[Term]:
        """A part of a query word that a large share of the passages hold (能源 inside
        可再生能源) is dropped: it would make most of the index a hit for a word it
        says little of."""
        limit = COMMON_PART * self.index.n
        return [t for t in terms if not t.part or stats.get(t.term, (0, 0))[1] <= limit]

    def _with_fallbacks(self, terms: list[Term], stats: dict, notes: list[str]) -> list[Term]:
        """A query word the index does not know is looked for inside the words it knows."""
        out = list(terms)
        known = {t.term for t in terms if not t.group}
        for term in terms:
            if term.group or term.term in stats:
                continue
            for word in self.index.terms_containing(term.term):
                if word not in known:
                    known.add(word)
                    out.append(
                        Term(
                            word, term.weight * FALLBACK_WEIGHT, f"contains {term.term}", term.highlight,
                            concept=term.concept,
                        )
                    )
            notes.append(f"{term.term}: not a word of the index; looked for it inside longer words")
        return out

    def _conditions(self, parsed: ParsedQuery) -> list[tuple[str, bool]]:
        """(matching form, whether it must be present) of each phrase, required and
        excluded word: what ``search`` checks each hit's text for."""
        normalise = self.pipeline.normaliser.normalise
        conditions = []
        for clause in parsed.clauses:
            needle = normalise(clause.text).strip()
            if needle and (clause.phrase or clause.occur != "should"):
                conditions.append((needle, clause.occur != "must_not"))
        return conditions

    def suggestions(self, result: SearchResult) -> list[str]:
        """For a query without hits: what was tried, and close words of the index."""
        notes = list(dict.fromkeys(result.notes))
        chars = {c for t in result.tokens for c in t if not c.isascii()}
        close: list[str] = []
        for char in sorted(chars):
            close.extend(w for w in self.index.terms_containing(char, limit=3) if w not in close)
        if close:
            notes.append("words of the index that share characters: " + ", ".join(close[:8]))
        return notes

    # -- display ------------------------------------------------------------------

    def highlights(self, text: str, needles: Sequence[str]) -> list[tuple[int, int]]:
        """Spans ``[start, end)`` of ``text`` where any needle occurs, merged."""
        normalised, offsets = self.pipeline.normaliser.normalise_with_offsets(text)
        spans = []
        for needle in set(filter(None, needles)):
            for match in re.finditer(re.escape(needle), normalised):
                start, end = match.start(), match.end()
                if offsets is not None:
                    start, end = offsets[start], offsets[end - 1] + 1
                spans.append((start, end))
        return merge_spans(spans)


def _engine_plan(
    terms: list[Term], stats: dict[str, tuple[int, int]]
) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[list[Clause]]]]:
    """Per concept, its own words with their weights, and its other wordings as the
    engine's clauses (all words of an expansion needed; the loose words of one
    translation, one wording); terms the index does not know left out."""
    own: dict[str, list[tuple[str, float]]] = {}
    wordings: dict[str, dict[int, list[Clause]]] = {}
    groups: dict[int, list[Term]] = {}
    for term in terms:
        if term.group:
            groups.setdefault(term.group, []).append(term)
        elif term.term in stats:
            own.setdefault(term.concept, []).append((term.term, term.weight))
    for group, members in groups.items():
        if all(m.term in stats for m in members):
            first = members[0]
            clause = (tuple(m.term for m in members), first.weight)
            wordings.setdefault(first.concept, {}).setdefault(first.alternative or group, []).append(clause)
    return own, {concept: list(by_wording.values()) for concept, by_wording in wordings.items()}


CANDIDATE_FACTOR = 20  # passages the engine first hands over, per passage shown


def _shown_bar(scoring: Scores, priors_of: Callable[[Collection[int]], dict[int, float]], limit: int) -> float:
    """The score of the last passage shown among those scored (with its prior): what
    a passage not scored must exceed to be shown."""
    values = scoring.values
    if len(values) < max(limit, 1):
        return float("-inf")
    best = heapq.nlargest(limit + SAMPLE, values, key=values.__getitem__)
    priors = priors_of(best)
    return heapq.nlargest(max(limit, 1), (values[pid] * priors.get(pid, 1.0) for pid in best))[-1]


SAMPLE = 50  # hits beyond the limit whose priors set the first bar in ``_top``


def _top(
    scoring: Scores, priors_of: Callable[[Collection[int]], dict[int, float]], candidates: list[int], limit: int
) -> tuple[list[int], dict[int, float]]:
    """The ``limit`` best candidates, best first (ties by position in the index), and
    the priors of those that could be.

    Priors (at most 1) and unread texts (``Scores.upper``) change a hit's score within
    known bounds, so a bar no higher than the last shown score is set from the best
    hits so far, and only the hits that can reach it have their priors looked up and
    their texts read: tens of thousands of hits cost a few hundred look-ups.
    """
    values, upper = scoring.values, scoring.upper
    if not limit or not candidates:
        return [], {}
    sample = heapq.nlargest(limit + SAMPLE, candidates, key=values.__getitem__)
    known = priors_of(sample)
    if len(sample) > limit:
        bar = heapq.nlargest(limit, (values[pid] * known.get(pid, 1.0) for pid in sample))[-1]
        bar -= abs(bar) * 1e-9  # an upper bound, summed in another order, may fall a last bit short
        contenders = [pid for pid in candidates if upper.get(pid, values[pid]) >= bar]
    else:
        bar, contenders = float("-inf"), candidates
    looked = set(sample)
    known.update(priors_of([pid for pid in contenders if pid not in looked]))
    scoring.settle([pid for pid in contenders if pid in upper and upper[pid] * known.get(pid, 1.0) >= bar])
    shown = heapq.nsmallest(limit, contenders, key=lambda pid: (-values[pid] * known.get(pid, 1.0), pid))
    return shown, known


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[，,、：:]")
EXCERPT_CHARS = 120


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of text, each ending after its punctuation."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def excerpt(text: str, highlights: list[tuple[int, int]], width: int = EXCERPT_CHARS) -> tuple[int, str]:
    """The sentences around the best match, cut at sentence boundaries.

    The sentence holding the most highlighted characters is the centre; neighbours
    are added while the excerpt stays within ``width``. A single sentence longer
    than that is cut at a clause boundary near the first match.
    """
    if len(text) <= width:
        return 0, text
    spans = sentences(text) or [(0, len(text))]

    def covered(span: tuple[int, int]) -> int:
        return sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in highlights)

    best = max(range(len(spans)), key=lambda i: (covered(spans[i]), -i))
    lo = hi = best
    while True:
        grown = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= width:
            hi, grown = hi + 1, True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= width:
            lo, grown = lo - 1, True
        if not grown:
            break
    start, end = spans[lo][0], spans[hi][1]
    if end - start > width:
        start, end = _cut_long_sentence(text, start, end, highlights, width)
    while start < end and text[start].isspace():
        start += 1
    return start, text[start:end].rstrip()


def _cut_long_sentence(
    text: str, start: int, end: int, highlights: list[tuple[int, int]], width: int
) -> tuple[int, int]:
    inside = [s for s, e in highlights if start <= s < end]
    focus = inside[0] if inside else start
    left = max(start, focus - width // 3)
    clause = _CLAUSE_END.search(text, left, focus)
    if clause and left > start:
        left = clause.end()
    return left, min(end, left + width)
