"""Document ids as people type them: whole, a unique prefix, or the start of its words.

Ids are slugs of file names (``ndrc-nea-new-energy-storage-guidance-2021``): readable,
but long. Wherever an id is taken, a shorter form that names one document is enough,
as git takes a commit's prefix:

- the id itself;
- a prefix of exactly one id (``ndrc-nea-new``);
- the start of some of its words, in order (``ndrc-nea-energy``, ``cpc-opinions``):
  each hyphenated part of what was typed begins a part of the id, later than the last.

A form that fits several ids is refused with the ones it fits; one that fits none gets
the nearest ids as a suggestion. A passage id's document part resolves the same way
(``cpc-opinions/s12.33``).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from .model import CarbonError

SHOWN = 5  # ids named in an ambiguity or a suggestion, at most


def _starts_words(typed: str, doc_id: str) -> bool:
    parts = doc_id.split("-")
    at = 0
    for piece in typed.split("-"):
        while at < len(parts) and not parts[at].startswith(piece):
            at += 1
        if at == len(parts):
            return False
        at += 1
    return True


def matches(typed: str, known: Iterable[str]) -> list[str]:
    """The ids ``typed`` may stand for, by the first rule that finds any."""
    ids = sorted(known)
    if typed in ids:
        return [typed]
    if not typed:
        return []
    prefixed = [doc_id for doc_id in ids if doc_id.startswith(typed)]
    if prefixed:
        return prefixed
    return [doc_id for doc_id in ids if _starts_words(typed, doc_id)]


def _shown(ids: list[str]) -> str:
    more = f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more


def resolve(typed: str, known: Collection[str], what: str = "document") -> str:
    """The one id ``typed`` names, or a ``CarbonError`` that says why not."""
    found = matches(typed, known)
    if len(found) == 1:
        return found[0]
    shown = typed if len(typed) <= 60 else typed[:57] + "…"
    if found:
        raise CarbonError(f"{shown!r} fits several {what}s: {_shown(found)}")
    near = difflib.get_close_matches(typed, sorted(known), n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    raise CarbonError(f"no {what} {shown!r}{hint} (see: carbon docs list)")


def resolve_passage(typed: str, known_docs: Collection[str]) -> str:
    """A passage or document id with its document part resolved (``cpc/s12.33``)."""
    doc, slash, rest = typed.partition("/")
    if doc in known_docs or not doc:
        return typed
    return resolve(doc, known_docs) + slash + rest
