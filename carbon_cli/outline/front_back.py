"""Pass 2: front matter and closings, read from the lines left after page metadata.

Front matter: a title line (up to three wrapped title lines), an agency header
(``国家能源局文件``) that gives way to the real title below it, a document number
line, a date line right under the title and an addressee line (wrapped over two).
Closings: a date line with the signature lines above it, at the end or where a 印发
notice closes before the document it issues (whose title is marked too); notes
(``（此件公开发布）``, contact lines, the printing block); attachment blocks and
``附件1`` labels that open an attached text. Everything else stays ``body``.
"""

from __future__ import annotations

import re

from .marks import DATE_RX, DOCNO_RX, SENTENCE_PUNCT, TITLE_STOPS, WS, ordinal
from .state import Line, State

# Closing notes: （此件公开发布）, contact lines, and the 版记 of a printed document
# (抄送：…, ``国务院办公厅 2021年10月26日印发``).
_NOTE_RX = re.compile(
    r"^(?:[（(](?:此件[^）)]{0,20}|本文有删减|有删减|略有删减|节选|摘编)[）)]$|"
    r"[（(]?(?:联[ \t\u3000]*系[ \t\u3000]*人|联系电话|联系方式|咨询电话)[：:]|"
    r"(?:抄[ \t\u3000]*送|抄[ \t\u3000]*报|分[ \t\u3000]*送)[：:]|"
    r".{0,40}[0-9０-９〇一二三四五六七八九十]日[ \t\u3000]*印发$)")
ATTACH_RX = re.compile(r"^附[ \t\u3000]*件[ \t\u3000]*(?:下载|[0-9０-９]{1,2})?[ \t\u3000]*(?:[：:]|$)")
_FILE_RX = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|pptx?|csv|jpe?g|png)$", re.IGNORECASE)
_TITLE_END_RX = re.compile(
    r"(?:意见|通知|方案|办法|规定|决定|报告|答记者问|批复|函|纲要|规划|公告|通告|细则|"
    r"指南|条例|决议|通报|计划|要点|说明|解读|措施|规则|标准|目录|清单|命令|令)[）)]?"
    r"(?:[（(][^（）()]{1,12}[）)])?$")  # …方案（征求意见稿）, …办法（试行）
_AGENCY_RX = re.compile(r"(?:院|委|局|部|厅|办|署|会|政府|办公室|中心|公司|集团|银行|小组|法院|检察院)$|"
                        r"^(?:部长|主任|局长|署长|行长|总理|主席|省长|市长|区长|县长|院长)[\s\u3000]+\S{2,4}$")
_ATTACH_LABEL_RX = re.compile(r"^附[ \t\u3000]*件[ \t\u3000]*[0-9０-９]{0,2}$")
_CN_DATE = (r"[0-9０-９〇零一二三四五六七八九]{4}[ \t\u3000]*年[ \t\u3000]*[0-9０-９〇一二三四五六七八九十]{1,3}"
            r"[ \t\u3000]*月[ \t\u3000]*[0-9０-９〇一二三四五六七八九十]{1,3}[ \t\u3000]*日")
# Front matter that is neither title nor number: a law's adoption and amendment notes
# (``2024年11月8日 第十四届…会议通过``, ``（2021 年 9 月 27 日…通过）``), a news agency's
# dateline (``新华社北京10月24日电``) and a byline.
_FRONT_NOTE_RX = re.compile(
    rf"^[（(]?[ \t\u3000]*{_CN_DATE}.{{0,120}}(?:通过|修订|修正|公布|批准|施行)(?:[）)]|$)|"
    r"^新华社.{0,16}电|^[（(]?(?:记者|作者)[ \t\u3000：:][^。]{0,30}[）)]?$")
# The first line of such a note in brackets that a text layer cut: it runs to the ）.
_FRONT_NOTE_OPEN_RX = re.compile(rf"^[（(][ \t\u3000]*{_CN_DATE}[^）)]*$")
# The closing words of a notice or an opinion after its last section: they belong to the
# whole document, not to the last section's last item.
_CLOSING_RX = re.compile(
    r"意义重大|使命光荣|请(?:各地区?、?各部门)?(?:结合实际)?(?:认真)?(?:贯彻落实|贯彻执行|遵照执行|抓好落实)|"
    r"执行中(?:遇到|发现)?的(?:重大)?问题|重大(?:事项|问题)(?:要|请)?及时(?:报告|请示)")
_CLOSING_LINES = 3  # plain lines at the end of the body searched for the closing words
_SIGNERS = 4  # signing lines above a date: a name and a title, or a few agencies
_AGENCY_SIGNERS = 16  # agencies of a joint notice, one per line
_ADDRESSEE_LINES = 4  # an addressee wrapped by a page width takes at most this many lines
_FRONT_SCAN = 8  # lines after the addressee still searched for a number or a front note
_ADDRESSEE_END_RX = re.compile(r"(?:局|委|厅|部|院|办|公司|单位|政府|机构|集团|中心)$")


def _title_like(s: str) -> bool:
    if len(s) > 100 or ordinal(s) is not None or DATE_RX.match(s):
        return False
    if s[-1] in "：:，,、":
        return False
    return not any(ch in SENTENCE_PUNCT for ch in s)


def _addressee_like(s: str) -> bool:
    if len(s) > 200 or s[-1] not in "：:" or "。" in s or ordinal(s) is not None:
        return False
    body = s[:-1]
    return bool(body.startswith("各") or "、" in body or "，" in body or _ADDRESSEE_END_RX.search(body))


def _signature_like(s: str) -> bool:
    if len(s) > 40 or ordinal(s) is not None or DATE_RX.match(s):
        return False
    return not any(ch in TITLE_STOPS or ch in "《》“”\"" for ch in s)


def _attachment_line(s: str) -> bool:
    if _FILE_RX.search(s):
        return True
    o = ordinal(s)
    return bool(o and o[0] in ("num", "pnum", "num2") and len(s) <= 80
                and not any(ch in SENTENCE_PUNCT for ch in s))


def _open_brackets(run: list[Line]) -> bool:
    """A title never stops inside 《…》 or （…）: a line cut there goes on."""
    text = "".join(ln.text for ln in run)
    opened = text.count("（") + text.count("(")
    return text.count("《") > text.count("》") or opened > text.count("）") + text.count(")")


def _front_note(content: list[Line], i: int) -> int:
    """How many lines from ``i`` a front note takes (0 when line ``i`` starts none)."""
    s = content[i].text
    if _FRONT_NOTE_RX.match(s):
        return 1
    if _FRONT_NOTE_OPEN_RX.match(s):
        close = next((k for k in range(i + 1, min(i + 4, len(content))) if "）" in content[k].text
                      or ")" in content[k].text), None)
        return 0 if close is None else close - i + 1
    return 0


def _joined(run: list[Line]) -> str:
    """A wrapped title's lines as one: whether it ends as a title ends is read on the
    whole (…的实施意 / 见)."""
    return "".join(ln.text for ln in run)


def _title_run(content: list[Line], i: int) -> list[Line]:
    """A title line and up to two wrapped continuation lines; a Markdown title is one line."""
    run = [content[i]]
    if content[i].text.startswith("#"):
        return run
    j = i + 1
    while (j < len(content) and j <= i + 2
           and (not _TITLE_END_RX.search(_joined(run)) or _open_brackets(run))
           and not run[-1].text.endswith("文件")  # the agency header of a printed document
           and content[j].cls == "body" and _title_like(content[j].text)
           and not DOCNO_RX.match(content[j].text) and not _front_note(content, j)):
        run.append(content[j])
        j += 1
    return run


def _mark_title(content: list[Line], i: int) -> None:
    for ln in _title_run(content, i):
        ln.cls = "title"


def _replaces_header(content: list[Line], i: int) -> bool:
    """A real title below the issuing agency's header (``国家能源局文件``) demotes it.

    The header comes first on a printed document; the title, named by its type
    (…的通知, …方案), follows the document number.
    """
    earlier = [ln for ln in content[:i] if ln.cls == "title"]
    if not earlier or _TITLE_END_RX.search(_joined(earlier)):
        return False
    if not _TITLE_END_RX.search(_title_run(content, i)[-1].text):
        return False
    for ln in earlier:
        ln.cls = "note"
    return True


def _repeats_title(content: list[Line], i: int) -> bool:
    titles = [ln.text for ln in content[:i] if ln.cls == "title"]
    return bool(titles) and content[i].text == "".join(titles)


def _wrapped_addressee(content: list[Line], i: int) -> int:
    """How many lines an addressee wrapped over two or more takes, from line ``i`` (0: none).

    Wrapped by its writer (``各区人民政府，`` / ``市政府各委、办、局：``) or by a page
    width (``…各直属机`` / ``构：``, or three lines of agencies).
    """
    s = content[i].text
    following = content[i + 1].text if i + 1 < len(content) else ""
    if s[-1] in "，,、" and following and _addressee_like(s[:-1] + "：") and _addressee_like(following):
        return 2
    if not s.startswith("各"):
        return 0
    joined = s
    for k in range(i + 1, min(i + _ADDRESSEE_LINES, len(content))):
        if content[k].cls != "body" or any(ch in SENTENCE_PUNCT for ch in joined):
            return 0
        joined += content[k].text
        if joined[-1] in "：:":
            return k - i + 1 if _addressee_like(joined) else 0
    return 0


def _mark_number(state: State, ln: Line) -> bool:
    """A document number line; its number, without brackets, is ``meta["文号"]``."""
    m = DOCNO_RX.match(ln.text)
    if not m or len(ln.text) > 40:
        return False
    ln.cls = "number"
    state.meta.setdefault("文号", m.group("no"))
    return True


def _mark_front_note(content: list[Line], i: int) -> bool:
    n = _front_note(content, i)
    for ln in content[i:i + n]:
        ln.cls = "note"
    return n > 0


def _mark_late_front(state: State, content: list[Line], i: int) -> None:
    """Past the addressee, up to the first heading: a number or a front note still in the front.

    A law's promulgating notice (``…常务委员会公告`` / ``（第八十二号）``) or an adoption
    note under a title the addressee search stopped at.
    """
    for k in range(i, min(i + _FRONT_SCAN, len(content))):
        ln = content[k]
        if ordinal(ln.text) is not None:
            return
        if ln.cls == "body" and not _mark_number(state, ln):
            _mark_front_note(content, k)


def _mark_front(state: State, content: list[Line]) -> None:
    """Title (with wrapped lines), document number, date and addressee at the top."""
    title_seen = False
    i = 0
    for i, ln in enumerate(content):
        s = ln.text
        if ln.cls != "body":
            continue
        if _mark_number(state, ln):
            continue
        if DATE_RX.match(s):
            ln.cls = "date"
            continue
        if _mark_front_note(content, i):
            continue
        if not title_seen and _ATTACH_LABEL_RX.match(s):
            ln.cls = "attachment"  # the text of an attachment saved on its own
            continue
        if not title_seen and _title_like(s):
            title_seen = True
            _mark_title(content, i)
            continue
        if _title_like(s) and _replaces_header(content, i):
            _mark_title(content, i)
            continue
        if _repeats_title(content, i):
            ln.cls = "note"  # the title again, as a printed page's header or a reprint repeats it
            continue
        if _addressee_like(s):
            ln.cls = "addressee"
        else:
            for x in content[i:i + _wrapped_addressee(content, i)]:
                x.cls = "addressee"
        break
    _mark_late_front(state, content, i)


def _mark_notes(content: list[Line]) -> None:
    for ln in content:
        if ln.cls == "body" and len(ln.text) <= 160 and _NOTE_RX.match(ln.text):
            ln.cls = "note"  # closes a notice; it is no part of the item above it


def _signature_above(content: list[Line], i: int, strict: bool) -> list[Line]:
    """The signing lines right above a date line: up to four, or as many agencies one per
    line as sign a joint notice (agency names only when ``strict``)."""
    sig: list[Line] = []
    j = i - 1
    while j >= 0 and content[j].cls == "body" and _signature_like(content[j].text):
        agency = bool(_AGENCY_RX.search(content[j].text))
        if strict and not agency or len(sig) >= _SIGNERS and not (agency and len(sig) < _AGENCY_SIGNERS):
            break
        sig.append(content[j])
        j -= 1
    return sig


def _mark_after_closing(content: list[Line], i: int) -> None:
    """Notes after a closing date, then the title of the document it issues."""
    while i < len(content) and content[i].cls == "note":
        i += 1
    if i + 1 < len(content) and content[i].cls == "body" and _title_like(content[i].text) \
            and not ATTACH_RX.match(content[i].text):
        run = _title_run(content, i)
        for ln in run:
            ln.cls = "title"
        after = i + len(run)
        if after < len(content) and content[after].cls == "body":
            _mark_front_note(content, after)  # the issued law's adoption note


def _mark_closings(content: list[Line]) -> None:
    """Signature and date blocks, at the end and wherever a 通知 closes before its 附件.

    A 印发 notice signs and dates its few lines, then the document it issues follows
    with a title of its own; that title is marked too.
    """
    k = len(content) - 1
    while k >= 0 and content[k].cls == "note":
        k -= 1
    for i in range(len(content)):
        ln = content[i]
        if ln.cls != "body" or not DATE_RX.match(ln.text):
            continue
        at_end = i == k
        sig = _signature_above(content, i, strict=not at_end)
        noted = i + 1 < len(content) and content[i + 1].cls == "note"
        if not at_end and (not (sig or noted) or ln.text[0] in "（("):
            continue
        ln.cls = "date"
        if i > len(sig) or at_end and sig:
            for x in sig:
                x.cls = "signature"
        if not at_end:
            _mark_after_closing(content, i + 1)


def _mark_attachments(content: list[Line]) -> None:
    """``附件：`` blocks listing files, and ``附件1`` labels that open an attached text."""
    i = 0
    while i < len(content):
        ln = content[i]
        if ln.cls == "body" and i > 0 and ATTACH_RX.match(ln.text) and len(ln.text) <= 120:
            j = i + 1
            while j < len(content) and content[j].cls == "body" and _attachment_line(content[j].text):
                j += 1
            rest = ln.text.split("：", 1)[-1].split(":", 1)[-1] if ("：" in ln.text or ":" in ln.text) else ""
            if j > i + 1 or rest.strip(WS):
                for x in content[i:j]:
                    x.cls = "attachment"
                i = j
                continue
            if _ATTACH_LABEL_RX.match(ln.text) and j < len(content) - 1 \
                    and content[j].cls == "body" and _title_like(content[j].text):
                ln.cls = "attachment"
                _mark_title(content, j)
        i += 1


def _mark_closing_words(content: list[Line]) -> None:
    """The closing paragraph after the last section (…意义重大、使命光荣。 / 请认真贯彻落实。)."""
    k = len(content)
    while k > 0 and content[k - 1].cls != "body":
        k -= 1
    start = k
    while start > 0 and k - start < _CLOSING_LINES and content[start - 1].cls == "body" \
            and ordinal(content[start - 1].text) is None:
        start -= 1
    if start == 0 or not any(ln.cls == "body" and ordinal(ln.text) for ln in content[:start]):
        return  # no section before it to be kept out of
    first = next((i for i in range(start, k) if _CLOSING_RX.search(content[i].text)), None)
    for ln in content[first:k] if first is not None else []:
        ln.cls = "note"


def mark_front_back(state: State) -> None:
    """Mark front matter, closing notes, closings and attachments; the rest stays body."""
    content = state.content()
    _mark_front(state, content)
    _mark_notes(content)
    _mark_closings(content)
    _mark_attachments(content)
    _mark_closing_words(content)
