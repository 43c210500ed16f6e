"""News teasers at the end of a text: one ``Document`` each, cut off and titled by their first clause."""

from __future__ import annotations

from carbon_cli.model import Document, Passage

from .lines import strip_teaser_mark
from .marks import SENTENCE_PUNCT, WS, first_clause_len, ordinal
from .state import Line


def _news_title(s: str, limit: int = 30) -> str:
    """First clause of a teaser; clauses shorter than 8 characters take the next one too."""
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
    return s[:min(end, limit)].strip(WS + "，,；;：:")


def teaser_document(text: str, ln: Line, tid: str) -> Document:
    """A teaser line as a truncated document with a single ``news`` passage."""
    body = ln.text
    o = ordinal(body)
    head = strip_teaser_mark(body[o[3]:] if o else body)
    title = _news_title(head) or _news_title(body)
    p = Passage(f"{tid}/news", tid, "news", None, "", title, None, (), ln.start, ln.end, text[ln.start:ln.end])
    return Document(tid, title, ln.start, ln.end, [p], True, {})
