"""Passages that rarely answer a topic query, marked when a document is indexed.

Each rule is measured on the judged sets (``docs/ranking.md``, "Passage priors"); a
passage's prior is the product of the factors of the rules it meets, and ranking
multiplies its score by it (``scoring.Scorer.priors``):

- **a cut fragment**: a paragraph that starts where the previous passage stopped
  mid-sentence, as a PDF's text layer or a careless copy cuts them
  (``年度\\n碳排放配额总量及分配方案…``): the passage holding the sentence's start
  names the matter, the fragment only continues it;

A heading line is no sentence: a paragraph below 一、工作原则 starts nothing anew.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Passage, title_line

FRAGMENT_PRIOR = 0.5
_SENTENCE_END = tuple("。！？；!?;：:）)」”…")
_CONTINUED_KINDS = ("paragraph",)


def passage_priors(passages: Sequence[Passage]) -> dict[str, float]:
    """Passage id -> its prior, for the passages of one document (in reading order)
    whose prior is not 1."""
    found: dict[str, float] = {}
    previous: Passage | None = None
    for passage in passages:
        factor = 1.0
        if passage.kind in _CONTINUED_KINDS and previous is not None and _cut_before(previous):
            factor *= FRAGMENT_PRIOR
        if factor != 1.0:
            found[passage.id] = factor
        previous = passage
    return found


def _cut_before(previous: Passage) -> bool:
    """Whether the passage before stops mid-sentence: a paragraph, or a heading that
    carries text beyond its title, not ending a sentence."""
    if previous.kind not in _CONTINUED_KINDS and (previous.kind != "heading" or title_line(previous)):
        return False
    text = previous.text.rstrip()
    return bool(text) and not text.endswith(_SENTENCE_END)
