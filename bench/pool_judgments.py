"""Pool the library sets' unjudged results for judging, as TREC pools its runs.

A set judged by reading each document finds most answers, but a reader working
through one document misses the passages of another that answer as well (智能光伏
judged in the peak action plan only, while the industry plan has a whole action on
it). Every such passage counts as irrelevant, for carbon and for every peer alike.
This script takes the top ``--depth`` passages of carbon and of every peer of
``bench/peers.py`` for each query of the library sets, drops those already judged,
and writes the rest (the pool) with their full text and place, in passage-id order so
the reader cannot tell which system returned a passage::

    python bench/pool_judgments.py --out pool.tsv              # both library sets
    python bench/pool_judgments.py --set library-holdout --out pool.tsv

Columns: ``qid, query, passage_id, place, text``. A reader grades each row by the
rules of ``tests/eval/README.md`` (2 answers, 1 partly, 0 not); ``--add FILE`` reads
graded rows (``qid<TAB>passage_id<TAB>grade``) back and appends every grade above 0
to the set's draft as a snippet item, so ``bench/resolve_judgments.py`` resolves it
like the rest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from carbon_cli.evaluate import eval_index, judged_corpus, load_judgments  # noqa: E402
from peers import rankers  # noqa: E402

SETS = {
    "library": (ROOT / "data" / "judgments_library.tsv", ROOT / "tests" / "eval" / "library_draft.tsv"),
    "library-holdout": (ROOT / "data" / "judgments_library_holdout.tsv",
                        ROOT / "tests" / "eval" / "library_holdout_draft.tsv"),
}
SNIPPET = 18  # characters of a snippet; longer when that many are not unique in the document


def _clean(text: str) -> str:
    return " ".join(text.split())


def pool(set_names: list[str], depth: int, out: Path) -> int:
    rows: list[str] = []
    for name in set_names:
        judged_path, _ = SETS[name]
        judged = load_judgments(judged_path)
        with tempfile.TemporaryDirectory(prefix="carbon-pool-") as tmp, \
                eval_index(corpus=judged_corpus(judged_path)) as (catalog, index):
            passages = {p.id: p for p in index.passages()}
            systems = list(rankers(catalog, index, Path(tmp)).values())
            for item in judged:
                found = {pid for rank in systems for pid, _ in rank(item.query)[:depth]}
                for pid in sorted(found - set(item.relevant)):
                    p = passages[pid]
                    place = " › ".join([p.doc, *p.section])
                    rows.append("\t".join([item.qid, item.query, pid, _clean(place), _clean(p.text)]))
    out.write_text("qid\tquery\tpassage_id\tplace\ttext\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} unjudged passages pooled into {out}", file=sys.stderr)
    return 0


def _snippet(text: str, others: list[str]) -> str | None:
    """A stretch of ``text`` found in no other passage of its document, whitespace-free."""
    for size in (SNIPPET, 30, 45):
        for start in range(0, max(1, len(text) - size + 1), 3):
            piece = text[start:start + size]
            if len(piece) < min(size, len(text)) or any(c.isspace() for c in piece) or "|" in piece or ";" in piece:
                continue
            if not any(piece in other for other in others):
                return piece
    return None


def add(set_name: str, graded: Path) -> int:
    judged_path, draft = SETS[set_name]
    with eval_index(corpus=judged_corpus(judged_path)) as (_, index):
        passages = {p.id: p for p in index.passages()}
    by_doc: dict[str, list[str]] = {}
    for p in passages.values():
        by_doc.setdefault(p.doc, []).append(p.text)
    items: dict[str, list[str]] = {}
    problems = 0
    for line in graded.read_text(encoding="utf-8").splitlines():
        qid, pid, grade = line.split("\t")[:3]
        if not grade.strip().isdigit() or int(grade) == 0 or pid not in passages:
            continue
        doc = passages[pid].doc
        if doc == "qa" or doc.startswith("news-"):
            items.setdefault(qid, []).append(f"{pid}|{int(grade)}")
            continue
        text = passages[pid].text
        snippet = _snippet(text, [t for t in by_doc[doc] if t != text])
        if snippet is None:
            print(f"{qid} {pid}: no unique snippet", file=sys.stderr)
            problems += 1
            continue
        items.setdefault(qid, []).append(f"{doc}|{snippet}|{int(grade)}")
    lines = draft.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        qid = line.split("\t", 1)[0]
        if qid in items:
            lines[i] = line + ";" + ";".join(items.pop(qid))
    draft.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{set_name}: grades added to {draft}; unknown queries: {sorted(items)}", file=sys.stderr)
    return 1 if problems or items else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=[*SETS, "both"], default="both")
    parser.add_argument("--depth", type=int, default=10)
    parser.add_argument("--out", type=Path, help="write the pool here")
    parser.add_argument("--add", type=Path, help="append the graded rows of this file to the set's draft")
    args = parser.parse_args()
    if args.add:
        if args.set == "both":
            parser.error("--add needs --set library or --set library-holdout")
        return add(args.set, args.add)
    if not args.out:
        parser.error("--out or --add is needed")
    return pool(list(SETS) if args.set == "both" else [args.set], args.depth, args.out)


if __name__ == "__main__":
    sys.exit(main())
