"""Passages that treat the same matter as a given one: more-like-this over the index.

As Lucene's MoreLikeThis does, the passage's own terms are its query: each term it
is indexed under (its words and its headings' words, as stored in the postings)
weighed by BM25 in the passage itself, so a word frequent there and rare elsewhere
leads. The strongest ``MAX_TERMS`` are looked up like a query's terms, each
passage's score the sum over them of the source's weight times the BM25 share in
that passage, from the statistics the index stores. Kind terms (``kind:action``),
single characters and stop words say nothing of the matter and are left out.

The passage itself comes first (nothing is more like it); then the passages of the
other documents (``same_doc``: of its own document too), best first.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from .index import Index
from .model import CarbonError, Passage
from .rank import Corpus, Params, default_params, idf, term_weight
from .text import stop_words

MAX_TERMS = 25


@dataclass(frozen=True)
class LikeTerm:
    term: str
    weight: float  # the term's BM25 weight in the source passage, the strongest 1.0


@dataclass
class SimilarResult:
    source: Passage
    terms: list[LikeTerm]
    hits: list[tuple[Passage, float]] = field(default_factory=list)  # the source first
    total: int = 0  # passages sharing a term, the source aside


def similar(
    index: Index, passage_id: str, *, limit: int = 10, same_doc: bool = False, params: Params | None = None
) -> SimilarResult:
    params = params or default_params()
    source = index.passage(passage_id)
    found = index.passage_postings(passage_id)
    if source is None or found is None:
        raise CarbonError(f"no passage {passage_id!r} (see: carbon outline)")
    pid, postings = found
    average_idf = index.okapi_average_idf() if params.variant == "okapi" else 0.0
    corpus = Corpus(n=index.n, avgdl=index.avgdl, avg_idf=average_idf)
    stops = stop_words()
    length = sum(tf for _, _, _, tf in postings)
    weighed = [
        (idf(df, corpus, params) * term_weight(tf, length, corpus, params), term, tid, df)
        for term, tid, df, tf in postings
        if df > 1 and len(term) > 1 and not term.startswith("kind:") and term not in stops
    ]
    chosen = heapq.nlargest(MAX_TERMS, weighed)
    top = chosen[0][0] if chosen else 1.0
    scores: dict[int, float] = {}
    for weight, _, tid, df in chosen:
        share = weight / top * idf(df, corpus, params)
        for other, tf, dl in index.posting_rows(tid, df=df):
            scores[other] = scores.get(other, 0.0) + share * term_weight(tf, dl, corpus, params)
    scores.pop(pid, None)
    places = index.places_by_pid(list(scores))
    if not same_doc:
        scores = {p: s for p, s in scores.items() if places[p][0] != source.doc}
    best = heapq.nsmallest(limit - 1 if limit > 1 else 0, scores, key=lambda p: (-scores[p], p))
    passages = index.passages_by_pid(best)
    result = SimilarResult(source, [LikeTerm(term, round(w / top, 6)) for w, term, _, _ in chosen], total=len(scores))
    own = sum(weight / top * weight for weight, _, _, _ in chosen) or 1.0  # the source's score: the scale of 1.0
    result.hits = [(source, 1.0), *((passages[p], scores[p] / own) for p in best)]
    return result
