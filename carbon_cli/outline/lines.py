"""Pass 1a: text to trimmed lines; trailing news teasers split off; PDF wraps joined.

A line is a paragraph unless the text was hard-wrapped at a page width: then many
full lines end mid-sentence, and they are joined back into paragraphs.
"""

from __future__ import annotations

import re

from .marks import FINAL_PUNCT, WS, is_cell_row, ordinal, width
from .state import Line

_LINE_RX = re.compile(r"[^\r\n]+")
_TEASER_RX = re.compile(r"(?:\.{3,}|…+|。{3,})$")


def lines_of(text: str) -> list[Line]:
    """The non-blank lines of ``text``, each trimmed of whitespace."""
    out: list[Line] = []
    for m in _LINE_RX.finditer(text):
        raw = m.group(0)
        ls = raw.lstrip(WS)
        if not ls:
            continue
        s = ls.rstrip(WS)
        start = m.start() + (len(raw) - len(ls))
        out.append(Line(len(out), start, start + len(s), s))
    return out


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


def _wrap_width(lines: list[Line]) -> int | None:
    """The page width of a text hard-wrapped by a PDF export, or None for one line a paragraph.

    In such a text many lines stop at nearly the same width without ending a
    sentence; in a text with one paragraph a line the long lines end in 。.
    """
    widths = sorted(width(ln.text) for ln in lines)
    if len(widths) < 6:
        return None
    top = widths[int(len(widths) * 0.9)]
    cut = [ln for ln in lines if width(ln.text) >= top - 6 and not ln.text.endswith(FINAL_PUNCT)
           and not is_cell_row(ln.text)]
    return top - 6 if top >= 30 and len(cut) >= 3 and len(cut) * 5 >= len(lines) else None


def _last_line(text: str, ln: Line) -> str:
    """The last source line of a (possibly joined) line."""
    return text[ln.start:ln.end].rsplit("\n", 1)[-1].strip(WS)


def unwrap(lines: list[Line], every: list[Line], text: str) -> list[Line]:
    """Join the lines of a hard-wrapped text back into paragraphs.

    A full-width line that does not end a sentence continues on the next line,
    unless that line opens with an ordinal; a page number between them is skipped.
    """
    page = _wrap_width(lines)
    if page is None:
        return lines
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev is not None and all(x.cls == "meta" for x in every[prev.last_idx + 1:ln.idx]) \
                and ordinal(ln.text) is None and not is_cell_row(ln.text) and not is_cell_row(prev.text) \
                and width(_last_line(text, prev)) >= page and not prev.text.endswith(FINAL_PUNCT):
            out[-1] = Line(prev.idx, prev.start, ln.end, text[prev.start:ln.end], prev.cls, ln.idx)
        else:
            out.append(ln)
    return out
