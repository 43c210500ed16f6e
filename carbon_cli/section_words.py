"""The table of section words, ``data/section_words.tsv``: which headings name a section
of principles or of safeguards, and which query words ask for its items.

Read by the outline parser (``carbon_cli/outline/sections.py`` turns the rows into its
patterns) and by the query vocabulary (``vocabulary.py``). Kept free of heavy imports:
the warm search path loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .resources import data_file

FILE = "section_words.tsv"
KINDS = ("principle", "guarantee")
MATCHES = ("in", "end", "whole", "not")
FLAGS = frozenset({"plain", "name", "lead", "query"})
GAP = "…"  # up to 30 other characters, or a book title between 《 and 》
EITHER = "/"


@dataclass(frozen=True)
class SectionWord:
    """One row: a word of ``kind`` that stands in a heading as ``match`` says."""

    kind: str
    match: str
    word: str
    flags: frozenset[str]

    def alternatives(self) -> list[str]:
        """The literal words a row stands for, when it has no gap (抓好落实/推动落实)."""
        return [] if GAP in self.word else self.word.split(EITHER)


def _row(line: str) -> SectionWord:
    cells = [cell.strip() for cell in line.split("\t")]
    if len(cells) != 4 or cells[0] not in KINDS or cells[1] not in MATCHES or not cells[2]:
        raise ValueError(f"{FILE}: not a row of kind, match, word, flags: {line!r}")
    flags = frozenset() if cells[3] == "-" else frozenset(cells[3].split(","))
    if not flags <= FLAGS:
        raise ValueError(f"{FILE}: unknown flags {sorted(flags - FLAGS)} in {line!r}")
    return SectionWord(cells[0], cells[1], cells[2], flags)


@lru_cache(maxsize=1)
def section_words() -> tuple[SectionWord, ...]:
    """Every row of the table, in its order."""
    lines = data_file(FILE).read_text(encoding="utf-8").splitlines()
    return tuple(_row(line) for line in lines if line.strip() and not line.lstrip().startswith("#"))


def query_words() -> list[tuple[str, str]]:
    """(word, kind) for the words a query uses for a kind's items: 保障措施 asks for guarantees."""
    return [(word, row.kind) for row in section_words() if "query" in row.flags for word in row.alternatives()]
