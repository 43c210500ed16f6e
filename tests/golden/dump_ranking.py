"""Write the ranker's top ten for every judged query, scores to the last bit.

The corpus is the evaluation index (the seed and the two real documents of
``data/eval_corpus/``, built as ``carbon eval`` builds it); the queries are every
query of ``data/judgments*.tsv`` and ``tests/eval/*.tsv``, in file order. Each line
is ``file, qid, query, rank, passage id, repr(score)``: ``repr`` of a float is the
shortest string that reads back to the same bits, so a change in the last bit of a
score changes this file. ``tests/test_golden.py`` checks the code against it; a
change of ranking that is meant regenerates it:

    python tests/golden/dump_ranking.py > tests/golden/ranking.tsv
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli.evaluate import eval_index  # noqa: E402
from carbon_cli.search import Searcher  # noqa: E402

DEPTH = 10
HEADER = ("file", "qid", "query", "rank", "passage", "score")


def query_files() -> list[Path]:
    """The judged query sets, shipped and draft."""
    return sorted((ROOT / "data").glob("judgments*.tsv")) + sorted((ROOT / "tests" / "eval").glob("*.tsv"))


def queries() -> Iterator[tuple[str, str, str]]:
    """``(file, qid, query)`` for every query of every judged set."""
    for path in query_files():
        with path.open(encoding="utf-8", newline="") as handle:
            rows = (line for line in handle if line.strip() and not line.startswith("#"))
            for row in csv.DictReader(rows, delimiter="\t"):
                yield str(path.relative_to(ROOT)), row["qid"], row["query"]


def rows(cache: Path | None = None) -> Iterator[tuple[str, ...]]:
    """One row per hit of the top ten of each query."""
    with eval_index(cache) as (catalog, index):
        searcher = Searcher(index, catalog.pipeline)
        for name, qid, query in queries():
            for hit in searcher.search(query, limit=DEPTH).hits:
                yield name, qid, query, str(hit.rank), hit.passage.id, repr(hit.score)


def dump(cache: Path | None = None) -> str:
    lines = ["\t".join(HEADER)] + ["\t".join(row) for row in rows(cache)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dump())
