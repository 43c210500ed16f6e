"""Pass 1a: text to trimmed lines; trailing news teasers split off; PDF wraps joined.

A line is a paragraph unless the text was hard-wrapped at a page width: then many
full lines end mid-sentence, and they are joined back into paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from carbon_cli.model import HTML_BREAK

from .marks import FINAL_PUNCT, WS, is_cell_row, ordinal, width
from .state import Line

_LINE_RX = re.compile(r"[^\r\n]+")
_BR_RX = re.compile(HTML_BREAK, re.IGNORECASE)
_TEASER_RX = re.compile(r"(?:\.{3,}|…+|。{3,})$")
_MD_HEADING_RX = re.compile(r"^#{1,6}[ \t]")
_MD_BLOCK_RX = re.compile(r"^(?:#{1,6}[ \t]|[-*+][ \t]|>|\||[0-9]{1,3}[.)][ \t]|```|<!--|-{3,}$|\*{3,}$)")
_WRAP_MIN = 30  # a page narrower than this is a list, not a wrapped text
_WRAP_SLACK = 6  # a wrapped line may stop this much short of the page (a word that did not fit)
_NO_OPENING = tuple("，。、；：！？")  # marks no paragraph opens with: the line goes on the one before
# A chapter or section heading a text layer glued to the end of the sentence before it
# (``…责任。第八章 附 则``).
_GLUED_HEADING_RX = re.compile(r"(?<=[。；;！!])第[一二三四五六七八九十百零〇0-9]{1,5}[章节][ \t\u3000]*"
                               r"[^\s。，,；;：:、．.！!？?“”《》（）()]{1,24}(?:[ \t\u3000][^\s。，,；;：:]{1,8})?$")


def lines_of(text: str) -> list[Line]:
    """The non-blank lines of ``text``, each trimmed of whitespace; a heading glued to
    the sentence before it is a line of its own, and so is each piece of a line broken
    with ``<br>``: a captured page's article set in one table cell (``| …<br>…<br>… |``)
    is read as its paragraphs."""
    out: list[Line] = []
    for m in _LINE_RX.finditer(text):
        start, end = _one_cell(text, *_trimmed(text, m.start(), m.end()))
        for piece in _pieces(text, start, end):
            _add_line(out, text, *piece)
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in WS:
        start += 1
    while end > start and text[end - 1] in WS:
        end -= 1
    return start, end


def _one_cell(text: str, start: int, end: int) -> tuple[int, int]:
    """A table row of one cell (``| text |``) as its text: a layout box, not a table."""
    if end - start > 2 and text[start] == "|" and text[end - 1] == "|" and "|" not in text[start + 1:end - 1]:
        return _trimmed(text, start + 1, end - 1)
    return start, end


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of a line between its ``<br>`` breaks, trimmed, blank ones dropped."""
    if "<" not in text[start:end]:
        return [(start, end)] if end > start else []
    spans, at = [], start
    for br in _BR_RX.finditer(text, start, end):
        spans.append(_trimmed(text, at, br.start()))
        at = br.end()
    spans.append(_trimmed(text, at, end))
    return [(a, b) for a, b in spans if b > a]


def _add_line(out: list[Line], text: str, start: int, end: int) -> None:
    s = text[start:end]
    glued = _GLUED_HEADING_RX.search(s)
    if glued:
        out.append(Line(len(out), start, start + glued.start(), s[: glued.start()]))
        start, s = start + glued.start(), glued.group(0)
    out.append(Line(len(out), start, start + len(s), s))


def is_teaser(line: Line) -> bool:
    """A news teaser: a line cut off with ``......`` / ``……``."""
    return bool(_TEASER_RX.search(line.text[-8:]))


def strip_teaser_mark(s: str) -> str:
    return _TEASER_RX.sub("", s)


def split_teasers(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(the document's lines, renumbered; the teaser lines that end the text)."""
    k = len(lines)
    while k > 0 and is_teaser(lines[k - 1]):
        k -= 1
    main = lines[:k]
    for i, ln in enumerate(main):
        ln.idx = i
    return main, lines[k:]


def _ends_sentence(s: str) -> bool:
    """A line that ends a sentence, or a note in brackets after one (``…（发展改革委负责）``)."""
    return _closes(s, _opens_bracket(s))


def _closes(last: str, bracketed: bool) -> bool:
    """``_ends_sentence`` of a text ending with ``last``; ``bracketed``: whether the text
    opens a bracket anywhere."""
    return last.endswith(FINAL_PUNCT) or last[-1:] in "）)" and bracketed


def _opens_bracket(s: str) -> bool:
    return "（" in s or "(" in s


def _wrap_width(lines: list[Line]) -> int | None:
    """The page width of a text hard-wrapped by a PDF export, or None for one line a paragraph.

    In such a text many lines stop at nearly the same width without ending a
    sentence: the most common width of such lines is the page's (an attachment set at
    a wider page still has its lines past it); in a text with one paragraph a line,
    the long lines end in 。.
    """
    if len(lines) < 6:
        return None
    open_ends = Counter(width(ln.text) for ln in lines
                        if width(ln.text) >= _WRAP_MIN and not _ends_sentence(ln.text) and not is_cell_row(ln.text))
    if not open_ends:
        return None
    page, count = max(open_ends.items(), key=lambda item: (item[1], -item[0]))
    cut = sum(n for w, n in open_ends.items() if w >= page - _WRAP_SLACK)
    long = sum(width(ln.text) >= page - _WRAP_SLACK for ln in lines)
    wider = [ln for ln in lines if width(ln.text) > page + _WRAP_SLACK]
    ending = sum(_ends_sentence(ln.text) for ln in wider)
    # most lines that reach the page stop mid-sentence, and so do most lines past it (a
    # part set at a wider page): in a text with one paragraph a line, the lines that run
    # past a heading's width end a sentence
    near = sum(n for w, n in open_ends.items() if abs(w - page) <= _WRAP_SLACK)
    # and the lines cut mid-sentence are cut at the page: headings' widths are spread
    past_page = ending * 2 <= len(wider) or len(wider) * 10 <= len(lines)  # a few lines past it say nothing
    wrapped = count >= 3 and cut * 5 >= len(lines) and cut * 2 >= long and past_page \
        and near * 3 >= sum(open_ends.values())
    return page - _WRAP_SLACK if wrapped else None


def is_markdown(lines: list[Line]) -> bool:
    """A Markdown text: it has ``#`` headings."""
    return any(_MD_HEADING_RX.match(ln.text) for ln in lines)


@dataclass
class _Paragraph:
    """The lines joined so far into one paragraph, with what deciding on the next line
    asks of them, kept as lines join: reading the whole joined text again for every line
    would make a long run of joined lines quadratic (50,000 lines: minutes)."""

    first: Line
    last: Line  # the last source line joined
    open_titles: int  # 《 minus 》 so far: a title left open goes on on the next line
    bracket: bool  # a （ or ( so far: a line ending with ） then closes a note after a sentence

    @classmethod
    def of(cls, ln: Line) -> _Paragraph:
        return cls(ln, ln, ln.text.count("《") - ln.text.count("》"), _opens_bracket(ln.text))

    def join(self, ln: Line, text: str) -> None:
        added = text[self.last.end : ln.end]
        self.open_titles += added.count("《") - added.count("》")
        self.bracket = self.bracket or _opens_bracket(added)
        self.last = ln

    def ends_sentence(self) -> bool:
        """``_ends_sentence`` of the joined text."""
        return _closes(self.last.text, self.bracket)

    def line(self, text: str) -> Line:
        if self.last is self.first:
            return self.first
        first = self.first
        return Line(first.idx, first.start, self.last.end, text[first.start : self.last.end], first.cls, self.last.idx)


def _soft_wrapped(prev: _Paragraph, ln: Line, text: str) -> bool:
    """In Markdown, a line right under another (no blank line between) goes on with its
    paragraph, unless it starts a block (heading, list item, quote, table, rule) or the
    line above ends a sentence (a text written one paragraph a line)."""
    gap = text[prev.last.end:ln.start].replace("\r\n", "\n")
    if gap.count("\n") + gap.count("\r") != 1 or prev.ends_sentence():
        return False
    return not _MD_BLOCK_RX.match(ln.text) and not _MD_BLOCK_RX.match(prev.first.text)


def _continues(prev: _Paragraph, ln: Line, every: list[Line], text: str, page: int | None, markdown: bool) -> bool:
    """Whether ``ln`` goes on with the paragraph ``prev``: cut at the page width, inside
    a 《…》 title, opening with a mark no paragraph opens with (。在锡林郭勒 after a line
    a PDF closed with （700 万千瓦）), or soft-wrapped in Markdown; never when ``ln`` opens
    with an ordinal or either is a table row."""
    last_idx = prev.last.last_idx
    if not all(x.cls == "meta" for x in every[last_idx + 1:ln.idx]) or ordinal(ln.text) is not None \
            or is_cell_row(ln.text) or is_cell_row(prev.first.text):
        return False
    if prev.open_titles > 0 and "》" in ln.text or ln.text.startswith(_NO_OPENING):
        return True
    if markdown and ln.idx == last_idx + 1 and _soft_wrapped(prev, ln, text):
        return True
    return page is not None and width(prev.last.text) >= page and not prev.ends_sentence()


def unwrap(lines: list[Line], every: list[Line], text: str) -> list[Line]:
    """Join the lines of a hard-wrapped text back into paragraphs.

    A full-width line that does not end a sentence continues on the next line,
    unless that line opens with an ordinal; a page number between them is skipped.
    In any text, a line that leaves a 《…》 title open continues up to the line that
    closes it, so the title's pieces never stand as paragraphs of their own, and a line
    that opens with ，。、；：！？ goes on the one before. In Markdown, a paragraph's
    soft-wrapped lines join.
    """
    page = _wrap_width(lines)
    markdown = is_markdown(every)
    out: list[Line] = []
    paragraph: _Paragraph | None = None
    for ln in lines:
        if paragraph is not None and _continues(paragraph, ln, every, text, page, markdown):
            paragraph.join(ln, text)
            continue
        if paragraph is not None:
            out.append(paragraph.line(text))
        paragraph = _Paragraph.of(ln)
    if paragraph is not None:
        out.append(paragraph.line(text))
    return out
