"""The stored-statistics scorer computes rank-bm25's own scores."""

from __future__ import annotations

import sqlite3

import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from carbon_cli import index as ix
from carbon_cli.catalog import seed_record
from carbon_cli.outline import parse_documents
from carbon_cli.rank import default_params
from carbon_cli.search import Searcher, Term
from carbon_cli.text import Pipeline
from conftest import OPINIONS


class LuceneIdf(BM25Okapi):
    """BM25Okapi with Lucene's non-negative idf: the reference for the ``lucene`` variant."""

    def _calc_idf(self, nd):  # type: ignore[no-untyped-def]
        import math

        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    pipeline = Pipeline(tmp_path_factory.mktemp("cache"))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ix.create(conn, "test")
    seed = seed_record()
    info = seed.info(builtin=True)
    docs = seed.documents() + parse_documents(OPINIONS.read_text(encoding="utf-8"), "opinions")
    ix.add_documents(conn, [(doc, info) for doc in docs], pipeline)
    index = ix.Index(conn)
    passages = index.passages()
    tokenised = [ix.passage_terms(pipeline, p) for p in passages]
    pids = [row[0] for row in conn.execute("SELECT pid FROM passages ORDER BY pid")]
    return pipeline, index, tokenised, pids


REFERENCE = {"okapi": BM25Okapi, "lucene": LuceneIdf, "plus": BM25Plus, "l": BM25L}


@pytest.mark.parametrize("variant", sorted(REFERENCE))
@pytest.mark.parametrize("query", ["碳汇", "技术 创新", "碳达峰 碳中和 科技", "储能 安全", "ccus 甲烷"])
def test_scores_equal_rank_bm25(corpus, variant, query):
    pipeline, index, tokenised, pids = corpus
    words = list(dict.fromkeys(pipeline.terms(query)))
    params = default_params(variant)
    extra = {"delta": params.delta} if variant in ("plus", "l") else {"epsilon": params.epsilon}
    reference = REFERENCE[variant](tokenised, k1=params.k1, b=params.b, **extra).get_scores(words)
    searcher = Searcher(index, pipeline, params)
    terms = [Term(w, 1.0, "query", w) for w in words]
    scores = searcher.scorer.score(terms, index.term_stats(words)).values
    assert scores, query
    for position, pid in enumerate(pids):
        if pid in scores:
            assert scores[pid] == pytest.approx(reference[position], rel=1e-9, abs=1e-9)
        else:  # not a hit: contains none of the words
            assert not set(words) & set(tokenised[position])


def test_a_word_in_most_passages_still_makes_every_one_a_hit(tmp_path):
    """In the ten actions, 低碳 is in more than half: BM25Okapi's raw idf is negative,
    yet every action that says 低碳 is a hit, and none that does not."""
    import math
    from dataclasses import replace

    pipeline = Pipeline(tmp_path)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    ix.create(conn, "test")
    seed = seed_record()
    qa = seed.documents()[0]
    actions = replace(qa, passages=[p for p in qa.passages if p.kind == "action"])
    ix.add_documents(conn, [(actions, seed.info(builtin=True))], pipeline)
    index = ix.Index(conn)
    containing = [p.id for p in index.passages() if "低碳" in ix.passage_terms(pipeline, p)]
    n, df = index.n, len(containing)
    assert df * 2 > n and math.log(n - df + 0.5) - math.log(df + 0.5) < 0
    for variant in REFERENCE:
        result = Searcher(index, pipeline, default_params(variant)).search("低碳", limit=100)
        assert sorted(h.passage.id for h in result.hits) == sorted(containing), variant
