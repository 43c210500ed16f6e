"""The quantified targets a plan commits to, read from its passages.

A target is a number a document promises for a year: 到2025年，单位国内生产总值能耗比
2020年下降13.5% is the target year 2025, the indicator 单位国内生产总值能耗 (as written),
the direction 下降, the value 13.5 in %, the base year 2020. The words of a target (its
verbs, units, modifiers, the adverbs of a list) are in ``data/target_words.tsv``.

How a passage is read, on its normalised text (width, case and traditional forms folded,
``text.py``) without whitespace (a PDF's line breaks fall inside words and numbers), with
every offset mapped back to the original:

1. Years in scope. 到2025年, 2030年前, 2025年底, 2022年起, “十四五”期间/末 (→ 2025) set the
   year. A marker that opens a sentence holds until the next one that does; one inside a
   sentence holds to its full stop. 比2020年 and 在2020年基础上 are base years; a date
   (2019年6月底前) sets nothing. A year looked back from (“十三五”以来, 截至2020年底) or
   before the document's own time (``document_starts``) is its past: no target. A lead
   paragraph ending with ： (“十四五”时期…主要目标是：) hands its year to the passages below
   it in its section. The year that opens a sentence also holds into the next passage of
   the section where the text runs on into it: a passage that ends mid-sentence (a PDF's
   page break cut 到2025年， from what it governs), and every passage of a goals section
   (its title ends with 目标), whose paragraphs a PDF's short lines may cut apart. A
   PDF's page-number lines inside the text are skipped. A section's first paragraph
   that opens with a year, or else the section's title (专栏5 “十四五”国家级…基地), dates
   the passages of it that name none.
2. Clauses. The text is cut at ，；。：！？; a target never crosses a clause.
3. In a clause, each ``direction`` verb followed by a number with a unit is a target;
   its indicator is the clause's words before it (after the previous target of the same
   clause), without leading words such as 其中, 并, 力争, nor a year before the verb;
   力争, 确保, 累计 before the verb and 左右, 以上, 以内 after the value are its
   modifiers. 60%~65% is one target with a lower and an upper value; a share of a whole
   may stand between verb and value (达到最大用电负荷的3%～5%). A verb and number
   with no words before them share the sentence's last indicator (…，到2030年达到5.1亿吨).
4. Lists. A、B分别达到x和y gives one target per value, each spanning its value; A、B均达到x
   gives one target per listed indicator, sharing the span. The indicator is the list as
   written. “十四五”、“十五五”期间分别新增… gives one target per period.
5. No verb: a share or rate (``measure``: 占比, 比重, 率 …) followed by its value
   (焚烧处理能力占比65%左右), where the clause holds no other target.
6. Counts. A ``count`` verb with the thing counted before the number (新增水电装机容量
   4000万千瓦) or after it (培育100个智能建造产业基地, …和5个绿色技术创新中心, 建成380万千瓦
   风电、20万千瓦光伏基地). A place before the verb (在…地区新增建设…) is no part of it.
7. With ``qualitative=True``, clauses in a year's scope that state a change without a
   number (单位国内生产总值能耗大幅下降, 体系基本建立) are returned as well, marked
   qualitative, with no value.

A number with no year in scope is not a target: undated rules (原则上不低于50%), counts
(10项行动), dates, document numbers and past achievements have none, or no verb before them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from .model import CarbonError, Passage
from .outline.marks import cn_number
from .outline.page_meta import is_page_number
from .resources import data_file
from .text import Normaliser, Pipeline

WORDS_FILE = "target_words.tsv"
_CLAUSE_END = ",;。:!?"  # the normal forms of ，；。：！？ (and themselves)
_SENTENCE_END = "。!?"
_CLOSERS = ")]）】”’\"'"  # a passage ending in one is closed: （…等按职责分工负责）
_NUMBER = r"\d+(?:\.\d+)?"
# numbers in words that plans state targets with: 超过一半, 超过三分之一 (a fraction of a
# whole, so no unit), and in counts a bare magnitude (推广万种绿色产品: 1, in 万种)
_DIGITS = "一二两三四五六七八九十"
_WORDED = f"一半|[{_DIGITS}]分之[{_DIGITS}]"
_MULTIPLIER = "[万亿千百]"
_SINCE = "以来"
_AS_OF = ("截至", "截止")
PERIOD_YEARS = 5  # a five-year plan's period: “十四五” is 2021–2025


@dataclass(frozen=True)
class Target:
    """One target of one passage; ``passage.text[start:end]`` is its span."""

    doc: str
    passage: str
    year: int | None
    indicator: str
    direction: str
    value: float | None  # None for a qualitative statement
    upper: float | None  # the upper end of a range, else None
    unit: str
    modifiers: tuple[str, ...]
    base_year: int | None
    start: int
    end: int
    span: str
    qualitative: bool = False

    def to_json(self) -> dict[str, object]:
        """The target as plain data: numbers as written (13.5, 18), modifiers a list."""
        return {
            "doc": self.doc,
            "passage": self.passage,
            "year": self.year,
            "indicator": self.indicator,
            "direction": self.direction,
            "value": plain_number(self.value),
            "upper": plain_number(self.upper),
            "unit": self.unit,
            "modifiers": list(self.modifiers),
            "base_year": self.base_year,
            "start": self.start,
            "end": self.end,
            "span": self.span,
            "qualitative": self.qualitative,
        }


def plain_number(value: float | None) -> int | float | None:
    """18.0 as 18, 13.5 as 13.5: a value as the document writes it."""
    if value is None:
        return None
    return int(value) if value == int(value) else value


# -- the words --------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """``target_words.tsv``, by role, each role's words longest first."""

    roles: dict[str, tuple[str, ...]]
    periods: dict[str, int]

    def __getitem__(self, role: str) -> tuple[str, ...]:
        return self.roles.get(role, ())

    def alternation(self, role: str) -> str:
        return "|".join(re.escape(word) for word in self[role])


@lru_cache(maxsize=1)
def words() -> Words:
    roles: dict[str, list[str]] = {}
    periods: dict[str, int] = {}
    for line in data_file(WORDS_FILE).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        role, *cells = [cell for cell in line.split("\t") if cell]
        if role == "period":
            periods[cells[0]] = int(cells[1])
        else:
            roles.setdefault(role, []).extend(cells)
    return Words({role: tuple(sorted(ws, key=len, reverse=True)) for role, ws in roles.items()}, periods)


@dataclass(frozen=True)
class Patterns:
    """The regular expressions built from the words, compiled once."""

    year: re.Pattern[str]
    target: re.Pattern[str]
    base_lead: re.Pattern[str]  # 在2020年的基础上 opening a clause: every target's base year in it
    count_before: re.Pattern[str]  # 新增水电装机容量4000万千瓦: the indicator between verb and number
    count_after: re.Pattern[str]  # 培育100个智能建造产业基地: the indicator after the number
    count_more: re.Pattern[str]  # …和5个绿色技术创新中心: one more count for the same verb
    more_value: re.Pattern[str]
    lead: re.Pattern[str]
    qualitative: re.Pattern[str]
    measured: re.Pattern[str]  # 焚烧处理能力占比65%左右: a share or rate and its value, no verb
    share_first: re.Pattern[str]  # 80%以上党政机关建成节约型机关: the share of a group that will
    open_verb: re.Pattern[str]  # …人均生活用电量和用气量分别达到| : a verb whose values the next passage holds
    part: re.Pattern[str]  # 煤电1245.3万千瓦: one part of a total, after 其中包括
    first_value: re.Pattern[str]  # |1200千瓦时和92立方米。: the values a passage opens with
    unit: re.Pattern[str]  # 万千瓦, 亿吨标准煤, 万吨/日: a unit with its multiplier


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    w = words()
    unit = (
        f"(?:{_MULTIPLIER}*(?:{w.alternation('unit')})|{_MULTIPLIER}+)"
        f"(?:/{_MULTIPLIER}*(?:{w.alternation('per')}))?"
    )
    after = f"(?P<after>{w.alternation('after')})?"
    graded = _graded(w)
    number = rf"(?:{_NUMBER}|{_WORDED})(?![\d.]|{graded})"  # 500千伏 names a grade: no value, nor is 50 of it
    value = f"(?P<v1>{number})(?P<u1>{unit})?(?:(?:{w.alternation('range')})(?P<v2>{number})(?P<u2>{unit})?)?{after}"
    adverbs = "|".join(filter(None, (w.alternation(r) for r in ("list", "skip", "before"))))
    periods = "|".join(re.escape(p) for p in w.periods)
    year = (
        rf"(?<![比较与自从—\-~～－\d])(?:到|至|在|于)?(?P<year>(?:19|20)\d\d)年(?:底前|末前|前|底|末|起)?"
        rf"(?![\d月上下]|的?基础上)"
        rf"|[“\"]?(?P<period>{periods})[”\"]?(?:期间|时期|末|期末)?"
    )
    clause_text = f"[^{re.escape(_CLAUSE_END)}]"
    base_from = r"在(?P<base_from>(?:19|20)\d\d)年的?基础上"
    verbs = "|".join(filter(None, (w.alternation("direction"), w.alternation("bounded"))))
    target = (
        rf"(?P<adverbs0>(?:{adverbs})*)"  # 分别比2020年下降25%和20%: an adverb may come before the base
        rf"(?P<base>(?:比|较)(?P<base_year>(?:19|20)\d\d)年(?:底|末)?(?:水平)?"
        rf"|{base_from}|在现有(?:水平|基础)上)?"
        rf"(?P<adverbs>(?:{adverbs})*)(?P<verb>{verbs})(?P<pre>(?:{w.alternation('before')})?)"
        rf"(?P<share>[^\d的{re.escape(_CLAUSE_END)}]{{1,14}}的)?{value}"  # 达到最大用电负荷的3%~5%: a share of a whole
    )
    counted = rf"(?P<v1>{number})(?:(?:{w.alternation('range')})(?P<v2>{number}))?(?P<u1>{unit})"  # 1至2个
    # right after the verb, a magnitude alone before a unit counts one of it (推广万种绿色产品),
    # but not one of a pair (千家万户); after words it is a unit's label (新增装机（万千瓦）)
    bare = rf"(?={_MULTIPLIER}(?:{w.alternation('unit')})(?!{_MULTIPLIER}))"
    counted_first = counted.replace(f"(?P<v1>{number})", f"(?P<v1>{number}|{bare})", 1)
    count_before = (
        rf"(?P<adverbs>(?:{adverbs})*)(?P<verb>{w.alternation('count')})(?!(?:{w.alternation('count')})\d)"
        rf"(?P<indicator>(?:\d+(?:{graded})|[^\d、{re.escape(_CLAUSE_END)}]){{2,12}}?){counted}{after}"
    )
    count_after = (
        rf"(?P<adverbs>(?:{adverbs})*)(?P<verb>{w.alternation('count')})"
        rf"{counted_first}{after}(?P<indicator>(?:(?![和、]\d){clause_text})+)"
    )
    count_more = (
        rf"[和、](?P<adverbs>)(?P<verb>)(?P<v1>{number})(?P<u1>{unit}){after}"
        rf"(?P<indicator>(?:(?![和、]\d){clause_text})+)"
    )
    more_value = rf"(?:{w.alternation('joiner')})(?P<v1>{number})(?P<u1>{unit})?{after}"
    lead = rf"(?:(?:{w.alternation('lead')})|(?:{year}))+"
    qualitative = rf"(?P<adverbs>{w.alternation('qualitative')})(?P<verb>{w.alternation('change')})"
    measured = (
        rf"(?P<measure>{w.alternation('measure')})(?P<adverbs0>)(?P<base>(?P<base_year>)(?P<base_from>))"
        rf"(?P<adverbs>)(?P<verb>)(?P<pre>(?:{w.alternation('before')})?)(?P<v1>{number})(?P<u1>{unit})"
        rf"(?:(?:{w.alternation('range')})(?P<v2>{number})(?P<u2>{unit})?)?{after}"
    )
    verbs_of_groups = "|".join(filter(None, (w.alternation("direction"), w.alternation("count"))))
    share_first = (
        rf"(?P<v1>{number})(?P<u1>%)(?P<after>{w.alternation('after')})?的?"
        rf"(?P<indicator>[^\d{re.escape(_CLAUSE_END)}]{{2,10}}?)(?P<verb>{verbs_of_groups})"
    )
    open_verb = rf"(?P<adverbs>(?:{adverbs})*)(?P<verb>{verbs})$"
    part = rf"(?P<indicator>[^\d、和及与等{re.escape(_CLAUSE_END)}]{{1,16}}?)(?P<v1>{number})(?P<u1>{unit}){after}"
    first_value = rf"(?P<adverbs>)(?P<pre>){value}"
    sources = (year, target, base_from, count_before, count_after, count_more, more_value, lead, qualitative, measured,
               share_first, open_verb, part, first_value, unit)
    return Patterns(*(re.compile(x) for x in sources))


def _graded(w: Words) -> str:
    """A grade word (千伏) that does not go on into a unit it begins (千伏安)."""
    forms = []
    for grade in w["grade"]:
        tails = [unit[len(grade):] for unit in w["unit"] if unit.startswith(grade) and unit != grade]
        forms.append(re.escape(grade) + (f"(?!{'|'.join(map(re.escape, tails))})" if tails else ""))
    return "|".join(forms) or "(?!)"


# -- reading a passage ----------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A passage's text in its matching form: normalised and without whitespace (a PDF's
    line breaks fall inside words and numbers), with each character's original offset."""

    passage: Passage
    norm: str
    origin: list[int]
    dropped: set[int]  # offsets of page-number lines, no part of the text's words

    @classmethod
    def of(cls, passage: Passage, normaliser: Normaliser) -> _Text:
        folded, offsets = normaliser.normalise_with_offsets(passage.text)
        origin_of = offsets if offsets is not None else range(len(folded))
        dropped = _page_numbers(passage.text)
        keep = [i for i, char in enumerate(folded) if not char.isspace() and origin_of[i] not in dropped]
        return cls(passage, "".join(folded[i] for i in keep), [origin_of[i] for i in keep], dropped)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the passage text of the matching form's ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1

    def words(self, start: int, end: int) -> str:
        """The original text of ``[start, end)`` without its whitespace: an indicator."""
        a, b = self.original(start, end)
        return "".join(c for i, c in enumerate(self.passage.text[a:b], a) if not c.isspace() and i not in self.dropped)


def _page_numbers(text: str) -> set[int]:
    """The offsets of a PDF's page-number lines (``— 13 —``) inside a passage: a page
    break that fell inside a sentence (到\n— 13 —\n2025 年) is no part of it."""
    if "\n" not in text:
        return set()
    dropped: set[int] = set()
    start = 0
    for line in text.split("\n"):
        if is_page_number(line):
            dropped.update(range(start, start + len(line)))
        start += len(line) + 1
    return dropped


@dataclass(frozen=True)
class _Year:
    start: int
    end: int
    year: int | None  # None: a year of the past (“十三五”以来): its scope holds no target
    sentence: int  # the index of the sentence it is in
    opens: bool  # it opens its sentence: it holds for the sentences after it too
    hedges: tuple[str, ...] = ()  # 力争 before an opening year (力争到2025年，…): every target of its sentence's


class _Years:
    """Which year a position of the passage is in the scope of.

    A marker that opens a sentence (到2025年，…) holds until the next one that does; a
    marker inside a sentence (…，到2030年达到5.1亿吨) holds to the end of its sentence.
    """

    def __init__(self, text: _Text, since: int | None = None, inherited: int | None = None) -> None:
        self.inherited = inherited  # the year of a lead passage above (主要目标是：), for words before any marker
        self.sentence_starts = [0] + [i + 1 for i, char in enumerate(text.norm) if char in _SENTENCE_END]
        self.markers: list[_Year] = []
        for m in patterns().year.finditer(text.norm):
            sentence = self.sentence_of(m.start())
            before = text.norm[self.sentence_starts[sentence] : m.start()]
            opens = not before or patterns().lead.fullmatch(before) is not None
            hedges = tuple(_split_words(before, words()["before"])) if opens else ()
            self.markers.append(_Year(m.start(), m.end(), _year_ahead(m, text.norm, since), sentence, opens, hedges))
        for m in re.finditer(words().alternation("past"), text.norm):  # 过去五年，…: the rest of its sentence
            self.markers.append(_Year(m.start(), m.end(), None, self.sentence_of(m.start()), False))
        self.markers.sort(key=lambda marker: marker.start)

    def frame(self) -> tuple[int | None] | None:
        """The year the passage's first sentence opens with (“十四五”期间，…), if it does."""
        first = self.markers[0] if self.markers else None
        return (first.year,) if first is not None and first.opens and first.sentence == 0 else None

    def sentence_of(self, position: int) -> int:
        return bisect_right(self.sentence_starts, position) - 1

    def at(self, position: int) -> int | None:
        sentence = self.sentence_of(position)
        local = [m for m in self.markers if m.end <= position and m.sentence == sentence]
        if local:
            return local[-1].year
        held = [m for m in self.markers if m.end <= position and m.opens]
        return held[-1].year if held else self.inherited

    def hedges(self, position: int) -> list[str]:
        """The hedges (力争, 确保) written before the year that opens the sentence of
        ``position``: 力争到2025年，A超过x，B达到y hedges both."""
        sentence = self.sentence_of(position)
        opening = [m for m in self.markers if m.end <= position and m.sentence == sentence and m.opens]
        return list(opening[-1].hedges) if opening else []

    def listed(self, position: int, norm: str) -> list[int]:
        """The years of the last markers listed with 、 or 和 in the sentence before
        ``position`` (“十四五”、“十五五”期间分别…, 2025年和2030年，…分别…)."""
        start = self.sentence_starts[self.sentence_of(position)]
        inside = [m for m in self.markers if start <= m.start and m.end <= position]
        run: list[_Year] = inside[:1]
        for m in inside[1:]:
            if norm[run[-1].end : m.start] in ("、", "和", "及"):
                run.append(m)
            else:
                run = [m]
        years = [m.year for m in run if m.year is not None]
        return years if len(run) > 1 and len(years) == len(run) else []


def _year_ahead(m: re.Match[str], norm: str, since: int | None) -> int | None:
    """The year a marker of ``patterns().year`` names, None for one the text looks back
    from or one before the document's own time: its past."""
    year = int(m.group("year")) if m.group("year") else words().periods[m.group("period")]
    return None if (since is not None and year < since) or _looks_back(norm, m.start(), m.end()) else year


def _looks_back(norm: str, start: int, end: int) -> bool:
    """A year a sentence looks back from: “十三五”以来, 截至2020年底."""
    return norm.startswith(_SINCE, end) or norm[max(0, start - 2) : start] in _AS_OF


def document_starts(documents: Iterable[dict], records: Mapping[str, dict]) -> dict[str, int]:
    """The year each document's own time begins: the year of its date, else the first
    year of the five-year period its title names (“十四五”现代能源体系规划 → 2021). A
    year before it is the past the document reviews (“十三五”时期…达到15.9%), not a target."""
    periods = words().periods
    starts: dict[str, int] = {}
    for document in documents:
        record = records.get(document["id"]) or {}
        dated = record.get("date_written") or record.get("date_published")
        title = document["title"]
        named = [end - PERIOD_YEARS + 1 for period, end in periods.items() if period in title]
        if dated:
            starts[document["id"]] = int(dated[:4])
        elif named:
            starts[document["id"]] = min(named)
    return starts


def _clauses(norm: str) -> Iterator[tuple[int, int]]:
    start = 0
    for i, char in enumerate(norm):
        if char in _CLAUSE_END:
            if i > start:
                yield start, i
            start = i + 1
    if start < len(norm):
        yield start, len(norm)


def _strip_lead(norm: str, start: int, end: int) -> tuple[int, list[str]]:
    """Where an indicator begins in ``norm[start:end]``, past leading words and years,
    and the modifiers among those words (力争, 确保)."""
    lead = patterns().lead.match(norm, start, end)
    if not lead:
        return start, []
    return lead.end(), _split_words(lead.group(), words()["before"])


def _trim_year(norm: str, start: int, end: int) -> int:
    """Where an indicator ends: before a year written between it and its verb
    (非化石能源消费比重在2030年达到25%)."""
    last = [m for m in patterns().year.finditer(norm, start, end) if m.end() == end]
    return last[-1].start() if last and last[-1].start() > start else end


def _adverbs(m: re.Match[str]) -> str:
    """The adverbs of a verb's match, those written before its base year included."""
    before = m.group("adverbs0") if "adverbs0" in m.re.groupindex else None
    return (before or "") + (m.group("adverbs") or "")


def _base_year(m: re.Match[str]) -> int | None:
    """比2020年 or 在2020年基础上: the year a change is measured from."""
    year = m.group("base_year") or m.group("base_from")
    return int(year) if year else None


def _number(text: str | None) -> float | None:
    """A value as written: digits, a fraction in words (三分之一), 一半, or nothing
    before a magnitude (万种: one 万)."""
    if text is None:
        return None
    if text == "一半":
        return 0.5
    if "分之" in text:
        whole, part = (cn_number(word) or 0 for word in text.split("分之"))  # one digit each: never 0
        return part / whole
    return float(text) if text else 1.0


def _is_fraction(value: str) -> bool:
    return not value[0].isdigit()


def _list_size(indicator: str) -> int:
    """How many indicators a list written 马铃薯种植、收获机械化率 names."""
    return len(_list_items(indicator))


def _list_items(indicator: str) -> list[str]:
    return [part for part in re.split("[、和及与]", indicator) if part]


def _measures(indicator: str) -> bool:
    """Whether an indicator lists several shares or rates, each whole (邮轮码头岸电设施
    使用率和港作船舶岸电使用率): one value is then each one's, as with 均. A list of
    things measured together (风电、太阳能发电总装机容量) is one indicator."""
    items = _list_items(indicator)
    return len(items) > 1 and all(item.endswith(words()["measure"]) for item in items)


def _hedges_inside(indicator: str) -> tuple[list[str], str]:
    """An indicator with the hedges written inside it taken out (…屋顶面积力争实现光伏
    覆盖率 is …屋顶面积光伏覆盖率, hedged 力争), and those hedges."""
    hedges = [re.escape(w) for w in words()["before"] if w in words()["lead"]]  # 力争, 确保: not 约 of 节约
    m = re.search(f"({'|'.join(hedges)})(?:实现)?", indicator)
    if m is None or m.start() == 0 or m.end() == len(indicator):
        return [], indicator
    return [m.group(1)], indicator[: m.start()] + indicator[m.end() :]


def _previous_subject(text: _Text, clause: int) -> str:
    """The indicator of a clause that opens with its year and verb (天然气产量快速增长，
    力争2025年达到2300亿立方米): what the clause before it, in the same sentence, says
    is changing, up to the change (天然气产量)."""
    norm = text.norm
    end = clause - 1
    while end > 0 and norm[end] not in _CLAUSE_END:
        end -= 1
    if end <= 0 or norm[end] in _SENTENCE_END:
        return ""
    start = max(norm.rfind(c, 0, end) for c in _CLAUSE_END) + 1
    change = re.search(f"(?:{words().alternation('qualitative')}|快速)?(?:{words().alternation('change')}|稳中有升)",
                       norm[start:end])
    if change is None or change.start() < 2 or re.search(r"\d", norm[start : start + change.start()]):
        return ""
    return text.words(start, start + change.start())


def _share_of(indicator: str, before: str | None) -> str:
    """A share whose subject the sentence gave before it (非化石能源发电装机超过800万千瓦，
    占总装机的比重达到30%左右): the subject, after its last 的, then the share."""
    if not indicator.startswith("占") or not before:
        return indicator
    subject = before.split("占")[0].rsplit("的", 1)[-1]
    return subject + indicator if subject else indicator


def _trim_tail(norm: str, start: int, end: int) -> int:
    """Where an indicator ends: before a change it is said to go through on the way
    (原油年产量回升并稳定在2亿吨: 原油年产量)."""
    m = re.search(f"(?:{words().alternation('change')}|回升|稳中有升)?并$", norm[start:end])
    return start + m.start() if m and m.start() > 0 else end


def _split_words(text: str, vocabulary: Sequence[str]) -> list[str]:
    """The words of ``vocabulary`` in ``text`` (a run of adverbs), in reading order."""
    found = []
    i = 0
    while i < len(text):
        word = next((v for v in vocabulary if text.startswith(v, i)), None)
        if word:
            found.append(word)
            i += len(word)
        else:
            i += 1
    return found


@dataclass
class _Reading:
    """The state of reading one passage: its text, years, and the last indicator of
    the current sentence (…达到0.4亿吨，到2030年达到0.8亿吨 shares it)."""

    text: _Text
    years: _Years
    qualitative: bool
    last_indicator: tuple[int, str] | None = None  # (sentence, indicator)

    def hedged(self, position: int, modifiers: list[str]) -> list[str]:
        """A target's modifiers after the hedges of the year that opens its sentence."""
        return [h for h in self.years.hedges(position) if h not in modifiers] + modifiers

    def shared_indicator(self, position: int) -> str | None:
        if self.last_indicator and self.last_indicator[0] == self.years.sentence_of(position):
            return self.last_indicator[1]
        return None


@dataclass(frozen=True)
class _Value:
    value: str
    upper: str | None
    unit: str
    after: str | None
    start: int
    end: int


def extract(
    passage: Passage, normaliser: Normaliser, *, qualitative: bool = False, since: int | None = None
) -> list[Target]:
    """Every target of one passage, in reading order; ``since`` the year its document's
    own time begins (``document_starts``): earlier years are its past."""
    return _read(passage, normaliser, qualitative, since, None)[0]


@dataclass(frozen=True)
class _Open:
    """A verb that ends a passage, its values in the next (a PDF's page break between)."""

    indicator: str
    verb: str
    adverbs: str
    modifiers: tuple[str, ...]


@dataclass(frozen=True)
class _End:
    """How a passage ends, for the one after it: the year in force at its end, whether
    it leads a list (主要目标是：), whether its last sentence runs on (到2025年，) and
    the verb it ends with, if it does."""

    year: int | None
    leads: bool
    runs_on: bool
    verb: _Open | None = None
    frame: tuple[int | None] | None = None  # the year its first sentence opens with, if one does


def _read(
    passage: Passage, normaliser: Normaliser, qualitative: bool, since: int | None, inherited: int | None,
    verb: _Open | None = None,
) -> tuple[list[Target], _End]:
    """The targets of one passage, and how it ends; ``verb``: the one the passage before
    ended with, whose values this one may open with."""
    return _read_text(_Text.of(passage, normaliser), qualitative, since, inherited, verb)


def _read_text(
    text: _Text, qualitative: bool, since: int | None, inherited: int | None, verb: _Open | None = None
) -> tuple[list[Target], _End]:
    reading = _Reading(text, _Years(text, since, inherited), qualitative)
    found, read_to = _continued(reading, verb) if verb is not None else ([], 0)
    total: Target | None = None  # a total whose parts the clauses after 其中包括 list
    for start, end in _clauses(text.norm):
        if start < read_to:
            continue
        clause = _clause_targets(reading, start, end)
        if clause:
            total = None
        else:
            parts_from = _parts_lead(text.norm, start, end)
            if parts_from is not None:  # 其中包括: the parts of the sentence's last target
                total = found[-1] if found and _same_sentence(reading, found[-1], start) else None
            elif total is not None and _same_sentence(reading, total, start):
                parts_from = start  # the list goes on over the sentence's next clause
            if total is not None and parts_from is not None:
                clause = _parts(reading, total, parts_from, end)
                if not clause and parts_from < end:
                    total = None
        found.extend(clause)
    runs_on = bool(text.norm) and text.norm[-1] not in _SENTENCE_END + ";" + _CLOSERS
    ending = _End(reading.years.at(len(text.norm)), text.norm.endswith((":", "：")), runs_on,
                  _open_verb(reading) if runs_on else None, reading.years.frame())
    return found, ending


def _parts_lead(norm: str, start: int, end: int) -> int | None:
    """Where the parts of a total begin, in a clause that opens with 其中 or 其中包括
    (…达到2600万千瓦左右，其中包括：煤电1245.3万千瓦、气电516.6万千瓦); None if it does not."""
    word = next((w for w in words()["parts"] if norm.startswith(w, start)), None)
    return start + len(word) if word is not None else None


def _same_sentence(reading: _Reading, target: Target, position: int) -> bool:
    """Whether a target (its offset in the passage text) is in the sentence of a
    position of the matching form."""
    at = bisect_left(reading.text.origin, target.start)
    return reading.years.sentence_of(at) == reading.years.sentence_of(position)


def _parts(reading: _Reading, total: Target, start: int, end: int) -> list[Target]:
    """The parts a total is made of, each an indicator and its value with no verb (煤电
    1245.3万千瓦、气电516.6万千瓦…等): targets for the total's year, with its direction."""
    text = reading.text
    found: list[Target] = []
    position = start
    while (m := patterns().part.match(text.norm, position, end)) is not None:
        a, b = text.original(m.start("indicator"), m.end())
        found.append(Target(
            doc=text.passage.doc, passage=text.passage.id, year=total.year, indicator=text.words(*m.span("indicator")),
            direction=total.direction, value=_number(m.group("v1")), upper=None, unit=m.group("u1"),
            modifiers=(m.group("after"),) if m.group("after") else (), base_year=None,
            start=a, end=b, span=text.passage.text[a:b],
        ))
        position = m.end() + (1 if m.end() < end and text.norm[m.end()] in "、和及与" else 0)
    rest = text.norm[position:end]
    return found if rest in ("", "等") else []


def _open_verb(reading: _Reading) -> _Open | None:
    """The verb the passage ends with, after its indicator (…用气量分别达到)."""
    norm = reading.text.norm
    start = max(norm.rfind(c) for c in _CLAUSE_END) + 1
    m = patterns().open_verb.search(norm, start)
    if m is None:
        return None
    ind_start, leading = _strip_lead(norm, start, m.start())
    if m.start() - ind_start < 2:
        return None
    modifiers = reading.hedged(m.start(), leading + _split_words(m.group("adverbs"), words()["before"]))
    return _Open(reading.text.words(ind_start, m.start()), m.group("verb"), m.group("adverbs"), tuple(modifiers))


def _continued(reading: _Reading, verb: _Open) -> tuple[list[Target], int]:
    """The values a passage opens with, for the verb the passage before ended with, and
    where in the text they end."""
    text = reading.text
    m = patterns().first_value.match(text.norm)
    year = reading.years.at(0)
    if m is None or year is None or (m.group("u1") is None and m.group("u2") is None):
        return [], 0
    end = next((i for i, c in enumerate(text.norm) if c in _SENTENCE_END), len(text.norm))
    values = _values(text.norm, m, end, listed="分别" in verb.adverbs)
    found = []
    for value in values:
        a, b = text.original(value.start, value.end)
        found.append(Target(
            doc=text.passage.doc, passage=text.passage.id, year=year, indicator=verb.indicator,
            direction=verb.verb, value=_number(value.value), upper=_number(value.upper), unit=value.unit,
            modifiers=verb.modifiers + ((value.after,) if value.after else ()), base_year=None,
            start=a, end=b, span=text.passage.text[a:b],
        ))
    return found, values[-1].end


def _clause_targets(reading: _Reading, start: int, end: int) -> list[Target]:
    """The targets of one clause: each verb's, then the counts no verb's target covers."""
    norm = reading.text.norm
    found: list[Target] = []
    cursor = start
    taken: list[tuple[int, int]] = []
    base: int | None = None
    if _cites_rule(norm, start, end):
        return []
    for m in patterns().target.finditer(norm, start, end):
        if m.group("u1") is None and m.group("u2") is None and not _is_fraction(m.group("v1")):
            continue  # 达到50: a bare number is no amount; 超过三分之一 is a share of a whole
        ind_start, leading = _strip_lead(norm, cursor, m.start())
        if based := patterns().base_lead.match(norm, ind_start, m.start()):
            ind_start, base = based.end(), int(based.group("base_from"))
        values = _values(norm, m, end)
        cursor = _next_indicator(norm, values[-1].end, end)
        found.extend(_targets(reading, m, (ind_start, m.start()), leading, values, base))
        taken.append((m.start(), values[-1].end))
    found.extend(_counts(reading, (start, end), taken))
    if not found:
        found.extend(_measured(reading, start, end))
    if not found:
        found.extend(_share_first(reading, start, end))
    if reading.qualitative and not found:
        found.extend(_qualitative(reading, start, end))
    return sorted(found, key=lambda t: t.start)


def _cites_rule(norm: str, start: int, end: int) -> bool:
    """A clause that states another text's rule: 按照新增通道中可再生能源电量占比不低于50%的要求."""
    clause = norm[start:end]
    return clause.startswith(words()["cites"]) and clause.endswith(words()["rule"])


def _measured(reading: _Reading, start: int, end: int) -> list[Target]:
    """A share or rate stated with its value and no verb, in a year's scope: the clause's
    words up to the measure word (占比, 比重, 率 …) are the indicator."""
    m = patterns().measured.search(reading.text.norm, start, end)
    if m is None:
        return []
    ind_start, leading = _strip_lead(reading.text.norm, start, m.start())
    return _targets(reading, m, (ind_start, m.end("measure")), leading, _values(reading.text.norm, m, end), None)


def _share_first(reading: _Reading, start: int, end: int) -> list[Target]:
    """A clause that opens with a share of a group and says what that share will do
    (力争80%以上的县级及以上机关达到节约型机关创建要求): the group is the indicator, the
    verb after it the direction; the span runs to the clause's end."""
    text = reading.text
    ind_start, leading = _strip_lead(text.norm, start, end)
    m = patterns().share_first.match(text.norm, ind_start, end)
    year = reading.years.at(ind_start)
    if m is None or year is None:
        return []
    span_start = ind_start - len("".join(leading)) if leading else ind_start
    a, b = text.original(span_start, end)
    modifiers = reading.hedged(m.start(), leading + ([m.group("after")] if m.group("after") else []))
    return [
        Target(
            doc=text.passage.doc, passage=text.passage.id, year=year, indicator=text.words(*m.span("indicator")),
            direction=m.group("verb"), value=_number(m.group("v1")), upper=None, unit="%",
            modifiers=tuple(modifiers), base_year=None, start=a, end=b, span=text.passage.text[a:b],
        )
    ]


def _counts(reading: _Reading, clause: tuple[int, int], taken: list[tuple[int, int]]) -> list[Target]:
    """The counts of a clause (新增…4000万千瓦, 培育100个…) that no verb's target covers."""
    found: list[Target] = []
    for pattern in (patterns().count_before, patterns().count_after):
        for m in pattern.finditer(reading.text.norm, *clause):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            more = _more_counts(reading.text.norm, m, clause[1]) if pattern is patterns().count_after else []
            for i, match in enumerate([m, *more]):
                found.extend(_count_targets(reading, match, clause, m.group("verb") if i else ""))
                taken.append(match.span())
    return found


def _more_counts(norm: str, m: re.Match[str], end: int) -> list[re.Match[str]]:
    """…和5个绿色技术创新中心 after a count: more counts of the same verb."""
    found = []
    position = m.end()
    while (more := patterns().count_more.match(norm, position, end)) is not None:
        found.append(more)
        position = more.end()
    return found


def _values(norm: str, m: re.Match[str], clause_end: int, listed: bool | None = None) -> list[_Value]:
    """The value or values a verb's match states: one, a range, or a 分别 list
    (``listed``: whether it is one, when the match's own adverbs do not say)."""
    first = _Value(m.group("v1"), m.group("v2"), m.group("u2") or m.group("u1") or "", m.group("after"),
                   m.start("v1"), m.end())
    if not (listed if listed is not None else "分别" in _adverbs(m)):
        return [first]
    values = [first]
    position = m.end()
    while more := patterns().more_value.match(norm, position, clause_end):
        values.append(
            _Value(more.group("v1"), None, more.group("u1") or "", more.group("after"), more.start("v1"), more.end())
        )
        position = more.end()
    unit = values[-1].unit
    after = values[-1].after  # 分别在7%、2%以下: the last value's bound is every value's
    return [_Value(v.value, None, v.unit or unit, v.after or after, v.start, v.end) for v in values]


def _next_indicator(norm: str, position: int, end: int) -> int:
    """Where the next indicator of a clause may begin: past the joiner after a value."""
    return position + 1 if position < end and norm[position] in "、和及与" else position


def _targets(
    reading: _Reading,
    m: re.Match[str],
    bounds: tuple[int, int],
    leading: list[str],
    values: list[_Value],
    base: int | None,
) -> list[Target]:
    """The target or targets (a 分别 or 均 list) of one verb's match; ``base`` the base
    year the clause opened with (在2020年的基础上…)."""
    text = reading.text
    year = reading.years.at(m.start())
    if year is None:
        return []
    ind_start, ind_end = bounds[0], _trim_year(text.norm, *bounds)
    ind_end = _trim_tail(text.norm, ind_start, ind_end)
    adverbs = _adverbs(m)
    if m.group("verb") in words()["bounded"] and not values[-1].after:
        return []  # 在 states a target only with a bound: 占比在2%以下
    hedges, indicator = _hedges_inside(text.words(ind_start, ind_end)) if ind_start < ind_end else ([], "")
    written = (leading + hedges + _split_words(adverbs, words()["before"])
               + ([m.group("pre")] if m.group("pre") else []))
    modifiers = reading.hedged(m.start(), written)
    before = reading.shared_indicator(m.start())
    indicator = indicator or before or _previous_subject(text, bounds[0])
    if not indicator:
        return []
    indicator = _share_of(indicator, before)
    if ind_start >= ind_end:  # the indicator is not in the clause: the span begins at the modifiers or verb
        lead = "".join(leading)  # 力争达到…, but 力争2025年达到… at the verb
        ind_start = m.start() - len(lead) if text.norm.endswith(lead, 0, m.start()) else m.start()
    reading.last_indicator = (reading.years.sentence_of(m.start()), indicator)
    copies = _list_size(indicator) if "均" in adverbs or (len(values) == 1 and _measures(indicator)) else 1
    listed = reading.years.listed(m.start(), text.norm) if "分别" in adverbs else []
    years = listed if len(listed) == len(values) > 1 else [year] * len(values)
    found = []
    for value, value_year in zip(values, years):
        start, end = text.original(value.start if len(values) > 1 else ind_start, value.end)
        target = Target(
            doc=text.passage.doc, passage=text.passage.id, year=value_year, indicator=indicator,
            direction=m.group("verb"), value=_number(value.value), upper=_number(value.upper), unit=value.unit,
            modifiers=tuple(modifiers + ([value.after] if value.after else [])),
            base_year=_base_year(m) or base,
            start=start, end=end, span=text.passage.text[start:end],
        )
        found.extend([target] * copies)
    return found


def _count_targets(reading: _Reading, m: re.Match[str], clause: tuple[int, int], verb: str = "") -> list[Target]:
    """新增水电装机容量4000万千瓦左右, 培育100个智能建造产业基地: a count of things;
    ``verb`` that of the count before, for one more written …和5个绿色技术创新中心."""
    text = reading.text
    adverbs = _adverbs(m)
    years = reading.years.listed(m.start(), text.norm) if "分别" in adverbs else []
    years = years or [y for y in [reading.years.at(m.start())] if y is not None]
    subject_start, leading = _strip_lead(text.norm, clause[0], m.start())
    ind_start, ind_end = m.span("indicator")
    if m.re is not patterns().count_before:
        ind_start = max(ind_start, text.norm.rfind("的", ind_start, ind_end) + 1)
        if subject_start >= m.start():  # no subject: the lead words (力争…) right before the verb
            start = m.start() - sum(len(w) for w in leading)
        elif text.norm.startswith("在", subject_start):  # a place (在鄂尔多斯等地区新增建设…), no subject
            start = m.start()
        else:
            start = subject_start
        start, end = (m.start("v1") if verb else start), ind_end
    else:
        start, end = m.start("verb") - len("".join(_split_words(adverbs, words()["before"]))), m.end()
    hedge = next((w for w in words()["before"] if text.norm.endswith(w, ind_start, ind_end)), None)
    if hedge is not None and ind_end - len(hedge) > ind_start:  # 新增电源装机共计709.1万千瓦
        ind_end -= len(hedge)
    else:
        hedge = None
    a, b = text.original(start, end)
    written = (leading + _split_words(adverbs, words()["before"]) + ([hedge] if hedge else [])
               + ([m.group("after")] if m.group("after") else []))
    modifiers = reading.hedged(m.start(), written)
    return [
        Target(
            doc=text.passage.doc, passage=text.passage.id, year=year, indicator=text.words(ind_start, ind_end),
            direction=verb or m.group("verb"), value=_number(m.group("v1")), upper=_number(m.groupdict().get("v2")),
            unit=m.group("u1"),
            modifiers=tuple(modifiers), base_year=None, start=a, end=b, span=text.passage.text[a:b],
        )
        for year in years
    ]


def _qualitative(reading: _Reading, start: int, end: int) -> list[Target]:
    """A change stated without a number (单位国内生产总值能耗大幅下降), in a year's scope."""
    text = reading.text
    m = patterns().qualitative.search(text.norm, start, end)
    if m is None:
        return []
    year = reading.years.at(m.start())
    ind_start, _ = _strip_lead(text.norm, start, m.start())
    if year is None or ind_start >= m.start():
        return []
    a, b = text.original(ind_start, m.end())
    return [
        Target(
            doc=text.passage.doc, passage=text.passage.id, year=year, indicator=text.words(ind_start, m.start()),
            direction=m.group("verb"), value=None, upper=None, unit="", modifiers=(), base_year=None,
            start=a, end=b, span=text.passage.text[a:b], qualitative=True,
        )
    ]


def extract_all(
    passages: Iterable[Passage],
    normaliser: Normaliser,
    *,
    qualitative: bool = False,
    starts: Mapping[str, int] | None = None,
) -> list[Target]:
    """The targets of many passages, in their order, those of their indicator tables
    (``target_tables``) included; ``starts`` as ``document_starts``."""
    from .target_tables import table_targets

    since = starts or {}
    ordered = list(passages)
    found = _sentence_targets(ordered, normaliser, qualitative, since)
    spans = {(t.passage, i) for t in found for i in range(t.start, t.end)}
    for doc, of_doc in groupby(ordered, key=lambda p: p.doc):
        tabled = table_targets(list(of_doc), normaliser, since.get(doc))
        found.extend(t for t in tabled if (t.passage, t.start) not in spans)  # a row its sentences read too
    place = {p.id: i for i, p in enumerate(ordered)}
    return sorted(found, key=lambda t: (place[t.passage], t.start))


def _sentence_targets(
    passages: Sequence[Passage], normaliser: Normaliser, qualitative: bool, since: Mapping[str, int]
) -> list[Target]:
    found: list[Target] = []
    lead: tuple[tuple[str, tuple[str, ...]], int | None] | None = None  # (document, section) of a lead, its year
    before: tuple[tuple[str, tuple[str, ...]], _End] | None = None  # the passage before, how it ended
    frames: dict[tuple[str, tuple[str, ...]], tuple[int | None] | None] = {}  # a section's opening year
    titled: dict[tuple[str, tuple[str, ...]], tuple[int | None] | None] = {}  # the year its title opens with
    for passage in passages:
        place = (passage.doc, passage.section)
        inherited = lead[1] if lead is not None and lead[0] == place else \
            _framed(frames, titled, place, normaliser, since.get(passage.doc))
        within = before is not None and _within(place, before[0])
        if before is not None and within and (before[1].runs_on or _in_goals(passage)):
            inherited = before[1].year if before[1].year is not None else inherited
        verb = before[1].verb if before is not None and within else None
        targets, ending = _read(passage, normaliser, qualitative, since.get(passage.doc), inherited, verb)
        found.extend(targets)
        if passage.kind != "heading" and place not in frames:
            frames[place] = ending.frame
        if ending.leads:
            lead = (place, ending.year)
        elif lead is not None and lead[0] != place:
            lead = None
        before = (place, ending)
    return found


def _framed(frames: Mapping[tuple[str, tuple[str, ...]], tuple[int | None] | None],
            titled: dict[tuple[str, tuple[str, ...]], tuple[int | None] | None],
            place: tuple[str, tuple[str, ...]], normaliser: Normaliser, since: int | None) -> int | None:
    """The year the nearest section around ``place`` opened its first paragraph with
    (（一）电源。“十四五”期间，新增…: the time frame of what its parts list below), or
    else its title opens with (专栏5 “十四五”国家级新能源电力供应保障基地: what the box
    lists is for the period); ``titled`` keeps each section's title frame, read once."""
    doc, section = place
    for depth in range(len(section), 0, -1):
        key = (doc, section[:depth])
        if key not in titled:
            titled[key] = _title_frame(section[depth - 1], normaliser, since)
        frame = frames.get(key) or titled[key]
        if frame is not None:
            return frame[0]
    return None


def _title_frame(title: str, normaliser: Normaliser, since: int | None) -> tuple[int | None] | None:
    """The year a section's title opens with, None for one it looks back from
    (“十三五”以来…) or one before the document's own time."""
    norm = normaliser.normalise(title).strip()
    m = patterns().year.match(norm)
    return (_year_ahead(m, norm, since),) if m is not None and m.group(0) else None


def _within(place: tuple[str, tuple[str, ...]], outer: tuple[str, tuple[str, ...]]) -> bool:
    """Whether a passage's place is that of the one before or nested in it: a heading's
    text that runs on goes on in the section it opens."""
    return place[0] == outer[0] and place[1][: len(outer[1])] == outer[1]


def _in_goals(passage: Passage) -> bool:
    """Whether a passage sits in a goals section (发展目标, 主要目标, 工作目标 …)."""
    return bool(passage.section) and passage.section[-1].rstrip(_CLOSERS + "。.").endswith("目标")


# -- choosing and exporting -------------------------------------------------------------


def indicator_forms(pipeline: Pipeline, indicator: str) -> list[str]:
    """The normalised forms an ``--indicator`` is looked for in: itself, its synonyms
    (``data/synonyms.tsv``, as search expands them) and itself with each part that has
    synonyms replaced by them (单位GDP能耗 → 单位国内生产总值能耗)."""
    from .vocabulary import Vocabulary

    wanted = pipeline.normaliser.normalise(indicator).strip()
    forms = {wanted}
    for group in Vocabulary(pipeline).synonym_groups:
        if wanted in group:
            forms.update(group)
        for term in group:
            if term and term in wanted:
                forms.update(wanted.replace(term, other) for other in group)
    return sorted(f for f in forms if f)


def select_targets(
    passages: Iterable[Passage],
    pipeline: Pipeline,
    *,
    indicator: str | None = None,
    year: int | None = None,
    qualitative: bool = False,
    starts: Mapping[str, int] | None = None,
) -> list[Target]:
    """The targets of ``passages`` whose indicator holds ``indicator`` (through its
    synonyms) and whose year is ``year``; with ``qualitative``, statements without a
    number too."""
    normaliser = pipeline.normaliser
    found = extract_all(passages, normaliser, qualitative=qualitative, starts=starts)
    if year is not None:
        found = [t for t in found if t.year == year]
    if indicator:
        forms = indicator_forms(pipeline, indicator)
        found = [t for t in found if any(f in normaliser.normalise(t.indicator) for f in forms)]
    return found


def states_target(passage: Passage, normaliser: Normaliser, year: int, wordings: Collection[Sequence[str]]) -> bool:
    """Whether ``passage`` states a quantified target for ``year`` whose indicator holds
    every word of one of ``wordings`` (normalised words of a query, or a synonym): search
    ranks such a passage up. A passage whose matching form holds none of the wordings
    is not read for targets: an indicator is words of its text (a query word does not
    span a hedge that ``_hedges_inside`` takes out of one)."""
    text = _Text.of(passage, normaliser)
    if not any(all(word in text.norm for word in wording) for wording in wordings):
        return False
    for target in _read_text(text, False, None, None)[0]:
        indicator = normaliser.normalise(target.indicator)
        if target.year == year and any(all(word in indicator for word in wording) for wording in wordings):
            return True
    return False


EXPORT_FIELDS = ("doc", "passage", "year", "indicator", "direction", "value", "upper", "unit", "modifiers",
                 "base_year", "start", "end", "span", "qualitative")


def to_jsonl(targets: Iterable[Target]) -> str:
    """One JSON object per line, one line per target."""
    return "".join(json.dumps(t.to_json(), ensure_ascii=False) + "\n" for t in targets)


def to_csv(targets: Iterable[Target], raw: bool = False) -> str:
    """A header and one row per target, for a spreadsheet: modifiers joined with a space,
    written as ``analysis.csv_text`` writes every CSV (formula cells neutralised unless ``raw``)."""
    from .analysis import csv_text

    rows = []
    for target in targets:
        row = target.to_json()
        row["modifiers"] = " ".join(target.modifiers)
        row["qualitative"] = "true" if target.qualitative else "false"
        rows.append(row)
    return csv_text(EXPORT_FIELDS, rows, raw=raw)


def exported_targets(targets: Sequence[Target], fmt: str, bom: bool = True, raw: bool = False) -> bytes:
    """The bytes ``carbon export --targets`` writes: jsonl, or csv (``bom`` for spreadsheets)."""
    from .analysis import encode

    if fmt == "csv":
        return encode(to_csv(targets, raw=raw), bom=bom)
    if fmt == "jsonl":
        return encode(to_jsonl(targets))
    raise CarbonError(f"--targets exports as jsonl or csv, not {fmt}")
