"""Pass 3: the body lines to a tree of headings, items and paragraphs; no semantic rules.

Ordinals nest by family: the first family seen is the outer level; a family that
is already open closes back to its level; a family ranked shallower than the open
one closes the deeper ones; ``——``, ``一是``, ``第一，`` are always leaves. An
ordinal alone on its line, or a heading cut mid-title, joins the next line.
Inline enumerations (``一是…二是…``, ``第一，…第二，…``, a heading's
``…：（一）…；（二）…``) are split into items of their own. An interview's question
lines (``问：…`` answered by ``答：…``, or bare ``…？`` lines) are nodes of style
``ask``. A title line inside the body (an attached or issued document) starts a
new tree.
"""

from __future__ import annotations

import re

from .lines import unwrap
from .marks import (
    ANSWER_RX,
    ANY_PUNCT,
    ASK_RX,
    CLAUSE_PUNCT,
    LEAF_STYLES,
    RANK,
    SENTENCE_PUNCT,
    WS,
    cn_number,
    is_cell_row,
    ordinal,
    ordinal_style,
    strip_span,
    title_of,
)
from .state import Line, Node, State, walk

_INLINE_BEFORE = "：:。；;，,！!？? \t\u3000)）”\"*"  # * : a Markdown item in bold (**一是…)
# (style, pattern with the numeral in group 1, characters allowed right before it;
# "" means anywhere, the start of the line included).
_INLINE: list[tuple[str, re.Pattern[str], str]] = [
    ("shi", re.compile(r"([一二三四五六七八九十]{1,3})是"), _INLINE_BEFORE),
    ("di", re.compile(r"第([一二三四五六七八九十]{1,3})[，,、]"), _INLINE_BEFORE),
    ("pcn", re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]"), "：:；;。"),
]
_SPACE_RX = re.compile(r"\s")
_CUT_PIECE = 5  # a title cut once more after its number is long: its first piece has this much


def is_titled(s: str) -> bool:
    """A paragraph whose first sentence is a short title: 统筹规划、多元发展。…"""
    head = s[:24]
    i = head.find("。")
    if i < 2 or i > 20 or i + 1 >= len(s):
        return False
    return not any(ch in CLAUSE_PUNCT or ch in "？?！!“”\"" for ch in head[:i])


def heading_only(rest: str) -> bool:
    """An ordinal line whose text after the label is a title, not a sentence."""
    r = rest.strip(WS).rstrip("。.:：;；")
    if not r:
        return True
    r = r.rstrip("？?")
    if len(r) > 50:
        return False
    return not any(ch in SENTENCE_PUNCT for ch in r)


def _question_lines(body: list[Line]) -> dict[int, int]:
    """Line index -> label length of an interview's question lines.

    ``问：…`` lines count when an ``答：`` line answers them. Without that form, in a
    text without sections, short bare lines ending in ？ count when there are at
    least two and each is followed by a line that is not a question (press pages
    often set questions in bold only).
    """
    if any(ANSWER_RX.match(ln.text) for ln in body):
        asks = {}
        for ln in body:
            m = ASK_RX.match(ln.text)
            if m:
                asks[ln.idx] = m.end()
        return asks
    if any(ordinal_style(ln.text) in ("chap", "sect", "art", "cn") for ln in body):
        return {}  # a document with sections: its short questions are rhetorical, not an interview
    bare = {ln.idx: 0 for k, ln in enumerate(body[:-1])
            if len(ln.text) <= 80 and ln.text.endswith(("？", "?")) and ordinal(ln.text) is None
            and not body[k + 1].text.endswith(("？", "?"))}
    return bare if len(bare) >= 2 else {}


def _continues_heading(rest: str, following: str, label_alone: bool) -> bool:
    """Whether the next line is the rest of a heading broken by a careless copy.

    The number alone on its line (``一、`` then ``工作目标``), or a long title cut in
    the middle (``（三）加快构建清洁低碳安全`` then ``高效能源体系``): a short line with
    no punctuation, no spaces (a table row) and no ordinal of its own, after a heading
    line that has none either. A number alone may be followed by a title cut once more
    (``2．`` / ``因地制宜推进`` / ``绿色低碳发展。``): its last piece may end the sentence.
    """
    words = rest.strip(WS)
    if not words:
        return True
    nxt = following.strip(WS)
    if not 0 < len(nxt) <= 15 or _SPACE_RX.search(nxt) or is_cell_row(nxt):
        return False
    if label_alone:  # a long title's second piece, after a number alone on its line
        return len(words) >= _CUT_PIECE and not any(ch in ANY_PUNCT for ch in words + nxt[:-1]) \
            and len(words) + len(nxt) <= 40
    unpunctuated = not any(ch in ANY_PUNCT for ch in words + nxt)
    # a title is cut where the line ran out, so its first part is long; a short heading
    # (总体要求) followed by a short line is two lines
    return unpunctuated and len(words) >= 8 and len(words) + len(nxt) <= 40


def _inline_sequence(s: str, rx: re.Pattern[str], before: str) -> list[tuple[int, int, int]]:
    """(offset, value, label length) of the items numbered 1, 2, 3 … in order."""
    seq: list[tuple[int, int, int]] = []
    want = 1
    for m in rx.finditer(s):
        p = m.start()
        if p > 0 and s[p - 1] not in before or p == 0 and before == "：:；;。":
            continue
        if cn_number(m.group(1)) == want:
            seq.append((p, want, m.end() - p))
            want += 1
    return seq


def relead(text: str, lead: Node, a: int, b: int) -> None:
    """Shrink a node to the text before its inline items."""
    lead.start, lead.end = a, b
    lead.text = text[a:b]
    if lead.kind == "ord":
        rest = lead.text.removeprefix(lead.label)
        lead.heading_only = heading_only(rest)
        lead.title = title_of(rest)
    else:
        lead.titled = is_titled(lead.text)


def inline_nodes(text: str, node: Node, style: str, seq: list[tuple[int, int, int]]) -> list[Node]:
    """The lead (shrunk to the text before the first item, if any) and one node per item."""
    base, s = node.start, node.text
    first = seq[0][0]
    lead: Node | None = node
    if node.kind == "ord" and node.style == style:
        if first != 0:
            return [node]
        lead = None
    out: list[Node] = []
    if lead is not None:
        a, b = strip_span(text, base, base + first)
        if b > a:
            relead(text, lead, a, b)
            out.append(lead)
    for j, (p, v, n) in enumerate(seq):
        q = seq[j + 1][0] if j + 1 < len(seq) else len(s)
        a, b = strip_span(text, base + p, base + q)
        if b <= a:
            continue
        txt = text[a:b]
        lab = txt[:n]
        it = Node("inline", a, b, txt, node.first_line, node.last_line, style, lab, v, title_of(txt[len(lab):]))
        it.owner = lead if (lead is not None and lead.kind == "ord") else None
        out.append(it)
    return out


def _split_inline(text: str, node: Node) -> list[Node]:
    """Split ``一是…二是…`` (or ``第一，…第二，…``, or an article's ``：（一）…；（二）…``)
    inside one line into one passage each; the text before stays the lead."""
    if node.kind == "ord" and node.style == "dash" or len(node.text) < 6:
        return [node]
    for style, rx, before in _INLINE:
        if style == "pcn" and node.kind != "ord":
            continue  # only an article's or heading's own clauses; a paragraph keeps its references
        seq = _inline_sequence(node.text, rx, before)
        if len(seq) >= 2:
            return inline_nodes(text, node, style, seq)
    return [node]


def _ask_node(ln: Line, label_len: int, value: int) -> Node:
    """A question line of an interview (``问：…？`` or a bare ``…？`` line)."""
    rest = ln.text[label_len:]
    return Node("ord", ln.start, ln.end, ln.text, ln.idx, ln.idx, "ask", ln.text[:label_len], value,
                title_of(rest), rest=rest, heading_only=True)


def _nodes(state: State) -> list[Node]:
    """Body lines to nodes, split headings joined, inline 一是… split."""
    text = state.text
    body = unwrap([ln for ln in state.lines if ln.cls == "body"], state.lines, text)
    asks = _question_lines(body)
    out: list[Node] = []
    n_asks = 0
    i = 0
    while i < len(body):
        ln = body[i]
        o = ordinal(ln.text)
        if o is None and ln.idx in asks:
            n_asks += 1
            out.append(_ask_node(ln, asks[ln.idx], n_asks))
        elif o is None:
            node = Node("para", ln.start, ln.end, ln.text, ln.idx, ln.last_idx, titled=is_titled(ln.text))
            out.extend(_split_inline(text, node))
        else:
            style, label, value, n = o
            rest = ln.text[n:]
            start, end, last = ln.start, ln.end, ln.last_idx
            label_alone = not rest.strip(WS)
            while i + 1 < len(body) and body[i + 1].idx == last + 1 and ordinal(body[i + 1].text) is None \
                    and body[i + 1].idx not in asks and _continues_heading(rest, body[i + 1].text, label_alone):
                nxt = body[i + 1]
                end, last = nxt.end, nxt.last_idx
                rest = nxt.text if not rest.strip(WS) else text[ln.start + n : nxt.end]
                i += 1
            node = Node("ord", start, end, text[start:end], ln.idx, last, style, label, value,
                        title_of(rest), rest=rest, heading_only=heading_only(rest))
            out.extend(_split_inline(text, node))
        i += 1
    return out


def in_list(nd: Node) -> bool:
    """An item of a clause list (``（一）…；（二）…。``): the paragraph after it is not its body.

    Such items end in ；, all but the last; a paragraph after the list (``前款…``)
    continues the article or section that holds the list.
    """
    if nd.text.endswith(("；", ";")):
        return True
    prev = nd.parent.children[nd.ci - 1] if nd.parent is not None and nd.ci > 0 else None
    return prev is not None and prev.style == nd.style and prev.text.endswith(("；", ";"))


def adopt(par: Node, nd: Node) -> None:
    nd.parent, nd.ci = par, len(par.children)
    par.children.append(nd)


def _nest(state: State, nodes: list[Node]) -> None:
    """Nest nodes by ordinal family; a title line inside the text starts a new tree.

    An attached or issued document (附件1 + its title) numbers its headings
    afresh, so nothing of it belongs under the last heading of the notice.
    """
    root = state.root
    stack: list[Node] = []
    breaks = [ln.idx for ln in state.lines if ln.cls == "title"]
    last = -1
    for nd in nodes:
        if any(last < b < nd.first_line for b in breaks):
            stack.clear()
        last = nd.last_line
        if nd.owner is not None:
            adopt(nd.owner, nd)
            continue
        if nd.kind == "para":
            adopt(next((x for x in reversed(stack) if x.style not in LEAF_STYLES and not in_list(x)), root), nd)
            continue
        style = nd.style or ""
        while stack and stack[-1].style in LEAF_STYLES and stack[-1].style != style:
            stack.pop()
        if any(x.style == style for x in stack):
            while stack[-1].style != style:
                stack.pop()
            stack.pop()
        else:
            while stack and RANK.get(stack[-1].style or "", 9) > RANK.get(style, 9):
                stack.pop()
        adopt(stack[-1] if stack else root, nd)
        stack.append(nd)


ARTICLE = "art"


def _last_descendant(nd: Node) -> Node:
    while nd.children:
        nd = nd.children[-1]
    return nd


def _whole_articles(state: State) -> None:
    """An article (第X条) is one unit of the text: its paragraphs and clause list are in it.

    So an article's own words (…的原则：, 组织实施) never make it a section of its own,
    and a regulation without chapters is a flat list of articles. An article is named by
    its number, as a law's articles are cited.
    """
    for nd in walk(state.root):
        if nd.style != ARTICLE:
            continue
        nd.end = max(nd.end, _last_descendant(nd).end)
        nd.last_line = max(nd.last_line, _last_descendant(nd).last_line)
        nd.text = state.text[nd.start:nd.end]
        nd.children = []
        nd.heading_only = False
        nd.title = _SPACE_RX.sub("", nd.label)


def build_tree(state: State) -> None:
    """The body's nodes, nested under ``state.root``; ``state.nodes`` in reading order."""
    _nest(state, _nodes(state))
    _whole_articles(state)
    state.nodes = [n for n in walk(state.root) if n is not state.root]
