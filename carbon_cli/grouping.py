"""Results per document: copies collapsed, hits counted and grouped by document, pages.

- ``collapse``: a passage whose text is the same as a better hit's (two copies of one
  document in a library, a reprint beside its original) is no second answer: it is
  folded into that hit, which names it (``also``).
- ``by_document``: the hits of each document, documents in the order of their best hit
  (``carbon search --group doc``), and ``files``: each document with its number of
  hits (``--files``, as ``rg -c``).
- ``page``: the hits from ``offset`` on, ``limit`` of them (``--offset``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .search import Hit

_NOT_TEXT = re.compile(r"[\W_]+")


@dataclass
class Group:
    doc: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # hits of the document among those ranked, before the per-document limit


def same_text_key(text: str) -> str:
    """What two copies of a passage share: the text without spaces and punctuation."""
    return _NOT_TEXT.sub("", text).lower()


def collapse(hits: Sequence[Hit]) -> list[Hit]:
    """The hits with every copy of a better hit's text folded into it, ranks renumbered."""
    kept: list[Hit] = []
    first: dict[str, Hit] = {}
    for hit in hits:
        key = same_text_key(hit.passage.text)
        better = first.get(key) if key else None
        if better is not None and better.passage.doc != hit.passage.doc:
            better.also.append(hit.passage.id)
            continue
        first.setdefault(key, hit)
        kept.append(hit)
    for rank, hit in enumerate(kept, start=1):
        hit.rank = rank
    return kept


def by_document(hits: Sequence[Hit], per_document: int) -> list[Group]:
    """Hits grouped by document, in the order of each document's best hit."""
    groups: dict[str, Group] = {}
    for hit in hits:
        group = groups.setdefault(hit.passage.doc, Group(hit.passage.doc))
        group.total += 1
        if len(group.hits) < per_document:
            group.hits.append(hit)
    return list(groups.values())


def files(hits: Sequence[Hit]) -> list[tuple[str, int]]:
    """(document, its number of hits), in the order of each document's best hit."""
    return [(group.doc, group.total) for group in by_document(hits, 0)]


def page(hits: Sequence[Hit], offset: int, limit: int) -> list[Hit]:
    return list(hits[offset : offset + limit])
