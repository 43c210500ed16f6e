"""From what the user typed to ranked passages with highlights and excerpts.

A passage is a hit when it contains at least one query term (and satisfies the
phrases, required and excluded words and filters): hits are decided by term
presence, never by ``score > 0``, because BM25's idf can be zero for a term
that half the passages contain. Scores only order the hits.
"""

from __future__ import annotations

import bisect
import heapq
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .doc_kinds import compact, may_name
from .facets import Places, places_of
from .facets import facets as count_facets
from .index import Index
from .intent import Intent, boost, intents_of, names_a_target
from .model import CarbonError, Passage, bare_text, title_line
from .plan import QueryPlan, build_plan
from .query import ParsedQuery, parse_query
from .rank import Params, default_params, idf
from .scope import subtree
from .scoring import Contribution, Scorer, Scores, Term, expansion_groups, self_evident
from .text import HAN, Pipeline
from .tuning import DEFAULT, Tuning
from .vocabulary import Vocabulary

if TYPE_CHECKING:  # imported where used: a plain search of a small library needs none of them
    from .engine import Clause, Engine
    from .names import Names, Recognised, Reference
    from .suggest import Correction, Corrector

MAX_QUERY_CHARS = 2000
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")  # a year a query names (the target prior, tuning.py)


@dataclass
class Hit:
    passage: Passage
    score: float
    rank: int = 0
    highlights: list[tuple[int, int]] = field(default_factory=list)
    excerpt: str = ""
    excerpt_start: int = 0
    explain: list[Contribution] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # copies of this passage folded into it (grouping.collapse)


@dataclass
class SearchResult:
    query: str
    parsed: ParsedQuery
    tokens: list[str]  # the segmented query: the literal terms, in order
    terms: list[Term]  # everything searched for, with expansions
    hits: list[Hit]
    total: int  # hits before the limit
    notes: list[str] = field(default_factory=list)  # what was tried, for a no-hit suggestion
    documents: tuple[Reference, ...] = ()  # documents the query named, searched alone
    corrections: list[Correction] = field(default_factory=list)  # typos searched as the index's words
    # query words no passage holds, and the shorter words inside them that matched
    partial: list[tuple[str, list[str]]] = field(default_factory=list)
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
        self,
        index: Index,
        pipeline: Pipeline,
        params: Params | None = None,
        tuning: Tuning = DEFAULT,
        engine: Engine | None = None,
    ) -> None:
        self.index = index
        self.engine = engine  # a large library's: it picks the passages worth scoring
        self.pipeline = pipeline
        self.params = params or default_params()
        self.tuning = tuning
        self.vocabulary = Vocabulary(pipeline, tuning)
        self.scorer = Scorer(index, pipeline.normaliser, self.params, tuning)

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
        count all hits by their document's record (``facets.py``)."""
        parsed = check_query(raw)
        typed = raw
        fixed, corrections = self.corrector.correct(self.pipeline.normaliser.normalise(raw))
        if corrections:
            raw, parsed = fixed, check_query(fixed)
        kinds = tuple(dict.fromkeys([*kinds, *parsed.kinds]))
        docs = self._by_record(parsed, tuple(dict.fromkeys([*docs, *parsed.docs])))
        named = self.named(raw, docs)
        references = named.references if named is not None else ()
        if named is not None and named.references:
            docs = tuple(d for d in named.docs if not docs or d in docs)
            has_content = self._has_content(named.rest)
            section = self._section_named(named.rest, docs) if has_content else None
            if not has_content or section:
                listing = self._listing(typed, parsed, docs, kinds, limit, named.references, section)
                listing.corrections = corrections
                return listing
            parsed = check_query(named.rest)
        plan, stats = self.plan(parsed)
        terms, conditions, tokens, notes = plan.terms, plan.conditions, plan.tokens, plan.notes
        positive = self.pipeline.normaliser.normalise(" ".join(c.text for c in parsed.positive))
        years = [int(y) for y in _YEAR.findall(positive)] if limit > 0 and sort != "date" else []
        intents = intents_of(self.pipeline.normaliser.normalise(typed), tokens)
        asked = any(intent.name == "targets" for intent in intents)  # a target is asked for
        depth = max(limit, self.tuning.intent_pool if intents else 0, self.tuning.target_pool if years else 0)
        # the engine filters by a passage's own kind; --kind also takes what is nested under
        # an item of that kind (scope.py), which only the full scorer's filter knows
        usable = not conditions and not kinds and sort == "relevance" and self.params.variant == "lucene"
        engine = self.engine if usable else None
        recorded = self.scorer.recorded(terms, stats)  # read once for every pass that scores the query
        found = self._engine_scores(engine, terms, stats, recorded, kinds, docs, depth, facets) if engine else None
        total: int | None = None  # the engine's count: it scores only the passages that can be shown
        spread: Places | None = None  # the hits by document and kind, where the engine counted them
        if found is not None:
            scoring, total, spread = found
            candidates = sorted(scoring.values)
        else:
            scoring = self.scorer.score(terms, stats, recorded=recorded)
            candidates = sorted(scoring.values)
            if kinds or docs:
                candidates = sorted(self.index.filter_pids(candidates, kinds, docs))
        if conditions:
            shown_text = self._shown_text(candidates, any(not wanted for _, wanted in conditions))
            candidates = [
                pid
                for pid in candidates
                if all((needle in shown_text[pid][wanted]) == wanted for needle, wanted in conditions)
            ]
        places = self.index.places_by_pid(candidates) if sort == "date" else {}
        if sort == "date":
            shown, priors = self._newest(scoring, candidates, places, max(limit, 0))
            intents = ()  # the order is the dates'
        else:
            shown, priors = _top(scoring, self.scorer.priors, candidates, max(depth, 0))
        scores = {pid: scoring.values[pid] * priors.get(pid, 1.0) for pid in shown}
        if intents:
            shown = self._by_intent(shown, scores, intents)
        passages = self.index.passages_by_pid(shown)
        if years:
            shown = self._by_targets(shown, scores, passages, years[0], terms, asked)
        shown = shown[: max(limit, 0)]
        explained = (
            self.scorer.score(terms, stats, among=set(shown), explain=True, recorded=recorded).explained
            if explain else {}
        )
        hits = []
        for rank, pid in enumerate(shown, start=1):
            hit = Hit(passage=passages[pid], score=scores[pid], rank=rank, explain=explained.get(pid, []))
            hit.highlights = self.highlights(hit.passage.text, [t.highlight for t in terms])
            hit.excerpt_start, hit.excerpt = excerpt(hit.passage.text, hit.highlights)
            hits.append(hit)
        count = len(candidates) if total is None else total
        result = SearchResult(typed, parsed, tokens, terms, hits, count, notes, references, corrections)
        result.partial = _only_parts(terms, stats)
        if facets:
            counted = places_of(self.index.place_counts(candidates)) if spread is None else spread
            result.facets = count_facets(counted, self.index.facet_records(counted[0]))
        return result

    def _by_intent(self, shown: list[int], scores: dict[int, float], intents: tuple[Intent, ...]) -> list[int]:
        """The hits reordered with the passages that state what the question asks for raised."""
        norms = self.index.norms_by_pid(shown)
        for pid in shown:
            scores[pid] *= boost(intents, norms[pid][0], self.tuning.intent_boost)
        return sorted(shown, key=lambda pid: (-scores[pid], pid))

    # -- typos and documents named in the query -----------------------------------

    @cached_property
    def corrector(self) -> Corrector:
        from .suggest import Corrector

        def known(term: str) -> int:
            """A word of the index, else of the vocabulary (read only then: building its
            set normalises every term of data/, a tenth of a warm search)."""
            return self.index.term_stats([term]).get(term, (0, 0))[1] or int(term in self.vocabulary.terms)

        return Corrector(known, self.index.terms_like, lambda text: list(self.pipeline.segmenter.cut(text)))

    @cached_property
    def names(self) -> Names:
        from .names import Names

        groups = {term: group for group in self.vocabulary.synonym_groups for term in group}
        return Names(
            self.index.query_names(),
            words=lambda text: self.vocabulary.query_terms(text)[0],
            synonyms=lambda word: [t for t in groups.get(word, ()) if t != word],
        )

    def named(self, raw: str, docs: Sequence[str]) -> Recognised | None:
        """The documents the query names (within ``docs``, when given) and the rest of
        it; None when it names none."""
        normalised = self.pipeline.normaliser.normalise(raw)
        if not may_name(normalised):  # most queries: the library's names are not even read
            return None
        recognised = self.names.recognise(normalised)
        if not recognised.references or (docs and not any(d in docs for d in recognised.docs)):
            return None
        return recognised

    def _has_content(self, text: str) -> bool:
        words = self.vocabulary.question_words
        return any(w not in words for w in self.pipeline.terms(text))

    def _section_named(self, rest: str, docs: Sequence[str]) -> str | None:
        """The title of a section of the named documents that the rest of the query is,
        word for word (主要目标, 法律责任, 基本原则), as its matching form."""
        words = [w for w in self.pipeline.terms(rest, precise=True) if w not in self.vocabulary.question_words]
        wanted = "".join(words)
        if not wanted:
            return None
        titles = self.index.titles(docs, _SECTION_KINDS)
        return wanted if any(self._title_form(title) == wanted for title in titles) else None

    def _titled(self, passage: Passage, title: str) -> bool:
        """Whether a heading or item is titled ``title`` (a matching form)."""
        return passage.kind in _SECTION_KINDS and self._title_form(passage.title) == title

    def _title_form(self, title: str) -> str:
        return compact(self.pipeline.normaliser.normalise(title))

    def _listing(
        self,
        raw: str,
        parsed: ParsedQuery,
        docs: Sequence[str],
        kinds: Sequence[str],
        limit: int,
        references: tuple[Reference, ...],
        section: str | None = None,
    ) -> SearchResult:
        """A query that is only a name: the named documents' passages that say something,
        in reading order (their opening statement, aims and targets first), taken in
        turn from each document when several are named. A name and a section's title
        (储能意见 主要目标): what that section of each document says, in reading order."""
        per_doc = []
        for doc in docs:
            passages = self.index.passages(doc=doc)
            if section is not None:
                passages = self._under_section(passages, section)
            per_doc.append([p for p in passages if _says_something(p) and (not kinds or p.kind in kinds)])
        ordered = [p for row in _interleave(per_doc) for p in row]
        hits = []
        for rank, passage in enumerate(ordered[: max(limit, 0)], start=1):
            start, text = excerpt(passage.text, [])
            hits.append(Hit(passage, 1.0 / rank, rank, [], text, start))
        return SearchResult(raw, parsed, [], [], hits, len(ordered), [], references)

    def _under_section(self, passages: list[Passage], section: str) -> list[Passage]:
        """The passages of the sections titled ``section`` and what they hold, in reading order."""
        found: list[Passage] = []
        for passage in passages:
            if self._titled(passage, section):
                found.extend(p for p in subtree(passages, passage.id) if p not in found)
        return found

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

    def _by_targets(
        self, shown: list[int], scores: dict[int, float], passages: dict[int, Passage], year: int,
        terms: Sequence[Term], asked: bool,
    ) -> list[int]:
        """``shown`` re-ordered after raising the hits that state a target of ``year``
        whose indicator holds every word of the query, or one of its synonyms whole.
        Not needed in the indicator: the year and its 年, the words that ask for a target
        when the query asks (``asked``: 江西2025年非化石能源比重目标是多少), and a word of
        the passage's document's title (江西: 江西省碳达峰实施方案 is about it)."""
        from .targets import states_target

        words = tuple(t.highlight for t in terms if t.source in ("query", "phrase") and not t.part
                      and not _YEAR.fullmatch(t.highlight) and t.highlight != "年"
                      and not (asked and names_a_target(t.highlight)))
        synonyms = [(t.highlight,) for t in terms if t.source.startswith("synonym")]
        titled = {word: set(self.index.titled_docs(word)) for word in words}
        for pid in shown:
            own = tuple(word for word in words if passages[pid].doc not in titled[word])
            wordings = [w for w in (own, *synonyms) if w]
            if wordings and states_target(passages[pid], self.pipeline.normaliser, year, wordings):
                scores[pid] *= self.tuning.target_prior
        return sorted(shown, key=lambda pid: (-scores[pid], pid))

    def _from_engine(
        self, engine: Engine, terms: list[Term], stats: dict[str, tuple[int, int]], recorded: dict[int, set[int]],
        kinds: Sequence[str], docs: Sequence[str], limit: int, every: bool,
    ) -> tuple[Scores, int, Places | None]:
        """Exact scores of every passage that can be shown, and the number of hits, with
        the engine choosing which passages to score.

        The engine counts the passages that hold a query word or an expansion its
        postings prove (hits by presence) and ranks every passage by its own BM25 over
        the same concepts and weights. Its best are scored exactly. A passage that holds
        another expansion's words and no query word is a hit if it holds the expansion
        as written: where the index recorded every such expansion of the query, the
        record says so and the passage is counted, scored only if the engine hands it
        over; otherwise its text must say so, and it is scored up front. carbon's score of
        a passage is at most ``reach`` times the engine's: once the shown ones score
        above that for the last passage the engine handed over, no other can reach
        them; until then, more are asked for, and of those only the ones whose bound
        reaches the shown ones so far are scored. ``recorded``: the query's expansions the
        index recorded as written (``Scorer.recorded``). ``every``: also how the hits
        spread over documents and kinds (for the facets)."""
        own, wordings = _engine_plan(terms, stats)
        plan = [(own.get(c, []), wordings.get(c, [])) for c in dict.fromkeys([*own, *wordings])]
        evident, unread = _expansion_clauses(terms, stats)
        # hits by presence: a query word or an expansion whose postings prove it (风电 for 可再生能源)
        present = [*((words, ()) for words in own.values()), *([((), [[c] for c in evident])] if evident else [])]
        by_presence = engine.query(present, kinds=kinds, docs=docs)
        unproven: list[int] = []  # hits only their texts can prove: scored up front
        by_record: list[int] = []  # hits the index's record proves: counted, scored if handed over
        if unread:
            through = engine.query([((), [[c] for c in unread])], kinds=kinds, docs=docs)
            holding = engine.matching(engine.exclude(through, by_presence) if present else through)
            written = _written(terms, stats, recorded)
            if written is None:
                unproven = holding
            else:
                by_record = [pid for pid in holding if pid in written]
        ranked, bound = engine.query(plan, kinds=kinds, docs=docs), self._reach(engine, terms, stats)
        wanted = max(limit, 1) * CANDIDATE_FACTOR
        scoring: Scores | None = None
        scored: set[int] = set()
        bar = float("-inf")  # the last shown score so far: only ever rises as more are scored

        def reaches(engine_score: float) -> bool:
            """Whether a passage of this engine score can score up to the bar."""
            return bound * engine_score * (1 + 1e-6) >= bar

        while True:
            count, best, engine_scores = engine.best(ranked, wanted)
            # a round scores only the passages the last did not, and of them only those
            # whose bound reaches the bar: the others can never be shown
            new = {*(pid for pid, score in zip(best, engine_scores) if reaches(score)), *unproven} - scored
            more = self.scorer.score(terms, stats, among=new, recorded=recorded)
            if scoring is None:
                scoring = more
            else:
                scoring.add(more)
            scored |= new
            bar = _shown_bar(scoring, self.scorer.priors, limit)
            if len(best) == count or not reaches(engine_scores[-1]):  # none handed over later can
                break
            wanted *= 4
        proven = [pid for pid in unproven if pid in scoring.values] + by_record
        total = (engine.best(by_presence, 0)[0] if present else 0) + len(proven)
        if every:
            spread = engine.place_counts(by_presence) if present else ({}, {})
            return scoring, total, places_of(self.index.place_counts(proven), spread)
        return scoring, total, None

    def _engine_scores(
        self, engine: Engine, terms: list[Term], stats: dict[str, tuple[int, int]], recorded: dict[int, set[int]],
        kinds: Sequence[str], docs: Sequence[str], depth: int, every: bool,
    ) -> tuple[Scores, int, Places | None] | None:
        """``_from_engine``, or None when the engine is found damaged: it is derived
        data, so the full scorer answers and the next search rebuilds it."""
        from .engine import EngineDamaged

        try:
            return self._from_engine(engine, terms, stats, recorded, kinds, docs, depth, every)
        except EngineDamaged:
            self.engine = None
            return None

    def _reach(self, engine: Engine, terms: list[Term], stats: dict[str, tuple[int, int]]) -> float:
        """How far above the engine's score carbon's can be, for this query's terms."""
        corpus = self.scorer.corpus()
        engine_corpus = corpus._replace(n=max(corpus.n, 1))
        ratios = [1.0]
        for term in {t.term for t in terms if t.term in stats}:
            ours = idf(stats[term][1], corpus, self.params)
            theirs = idf(max(engine.doc_freq(term), 1), engine_corpus, self.params)
            ratios.append(ours / theirs if theirs > 0 else float("inf"))
        from .engine import reach

        return reach(engine, corpus.avgdl, self.params.k1, self.params.b, max(ratios))

    # -- the terms of a query -----------------------------------------------------

    def plan(self, parsed: ParsedQuery) -> tuple[QueryPlan, dict[str, tuple[int, int]]]:
        """What a query is scored with: its plan (``plan.py``) with the expansions that say
        an excluded word left out (-零碳 drops 零碳园区), the fragments the index does not
        know looked for inside its words and the too common parts left out, and the
        statistics of every term."""
        plan = build_plan(parsed, self.vocabulary)
        excluded = [self.pipeline.normaliser.normalise(c.text).strip() for c in parsed.clauses if c.occur == "must_not"]
        if excluded:
            plan.terms = [
                t for t in plan.terms if not t.group or not any(x and x in (t.highlight or t.term) for x in excluded)
            ]
        stats = self.index.term_stats(t.term for t in plan.terms)
        plan.terms = self._with_fallbacks(plan.terms, stats, plan.notes)
        stats = self.index.term_stats(t.term for t in plan.terms)
        plan.terms = self._without_common_parts(plan.terms, stats)
        return plan, stats

    def _without_common_parts(self, terms: list[Term], stats: dict[str, tuple[int, int]]) -> list[Term]:
        """A part of a query word that a large share of the passages hold (能源 inside
        可再生能源) is dropped: it would make most of the index a hit for a word it
        says little of."""
        limit = self.tuning.common_part * self.index.n
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
                            word, term.weight * self.tuning.fallback, f"contains {term.term}", term.highlight,
                            concept=term.concept,
                        )
                    )
            notes.append(f"{term.term}: not a word of the index; looked for it inside longer words")
        return out

    def _shown_text(self, pids: list[int], headings: bool) -> dict[int, tuple[str, str]]:
        """pid -> (what an exclusion is checked against, what a phrase or requirement is):
        an excluded word may not appear in what a hit shows, its text or the headings
        above it (-新型 drops 健全新型储能价格机制); a phrase is found in the text."""
        found = {}
        for pid, (norm, section) in self.index.norms_by_pid(pids, sections=headings).items():
            titles = self.pipeline.normaliser.normalise(" ".join(json.loads(section))) if section else ""
            found[pid] = (f"{norm}\n{titles}", norm)
        return found

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


def _only_parts(terms: Sequence[Term], stats: dict[str, tuple[int, int]]) -> list[tuple[str, list[str]]]:
    """Query words no passage holds whole, of which only shorter words matched (a word
    absent from the library found through its part 推进): said, so a hit is not taken
    for the word."""
    found = []
    for term in terms:
        if term.group or term.part or term.term in stats or term.concept != term.term:
            continue
        parts = [t.term for t in terms if t.concept == term.term and t.term != term.term and t.term in stats]
        if parts:
            found.append((term.term, parts))
    return found


_SECTION_KINDS = ("heading", "item")  # what a section's title is the title of
_NOT_CONTENT = ("title", "number", "addressee", "signature", "date", "note", "attachment")


def _says_something(passage: Passage) -> bool:
    """A passage worth listing for a document: not a title, number, signature or other
    framing line, nor a heading or item that is only its title."""
    if passage.kind in _NOT_CONTENT or title_line(passage) or not HAN.search(passage.text):
        return False
    return not (passage.kind == "heading" and len(bare_text(passage)) <= len(passage.label + passage.title) + 2)


def _interleave(rows: list[list[Passage]]) -> list[list[Passage]]:
    """The first of each list, then the second of each …"""
    longest = max((len(r) for r in rows), default=0)
    return [[r[i] for r in rows if i < len(r)] for i in range(longest)]


def _known_expansions(terms: Sequence[Term], stats: dict[str, tuple[int, int]]) -> dict[int, list[Term]]:
    """The query's expansions whose every word the index knows: no other can match."""
    return {group: members for group, members in expansion_groups(terms).items()
            if all(m.term in stats for m in members)}


def _clause(members: Sequence[Term]) -> Clause:
    """An expansion as the engine's clause: all its words, its weight."""
    return tuple(m.term for m in members), members[0].weight


def _expansion_clauses(terms: list[Term], stats: dict[str, tuple[int, int]]) -> tuple[list[Clause], list[Clause]]:
    """The engine's clauses of the query's known expansions: those whose postings prove
    them (``self_evident``: every passage holding 风电 is a hit), and those only a text
    or the index's record can."""
    evident: list[Clause] = []
    unread: list[Clause] = []
    for members in _known_expansions(terms, stats).values():
        (evident if self_evident(members) else unread).append(_clause(members))
    return evident, unread


def _written(
    terms: Sequence[Term], stats: dict[str, tuple[int, int]], recorded: dict[int, set[int]]
) -> set[int] | None:
    """The passages holding one of the query's expansions as written, when the index
    recorded every expansion of the query that can match (all its words in the index);
    None when one only its texts can prove: then every passage holding its words is
    read."""
    unrecorded = [members for group, members in _known_expansions(terms, stats).items()
                  if group not in recorded and not self_evident(members)]
    if not recorded or unrecorded:
        return None
    return set().union(*recorded.values())


def _engine_plan(
    terms: list[Term], stats: dict[str, tuple[int, int]]
) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[list[Clause]]]]:
    """Per concept, its own words with their weights, and its other wordings as the
    engine's clauses (all words of an expansion needed; the loose words of one
    translation, one wording); terms the index does not know left out."""
    own: dict[str, list[tuple[str, float]]] = {}
    wordings: dict[str, dict[int, list[Clause]]] = {}
    for term in terms:
        if not term.group and term.term in stats:
            own.setdefault(term.concept, []).append((term.term, term.weight))
    for group, members in _known_expansions(terms, stats).items():
        first = members[0]
        wordings.setdefault(first.concept, {}).setdefault(first.alternative or group, []).append(_clause(members))
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
    covered = _covered(spans, highlights)
    best = max(range(len(spans)), key=lambda i: (covered[i], -i))
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


def _covered(spans: list[tuple[int, int]], highlights: list[tuple[int, int]]) -> list[int]:
    """How many highlighted characters each span (in order, not overlapping) holds: each
    highlight visits only the spans it overlaps, so a long passage with hundreds of
    highlights costs no more than their number."""
    ends = [end for _, end in spans]
    covered = [0] * len(spans)
    for start, end in highlights:
        i = bisect.bisect_right(ends, start)
        while i < len(spans) and spans[i][0] < end:
            covered[i] += max(0, min(end, spans[i][1]) - max(start, spans[i][0]))
            i += 1
    return covered


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
