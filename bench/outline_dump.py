"""The golden dump of the outline: every passage of every fixture and of the seed.

Each document is read as ``carbon add`` reads it (``readers.read_file``) and parsed
with ``parse_documents``; the dump holds, per document, one line with its id and
title, then one line per passage: id, kind, title and section path (titles of the
enclosing headings joined by `` › ``), TAB-separated. ``tests/test_outline_golden.py``
checks that the parser's output equals ``tests/golden/outline.txt``; a change of the
parser's behaviour shows up as a diff of that file, reviewed in the commit that
makes it.

Regenerate after a reviewed change::

    .venv/bin/python bench/outline_dump.py --write
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from carbon_cli.catalog import seed_record
from carbon_cli.model import Document
from carbon_cli.outline import parse_documents
from carbon_cli.readers import SUPPORTED_SUFFIXES, read_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden" / "outline.txt"
NOT_DOCUMENTS = ("expected",)  # folders under tests/fixtures that hold no documents


def fixture_files() -> list[Path]:
    """Every document under tests/fixtures, recursively, in a stable order.

    The expected views (``expected/*.json``) and the provenance notes
    (``SOURCES*.md``) describe documents; they are not documents.
    """
    out = []
    for path in sorted(FIXTURES.rglob("*")):
        rel = path.relative_to(FIXTURES)
        if not path.is_file() or rel.parts[0] in NOT_DOCUMENTS or path.name.startswith("SOURCES"):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES or not path.suffix:
            out.append(path)
    return out


def parsed() -> Iterator[tuple[str, list[Document]]]:
    """(name, documents) for the seed (as the index parses it) and every fixture file."""
    yield "seed", seed_record().documents()
    for path in fixture_files():
        yield path.relative_to(FIXTURES).as_posix(), parse_documents(read_file(path).text, "doc")


def dump_lines(name: str, docs: list[Document]) -> list[str]:
    """The dump of one file: a ``#`` line per document, then one line per passage."""
    out: list[str] = []
    for doc in docs:
        out.append(f"# {name}\t{doc.id}\t{doc.title}")
        for p in doc.passages:
            out.append(f"{p.id}\t{p.kind}\t{p.title}\t{' › '.join(p.section)}")
    return out


def dump() -> str:
    """The whole dump: the seed, then every fixture file."""
    lines = [line for name, docs in parsed() for line in dump_lines(name, docs)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {GOLDEN.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    text = dump()
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
