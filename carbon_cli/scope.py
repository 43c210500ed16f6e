"""What a command works on: the passages, documents and items a user's ids and filters name.

Every command that takes a passage id, a document id, ``--doc`` or ``--kind`` asks
here, so the rules (which ids exist, what "a passage with what is nested under it"
means, how an item is shown in full) are written once:

- ``check_docs`` and ``check_kinds``: the filters, refused when the index has no
  such document or kind.
- ``find``: a passage id, or else a document id (``carbon show``).
- ``select_passages``: a scope for the analysis commands (``keywords``, ``kwic`` …).
- ``subtree``: a passage and what the outline nests under it, in reading order.
- ``items`` and ``item_in_full``: the plan views (``carbon actions 4``).
- ``outline``: the documents and passages of ``carbon outline``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .ids import resolve, resolve_passage
from .index import Index
from .model import CarbonError, Passage

if TYPE_CHECKING:
    from .records import Normalise, RecordFilter


def check_docs(
    index: Index, docs: Sequence[str] | None, where: RecordFilter | None = None, normalise: Normalise | None = None
) -> list[str]:
    """``docs`` as a list of document ids (each given as an id or a short form of one),
    narrowed by the
    record filters ``where`` (issuer names matched through ``records.Issuers`` with
    ``normalise``): ``[records.NO_DOCUMENT]`` when they leave no document."""
    known = index.document_ids() if docs else set()
    docs = list(dict.fromkeys(resolve(doc, known) for doc in docs or []))  # ids.resolve: short forms
    if where is None or not where.active:
        return docs
    from .records import issuers_table, scope

    return scope(docs or [], index.records(), where, issuers_table(normalise) if normalise else issuers_table())


def check_kinds(index: Index, kinds: Sequence[str] | None) -> list[str]:
    """``kinds`` as a list, once every one is a kind some passage of the index has."""
    known = index.kinds() if kinds else set()
    for kind in kinds or []:
        if kind not in known:
            raise CarbonError(f"unknown kind {kind!r}; the index has: {', '.join(sorted(known))}")
    return list(kinds or [])


def find(index: Index, target: str) -> tuple[Passage | None, list[Passage]]:
    """The passage ``target`` names and ``[it]``, or ``None`` and every passage of the
    document it names; neither is an error."""
    passage = index.passage(target)
    if passage is None and index.passages(doc=target) == [] and "/" in target:
        passage = index.passage(resolve_passage(target, index.document_ids()))
    if passage is not None:
        return passage, [passage]
    if "/" in target:
        raise CarbonError(f"no passage or document {target[:80]!r} (see: carbon outline)")
    return None, index.passages(doc=resolve(target, index.document_ids()))


def subtree(passages: Sequence[Passage], root: str) -> list[Passage]:
    """``root`` and its descendants, in reading order."""
    inside = {root}
    for p in passages:  # reading order: a parent always comes before its children
        if p.parent in inside:
            inside.add(p.id)
    return [p for p in passages if p.id in inside]


def select_passages(
    index: Index,
    target: str | None = None,
    docs: Sequence[str] = (),
    kinds: Sequence[str] = (),
    *,
    nested: bool = True,
) -> list[Passage]:
    """The passages a command works on, in reading order.

    ``target`` is a passage id (the passage and every passage nested under it in the
    outline: ``qa/question/3`` is the question, its answer and the ten actions) or a
    document id (the whole document). ``docs`` keeps only passages of those
    documents. ``kinds`` keeps passages of those kinds and, when ``nested``, what is
    nested under them: a safeguard whose heading line (（十五）加强组织领导工作。)
    has its text in a paragraph below is read with that paragraph. ``export`` asks
    for the passages of the kinds alone (``nested=False``): its rows are passages.
    Empty ``docs`` or ``kinds`` means no filter.
    """
    if target:
        root, passages = find(index, target)
        if root is not None:
            passages = subtree(index.passages(doc=root.doc), root.id)
    else:
        passages = index.passages()
    if docs:
        passages = [p for p in passages if p.doc in docs]
    if kinds:
        inside: set[str] = set()
        for p in passages:  # reading order: a parent always comes before its children
            if p.kind in kinds or (nested and p.parent in inside):
                inside.add(p.id)
        passages = [p for p in passages if p.id in inside]
    return passages


def describe_scope(target: str | None, docs: Sequence[str], kinds: Sequence[str]) -> str:
    """``qa/question/3``, ``kind action in qa`` …: for headers and messages."""
    parts = [target] if target else []
    if kinds:
        parts.append("kind " + ", ".join(kinds))
    if docs:
        parts.append(("in " if parts else "documents ") + ", ".join(docs))
    return " ".join(parts) or "all documents"


def items(index: Index, kind: str, docs: Sequence[str] = ()) -> list[Passage]:
    """Every passage of ``kind`` (the actions, principles or safeguards), in reading order."""
    return [p for p in index.passages(kind=kind) if not docs or p.doc in docs]


def item_in_full(index: Index, kind: str, number: int, docs: Sequence[str] = ()) -> list[Passage]:
    """Item ``number`` of ``kind`` of each document, each with the passages under it:
    an item written as a heading line has its body in the paragraphs below."""
    of_kind = items(index, kind, docs)
    chosen = [p for p in of_kind if p.number == number]
    if not chosen:
        raise CarbonError(_no_such(kind, number, of_kind))
    return [q for p in chosen for q in subtree(index.passages(doc=p.doc), p.id)]


def _no_such(kind: str, number: int, of_kind: list[Passage]) -> str:
    counts: dict[str, int] = {}
    for p in of_kind:
        counts[p.doc] = counts.get(p.doc, 0) + 1
    have = ", ".join(f"{doc} has {n}" for doc, n in counts.items()) or "no document has any"
    return f"no {kind} {number}: {have}"


def outline(index: Index, docs: Sequence[str] = ()) -> tuple[list[dict[str, Any]], list[Passage]]:
    """The documents (all, or ``docs``) and their passages, in reading order."""
    documents = [d for d in index.documents() if not docs or d["id"] in docs]
    passages = [p for p in index.passages() if not docs or p.doc in docs]
    return documents, passages
