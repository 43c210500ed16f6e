"""The section words (``data/section_words.tsv``) as the patterns the kinds pass asks.

A heading's title is read in the matching form every text gets (``text.Normaliser``:
NFKC, lower case, OpenCC's traditional-to-simplified), so ``組織實施`` and ``原則``
name their sections as ``组织实施`` and ``原则`` do.
"""

from __future__ import annotations

import re
from functools import lru_cache

from carbon_cli.section_words import EITHER, GAP, SectionWord, section_words
from carbon_cli.text import Normaliser, traditional_chars

_ANY_GAP = ".{0,30}"
_BOOK_GAP = "[^》]{1,40}"
_NAME_PREFIX = ".{0,4}"  # （一）基本原则 is the section's own name after at most this


@lru_cache(maxsize=1)
def _normaliser() -> Normaliser:
    return Normaliser(traditional_chars())


@lru_cache(maxsize=1 << 16)  # every line of the longest text allowed (readers.MAX_LINES)
def fold(s: str) -> str:
    """``s`` in the matching form of every text (see ``carbon_cli/text.py``)."""
    return _normaliser().normalise(s)


def _word_pattern(word: str) -> str:
    """A word of the table as a pattern: ``…`` a gap, ``a/b`` either part."""
    parts = [fold(part) for part in word.split(GAP)]
    out = []
    for k, part in enumerate(parts):
        if k:
            out.append(_BOOK_GAP if parts[k - 1].endswith("《") else _ANY_GAP)
        out.append("(?:" + "|".join(re.escape(a) for a in part.split(EITHER)) + ")")
    return "".join(out)


def _placed(row: SectionWord, nots: list[str]) -> str:
    """The row's pattern where its match column puts it; a ``not`` word that ends in it
    (总体工作要求 for 工作要求) keeps it from matching there."""
    pattern = _word_pattern(row.word)
    for longer in nots:
        word = fold(row.word)
        if longer.endswith(word) and longer != word:
            pattern = f"(?<!{re.escape(longer[: -len(word)])})" + pattern
    return {"in": pattern, "end": pattern + "$", "whole": f"^{pattern}$"}[row.match]


def _union(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(patterns)) if patterns else None


# What the table says of a kind, as patterns on a folded title or paragraph:
#   heading  a title that names such a section
#   plain    ...whose plain paragraphs are items
#   name     a title that is the section's own name
#   lead     a paragraph's end that opens items of the kind (坚持以下原则：)
#   items    the start of the titles of a run of items of the kind (坚持…)
RULES = ("heading", "plain", "name", "lead", "items")


@lru_cache(maxsize=4)
def rules(kind: str) -> dict[str, re.Pattern[str] | None]:
    rows = [row for row in section_words() if row.kind == kind]
    nots = [fold(row.word) for row in rows if row.match == "not"]
    placed = [(row, _placed(row, nots)) for row in rows if row.match not in ("not", "items")]
    return {
        "heading": _union([p for _, p in placed]),
        "plain": _union([p for row, p in placed if "plain" in row.flags]),
        "name": _union([f"^{_NAME_PREFIX}{_word_pattern(row.word)}$" for row, _ in placed if "name" in row.flags]),
        "lead": _union([_word_pattern(row.word) + "[：:]$" for row, _ in placed if "lead" in row.flags]),
        "items": _union(["^" + _word_pattern(row.word) for row in rows if row.match == "items"]),
    }


def fits(kind: str, rule: str, text: str) -> bool:
    """Whether ``text``, folded, fits the table's ``rule`` (one of ``RULES``) for ``kind``:
    ``fits("guarantee", "heading", "五、保障措施")``."""
    rx = rules(kind)[rule]
    return bool(rx and rx.search(fold(text)))
