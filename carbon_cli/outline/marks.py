"""The marks a line is read by: whitespace, punctuation, Markdown marks, numerals,
ordinals, titles, and the shapes of document numbers and dates.

Every pass reads lines through these; none of them decides anything by itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Whitespace (everything str.isspace() accepts) plus zero-width characters and BOM.
WS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff\u200b\u200c\u200d\u2060"
)

TITLE_STOPS = frozenset("。，,；;：:？?！!")
BREAK_RX = re.compile("[ \t\u3000]*[\r\n]+[ \t\u3000]*")
SENTENCE_PUNCT = frozenset("。；;！!？?")
CLAUSE_PUNCT = frozenset("，,；;：:")
ANY_PUNCT = SENTENCE_PUNCT | CLAUSE_PUNCT | frozenset("、．.")
FINAL_PUNCT = tuple("。；;！!？?：:")
PIPES = "|｜"

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN = "一二三四五六七八九十百零〇"
DIG = "0-9０-９"

# Markdown marks before a heading or a bold lead (``## 一、``, ``**（一）``).
MD_PREFIX_RX = re.compile(r"(?:#{1,6}[ \t]+|\*\*|__|>[ \t]*|[-*+][ \t]+)*")

# A document number, possibly in brackets: 发改能源规〔2021〕1051号, （国发〔2021〕23 号）,
# 第19号, （第八十二号）, 1051號 in traditional characters. The agency's abbreviation
# before the year holds no space and no 关于: a title followed by its number is a title.
DOCNO_RX = re.compile(r"^[（(]?(?P<no>(?:(?!关于)[^\s]){0,24}?[ ]?"
                      r"[〔\[［【(（][ ]*[0-9０-９]{4}[ ]*[〕\]］】)）][ ]*[0-9０-９]{1,5}[ ]*[号號]|"
                      r"(?:.{0,20}令[ \t\u3000]*)?"
                      r"第[ \t\u3000]*[0-9０-９一二三四五六七八九十百零〇]{1,6}[ \t\u3000]*[号號])"
                      r"[）)]?$")
DATE_RX = re.compile(
    rf"^[（(]?[ \t\u3000]*[{DIG}〇零一二三四五六七八九]{{4}}[ \t\u3000]*年[ \t\u3000]*"
    rf"[{DIG}〇一二三四五六七八九十]{{1,3}}[ \t\u3000]*月[ \t\u3000]*"
    rf"[{DIG}〇一二三四五六七八九十]{{1,3}}[ \t\u3000]*日[ \t\u3000]*[）)]?$")
# An interview's question and answer labels.
ASK_RX = re.compile(r"^(?:\*\*)?(?:问|問|记者|記者|提问|提問)[ \t\u3000]*[：:][ \t\u3000]*(?:\*\*)?")
ANSWER_RX = re.compile(r"^(?:\*\*)?答[ \t\u3000]*[：:]")


def md_skip(s: str) -> int:
    """Length of the Markdown marks at the start of ``s`` (0 when there are none)."""
    m = MD_PREFIX_RX.match(s)
    return m.end() if m else 0


def cn_number(s: str) -> int | None:
    """Value of a Chinese (or Arabic / full-width) numeral: 三十四 -> 34, 12 -> 12."""
    s = s.strip(WS)
    if not s:
        return None
    try:
        return int(s)
    except ValueError:
        pass
    total, cur = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch] if cur is None else cur * 10 + _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if cur is None else cur) * _CN_UNITS[ch]
            cur = None
        else:
            return None
    return total + (cur or 0)


def _joined(m: re.Match[str]) -> str:
    """A line break inside a title: nothing between Chinese characters, a space between Latin words."""
    s = m.string
    before, after = s[m.start() - 1: m.start()], s[m.end(): m.end() + 1]
    return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""


def title_of(text_after_ordinal: str, limit: int = 60) -> str:
    """Short title: the text up to the first sentence or clause punctuation.

    Line breaks inside are dropped: a line wrapped by a PDF's page width can cut a
    title in two, and a title never spans a real paragraph break.
    """
    s = BREAK_RX.sub(_joined, text_after_ordinal.lstrip(WS))
    s = s[md_skip(s):]
    cut = len(s)
    for i, ch in enumerate(s):
        if ch in TITLE_STOPS:
            cut = i
            break
        if i >= limit:
            cut = limit
            break
    return s[:cut].strip(WS + "*")[:limit]


def first_clause_len(s: str, limit: int) -> int | None:
    """Where the first clause of ``s`` ends, if within ``limit`` characters."""
    for i, ch in enumerate(s[: limit + 1]):
        if ch in TITLE_STOPS:
            return i
    return None


# --------------------------------------------------------------------------- ordinals

ORDINALS: list[tuple[str, re.Pattern[str]]] = [
    ("chap", re.compile(rf"第(?P<n>[{CN}{DIG}]{{1,5}})(?:章|篇|部分)")),
    ("sect", re.compile(rf"第(?P<n>[{CN}{DIG}]{{1,5}})节")),
    ("art", re.compile(rf"第(?P<n>[{CN}{DIG}]{{1,5}})条")),
    ("di", re.compile(r"第(?P<n>[一二三四五六七八九十]{1,3})[，,、]")),
    ("shi", re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})是(?![的否])")),
    ("cn", re.compile(rf"(?P<n>[{CN}]{{1,5}})[ \t\u3000]*[、．.]")),
    ("pcn", re.compile(rf"[（(][ \t\u3000]*(?P<n>[{CN}]{{1,5}})[ \t\u3000]*[）)]")),
    ("pnum", re.compile(rf"[（(][ \t\u3000]*(?P<n>[{DIG}]{{1,3}})[ \t\u3000]*[）)]")),
    ("num", re.compile(rf"(?P<n>[{DIG}]{{1,3}})[ \t\u3000]*[.．、](?![{DIG}])")),
    ("num2", re.compile(rf"(?P<n>[{DIG}]{{1,3}})[）)]")),
    ("circ", re.compile(r"(?P<c>[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])")),
    ("dash", re.compile(r"(?:——|──|--|－－|—(?=[ \u3000]))")),
    ("box", re.compile(rf"专栏[ \t\u3000]*(?P<n>[{CN}{DIG}]{{1,3}})(?![{DIG}])")),
]
# Nesting rank of each family: a family ranked shallower than the open one closes the deeper ones.
RANK = {"chap": 0, "sect": 1, "art": 2, "ask": 2, "cn": 3, "pcn": 4, "num": 5, "num2": 6,
        "pnum": 7, "circ": 8, "dash": 9, "shi": 9, "di": 9, "box": 9}
LEAF_STYLES = frozenset({"dash", "shi", "di"})


def _circ_value(ch: str) -> int:
    o = ord(ch)
    if 0x2460 <= o <= 0x2473:
        return o - 0x2460 + 1
    if 0x3251 <= o <= 0x325F:
        return o - 0x3251 + 21
    return o - 0x32B1 + 36


@lru_cache(maxsize=1 << 16)  # every line of the longest text allowed (readers.MAX_LINES)
def ordinal(s: str) -> tuple[str, str, int | None, int] | None:
    """(style, label, value, length of label and of any Markdown marks before it).

    Cached: the passes ask about the same line several times (a line, then the line
    before it deciding whether it continues a cut heading)."""
    skip = md_skip(s)
    head = s[skip:skip + 16]
    for style, rx in ORDINALS:
        m = rx.match(head)
        if not m:
            continue
        if style == "circ":
            value: int | None = _circ_value(m.group("c"))
        elif style == "dash":
            value = None
        else:
            value = cn_number(m.group("n"))
            if value is None:
                continue
        label = m.group(0).rstrip(WS)
        return style, label, value, skip + m.end()
    return None


def ordinal_style(s: str) -> str:
    """The family of the ordinal ``s`` starts with, or "" when it has none."""
    o = ordinal(s)
    return o[0] if o else ""


def is_cell_row(s: str) -> bool:
    """A table row (``| a | b |`` or tab-separated cells): rows are as wide as each other."""
    return s[:1] in PIPES or "\t" in s


def width(s: str) -> int:
    """Display width: CJK and full-width characters count two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s)


def strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    """``(a, b)`` narrowed to exclude surrounding whitespace."""
    seg = text[a:b]
    ls = seg.lstrip(WS)
    a += len(seg) - len(ls)
    b = a + len(ls.rstrip(WS))
    return a, b
