"""The shapes every module agrees on: documents, their passages, and read sources.

Kept free of heavy imports: the warm search path loads this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The kinds of item a plan is read for (``carbon actions``, ``principles``,
# ``guarantees``): a passage under one carries it too (``indexing.semantic_kinds``).
SEMANTIC_KINDS = ("principle", "action", "guarantee")
# An HTML line break a Markdown capture of a page keeps in its text (``<br>``, ``<br />``):
# the outline breaks lines at it, and the terminal shows it as spaces.
HTML_BREAK = r"<br[ \t]*/?>"


@dataclass(frozen=True)
class Passage:
    """One retrievable unit of a document, with its place in the outline.

    ``start``/``end`` are character offsets into the *source text* the document
    was parsed from (for the shipped seed file, the whole file), so
    ``source[start:end] == text`` always holds.
    """

    id: str  # stable and readable, e.g. "qa/action/4"
    doc: str  # document id, e.g. "qa"
    kind: str  # intro, question, answer, principle, action, guarantee, heading, paragraph ...
    number: int | None  # ordinal where enumerated (action 4 -> 4), else None
    label: str  # the ordinal as written ("四是", "（三十四）", "——"), or ""
    title: str  # short title ("负碳及非二氧化碳温室气体减排技术能力提升行动"), or ""
    parent: str | None  # id of the heading passage this one sits under
    section: tuple[str, ...]  # titles of the enclosing headings, outermost first
    start: int
    end: int
    text: str


# A passage as JSON output and export write it, in this order.
PASSAGE_FIELDS = ("id", "doc", "kind", "number", "label", "title", "section", "parent", "start", "end", "text")


def passage_row(passage: Passage) -> dict[str, Any]:
    """Every field of a passage, in ``PASSAGE_FIELDS`` order; ``section`` a list."""
    row: dict[str, Any] = {name: getattr(passage, name) for name in PASSAGE_FIELDS}
    row["section"] = list(passage.section)
    return row


_TITLE_LINE_TRIM = "。．.；;：:，, \t\u3000"
_MARKDOWN_HEADING = re.compile(r"\s*#{1,6}[ \t]+")


def bare_text(passage: Passage) -> str:
    """A passage's text without surrounding space and the marks of a Markdown heading
    (``### 第三节 建筑节能``), which the text keeps so that offsets stay those of the
    source: a Markdown heading is as bare a title as a plain one."""
    text = passage.text.strip()
    marks = _MARKDOWN_HEADING.match(text)
    return text[marks.end() :] if marks else text


def title_line(passage: Passage) -> bool:
    """Whether a passage is nothing but its label and title, as a one-line item heading
    (（十七）鼓励地方先行先试。): it frames the paragraph below it, as a heading does."""
    if not passage.title:
        return False
    text = bare_text(passage)
    if passage.label and text.startswith(passage.label):
        text = text[len(passage.label) :]
    return text.strip(_TITLE_LINE_TRIM) == passage.title.strip(_TITLE_LINE_TRIM)


@dataclass
class Document:
    """A parsed document: its passages in reading order and its page metadata."""

    id: str
    title: str
    start: int  # span of this document inside its source text
    end: int
    passages: list[Passage] = field(default_factory=list)
    truncated: bool = False  # a teaser cut off with "......"
    meta: dict[str, str] = field(default_factory=dict)  # 文号, 发布时间, 来源, 索引号 ...


@dataclass(frozen=True)
class SourceText:
    """Text read from a file, with how it was decoded."""

    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "big5" ...
    format: str  # "text", "markdown", "html", "docx", "pdf"


class CarbonError(Exception):
    """A failure the user can act on: shown as one line on stderr, exit code 2."""


# Bounds of the commands' numeric options: past them a command would only write more
# than anyone reads (kwic --width 100000000 wrote 400 MB), or overflow.
MAX_RESULTS = 1000  # search --limit, keywords/stats --top
MAX_CONTEXT_CELLS = 500  # kwic --width, on each side
MAX_ITEM_NUMBER = 100_000  # actions/principles/guarantees N
