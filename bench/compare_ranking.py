"""Compare ranking configurations on the judged query set; print Markdown tables.

For each pipeline setup (jieba search mode or precise mode, user dictionary on or
off) an evaluation index is built exactly as ``carbon eval`` builds it (seed +
``data/eval_corpus/`` in a scratch home), then every query is ranked by

- the product's scorer: ``Searcher`` with ``default_params(variant)`` for the
  variants of ``carbon_cli.rank`` (okapi, lucene, plus, l);
- rank-bm25's own classes over the same passages and terms: ``BM25Okapi``,
  ``BM25Okapi`` with Lucene's idf ``log(1 + (N-n+0.5)/(n+0.5))`` (a subclass),
  ``BM25Plus``, ``BM25L``, all with rank-bm25's default parameters.

The rank-bm25 rankers use the product's query processing (``Searcher._terms`` and
``_with_fallbacks``: whole words, their parts at a lower weight, synonym and English
expansions as all-or-nothing groups, fallbacks into longer words) and its hit rule: a
passage is a hit only if it contains a counted query term; the score of a query is
``sum(weight * get_scores([term]))`` over its terms, a term not counted for a passage
(absent, or an incomplete group) scoring what it scores on a passage without it.
Scores only order the hits; ties go to the earlier passage.

    python bench/compare_ranking.py                 # all 32 configurations, Markdown
    python bench/compare_ranking.py --json out.json # also the raw numbers
    python bench/compare_ranking.py --sweep         # k1/b grid for the product scorer
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rank_bm25 import BM25L, BM25Okapi, BM25Plus  # noqa: E402

from carbon_cli import text  # noqa: E402
from carbon_cli.evaluate import METRICS, Report, check_known, eval_index, load_judgments, run, searcher_ranker  # noqa: E402
from carbon_cli.rank import VARIANTS, Params, default_params  # noqa: E402
from carbon_cli.search import Searcher, check_query  # noqa: E402
from carbon_cli.store import Home  # noqa: E402


class BM25OkapiLucene(BM25Okapi):
    """BM25Okapi with Lucene's idf, never negative: ``log(1 + (N - n + 0.5) / (n + 0.5))``."""

    def _calc_idf(self, nd: dict) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


RANK_BM25 = {
    "BM25Okapi": BM25Okapi,
    "BM25Okapi+lucene idf": BM25OkapiLucene,
    "BM25Plus": BM25Plus,
    "BM25L": BM25L,
}
PRODUCT_DEFAULT = ("search", True, "carbon lucene")


@contextlib.contextmanager
def pipeline_setup(mode: str, userdict: bool) -> Iterator[Path | None]:
    """Set the segmentation mode and the user dictionary; yields the jieba cache to use.

    Without the user dictionary the lexicon must not come from the shared cache (its
    file name is keyed on the dictionary file, not on the words loaded), so a
    scratch cache is used.
    """
    old_mode, old_words = text.SEGMENT_MODE, text.user_words
    text.SEGMENT_MODE = mode
    if not userdict:
        text.user_words = lambda: []
    try:
        if userdict:
            yield None
        else:
            with tempfile.TemporaryDirectory(prefix="carbon-nodict-") as tmp:
                yield Path(tmp)
    finally:
        text.SEGMENT_MODE, text.user_words = old_mode, old_words


def passage_terms(index) -> tuple[list[str], list[list[str]]]:  # type: ignore[no-untyped-def]
    """Passage ids in index order and each passage's terms, as the index stores them."""
    rows = index.conn.execute("SELECT pid, id FROM passages ORDER BY pid").fetchall()
    position = {pid: n for n, (pid, _) in enumerate(rows)}
    corpus: list[list[str]] = [[] for _ in rows]
    for pid, term, tf in index.conn.execute(
        "SELECT p.pid, t.term, p.tf FROM postings p JOIN terms t USING (tid) ORDER BY p.pid, t.term"
    ):
        corpus[position[pid]].extend([term] * tf)
    return [pid_id for _, pid_id in rows], corpus


def bm25_ranker(searcher: Searcher, model, ids: list[str], corpus: list[list[str]]):  # type: ignore[no-untyped-def]
    """Rank with a rank-bm25 model, with the product's query processing and hit rule."""
    index = searcher.index
    counts = [dict() for _ in corpus]
    for n, terms in enumerate(corpus):
        for term in terms:
            counts[n][term] = counts[n].get(term, 0) + 1
    by_id = {pid: n for n, pid in enumerate(ids)}
    cache: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}

    def term_scores(term: str) -> tuple[np.ndarray, np.ndarray, float]:
        if term not in cache:
            scores = np.asarray(model.get_scores([term]), dtype=float)
            present = np.array([term in c for c in counts])
            zero = float(scores[~present][0]) if (~present).any() else 0.0
            cache[term] = (scores, present, zero)
        return cache[term]

    def rank(query: str) -> list[tuple[str, float]]:
        parsed = check_query(query)
        _, terms, notes = searcher._terms(parsed)
        stats = index.term_stats(t.term for t in terms)
        terms = searcher._with_fallbacks(terms, stats, notes)
        groups: dict[int, np.ndarray] = {}
        for term in terms:
            if term.group:
                present = term_scores(term.term)[1]
                groups[term.group] = groups.get(term.group, np.ones(len(ids), bool)) & present
        total = np.zeros(len(ids))
        hit = np.zeros(len(ids), bool)
        for term in terms:
            scores, present, zero = term_scores(term.term)
            counted = present & groups[term.group] if term.group else present
            total += term.weight * np.where(counted, scores, zero)
            hit |= counted
        candidates = [n for n in np.flatnonzero(hit)]
        if parsed.kinds or parsed.docs:
            allowed = {p.id for p in index.passages() if (not parsed.kinds or p.kind in parsed.kinds)
                       and (not parsed.docs or p.doc in parsed.docs)}
            candidates = [n for n in candidates if ids[n] in allowed]
        passages = {p.id: p for p in (index.passage(ids[n]) for n in candidates) if p is not None}
        kept = [n for n in candidates if ids[n] in passages and searcher._admits(passages[ids[n]], parsed)]
        kept.sort(key=lambda n: (-round(float(total[n]), 9), n))
        return [(ids[n], float(total[n])) for n in kept]

    return rank


def evaluate_setup(judged, mode: str, userdict: bool, sweep: bool) -> dict[str, Report]:  # type: ignore[no-untyped-def]
    reports: dict[str, Report] = {}
    with pipeline_setup(mode, userdict) as scratch_cache:
        cache = scratch_cache or Home().cache
        with eval_index(cache) as (catalog, index):
            check_known(judged, {p.id for p in index.passages()})
            corpus_docs = [d["id"] for d in index.documents()]
            for variant in VARIANTS:
                params = default_params(variant)
                searcher = Searcher(index, catalog.pipeline, params)
                reports[f"carbon {variant}"] = run(judged, searcher_ranker(searcher), corpus_docs)
            ids, corpus = passage_terms(index)
            searcher = Searcher(index, catalog.pipeline)
            for name, cls in RANK_BM25.items():
                reports[f"rank-bm25 {name}"] = run(judged, bm25_ranker(searcher, cls(corpus), ids, corpus), corpus_docs)
            # the default scorer with weaker length normalisation, in every setup (see the k1/b grid)
            searcher = Searcher(index, catalog.pipeline, Params(variant="lucene", b=0.3))
            reports["carbon lucene b=0.3"] = run(judged, searcher_ranker(searcher), corpus_docs)
            if sweep:
                for variant in ("lucene", "okapi", "plus", "l"):
                    for k1 in (0.9, 1.2, 1.5, 2.0):
                        for b in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 0.9):
                            base = default_params(variant)
                            params = Params(variant=variant, k1=k1, b=b, epsilon=base.epsilon, delta=base.delta)
                            searcher = Searcher(index, catalog.pipeline, params)
                            reports[f"carbon {variant} k1={k1} b={b}"] = run(judged, searcher_ranker(searcher), corpus_docs)
    return reports


def fmt(value: float) -> str:
    return f"{value:.3f}"


def markdown(results: list[tuple[str, bool, str, Report]]) -> str:
    lines = ["### Overall", "", "| segmentation | user dict | scorer | " + " | ".join(METRICS) + " |",
             "| --- | --- | --- | " + " | ".join("---:" for _ in METRICS) + " |"]
    for mode, userdict, name, report in results:
        mark = " (default)" if (mode, userdict, name) == PRODUCT_DEFAULT else ""
        lines.append(f"| {mode} | {'on' if userdict else 'off'} | {name}{mark} | "
                     + " | ".join(fmt(report.overall[m]) for m in METRICS) + " |")
    categories = list(results[0][3].categories)
    for metric in METRICS:
        lines += ["", f"### {metric} per category", "",
                  "| segmentation | user dict | scorer | " + " | ".join(categories) + " |",
                  "| --- | --- | --- | " + " | ".join("---:" for _ in categories) + " |"]
        for mode, userdict, name, report in results:
            lines.append(f"| {mode} | {'on' if userdict else 'off'} | {name} | "
                         + " | ".join(fmt(report.categories[c][metric]) for c in categories) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Compare BM25 variants, segmentation and the user dictionary.")
    parser.add_argument("--queries", type=Path, default=None, help="judged set (default: data/judgments.tsv)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    parser.add_argument("--sweep", action="store_true", help="add a k1/b grid for the product scorer (search mode, dict on)")
    parser.add_argument("--only-default-pipeline", action="store_true", help="search mode with the user dictionary only")
    args = parser.parse_args()
    judged = load_judgments(args.queries)
    setups = [("search", True), ("precise", True), ("search", False), ("precise", False)]
    if args.only_default_pipeline:
        setups = setups[:1]
    results: list[tuple[str, bool, str, Report]] = []
    for mode, userdict in setups:
        reports = evaluate_setup(judged, mode, userdict, args.sweep and (mode, userdict) == ("search", True))
        results.extend((mode, userdict, name, report) for name, report in reports.items())
        sys.stderr.write(f"compare: {mode} mode, user dictionary {'on' if userdict else 'off'}: done\n")
    print(f"{len(judged)} judged queries; metrics as in `carbon eval`.\n")
    print(markdown([r for r in results if " k1=" not in r[2]]))
    sweep = [r for r in results if " k1=" in r[2]]
    if sweep:
        sweep.sort(key=lambda r: (-r[3].overall["mrr@10"], -r[3].overall["ndcg@10"]))
        print("\n### k1/b grid (search mode, user dictionary on), best MRR@10 first\n")
        print("| scorer | " + " | ".join(METRICS) + " |")
        print("| --- | " + " | ".join("---:" for _ in METRICS) + " |")
        for _, _, name, report in sweep:
            print(f"| {name} | " + " | ".join(fmt(report.overall[m]) for m in METRICS) + " |")
    if args.json:
        data = [{"segmentation": m, "userdict": u, "scorer": n, "overall": r.overall, "categories": r.categories}
                for m, u, n, r in results]
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
