"""Resolve the draft judgments to passage ids: ``tests/eval/judgments_draft.tsv`` -> ``data/judgments.tsv``.

The draft names a fixture passage by a snippet copied verbatim from it
(``doc_id|snippet|grade``) and a seed passage by its fixed id (``passage_id|grade``).
This script parses the seed and the two fixtures with the project's outline parser,
maps each snippet to the one passage whose text contains it, and writes
``qid<TAB>category<TAB>query<TAB>relevant`` with ``passage_id:grade`` items
separated by ``;``. Queries, categories and grades are copied unchanged.

Problems are reported on stderr and make the exit code 1: a snippet found in no
passage (or in several), a snippet that lands on a heading instead of a body
passage, a seed id the parser does not produce, two items that resolve to the same
passage. Run from the repository root::

    python bench/resolve_judgments.py            # writes data/judgments.tsv
    python bench/resolve_judgments.py --check    # only report
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli.outline import parse_documents  # noqa: E402

DRAFT = ROOT / "tests" / "eval" / "judgments_draft.tsv"
OUT = ROOT / "data" / "judgments.tsv"
SEED = ROOT / "seeds" / "000_2c374d999f13170b.txt"
FIXTURES = {
    "cpc-sc-dual-carbon-opinions-2021": ROOT / "tests" / "fixtures" / "cpc_sc_dual_carbon_opinions_2021.txt",
    "ndrc-nea-new-energy-storage-guidance-2021": ROOT / "tests" / "fixtures" / "ndrc_nea_new_energy_storage_guidance_2021.txt",
}
HEADING_KINDS = {"heading", "title"}
HEADER = "qid\tcategory\tquery\trelevant"


def corpus_passages() -> dict[str, list]:
    """doc id -> passages, for the seed (Q&A and teasers) and the fixtures."""
    by_doc: dict[str, list] = {}
    for doc in parse_documents(SEED.read_text(encoding="utf-8"), "qa", teaser_prefix="news"):
        by_doc[doc.id] = doc.passages
    for doc_id, path in FIXTURES.items():
        for doc in parse_documents(path.read_text(encoding="utf-8"), doc_id):
            by_doc[doc.id] = doc.passages
    return by_doc


def resolve(draft: Path) -> tuple[list[list[str]], list[str]]:
    by_doc = corpus_passages()
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
                if found[0].kind in HEADING_KINDS:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report problems, write nothing")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows, problems = resolve(DRAFT)
    for problem in problems:
        sys.stderr.write(f"resolve: {problem}\n")
    if not args.check:
        args.out.write_text("\n".join([HEADER, *("\t".join(r) for r in rows)]) + "\n", encoding="utf-8")
        sys.stderr.write(f"resolve: wrote {len(rows)} queries to {args.out}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
