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
from .sections import fold, is_lead, is_section_name, names_section, plain_items_count
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
    if par is None or par.kind == "root" or not names_section(kind, par.title):
        return False
    if any(c.kind == "ord" and is_section_name(kind, c.title) for c in par.children):
        return False  # 二、基本原则和主要目标 holds the section （一）基本原则, not principles
    if is_section_name(kind, par.title):
        return True  # （一）基本原则 under 二、基本原则和主要目标 is a section of its own
    up = par.parent
    return up is None or up.kind == "root" or not names_section(kind, up.title)


def _section(state: State, par: Node | None, kind: str) -> bool:
    """``_section_about`` once per heading and kind: it looks at all the heading's children."""
    key = (id(par), kind)
    if key not in state.sections:
        state.sections[key] = _section_about(par, kind)
    return state.sections[key]


def _opens_items(nd: Node) -> bool:
    """A paragraph ending in ``…原则：``: the items after it are principles wherever they sit."""
    return any(is_lead(kind, nd.text) for kind in KINDS)


def _leads(par: Node, kind: str) -> list[bool]:
    """For each child of ``par``: whether the nearest plain paragraph before it is a lead of
    ``kind``. One forward pass: a later plain paragraph ends the lead's reach."""
    out: list[bool] = []
    lead = False
    for c in par.children:
        out.append(lead)
        if c.kind == "para" and not c.titled_item:
            lead = is_lead(kind, c.text)
    return out


def _paired_title(text: str) -> str:
    """统筹规划，因地制宜。…: a first sentence of two short parallel phrases is a title whole."""
    head = BREAK_RX.sub("", text[: max(text.find("。"), 0)]).strip(WS)
    parts = head.split("，")
    paired = len(parts) == 2 and all(2 <= len(part) <= 6 for part in parts) and abs(len(parts[0]) - len(parts[1])) <= 1
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
        if any(c.owner is nd for c in nd.children) or not names_section("principle", nd.title):
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
        if any(_section(state, par, kind) and plain_items_count(kind, par.title) for kind in KINDS):
            _plain_items(par)


def _mark_questions(state: State) -> None:
    """The interview form: ``一、…？`` headings, or ``问：`` / bare question lines."""
    root = state.root
    qs = [c for c in root.children if c.kind == "ord" and c.style == "cn"]
    asks = [c for c in qs if c.text.rstrip(WS + "。").endswith(("?", "？"))]
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


def _semantic_kind(state: State, nd: Node, leads: dict[tuple[int, str], list[bool]]) -> str:
    """action, principle, guarantee or "" for an item ``nd``."""
    if _is_action_title(nd.title) and not _has_action_child(nd):
        return "action"
    par = nd.parent
    for kind in KINDS:
        if _section(state, par, kind):
            return kind
        if par is not None:
            if (id(par), kind) not in leads:
                leads[(id(par), kind)] = _leads(par, kind)
            if leads[(id(par), kind)][nd.ci]:
                return kind
    return ""


def _mark_semantic(state: State) -> None:
    """Actions, principles and guarantees, numbered 1..n each in reading order."""
    counters = {"action": 0, "principle": 0, "guarantee": 0}
    leads: dict[tuple[int, str], list[bool]] = {}
    for nd in state.nodes:
        if nd.question or nd.style == "box" or not (nd.kind in ("ord", "inline") or nd.titled_item):
            continue
        sem = _semantic_kind(state, nd, leads)
        if sem:
            counters[sem] += 1
            nd.pkind, nd.number = sem, counters[sem]


def mark_kinds(state: State) -> None:
    """Items and semantic kinds, in the order each step needs the one before."""
    _split_held_principles(state)
    _mark_titled_runs(state)
    _mark_questions(state)
    _mark_semantic(state)
