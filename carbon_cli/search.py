"""From what the user typed to ranked passages with highlights and excerpts.

A passage is a hit when it contains at least one query term (and satisfies the
phrases, required and excluded words and filters): hits are decided by term
presence, never by ``score > 0``, because BM25's idf can be zero for a term
that half the passages contain. Scores only order the hits.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from .index import SEMANTIC_KINDS, Index
from .model import CarbonError, Passage
from .query import ParsedQuery, parse_query
from .rank import Corpus, Params, default_params, idf, term_weight
from .text import Pipeline
from .vocabulary import Vocabulary

MAX_QUERY_CHARS = 2000
FALLBACK_WEIGHT = 0.5  # a fragment unknown to the index, matched inside longer terms
SUBWORD_WEIGHT = 0.3  # a dictionary word inside a longer query word
PAIR_WEIGHT = 0.5  # two query words found side by side, as typed: a bonus on top of each word
LOOSE_WEIGHT = 0.5  # one word of a multi-word translation, found without the others
# Lines that name or frame content rank below the content itself: a heading is short, so
# BM25's length normalisation would otherwise put it above the paragraphs it introduces.
FRAMING = ("heading", "title", "question", "number", "addressee", "signature", "date", "attachment", "note")
KIND_PRIOR = {kind: 0.6 for kind in FRAMING}
# An item that is only its title (（十七）鼓励地方先行先试。) frames the paragraph below it
# like a heading, and that paragraph carries the item's title and kind as index terms.
TITLE_LINE_PRIOR = 0.6
_TITLE_LINE_TRIM = "。．.；;：:，, \t\u3000"


# Term, Contribution (and rank.Corpus) are NamedTuples, not frozen dataclasses: a
# dataclass costs about 0.4 ms to create at import, on every call, and a frozen one's
# __init__ is slow for what is made once per posting.
class Term(NamedTuple):
    """A term the index is asked about, and why it is in the query."""

    term: str  # normalised, as indexed
    weight: float
    source: str  # "query", "phrase", "synonym of CCUS", "english: carbon capture", "contains 碳" ...
    highlight: str  # the normalised string to mark in the text
    group: int = 0  # >0: an expansion whose words must all be present to count, so that
    # 碳捕集利用与封存 does not match every passage that says 利用
    concept: str = ""  # what the expansion stands for: per passage, only its best group counts
    alternative: int = 0  # loose words of one translation share one: their scores add up
    covered_by: tuple[str, ...] = ()  # the query words its concept was typed as (新能源汽车:
    # 新能源, 汽车): a passage holding them all covers the concept literally, so this
    # synonym adds nothing there


class Contribution(NamedTuple):
    term: str
    idf: float
    tf: int
    weight: float
    score: float


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

    def __init__(self, index: Index, pipeline: Pipeline, params: Params | None = None) -> None:
        self.index = index
        self.pipeline = pipeline
        self.params = params or default_params()
        self.vocabulary = Vocabulary(pipeline)

    def _corpus(self) -> Corpus:
        avg_idf = self.index.okapi_average_idf() if self.params.variant == "okapi" else 0.0
        return Corpus(n=self.index.n, avgdl=self.index.avgdl, avg_idf=avg_idf)

    def search(
        self,
        raw: str,
        *,
        limit: int = 10,
        kinds: Sequence[str] = (),
        docs: Sequence[str] = (),
        explain: bool = False,
    ) -> SearchResult:
        parsed = check_query(raw)
        kinds = tuple(dict.fromkeys([*kinds, *parsed.kinds]))
        docs = tuple(dict.fromkeys([*docs, *parsed.docs]))
        tokens, terms, notes = self._terms(parsed)
        stats = self.index.term_stats(t.term for t in terms)
        terms = self._with_fallbacks(terms, stats, notes)
        stats = self.index.term_stats(t.term for t in terms)
        pairs = self._pairs(parsed)
        if explain:
            scores, contributions = self._score(terms, stats, pairs)
        else:
            scores, contributions = self._score_fast(terms, stats, pairs), {}
        candidates = sorted(scores)
        if kinds or docs:
            candidates = sorted(self.index.filter_pids(candidates, kinds, docs))
        framing = self.index.pids_of_kinds(tuple(KIND_PRIOR))  # fewer rows than the hits of a common word
        for pid in candidates:
            if pid in framing:
                scores[pid] *= KIND_PRIOR[framing[pid]]
        semantic = self.index.pids_of_kinds(SEMANTIC_KINDS)
        items = [pid for pid in candidates if pid in semantic]
        for pid, passage in self.index.passages_by_pid(items).items():
            if names_only(passage):
                scores[pid] *= TITLE_LINE_PRIOR
        passages: dict[int, Passage] = {}
        if any(c.phrase or c.occur != "should" for c in parsed.clauses):
            passages = self.index.passages_by_pid(candidates)
            candidates = [pid for pid in candidates if self._admits(passages[pid], parsed)]
        shown = heapq.nsmallest(max(limit, 0), candidates, key=lambda pid: (-scores[pid], pid))
        passages.update(self.index.passages_by_pid([pid for pid in shown if pid not in passages]))
        hits = []
        for rank, pid in enumerate(shown, start=1):
            hit = Hit(passage=passages[pid], score=scores[pid], rank=rank)
            hit.highlights = self.highlights(hit.passage.text, [t.highlight for t in terms])
            hit.excerpt_start, hit.excerpt = excerpt(hit.passage.text, hit.highlights)
            if explain:
                hit.explain = contributions[pid]
            hits.append(hit)
        return SearchResult(raw, parsed, tokens, terms, hits, len(candidates), notes)

    # -- the terms of a query -----------------------------------------------------

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
                literal.setdefault(word, Term(word, SUBWORD_WEIGHT, f"{source} (part of {parent})", word, concept=parent))
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
            covered_by = tuple(self.vocabulary.content_terms(within)) if spans else ()
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

    def _pairs(self, parsed: ParsedQuery) -> list[tuple[str, str]]:
        """Neighbouring query words typed as one run (备案并网 in 储能项目怎么备案并网):
        a passage where they stand together says what the query says."""
        pairs: list[tuple[str, str]] = []
        for clause in parsed.clauses:
            if clause.occur == "must_not" or clause.phrase:
                continue
            typed = _run_text(self.pipeline.normaliser.normalise(clause.text))
            whole, _ = self.vocabulary.query_terms(clause.text)
            pairs.extend((a, b) for a, b in zip(whole, whole[1:]) if a + b in typed and (a, b) not in pairs)
        return pairs

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
                        Term(word, term.weight * FALLBACK_WEIGHT, f"contains {term.term}", term.highlight, concept=term.concept)
                    )
            notes.append(f"{term.term}: not a word of the index; looked for it inside longer words")
        return out

    # -- scoring ------------------------------------------------------------------

    def _score(
        self, terms: list[Term], stats: dict[str, tuple[int, int]], pairs: Sequence[tuple[str, str]] = ()
    ) -> tuple[dict[int, float], dict]:
        """BM25 per passage: literal words add up as in rank-bm25; an expansion found
        whole adds what its strongest word would, so a five-word synonym weighs like one
        word, not five. Neighbouring query words found side by side add a bonus."""
        corpus = self._corpus()
        params = self.params
        contributions: dict[int, list[Contribution]] = {}
        pending: dict[int, dict[int, list[Contribution]]] = {}  # group -> pid -> its words' shares
        literal: dict[tuple[int, str], list[Contribution]] = {}  # (pid, concept) -> the query's own words
        sizes: dict[int, int] = {}
        concepts: dict[int, str] = {}
        lengths: dict[int, int] = {}
        base = 0.0  # BM25Plus and BM25L give every passage something for every query word
        zero = term_weight(0, 1, corpus, params)
        for term in terms:
            if term.group:
                sizes[term.group] = sizes.get(term.group, 0) + 1
                concepts[term.group] = term.concept
            if term.term not in stats:
                continue
            tid, df = stats[term.term]
            term_idf = idf(df, corpus, params)
            if not term.group:
                base += term.weight * term_idf * zero
            for posting in self.index.postings(tid):
                lengths[posting.pid] = posting.dl
                value = term.weight * term_idf * term_weight(posting.tf, posting.dl, corpus, params)
                if term.group:
                    share = Contribution(term.term, term_idf, posting.tf, term.weight, value)
                    pending.setdefault(term.group, {}).setdefault(posting.pid, []).append(share)
                else:
                    share = Contribution(term.term, term_idf, posting.tf, term.weight, value - term.weight * term_idf * zero)
                    literal.setdefault((posting.pid, term.concept), []).append(share)
        targets = {t.group: t.highlight for t in terms if t.group}
        covers = {t.group: t.covered_by for t in terms if t.group}
        present = {(pid, share.term) for (pid, _), shares in literal.items() for share in shares}
        alternatives = {t.group: t.alternative or t.group for t in terms if t.group}
        complete = {
            (group, pid) for group, by_pid in pending.items() for pid, shares in by_pid.items() if len(shares) == sizes[group]
        }
        texts = {pid: _run_text(t) for pid, t in self._matching_texts(sorted({pid for _, pid in complete})).items()}
        # per passage and concept, each alternative wording (0: the query's own words)
        options: dict[tuple[int, str], dict[int, list[Contribution]]] = {
            key: {0: shares} for key, shares in literal.items()
        }
        for group, by_pid in pending.items():
            for pid, shares in by_pid.items():
                if covers.get(group) and all((pid, w) in present for w in covers[group]):
                    continue  # the query's own words are there: a synonym adds nothing to them
                if (group, pid) in complete and _run_text(targets[group]) in texts[pid]:
                    top = max(shares, key=lambda c: c.score)
                    options.setdefault((pid, concepts[group]), {}).setdefault(alternatives[group], []).append(top)
        matched: dict[int, set[str]] = {}
        for (pid, concept), by_alternative in options.items():
            chosen = max(by_alternative.values(), key=lambda shares: sum(c.score for c in shares))
            contributions.setdefault(pid, []).extend(chosen)
            matched.setdefault(pid, set()).add(concept)
        spanned = {t.concept: t.covered_by for t in terms if t.covered_by}
        for pid in contributions:
            matched[pid].update(c for c, words in spanned.items() if all((pid, w) in present for w in words))
        found: dict[str, set[int]] = {}
        for pid, word in present:
            found.setdefault(word, set()).add(pid)
        for share in self._pair_shares(pairs, found, stats, lengths, corpus):
            contributions[share[0]].append(share[1])
        wanted = {t.concept for t in terms if t.term in stats}
        scores = {
            pid: (base + sum(c.score for c in shares)) * coordination(len(matched[pid]), len(wanted))
            for pid, shares in contributions.items()
        }
        return scores, contributions

    def _score_fast(
        self, terms: list[Term], stats: dict[str, tuple[int, int]], pairs: Sequence[tuple[str, str]] = ()
    ) -> dict[int, float]:
        """``_score``'s scores without the per-term breakdown that only ``--explain``
        shows: a common word has a posting in most passages, and a float per posting
        costs a fraction of a ``Contribution``. The same values are summed in the same
        order, so the scores are equal to the last bit (``tests/test_scale.py``).

        An expansion counts only where all its words are, so its words are read rarest
        first, each after the first only where the words before it were found, and one
        the index lacks rules it out unread; only passages where it is complete and not
        covered by the query's own words have their text read."""
        corpus = self._corpus()
        params = self.params
        pending: dict[int, dict[int, list[float]]] = {}  # group -> pid -> its words' shares
        literal: dict[tuple[int, str], list[float]] = {}  # (pid, concept) -> the query's own words
        present: set[tuple[int, str]] = set()
        found: dict[str, set[int]] = {}  # query word -> the passages it occurs in
        sizes: dict[int, int] = {}
        concepts: dict[int, str] = {}
        lengths: dict[int, int] = {}
        base = 0.0
        zero = term_weight(0, 1, corpus, params)
        for term in terms:
            if term.group:
                sizes[term.group] = sizes.get(term.group, 0) + 1
                concepts[term.group] = term.concept
        for term in terms:
            if term.group or term.term not in stats:
                continue
            tid, df = stats[term.term]
            term_idf = idf(df, corpus, params)
            base += term.weight * term_idf * zero
            factor = term.weight * term_idf
            floor = term.weight * term_idf * zero
            concept = term.concept
            weights: dict[tuple[int, int], float] = {}  # term_weight by (tf, dl): few distinct pairs
            pids = found.setdefault(term.term, set())
            for pid, tf, dl in self.index.posting_rows(tid):
                weight = weights.get((tf, dl))
                if weight is None:
                    weight = weights[tf, dl] = term_weight(tf, dl, corpus, params)
                lengths[pid] = dl
                pids.add(pid)
                literal.setdefault((pid, concept), []).append(factor * weight - floor)
        for word, pids in found.items():
            present.update((pid, word) for pid in pids)
        # Only how many words a passage has and the largest share count, so the order
        # in which an expansion's words are read changes no score.
        possible = {t.group for t in terms if t.group} - {t.group for t in terms if t.group and t.term not in stats}
        for term in sorted((t for t in terms if t.group in possible), key=lambda t: (t.group, stats[t.term][1])):
            tid, df = stats[term.term]
            factor = term.weight * idf(df, corpus, params)
            weights = {}
            first = term.group not in pending
            by_pid = pending.setdefault(term.group, {})
            rows = self.index.posting_rows(tid) if first else self.index.posting_rows(tid, among=by_pid.keys())
            for pid, tf, dl in rows:
                shares = by_pid.setdefault(pid, []) if first else by_pid.get(pid)
                if shares is not None:
                    weight = weights.get((tf, dl))
                    if weight is None:
                        weight = weights[tf, dl] = term_weight(tf, dl, corpus, params)
                    shares.append(factor * weight)
        targets = {t.group: _run_text(t.highlight) for t in terms if t.group}
        covers = {t.group: t.covered_by for t in terms if t.group}
        alternatives = {t.group: t.alternative or t.group for t in terms if t.group}
        complete: dict[int, list[tuple[int, float]]] = {}  # group -> (pid, its largest share) to check in the text
        for group, by_pid in pending.items():
            size, cover = sizes[group], covers[group]
            complete[group] = [
                (pid, max(shares))
                for pid, shares in by_pid.items()
                if len(shares) == size and not (cover and all((pid, w) in present for w in cover))
            ]
        # Where the query's own words score more than all the complete groups of one
        # wording together, that wording cannot be chosen: its text need not be read.
        bounds: dict[tuple[int, str, int], float] = {}
        for group, found_in in complete.items():
            concept, alternative = concepts[group], alternatives[group]
            for pid, top in found_in:
                bounds[pid, concept, alternative] = bounds.get((pid, concept, alternative), 0.0) + top
        outscored = {
            key for key, bound in bounds.items() if key[:2] in literal and bound * (1 + 1e-9) < sum(literal[key[:2]])
        }
        needed = {pid for group, found_in in complete.items() for pid, _ in found_in
                  if (pid, concepts[group], alternatives[group]) not in outscored}
        texts = {pid: _run_text(text) for pid, text in self._matching_texts(sorted(needed)).items()}
        expanded: dict[tuple[int, str], dict[int, list[float]]] = {}  # the wordings found as written
        for group, found_in in complete.items():
            target, concept, alternative = targets[group], concepts[group], alternatives[group]
            for pid, top in found_in:
                if (pid, concept, alternative) not in outscored and target in texts[pid]:
                    expanded.setdefault((pid, concept), {}).setdefault(alternative, []).append(top)
        # _score's options in its order: the query's own words first (they win a tie),
        # then the concepts only an expansion matched, as they were found
        chosen: dict[int, list[float]] = {}
        matched: dict[int, set[str]] = {}
        for (pid, concept), shares in literal.items():
            others = expanded.pop((pid, concept), None)
            chosen.setdefault(pid, []).extend(shares if others is None else max([shares, *others.values()], key=sum))
            matched.setdefault(pid, set()).add(concept)
        for (pid, concept), others in expanded.items():
            chosen.setdefault(pid, []).extend(max(others.values(), key=sum))
            matched.setdefault(pid, set()).add(concept)
        spanned = {t.concept: t.covered_by for t in terms if t.covered_by}
        if spanned:
            for pid in chosen:
                matched[pid].update(c for c, words in spanned.items() if all((pid, w) in present for w in words))
        for pid, share in self._pair_shares(pairs, found, stats, lengths, corpus):
            chosen[pid].append(share.score)
        wanted = len({t.concept for t in terms if t.term in stats})
        return {pid: (base + sum(shares)) * coordination(len(matched[pid]), wanted) for pid, shares in chosen.items()}

    def _pair_shares(
        self,
        pairs: Sequence[tuple[str, str]],
        found: dict[str, set[int]],
        stats: dict[str, tuple[int, int]],
        lengths: dict[int, int],
        corpus: Corpus,
    ) -> list[tuple[int, Contribution]]:
        """For each pair, the passages holding both words side by side: BM25 of the run,
        at PAIR_WEIGHT and the idf of its commoner word (a run is at least that rare).
        ``found``: the passages each query word occurs in; only those holding both words
        of a pair are read."""
        wanted = {pair: found.get(pair[0], set()) & found.get(pair[1], set()) for pair in pairs}
        both = sorted(set().union(*wanted.values())) if wanted else []
        texts = {pid: _run_text(text) for pid, text in self._matching_texts(both).items()}
        out = []
        for (a, b), pids in wanted.items():
            if a not in stats or b not in stats:
                continue
            run_idf = min(idf(stats[a][1], corpus, self.params), idf(stats[b][1], corpus, self.params))
            for pid in sorted(pids):
                tf = texts[pid].count(a + b)
                if tf:
                    value = PAIR_WEIGHT * run_idf * term_weight(tf, lengths[pid], corpus, self.params)
                    out.append((pid, Contribution(a + b, run_idf, tf, PAIR_WEIGHT, value)))
        return out

    def _matching_texts(self, pids: list[int]) -> dict[int, str]:
        """Normalised text and headings of passages: an expansion must occur in them as
        written, not as scattered words (国家 … 发展 … 委员会 is not 国家发展和改革委员会)."""
        normalise = self.pipeline.normaliser.normalise
        texts = self.index.texts_by_pid(pids)
        return {pid: normalise("\n".join([text, *section])) for pid, (text, section) in texts.items()}

    def _admits(self, passage: Passage, parsed: ParsedQuery) -> bool:
        """Phrases, required and excluded words, matched on the normalised text."""
        text = None
        for clause in parsed.clauses:
            if clause.occur == "should" and not clause.phrase:
                continue
            if text is None:
                text = self.pipeline.normaliser.normalise(passage.text)
            needle = self.pipeline.normaliser.normalise(clause.text).strip()
            if not needle:
                continue
            present = needle in text
            if present != (clause.occur != "must_not"):
                return False
        return True

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


_RUN_GAPS = re.compile(r"[ \t\u3000、“”‘’\"'「」『』]")


def _run_text(normalised: str) -> str:
    """Text in which words written side by side are adjacent: spaces, enumeration
    commas and quotes removed (碳达峰、碳中和 holds the run 碳达峰碳中和); line breaks
    stay, so a passage's text and its headings never run into each other."""
    return _RUN_GAPS.sub("", normalised)


def names_only(passage: Passage) -> bool:
    """Whether a passage is nothing but its label and title, as a one-line item heading."""
    if not passage.title:
        return False
    text = passage.text.strip()
    if passage.label and text.startswith(passage.label):
        text = text[len(passage.label) :]
    return text.strip(_TITLE_LINE_TRIM) == passage.title.strip(_TITLE_LINE_TRIM)


def coordination(matched: int, wanted: int) -> float:
    """The share of the query's concepts a passage covers, as Lucene's classic coord.

    双碳目标 is two concepts: a passage with the targets of 碳达峰碳中和 answers it
    better than one that names 双碳 and says nothing of targets.
    """
    return matched / wanted if wanted > 1 else 1.0


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
