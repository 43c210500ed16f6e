"""Passages that rarely answer a topic query, marked when a document is indexed.

Each rule is measured on the judged sets (``docs/ranking.md``, "Passage priors"); a
passage's prior is the product of the factors of the rules it meets, and ranking
multiplies its score by it (``scoring.Scorer.priors``):

- **a cut fragment**: a paragraph that starts where the previous passage stopped
  mid-sentence, as a PDF's text layer or a careless copy cuts them
  (``年度\\n碳排放配额总量及分配方案…``): the passage holding the sentence's start
  names the matter, the fragment only continues it;
- **a table of contents entry** (``四、基本原则………… 6``): a title with dot leaders
  and a page number, which names a section and holds none of it;
- **a note of who is responsible** (``（省发展改革委、省工业和信息化厅等按职责分工负责）``),
  a paragraph of its own under a task: it names the departments, not the matter;
- **a bare page number** (``25``), the printed number of a PDF's page left between two
  paragraphs: it holds no word of its own, only the headings above it.

A heading line is no sentence: a paragraph below 一、工作原则 starts nothing anew.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Passage, title_line
from .text import HAN

FRAGMENT_PRIOR = 0.5
CONTENTS_PRIOR = 0.3
RESPONSIBILITY_PRIOR = 0.3
PAGE_NUMBER_PRIOR = 0.3
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")  # 43.4, 2.8% and 〔-7.0〕 are a table's cells, not pages
_RESPONSIBLE = re.compile(r"^[（(][^（）()]{2,300}(?:负责|牵头|参与|配合)[）)]?$")
_LEADERS = re.compile(r"(?:\.{4,}|…{3,}|·{4,})\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$", re.I)  # then a page number
_SENTENCE_END = tuple("。！？；!?;：:）)」”…")
_CONTINUED_KINDS = ("paragraph", "item", "principle", "action", "guarantee")


def passage_priors(passages: Sequence[Passage]) -> dict[str, float]:
    """Passage id -> its prior, for the passages of one document (in reading order)
    whose prior is not 1."""
    found: dict[str, float] = {}
    previous: Passage | None = None
    for passage in passages:
        factor = 1.0
        starts_anew = bool(passage.label)  # 第八十二条, （三）, 1. open something, whatever came before
        if passage.kind in _CONTINUED_KINDS and not starts_anew and previous is not None and _cut_before(previous):
            factor *= FRAGMENT_PRIOR
        if _LEADERS.search(passage.text.strip()):
            factor *= CONTENTS_PRIOR
        if _RESPONSIBLE.match(passage.text.strip()):
            factor *= RESPONSIBILITY_PRIOR
        if _PAGE_NUMBER.match(passage.text.strip()):
            factor *= PAGE_NUMBER_PRIOR
        if factor != 1.0:
            found[passage.id] = factor
        if HAN.search(passage.text):  # a page number line (14, — 5 —) cuts no sentence
            previous = passage
    return found


def _cut_before(previous: Passage) -> bool:
    """Whether the passage before stops mid-sentence: a paragraph, or a heading that
    carries text beyond its title, not ending a sentence."""
    if previous.kind not in _CONTINUED_KINDS and (previous.kind != "heading" or title_line(previous)):
        return False
    text = previous.text.rstrip()
    return bool(text) and not text.endswith(_SENTENCE_END)
