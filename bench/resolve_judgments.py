"""Resolve the draft judgments to passage ids: ``tests/eval/*_draft.tsv`` -> ``data/judgments*.tsv``.

The draft names a fixture passage by a snippet copied verbatim from it
(``doc_id|snippet|grade``) and a seed passage by its fixed id (``passage_id|grade``).
This script reads the seed and the documents of the set's corpus folder the way
``carbon docs add`` does (``readers.read_file``, then the outline parser, ids from
the file names), maps each snippet to the one passage whose text contains it, so a
set survives changes of the parser's ids, and writes
``qid<TAB>category<TAB>query<TAB>relevant`` with ``passage_id:grade`` items
separated by ``;``. Queries, categories and grades are copied unchanged.

Problems are reported on stderr and make the exit code 1: a snippet found in no
passage (or in several), a snippet that lands on a heading instead of a body
passage, a seed id the parser does not produce, two items that resolve to the same
passage. Run from the repository root::

    python bench/resolve_judgments.py                          # writes data/judgments.tsv
    python bench/resolve_judgments.py --set library            # data/judgments_library.tsv
    python bench/resolve_judgments.py --set library-holdout    # data/judgments_library_holdout.tsv
    python bench/resolve_judgments.py --set all --check        # only report, every set

The library sets run over ``data/eval_library/`` (the two shared-corpus documents
and real documents of ``tests/fixtures/real/``); their resolved files name that
folder in a ``# corpus:`` line, which ``carbon eval`` reads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli.catalog import slug  # noqa: E402
from carbon_cli.outline import parse_documents  # noqa: E402
from carbon_cli.readers import read_file  # noqa: E402

EVAL = ROOT / "tests" / "eval"
DATA = ROOT / "data"
SEED = ROOT / "seeds" / "000_2c374d999f13170b.txt"
# set name -> (draft, resolved file, corpus folder under data/). The main set judges
# body passages only; in the library sets a heading passage may hold a whole article
# or item (第七条 …, （十）推进绿色低碳建造。大力发展…), so the passage that holds the
# snippet is judged whatever its kind.
SETS = {
    "main": (EVAL / "judgments_draft.tsv", DATA / "judgments.tsv", "eval_corpus"),
    "library": (EVAL / "library_draft.tsv", DATA / "judgments_library.tsv", "eval_library"),
    "library-holdout": (EVAL / "library_holdout_draft.tsv", DATA / "judgments_library_holdout.tsv", "eval_library"),
}
HEADING_KINDS = {"heading", "title"}
HEADER = "qid\tcategory\tquery\trelevant"


def corpus_passages(corpus: str) -> dict[str, list]:
    """doc id -> passages, for the seed (Q&A and teasers) and the documents of ``data/<corpus>/``."""
    by_doc: dict[str, list] = {}
    for doc in parse_documents(SEED.read_text(encoding="utf-8"), "qa", teaser_prefix="news"):
        by_doc[doc.id] = doc.passages
    for path in sorted((DATA / corpus).iterdir()):
        for doc in parse_documents(read_file(path).text, slug(path.name)):
            by_doc[doc.id] = doc.passages
    return by_doc


def resolve(draft: Path, corpus: str = "eval_corpus") -> tuple[list[list[str]], list[str]]:
    by_doc = corpus_passages(corpus)
    headings_judged = corpus != "eval_corpus"
    ids = {p.id: p for passages in by_doc.values() for p in passages}
    rows: list[list[str]] = []
    problems: list[str] = []
    lines = draft.read_text(encoding="utf-8").splitlines()
    if lines[0].strip() != HEADER:
        problems.append(f"unexpected header: {lines[0]!r}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        qid, category, query, relevant = line.split("\t")
        items: dict[str, int] = {}
        for item in filter(None, (i.strip() for i in relevant.split(";"))):
            parts = item.split("|")
            where = f"line {number} {qid}: {item!r}"
            if len(parts) == 2:
                pid, grade = parts
                if pid not in ids:
                    problems.append(f"{where}: no passage {pid}")
                    continue
            elif len(parts) == 3:
                doc_id, snippet, grade = parts
                found = [p for p in by_doc.get(doc_id, []) if snippet in p.text]
                if len(found) != 1:
                    problems.append(f"{where}: snippet in {len(found)} passages of {doc_id}")
                    continue
                pid = found[0].id
                if found[0].kind in HEADING_KINDS and not headings_judged:
                    problems.append(f"{where}: maps to {pid}, a {found[0].kind}, not a body passage")
            else:
                problems.append(f"{where}: not doc|snippet|grade or id|grade")
                continue
            if pid in items:
                problems.append(f"{where}: {pid} listed twice")
                continue
            items[pid] = int(grade)
        rows.append([qid, category, query, ";".join(f"{pid}:{grade}" for pid, grade in items.items())])
    return rows, problems


def write(rows: list[list[str]], out: Path, corpus: str) -> None:
    """The resolved set; a set over another corpus than the default names it first."""
    head = [HEADER] if corpus == "eval_corpus" else [f"# corpus: {corpus}", HEADER]
    out.write_text("\n".join([*head, *("\t".join(r) for r in rows)]) + "\n", encoding="utf-8")
    sys.stderr.write(f"resolve: wrote {len(rows)} queries to {out}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report problems, write nothing")
    parser.add_argument("--set", choices=[*SETS, "all"], default="main", help="which judged set (default: main)")
    args = parser.parse_args()
    failed = False
    for name in SETS if args.set == "all" else [args.set]:
        draft, out, corpus = SETS[name]
        rows, problems = resolve(draft, corpus)
        for problem in problems:
            sys.stderr.write(f"resolve: {name}: {problem}\n")
        failed = failed or bool(problems)
        if not args.check:
            write(rows, out, corpus)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
