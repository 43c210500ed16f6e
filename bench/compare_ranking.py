"""Compare ranking configurations on the judged query set; print Markdown tables.

Every number comes from ``carbon eval``'s own path: an evaluation index built as
``carbon_cli.evaluate.eval_index`` builds it (seed + ``data/eval_corpus/`` in a
scratch home) and every query ranked by ``Searcher.search`` through
``evaluate.searcher_ranker``. What changes between rows is a weight, given as a
``tuning.Tuning`` to the searcher, or a BM25 parameter (``rank.Params``); what is
decided at index time or by the vocabulary (segmentation, the user dictionary, index
terms, expansions, rank-bm25's arithmetic) is switched by replacing the product's
function in this process only. The product's defaults are untouched.

Sections (all at the product's k1 = 1.5, b = 0.3 unless a row says otherwise):

1. BM25 variant x implementation (search mode, user dictionary on): the product's
   scorer (``rank.py``) for ``okapi``, ``lucene``, ``plus``, ``l`` against
   rank-bm25's own classes ``BM25Okapi`` (as shipped: negative idf floored at
   epsilon x average idf), ``BM25Okapi`` with Lucene's idf (a subclass), ``BM25Plus``
   and ``BM25L``. For a rank-bm25 row, ``scoring.idf`` and ``scoring.term_weight`` are
   replaced by values read back from the rank-bm25 model built on the index's own
   passages and terms (its ``idf`` table, and ``get_batch_scores / idf`` for every
   (tf, length) pair of the corpus), so everything around BM25 (query words,
   expansions, coordination, kind prior) is the product's and only the arithmetic is
   rank-bm25's.
2. Segmentation (jieba search mode / precise mode, ``text.SEGMENT_MODE``) x user
   dictionary (on / off, ``text.user_words``), every scorer of section 1.
3. k1 x b grid for the product's four variants (search mode, user dictionary on).
4. Ablations of the structure-aware features, each switched off alone, then all.

    python bench/compare_ranking.py                 # all sections, Markdown on stdout
    python bench/compare_ranking.py --json out.json # also the raw numbers
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from carbon_cli import indexing, scoring, search, text
from carbon_cli.evaluate import (
    METRICS,
    Report,
    check_known,
    eval_index,
    load_judgments,
    run,
    searcher_ranker,
)
from carbon_cli.index import iter_postings
from carbon_cli.rank import VARIANTS, Params, default_params
from carbon_cli.rank import term_weight as product_term_weight
from carbon_cli.store import Home
from carbon_cli.tuning import DEFAULT, Tuning
from carbon_cli.vocabulary import Vocabulary

K1S = (1.2, 1.5, 2.0)
BS = (0.0, 0.2, 0.3, 0.5, 0.75)
SETUPS = (("search", True), ("precise", True), ("search", False), ("precise", False))


class BM25OkapiLucene(BM25Okapi):
    """BM25Okapi with Lucene's idf, never negative: ``log(1 + (N - n + 0.5) / (n + 0.5))``."""

    def _calc_idf(self, nd: dict) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


RANK_BM25 = {"okapi": BM25Okapi, "lucene": BM25OkapiLucene, "plus": BM25Plus, "l": BM25L}
CLASS_NAME = {"okapi": "BM25Okapi", "lucene": "BM25Okapi + Lucene idf", "plus": "BM25Plus", "l": "BM25L"}

Patch = tuple[object, str, object]  # (module or class, attribute, replacement)


@dataclass
class Ablation:
    """A feature switched off: the index-time and vocabulary functions replaced in this
    process (``patches``), and the weights the search runs with (``tuning``)."""

    patches: list[Patch] = field(default_factory=list)
    tuning: Tuning = DEFAULT


@dataclass
class Row:
    section: str
    label: str
    mode: str
    userdict: bool
    report: Report


# -- switches -------------------------------------------------------------------------

_passage_terms = indexing.passage_terms
_expand = Vocabulary.expand


def terms_without_headings(pipeline, passage, **options):  # type: ignore[no-untyped-def]
    """A passage indexed under its own words (and kind term), not its headings' titles."""
    return _passage_terms(pipeline, replace(passage, section=()), **options)


def terms_without_kind(pipeline, passage, **options):  # type: ignore[no-untyped-def]
    """A passage indexed without any ``kind:…`` term: kind words in a query reach nothing."""
    return [t for t in _passage_terms(pipeline, passage, **options) if not t.startswith("kind:")]


def terms_own_kind(pipeline, passage, *, kind=None, **options):  # type: ignore[no-untyped-def]
    """A passage indexed under its own kind only: the body of a one-line item carries none."""
    return _passage_terms(pipeline, passage, **options)


def expand_without(prefix: str) -> Callable:
    def expand(self, text_, literal):  # type: ignore[no-untyped-def]
        return [e for e in _expand(self, text_, literal) if not e.note.startswith(prefix)]

    return expand


def no_expansions(self, text_, literal):  # type: ignore[no-untyped-def]
    return []


ABLATIONS: dict[str, Ablation] = {
    "kind prior 1.0 (framing lines not lowered)": Ablation(tuning=Tuning(kind_prior={})),
    "heading titles not indexed with passages": Ablation([(indexing, "passage_terms", terms_without_headings)]),
    "kind terms off (no `kind:` index term)": Ablation([(indexing, "passage_terms", terms_without_kind)]),
    "kind terms not inherited by an item's body": Ablation([(indexing, "passage_terms", terms_own_kind)]),
    "one-line items not lowered (title-line prior 1.0)": Ablation(tuning=Tuning(title_line_prior=1.0)),
    "coordination off (factor 1)": Ablation(tuning=Tuning(coordination=False)),
    "synonyms off": Ablation([(Vocabulary, "expand", expand_without("synonym"))]),
    "related terms off (data/related.tsv)": Ablation([(Vocabulary, "expand", expand_without("related"))]),
    "English glossary off": Ablation([(Vocabulary, "expand", expand_without("english"))]),
    "expansions off (literal words only)": Ablation([(Vocabulary, "expand", no_expansions)]),
}
ALL_OFF = "all of the above off (plain BM25 on the query words)"
ABLATIONS[ALL_OFF] = Ablation(
    [
        (indexing, "passage_terms", lambda pipeline, passage, **options: [
            t for t in terms_without_headings(pipeline, passage, **options) if not t.startswith("kind:")
        ]),
        (Vocabulary, "expand", no_expansions),
    ],
    Tuning(kind_prior={}, title_line_prior=1.0, coordination=False),
)


@contextlib.contextmanager
def patched(patches: Sequence[Patch]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for target, name, value in patches:
            assert hasattr(target, name), f"{target} has no {name}"
            stack.enter_context(mock.patch.object(target, name, value))
        yield


@contextlib.contextmanager
def pipeline_setup(mode: str, userdict: bool) -> Iterator[Path]:
    """Set the segmentation mode and the user dictionary; yields the jieba cache to use.

    Without the user dictionary the lexicon must not come from the shared cache (its
    file name is keyed on the dictionary file, not on the words loaded), so a
    scratch cache is used.
    """
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(text, "SEGMENT_MODE", mode))
        if userdict:
            yield Home().cache
        else:
            stack.enter_context(mock.patch.object(text, "user_words", list))
            yield Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carbon-nodict-")))


@contextlib.contextmanager
def evaluation_index(judged, mode: str = "search", userdict: bool = True, patches: Sequence[Patch] = ()):  # type: ignore[no-untyped-def]
    """``(catalog, index, corpus document ids)``, built with the switches in force."""
    with patched(patches), pipeline_setup(mode, userdict) as cache, eval_index(cache) as (catalog, index):
        check_known(judged, {p.id for p in index.passages()})
        yield catalog, index, [d["id"] for d in index.documents()]


def product(judged, catalog, index, corpus_docs, params: Params, tuning: Tuning = DEFAULT) -> Report:  # type: ignore[no-untyped-def]
    """``carbon eval`` with these parameters and weights."""
    return run(judged, searcher_ranker(search.Searcher(index, catalog.pipeline, params, tuning)), corpus_docs)


# -- rank-bm25's arithmetic inside the product --------------------------------------


def indexed_terms(index) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Each passage's terms (with repeats), as the index stores them, in pid order."""
    pids = [pid for (pid,) in index.conn.execute("SELECT pid FROM passages ORDER BY pid")]
    position = {pid: n for n, pid in enumerate(pids)}
    corpus: list[list[str]] = [[] for _ in pids]
    terms = dict(index.conn.execute("SELECT tid, term FROM terms"))
    for tid, pid, tf, _ in iter_postings(index.conn):
        corpus[position[pid]].extend([terms[tid]] * tf)
    return corpus


def rank_bm25_patches(model, corpus: list[list[str]]) -> list[Patch]:  # type: ignore[no-untyped-def]
    """``scoring.idf`` and ``scoring.term_weight`` answered by a rank-bm25 model.

    rank-bm25 scores a term in a passage as ``idf[term] * f(tf, length)``; its idf
    depends on the document frequency only. Both parts are read from the model: the
    idf table as it computed it, and ``f`` as ``get_batch_scores([term], [passage]) /
    idf[term]`` for one representative of every (tf, length) pair in the corpus; a
    pair no term has falls back to the product's formula.
    """
    df = Counter(t for terms in corpus for t in set(terms))
    idf_by_df: dict[int, float] = {}
    for term, value in model.idf.items():
        idf_by_df.setdefault(df[term], value)
    weights: dict[tuple[int, int], float] = {}
    for n, terms in enumerate(corpus):
        for term, tf in Counter(terms).items():
            key = (tf, len(terms))
            if key not in weights and abs(model.idf[term]) > 1e-9:
                weights[key] = model.get_batch_scores([term], [n])[0] / model.idf[term]
    probe = next(t for t in model.idf if abs(model.idf[t]) > 1e-9 and df[t] < len(corpus))
    absent = next(n for n, terms in enumerate(corpus) if probe not in terms)
    zero = model.get_batch_scores([probe], [absent])[0] / model.idf[probe]

    def idf(document_frequency, corpus_, params):  # type: ignore[no-untyped-def]
        return idf_by_df[document_frequency]

    def term_weight(tf, dl, corpus_, params):  # type: ignore[no-untyped-def]
        if tf == 0:
            return zero
        if (tf, dl) in weights:
            return weights[(tf, dl)]
        # a run of two query words can occur more often than any single term does in a
        # passage of that length; rank-bm25 has no term to read that pair from
        return product_term_weight(tf, dl, corpus_, params)

    return [(scoring, "idf", idf), (scoring, "term_weight", term_weight)]


def with_rank_bm25(judged, catalog, index, corpus_docs, variant: str, params: Params) -> Report:  # type: ignore[no-untyped-def]
    corpus = indexed_terms(index)
    extra = {"delta": params.delta} if variant in ("plus", "l") else {"epsilon": params.epsilon}
    model = RANK_BM25[variant](corpus, k1=params.k1, b=params.b, **extra)
    with patched(rank_bm25_patches(model, corpus)):
        return product(judged, catalog, index, corpus_docs, params)


def at(variant: str, k1: float = 1.5, b: float = 0.3) -> Params:
    base = default_params(variant)
    return replace(base, k1=k1, b=b)


# -- the sections -----------------------------------------------------------------------


def implementations(judged, mode: str, userdict: bool, section: str) -> list[Row]:  # type: ignore[no-untyped-def]
    rows = []
    with evaluation_index(judged, mode, userdict) as (catalog, index, docs):
        d = default_params()
        for variant in VARIANTS:
            params = at(variant, d.k1, d.b)
            rows.append(Row(section, f"carbon {variant}", mode, userdict, product(judged, catalog, index, docs, params)))
            report = with_rank_bm25(judged, catalog, index, docs, variant, params)
            rows.append(Row(section, f"rank-bm25 {CLASS_NAME[variant]}", mode, userdict, report))
        if (mode, userdict) == ("search", True):
            report = with_rank_bm25(judged, catalog, index, docs, "okapi", at("okapi", 1.5, 0.75))
            rows.append(Row(section, "rank-bm25 BM25Okapi, its own defaults (k1 1.5, b 0.75)", mode, userdict, report))
    return rows


def grid(judged) -> list[Row]:  # type: ignore[no-untyped-def]
    rows = []
    with evaluation_index(judged) as (catalog, index, docs):
        for variant in VARIANTS:
            for k1 in K1S:
                for b in BS:
                    report = product(judged, catalog, index, docs, at(variant, k1, b))
                    rows.append(Row("grid", f"{variant} k1={k1} b={b}", "search", True, report))
    return rows


def ablations(judged) -> list[Row]:  # type: ignore[no-untyped-def]
    rows = []
    for label, ablation in {"defaults": Ablation(), **ABLATIONS}.items():
        with evaluation_index(judged, patches=ablation.patches) as (catalog, index, docs):
            report = product(judged, catalog, index, docs, default_params(), ablation.tuning)
            rows.append(Row("ablation", label, "search", True, report))
    return rows


# -- output -------------------------------------------------------------------------------


def fmt(value: float) -> str:
    return f"{value:.3f}"


def table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def overall_table(rows: Sequence[Row], first: str = "configuration") -> str:
    return table([first, *METRICS], [[r.label, *(fmt(r.report.overall[m]) for m in METRICS)] for r in rows])


def category_table(rows: Sequence[Row], metric: str = "mrr@10", first: str = "configuration") -> str:
    categories = list(rows[0].report.categories)
    return table(
        [first, *categories, "overall"],
        [[r.label, *(fmt(r.report.categories[c][metric]) for c in categories), fmt(r.report.overall[metric])] for r in rows],
    )


def setup_name(mode: str, userdict: bool) -> str:
    return f"{mode}, dict {'on' if userdict else 'off'}"


def markdown(rows: list[Row], queries: int) -> str:
    out = [f"{queries} judged queries; metrics as in `carbon eval`. Defaults: {default_params()}, search mode, user dictionary on.", ""]
    impl = [r for r in rows if r.section == "impl" and (r.mode, r.userdict) == ("search", True)]
    out += ["### BM25 variant x implementation (search mode, user dictionary on, k1 1.5, b 0.3)", "", overall_table(impl), ""]
    out += ["MRR@10 per category:", "", category_table(impl), ""]
    setups = [r for r in rows if r.section == "impl"]
    labels = list(dict.fromkeys(r.label for r in setups if "own defaults" not in r.label))
    for metric in ("mrr@10", "recall@5"):
        body = []
        for label in labels:
            cells = [label]
            for mode, userdict in SETUPS:
                found = [r for r in setups if r.label == label and (r.mode, r.userdict) == (mode, userdict)]
                cells.append(fmt(found[0].report.overall[metric]) if found else "")
            body.append(cells)
        out += [f"### Segmentation x user dictionary: overall {metric} (k1 1.5, b 0.3)", "",
                table(["scorer", *(setup_name(m, u) for m, u in SETUPS)], body), ""]
    default = [r for r in setups if r.label == "carbon lucene"]
    out += ["MRR@10 per category, carbon lucene:", "",
            category_table([replace(r, label=setup_name(r.mode, r.userdict)) for r in default], first="pipeline"), ""]
    cells = [r for r in rows if r.section == "grid"]
    if cells:
        for metric in ("mrr@10", "ndcg@10", "top1"):
            body = []
            for variant in VARIANTS:
                for k1 in K1S:
                    found = {r.label: r for r in cells}
                    body.append([f"{variant} k1={k1}", *(fmt(found[f"{variant} k1={k1} b={b}"].report.overall[metric]) for b in BS)])
            out += [f"### k1 x b: overall {metric} (search mode, user dictionary on)", "",
                    table(["variant, k1", *(f"b={b}" for b in BS)], body), ""]
        pick = [replace(r, label=f"b={r.label.split('b=')[1]}") for r in cells if r.label.startswith("lucene k1=1.5 ")]
        out += ["MRR@10 per category, lucene k1 1.5:", "", category_table(pick, first="b"), ""]
    abl = [r for r in rows if r.section == "ablation"]
    if abl:
        out += ["### Feature ablations (lucene, k1 1.5, b 0.3, search mode, user dictionary on)", "", overall_table(abl), ""]
        out += ["MRR@10 per category:", "", category_table(abl), ""]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description="Compare BM25 variants, implementations, pipelines, k1/b and feature ablations.")
    parser.add_argument("--queries", type=Path, default=None, help="judged set (default: data/judgments.tsv)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    parser.add_argument("--no-setups", action="store_true", help="skip precise mode and the runs without the user dictionary")
    args = parser.parse_args()
    judged = load_judgments(args.queries)
    rows: list[Row] = []
    for mode, userdict in SETUPS[:1] if args.no_setups else SETUPS:
        rows += implementations(judged, mode, userdict, "impl")
        sys.stderr.write(f"compare: {setup_name(mode, userdict)}: done\n")
    rows += grid(judged)
    sys.stderr.write("compare: k1 x b grid: done\n")
    rows += ablations(judged)
    sys.stderr.write("compare: ablations: done\n")
    print(markdown(rows, len(judged)))
    if args.json:
        data = [{"section": r.section, "configuration": r.label, "segmentation": r.mode, "userdict": r.userdict,
                 "overall": r.report.overall, "categories": r.report.categories,
                 "misses": [o.judged.qid for o in r.report.misses]} for r in rows]
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
