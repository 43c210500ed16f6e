"""The state the passes share: lines, the tree of nodes, and what is emitted.

Each pass reads what the earlier ones left here and adds its own part; nothing is
attached to an object after the fact, every field is declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from carbon_cli.model import Passage


@dataclass(slots=True)
class Line:
    """One non-blank source line (or several joined), trimmed, and what it was read as."""

    idx: int
    start: int
    end: int
    text: str
    cls: str = "body"  # body, meta, title, number, addressee, date, signature, attachment, note
    last: int = -1  # index of the last source line when wrapped lines were joined into this one

    @property
    def last_idx(self) -> int:
        return self.idx if self.last < 0 else self.last


@dataclass(eq=False, slots=True)
class Node:
    """A unit of the body: an ordinal line, a paragraph, or an item inside a paragraph."""

    kind: str  # "root", "ord" (ordinal line), "para", "inline" (一是 item inside a paragraph)
    start: int
    end: int
    text: str
    first_line: int
    last_line: int
    style: str | None = None  # the ordinal family (see marks.ORDINALS), "ask", "hold"
    label: str = ""
    value: int | None = None
    title: str = ""
    rest: str | None = None  # an ordinal line's text after its label (joined with a cut line)
    owner: Node | None = None  # the heading an inline item was split out of
    heading_only: bool = False
    titled: bool = False  # a paragraph whose first sentence is a short title
    titled_item: bool = False  # such a paragraph read as an item
    question: bool = False
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    ci: int = 0  # index among the parent's children
    path: str = ""
    pid: str = ""
    pkind: str = ""  # the semantic kind: action, principle, guarantee
    number: int | None = None  # the semantic item's number within the document
    emitted: bool = False  # already part of an answer passage


def walk(root: Node) -> Iterator[Node]:
    """Nodes in reading order, depth first, ``root`` included."""
    stack = [root]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


@dataclass
class State:
    """One document being parsed: its lines in, its passages out."""

    text: str
    doc: str
    lines: list[Line]
    start: int
    end: int
    meta: dict[str, str] = field(default_factory=dict)
    root: Node = field(default_factory=lambda: Node("root", 0, 0, "", -1, -1))
    nodes: list[Node] = field(default_factory=list)  # every node under root, in reading order
    qa: bool = False  # the document is an interview: questions and answers
    passages: list[Passage] = field(default_factory=list)
    title: str = ""
    used: set[str] = field(default_factory=set)
    dup: dict[str, int] = field(default_factory=dict)
    sections: dict[tuple[int, str], bool] = field(default_factory=dict)  # (heading, kind): kinds._section_about

    def content(self) -> list[Line]:
        """The lines that are not page metadata."""
        return [ln for ln in self.lines if ln.cls != "meta"]
