"""A document's record: who issued it, its number, when, what kind of document it is,
and what it forwards: the fields policy libraries (北大法宝, gov.cn/zhengce) put first.

Built from what the outline parser gives a :class:`~carbon_cli.model.Document`: its
title, its ``meta`` (the fields a web reprint leaves: 发文机关, 发文字号, 成文日期,
发布日期 …) and its passages of kind ``title``, ``number``, ``signature`` and
``date``. Nothing is guessed: a field the document does not state is ``None``.

- **issuers**: the authorities before 关于 / 转发 / 印发 in the title
  (``国家发展改革委 国家能源局关于…`` names two), those of a Q&A's title
  (``国家能源局有关负责人就…``), an order's (``生态环境部令``) or a cover page's (the
  block under the title that is only authorities and a date), the signature's
  lines and the metadata's 发文机关 / 发布机构, each normalised through
  ``data/issuers.tsv`` and kept once, in that order.
- **doc_number**: 文号 with its parts: ``发改能源规〔2021〕1051号`` is agency code
  发改能源规, year 2021, number 1051; 〔〕, [], （） and 號 are read alike.
- **date_written** (成文日期: metadata, else the date line under the signature) and
  **date_published** (发布日期 / 发布时间 of the metadata), as ISO dates, from
  ``二〇二一年七月十五日``, ``2021年7月15日``, ``2021-07-15`` or ``2021/7/15``.
- **doc_type** (文种): the longest type word the title ends with, parenthesised
  qualifiers (（试行）, （2022—2030年）) aside.
- **forwards**: the title a covering notice carries (``国务院关于印发2030年前碳达峰
  行动方案的通知`` carries ``2030年前碳达峰行动方案``).

Stdlib only, so the query side can use the issuer table without loading the parser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from .facets import UNKNOWN
from .model import Document, Passage
from .resources import data_file

Normalise = Callable[[str], str]

#: 文种, as titles end. The longest one a title ends with is its type.
DOC_TYPES: tuple[str, ...] = (
    "通知", "通报", "通告", "公告", "意见", "指导意见", "实施意见", "方案", "实施方案", "行动方案", "工作方案",
    "规划", "纲要", "计划", "行动计划", "办法", "实施办法", "暂行办法", "条例", "规定", "暂行规定", "细则",
    "实施细则", "法", "决定", "决议", "批复", "函", "复函", "令", "报告", "指南", "措施", "若干措施",
    "答记者问", "问答", "解读", "访谈",
)
#: Words that end like a type but are none (核算方法 is not a 法).
NOT_TYPES: tuple[str, ...] = ("方法", "做法", "想法", "说法")

#: What an unlisted authority's name ends with.
AUTHORITY_ENDINGS: tuple[str, ...] = (
    "部", "委", "局", "院", "厅", "署", "办", "会", "行", "司", "政府", "中央", "委员会", "总局", "公司", "中心",
)

_TRIM_TITLE = " \t\u3000《》"
_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")  # （试行）, （2022—2030年）
_ISSUER_SPLIT = re.compile(r"[\s\u3000、，,;；]+")
_TITLE_ISSUERS = re.compile(r"^(?P<who>.+?)(?:关于|转发|印发|有关负责(?:人|同志)|负责(?:人|同志)|令$)")
_AND_OTHERS = re.compile(r"等(?:[一二三四五六七八九十\d]+个?)?(?:部门|单位|部委)$")  # 国家发展改革委等部门
_ORDER_LINE = re.compile(r"(?P<who>.+?)令")  # 中华人民共和国生态环境部令
_FORWARDS = re.compile(r"(?:印发|转发|发布|颁布|公布)(?P<carried>.+?)的(?:通知|公告|通告|令)$")
_NUMBER = re.compile(
    r"^(?P<agency>[^\s〔\[［(（【]*?)\s*[〔\[［(（【]\s*(?P<year>\d{4})\s*[〕\]］)）】]\s*第?(?P<number>\d+)\s*[号號]$"
)
_ORDER_NUMBER = re.compile(r"^第\s*(?P<number>\d+|[一二三四五六七八九十百零〇]+)\s*[号號]$")
# 2018年10月26日 第十三届全国人民代表大会常务委员会第六次会议…修正: a law's adoption and amendments
_ADOPTED = re.compile(
    r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?P<body>[^\s（(，,。]+?)第[一二三四五六七八九十百]+次"
    r"(?:全体)?会议[^\n。]*?(?:通过|修订|修正)"
)
_TERM_OF_OFFICE = re.compile(r"第[一二三四五六七八九十百]+届")
_QA_LEAD = re.compile(r"(?P<who>[^，,。；;：:\s（(）)]+?)有关负责(?:人|同志)就")
_PROMULGATED = "现予公布"
_ARABIC_DATE = re.compile(r"(?P<y>\d{4})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})\s*日?")
_CHINESE_DATE = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}

WRITTEN_KEYS = ("成文日期", "成文时间")
PUBLISHED_KEYS = ("发布日期", "发布时间", "公布日期", "印发日期")
ISSUER_KEYS = ("发文机关", "发布机构", "发文单位", "制发机关")
NUMBER_KEYS = ("文号", "发文字号")


@dataclass(frozen=True)
class DocNumber:
    """文号 as written and its parts; a part the number does not have is ``None``."""

    text: str
    agency: str | None  # 发改能源规
    year: int | None  # 2021
    number: int | None  # 1051


@dataclass(frozen=True)
class DocRecord:
    """The record of one document. ``None``: the document does not say."""

    title: str
    issuers: tuple[str, ...] | None
    doc_number: DocNumber | None
    date_written: str | None
    date_published: str | None
    doc_type: str | None
    forwards: str | None

    @property
    def date(self) -> str | None:
        """The date the filters and the date sort use: 成文日期, else 发布日期."""
        return self.date_written or self.date_published

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["issuers"] = list(self.issuers) if self.issuers else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocRecord:
        number = data.get("doc_number")
        return cls(
            title=str(data.get("title", "")),
            issuers=tuple(data["issuers"]) if data.get("issuers") else None,
            doc_number=DocNumber(**number) if number else None,
            date_written=data.get("date_written"),
            date_published=data.get("date_published"),
            doc_type=data.get("doc_type"),
            forwards=data.get("forwards"),
        )


# -- issuers -------------------------------------------------------------------------


def _plain(text: str) -> str:
    """The key names are matched by: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


class Issuers:
    """``data/issuers.tsv``: any name of an authority to its canonical name."""

    def __init__(self, lines: Iterable[str], normalise: Normalise = _plain) -> None:
        self.normalise = lambda name: _plain(normalise(name))
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[str, str]] = []  # (ending, canonical ending)
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            names = [n.strip() for n in line.split("\t") if n.strip()]
            if names[0].startswith("*"):
                self.patterns.extend((self.normalise(n[1:]), names[0][1:]) for n in names)
            else:
                self.exact.update((self.normalise(n), names[0]) for n in names)
        self.patterns.sort(key=lambda pattern: -len(pattern[0]))

    def canonical(self, name: str) -> str | None:
        """The canonical name of an authority, or ``None`` if ``name`` is none."""
        key = self.normalise(name)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for ending, canonical in self.patterns:
            if key.endswith(ending) and len(key) > len(ending):
                return key[: -len(ending)] + canonical
        if key.endswith(AUTHORITY_ENDINGS) and len(key) >= 3:
            return key
        return None

    def line(self, text: str) -> list[str]:
        """The authorities of one signature line; a name spaced out to the width of the
        others (生 态 环 境 部) is read whole."""
        parts = text.split()
        if len(parts) > 1 and all(len(part) == 1 for part in parts):
            text = "".join(parts)
        return self.split(text)

    def split(self, text: str) -> list[str]:
        """The authorities named in ``text`` (a title's prefix, a signature, 发文机关)."""
        found = []
        for part in _ISSUER_SPLIT.split(text.strip()):
            name = self.canonical(part)
            if name is None:
                return []  # a part that is no authority: the text is no list of them
            found.append(name)
        return found


@lru_cache(maxsize=1)
def _issuer_lines() -> tuple[str, ...]:
    return tuple(data_file("issuers.tsv").read_text(encoding="utf-8").splitlines())


def issuers_table(normalise: Normalise = _plain) -> Issuers:
    return Issuers(_issuer_lines(), normalise)


def _title_issuers(title: str, table: Issuers) -> list[str]:
    """The authorities before 关于 …; of 国家发展改革委等部门关于, the one named."""
    match = _TITLE_ISSUERS.match(title.strip())
    return table.split(_AND_OTHERS.sub("", match.group("who"))) if match else []


def _signature_issuers(document: Document, table: Issuers) -> list[str]:
    """The authorities of the signature lines, with those the parser left at the end of
    the passage before (a signature of nine lines it cut after the fifth)."""
    found: list[str] = []
    passages = document.passages
    for at, passage in enumerate(passages):
        if passage.kind != "signature":
            continue
        before: list[str] = []
        for line in reversed(passages[at - 1].text.splitlines() if at else []):
            names = table.line(line) if line.strip() else []
            if not names:
                break
            before[:0] = names
        found.extend(before)
        for line in passage.text.splitlines():
            if line.strip() and not _ARABIC_DATE.search(line) and not _CHINESE_DATE.search(line):
                found.extend(table.line(line))
    return found


def _order_issuers(front: str, table: Issuers) -> list[str]:
    """The authority of an order's head line (中华人民共和国生态环境部令)."""
    for line in front.splitlines():
        match = _ORDER_LINE.fullmatch(line.strip())
        if match and table.split(match.group("who")):
            return table.split(match.group("who"))
    return []


_COVER_DATE = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:.{1,4}日)?"
)


def _cover_issuers(document: Document, table: Issuers) -> list[str]:
    """The authorities of a cover page: the block after the title that is only their
    names and a date (天津市发展和改革委员会 / 2021 年 12 月), as a plan printed on its own
    carries them."""
    passages = document.passages
    if len(passages) < 2 or passages[0].kind != "title" or passages[1].kind != "preamble":
        return []
    lines = [line.strip() for line in passages[1].text.splitlines() if line.strip()]
    names = [table.line(line) for line in lines]
    dated = [bool(_COVER_DATE.fullmatch(line)) for line in lines]
    if not any(dated) or not any(names) or not all(n or d for n, d in zip(names, dated)):
        return []
    return [name for found in names for name in found]


# -- numbers and dates ---------------------------------------------------------------


def parse_number(text: str) -> DocNumber | None:
    """``发改能源规〔2021〕1051号`` -> its parts; ``None`` for what is no 文号."""
    written = text.strip()
    if written[:1] in "（(" and written[-1:] in "）)":  # a 文号 line of a PDF: （国发〔2021〕23 号）
        written = written[1:-1].strip()
    plain = unicodedata.normalize("NFKC", written)
    match = _NUMBER.match(plain)
    if match:
        agency = match.group("agency").strip() or None
        return DocNumber(written, agency, int(match.group("year")), int(match.group("number")))
    match = _ORDER_NUMBER.match(plain)
    if match:
        digits = match.group("number")
        return DocNumber(written, None, None, int(digits) if digits.isdigit() else _chinese_count(digits))
    return None


def _chinese_count(text: str) -> int:
    """一 .. 九百九十九 (第八十二号)."""
    total, unit = 0, 0
    for char in text:
        if char == "百":
            total += (unit or 1) * 100
            unit = 0
        elif char == "十":
            total += (unit or 1) * 10
            unit = 0
        else:
            unit = _DIGITS[char]
    return total + unit


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD``, or ``None``."""
    plain = unicodedata.normalize("NFKC", text)
    match = _ARABIC_DATE.search(plain)
    if match:
        return _iso(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    match = _CHINESE_DATE.search(text)
    if match:
        year = int("".join(str(_DIGITS[c]) for c in match.group("y")))
        return _iso(year, _chinese_count(match.group("m")), _chinese_count(match.group("d")))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# -- titles --------------------------------------------------------------------------


def bare_title(title: str) -> str:
    """A title without 《》, spaces around it, and its trailing parenthesised notes."""
    title = " ".join(title.split()).strip(_TRIM_TITLE)
    while True:
        shorter = _TRAILING_NOTE.sub("", title)
        if shorter == title or not shorter:
            return title
        title = shorter


def doc_type(title: str) -> str | None:
    """The 文种 the title ends with (longest match), or ``None``."""
    bare = bare_title(title)
    if bare.endswith(NOT_TYPES):
        return None
    found = [t for t in DOC_TYPES if bare.endswith(t)]
    return max(found, key=len) if found else None


def forwarded(title: str) -> str | None:
    """The title a covering notice carries: 印发/转发 X 的通知 -> X."""
    match = _FORWARDS.search(" ".join(title.split()))
    if not match:
        return None
    carried = match.group("carried").strip(_TRIM_TITLE)
    return carried or None


# -- the record ----------------------------------------------------------------------


def _first(meta: Mapping[str, str], keys: Sequence[str]) -> str | None:
    return next((meta[k] for k in keys if meta.get(k, "").strip()), None)


def record_of(document: Document, table: Issuers | None = None) -> DocRecord:
    """The record of a parsed document."""
    table = table or issuers_table()
    texts: dict[str, list[str]] = {}
    for passage in document.passages:
        if passage.kind in ("number", "signature", "date"):
            texts.setdefault(passage.kind, []).append(passage.text)
    meta = document.meta
    number_text = _first(meta, NUMBER_KEYS) or next(iter(texts.get("number", [])), None)
    number = parse_number(number_text) if number_text else _front_number(document)
    front = _front_text(document)
    title = _without_number(_whole_title(meta.get("标题") or document.title, front), number)  # 标题 is never cut
    issuers = (_title_issuers(title, table) or _qa_issuers(title, document, table) or _order_issuers(front, table)
               or _cover_issuers(document, table))
    issuers.extend(_signature_issuers(document, table))
    issued_by = _first(meta, ISSUER_KEYS)
    if issued_by:
        issuers.extend(table.split(issued_by))
    adopted = [(parse_date(m.group("date")), m.group("body")) for m in _ADOPTED.finditer(front)]
    for _, body in adopted:
        issuers.extend(table.split(_TERM_OF_OFFICE.sub("", body)))
    written = _first(meta, WRITTEN_KEYS)
    written_date = parse_date(written) if written else None
    signed = next((d for d in map(parse_date, reversed(texts.get("date", []))) if d), None)
    if written_date is None:
        written_date = signed or max((d for d, _ in adopted if d), default=None)
    published = _first(meta, PUBLISHED_KEYS)
    published_date = parse_date(published) if published else None
    if published_date is None and _PROMULGATED in front and "公告" in front:  # a 公告 publishes on its date
        published_date = signed
    return DocRecord(
        title=title,
        issuers=tuple(dict.fromkeys(issuers)) or None,
        doc_number=number,
        date_written=written_date,
        date_published=published_date,
        doc_type=doc_type(title),
        forwards=forwarded(title),
    )


FRONT_KINDS = ("title", "preamble", "number", "intro")


def _is_note(passage: Passage) -> bool:
    """A front or closing note of the outline (a law's adoption lines, ``（本文有删减）``)."""
    return passage.kind == "paragraph" and passage.id.rsplit("/", 1)[-1].split("-")[0] == "note"


def _front(document: Document) -> list[str]:
    """The passages before the body (title, preamble, 文号 lines, front notes), as the parser cut them."""
    texts = []
    for passage in document.passages:
        if passage.kind not in FRONT_KINDS and not _is_note(passage):
            break
        texts.append(passage.text)
    return texts


def _front_text(document: Document) -> str:
    return "\n".join(_front(document))


def _front_number(document: Document) -> DocNumber | None:
    """A 文号 line the parser left inside the front matter (a PDF's （国发〔2021〕23 号）
    under a repeated title, a 公告's （第八十二号））: a line that is a 文号 and nothing else."""
    for line in _front_text(document).splitlines():
        number = parse_number(line)
        if number is not None:
            return number
    return None


def _whole_title(title: str, front: str) -> str:
    """The title on one line; one cut inside its 《》 (…实施方案（2022-2030 年） / 》的通知)
    takes the rest of the line the cut left in the front matter."""
    title = " ".join(title.split())
    if title.count("《") > title.count("》"):
        rest = front[front.find(title[-8:]) + 8:] if title[-8:] in front else ""
        following = next((line.strip() for line in rest.splitlines() if line.strip()), "")
        if following.startswith("》"):
            title += following
    return title


def _without_number(title: str, number: DocNumber | None) -> str:
    """A title that a page ran into its 文号 (…的通知 国能综通安全〔2021〕108号), or a law's
    title run into its adoption lines (…节约能源法1997年11月1日 第八届…通过), without them."""
    adopted = _ADOPTED.search(title)
    if adopted and adopted.start() > 0:
        title = title[: adopted.start()].rstrip()
    if number is not None and title.endswith(number.text) and len(title) > len(number.text):
        return title[: -len(number.text)].rstrip()
    return title


def _qa_issuers(title: str, document: Document, table: Issuers) -> list[str]:
    """The authority whose official answers a Q&A without a title line: the lead says
    科技部有关负责人就《实施方案》相关情况回答了记者的提问."""
    if doc_type(title) != "答记者问":
        return []
    for text in _front(document):
        match = _QA_LEAD.search(text)
        if match:
            return table.split(match.group("who"))
    return []


# -- filters -------------------------------------------------------------------------

#: The document id no document has: a filter that matched no document scopes to it.
NO_DOCUMENT = "(no document matches)"
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "［": "[", "］": "]", "（": "[", "）": "]", "(": "[", ")": "]",
                           "【": "[", "】": "]", "號": "号"})


def number_key(text: str) -> str:
    """A 文号 as compared: width folded, brackets alike, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_BRACKETS).split())


def date_bound(text: str, *, end: bool, option: str = "date") -> str:
    """``2021`` / ``2021-07`` / ``2021-07-15`` (or any form ``parse_date`` reads) as the
    first day (``end``: the last day) it covers, ISO."""
    import calendar

    plain = unicodedata.normalize("NFKC", text).strip()
    match = re.fullmatch(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*月?)?", plain)
    if match:
        year, month = int(match.group(1)), int(match.group(2) or 0)
        if not month:
            return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1] if end else 1
            return f"{year:04d}-{month:02d}-{last:02d}"
    day = parse_date(plain)
    if day is None:
        from .model import CarbonError

        raise CarbonError(f"{option}: {text!r} is not a date; write 2021, 2021-07 or 2021-07-15")
    return day


@dataclass(frozen=True)
class RecordFilter:
    """Which documents a command looks at, by their records. Each field given must
    hold (AND); the values of one field are alternatives (OR). A document whose record
    does not know a field is left out by a filter on it."""

    issuers: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # 意见 also matches 指导意见 and 实施意见: a type matches the types ending with it
    since: str | None = None  # ISO days, inclusive, on 成文日期 (else 发布日期)
    until: str | None = None
    numbers: tuple[str, ...] = ()  # a 文号, or a part of one
    years: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.issuers or self.types or self.since or self.until or self.numbers or self.years)

    def matches(self, record: Mapping[str, Any], table: Issuers) -> bool:
        day: str = record.get("date_written") or record.get("date_published") or ""
        if (self.since or self.until or self.years) and not day:
            return False
        if self.since and day < self.since or self.until and day > self.until:
            return False
        if self.years and day[:4] not in self.years:
            return False
        if self.issuers:
            held = set(record.get("issuers") or ())
            if not any((table.canonical(name) or table.normalise(name)) in held for name in self.issuers):
                return False
        if self.types:
            kind = record.get("doc_type") or ""
            if not any(kind and kind.endswith(t) for t in self.types):
                return False
        if self.numbers:
            number = number_key(((record.get("doc_number") or {}).get("text")) or "")
            if not any(number and number_key(n) in number for n in self.numbers):
                return False
        return True


def select(records: Mapping[str, Mapping[str, Any]], where: RecordFilter, table: Issuers) -> list[str]:
    """The ids of the documents whose records pass ``where``, in library order."""
    return [doc for doc, record in records.items() if where.matches(record, table)]


def scope(
    docs: Sequence[str], records: Mapping[str, Mapping[str, Any]], where: RecordFilter, table: Issuers
) -> list[str]:
    """``docs`` (no restriction when empty) narrowed by ``where``: the documents a
    search or a listing may answer from; ``[NO_DOCUMENT]`` when none may."""
    if not where.active:
        return list(docs)
    chosen = [doc for doc in select(records, where, table) if not docs or doc in docs]
    return chosen or [NO_DOCUMENT]




def sort_by_date(documents: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Documents (as ``Index.documents`` lists them) newest first, undated last."""
    def day(doc: Mapping[str, Any]) -> str:
        record = doc.get("record") or {}
        return record.get("date_written") or record.get("date_published") or ""

    return sorted(documents, key=day, reverse=True)


GROUPINGS = ("issuer", "year", "doc", "type")


def groups_of(records: Mapping[str, Mapping[str, Any]], by: str) -> dict[str, list[str]]:
    """Each document's groups for ``stats --by``: its issuers (a joint document is in
    each), the year of its date, its id, or its 文种; ``unknown`` where the record is."""
    found: dict[str, list[str]] = {}
    for doc, record in records.items():
        if by == "doc":
            found[doc] = [doc]
        elif by == "issuer":
            found[doc] = list(record.get("issuers") or [UNKNOWN])
        elif by == "year":
            day = record.get("date_written") or record.get("date_published")
            found[doc] = [day[:4] if day else UNKNOWN]
        else:
            found[doc] = [record.get("doc_type") or UNKNOWN]
    return found
