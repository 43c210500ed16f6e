"""What a passage is indexed under: its words, the headings above it, its semantic kind.

The index stores (``index.py``) and the scorer reads (``scoring.py``) what this
module decides: a passage's terms are the words of its text, the words of the
titles of the headings it sits under (the principles under 工作原则 are found by
工作原则) and, for a passage of a semantic kind or under one, the term
``kind:<kind>`` (``kind_term``), which no text can yield. ``count_terms`` turns a
document's passages into what the writer inserts: term frequencies, lengths and
each text's matching form.

A passage is also indexed under the vocabulary's expansions of several words that
occur in it as written (``Phrases``): 碳捕集利用与封存 is the terms 碳, 捕集, 利用 and
封存, and only the text tells whether they stand side by side. Found once when the
passage is indexed, that is one short list per expansion, read in place of the
passages of its common words and their texts at every query.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from .model import SEMANTIC_KINDS, Passage
from .text import Pipeline


def unique_ids(passages: Iterable[Passage]) -> list[Passage]:
    """Passage ids are unique by design; a repeated one still must not lose text."""
    seen: set[str] = set()
    out = []
    for passage in passages:
        pid, n = passage.id, 2
        while pid in seen:
            pid, n = f"{passage.id}~{n}", n + 1
        seen.add(pid)
        out.append(passage if pid == passage.id else _with_id(passage, pid))
    return out


def _with_id(passage: Passage, new_id: str) -> Passage:
    return replace(passage, id=new_id)


def passage_terms(
    pipeline: Pipeline, passage: Passage, *, bulk: bool = False, kind: str | None = None, normalised: str | None = None
) -> list[str]:
    """What a passage is indexed under: its own words, the titles of the headings above
    it (the principles under 工作原则 are found by 工作原则), and its semantic kind.

    ``kind`` is the semantic kind the passage carries (see ``semantic_kinds``); left
    out, the passage's own kind is used. ``normalised``: the text's matching form, if
    the caller has it already.
    """
    if normalised is None:
        terms = pipeline.terms(passage.text, bulk=bulk)
    else:
        terms = pipeline.segment(normalised, bulk=bulk)
    if passage.section:
        terms.extend(pipeline.terms(" ".join(passage.section), bulk=bulk))
    kind = kind or passage.kind
    if kind in SEMANTIC_KINDS:
        terms.append(kind_term(kind))
    return terms


def semantic_kinds(passages: Sequence[Passage]) -> dict[str, str]:
    """Passage id -> the semantic kind it carries: its own, or its nearest semantic ancestor's.

    A safeguard is often a one-line item (（十五）加强组织领导工作。) whose body is the
    paragraph below it; the body is the safeguard, so it must be found by 保障措施 too.
    """
    parents = {p.id: p.parent for p in passages}
    kinds = {p.id: p.kind for p in passages}
    carried: dict[str, str] = {}
    for passage in passages:
        at: str | None = passage.id
        seen: set[str] = set()
        while at is not None and at in kinds and at not in seen:
            seen.add(at)
            if kinds[at] in SEMANTIC_KINDS:
                carried[passage.id] = kinds[at]
                break
            at = parents[at]
    return carried


def kind_term(kind: str) -> str:
    """The index term every passage of a semantic kind carries; no text can yield it,
    since segmentation always splits at the colon."""
    return f"kind:{kind}"


# term -> frequency, the passage's length in terms, and its text's matching form (phrases
# and expansions are looked for in it: normalising the texts of a common word's hits at
# query time would cost more than the search, docs/performance.md)
PassageCounts = tuple[dict[str, int], int, str]


def count_terms(pipeline: Pipeline, passages: Sequence[Passage], *, bulk: bool = False) -> list[PassageCounts]:
    """Each passage's term frequencies and length: all the index stores of its words.

    Counts, not term lists, are what a worker process hands back in a parallel
    build: a passage's distinct terms are fewer than its words.
    """
    counted = []
    passages = unique_ids(passages)  # as the writer stores them: kinds are carried by id
    carried = semantic_kinds(passages)
    for passage in passages:
        norm = pipeline.normaliser.normalise(passage.text)
        terms = passage_terms(pipeline, passage, bulk=bulk, kind=carried.get(passage.id), normalised=norm)
        counted.append((dict(Counter(terms)), len(terms), norm))
    return counted


_RUN_GAPS = re.compile(r"[ \t\u3000、“”‘’\"'「」『』]")


def run_text(normalised: str) -> str:
    """Text in which words written side by side are adjacent: spaces, enumeration
    commas and quotes removed (碳达峰、碳中和 holds the run 碳达峰碳中和); line breaks
    stay, so a passage's text and its headings never run into each other."""
    return _RUN_GAPS.sub("", normalised)


def matching_text(norm: str, titles: Iterable[str]) -> str:
    """Where an expansion must occur as written: a passage's matching form and the
    matching forms of its headings' titles, each on a line of its own (国家 … 发展 …
    委员会 is not 国家发展和改革委员会). One definition for the index and the scorer."""
    return run_text(norm + "".join("\n" + title for title in titles))


class Phrases:
    """The expansions of several words an index records where they occur as written.

    Each phrase has an anchor, one of its index terms (the rarest in jieba's
    dictionary): a passage can hold the phrase only if it holds that term, so a passage
    is checked only for the phrases anchored at its own terms, a few dictionary
    look-ups per passage, and its text made only when one is left to look for.
    """

    def __init__(self, phrases: Iterable[tuple[int, str, str]]) -> None:
        self.by_anchor: dict[str, list[tuple[int, str]]] = {}
        for wid, phrase, anchor in phrases:
            self.by_anchor.setdefault(anchor, []).append((wid, phrase))

    def found(self, terms: Iterable[str], text: Callable[[], str]) -> list[int]:
        """The ids of the phrases that occur in ``text()`` (a ``matching_text``, made
        only for a passage holding an anchor), among those anchored at ``terms``, the
        passage's index terms."""
        by_anchor = self.by_anchor
        candidates = [pair for term in terms if term in by_anchor for pair in by_anchor[term]]
        if not candidates:
            return []
        written = text()
        return [wid for wid, phrase in candidates if phrase in written]
