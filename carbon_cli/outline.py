"""The outline of a Chinese official document: plain text to ``Document``s.

``parse_documents(text, doc_id, teaser_prefix=None)`` is a pure function (no I/O,
no jieba) that never raises on a ``str``: whatever the input, it returns a list of
``Document`` whose passages satisfy ``text[p.start:p.end] == p.text``, come in
reading order, never overlap and have ids unique within their document.

What is recognised
------------------
* One paragraph per line (``\\n``, ``\\r\\n`` or ``\\r``), blank lines or not;
  surrounding whitespace (incl. U+3000 and zero-width characters) is trimmed from
  every span. A text hard-wrapped at a PDF's page width (many full lines that
  end mid-sentence) is joined back into paragraphs, across page numbers.
  Markdown marks (``## 一、``, ``**（一）…。**``, ``- ``, ``> ``, ``---``) are
  looked through; text in traditional characters is read alike for the
  semantic kinds and interview questions.
* Front matter: a title line (up to three wrapped title lines are joined; an
  agency header such as ``国家能源局文件`` above the number gives way to the real
  title below it and becomes a ``note``), a document number line
  (``发改能源规〔2021〕1051号``, ``第19号``, also stored as ``meta["文号"]``), a date
  line right under the title (``（2021年9月22日）``) and an addressee line, possibly
  wrapped over two (``各省、自治区、直辖市…：``).
* Closings: date line (``2021年7月15日``, ``二〇二一年七月十五日``) with the
  signature lines just above it (agency names, ``部长 某某``), at the end or where a
  印发 notice closes before the document it issues; that document's title is a
  second ``title``. Notes: ``（此件公开发布）``, contact lines (``联系人：``), the
  printing block (``抄送：…``, ``…日印发``). Attachments: a block (``附件：`` /
  ``附件下载:`` followed by file names or a numbered list), and ``附件1`` labels
  that open an attached text with its own title (its headings nest afresh).
* Page metadata left by web reprints goes into ``Document.meta`` and into no
  passage: table lines (``| 索 引 号： | … |``), ``key：value`` lines such as
  ``来源：新华社``, ``发布时间：…``, ``访问次数：…`` (several on one line, or led
  by a time stamp or a site name), a key alone on its line with its value on the
  next, breadcrumbs, page numbers and page furniture (``字号 大 中 小``,
  ``【打印】``, ``分享到`` and its buttons, ``上一篇：``, ``关闭窗口`` …).
* Ordinals, by family (the first seen family is the outer level; a family that is
  already open closes back to its level; a family ranked shallower than the open
  one closes the deeper ones):
  ``第一章/第一节/第一条``, ``一、 一． 一.``, ``（一） (一)``, ``1. 1． 1、``,
  ``1) 1）``, ``（1） (1)``, ``① …``, boxes ``专栏1`` (headings, never semantic
  items), and the list markers ``——``, ``一是``, ``第一，`` which are always
  leaves. An ordinal alone on its line (``一、`` / ``（三）``) is joined with the
  next line into one heading.
* Inline enumerations ``一是…二是…三是…`` and ``第一，…第二，…`` inside one
  paragraph, and an article's or heading's ``…：（一）…；（二）…``, are split into
  one passage each (exact sub-spans of the paragraph); the text before the first
  stays a paragraph (or the heading it belongs to).
* Titled paragraphs: runs of at least two sibling paragraphs whose first sentence
  is a short title (``统筹规划、多元发展。加强顶层设计…``) become items. A paragraph
  after a clause list (``（一）…；（二）…。``) belongs to what holds the list.
* The Q&A form (``一、…？`` question lines, ``问：…`` lines answered by ``答：…``,
  or at least two bare ``…？`` lines, each followed by answers): an intro, then
  question / answer pairs, see ids below.
* A text ending in news teasers (lines cut off with ``......`` / ``……``) yields one
  extra ``Document`` per teaser (``truncated=True``, a single passage ``news``).

Kinds
-----
title, number (the document number line), addressee, preamble, heading (an
ordinal line that is a heading alone, or that has children), item (an
enumerated or titled paragraph without children), paragraph, signature, date,
attachment; for the Q&A form intro, question, answer; news for teasers; and the
semantic kinds:

* ``action``: enumerated (or titled) items whose title ends in 行动, except a
  heading that groups two or more of them (``三、碳达峰十大行动``);
* ``principle``: items directly under a heading whose title names principles
  (工作原则 / 基本原则 / 编制原则 …; plain paragraphs count there when it has no
  items, and so do the ``坚持…`` sentences of an item ``（二）工作原则。坚持…。坚持…``
  written as one paragraph), or after a lead paragraph ending in ``…原则：`` up to
  the next plain paragraph;
* ``guarantee``: items directly under a heading whose title is about safeguards
  and implementation (保障措施, 政策保障, 组织实施, 组织保障, 规划实施, 工作要求,
  确保…落实 …; plain paragraphs count there when it has no items and its title names
  the section: 保障措施, 组织实施, 工作要求 …).

Semantic items are numbered 1..n in reading order within the document and
``number`` is that n; other enumerated passages carry the ordinal's value.

Ids
---
Every id is ``{doc}/{local}``:

* ``title``, ``number``, ``addressee``, ``preamble``, ``signature``, ``date``,
  ``attachment``, ``note`` (closing notes and agency headers, kind paragraph), ``intro`` (Q&A),
  ``news`` (teaser documents);
* semantic items: ``action/N``, ``principle/N``, ``guarantee/N``;
  Q&A: ``question/N`` and ``answer/N`` (N = the question's ordinal);
* everything else by its outline path: numbered ordinals give their value, the
  first segment prefixed with ``s`` (``s3`` for 三、, ``s3.5`` for （五） under it,
  ``s3.5.2`` for 2. under that); paragraphs ``p{k}`` (k-th paragraph child of the
  same parent: ``s3.5.p1``; top-level ones ``p1``); ``——`` items ``d{k}``;
  ``一是`` items ``i{n}`` (``s4.i2``); boxes ``box{n}``. The path of a semantic item or of a
  question is still used for its children (``s6.15.p1`` under guarantee 1).
* A repeated id (a misnumbered document) gets ``-2``, ``-3`` … appended.

Titles
------
``title_of(text_after_ordinal)``: the text up to the first sentence or clause
punctuation (。，,；;：:？?！!), at most 60 characters, line breaks dropped.
Questions keep their whole text without the ordinal (or ``问：``) and the final
question mark. The document title is the first title run; else ``meta["标题"]``; else, for the Q&A form,
``《X》答记者问`` with X the first 《…》 of the intro (so the shipped seed gets
``《科技支撑碳达峰碳中和实施方案(2022—2030年)》答记者问``); else the first clause
of the first passage, shortened. A teaser's title is its first clause (ordinal
dropped), at most 30 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from carbon_cli.model import Document, Passage

__all__ = ["parse_documents", "title_of", "cn_number"]

# Whitespace (everything str.isspace() accepts) plus zero-width characters and BOM.
_WS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff\u200b\u200c\u200d\u2060"
)

_TITLE_STOPS = frozenset("。，,；;：:？?！!")
_BREAK_RX = re.compile("[ \t\u3000]*[\r\n]+[ \t\u3000]*")
_SENTENCE_PUNCT = frozenset("。；;！!？?")
_CLAUSE_PUNCT = frozenset("，,；;：:")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "一二三四五六七八九十百零〇"
_DIG = "0-9０-９"


def cn_number(s: str) -> int | None:
    """Value of a Chinese (or Arabic / full-width) numeral: 三十四 -> 34, 12 -> 12."""
    s = s.strip(_WS)
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


def title_of(text_after_ordinal: str, limit: int = 60) -> str:
    """Short title: the text up to the first sentence or clause punctuation.

    Line breaks inside are dropped: a line wrapped by a PDF's page width can cut a
    title in two, and a title never spans a real paragraph break.
    """
    s = _BREAK_RX.sub("", text_after_ordinal.lstrip(_WS))
    s = s[_MD_PREFIX_RX.match(s).end():]
    cut = len(s)
    for i, ch in enumerate(s):
        if ch in _TITLE_STOPS:
            cut = i
            break
        if i >= limit:
            cut = limit
            break
    return s[:cut].strip(_WS + "*")[:limit]


# --------------------------------------------------------------------------- ordinals

_ORDINALS: list[tuple[str, re.Pattern[str]]] = [
    ("chap", re.compile(rf"第(?P<n>[{_CN}{_DIG}]{{1,5}})(?:章|篇|部分)")),
    ("sect", re.compile(rf"第(?P<n>[{_CN}{_DIG}]{{1,5}})节")),
    ("art", re.compile(rf"第(?P<n>[{_CN}{_DIG}]{{1,5}})条")),
    ("di", re.compile(r"第(?P<n>[一二三四五六七八九十]{1,3})[，,、]")),
    ("shi", re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})是(?![的否])")),
    ("cn", re.compile(rf"(?P<n>[{_CN}]{{1,5}})[ \t\u3000]*[、．.]")),
    ("pcn", re.compile(rf"[（(][ \t\u3000]*(?P<n>[{_CN}]{{1,5}})[ \t\u3000]*[）)]")),
    ("pnum", re.compile(rf"[（(][ \t\u3000]*(?P<n>[{_DIG}]{{1,3}})[ \t\u3000]*[）)]")),
    ("num", re.compile(rf"(?P<n>[{_DIG}]{{1,3}})[ \t\u3000]*[.．、](?![{_DIG}])")),
    ("num2", re.compile(rf"(?P<n>[{_DIG}]{{1,3}})[）)]")),
    ("circ", re.compile(r"(?P<c>[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])")),
    ("dash", re.compile(r"(?:——|──|--|－－|—(?=[ \u3000]))")),
    ("box", re.compile(rf"专栏[ \t\u3000]*(?P<n>[{_CN}{_DIG}]{{1,3}})(?![{_DIG}])")),
]
_RANK = {"chap": 0, "sect": 1, "art": 2, "ask": 2, "cn": 3, "pcn": 4, "num": 5, "num2": 6,
         "pnum": 7, "circ": 8, "dash": 9, "shi": 9, "di": 9, "box": 9}
_LEAF_STYLES = frozenset({"dash", "shi", "di"})


def _circ_value(ch: str) -> int:
    o = ord(ch)
    if 0x2460 <= o <= 0x2473:
        return o - 0x2460 + 1
    if 0x3251 <= o <= 0x325F:
        return o - 0x3251 + 21
    return o - 0x32B1 + 36


# Markdown marks before a heading or a bold lead (``## 一、``, ``**（一）``).
_MD_PREFIX_RX = re.compile(r"(?:#{1,6}[ \t]+|\*\*|__|>[ \t]*|[-*+][ \t]+)*")


def _ordinal(s: str) -> tuple[str, str, int | None, int] | None:
    """(style, label, value, length of label and of any Markdown marks before it)."""
    skip = _MD_PREFIX_RX.match(s).end()
    head = s[skip:skip + 16]
    for style, rx in _ORDINALS:
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
        label = m.group(0).rstrip(_WS)
        return style, label, value, skip + m.end()
    return None


# --------------------------------------------------------------------------- line classes

_DOCNO_RX = re.compile(r"^(?:.{0,24}?[〔\[［【(（][ ]*[0-9０-９]{4}[ ]*[〕\]］】)）][ ]*[0-9０-９]{1,5}[ ]*号|"
                       r"(?:.{0,20}令[ \t\u3000]*)?第[ \t\u3000]*[0-9０-９]{1,4}[ \t\u3000]*号)$")
_DATE_RX = re.compile(
    rf"^[（(]?[ \t\u3000]*[{_DIG}〇零一二三四五六七八九]{{4}}[ \t\u3000]*年[ \t\u3000]*"
    rf"[{_DIG}〇一二三四五六七八九十]{{1,3}}[ \t\u3000]*月[ \t\u3000]*"
    rf"[{_DIG}〇一二三四五六七八九十]{{1,3}}[ \t\u3000]*日[ \t\u3000]*[）)]?$")
# Closing notes: （此件公开发布）, contact lines, and the 版记 of a printed document
# (抄送：…, ``国务院办公厅 2021年10月26日印发``).
_NOTE_RX = re.compile(
    r"^(?:[（(]此件[^）)]{0,20}[）)]$|[（(]?(?:联[ \t\u3000]*系[ \t\u3000]*人|联系电话|联系方式|咨询电话)[：:]|"
    r"(?:抄[ \t\u3000]*送|抄[ \t\u3000]*报|分[ \t\u3000]*送)[：:]|.{0,40}[0-9０-９〇一二三四五六七八九十]日[ \t\u3000]*印发$)")
_ATTACH_RX = re.compile(r"^附[ \t\u3000]*件[ \t\u3000]*(?:下载|[0-9０-９]{1,2})?[ \t\u3000]*(?:[：:]|$)")
_FILE_RX = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|pptx?|csv|jpe?g|png)$", re.I)
_TITLE_END_RX = re.compile(
    r"(?:意见|通知|方案|办法|规定|决定|报告|答记者问|批复|函|纲要|规划|公告|通告|细则|"
    r"指南|条例|决议|通报|计划|要点|说明|解读|措施|规则|标准|目录|清单|命令|令)[）)]?"
    r"(?:[（(][^（）()]{1,12}[）)])?$")  # …方案（征求意见稿）, …办法（试行）

_META_KEYS = ["索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "文号",
              "发布日期", "发布时间", "来源", "信息来源", "文章来源", "主题词", "访问次数",
              "浏览次数", "阅读次数", "点击数", "生效日期", "有效性", "作者", "责任编辑",
              "字号", "字体", "公文种类", "发布机构", "体裁分类", "当前位置", "浏览量",
              "您的位置", "编辑", "发布者", "点击量", "阅读量", "稿件来源", "发文单位", "成文时间"]
_META_KEYSET = frozenset(_META_KEYS)
_KEY_ALT = "|".join(r"[ \t\u3000]*".join(re.escape(c) for c in k)
                    for k in sorted(_META_KEYS, key=len, reverse=True))
_KV_START_RX = re.compile(rf"^[【\[]?[ \t\u3000]*(?:{_KEY_ALT})[ \t\u3000]*[】\]]?[ \t\u3000]*[：:]")
_KV_RX = re.compile(rf"(?P<k>{_KEY_ALT})[ \t\u3000]*[】\]]?[ \t\u3000]*[：:]")
_NAV_RX = re.compile(r"大[ \t\u3000]*中[ \t\u3000]*小|打印本页|打印此页|关闭窗口|关闭本页|分享到|"
                     r"扫一扫|返回顶部|我要纠错|[【\[]打印[】\]]|[【\[]关闭[】\]]|^打印$|^收藏$")
_PIPES = "|｜"
# A page's own time stamp: dashes or slashes, or a clock time (a bare ``2021年7月15日``
# line is the document's date, not metadata).
_STAMP_RX = re.compile(
    r"^[0-9]{4}(?:[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?:[ \t\u3000]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?|"
    r"年[0-9]{1,2}月[0-9]{1,2}日[ \t\u3000]*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)[ \t\u3000]*")
_CRUMB_RX = re.compile(r"^(?:首页|主页|网站首页|您现在的位置|您所在的位置).{0,80}[>＞»›]")
# Page numbers of a printed document: ``— 3 —``, ``- 3 -``, ``第3页 共10页``.
_PAGE_NO_RX = re.compile(r"^(?:[-—－–]{1,2}[ \t\u3000]*[0-9]{1,4}[ \t\u3000]*[-—－–]{1,2}|"
                         r"第[ \t\u3000]*[0-9]{1,4}[ \t\u3000]*页"
                         r"(?:[ \t\u3000，,]*共[ \t\u3000]*[0-9]{1,4}[ \t\u3000]*页)?)$")
# A line made of page buttons only: ``打印 关闭``, ``【打印】【关闭】``, ``字号：大 中 小``.
_FURNITURE_RX = re.compile(
    r"^(?:[\s\u3000【】\[\]|｜/：:]*(?:打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|分享到|分享|"
    r"我要纠错|纠错|返回顶部|返回|字号|字体|默认|大|中|小))+[\s\u3000【】\[\]|｜/：:]*$")
_MD_RULE_RX = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")  # a Markdown rule between sections
_SIBLING_RX = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)[：:]|^(?:相关稿件|相关链接|相关新闻|相关阅读|相关文件)$")
_SHARE_RX = re.compile(r"^(?:微信|微博|QQ空间|QQ|朋友圈|收藏|纠错|返回|关闭|分享)$")
_DANGLING_RX = re.compile(rf"^[【\[]?[ \t\u3000]*(?P<k>{_KEY_ALT})[ \t\u3000]*[】\]]?[ \t\u3000]*[：:]$")
# Line classes whose consecutive lines form one passage (a wrapped title or addressee,
# several signing agencies, an attachment list).
_JOINED_CLASSES = frozenset({"title", "addressee", "signature", "attachment"})
_AGENCY_RX = re.compile(r"(?:院|委|局|部|厅|办|署|会|政府|办公室|中心|公司|集团|银行|小组|法院|检察院)$|"
                        r"^(?:部长|主任|局长|署长|行长|总理|主席|省长|市长|区长|县长|院长)[ \t\u3000]+\S{2,4}$")
_ATTACH_LABEL_RX = re.compile(r"^附[ \t\u3000]*件[ \t\u3000]*[0-9０-９]{0,2}$")
_FONT_SIZES_RX = re.compile(r"^[【\[]?[ \t\u3000]*大[ \t\u3000]*中[ \t\u3000]*小")


def _dangling_key(line: str) -> str | None:
    """The key of a metadata line that holds a key and no value (``索 引 号：``)."""
    m = _DANGLING_RX.match(line)
    return _strip_key(m.group("k")) if m else None


def _meta_value_like(line: str) -> bool:
    """A short line that can be the value of the key above it, not a heading or a key."""
    return len(line) <= 80 and _ordinal(line) is None and not _KV_START_RX.match(line) \
        and not any(ch in _SENTENCE_PUNCT for ch in line)


def _strip_key(k: str) -> str:
    return re.sub(r"[\s\u3000：:【】\[\]]", "", k)


def _meta_of(line: str) -> dict[str, str] | None:
    """The metadata a line holds ({} for page furniture), or None for content."""
    if len(line) > 400:
        return None
    if _PAGE_NO_RX.match(line) or _MD_RULE_RX.match(line):
        return {}
    line = line[_MD_PREFIX_RX.match(line).end():] or line
    if line[0] in _PIPES:
        cells = [c.strip(_WS) for c in re.split(r"[|｜]", line)]
        cells = [c for c in cells]
        inner = [c for c in cells if c]
        if not inner or all(re.fullmatch(r":?-{2,}:?", c) for c in inner):
            return {} if "-" in line else None
        keys = [_strip_key(c) in _META_KEYSET for c in cells]
        if not any(keys):
            return None
        out: dict[str, str] = {}
        for i, c in enumerate(cells):
            if keys[i]:
                v = cells[i + 1] if i + 1 < len(cells) and not keys[i + 1] else ""
                if v:
                    out.setdefault(_strip_key(c), v)
        return out
    stamp = _STAMP_RX.match(line)
    if stamp and (stamp.end() == len(line) or _KV_START_RX.match(line[stamp.end():])):
        rest = _meta_of(line[stamp.end():]) if stamp.end() < len(line) else {}
        return {"发布时间": stamp.group(0).strip(_WS), **(rest or {})}
    if _CRUMB_RX.match(line) or _SIBLING_RX.match(line) or len(line) <= 40 and _FURNITURE_RX.match(line):
        return {}
    if len(line) <= 160 and (_KV_START_RX.match(line) or len(_KV_RX.findall(line)) >= 2):
        out = {}
        ms = list(_KV_RX.finditer(line))
        for j, m in enumerate(ms):
            end = ms[j + 1].start() if j + 1 < len(ms) else len(line)
            v = line[m.end():end].strip(_WS + "【】[]|")
            k = _strip_key(m.group("k"))
            if k in ("字号", "字体") and (not v or _FONT_SIZES_RX.match(v)):
                continue
            if v:
                out.setdefault(k, v)
        return out
    if len(line) <= 60 and _NAV_RX.search(line):
        return {}
    return None


# --------------------------------------------------------------------------- internals


@dataclass
class _Line:
    idx: int
    start: int
    end: int
    text: str
    cls: str = "body"  # body, meta, title, number, addressee, date, signature, attachment, note
    last: int = -1  # index of the last source line when wrapped lines were joined into this one

    @property
    def last_idx(self) -> int:
        return self.idx if self.last < 0 else self.last


@dataclass(eq=False)
class _Node:
    kind: str  # "ord" (ordinal line), "para", "inline" (一是 item inside a paragraph)
    start: int
    end: int
    text: str
    first_line: int
    last_line: int
    style: str | None = None
    label: str = ""
    value: int | None = None
    title: str = ""
    heading_only: bool = False
    titled: bool = False
    titled_item: bool = False
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    ci: int = 0  # index among the parent's children
    path: str = ""
    pid: str = ""
    pkind: str = ""
    number: int | None = None
    question: bool = False


def _lines(text: str, lo: int = 0, hi: int | None = None) -> list[_Line]:
    out: list[_Line] = []
    hi = len(text) if hi is None else hi
    for m in re.finditer(r"[^\r\n]+", text[lo:hi]):
        raw = m.group(0)
        ls = raw.lstrip(_WS)
        if not ls:
            continue
        s = ls.rstrip(_WS)
        start = lo + m.start() + (len(raw) - len(ls))
        out.append(_Line(len(out), start, start + len(s), s))
    return out


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    seg = text[a:b]
    ls = seg.lstrip(_WS)
    a += len(seg) - len(ls)
    b = a + len(ls.rstrip(_WS))
    return a, b


_TEASER_RX = re.compile(r"(?:\.{3,}|…+|。{3,})$")


def _is_teaser(line: _Line) -> bool:
    return bool(_TEASER_RX.search(line.text[-8:]))


def _first_clause_len(s: str, limit: int) -> int | None:
    for i, ch in enumerate(s[: limit + 1]):
        if ch in _TITLE_STOPS:
            return i
    return None


def _is_titled(s: str) -> bool:
    """A paragraph whose first sentence is a short title: 统筹规划、多元发展。…"""
    head = s[:24]
    i = head.find("。")
    if i < 2 or i > 20 or i + 1 >= len(s):
        return False
    return not any(ch in _CLAUSE_PUNCT or ch in "？?！!“”\"" for ch in head[:i])


def _heading_only(rest: str) -> bool:
    r = rest.strip(_WS).rstrip("。.:：;；")
    if not r:
        return True
    r = r.rstrip("？?")
    if len(r) > 50:
        return False
    return not any(ch in _SENTENCE_PUNCT for ch in r)


_PRINCIPLE_RX = re.compile(r"原则")
# Judged on a heading's title only: a long heading line that mentions 贯彻落实 or
# 保障 in passing is not a section about safeguards.
_GUARANTEE_RX = re.compile(
    r"保障措施|政策保障|保障机制|支撑保障|保障支撑|监督保障|组织保障|实施保障|保障体系|条件保障|要素保障|"
    r"^(?:加强|强化|完善|健全)?(?:工作)?保障$|组织实施|组织领导|规划实施|实施机制|"
    r"(?:确保|保障).{0,30}(?:落实|落地|见效|实施)|"
    r"(?:推动|推进|抓好|做好|促进).{0,6}《[^》]{1,40}》.{0,10}(?:落实|落地|见效|实施)|"
    r"贯彻落实|抓好落实|推动落实|狠抓落实|落实落地|(?<!总体)工作要求|^(?:有关|相关|其他)?要求$")
_LEAD_PRINCIPLE_RX = re.compile(r"原则[：:]$")
# A safeguards heading whose plain paragraphs are each a safeguard: one that names the
# section, not one that mentions 落实 in passing.
_PLAIN_GUARANTEE_RX = re.compile(r"保障措施|保障机制|保障支撑|政策保障|组织保障|实施保障|组织实施|工作要求$|^(?:有关|相关|其他)?要求$")


# --------------------------------------------------------------------------- main parser


class _Parser:
    def __init__(self, text: str, doc_id: str, lines: list[_Line], start: int, end: int):
        self.t = text
        self.doc = doc_id
        self.lines = lines
        self.start = start
        self.end = end
        self.meta: dict[str, str] = {}
        self.used: set[str] = set()
        self.dup: dict[str, int] = {}
        self.passages: list[Passage] = []
        self._sections: dict[tuple[int, str], bool] = {}

    # ------------------------------------------------------------ classification
    def classify(self) -> None:
        """Mark metadata, front matter, closings and attachments; the rest stays body."""
        self._mark_meta()
        content = [ln for ln in self.lines if ln.cls != "meta"]
        self._mark_front(content)
        for ln in content:
            if ln.cls == "body" and len(ln.text) <= 160 and _NOTE_RX.match(ln.text):
                ln.cls = "note"  # closes a notice; it is no part of the item above it
        self._mark_closings(content)
        self._mark_attachments(content)

    def _mark_meta(self) -> None:
        """Page metadata; a key alone on its line (``索 引 号：``) takes the next line as value.

        Copying a gov.cn metadata table often puts each cell on its own line, so the
        value would otherwise be read as the document's title.
        """
        lines = self.lines
        i = 0
        while i < len(lines):
            ln = lines[i]
            m = _meta_of(ln.text)
            if m is None and i > 0 and lines[i - 1].cls == "meta" and _SHARE_RX.match(ln.text):
                m = {}  # the buttons under 分享到：
            if m is not None:
                ln.cls = "meta"
                for k, v in m.items():
                    self.meta.setdefault(k, v)
                key = _dangling_key(ln.text)
                if key and i + 1 < len(lines) and _meta_value_like(lines[i + 1].text):
                    lines[i + 1].cls = "meta"
                    self.meta.setdefault(key, lines[i + 1].text)
                    i += 1
            i += 1

    def _mark_front(self, content: list[_Line]) -> None:
        """Title (with wrapped lines), document number, date and addressee at the top."""
        title_seen = False
        for i, ln in enumerate(content):
            s = ln.text
            if _DOCNO_RX.match(s) and len(s) <= 40:
                ln.cls = "number"
                self.meta.setdefault("文号", s)
                continue
            if _DATE_RX.match(s):
                ln.cls = "date"
                continue
            if not title_seen and _ATTACH_LABEL_RX.match(s):
                ln.cls = "attachment"  # the text of an attachment saved on its own
                continue
            if not title_seen and self._title_like(s):
                title_seen = True
                self._mark_title(content, i)
                continue
            if ln.cls == "title":
                continue
            if self._title_like(s) and self._replaces_header(content, i):
                self._mark_title(content, i)
                continue
            if self._addressee_like(s):
                ln.cls = "addressee"
            elif s[-1] in "，,、" and i + 1 < len(content) and self._addressee_like(s[:-1] + "：") \
                    and self._addressee_like(content[i + 1].text):
                ln.cls = content[i + 1].cls = "addressee"  # an addressee wrapped over two lines
            break

    def _title_run(self, content: list[_Line], i: int) -> list[_Line]:
        """A title line and up to two wrapped continuation lines."""
        run = [content[i]]
        j = i + 1
        while (j < len(content) and j <= i + 2 and not _TITLE_END_RX.search(run[-1].text)
               and not run[-1].text.endswith("文件")  # the agency header of a printed document
               and content[j].cls == "body" and self._title_like(content[j].text)
               and not _DOCNO_RX.match(content[j].text)):
            run.append(content[j])
            j += 1
        return run

    def _mark_title(self, content: list[_Line], i: int) -> None:
        for ln in self._title_run(content, i):
            ln.cls = "title"

    def _replaces_header(self, content: list[_Line], i: int) -> bool:
        """A real title below the issuing agency's header (``国家能源局文件``) demotes it.

        The header comes first on a printed document; the title, named by its type
        (…的通知, …方案), follows the document number.
        """
        earlier = [ln for ln in content[:i] if ln.cls == "title"]
        if not earlier or _TITLE_END_RX.search(earlier[-1].text):
            return False
        if not _TITLE_END_RX.search(self._title_run(content, i)[-1].text):
            return False
        for ln in earlier:
            ln.cls = "note"
        return True

    def _mark_closings(self, content: list[_Line]) -> None:
        """Signature and date blocks, at the end and wherever a 通知 closes before its 附件.

        A 印发 notice signs and dates its few lines, then the document it issues follows
        with a title of its own; that title is marked too.
        """
        k = len(content) - 1
        while k >= 0 and content[k].cls == "note":
            k -= 1
        for i in range(len(content)):
            ln = content[i]
            if ln.cls != "body" or not _DATE_RX.match(ln.text):
                continue
            at_end = i == k
            sig = self._signature_above(content, i, strict=not at_end)
            noted = i + 1 < len(content) and content[i + 1].cls == "note"
            if not at_end and (not (sig or noted) or ln.text[0] in "（("):
                continue
            ln.cls = "date"
            if i > len(sig) or at_end and sig:
                for x in sig:
                    x.cls = "signature"
            if not at_end:
                self._mark_after_closing(content, i + 1)

    def _signature_above(self, content: list[_Line], i: int, strict: bool) -> list[_Line]:
        """Up to four agency lines right above a date line (agency names only when ``strict``)."""
        sig: list[_Line] = []
        j = i - 1
        while j >= 0 and len(sig) < 4 and content[j].cls == "body" and self._signature_like(content[j].text) \
                and (not strict or _AGENCY_RX.search(content[j].text)):
            sig.append(content[j])
            j -= 1
        return sig

    def _mark_after_closing(self, content: list[_Line], i: int) -> None:
        """Notes after a closing date, then the title of the document it issues."""
        while i < len(content) and content[i].cls == "note":
            i += 1
        if i + 1 < len(content) and content[i].cls == "body" and self._title_like(content[i].text) \
                and not _ATTACH_RX.match(content[i].text):
            self._mark_title(content, i)

    def _mark_attachments(self, content: list[_Line]) -> None:
        """``附件：`` blocks listing files, and ``附件1`` labels that open an attached text."""
        i = 0
        while i < len(content):
            ln = content[i]
            if ln.cls == "body" and i > 0 and _ATTACH_RX.match(ln.text) and len(ln.text) <= 120:
                j = i + 1
                while j < len(content) and content[j].cls == "body" and self._attachment_line(content[j].text):
                    j += 1
                rest = ln.text.split("：", 1)[-1].split(":", 1)[-1] if ("：" in ln.text or ":" in ln.text) else ""
                if j > i + 1 or rest.strip(_WS):
                    for x in content[i:j]:
                        x.cls = "attachment"
                    i = j
                    continue
                if _ATTACH_LABEL_RX.match(ln.text) and j < len(content) - 1 \
                        and content[j].cls == "body" and self._title_like(content[j].text):
                    ln.cls = "attachment"
                    self._mark_title(content, j)
            i += 1

    @staticmethod
    def _title_like(s: str) -> bool:
        if len(s) > 100 or _ordinal(s) is not None or _DATE_RX.match(s):
            return False
        if s[-1] in "：:，,、":
            return False
        return not any(ch in _SENTENCE_PUNCT for ch in s)

    @staticmethod
    def _addressee_like(s: str) -> bool:
        if len(s) > 200 or s[-1] not in "：:" or "。" in s or _ordinal(s) is not None:
            return False
        body = s[:-1]
        return bool(body.startswith("各") or "、" in body or "，" in body
                    or re.search(r"(?:局|委|厅|部|院|办|公司|单位|政府|机构|集团|中心)$", body))

    @staticmethod
    def _signature_like(s: str) -> bool:
        if len(s) > 40 or _ordinal(s) is not None or _DATE_RX.match(s):
            return False
        return not any(ch in _TITLE_STOPS or ch in "《》“”\"" for ch in s)

    @staticmethod
    def _attachment_line(s: str) -> bool:
        if _FILE_RX.search(s):
            return True
        o = _ordinal(s)
        return bool(o and o[0] in ("num", "pnum", "num2") and len(s) <= 80
                    and not any(ch in _SENTENCE_PUNCT for ch in s))

    # ------------------------------------------------------------ nodes and tree
    def nodes(self) -> list[_Node]:
        """Body lines to nodes, split headings joined, inline 一是… split."""
        body = _unwrap([ln for ln in self.lines if ln.cls == "body"], self.lines, self.t)
        asks = _question_lines(body)
        out: list[_Node] = []
        i = 0
        while i < len(body):
            ln = body[i]
            o = _ordinal(ln.text)
            if o is None and ln.idx in asks:
                out.append(self._ask_node(ln, asks[ln.idx], len([x for x in out if x.style == "ask"]) + 1))
                i += 1
                continue
            if o is None:
                node = _Node("para", ln.start, ln.end, ln.text, ln.idx, ln.last_idx)
                node.titled = _is_titled(ln.text)
                out.extend(self._split_inline(node))
                i += 1
                continue
            style, label, value, n = o
            rest = ln.text[n:]
            start, end, last = ln.start, ln.end, ln.last_idx
            if i + 1 < len(body) and body[i + 1].idx == ln.idx + 1 and _ordinal(body[i + 1].text) is None \
                    and body[i + 1].idx not in asks and _continues_heading(rest, body[i + 1].text):
                nxt = body[i + 1]
                end, last = nxt.end, nxt.last_idx
                rest = nxt.text if not rest.strip(_WS) else self.t[ln.start + n : nxt.end]
                i += 1
            node = _Node("ord", start, end, self.t[start:end], ln.idx, last, style, label, value)
            node.heading_only = _heading_only(rest)
            node.title = title_of(rest)
            node.rest = rest  # type: ignore[attr-defined]
            out.extend(self._split_inline(node))
            i += 1
        return out

    def _ask_node(self, ln: _Line, label_len: int, value: int) -> _Node:
        """A question line of an interview (``问：…？`` or a bare ``…？`` line)."""
        node = _Node("ord", ln.start, ln.end, ln.text, ln.idx, ln.idx, "ask", ln.text[:label_len], value)
        node.rest = ln.text[label_len:]  # type: ignore[attr-defined]
        node.title = title_of(node.rest)  # type: ignore[attr-defined]
        node.heading_only = True
        return node

    def _split_inline(self, node: _Node) -> list[_Node]:
        """Split ``一是…二是…`` (or ``第一，…第二，…``, or an article's ``：（一）…；（二）…``)
        inside one line into one passage each; the text before stays the lead."""
        if node.kind == "ord" and node.style == "dash" or len(node.text) < 6:
            return [node]
        if node.kind == "ord" and _PRINCIPLE_RX.search(_fold(node.title)):
            # （二）基本原则。坚持统筹推进，…；坚持创新驱动，…。: each 坚持 states one
            seq = [(m.start(), k, 0) for k, m in enumerate(_HOLD_RX.finditer(node.text), start=1)]
            if len(seq) >= 2:
                return self._inline_nodes(node, "hold", seq)
        for style, rx, before in _INLINE:
            if style == "pcn" and node.kind != "ord":
                continue  # only an article's or heading's own clauses; a paragraph keeps its references
            seq = _inline_sequence(node.text, rx, before)
            if len(seq) >= 2:
                return self._inline_nodes(node, style, seq)
        return [node]

    def _inline_nodes(self, node: _Node, style: str, seq: list[tuple[int, int, int]]) -> list[_Node]:
        base, s = node.start, node.text
        first = seq[0][0]
        lead: _Node | None = node
        if node.kind == "ord" and node.style == style:
            if first != 0:
                return [node]
            lead = None
        out: list[_Node] = []
        if lead is not None:
            a, b = _strip_span(self.t, base, base + first)
            if b > a:
                self._relead(lead, a, b)
                out.append(lead)
        for j, (p, v, n) in enumerate(seq):
            q = seq[j + 1][0] if j + 1 < len(seq) else len(s)
            a, b = _strip_span(self.t, base + p, base + q)
            if b <= a:
                continue
            txt = self.t[a:b]
            lab = txt[:n]
            it = _Node("inline", a, b, txt, node.first_line, node.last_line, style, lab, v,
                       title_of(txt[len(lab):]))
            it.owner = lead if (lead is not None and lead.kind == "ord") else None  # type: ignore[attr-defined]
            out.append(it)
        return out

    def _relead(self, lead: _Node, a: int, b: int) -> None:
        """Shrink a node to the text before its inline items."""
        lead.start, lead.end = a, b
        lead.text = self.t[a:b]
        if lead.kind == "ord":
            rest = lead.text[len(lead.label):] if lead.text.startswith(lead.label) else lead.text
            lead.heading_only = _heading_only(rest)
            lead.title = title_of(rest)
        else:
            lead.titled = _is_titled(lead.text)

    def tree(self, nodes: list[_Node]) -> _Node:
        """Nest nodes by ordinal family; a title line inside the text starts a new tree.

        An attached or issued document (附件1 + its title) numbers its headings
        afresh, so nothing of it belongs under the last heading of the notice.
        """
        root = _Node("root", 0, 0, "", -1, -1)
        stack: list[_Node] = []
        breaks = [ln.idx for ln in self.lines if ln.cls == "title"]
        last = -1
        for nd in nodes:
            if any(last < b < nd.first_line for b in breaks):
                stack.clear()
            last = nd.last_line
            owner = getattr(nd, "owner", None)
            if owner is not None:
                nd.parent, nd.ci = owner, len(owner.children)
                owner.children.append(nd)
                continue
            if nd.kind == "para":
                par = next((x for x in reversed(stack) if x.style not in _LEAF_STYLES and not _in_list(x)), root)
                nd.parent, nd.ci = par, len(par.children)
                par.children.append(nd)
                continue
            style = nd.style or ""
            while stack and stack[-1].style in _LEAF_STYLES and stack[-1].style != style:
                stack.pop()
            if any(x.style == style for x in stack):
                while stack[-1].style != style:
                    stack.pop()
                stack.pop()
            else:
                while stack and _RANK.get(stack[-1].style or "", 9) > _RANK.get(style, 9):
                    stack.pop()
            par = stack[-1] if stack else root
            nd.parent, nd.ci = par, len(par.children)
            par.children.append(nd)
            stack.append(nd)
        return root

    # ------------------------------------------------------------ passages
    def _uid(self, local: str) -> str:
        base = pid = f"{self.doc}/{local}"
        if pid in self.used:
            k = self.dup.get(base, 1)
            while pid in self.used:
                k += 1
                pid = f"{base}-{k}"
            self.dup[base] = k
        self.used.add(pid)
        return pid

    def build(self) -> Document:
        self.classify()
        nodes = self.nodes()
        root = self.tree(nodes)
        all_nodes = [n for n in _walk(root) if n is not root]

        # titled runs become items
        for par in [root] + all_nodes:
            kids = par.children
            i = 0
            while i < len(kids):
                if kids[i].kind == "para" and kids[i].titled:
                    j = i
                    while j < len(kids) and kids[j].kind == "para" and kids[j].titled:
                        j += 1
                    if j - i >= 2 or self._principle_parent(par) or _after_principle_lead(par, i):
                        for x in kids[i:j]:
                            x.titled_item = True
                            x.title = title_of(x.text[: x.text.find("。")])
                    i = j
                else:
                    i += 1
            if self._principle_parent(par) or (self._guarantee_parent(par) and _PLAIN_GUARANTEE_RX.search(_fold(par.title))):
                _plain_items(par)

        # Q&A form
        qs = [c for c in root.children if c.kind == "ord" and c.style == "cn"]
        asks = [c for c in qs if c.text.rstrip(_WS + "。").endswith(("?", "？"))]
        qa = len(asks) >= 2 and 2 * len(asks) >= len(qs)
        if not qa:
            asks = [c for c in root.children if c.style == "ask"]
            qa = len(asks) >= 2
        if qa:
            for c in asks:
                c.question = True
                rest = getattr(c, "rest", c.text)
                c.title = _ASK_RX.sub("", rest.strip(_WS + "*")).strip(_WS + "*").rstrip("?？").strip(_WS)
            self._sections.clear()  # questions now have their whole text as title

        # semantic kinds
        counters = {"action": 0, "principle": 0, "guarantee": 0}
        for nd in all_nodes:
            if nd.question or nd.style == "box" or not (nd.kind in ("ord", "inline") or nd.titled_item):
                continue
            sem = None
            if _is_action_title(nd.title) and not _has_action_child(nd):
                sem = "action"
            elif self._principle_parent(nd.parent) or _after_principle_lead(nd.parent, nd.ci):
                sem = "principle"
            elif self._guarantee_parent(nd.parent):
                sem = "guarantee"
            if sem:
                counters[sem] += 1
                nd.pkind, nd.number = sem, counters[sem]

        # paths
        self._paths(root)

        first_heading = next((i for i, n in enumerate(root.children) if n.kind != "para"), None)
        if qa:
            first_heading = next((i for i, n in enumerate(root.children) if n.question), None)

        # collect passages: specials and nodes, in reading order
        items: list[tuple[int, object]] = []
        special_runs: list[list[_Line]] = []
        for ln in self.lines:
            if ln.cls in ("body", "meta"):
                continue
            if special_runs and special_runs[-1][-1].cls == ln.cls and ln.cls in _JOINED_CLASSES \
                    and special_runs[-1][-1].idx == ln.idx - 1:
                special_runs[-1].append(ln)
            else:
                special_runs.append([ln])
        for run in special_runs:
            items.append((run[0].start, run))

        # root paragraph runs before the first heading: preamble / intro
        pre_nodes: set[int] = set()
        limit = len(root.children) if first_heading is None else first_heading
        has_heading = first_heading is not None
        if has_heading:
            runs = _para_runs(root.children[:limit])
            for run in runs:
                for x in run:
                    pre_nodes.add(id(x))
                items.append((run[0].start, ("pre", run)))
        for nd in all_nodes:
            if id(nd) in pre_nodes:
                continue
            items.append((nd.start, nd))
        items.sort(key=lambda x: x[0])

        doc_title = ""
        for _, it in items:
            if isinstance(it, list):
                self._emit_special(it)
            elif isinstance(it, tuple):
                self._emit_run("intro" if qa else "preamble", "intro" if qa else "preamble", it[1], None, ())
            else:
                self._emit_node(it, qa)
        self.passages.sort(key=lambda p: p.start)
        first_title = next((it for _, it in items if isinstance(it, list) and it[0].cls == "title"), None)
        if first_title:
            doc_title = _title_text(first_title)
        elif self.meta.get("标题"):
            doc_title = self.meta["标题"]
        if not doc_title:
            if qa:
                intro = next((p for p in self.passages if p.kind == "intro"), None)
                m = re.search(r"《[^《》]{1,80}》", intro.text) if intro else None
                if m:
                    doc_title = m.group(0) + "答记者问"
            if not doc_title and self.passages:
                first = self.passages[0]
                doc_title = first.title or title_of(first.text, 30)
        return Document(self.doc, doc_title, self.start, self.end, self.passages, False, self.meta)

    def _principle_parent(self, par: _Node | None) -> bool:
        """A heading about principles (工作原则, 基本原则, 编制原则 …), judged on its title."""
        return self._cached_section(par, _PRINCIPLE_RX)

    def _guarantee_parent(self, par: _Node | None) -> bool:
        """A heading about safeguards and implementation (保障措施, 组织实施 …)."""
        return self._cached_section(par, _GUARANTEE_RX)

    def _cached_section(self, par: _Node | None, rx: re.Pattern[str]) -> bool:
        """``_section_about`` once per heading: it looks at all the heading's children."""
        key = (id(par), rx.pattern)
        if key not in self._sections:
            self._sections[key] = _section_about(par, rx)
        return self._sections[key]

    def _paths(self, root: _Node) -> None:
        for par in _walk(root):
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

    def _section(self, nd: _Node) -> tuple[str, ...]:
        out: list[str] = []
        p = nd.parent
        while p is not None and p.kind != "root":
            out.append(p.title or p.text[:60])
            p = p.parent
        return tuple(reversed(out))

    def _emit_special(self, run: list[_Line]) -> None:
        kind = run[0].cls
        if kind == "note":
            kind = "paragraph"
        local = {"paragraph": "note"}.get(kind, kind)
        a, b = run[0].start, run[-1].end
        txt = self.t[a:b]
        title = ""
        if kind == "title":
            title = _title_text(run)
        self.passages.append(Passage(self._uid(local), self.doc, kind, None, "", title, None, (), a, b, txt))

    def _emit_run(self, local: str, kind: str, run: list[_Node], parent: str | None,
                  section: tuple[str, ...], number: int | None = None) -> None:
        a, b = run[0].start, run[-1].end
        self.passages.append(Passage(self._uid(local), self.doc, kind, number, "", "", parent,
                                     section, a, b, self.t[a:b]))

    def _emit_node(self, nd: _Node, qa: bool) -> None:
        par = nd.parent
        parent_id = par.pid if par is not None and par.kind != "root" else None
        section = self._section(nd)
        if nd.kind == "para":
            if getattr(nd, "done", False):
                return
            if par is not None and par.question and not nd.titled_item:
                # answer: this paragraph and the following plain siblings
                kids = par.children
                i = next(k for k in range(nd.ci, len(kids)) if kids[k] is nd)
                j = i
                while (j + 1 < len(kids) and kids[j + 1].kind == "para" and not kids[j + 1].titled_item
                       and kids[j + 1].first_line == kids[j].last_line + 1):
                    j += 1
                for x in kids[i:j + 1]:
                    x.done = True  # type: ignore[attr-defined]
                self._emit_run(f"answer/{par.value}", "answer", kids[i:j + 1], parent_id, section, par.value)
                return
            if nd.titled_item:
                kind, number, title = nd.pkind or "item", nd.number, nd.title
            else:
                kind, number, title = "paragraph", None, ""
            local = f"{kind}/{number}" if nd.pkind else nd.path
            nd.pid = self._uid(local)
            self.passages.append(Passage(nd.pid, self.doc, kind, number, "", title, parent_id, section,
                                         nd.start, nd.end, nd.text))
            return
        if nd.question:
            nd.pid = self._uid(f"question/{nd.value}")
            kind, number = "question", nd.value
        elif nd.pkind:
            nd.pid = self._uid(f"{nd.pkind}/{nd.number}")
            kind, number = nd.pkind, nd.number
        else:
            nd.pid = self._uid(nd.path)
            terminal = nd.text.rstrip(_WS)[-1:] in ("。", "；", ";", "！", "!")
            kind = "heading" if (nd.children or (nd.heading_only and not terminal)) else "item"
            number = nd.value
        self.passages.append(Passage(nd.pid, self.doc, kind, number, nd.label, nd.title, parent_id, section,
                                     nd.start, nd.end, nd.text))


_ASK_RX = re.compile(r"^(?:\*\*)?(?:问|問|记者|記者|提问|提問)[ \t\u3000]*[：:][ \t\u3000]*(?:\*\*)?")
_ANSWER_RX = re.compile(r"^(?:\*\*)?答[ \t\u3000]*[：:]")


def _question_lines(body: list[_Line]) -> dict[int, int]:
    """Line index -> label length of an interview's question lines.

    ``问：…`` lines count when an ``答：`` line answers them. Without that form, in a
    text without sections, short bare lines ending in ？ count when there are at
    least two and each is followed by a line that is not a question (press pages
    often set questions in bold only).
    """
    if any(_ANSWER_RX.match(ln.text) for ln in body):
        return {ln.idx: _ASK_RX.match(ln.text).end() for ln in body if _ASK_RX.match(ln.text)}
    if any((_ordinal(ln.text) or ("",))[0] in ("chap", "sect", "art", "cn") for ln in body):
        return {}  # a document with sections: its short questions are rhetorical, not an interview
    bare = {ln.idx: 0 for k, ln in enumerate(body[:-1])
            if len(ln.text) <= 80 and ln.text.endswith(("？", "?")) and _ordinal(ln.text) is None
            and not body[k + 1].text.endswith(("？", "?"))}
    return bare if len(bare) >= 2 else {}


_INLINE_BEFORE = "：:。；;，,！!？? \t\u3000)）”\""
# (style, pattern with the numeral in group 1, characters allowed right before it;
# "" means anywhere, the start of the line included).
_INLINE: list[tuple[str, re.Pattern[str], str]] = [
    ("shi", re.compile(r"([一二三四五六七八九十]{1,3})是"), _INLINE_BEFORE),
    ("di", re.compile(r"第([一二三四五六七八九十]{1,3})[，,、]"), _INLINE_BEFORE),
    ("pcn", re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]"), "：:；;。"),
]


_HOLD_RX = re.compile(r"(?<=[。；;])[ \t\u3000]*坚持")  # a principle stated inside its heading's paragraph


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


def _in_list(nd: _Node) -> bool:
    """An item of a clause list (``（一）…；（二）…。``): the paragraph after it is not its body.

    Such items end in ；, all but the last; a paragraph after the list (``前款…``)
    continues the article or section that holds the list.
    """
    if nd.text.endswith(("；", ";")):
        return True
    prev = nd.parent.children[nd.ci - 1] if nd.parent is not None and nd.ci > 0 else None
    return prev is not None and prev.style == nd.style and prev.text.endswith(("；", ";"))


_SECTION_NAME_RX = re.compile(r"^.{0,4}(?:原则|保障措施|政策保障|组织实施|组织保障|保障机制|实施保障)$")


def _continues_heading(rest: str, following: str) -> bool:
    """Whether the next line is the rest of a heading broken by a careless copy.

    The number alone on its line (``一、`` then ``工作目标``), or a long title cut in
    the middle (``（三）加快构建清洁低碳安全`` then ``高效能源体系``): a short line with
    no punctuation, no spaces (a table row) and no ordinal of its own, after a heading
    line that has none either.
    """
    words = rest.strip(_WS)
    if not words:
        return True
    nxt = following.strip(_WS)
    unpunctuated = not any(ch in _ANY_PUNCT for ch in words + nxt)
    # a title is cut where the line ran out, so its first part is long; a short heading
    # (总体要求) followed by a short line is two lines
    return unpunctuated and len(words) >= 8 and 0 < len(nxt) <= 15 and len(words) + len(nxt) <= 40 \
        and not re.search(r"\s", nxt) and not _is_cell_row(nxt)


_ANY_PUNCT = _SENTENCE_PUNCT | _CLAUSE_PUNCT | frozenset("、．.")


def _section_about(par: _Node | None, rx: re.Pattern[str]) -> bool:
    """True when ``par``'s title matches ``rx`` and ``par`` is not itself an item of such a section.

    Under 保障措施, the item ``（一）加强组织领导`` names a safeguard; its own steps
    (1. 2. …) are parts of it, not safeguards of their own.
    """
    if par is None or par.kind == "root" or not rx.search(_fold(par.title)):
        return False
    if any(c.kind == "ord" and _SECTION_NAME_RX.match(_fold(c.title)) and rx.search(_fold(c.title))
           for c in par.children):
        return False  # 二、基本原则和主要目标 holds the section （一）基本原则, not principles
    if _SECTION_NAME_RX.match(_fold(par.title)):
        return True  # （一）基本原则 under 二、基本原则和主要目标 is a section of its own
    up = par.parent
    return up is None or up.kind == "root" or not rx.search(_fold(up.title))


def _after_principle_lead(par: _Node | None, ci: int) -> bool:
    """True when the nearest plain paragraph before child ``ci`` ends in ``…原则：``.

    Items that follow ``坚持以下原则：`` are principles wherever they sit; the
    paragraphs after a later plain paragraph are not.
    """
    if par is None:
        return False
    for sib in reversed(par.children[:ci]):
        if sib.kind == "para" and not sib.titled_item:
            return bool(_LEAD_PRINCIPLE_RX.search(_fold(sib.text[-6:])))
    return False


def _plain_items(par: _Node) -> None:
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


def _paired_title(text: str) -> str:
    """统筹规划，因地制宜。…: a first sentence of two short parallel phrases is a title whole."""
    head = _BREAK_RX.sub("", text[: max(text.find("。"), 0)]).strip(_WS)
    parts = head.split("，")
    paired = len(parts) == 2 and all(2 <= len(part) <= 6 for part in parts) and abs(len(parts[0]) - len(parts[1])) <= 1
    return head if paired else ""


def _width(s: str) -> int:
    """Display width: CJK and full-width characters count two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s)


_FINAL_PUNCT = tuple("。；;！!？?：:")


def _wrap_width(lines: list[_Line]) -> int | None:
    """The page width of a text hard-wrapped by a PDF export, or None for one line a paragraph.

    In such a text many lines stop at nearly the same width without ending a
    sentence; in a text with one paragraph a line the long lines end in 。.
    """
    widths = sorted(_width(ln.text) for ln in lines)
    if len(widths) < 6:
        return None
    top = widths[int(len(widths) * 0.9)]
    cut = [ln for ln in lines if _width(ln.text) >= top - 6 and not ln.text.endswith(_FINAL_PUNCT)
           and not _is_cell_row(ln.text)]
    return top - 6 if top >= 30 and len(cut) >= 3 and len(cut) * 5 >= len(lines) else None


def _unwrap(lines: list[_Line], every: list[_Line], text: str) -> list[_Line]:
    """Join the lines of a hard-wrapped text back into paragraphs.

    A full-width line that does not end a sentence continues on the next line,
    unless that line opens with an ordinal; a page number between them is skipped.
    """
    width = _wrap_width(lines)
    if width is None:
        return lines
    out: list[_Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev is not None and all(x.cls == "meta" for x in every[prev.last_idx + 1:ln.idx]) \
                and _ordinal(ln.text) is None and not _is_cell_row(ln.text) and not _is_cell_row(prev.text) \
                and _width(_last_line(text, prev)) >= width and not prev.text.endswith(_FINAL_PUNCT):
            out[-1] = _Line(prev.idx, prev.start, ln.end, text[prev.start:ln.end], prev.cls, ln.idx)
        else:
            out.append(ln)
    return out


def _is_cell_row(s: str) -> bool:
    """A table row (``| a | b |`` or tab-separated cells): rows are as wide as each other."""
    return s[:1] in _PIPES or "\t" in s


def _last_line(text: str, ln: _Line) -> str:
    """The last source line of a (possibly joined) line."""
    return text[ln.start:ln.end].rsplit("\n", 1)[-1].strip(_WS)


# Traditional forms of the characters the semantic rules look for, so a document
# reprinted in traditional characters (原則, 行動, 組織實施 …) is read alike.
_TRAD = str.maketrans("則動組織實領導確貫徹見劃機體進問記", "则动组织实领导确贯彻见划机体进问记")


def _fold(s: str) -> str:
    return s.translate(_TRAD)


def _is_action_title(title: str) -> bool:
    return _fold(title).endswith("行动")


def _has_action_child(nd: _Node) -> bool:
    """True for a heading that groups actions (``三、碳达峰十大行动``): it is not one itself.

    One sub-item ending in 行动 inside an action is a step of it, not a sign of a group.
    """
    return sum((c.kind in ("ord", "inline") or c.titled_item) and _is_action_title(c.title) for c in nd.children) >= 2


def _title_text(run: list[_Line]) -> str:
    """A title run as one line, without Markdown marks (``# 标题``, ``**标题**``)."""
    return "".join(ln.text[_MD_PREFIX_RX.match(ln.text).end():].strip(_WS + "*") for ln in run)


def _walk(root: _Node):
    stack = [root]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _para_runs(nodes: list[_Node]) -> list[list[_Node]]:
    runs: list[list[_Node]] = []
    for n in nodes:
        if n.kind != "para" or n.titled_item or n.children:
            continue
        if runs and runs[-1][-1].last_line + 1 == n.first_line:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


# --------------------------------------------------------------------------- entry point


def _news_title(s: str, limit: int = 30) -> str:
    """First clause of a teaser; clauses shorter than 8 characters take the next one too."""
    s = s.strip(_WS)
    end = 0
    while end < len(s) and end < limit:
        cut = _first_clause_len(s[end:], limit)
        if cut is None:
            end = len(s)
            break
        end += cut
        if end >= 8 or s[end] in _SENTENCE_PUNCT:
            break
        end += 1
    return s[:min(end, limit)].strip(_WS + "，,；;：:")


def _teaser_doc(text: str, ln: _Line, tid: str) -> Document:
    body = ln.text
    o = _ordinal(body)
    head = body[o[3]:] if o else body
    head = _TEASER_RX.sub("", head)
    title = _news_title(head) or _news_title(body)
    p = Passage(f"{tid}/news", tid, "news", None, "", title, None, (), ln.start, ln.end, text[ln.start:ln.end])
    return Document(tid, title, ln.start, ln.end, [p], True, {})


def _fallback(text: str, doc_id: str) -> list[Document]:
    lines = _lines(text)
    if not lines:
        return []
    ps = [Passage(f"{doc_id}/p{i + 1}", doc_id, "paragraph", None, "", "", None, (), ln.start, ln.end, ln.text)
          for i, ln in enumerate(lines)]
    return [Document(doc_id, title_of(lines[0].text, 30), lines[0].start, lines[-1].end, ps)]


def parse_documents(text: str, doc_id: str, teaser_prefix: str | None = None) -> list[Document]:
    """Parse ``text`` into its main document and any trailing news teasers.

    Returns [] for a text without content. Never raises on a ``str``.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return _parse(text, doc_id, teaser_prefix)
    except Exception:  # pragma: no cover - last resort; the parser is meant not to get here
        return _fallback(text, doc_id)


def _parse(text: str, doc_id: str, teaser_prefix: str | None) -> list[Document]:
    lines = _lines(text)
    if not lines:
        return []
    k = len(lines)
    while k > 0 and _is_teaser(lines[k - 1]):
        k -= 1
    teasers = lines[k:]
    main = lines[:k]
    for i, ln in enumerate(main):
        ln.idx = i
    docs: list[Document] = []
    if main:
        d = _Parser(text, doc_id, main, main[0].start, main[-1].end).build()
        if d.passages or d.meta:
            docs.append(d)
    for i, ln in enumerate(teasers, 1):
        tid = f"{teaser_prefix}-{i:02d}" if teaser_prefix else f"{doc_id}-news-{i:02d}"
        docs.append(_teaser_doc(text, ln, tid))
    return docs
