"""Two documents compared item by item: what was added, removed, changed, kept.

A document is read as its outline's items: every passage that is not a plain
paragraph opens one (a heading, a numbered or titled item, the title, the 文号 …)
and the plain paragraphs after it belong to it, so one paragraph cut in two by a
different line wrapping is still one item. Items are matched by what they say, not
where they stand: equal texts first, then the most similar pairs (difflib's ratio,
an equal title counting as a match of its own), each item used once; an item left
without a match in the first document was removed, in the second added.

Texts are compared in a comparable form: the pipeline's normalisation (width, case,
traditional characters), 、 read as ，, and no whitespace, so a web reprint and the
text layer of its PDF, with other line breaks and punctuation widths, are the same
document. The changed characters are reported as offsets into each item's original
text (the text of its passages joined by a newline).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .model import Passage

NormaliseWithOffsets = Callable[[str], tuple[str, "list[int] | None"]]

SIMILAR = 0.5  # the least similarity of two items taken for one item changed
TITLE_MATCH = 0.3  # what an equal, non-empty title adds to two items' similarity
_FOLD = {"、": ",", "\u3000": " "}


@dataclass
class Item:
    """One item of a document's outline: its opening passage and the paragraphs under it."""

    passages: list[Passage]
    text: str  # the passages' texts joined by "\n"
    comparable: str
    offsets: list[int]  # comparable[i] came from text[offsets[i]]

    @property
    def id(self) -> str:
        return self.passages[0].id

    @property
    def title(self) -> str:
        first = self.passages[0]
        return first.title or " ".join(first.text.split())[:40]


@dataclass(frozen=True)
class Change:
    """One difflib opcode of a changed item: ``replace``, ``delete`` or ``insert``, with the
    spans ``[start, end)`` it covers in the first item's text and in the second's."""

    op: str
    a: tuple[int, int]
    b: tuple[int, int]


@dataclass
class Aligned:
    """An item of either document, or a pair of them, and how the second differs."""

    status: str  # unchanged, changed, added, removed
    a: Item | None
    b: Item | None
    similarity: float = 1.0
    changes: list[Change] = field(default_factory=list)


@dataclass
class DocumentDiff:
    """Two documents' items aligned, in the second document's order."""

    a: str
    b: str
    items: list[Aligned]

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def differs(self) -> bool:
        return any(item.status != "unchanged" for item in self.items)


def items(passages: Sequence[Passage], normalise: NormaliseWithOffsets) -> list[Item]:
    """A document's passages grouped into outline items (see the module's docstring)."""
    groups: list[list[Passage]] = []
    for passage in passages:
        continues = passage.kind == "paragraph" and not passage.label and not passage.title
        if continues and groups:
            groups[-1].append(passage)
        else:
            groups.append([passage])
    return [_item(group, normalise) for group in groups]


def _item(group: list[Passage], normalise: NormaliseWithOffsets) -> Item:
    text = "\n".join(p.text for p in group)
    normalised, offsets = normalise(text)
    comparable, kept = [], []
    for i, char in enumerate(normalised):
        char = _FOLD.get(char, char)
        if not char.isspace():
            comparable.append(char)
            kept.append(offsets[i] if offsets is not None else i)
    return Item(group, text, "".join(comparable), kept)


def compare(
    a_id: str, a: Sequence[Passage], b_id: str, b: Sequence[Passage], normalise: NormaliseWithOffsets
) -> DocumentDiff:
    """Align the items of two documents and say how each pair differs."""
    left, right = items(a, normalise), items(b, normalise)
    pairs = _pairs(left, right)
    return DocumentDiff(a_id, b_id, _rejoined(_in_order(left, right, pairs)))


def _pairs(left: list[Item], right: list[Item]) -> dict[int, tuple[int, float]]:
    """Left index -> (right index, similarity): equal texts first, then the most similar."""
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, item in enumerate(right):
        by_text.setdefault(item.comparable, []).append(j)
    for i, item in enumerate(left):
        free = [j for j in by_text.get(item.comparable, []) if j not in taken]
        if free:
            pairs[i] = (free[0], 1.0)
            taken.add(free[0])
    candidates = []
    for i, one in enumerate(left):
        if i in pairs:
            continue
        for j, other in enumerate(right):
            if j in taken:
                continue
            ratio = difflib.SequenceMatcher(None, one.comparable, other.comparable, autojunk=False).ratio()
            bonus = TITLE_MATCH if one.passages[0].title and one.passages[0].title == other.passages[0].title else 0.0
            if ratio + bonus >= SIMILAR:
                candidates.append((ratio + bonus, -abs(i - j), i, j, ratio))
    for _, _, i, j, ratio in sorted(candidates, reverse=True):
        if i not in pairs and j not in taken:
            pairs[i] = (j, ratio)
            taken.add(j)
    return pairs


def _in_order(left: list[Item], right: list[Item], pairs: dict[int, tuple[int, float]]) -> list[Aligned]:
    """The second document's order, each removed item before the item that followed it."""
    of_right = {j: i for i, (j, _) in pairs.items()}
    out: list[Aligned] = []
    shown_left = 0
    for j, item in enumerate(right):
        i = of_right.get(j)
        if i is None:
            out.append(Aligned("added", None, item))
            continue
        while shown_left < i:
            if shown_left not in pairs:
                out.append(Aligned("removed", left[shown_left], None))
            shown_left += 1
        shown_left = max(shown_left, i + 1)
        out.append(_pair(left[i], item, pairs[i][1]))
    out.extend(Aligned("removed", left[i], None) for i in range(shown_left, len(left)) if i not in pairs)
    return out


def _rejoined(aligned: list[Aligned]) -> list[Aligned]:
    """A changed pair followed by added (or removed) items that complete it is one item
    the other copy cut in two: a line break after 。 that a parser took for a new
    paragraph. The pieces are joined and the pair compared again."""
    out: list[Aligned] = []
    for entry in aligned:
        last = out[-1] if out else None
        if last is not None and last.a is not None and last.b is not None and last.status == "changed":
            for side, status in (("b", "added"), ("a", "removed")):
                piece = getattr(entry, side)
                whole, part = (last.a, last.b) if side == "b" else (last.b, last.a)
                if entry.status == status and whole.comparable.startswith(part.comparable + piece.comparable):
                    joined = _joined(part, piece)
                    out[-1] = _pair(*((last.a, joined) if side == "b" else (joined, last.b)), last.similarity)
                    break
            else:
                out.append(entry)
            continue
        out.append(entry)
    return out


def _joined(one: Item, other: Item) -> Item:
    shift = len(one.text) + 1
    return Item([*one.passages, *other.passages], one.text + "\n" + other.text, one.comparable + other.comparable,
                [*one.offsets, *(offset + shift for offset in other.offsets)])


def _pair(one: Item, other: Item, similarity: float) -> Aligned:
    if one.comparable == other.comparable:
        return Aligned("unchanged", one, other)
    matcher = difflib.SequenceMatcher(None, one.comparable, other.comparable, autojunk=False)
    changes = [
        Change(op, _span(one, i1, i2), _span(other, j1, j2))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
    return Aligned("changed", one, other, round(similarity, 4), changes)


def _span(item: Item, start: int, end: int) -> tuple[int, int]:
    """Comparable offsets ``[start, end)`` as offsets into the item's original text."""
    if start >= end:  # an insertion point
        at = item.offsets[start] if start < len(item.offsets) else len(item.text)
        return at, at
    return item.offsets[start], item.offsets[end - 1] + 1
