"""Pass 5: the tree and the marked lines to passages, in reading order, with ids.

Ids are ``{doc}/{local}``: front and back matter by kind (``title``, ``number`` …,
``note``), semantic items ``action/N``, questions ``question/N`` and their answers,
everything else by its outline path (``s3.5.2``, ``s3.5.p1``, ``s4.i2``, ``d1``,
``box1``). A repeated id gets ``-2``, ``-3`` … appended. The document's title is the
first title run, else ``meta["标题"]``, else for an interview ``《X》答记者问``, else
the first passage's title or first clause.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from carbon_cli.model import Passage

from .marks import DOCNO_RX, WS, md_skip, title_of
from .state import Line, Node, State, walk

# Line classes whose consecutive lines form one passage (a wrapped title or addressee,
# several signing agencies, an attachment list).
_JOINED_CLASSES = frozenset({"title", "addressee", "signature", "attachment"})
_BOOK_RX = re.compile(r"《[^《》]{1,80}》")
_LETTER_SPACED_RX = re.compile(r"^(?:[^\s][ \t\u3000]){2,}[^\s]$")
_SPACE_RX = re.compile(r"[ \t\u3000]+")
_EDITORIAL_RX = re.compile(r"[ \t\u3000]*[（(](?:本文有删减|有删减|略有删减|节选|摘编)[）)]$")


def title_text(run: list[Line]) -> str:
    """A title run as one line, without Markdown marks (``# 标题``, ``**标题**``), an
    editorial note (``（本文有删减）``) or a document number set beside it on its line."""
    text = _EDITORIAL_RX.sub("", "".join(ln.text[md_skip(ln.text):].strip(WS + "*") for ln in run))
    head, _, last = text.rpartition(" ")
    return head.rstrip(WS) if head and DOCNO_RX.match(last) else text


def signers(run: list[Line]) -> str:
    """The signing agencies or names, one per line, as one line; letter-spaced names
    (``交 通 运 输 部``, set so on a printed page) collapsed."""
    return " ".join(_SPACE_RX.sub("", ln.text) if _LETTER_SPACED_RX.match(ln.text) else ln.text for ln in run)


def _uid(state: State, local: str) -> str:
    base = pid = f"{state.doc}/{local}"
    if pid in state.used:
        k = state.dup.get(base, 1)
        while pid in state.used:
            k += 1
            pid = f"{base}-{k}"
        state.dup[base] = k
    state.used.add(pid)
    return pid


def _paths(root: Node) -> None:
    for par in walk(root):
        pk = dk = 0
        for c in par.children:
            if c.kind == "para":
                pk += 1
                seg = f"p{pk}"
            elif c.style == "dash":
                dk += 1
                seg = f"d{dk}"
            elif c.style in ("shi", "di", "hold"):
                seg = f"i{c.value}"
            elif c.style == "box":
                seg = f"box{c.value}"
            else:
                seg = str(c.value)
                if par is root:
                    seg = "s" + seg
            c.path = seg if par is root else f"{par.path}.{seg}"


def _section(nd: Node, known: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """Titles of the headings ``nd`` sits in, outermost first; ``known`` holds each parent's."""
    par = nd.parent
    if par is None or par.kind == "root":
        return ()
    if id(par) not in known:
        known[id(par)] = (*_section(par, known), par.title or par.text[:60])
    return known[id(par)]


def _special_runs(state: State) -> list[list[Line]]:
    """Runs of front and back matter lines: consecutive lines of a joined class are one."""
    runs: list[list[Line]] = []
    for ln in state.lines:
        if ln.cls in ("body", "meta"):
            continue
        if runs and runs[-1][-1].cls == ln.cls and ln.cls in _JOINED_CLASSES and runs[-1][-1].idx == ln.idx - 1:
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _para_runs(nodes: list[Node]) -> list[list[Node]]:
    runs: list[list[Node]] = []
    for n in nodes:
        if n.kind != "para" or n.titled_item or n.children:
            continue
        if runs and runs[-1][-1].last_line + 1 == n.first_line:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _emit_special(state: State, run: list[Line]) -> None:
    kind = run[0].cls
    if kind == "note":
        kind = "paragraph"
    local = {"paragraph": "note"}.get(kind, kind)
    a, b = run[0].start, run[-1].end
    title = title_text(run) if kind == "title" else signers(run) if kind == "signature" else ""
    state.passages.append(Passage(_uid(state, local), state.doc, kind, None, "", title, None, (), a, b,
                                  state.text[a:b]))


def _emit_run(state: State, local: str, kind: str, run: list[Node], parent: str | None,
              section: tuple[str, ...], number: int | None = None) -> None:
    a, b = run[0].start, run[-1].end
    state.passages.append(Passage(_uid(state, local), state.doc, kind, number, "", "", parent,
                                  section, a, b, state.text[a:b]))


def _emit_answer(state: State, nd: Node, parent_id: str | None, section: tuple[str, ...]) -> None:
    """An answer: this paragraph and the following plain siblings."""
    par = nd.parent
    assert par is not None
    kids = par.children
    i = nd.ci
    j = i
    while (j + 1 < len(kids) and kids[j + 1].kind == "para" and not kids[j + 1].titled_item
           and kids[j + 1].first_line == kids[j].last_line + 1):
        j += 1
    for x in kids[i:j + 1]:
        x.emitted = True
    _emit_run(state, f"answer/{par.value}", "answer", kids[i:j + 1], parent_id, section, par.value)


def _emit_node(state: State, nd: Node, sections: dict[int, tuple[str, ...]]) -> None:
    par = nd.parent
    parent_id = par.pid if par is not None and par.kind != "root" else None
    section = _section(nd, sections)
    if nd.kind == "para":
        if nd.emitted:
            return
        if par is not None and par.question and not nd.titled_item:
            _emit_answer(state, nd, parent_id, section)
            return
        if nd.titled_item:
            kind, number, title = nd.pkind or "item", nd.number, nd.title
        else:
            kind, number, title = "paragraph", None, ""
        nd.pid = _uid(state, f"{kind}/{number}" if nd.pkind else nd.path)
        state.passages.append(Passage(nd.pid, state.doc, kind, number, "", title, parent_id, section,
                                      nd.start, nd.end, nd.text))
        return
    if nd.question:
        nd.pid = _uid(state, f"question/{nd.value}")
        kind, number = "question", nd.value
    elif nd.pkind:
        nd.pid = _uid(state, f"{nd.pkind}/{nd.number}")
        kind, number = nd.pkind, nd.number
    else:
        nd.pid = _uid(state, nd.path)
        terminal = nd.text.rstrip(WS)[-1:] in ("。", "；", ";", "！", "!")
        kind = "heading" if (nd.children or (nd.heading_only and not terminal)) else "item"
        number = nd.value
    state.passages.append(Passage(nd.pid, state.doc, kind, number, nd.label, nd.title, parent_id, section,
                                  nd.start, nd.end, nd.text))


def _preamble(state: State) -> list[list[Node]]:
    """Runs of paragraphs at the top level before the first heading (or question)."""
    kids = state.root.children
    if state.qa:
        first = next((i for i, n in enumerate(kids) if n.question), None)
    else:
        first = next((i for i, n in enumerate(kids) if n.kind != "para"), None)
    return [] if first is None else _para_runs(kids[:first])


# The header of an order or announcement that promulgates a rule or law
# (国家安全生产监督管理总局令, …常务委员会公告): not the title of what it promulgates.
_PROMULGATION_RX = re.compile(r"(?:令|公告)$")
_BLANKS_RX = re.compile(f"[{WS}]+")


def _document_title(state: State, specials: list[list[Line]]) -> str:
    titles = [run for run in specials if run[0].cls == "title"]
    first_title = _promulgated(state, titles) if titles else None
    if first_title:
        title = title_text(first_title)
    else:
        title = state.meta.get("标题", "")
    if not title and state.qa:
        intro = next((p for p in state.passages if p.kind == "intro"), None)
        m = _BOOK_RX.search(intro.text) if intro else None
        title = m.group(0) + "答记者问" if m else ""
    if not title and state.passages:
        first = state.passages[0]
        title = first.title or title_of(first.text, 30)
    return title


def _promulgated(state: State, titles: list[list[Line]]) -> list[Line]:
    """The first title, or, under an order's header, the title of the rule it
    promulgates: the later title that the order's sentence names in 《》
    (《煤矿安全培训规定》已经…审议通过，现予公布)."""
    first = titles[0]
    if len(titles) < 2 or not _PROMULGATION_RX.search(title_text(first)):
        return first
    later = titles[1]
    between = _BLANKS_RX.sub("", state.text[first[-1].end:later[0].start])
    named = "《" + _BLANKS_RX.sub("", title_text(later)) + "》"
    return later if named in between else first


def emit_passages(state: State) -> None:
    """Front and back matter, preamble and nodes, as passages in reading order."""
    _paths(state.root)
    specials = _special_runs(state)
    preamble = _preamble(state)
    in_preamble = {id(x) for run in preamble for x in run}
    local = "intro" if state.qa else "preamble"
    items: list[tuple[int, Callable[[], None]]] = []
    items.extend((run[0].start, partial(_emit_special, state, run)) for run in specials)
    items.extend((run[0].start, partial(_emit_run, state, local, local, run, None, ())) for run in preamble)
    sections: dict[int, tuple[str, ...]] = {}
    items.extend((nd.start, partial(_emit_node, state, nd, sections)) for nd in state.nodes
                 if id(nd) not in in_preamble)
    items.sort(key=lambda x: x[0])
    for _, emit in items:
        emit()
    state.passages.sort(key=lambda p: p.start)
    state.title = _document_title(state, specials)
