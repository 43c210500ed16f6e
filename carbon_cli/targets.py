"""The quantified targets a plan commits to, read from its passages.

A target is a number a document promises for a year: 到2025年，单位国内生产总值能耗比
2020年下降13.5% is the target year 2025, the indicator 单位国内生产总值能耗 (as written),
the direction 下降, the value 13.5 in %, the base year 2020. The words of a target (its
verbs, units, modifiers, the adverbs of a list) are in ``data/target_words.tsv``.

How a passage is read, on its normalised text (width, case and traditional forms folded,
``text.py``), with every offset mapped back to the original:

1. Years in scope. 到2025年, 2030年前, 2025年底, “十四五”期间/末 (→ 2025) set the year of
   what follows them in the passage, until the next one. 比2020年 is a base year, and a
   date (2019年6月底前) sets nothing.
2. Clauses. The text is cut at ，；。：！？; a target never crosses a clause.
3. In a clause, each ``direction`` verb followed by a number with a unit is a target;
   its indicator is the clause's words before it (after the previous target of the same
   clause), without leading words such as 其中, 并, 力争; 比2005年 between indicator and
   verb is its base year; 力争, 确保, 累计 before the verb and 左右, 以上, 以内 after the
   value are its modifiers. 60%~65% is one target with a lower and an upper value.
4. Lists. A、B分别达到x和y gives one target per value, each spanning its value; A、B均达到x
   gives one target per listed indicator, sharing the span. The indicator is the list as
   written.
5. With ``qualitative=True``, clauses in a year's scope that state a change without a
   number (单位国内生产总值能耗大幅下降, 体系基本建立) are returned as well, marked
   qualitative, with no value.

A number with no year in scope is not a target: counts (10项行动), dates, document
numbers and past achievements have none, or no verb before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model import Passage
from .resources import data_file
from .text import Normaliser

WORDS_FILE = "target_words.tsv"
_CLAUSE_END = ",;。:!?"  # the normal forms of ，；。：！？ (and themselves)
_NUMBER = r"\d+(?:\.\d+)?"
_MULTIPLIER = "[万亿千百]"


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
    more_value: re.Pattern[str]
    lead: re.Pattern[str]
    qualitative: re.Pattern[str]


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    w = words()
    unit = f"(?:{_MULTIPLIER}*(?:{w.alternation('unit')})|{_MULTIPLIER}+)"
    value = f"(?P<v1>{_NUMBER})(?P<u1>{unit})?(?:(?:{w.alternation('range')})(?P<v2>{_NUMBER})(?P<u2>{unit})?)?"
    adverbs = "|".join(filter(None, (w.alternation(r) for r in ("list", "skip", "before"))))
    periods = "|".join(re.escape(p) for p in w.periods)
    year = (
        rf"(?<![比较与自从—\-~～－\d])(?:到|至|在|于)?(?P<year>(?:19|20)\d\d)年(?:底前|末前|前|底|末)?(?![\d月上下])"
        rf"|[“\"]?(?P<period>{periods})[”\"]?(?:期间|时期|末|期末)?"
    )
    target = (
        rf"(?P<base>(?:比|较)(?P<base_year>(?:19|20)\d\d)年(?:底|末)?(?:水平)?)?"
        rf"(?P<adverbs>(?:{adverbs})*)"
        rf"(?P<verb>{w.alternation('direction')})"
        rf"(?P<pre>(?:{w.alternation('before')})?)"
        rf"{value}(?P<after>{w.alternation('after')})?"
    )
    more_value = rf"(?:{w.alternation('joiner')})(?P<v1>{_NUMBER})(?P<u1>{unit})?(?P<after>{w.alternation('after')})?"
    lead = rf"(?:(?:{w.alternation('lead')})|(?:{year}))+"
    qualitative = rf"(?P<adverbs>{w.alternation('qualitative')})(?P<verb>{w.alternation('change')})"
    return Patterns(re.compile(year), re.compile(target), re.compile(more_value), re.compile(lead), re.compile(qualitative))


# -- reading a passage ----------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A passage's text, its normal form, and the map from one to the other."""

    passage: Passage
    norm: str
    offsets: list[int] | None

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the passage text of the normalised ``[start, end)``."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1

    def written(self, start: int, end: int) -> str:
        a, b = self.original(start, end)
        return self.passage.text[a:b]


def _years(text: _Text) -> list[tuple[int, int]]:
    """(position after the marker, year) of each year marker, in reading order."""
    found = []
    periods = words().periods
    for m in patterns().year.finditer(text.norm):
        year = int(m.group("year")) if m.group("year") else periods[m.group("period")]
        found.append((m.end(), year))
    return found


def _year_at(years: Sequence[tuple[int, int]], position: int) -> int | None:
    current = None
    for end, year in years:
        if end > position:
            break
        current = year
    return current


def _clauses(norm: str) -> Iterator[tuple[int, int]]:
    start = 0
    for i, char in enumerate(norm):
        if char in _CLAUSE_END:
            if i > start:
                yield start, i
            start = i + 1
    if start < len(norm):
        yield start, len(norm)


def _indicator(norm: str, start: int, end: int) -> tuple[int, int, list[str]]:
    """The indicator's bounds in ``norm[start:end]``, leading words and years dropped,
    and the modifiers among those words (力争, 确保)."""
    lead = patterns().lead.match(norm, start, end)
    if not lead:
        return start, end, []
    return lead.end(), end, _split_words(lead.group(), words()["before"])


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def _list_size(indicator: str) -> int:
    """How many indicators a list written 马铃薯种植、收获机械化率 names."""
    return len([part for part in re.split("[、和及与]", indicator) if part])


def extract(passage: Passage, normaliser: Normaliser, *, qualitative: bool = False) -> list[Target]:
    """Every target of one passage, in reading order."""
    norm, offsets = normaliser.normalise_with_offsets(passage.text)
    text = _Text(passage, norm, offsets)
    years = _years(text)
    found: list[Target] = []
    for start, end in _clauses(norm):
        found.extend(_clause_targets(text, years, start, end, qualitative))
    return found


def _clause_targets(text: _Text, years: Sequence[tuple[int, int]], start: int, end: int, qualitative: bool) -> list[Target]:
    found: list[Target] = []
    cursor = start
    for m in patterns().target.finditer(text.norm, start, end):
        if m.group("u1") is None and m.group("u2") is None:
            continue
        year = _year_at(years, m.start())
        ind_start, ind_end, leading = _indicator(text.norm, cursor, m.start())
        cursor = _after_list(text.norm, m, end)
        if year is None or ind_start >= ind_end:
            continue
        found.extend(_targets_of(text, m, year, (ind_start, ind_end), leading, end))
    if qualitative and not found:
        found.extend(_qualitative(text, years, start, end))
    return found


def _after_list(norm: str, m: re.Match[str], end: int) -> int:
    """Where the next indicator of the clause may begin: after this target's values."""
    position = m.end()
    while True:
        more = patterns().more_value.match(norm, position, end)
        if not more or not more.group("u1") and not m.group("u1"):
            break
        position = more.end()
    return position + 1 if position < end and norm[position] in "、和及与" else position


def _targets_of(
    text: _Text, m: re.Match[str], year: int, bounds: tuple[int, int], leading: list[str], clause_end: int
) -> list[Target]:
    """The target or targets (a 分别 or 均 list) of one verb's match."""
    ind_start, ind_end = bounds
    adverbs = m.group("adverbs") or ""
    modifiers = leading + _split_words(adverbs, words()["before"])
    if m.group("pre"):
        modifiers.append(m.group("pre"))
    indicator = text.written(ind_start, ind_end)
    base_year = int(m.group("base_year")) if m.group("base_year") else None
    direction = m.group("verb")
    unit = m.group("u2") or m.group("u1") or ""
    values = [(m.group("v1"), m.group("v2"), unit, m.group("after"), m.start("v1"), m.end())]
    if "分别" in adverbs:
        values[0] = (m.group("v1"), None, m.group("u1") or "", m.group("after"), m.start("v1"), m.end())
        position = m.end()
        while more := patterns().more_value.match(text.norm, position, clause_end):
            values.append((more.group("v1"), None, more.group("u1") or "", more.group("after"), more.start("v1"), more.end()))
            position = more.end()
        last_unit = values[-1][2]
        values = [(v, u2, unit or last_unit, after, a, b) for v, u2, unit, after, a, b in values]
    copies = _list_size(indicator) if "均" in adverbs else 1
    targets = []
    for v1, v2, unit, after, v_start, v_end in values:
        span_start = v_start if len(values) > 1 else ind_start
        start, end = text.original(span_start, v_end)
        mods = tuple(modifiers + ([after] if after else []))
        target = Target(
            doc=text.passage.doc,
            passage=text.passage.id,
            year=year,
            indicator=indicator,
            direction=direction,
            value=_number(v1),
            upper=_number(v2),
            unit=unit,
            modifiers=mods,
            base_year=base_year,
            start=start,
            end=end,
            span=text.passage.text[start:end],
        )
        targets.extend([target] * copies)
    return targets


def _split_words(text: str, vocabulary: Sequence[str]) -> list[str]:
    """The words of ``vocabulary`` that ``text`` (a run of adverbs) is made of, in order."""
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


def _qualitative(text: _Text, years: Sequence[tuple[int, int]], start: int, end: int) -> list[Target]:
    m = patterns().qualitative.search(text.norm, start, end)
    if m is None:
        return []
    year = _year_at(years, m.start())
    ind_start, ind_end, _ = _indicator(text.norm, start, m.start())
    if year is None or ind_start >= ind_end:
        return []
    a, b = text.original(ind_start, m.end())
    return [
        Target(
            doc=text.passage.doc,
            passage=text.passage.id,
            year=year,
            indicator=text.written(ind_start, ind_end),
            direction=m.group("verb"),
            value=None,
            upper=None,
            unit="",
            modifiers=(),
            base_year=None,
            start=a,
            end=b,
            span=text.passage.text[a:b],
            qualitative=True,
        )
    ]


def extract_all(passages: Iterable[Passage], normaliser: Normaliser, *, qualitative: bool = False) -> list[Target]:
    """The targets of many passages, in their order."""
    return [t for p in passages for t in extract(p, normaliser, qualitative=qualitative)]
