"""BM25 scoring over stored statistics, with rank-bm25's formulas.

rank-bm25 keeps a tokenised corpus in memory and imports NumPy, which alone costs
about as much as the whole start-up budget of a warm query. The formulas are short,
so this module computes them from the postings the index stores, for the candidate
passages only. ``tests/test_rank.py`` checks that the scores equal those of
``rank_bm25.BM25Okapi``, ``BM25Plus`` and ``BM25L`` built on the same corpus.

Variants:

- ``okapi``: BM25Okapi as rank-bm25 ships it. Its idf is ``log((N-n+0.5)/(n+0.5))``,
  zero or negative for a term in half or more of the passages; negative values are
  replaced by ``epsilon`` times the average idf.
- ``lucene``: the same term weight with Lucene's idf ``log(1 + (N-n+0.5)/(n+0.5))``,
  which is always positive: common terms count a little, never against a passage.
- ``plus``: BM25Plus, ``idf = log((N+1)/n)`` and a floor ``delta`` per matched term.
- ``l``: BM25L, a length normalisation that favours longer passages less harshly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

VARIANTS = ("okapi", "lucene", "plus", "l")
DEFAULT_VARIANT = "lucene"


@dataclass(frozen=True)
class Params:
    variant: str = DEFAULT_VARIANT
    k1: float = 1.5
    b: float = 0.3
    epsilon: float = 0.25  # okapi: floor for negative idf, as a share of the average idf
    delta: float = 1.0  # plus: 1.0; l: 0.5 in rank-bm25 (set per variant below)


def default_params(variant: str = DEFAULT_VARIANT) -> Params:
    """rank-bm25's defaults for each class."""
    if variant == "l":
        return Params(variant="l", delta=0.5)
    return Params(variant=variant)


class Corpus(NamedTuple):
    """The corpus statistics a score needs (a NamedTuple: made on every query, see scoring.Term)."""

    n: int  # passages
    avgdl: float
    avg_idf: float  # average okapi idf over the vocabulary (okapi's epsilon floor)


def idf(df: int, corpus: Corpus, params: Params) -> float:
    n = corpus.n
    if params.variant == "okapi":
        value = math.log(n - df + 0.5) - math.log(df + 0.5)
        return params.epsilon * corpus.avg_idf if value < 0 else value
    if params.variant == "lucene":
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    if params.variant == "plus":
        return math.log(n + 1) - math.log(df)
    if params.variant == "l":
        return math.log(n + 1) - math.log(df + 0.5)
    raise ValueError(f"unknown BM25 variant {params.variant!r}")


def term_weight(tf: int, dl: int, corpus: Corpus, params: Params) -> float:
    """The tf part of the formula for one term in one passage (tf may be 0)."""
    k1, b = params.k1, params.b
    norm = 1 - b + b * dl / corpus.avgdl if corpus.avgdl else 1.0
    if params.variant in ("okapi", "lucene"):
        return tf * (k1 + 1) / (tf + k1 * norm)
    if params.variant == "plus":
        return params.delta + tf * (k1 + 1) / (k1 * norm + tf)
    ctd = tf / norm  # rank-bm25's BM25L also multiplies by tf: kept, so the scores are its own
    return tf * (k1 + 1) * (ctd + params.delta) / (k1 + ctd + params.delta)

