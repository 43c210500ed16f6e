"""The judged sets through the search libraries a user might reach for instead of carbon.

Every peer indexes the same passages (the seed and the documents of the set's
corpus, parsed by carbon's outline parser, so the judged passage ids are theirs) and
ranks the same queries, scored by ``carbon_cli.evaluate``:

- ``jieba + rank-bm25``: ``jieba.lcut_for_search`` tokens, ``BM25Okapi`` with its
  defaults: the naive script people write first;
- ``bm25s``: the same tokens, ``bm25s.BM25`` with its defaults;
- ``tantivy (jieba)``: tantivy's BM25 over the same tokens, space-joined, its default
  tokenizer, an OR query of the query's tokens;
- ``tantivy (bigrams)``: tantivy over overlapping CJK character bigrams, Latin words
  whole: what Elasticsearch's stock ``cjk`` analyzer indexes;
- ``carbon``: ``Searcher.search``, as ``carbon eval`` runs it.

None of the peers normalises (traditional, width), expands or corrects: that is the
point of the comparison. Install them with ``pip install -e ".[bench]"``. Run::

    python bench/peers.py                   # markdown tables for docs/ranking.md
    python bench/peers.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli.catalog import Catalog  # noqa: E402
from carbon_cli.evaluate import DEPTH, Report, eval_index, judged_corpus, load_judgments, run, searcher_ranker  # noqa: E402
from carbon_cli.index import Index  # noqa: E402
from carbon_cli.search import Searcher  # noqa: E402

SETS = {
    "library": ROOT / "data" / "judgments_library.tsv",
    "library held out": ROOT / "data" / "judgments_library_holdout.tsv",
    "seed set": ROOT / "data" / "judgments.tsv",
}
Ranker = Callable[[str], list[tuple[str, float]]]
_WORD = re.compile(r"\w")
_CJK = re.compile(r"[\u4e00-\u9fff]+|[^\W\u4e00-\u9fff]+")


def jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut_for_search(text) if _WORD.search(t)]


def bigram_tokens(text: str) -> list[str]:
    """CJK runs as overlapping bigrams (a single character alone), other words whole, lower-cased."""
    tokens: list[str] = []
    for piece in _CJK.findall(text.lower()):
        if "\u4e00" <= piece[0] <= "\u9fff":
            tokens.extend([piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)])
        else:
            tokens.append(piece)
    return tokens


def rank_bm25_ranker(ids: Sequence[str], texts: Sequence[str]) -> Ranker:
    from rank_bm25 import BM25Okapi

    model = BM25Okapi([jieba_tokens(t) or ["\x00"] for t in texts])

    def rank(query: str) -> list[tuple[str, float]]:
        scores = model.get_scores(jieba_tokens(query))
        order = sorted((i for i in range(len(ids)) if scores[i] > 0), key=lambda i: -scores[i])
        return [(ids[i], float(scores[i])) for i in order[:DEPTH]]

    return rank


def bm25s_ranker(ids: Sequence[str], texts: Sequence[str]) -> Ranker:
    import bm25s

    corpus = [jieba_tokens(t) or ["\x00"] for t in texts]
    vocab = {tok: n for n, tok in enumerate(sorted({t for doc in corpus for t in doc}))}
    model = bm25s.BM25()
    model.index(bm25s.tokenization.Tokenized(ids=[[vocab[t] for t in doc] for doc in corpus], vocab=vocab), show_progress=False)

    def rank(query: str) -> list[tuple[str, float]]:
        known = [vocab[t] for t in jieba_tokens(query) if t in vocab]
        if not known:
            return []
        scores = model.get_scores(known)
        order = sorted((i for i in range(len(ids)) if scores[i] > 0), key=lambda i: -scores[i])
        return [(ids[i], float(scores[i])) for i in order[:DEPTH]]

    return rank


def tantivy_ranker(ids: Sequence[str], texts: Sequence[str], tokens: Callable[[str], list[str]], folder: Path) -> Ranker:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("n", stored=True)
    builder.add_text_field("body", stored=False)
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer()
    for n, text in enumerate(texts):
        writer.add_document(tantivy.Document(n=n, body=" ".join(tokens(text))))
    writer.commit()
    index.reload()
    searcher = index.searcher()

    def rank(query: str) -> list[tuple[str, float]]:
        words = [re.sub(r"[^\w]", "", t) for t in tokens(query)]
        words = [w for w in words if w]
        if not words:
            return []
        parsed = index.parse_query(" OR ".join(f'"{w}"' for w in words), ["body"])
        hits = searcher.search(parsed, DEPTH).hits
        return [(ids[searcher.doc(address)["n"][0]], score) for score, address in hits]

    return rank


def rankers(catalog: Catalog, index: Index, tmp: Path) -> dict[str, Ranker]:
    """Every peer and carbon, each over the passages of ``index``."""
    passages = index.passages()
    ids, texts = [p.id for p in passages], [" ".join([*p.section, p.text]) for p in passages]
    return {
        "jieba + rank-bm25 (BM25Okapi)": rank_bm25_ranker(ids, texts),
        "bm25s (jieba tokens)": bm25s_ranker(ids, texts),
        "tantivy (jieba tokens)": tantivy_ranker(ids, texts, jieba_tokens, _fresh(tmp, "jieba")),
        "tantivy (CJK bigrams, as Elasticsearch cjk)": tantivy_ranker(ids, texts, bigram_tokens, _fresh(tmp, "bigram")),
        "carbon": searcher_ranker(Searcher(index, catalog.pipeline)),
    }


def reports(path: Path, tmp: Path) -> dict[str, Report]:
    judged = load_judgments(path)
    with eval_index(corpus=judged_corpus(path)) as (catalog, index):
        return {name: run(judged, ranker) for name, ranker in rankers(catalog, index, tmp).items()}


def _fresh(tmp: Path, name: str) -> Path:
    folder = tmp / f"{name}-{len(list(tmp.iterdir()))}"
    folder.mkdir()
    return folder


def table(name: str, results: dict[str, Report]) -> str:
    categories = list(next(iter(results.values())).categories)
    head = ["peer", *categories, "MRR@10", "nDCG@10", "top-1"]
    lines = [f"**{name}** (MRR@10 per category, then overall)", "", "| " + " | ".join(head) + " |",
             "| --- |" + " ---: |" * (len(head) - 1)]
    for peer, report in results.items():
        cells = [f"{report.categories[c]['mrr@10']:.3f}" for c in categories]
        cells += [f"{report.overall[m]:.3f}" for m in ("mrr@10", "ndcg@10", "top1")]
        lines.append(f"| {peer} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="carbon-peers-") as tmp:
        for name, path in SETS.items():
            results = reports(path, Path(tmp))
            print(table(name, results) + "\n")
            out[name] = {peer: {"overall": r.overall, "categories": r.categories} for peer, r in results.items()}
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
