"""Pass 1b: page metadata left by web reprints goes into ``Document.meta``, into no passage.

Table lines (``| 索 引 号： | … |``), ``key：value`` lines (several on one line, or
led by a time stamp or a site name), a key alone on its line with its value on
the next, breadcrumbs, page numbers and page furniture (``字号 大 中 小``,
``【打印】``, ``分享到`` and its buttons, ``上一篇：`` …) are marked ``meta``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .marks import PIPES, SENTENCE_PUNCT, WS, is_cell_row, md_skip, ordinal
from .state import Line, State

META_KEYS = ["索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "文号",
             "发布日期", "发布时间", "来源", "信息来源", "文章来源", "主题词", "访问次数",
             "浏览次数", "阅读次数", "点击数", "生效日期", "有效性", "作者", "责任编辑",
             "字号", "字体", "公文种类", "发布机构", "体裁分类", "当前位置", "浏览量",
             "您的位置", "编辑", "发布者", "点击量", "阅读量", "稿件来源", "发文单位", "成文时间",
             "公开事项名称", "制发日期", "文件有效性", "信息名称", "公开方式", "公开范围", "生成日期", "所属机构",
             "效力状态", "时效性", "实施日期", "施行日期", "公布日期", "失效日期", "文件编号", "发布单位", "发文日期",
             "登记号", "统一编号", "信息分类", "内容分类", "组配分类", "发文时间", "废止日期", "分类"]
_META_KEYSET = frozenset(META_KEYS)
_KEY_LONGEST = max(map(len, META_KEYS))
_LIST_SEMICOLON_RX = re.compile(r"(?<=[^\s；;]{2})[；;](?=[^\s；;。]{2})")
_KEY_BLANKS = " \t\u3000"  # what may stand between a key's characters, and around it
_COLON_RX = re.compile("[：:]")


class KeyMatch(NamedTuple):
    """A metadata key with its colon: ``start`` takes in a bracket and blanks before it
    (``【 来 源 】：``), ``end`` is just past the colon; ``key`` is the key, compact."""

    start: int
    end: int
    key: str


def key_matches(line: str) -> list[KeyMatch]:
    """Every known key that ends at a colon of ``line``, in order.

    Each colon is read backwards: blanks, a closing bracket, blanks, then the longest
    known key (its characters may be spelled out with blanks between them), then the
    blanks and the opening bracket before it. One alternation of every key spelled out
    with blanks found the same keys, but compiling it was most of the outline's import.
    """
    found: list[KeyMatch] = []
    for colon in _COLON_RX.finditer(line):
        match = _key_before(line, colon, found[-1].end if found else 0)
        if match is not None:
            found.append(match)
    return found


def key_at_start(line: str) -> KeyMatch | None:
    """The key that opens ``line`` (after a bracket and blanks), with its colon: it can
    only end at the first colon."""
    colon = _COLON_RX.search(line)
    match = _key_before(line, colon, 0) if colon is not None else None
    return match if match is not None and match.start == 0 else None


def _key_before(line: str, colon: re.Match[str], floor: int) -> KeyMatch | None:
    end = _blanks_before(line, colon.start())
    if end and line[end - 1] in "】]":
        end = _blanks_before(line, end - 1)
    start, key = _longest_key(line, end)
    if not key:
        return None
    start = _blanks_before(line, start)
    if start and line[start - 1] in "【[":
        start -= 1
    return KeyMatch(max(start, floor), colon.end(), key)


def _blanks_before(line: str, pos: int) -> int:
    while pos and line[pos - 1] in _KEY_BLANKS:
        pos -= 1
    return pos


def _longest_key(line: str, end: int) -> tuple[int, str]:
    """The start and compact form of the longest known key ending at ``end``."""
    best_start, best, compact, pos = end, "", "", end
    while pos and len(compact) < _KEY_LONGEST:
        char = line[pos - 1]
        pos -= 1
        if char in _KEY_BLANKS:
            continue
        compact = char + compact
        if compact in _META_KEYSET:
            best_start, best = pos, compact
    return best_start, best


_NAV_RX = re.compile(r"大[ \t\u3000]*中[ \t\u3000]*小|打印本页|打印此页|关闭窗口|关闭本页|分享到|"
                     r"扫一扫|打开微信|返回顶部|我要纠错|[【\[]打印[】\]]|[【\[]关闭[】\]]|^打印$|^收藏$|^无标题文档$")
# A page's own time stamp: dashes or slashes, or a clock time (a bare ``2021年7月15日``
# line is the document's date, not metadata).
_STAMP_RX = re.compile(
    r"^[0-9]{4}(?:[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?:[ \t\u3000]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?|"
    r"年[0-9]{1,2}月[0-9]{1,2}日[ \t\u3000]*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)[ \t\u3000]*")
_CRUMB_RX = re.compile(r"^(?:首页|主页|网站首页|您现在的位置|您所在的位置|您当前位置|当前位置).{0,80}[>＞»›]")
# Markdown links and images (``[首页](http://…)``, ``![](…/dayin.png)``), and what a line
# of them alone may hold besides: a captured page's menus, breadcrumbs and link boxes.
_MD_LINK_RX = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
_LINK_SEPARATORS_RX = re.compile(r"[\s\u3000\\>＞»›|｜·/、_*#-]+")
# Page numbers of a printed document: ``— 3 —``, ``- 3 -``, ``第3页 共10页``.
_PAGE_NO_RX = re.compile(r"^(?:[-—－–]{1,2}[ \t\u3000]*[0-9]{1,4}[ \t\u3000]*[-—－–]{1,2}|"
                         r"第[ \t\u3000]*[0-9]{1,4}[ \t\u3000]*页"
                         r"(?:[ \t\u3000，,]*共[ \t\u3000]*[0-9]{1,4}[ \t\u3000]*页)?)$")
# A line made of page buttons only: ``打印 关闭``, ``【打印】【关闭】``, ``字号：大 中 小``.
_FURNITURE_RX = re.compile(
    r"^(?:[\s\u3000【】\[\]|｜/：:*]*(?:打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|分享到|分享|"
    r"我要纠错|纠错|返回顶部|返回|字号|字体|默认|大|中|小))+[\s\u3000【】\[\]|｜/：:*]*$")
_MD_RULE_RX = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")  # a Markdown rule between sections
_SIBLING_RX = re.compile(r"^(?:上一篇|下一篇|上一条|下一条)[：:]|"
                         r"^(?:相关稿件|相关链接|相关新闻|相关阅读|相关文件|相关政策|相关解读|相关政策与解读|排行榜)$")
_SHARE_RX = re.compile(r"^(?:微信|微博|QQ空间|QQ|朋友圈|收藏|纠错|返回|关闭|分享)+$")
# A box's rank in emphasis (``- _01_``) and a page's id in digits: no text of the document.
_RANK_OR_ID_RX = re.compile(r"^(?:_[0-9]{1,3}_|\*{1,2}[0-9]{1,3}\*{1,2}|[0-9]{16,})$")
_FONT_SIZES_RX = re.compile(r"^[【\[]?[ \t\u3000]*大[ \t\u3000]*中[ \t\u3000]*小")
# A table of contents: its heading (目录, or 目 / 录 on two lines), then its entries,
# often with dot leaders and page numbers (``第一章 发展环境与形势……… 1``).
_CONTENTS_RX = re.compile(r"^(?:#{1,6}[ \t]+)?目[ \t\u3000]*录$")
_LEADER_RX = re.compile(r"[ \t\u3000]*(?:\.{3,}|…{2,}|·{3,}|-{4,}|_{4,})[ \t\u3000]*[0-9]{0,4}$")
_CONTENTS_ENTRY_LEN = 60
_SPACE_RX = re.compile(r"[\s\u3000]+")
# Markdown's HTML comments (``<!-- INFO END -->``) and a front-matter block at the top.
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
_FRONT_FENCE = "---"


def _strip_key(k: str) -> str:
    return re.sub(r"[\s\u3000：:【】\[\]]", "", k)


def _dangling_key(line: str) -> str | None:
    """The key of a metadata line that holds a key and no value (``索 引 号：``)."""
    match = key_at_start(line)
    return match.key if match is not None and match.end == len(line) else None


def _meta_value_like(line: str) -> bool:
    """A short line that can be the value of the key above it, not a heading or a key
    (nor a key the list does not know: ``分类：`` is no title). A semicolon between
    short terms lists them (``环境监测、保护与治理;意见``): it ends no sentence."""
    if len(line) > 80 or ordinal(line) is not None or key_at_start(line) is not None or line[-1] in "：:":
        return False
    return not any(ch in SENTENCE_PUNCT for ch in _LIST_SEMICOLON_RX.sub("", line))


def links_only(line: str) -> bool:
    """A line of Markdown links or images and nothing else but separators and page
    buttons: a captured page's menu (``- [首 页](…)``), breadcrumb (``[首页](…) > [解读](…)``)
    or box of other pages' links (``## [2026年4月21日…](… "…")``)."""
    if "](" not in line:
        return False
    rest = _MD_LINK_RX.sub("", line)
    if len(rest) == len(line):
        return False
    rest = _LINK_SEPARATORS_RX.sub("", rest)
    return not rest or _FURNITURE_RX.match(rest) is not None


def _table_meta(line: str) -> dict[str, str] | None:
    """The metadata of a table row ``| 索 引 号： | … |`` ({} for a rule row)."""
    cells = [c.strip(WS) for c in re.split(r"[|｜]", line)]
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


def _pairs_meta(line: str) -> dict[str, str]:
    """The ``key：value`` pairs of one line."""
    out: dict[str, str] = {}
    matches = key_matches(line)
    for j, match in enumerate(matches):
        end = matches[j + 1].start if j + 1 < len(matches) else len(line)
        v = line[match.end:end].strip(WS + "【】[]|")
        k = match.key
        if k in ("字号", "字体") and (not v or _FONT_SIZES_RX.match(v)):
            continue
        if v:
            out.setdefault(k, v)
    return out


_BARE_NUMBER_RX = re.compile(r"[0-9]{1,3}")


def _closes_page(text: str, lines: list[Line], i: int) -> bool:
    """A bare number that is a printed page's footer. A PDF's text layer writes a page's
    footer last, then a blank line and the page break, which reading turns into a line
    break: two blank lines after the number. Table cells and list numbers have one."""
    if not _BARE_NUMBER_RX.fullmatch(lines[i].text):
        return False
    after = text[lines[i].end : lines[i + 1].start] if i + 1 < len(lines) else text[lines[i].end :]
    return after.count("\n") >= 3


def is_page_number(line: str) -> bool:
    """A printed page's number on a line of its own (``— 3 —``, ``第3页 共10页``)."""
    return _PAGE_NO_RX.match(line.strip()) is not None


def meta_of(line: str) -> dict[str, str] | None:
    """The metadata a line holds ({} for page furniture), or None for content."""
    if len(line) > 400:
        return None
    if _PAGE_NO_RX.match(line) or _MD_RULE_RX.match(line):
        return {}
    line = line[md_skip(line):] or line
    if line[0] in PIPES:
        return _table_meta(line)
    stamp = _STAMP_RX.match(line)
    if stamp and (stamp.end() == len(line) or key_at_start(line[stamp.end():])):
        rest = meta_of(line[stamp.end():]) if stamp.end() < len(line) else {}
        return {"发布时间": stamp.group(0).strip(WS), **(rest or {})}
    if _CRUMB_RX.match(line) or _SIBLING_RX.match(line) or len(line) <= 40 and _FURNITURE_RX.match(line):
        return {}
    if links_only(line) or _RANK_OR_ID_RX.match(line):
        return {}
    if len(line) <= 160 and (key_at_start(line) is not None or len(key_matches(line)) >= 2):
        return _pairs_meta(line)
    if len(line) <= 60 and _NAV_RX.search(line):
        return {}
    return None


def _entry(line: str) -> str:
    """A contents entry as its heading reads: Markdown marks, leader and spaces dropped."""
    return _SPACE_RX.sub("", _LEADER_RX.sub("", line[md_skip(line):]))


def _contents_end(lines: list[Line], first: int) -> int:
    """Where the entries of a table of contents starting at ``first`` end.

    The body starts where the first entry comes again as a heading; without that, the
    entries are the run of short lines without a sentence in them.
    """
    head = _entry(lines[first].text)
    k = first
    while k < len(lines):
        text = _LEADER_RX.sub("", lines[k].text)
        if k > first and _entry(text) == head:
            return k
        if len(text) > _CONTENTS_ENTRY_LEN or any(ch in SENTENCE_PUNCT for ch in text):
            break
        k += 1
    return k


def _mark_contents(lines: list[Line]) -> None:
    """A table of contents before the body is page furniture, not a run of empty chapters."""
    for i, ln in enumerate(lines):
        two = ln.text + (lines[i + 1].text if i + 1 < len(lines) else "")
        if _CONTENTS_RX.match(ln.text):
            first = i + 1
        elif ln.text == "目" and _CONTENTS_RX.match(two):
            first = i + 2
        else:
            continue
        if first >= len(lines):
            return
        for x in lines[i:_contents_end(lines, first)]:
            x.cls = "meta"
        return


def _mark_comments(lines: list[Line]) -> None:
    """HTML comments of a Markdown file, and its front-matter block (``---`` … ``---`` at the top)."""
    inside = False
    for ln in lines:
        if ln.text.startswith(_COMMENT_OPEN) or inside:
            ln.cls = "meta"
            inside = not ln.text.endswith(_COMMENT_CLOSE)
    if lines and lines[0].text == _FRONT_FENCE:
        close = next((k for k in range(1, min(len(lines), 60)) if lines[k].text == _FRONT_FENCE), None)
        for ln in lines[: (close or -1) + 1]:
            ln.cls = "meta"


def mark_meta(state: State) -> None:
    """Page metadata; a key alone on its line (``索 引 号：``) takes the next line as value.

    Copying a gov.cn metadata table often puts each cell on its own line, so the
    value would otherwise be read as the document's title. Where the table's rows
    have held their values beside their keys (``发文字号：\t国发〔2019〕5号``), a key alone
    (``主 题 词：``) is an empty cell: the next line is the title, not its value.
    """
    lines = state.lines
    cells_hold_values = False  # a key with its value on its own line: an empty key is empty
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = {} if _closes_page(state.text, lines, i) else meta_of(ln.text)
        if m is None and i > 0 and lines[i - 1].cls == "meta" and _SHARE_RX.match(ln.text):
            m = {}  # the buttons under 分享到：
        if m is not None:
            ln.cls = "meta"
            for k, v in m.items():
                state.meta.setdefault(k, v)
            cells_hold_values = cells_hold_values or bool(m) and is_cell_row(ln.text)
            key = _dangling_key(ln.text)
            if key and not cells_hold_values and i + 1 < len(lines) and _meta_value_like(lines[i + 1].text):
                lines[i + 1].cls = "meta"
                state.meta.setdefault(key, lines[i + 1].text)
                i += 1
        i += 1
    _mark_comments(lines)
    _mark_contents(lines)
