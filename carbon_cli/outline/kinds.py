"""Pass 4: the semantic kinds, decided on the tree.

* Principles stated inside their heading's paragraph (``（二）工作原则。坚持…。坚持…``)
  are split into items.
* Titled paragraphs: runs of at least two sibling paragraphs whose first sentence is
  a short title become items (one is enough under a principles heading or lead).
  Under a principles or safeguards heading without items, plain paragraphs are items.
* The interview form: ``一、…？`` headings or ``问：`` lines are questions.
* ``action``: items whose title ends in 行动, except a heading that groups two or more;
  ``principle``: items directly under a principles heading, or after a lead paragraph
  ending in ``…原则：`` up to the next plain paragraph; ``guarantee``: items directly
  under a safeguards heading. Semantic items are numbered 1..n in reading order.
"""

from __future__ import annotations

import re

from carbon_cli.section_words import KINDS

from .marks import ASK_RX, BREAK_RX, WS, title_of
from .sections import fits, fold
from .state import Node, State, walk
from .tree import inline_nodes

_HOLD_RX = re.compile(r"(?<=[。；;])[ \t\u3000]*坚持")  # a principle stated inside its heading's paragraph


def _is_action_title(title: str) -> bool:
    return fold(title).endswith("行动")


def _has_action_child(nd: Node) -> bool:
    """True for a heading that groups actions (``三、碳达峰十大行动``): it is not one itself.

    One sub-item ending in 行动 inside an action is a step of it, not a sign of a group.
    """
    return sum((c.kind in ("ord", "inline") or c.titled_item) and _is_action_title(c.title) for c in nd.children) >= 2


def _section_about(par: Node | None, kind: str) -> bool:
    """True when ``par``'s title names a section of ``kind`` and ``par`` is not itself an
    item of such a section.

    Under 保障措施, the item ``（一）加强组织领导`` names a safeguard; its own steps
    (1. 2. …) are parts of it, not safeguards of their own.
    """
    if par is None or par.kind == "root" or not fits(kind, "heading", par.title):
        return False
    # （一）基本原则 under 二、基本原则和主要目标 is a section of its own, and so is 第四章 保障措施
    # whose items are named like sections (一、加强组织实施)
    if fits(kind, "name", par.title):
        return True
    if any(c.kind == "ord" and fits(kind, "name", c.title) for c in par.children):
        return False  # 二、基本原则和主要目标 holds the section （一）基本原则, not principles
    up = par.parent
    return up is None or up.kind == "root" or not fits(kind, "heading", up.title)


def _section(state: State, par: Node | None, kind: str) -> bool:
    """``_section_about`` once per heading and kind: it looks at all the heading's children."""
    key = (id(par), kind)
    if key not in state.sections:
        state.sections[key] = _section_about(par, kind)
    return state.sections[key]


def _opens_items(nd: Node) -> bool:
    """A paragraph ending in ``…原则：``: the items after it are principles wherever they sit."""
    return any(fits(kind, "lead", nd.text[-12:]) for kind in KINDS)


def _leads(par: Node, kind: str) -> list[bool]:
    """For each child of ``par``: whether the nearest plain paragraph before it is a lead of
    ``kind``. One forward pass: a later plain paragraph ends the lead's reach."""
    out: list[bool] = []
    lead = False
    for c in par.children:
        out.append(lead)
        if c.kind == "para" and not c.titled_item:
            lead = fits(kind, "lead", c.text[-12:])
    return out


def _paired_title(text: str) -> str:
    """统筹规划，因地制宜。…: a first sentence of two short parallel phrases is a title whole
    (结构多元，保障供电安全: a four-character phrase and its aim in six)."""
    head = BREAK_RX.sub("", text[: max(text.find("。"), 0)]).strip(WS)
    parts = head.split("，")
    paired = len(parts) == 2 and all(2 <= len(part) <= 6 for part in parts) and abs(len(parts[0]) - len(parts[1])) <= 2
    return head if paired else ""


def _plain_items(par: Node) -> None:
    """Under a principles or safeguards heading without numbered or titled items, each
    paragraph is one.

    ``坚持节约优先，把节约能源资源放在首位……`` states a principle even without an
    ordinal or a short first sentence, ``各地区要加强组织领导……`` a safeguard; a lead
    ending in ``：`` is not one.
    """
    kids = par.children
    if any(c.kind != "para" or c.titled_item for c in kids):
        return
    plain = [c for c in kids if not c.text.endswith(("：", ":"))]
    if len(plain) < 2:
        return
    for c in plain:
        c.titled_item = True
        c.title = _paired_title(c.text) or title_of(c.text)


def _split_held_principles(state: State) -> None:
    """（二）基本原则。坚持统筹推进，…；坚持创新驱动，…。: each 坚持 states one principle."""
    split = False
    for nd in state.nodes:
        if nd.kind != "ord" or nd.style == "dash" or len(nd.text) < 6:
            continue
        if any(c.owner is nd for c in nd.children) or not fits("principle", "heading", nd.title):
            continue  # already split into its own enumeration
        seq = [(m.start(), k, 0) for k, m in enumerate(_HOLD_RX.finditer(nd.text), start=1)]
        if len(seq) < 2:
            continue
        items = [x for x in inline_nodes(state.text, nd, "hold", seq) if x is not nd]
        for it in items:
            it.parent = nd
        nd.children[:0] = items
        for k, c in enumerate(nd.children):
            c.ci = k
        split = True
    if split:
        state.nodes = [n for n in walk(state.root) if n is not state.root]


def _mark_titled_runs(state: State) -> None:
    """Titled paragraphs become items; plain paragraphs do under principles and safeguards."""
    for par in [state.root, *state.nodes]:
        kids = par.children
        if not kids:
            continue
        lead = False  # the nearest plain paragraph so far opens items (…原则：)
        i = 0
        while i < len(kids):
            if kids[i].kind == "para" and kids[i].titled:
                j = i
                while j < len(kids) and kids[j].kind == "para" and kids[j].titled:
                    j += 1
                if j - i >= 2 or lead or _section(state, par, "principle"):
                    for x in kids[i:j]:
                        x.titled_item = True
                        x.title = title_of(x.text[: x.text.find("。")])
                else:
                    lead = _opens_items(kids[j - 1])  # a single titled paragraph stays plain
                i = j
            else:
                if kids[i].kind == "para":
                    lead = _opens_items(kids[i])
                i += 1
        if any(_section(state, par, kind) and fits(kind, "plain", par.title) for kind in KINDS):
            _plain_items(par)


def _mark_questions(state: State) -> None:
    """The interview form: ``一、…？`` headings, or ``问：`` / bare question lines."""
    root = state.root
    qs = [c for c in root.children if c.kind == "ord" and c.style == "cn"]
    asks = [c for c in qs if c.text.rstrip(WS + "。*").endswith(("?", "？"))]  # **一、…？**
    qa = len(asks) >= 2 and 2 * len(asks) >= len(qs)
    if not qa:
        asks = [c for c in root.children if c.style == "ask"]
        qa = len(asks) >= 2
    if qa:
        for c in asks:
            c.question = True
            rest = c.rest if c.rest is not None else c.text
            c.title = ASK_RX.sub("", rest.strip(WS + "*")).strip(WS + "*").rstrip("?？").strip(WS)
        state.sections.clear()  # questions now have their whole text as title
    state.qa = qa


def _is_item(nd: Node) -> bool:
    return not nd.question and nd.style != "box" and (nd.kind in ("ord", "inline") or nd.titled_item)


def _item_runs(par: Node, kind: str) -> list[bool]:
    """For each child of ``par``: whether it is in a run of two or more sibling items
    whose titles open as the table's ``items`` words say (坚持…, 坚持…)."""
    marks = [_is_item(c) and not c.children and fits(kind, "items", c.title) for c in par.children]
    out = [False] * len(marks)
    k = 0
    while k < len(marks):
        j = k
        while j < len(marks) and marks[j]:
            j += 1
        if j - k >= 2:
            out[k:j] = [True] * (j - k)
        k = j + 1
    return out


def _is_action(nd: Node) -> bool:
    """An item titled …行动 that groups no actions; a titled paragraph only among siblings
    most of which are actions (a plan's tasks written as paragraphs may name one 行动)."""
    if not _is_action_title(nd.title) or _has_action_child(nd):
        return False
    if nd.kind != "para" or nd.parent is None:
        return True
    titled = [c for c in nd.parent.children if c.kind == "para" and c.titled_item]
    return 2 * sum(_is_action_title(c.title) for c in titled) >= len(titled)


def _semantic_kind(state: State, nd: Node, memo: dict[tuple[int, str, str], list[bool]]) -> str:
    """action, principle, guarantee or "" for an item ``nd``.

    A section of principles or safeguards decides first (…开展全民行动 under 强化工作落实
    is a safeguard); then an item's own title (…行动); then a lead paragraph (…原则：)
    or a run of items the table names (坚持…).
    """
    par = nd.parent
    for kind in KINDS:
        if _section(state, par, kind):
            return kind
    if _is_action(nd):
        return "action"
    if par is None:
        return ""
    for kind in KINDS:
        for rule, marks in (("lead", _leads), ("items", _item_runs)):
            key = (id(par), kind, rule)
            if key not in memo:
                memo[key] = marks(par, kind)
            if memo[key][nd.ci]:
                return kind
    return ""


def _mark_semantic(state: State) -> None:
    """Actions, principles and guarantees, numbered 1..n each in reading order."""
    counters = {"action": 0, "principle": 0, "guarantee": 0}
    memo: dict[tuple[int, str, str], list[bool]] = {}  # per parent, kind and rule: each child
    for nd in state.nodes:
        if not _is_item(nd):
            continue
        sem = _semantic_kind(state, nd, memo)
        if sem:
            counters[sem] += 1
            nd.pkind, nd.number = sem, counters[sem]


def mark_kinds(state: State) -> None:
    """Items and semantic kinds, in the order each step needs the one before."""
    _split_held_principles(state)
    _mark_titled_runs(state)
    _mark_questions(state)
    _mark_semantic(state)
