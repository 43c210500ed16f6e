"""News teasers at the end of a text: one ``Document`` each, cut off and titled by their first clause."""

from __future__ import annotations

import re

from carbon_cli.model import Document, Passage

from .lines import strip_teaser_mark
from .marks import SENTENCE_PUNCT, WS, first_clause_len, ordinal
from .state import Line

# A news story's dateline after its headline: 2月8日, followed by a comma.
_DATELINE_RX = re.compile(r"(?<![0-9])[0-9]{1,2}月[0-9]{1,2}日(?=[,，])")
_MIN_HEADLINE = 8  # a dateline this far in or further ends the headline; one at the start opens the story
_BRACKETS = (("《", "》"), ("(", ")"), ("（", "）"), ("“", "”"), ("【", "】"))
_BRACKET_REACH = 30  # how far past the cut a closing bracket is looked for


def _news_title(s: str, limit: int = 30) -> str:
    """First clause of a teaser; clauses shorter than 8 characters take the next one too.

    The title ends where the story starts: before a dateline glued to the headline
    (``…食养指南2月8日,国家卫生健康委…``); and never inside open brackets: it runs on to
    the closing one when that is near, else stops before the opening one.
    """
    s = s.strip(WS)
    end = 0
    while end < len(s) and end < limit:
        cut = first_clause_len(s[end:], limit)
        if cut is None:
            end = len(s)
            break
        end += cut
        if end >= 8 or s[end] in SENTENCE_PUNCT:
            break
        end += 1
    end = min(end, limit)
    dateline = _DATELINE_RX.search(s, _MIN_HEADLINE, end + 1)
    if dateline:
        end = dateline.start()
    return _closed(s, end).strip(WS + "，,；;：:")


def _closed(s: str, end: int) -> str:
    """``s[:end]`` with no bracket left open."""
    head = s[:end]
    for opening, closing in _BRACKETS:
        at = head.rfind(opening)
        if at < 0 or closing in head[at:]:
            continue
        close = s.find(closing, end, end + _BRACKET_REACH)
        head = s[: close + 1] if close >= 0 else head[:at]
    return head


def teaser_document(text: str, ln: Line, tid: str) -> Document:
    """A teaser line as a truncated document with a single ``news`` passage."""
    body = ln.text
    o = ordinal(body)
    head = strip_teaser_mark(body[o[3]:] if o else body)
    title = _news_title(head) or _news_title(body)
    p = Passage(f"{tid}/news", tid, "news", None, "", title, None, (), ln.start, ln.end, text[ln.start:ln.end])
    return Document(tid, title, ln.start, ln.end, [p], True, {})
