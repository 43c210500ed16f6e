"""Scores of the passages that hold a query's terms.

The rules, applied to every passage that holds at least one term:

- each query word adds its BM25 share (``rank.py``); the words of one concept (a
  query word and the shorter words jieba finds inside it) add up;
- an expansion (a synonym, a related term, an English translation) counts only
  where all its words are and it occurs as written; it adds what its strongest word
  would, so a five-word synonym weighs like one word, not five;
- per concept, one wording counts: the query's own words or one expansion,
  whichever scores more (the query's own words win a tie);
- the sum is scaled by the share of the query's concepts the passage covers;
- lines that only frame content (headings, titles, one-line items) are lowered.

Scores are plain floats per passage; ``--explain``'s per-term breakdown is built by
the same code run again on the shown passages only, so it cannot disagree with the
ranking it explains.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from functools import cached_property
from typing import NamedTuple

from .index import Among, Index
from .indexing import matching_text, run_text
from .model import SEMANTIC_KINDS
from .rank import Corpus, Params, idf, term_weight
from .text import HAN, Normaliser
from .tuning import DEFAULT, Tuning

_TIE = 1 + 1e-9  # margin for "cannot win": sums in another order may differ in the last bits


# Term and Contribution (and rank.Corpus) are NamedTuples, not frozen dataclasses: a
# dataclass is slower to create at import, on every call (docs/performance.md).
class Term(NamedTuple):
    """A term the index is asked about, and why it is in the query."""

    term: str  # normalised, as indexed
    weight: float
    source: str  # "query", "phrase", "synonym of CCUS", "english: carbon capture", "contains 碳" ...
    highlight: str  # the normalised string to mark in the text
    group: int = 0  # >0: an expansion whose words must all be present to count, so that
    # 碳捕集利用与封存 does not match every passage that says 利用
    concept: str = ""  # what the term stands for: per passage, only its best wording counts
    alternative: int = 0  # loose words of one translation share one: their scores add up
    covered_by: tuple[str, ...] = ()  # the query words its concept was typed as (新能源汽车:
    # 新能源, 汽车): a passage holding them all covers the concept literally, so this
    # synonym adds nothing there
    part: bool = False  # a dictionary word inside a longer query word (能源 in 可再生能源)


class Contribution(NamedTuple):
    """One term's share of a passage's score, as ``--explain`` shows it."""

    term: str
    idf: float
    tf: int
    weight: float
    score: float


Rows = list[tuple[int, int, int]]  # (pid, tf, dl) of a term's postings


class Scores:
    """Each hit's score, with passage texts read only where they can change the ranking.

    Whether an expansion occurs as written is read from a passage's text: for common
    words, tens of thousands of texts. Where a passage is a hit by its own words, what
    its expansions can add is bounded: ``values`` holds its score without those still
    unread and ``upper`` the most it can reach. ``settle`` reads the texts of the hits
    asked for and makes their scores exact, equal to the last bit to reading
    everything at once.
    """

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.values: dict[int, float] = {}
        self.upper: dict[int, float] = {}  # hits whose texts are still unread
        self.explained: dict[int, list[Contribution]] = {}

    def add(self, more: Scores) -> None:
        """The scores of other passages for the same query, scored with ``among``: each
        passage's score is its own, so rounds of scoring need not score one twice."""
        self.values.update(more.values)
        self.upper.update(more.upper)
        self.explained.update(more.explained)

    def settle(self, pids: Collection[int]) -> None:
        pending = [pid for pid in pids if pid in self.upper]
        self.run.resolve(pending)
        sums, matched = self.run.sums(self.explained, pending)
        for pid in pending:
            self.values[pid] = self.run.finish(sums[pid], matched[pid])
            del self.upper[pid]


class Scorer:
    """Scores passages for a query's terms, reading only the postings and texts it needs."""

    def __init__(self, index: Index, normaliser: Normaliser, params: Params, tuning: Tuning = DEFAULT) -> None:
        self.index = index
        self.normaliser = normaliser
        self.params = params
        self.tuning = tuning

    def corpus(self) -> Corpus:
        avg_idf = self.index.okapi_average_idf() if self.params.variant == "okapi" else 0.0
        return Corpus(n=self.index.n, avgdl=self.index.avgdl, avg_idf=avg_idf)

    def score(
        self,
        terms: Sequence[Term],
        stats: dict[str, tuple[int, int]],
        *,
        among: Collection[int] | None = None,
        explain: bool = False,
        recorded: dict[int, set[int]] | None = None,
    ) -> Scores:
        """Every hit's score (exact, or bounded until settled), and with ``explain`` each
        one's contributions.

        ``among`` limits the work to some passages: their scores are the ones the
        whole run gives them, since every rule looks at one passage at a time. With
        ``among`` or ``explain`` every score is exact at once. ``recorded``: the
        query's ``recorded`` expansions, when a caller scoring it several times has
        them already.
        """
        run = _Run(self, terms, stats, among, explain, self.recorded(terms, stats) if recorded is None else recorded)
        run.literal([t for t in terms if not t.group])
        run.expansions([t for t in terms if t.group])
        return run.scores()

    def recorded(self, terms: Sequence[Term], stats: dict[str, tuple[int, int]]) -> dict[int, set[int]]:
        """``recorded_expansions`` of a query's terms: read once a query, whatever
        the passes that score it."""
        return recorded_expansions(self.index, expansion_groups(terms), stats)

    def priors(self, pids: Collection[int]) -> dict[int, float]:
        """The factor below 1 of each passage among ``pids`` that frames content: a
        framing kind, or a principle, action or safeguard that is only its title."""
        found = {}
        kind_prior = self.tuning.kind_prior
        for pid, kind, title_line in self.index.framing_pids(tuple(kind_prior), pids):
            carries_body = kind == "heading" and not title_line  # （十）推进绿色低碳建造。大力发展…
            prior = self.tuning.carrying_heading_prior if carries_body else kind_prior.get(kind, 1.0)
            if title_line and kind in SEMANTIC_KINDS:
                prior *= self.tuning.title_line_prior
            if prior != 1.0:
                found[pid] = prior
        for pid, factor in self.index.measured_priors(pids).items():
            found[pid] = found.get(pid, 1.0) * factor
        return found


class _Run:
    """The state of scoring one query: what each passage has matched so far."""

    def __init__(
        self,
        scorer: Scorer,
        terms: Sequence[Term],
        stats: dict[str, tuple[int, int]],
        among: Collection[int] | None,
        explain: bool,
        recorded: dict[int, set[int]],
    ) -> None:
        self.index = scorer.index
        self.normaliser = scorer.normaliser
        self.params = scorer.params
        self.coordinate = coordination if scorer.tuning.coordination else _whole
        self.title_share = scorer.tuning.title_share
        self.corpus = scorer.corpus()
        self.zero = term_weight(0, 1, self.corpus, self.params)
        self.stats = stats
        self.among = among
        self.recorded = recorded
        self.explain = explain
        self.wanted = len({t.concept for t in terms if t.term in stats})
        self.spanned = {t.concept: t.covered_by for t in terms if t.covered_by}
        # Texts may wait where all that passages need now is their ranking
        self.lazy = among is None and not explain
        self.base = 0.0  # BM25Plus and BM25L give every passage something for every query word
        self.rows: dict[int, Rows] = {}
        self.found: dict[str, set[int]] = {}  # query word -> the passages holding it
        self.words: dict[str, dict[int, float]] = {}  # concept -> passage -> its query words' shares
        self.parts: dict[tuple[int, str], list[Contribution]] = {}  # explain: (passage, concept) -> shares
        self.groups: dict[int, list[Term]] = {}  # expansion -> its words
        self.tops: dict[int, dict[int, float]] = {}  # expansion -> passage with all its words -> strongest share
        self.keys: dict[int, tuple] = {}  # expansion -> its set of words
        self.top_parts: dict[tuple, dict[int, Contribution]] = {}  # explain: set of words -> passage -> strongest
        self.wordings: dict[str, dict[int, dict[int, float]]] = {}  # concept -> passage -> alternative -> score
        self.wording_parts: dict[tuple[int, str, int], list[Contribution]] = {}  # explain: per wording
        self.unread: dict[int, list[int]] = {}  # passage -> expansions to look for in its text
        self.texts: dict[int, str] = {}  # passage -> the matching form of its text and headings
        self.titles: dict[str, str] = {}  # heading title -> its matching form
        self.sections: dict[str, list[str]] = {}  # a section as stored -> its titles' matching forms

    def _idf(self, term: str) -> float:
        value = idf(self.stats[term][1], self.corpus, self.params)
        if value < 0:  # BM25Okapi's floor can be negative: an expansion could then lower a score
            self.lazy = False
        return value

    @cached_property
    def grouped(self) -> Among | None:
        """The passages scored, grouped by document once for every term's postings."""
        return None if self.among is None else self.index.among(self.among)

    def postings(self, term: str, among: Collection[int] | None = None) -> Rows:
        """A term's postings, read once per query: a word and an expansion may share one."""
        tid, df = self.stats[term]
        limit = self.grouped if among is None else self.index.among(among)
        if limit is not None:
            return self.index.posting_rows(tid, among=limit, df=df)
        rows = self.rows.get(tid)
        if rows is None:
            rows = self.rows[tid] = self.index.posting_rows(tid)
        return rows

    def _wording(self, group: int) -> tuple[str, int]:
        """The concept an expansion stands for, and the wording it belongs to: the loose
        words of one translation share theirs, any other expansion is one alone."""
        first = self.groups[group][0]
        return first.concept, first.alternative or group

    def literal(self, terms: Sequence[Term]) -> None:
        """The query's own words: BM25 shares, added up per concept."""
        for term in terms:
            if term.term not in self.stats:
                continue
            term_idf = self._idf(term.term)
            factor = term.weight * term_idf
            floor = factor * self.zero
            self.base += floor
            by_pid = self.words.setdefault(term.concept, {})
            holding = self.found.setdefault(term.term, set())
            weights: dict[tuple[int, int], float] = {}  # by (tf, length), filled as met: see _complete
            for pid, tf, dl in self.postings(term.term):
                weight = weights.get((tf, dl))
                if weight is None:
                    weight = weights[tf, dl] = term_weight(tf, dl, self.corpus, self.params)
                share = factor * weight - floor
                before = by_pid.get(pid)
                by_pid[pid] = share if before is None else before + share
                holding.add(pid)
                if self.explain:
                    part = Contribution(term.term, term_idf, tf, term.weight, share)
                    self.parts.setdefault((pid, term.concept), []).append(part)

    def expansions(self, terms: Sequence[Term]) -> None:
        """Each expansion where all its words are and it occurs as written.

        Expansions whose postings prove it are counted at once; the others wait to be
        looked for in the text, read now only where the passage is no hit without them."""
        self.groups = expansion_groups(terms)
        known: dict[tuple, dict[int, float]] = {}  # 碳达峰碳中和 and 碳中和碳达峰: one set of words
        recorded = self._recorded()
        for group, members in self.groups.items():
            if all(m.term in self.stats for m in members):
                within = recorded.get(group)
                key = (tuple(sorted((m.term, m.weight) for m in members)), members[0].covered_by,
                       None if within is None else members[0].highlight)
                if key not in known:
                    known[key] = self._complete(members, key, within)
                self.tops[group] = known[key]
                self.keys[group] = key
                self.wordings.setdefault(members[0].concept, {})
        evident = {group for group in self.tops if group in recorded or self_evident(self.groups[group])}
        hopeless = self._outscored(evident)
        # a passage's expansions found in its text are counted after those its postings
        # prove (``resolve``): the recorded ones likewise, so the sums are the same bits
        for group in sorted(evident, key=lambda group: (group in recorded, group)):
            self._count(group, self.tops[group])
        for group, tops in self.tops.items():
            if group not in evident:
                for pid in tops:
                    if (pid, group) not in hopeless:
                        self.unread.setdefault(pid, []).append(group)
        hits = set().union(*self.words.values(), *self.wordings.values())
        self.resolve([pid for pid in self.unread if not self.lazy or pid not in hits])

    def _count(self, group: int, pids: Iterable[int]) -> None:
        """An expansion found in passages: its strongest word's share joins its wording."""
        (concept, alternative), tops = self._wording(group), self.tops[group]
        by_pid = self.wordings[concept]
        for pid in pids:
            options = by_pid.get(pid)
            if options is None:
                by_pid[pid] = {alternative: tops[pid]}
            else:
                options[alternative] = options.get(alternative, 0.0) + tops[pid]
        if self.explain:
            parts = self.top_parts[self.keys[group]]
            for pid in pids:
                self.wording_parts.setdefault((pid, concept, alternative), []).append(parts[pid])

    def resolve(self, pids: Collection[int]) -> None:
        """Look for the waiting expansions of these passages in their texts."""
        waiting = [pid for pid in pids if pid in self.unread]
        texts = self._texts(sorted(waiting))
        targets = {group: run_text(members[0].highlight) for group, members in self.groups.items()}
        found: dict[int, list[int]] = {}
        for pid in waiting:
            for group in self.unread.pop(pid):
                if targets[group] in texts[pid]:
                    found.setdefault(group, []).append(pid)
        for group in sorted(found):  # in expansion order, as for those counted at once
            self._count(group, found[group])

    def _recorded(self) -> dict[int, set[int]]:
        """The query's recorded expansions, within the passages scored."""
        if self.among is None:
            return self.recorded
        among = self.among
        return {group: {pid for pid in pids if pid in among} for group, pids in self.recorded.items()}

    def _complete(self, members: list[Term], key: tuple, within: set[int] | None = None) -> dict[int, float]:
        """Passages holding every word of an expansion, with its strongest word's share.

        Words are read rarest first, each only where the words before it were found
        (the first only ``within`` the passages it is recorded in, if it is); a
        passage where the query's own words cover the concept is left out."""
        tops: dict[int, float] | None = None
        parts: dict[int, Contribution] = self.top_parts.setdefault(key, {})
        if within is not None and not within:
            return {}
        for member in sorted(members, key=lambda m: self.stats[m.term][1]):
            term_idf = self._idf(member.term)
            factor = member.weight * term_idf
            found: dict[int, float] = {}
            # BM25's tf part by (tf, length), computed once a pair and inline, as in literal:
            # a common word's postings repeat few pairs, and a call per posting costs more
            weights: dict[tuple[int, int], float] = {}
            for pid, tf, dl in self.postings(member.term, among=within if tops is None else tops.keys()):
                weight = weights.get((tf, dl))
                if weight is None:
                    weight = weights[tf, dl] = term_weight(tf, dl, self.corpus, self.params)
                share = factor * weight
                if tops is None or share > tops[pid]:
                    found[pid] = share
                    if self.explain:
                        parts[pid] = Contribution(member.term, term_idf, tf, member.weight, share)
                else:
                    found[pid] = tops[pid]
            tops = found
        cover = members[0].covered_by
        if cover and tops:
            present = [self.found.get(word, set()) for word in cover]
            tops = {pid: top for pid, top in tops.items() if not all(pid in p for p in present)}
        return tops or {}

    def _outscored(self, evident: set[int]) -> set[tuple[int, int]]:
        """(passage, expansion) pairs whose text need not be read: the query's own words
        outscore all of that wording's expansions found there together, so it cannot be
        the passage's chosen wording. Only wordings with an expansion to read count."""
        wording = {group: self._wording(group) for group in self.tops}
        to_read = {wording[group] for group in self.tops if group not in evident}
        bounds: dict[tuple[int, str, int], float] = {}
        for group, tops in self.tops.items():
            concept, alternative = wording[group]
            if (concept, alternative) in to_read:
                for pid, top in tops.items():
                    bounds[pid, concept, alternative] = bounds.get((pid, concept, alternative), 0.0) + top
        hopeless = set()
        for group, tops in self.tops.items():
            if group in evident:
                continue
            concept, alternative = wording[group]
            words = self.words.get(concept, {})
            for pid in tops:
                own = words.get(pid)
                if own is not None and bounds[pid, concept, alternative] * _TIE < own:
                    hopeless.add((pid, group))
        return hopeless

    def _texts(self, pids: list[int]) -> dict[int, str]:
        """Matching form of the text and headings of passages, words side by side made
        adjacent: an expansion must occur in them as written, not as scattered words
        (国家 … 发展 … 委员会 is not 国家发展和改革委员会). Each passage is read once per
        query, each heading title normalised once."""
        texts, sections = self.texts, self.sections
        for pid, (norm, section) in self.index.norms_by_pid([p for p in pids if p not in texts], sections=True).items():
            heads = sections.get(section)
            if heads is None:
                heads = sections[section] = [self._title(title) for title in json.loads(section)]
            texts[pid] = matching_text(norm, heads)
        return texts

    def _title(self, title: str) -> str:
        found = self.titles.get(title)
        if found is None:
            found = self.titles[title] = self.normaliser.normalise(title)
        return found

    def scores(self) -> Scores:
        """Every hit's score: exact where no text waits to be read, else the score
        without the expansions still unread, with ``upper`` the most it can reach."""
        scores = Scores(self)
        if not self.lazy:
            self.resolve(list(self.unread))
        sums, matched = self.sums(scores.explained)
        for pid, total in sums.items():
            scores.values[pid] = self.finish(total, matched[pid])
        for pid, groups in self.unread.items():
            extra = sum(self.tops[group][pid] for group in groups)
            concepts = len({self._wording(group)[0] for group in groups})
            reach = self.coordinate(min(self.wanted, matched[pid] + concepts), self.wanted)
            scores.upper[pid] = (self.base + sums[pid] + extra) * reach
        return scores

    def finish(self, total: float, matched: int) -> float:
        """A passage's score from its concepts' sum and how many it covers."""
        return (self.base + total) * self.coordinate(matched, self.wanted)

    def sums(self, explained: dict, pids: Collection[int] | None = None) -> tuple[dict[int, float], dict[int, int]]:
        """Per passage (of ``pids``, or every hit), the sum of its concepts' best
        wordings, added in the order of the concepts, and how many concepts it covers."""
        sums: dict[int, float] = {}
        matched: dict[int, int] = {}
        for concept in self.concepts:
            words, wordings = self.words.get(concept, {}), self.wordings.get(concept, {})
            if pids is not None:
                holding: Collection[int] = [pid for pid in pids if pid in words or pid in wordings]
            else:
                holding = [*words, *(pid for pid in wordings if pid not in words)] if wordings else words
            for pid in holding:
                own, options = words.get(pid), wordings.get(pid)
                if self.explain:
                    best, parts = self._best(pid, concept, own, options)
                    explained.setdefault(pid, []).extend(parts)
                elif options:
                    best = max(options.values()) if own is None else max(own, *options.values())
                else:  # a passage of ``holding`` without a wording has the concept's own words
                    best = words[pid]
                sums[pid] = sums.get(pid, 0.0) + best
                matched[pid] = matched.get(pid, 0) + 1
        # a concept counts once in a passage, however many ways cover it
        covered = {concept: self.words.get(concept, {}).keys() | self.wordings.get(concept, {}).keys()
                   for concept in {*self.spanned, *self._titled}}
        for concept, cover in self.spanned.items():
            present = [self.found.get(word, set()) for word in cover]
            spanned = [pid for pid in matched if pid not in covered[concept] and all(pid in p for p in present)]
            covered[concept].update(spanned)
            for pid in spanned:
                matched[pid] += 1
        self._covered_by_titles(matched, covered)
        return sums, matched

    def _covered_by_titles(self, matched: dict[int, int], covered: dict[str, set[int]]) -> None:
        """A concept the title of a passage's document holds counts as covered by the
        passage: in 江西省碳达峰实施方案 every passage speaks of 江西, so 江西 非化石能源
        prefers its targets to another plan's. Only a word that singles documents out
        counts (in at most ``Tuning.title_share`` of the titles); it adds to the
        coordination, not to the sum, so it makes no passage a hit. ``covered``: the
        passages each concept already counts in (its words, or the words it spans)."""
        for concept, inside in self._titled.items():
            done = covered[concept]
            for pid in matched:
                if pid in inside and pid not in done:
                    matched[pid] += 1

    @cached_property
    def _titled(self) -> dict[str, set[int]]:
        """Concept -> the passages of the few documents whose titles hold it (read once a
        query: ``sums`` runs again to explain)."""
        if not self.title_share or self.wanted < 2:
            return {}
        most = max(1, min(TITLE_DOCS, int(self.title_share * self.index.document_count())))
        found: dict[str, set[int]] = {}
        for concept in self.concepts:
            if len(concept) < 2 or not HAN.search(concept):
                continue
            docs = self.index.titled_docs(concept)
            if docs and len(docs) <= most:
                found[concept] = self.index.pids_of_docs(docs)
        return found

    @cached_property
    def concepts(self) -> list[str]:
        """The concepts in the order their scores are added: the query's words', then
        those only an expansion stands for."""
        return [*self.words, *(c for c in self.wordings if c not in self.words)]

    def _best(
        self, pid: int, concept: str, words: float | None, wordings: dict[int, float] | None
    ) -> tuple[float, list[Contribution]]:
        """The concept's best wording in one passage, and its parts: the query's own words
        win a tie, then the first wording found (``max`` keeps the first)."""
        options = [] if words is None else [(words, self.parts.get((pid, concept), []))]
        options.extend((total, self.wording_parts[pid, concept, alt]) for alt, total in (wordings or {}).items())
        return max(options, key=lambda option: option[0])


def expansion_groups(terms: Iterable[Term]) -> dict[int, list[Term]]:
    """Expansion (its ``group``) -> its terms, in the order given; the query's own
    words (group 0) are none."""
    groups: dict[int, list[Term]] = {}
    for term in terms:
        if term.group:
            groups.setdefault(term.group, []).append(term)
    return groups


def recorded_expansions(
    index: Index, groups: dict[int, list[Term]], stats: dict[str, tuple[int, int]]
) -> dict[int, set[int]]:
    """Expansion -> the passages it occurs in as written, for the expansions of several
    words whose passages the index recorded (``indexing.Phrases``): no text of theirs
    need be read, and their common words only in those passages.

    A record holds the passages with the phrase and its anchor word; it stands for an
    expansion whose words include that anchor, so an index recorded by another
    vocabulary still answers exactly, reading the texts where its records do not fit."""
    targets = {
        group: run_text(members[0].highlight) for group, members in groups.items()
        if not self_evident(members) and all(m.term in stats for m in members)
    }
    ids = index.written_ids(targets.values())
    fitting = {group: ids[phrase][0] for group, phrase in targets.items()
               if phrase in ids and any(m.term == ids[phrase][1] for m in groups[group])}
    by_wid = {wid: set(index.written_pids(wid)) for wid in dict.fromkeys(fitting.values())}
    return {group: by_wid[wid] for group, wid in fitting.items()}


def self_evident(members: Sequence[Term]) -> bool:
    """Whether a posting of the expansion's words already proves it occurs as written:
    one word is the whole expansion, or it is a kind (``kind:action``). Index terms
    are pieces of the normalised text and headings that ``_texts`` searches, so such a
    posting is the text check."""
    return not members[0].highlight or any(m.term == run_text(m.highlight) for m in members)


def coordination(matched: int, wanted: int) -> float:
    """The share of the query's concepts a passage covers, as Lucene's classic coord.

    双碳目标 is two concepts: a passage with the targets of 碳达峰碳中和 answers it
    better than one that names 双碳 and says nothing of targets.
    """
    return matched / wanted if wanted > 1 else 1.0


def _whole(matched: int, wanted: int) -> float:
    """Coordination switched off (``Tuning.coordination``): every passage counts whole."""
    return 1.0


TITLE_DOCS = 50  # a word in more titles than this names a field, not a document
