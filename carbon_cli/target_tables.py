"""The targets of an indicator table: 指标 | 2020年 | 2025年 | 年均增速 | 属性.

A plan states its main targets twice: in its goals' sentences and in a table of main
indicators, whose year columns hold the numbers of the sentences and often more (the
table of the 天津市电力发展“十四五”规划 holds thirteen; its text, nine). A table has no
verbs, so the sentence reader (``targets.py``) finds none of them.

A table arrives in one of two shapes:

* **Rows** (HTML, one row a line with its cells separated by tabs; Markdown, rows of
  ``|``-separated cells): the header row holds the cell ``table_head`` (指标) and at
  least one year title (2025年, 2025年目标值); every row below it, up to a line that is
  no row, has its cells under the header's. A row with fewer cells lost its first ones
  to a merged cell above (a 类别 spanning several rows): it is aligned from the right.
* **A stream of cells** (a PDF's text, one cell a line and so one cell a passage; a
  merged cell may hold two values with a blank line between, ——\\n\\n5). The header is
  ``table_head`` followed by the column titles; they end where the first row's values
  begin, the cell just before those being the first row's label (and the one before
  it its unit, when a column is titled ``table_unit``). Each row is then its label (a
  unit in brackets after it, 全社会用电量（亿千瓦时）, or in a cell of its own, （%）),
  and one value cell per column. A PDF may put the labels of the last rows after their
  values (16.1 | 22 左右 | … then 非化石能源电力消纳量比重 | （%）): such rows take the
  labels that follow, in order.

A cell is a value when it is a number (1100, 2600 左右, 4.7%, 〔13.5〕), an empty mark
(——) or an attribute (``table_text``: 预期性). A note (注：…), a sentence or a cell too
long for a label ends a table, and so does a passage of another section.

A target is a row's number in a year column for a year of the document's own time (a
year before ``since`` is the base the table starts from: its 2020 column is the past;
without ``since``, the first of several year columns is). Its indicator is the row's
label without its unit; its direction is empty (a table states a level, not a change);
its span is the value cell (2600 左右); its modifiers are those after the number, and
累计 for a bracketed one (the tables' note: 〔〕内为五年累计数).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from .model import Passage
from .targets import Target, patterns, words
from .text import Normaliser

_LABEL_LIMIT = 40  # characters: a longer cell is a sentence, not a row's label
_HEADER_LIMIT = 12  # column titles: a table with more is read no further
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n\s*")  # between two cells a PDF merged
_ROW_CELLS = re.compile(r"\t|\|")
_MARKDOWN_RULE = re.compile(r"^[\s|:\-]*-{3,}[\s|:\-]*$")  # |---|:--:| under a Markdown header
_NOTE = re.compile(r"^(?:注|备注|说明|资料来源|数据来源)\d*[:：]")
_YEAR_TITLE = re.compile(r"^(?P<year>(?:19|20)\d\d)年?(?:底|末)?(?:目标值?|预期值?|规划值?)?$")
_YEARS_IN_ONE = re.compile(r"(?:19|20)\d\d年")
# a row's number: 1, 1.1, 2.1.1 (a 序号 cell, or opening a label: 1.1 可再生能源…), 一 for a group
_ROW_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2}){0,3}|[一二三四五六七八九十]{1,3}")
_NUMBERED = re.compile(rf"^\s*(?P<number>{_ROW_NUMBER.pattern})[、.．]?[ \t\u3000]+(?=\S)")
_UNIT_AFTER = re.compile(r"[(（](?P<unit>[^()（）]{1,12})[)）]$")
_EMPTY_MARKS = frozenset("—-－–/／")


@dataclass(frozen=True)
class _Cell:
    """One table cell: its passage, its offsets in the passage text, and its matching form
    (normalised, without whitespace)."""

    passage: Passage
    start: int
    end: int
    norm: str
    joined: str = ""  # a cell read as part of this one (a label's unit in brackets), as written

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def written(self) -> str:
        """The cell as written, without whitespace: a label."""
        return "".join(self.text.split()) + self.joined


@dataclass(frozen=True)
class _Label:
    """A row's label as written (the indicator) and in its matching form (its unit)."""

    written: str
    norm: str


@dataclass
class _Row:
    label: _Label | None  # None: a PDF put it after the row's values
    by_year: dict[int, _Cell]  # the cell of each year column
    unit: str = ""  # from a unit column, in its matching form


def table_targets(passages: Sequence[Passage], normaliser: Normaliser, since: int | None = None) -> list[Target]:
    """The targets of every indicator table in ``passages`` (one document's, in order);
    ``since`` the year the document's own time begins (``targets.document_starts``)."""
    found: list[Target] = []
    keys = [_section_of(passage, following) for passage, following in zip(passages, [*passages[1:], None])]
    for _, section in groupby(zip(keys, passages), key=lambda pair: pair[0]):
        lines = [line for _, passage in section for line in _lines(passage, normaliser)]
        found.extend(_targets(_row_tables(lines) + _stream_tables(lines), since))
    return found


def _section_of(passage: Passage, following: Passage | None) -> tuple[str, ...]:
    """The section a passage's cells are read in: a heading's is the one it titles when
    its parts follow, so that a 专栏's title and the column titles after it (类别 | 单位)
    start its table."""
    titled = (*passage.section, passage.title)
    return titled if following is not None and following.section == titled else passage.section


def _lines(passage: Passage, normaliser: Normaliser) -> Iterator[list[_Cell]]:
    """A passage's lines of cells: each line of an HTML or Markdown row (its empty cells
    kept, for their place), else each cell of a PDF's (blank lines between)."""
    text = passage.text
    if not _ROW_CELLS.search(text):
        yield from ([cell] for cell in _split(passage, 0, len(text), _BLANK_LINE, normaliser) if cell.norm)
        return
    start = 0
    for line in text.split("\n"):
        stripped = line.strip().strip("|")
        if stripped and not _MARKDOWN_RULE.match(line):
            first = start + line.index(stripped)
            yield list(_split(passage, first, first + len(stripped), _ROW_CELLS, normaliser))
        start += len(line) + 1


def _split(passage: Passage, start: int, end: int, breaks: re.Pattern[str], normaliser: Normaliser) -> Iterator[_Cell]:
    """The cells of ``passage.text[start:end]`` between the matches of ``breaks``."""
    position = start
    for m in [*breaks.finditer(passage.text, start, end), None]:
        yield _cell(passage, position, m.start() if m is not None else end, normaliser)
        if m is not None:
            position = m.end()


def _cell(passage: Passage, start: int, end: int, normaliser: Normaliser) -> _Cell:
    raw = passage.text[start:end]
    stripped = raw.strip()
    at = start + (raw.index(stripped) if stripped else 0)
    # a paragraph far too long for a label only ends a table: its matching form is not needed
    folded = stripped if len(stripped) > 2 * _LABEL_LIMIT else normaliser.normalise(stripped)
    return _Cell(passage, at, at + len(stripped), "".join(folded.split()))


# -- tables of rows ------------------------------------------------------------------------


def _row_tables(lines: list[list[_Cell]]) -> list[list[_Row]]:
    tables = []
    for i, header in enumerate(lines):
        heads = [k for k, cell in enumerate(header) if cell.norm in words()["table_head"]]
        years = _years([cell.norm for cell in header])
        if len(header) > 1 and heads and years:
            # the label column is the last head (类别 | 指标: 类别 groups the rows, 指标 labels them)
            tables.append(list(_rows_below(lines[i + 1 :], len(header), heads[-1], years, _unit_column(header))))
    return tables


def _rows_below(
    lines: list[list[_Cell]], width: int, head: int, years: dict[int, int], unit_column: int | None
) -> Iterator[_Row]:
    for cells in lines:
        if len(cells) < 2 or len(cells) > width or _ends_table(cells[0].norm):
            return
        shift = width - len(cells)  # the first cells a merged cell above took
        if head - shift < 0:
            continue
        label = cells[head - shift]
        unit = cells[unit_column - shift].norm if unit_column is not None and unit_column >= shift else ""
        by_year = {year: cells[k - shift] for k, year in years.items() if k >= shift}
        yield _Row(_Label(label.written, label.norm), by_year, unit)


def _years(titles: Sequence[str]) -> dict[int, int]:
    """The year of each year column, from the columns' titles: {column: year}."""
    return {k: int(m.group("year")) for k, title in enumerate(titles) if (m := _YEAR_TITLE.match(title))}


def _unit_column(titles: Sequence[_Cell]) -> int | None:
    return next((k for k, cell in enumerate(titles) if cell.norm in words()["table_unit"]), None)


# -- tables in a stream of cells ------------------------------------------------------------


def _stream_tables(lines: list[list[_Cell]]) -> list[list[_Row]]:
    cells = [line[0] for line in lines if len(line) == 1]
    tables = []
    for i, cell in enumerate(cells):
        if cell.norm in words()["table_head"]:
            rows = _stream_table(cells, i + 1)
            if rows:
                tables.append(rows)
    return tables


def _stream_table(cells: list[_Cell], i: int) -> list[_Row]:
    """The rows of the table whose column titles start at ``cells[i]``."""
    titles: list[_Cell] = []
    while i < len(cells) and not _is_value(cells[i].norm) and len(titles) <= _HEADER_LIMIT:
        titles.append(cells[i])
        i += 1
    unit_columns = 1 if _unit_column(titles[:1]) == 0 else 0
    end = _header_end(titles, unit_columns)
    columns = [title for cell in titles[unit_columns:end] for title in _column_titles(cell.norm)]
    years = _years(columns)
    if not columns or not years:
        return []
    return _stream_rows(cells, i - len(titles) + end, len(columns), years)


def _header_end(titles: list[_Cell], unit_columns: int) -> int:
    """Where the column titles end and the first row's label (and unit) begin: before
    its last cell (two with a unit column), unless a numbered row label (1.1 可再生能源…,
    or a 序号 cell) comes before that, which a label wrapped over two cells puts there:
    then after the last title the vocabulary knows (a year, 单位, ``table_title``)."""
    end = len(titles) - 1 - unit_columns
    known = [k + 1 for k, cell in enumerate(titles) if _is_column_title(cell.norm)]
    if known and known[-1] < end and any(_row_number(cell) for cell in titles[known[-1] : end]):
        return known[-1]
    return end


def _is_column_title(norm: str) -> bool:
    return norm in words()["table_unit"] or norm in words()["table_title"] or all(
        _YEAR_TITLE.match(title) for title in _column_titles(norm))


def _column_titles(norm: str) -> list[str]:
    """A title cell's column titles: a PDF may put two in one cell (2020年2025年)."""
    years = _YEARS_IN_ONE.findall(norm)
    return years if len(years) > 1 and "".join(years) == norm else [norm]


def _stream_rows(cells: list[_Cell], i: int, width: int, years: dict[int, int]) -> list[_Row]:
    rows: list[_Row] = []
    waiting: list[_Row] = []  # rows whose labels a PDF put after them
    while i < len(cells):
        found, i, ended = _labels(cells, i)
        run = [] if ended else _value_run(cells, i, width)
        if run and len(run) % width and not (len(run) < width and max(years) < len(run) and found
                                             and _is_unit(found[-1].norm)):
            break  # (a row with its unit may lack its last cells, 属性 left blank, when its years are there)
        unit = found.pop().norm if found and _is_unit(found[-1].norm) else ""
        labels = _row_labels(found)
        if not run:
            for label in labels[: len(waiting)]:
                waiting.pop(0).label = label
            if ended or not waiting:
                break
            continue
        for k in range(0, len(run), width):  # a run of several rows: the later ones wait for their labels
            values = run[k : k + width]
            row = _Row(labels[-1] if labels and not k else None,
                       {y: values[c] for c, y in years.items() if c < len(values)}, unit if not k else "")
            rows.append(row)
            if row.label is None:
                waiting.append(row)
        i += len(run)
    return rows


def _labels(cells: list[_Cell], i: int) -> tuple[list[_Cell], int, bool]:
    """The label cells from ``cells[i]`` up to the next value (a row's number in a 序号
    column, 1.1 before its label, is a label cell), a unit in brackets joined to the
    label before it (非化石能源电力消纳量比重 | （%）), where they end, and whether the
    table ends there."""
    labels: list[_Cell] = []
    while i < len(cells) and (not _is_value(cells[i].norm) or _numbers_row(cells, i)):
        cell = cells[i]
        if _ends_table(cell.norm):
            return labels, i, True
        if labels and _UNIT_AFTER.fullmatch(cell.norm):
            labels[-1] = _joined(labels[-1], cell)
        else:
            labels.append(cell)
        i += 1
    return labels, i, i >= len(cells)


def _joined(first: _Cell, second: _Cell) -> _Cell:
    """Two cells of one label read as one (their texts apart in the passage)."""
    return _Cell(first.passage, first.start, first.end, first.norm + second.norm, first.joined + second.written)


def _row_labels(cells: list[_Cell]) -> list[_Label]:
    """The labels of rows in label cells. Where rows are numbered (1.1 可再生能源…, or a
    序号 cell before the label), a label runs from its number to the next, over the cells
    a long label wraps onto; a number whose next one extends it (1 then 1.3, 二 then
    2.1) heads a group of rows and labels none. Unnumbered, each cell is a label."""
    groups: list[tuple[str, list[_Cell]]] = []
    for cell in cells:
        number = _row_number(cell)
        if number is not None or not groups:
            groups.append((number or "", []))
        if number is None or _ROW_NUMBER.fullmatch(cell.norm) is None:
            groups[-1][1].append(cell)
    if all(not number for number, _ in groups):
        return [_Label(cell.written, cell.norm) for cell in cells]
    kept = [part for k, (number, part) in enumerate(groups)
            if part and not (k + 1 < len(groups) and _heads(number, groups[k + 1][0]))]
    return [_label_of(part) for part in kept]


def _heads(number: str, following: str) -> bool:
    return bool(number) and bool(following) and (following.startswith(number + ".") or not number[0].isdigit())


def _label_of(cells: list[_Cell]) -> _Label:
    first = cells[0]
    number = _NUMBERED.match(first.text)
    cut = len("".join(number.group(0).split())) if number else 0
    return _Label("".join(c.written for c in cells)[cut:], "".join(c.norm for c in cells)[cut:])


def _row_number(cell: _Cell) -> str | None:
    """The row's number a label cell is or opens with (1.1, 2.1.1, 一), else None."""
    if _ROW_NUMBER.fullmatch(cell.norm):
        return cell.norm
    m = _NUMBERED.match(cell.text)
    return "".join(m.group("number").split()) if m else None


def _numbers_row(cells: list[_Cell], i: int) -> bool:
    """A number cell that is a row's number in a 序号 column: the label follows it."""
    return bool(_ROW_NUMBER.fullmatch(cells[i].norm)) and i + 1 < len(cells) and not _is_value(cells[i + 1].norm)


def _is_unit(norm: str) -> bool:
    return bool(_UNIT_AFTER.fullmatch(norm)) or patterns().unit.fullmatch(norm) is not None


def _value_run(cells: list[_Cell], i: int, width: int) -> list[_Cell]:
    """The value cells from ``cells[i]``, up to a row's number that follows whole rows."""
    run: list[_Cell] = []
    while i < len(cells) and _is_value(cells[i].norm) and not (run and not len(run) % width and _numbers_row(cells, i)):
        run.append(cells[i])
        i += 1
    return run


def _ends_table(norm: str) -> bool:
    return (len(norm) > _LABEL_LIMIT or bool(_NOTE.match(norm)) or any(c in norm for c in "。;")
            or norm in words()["table_head"] or bool(_YEAR_TITLE.match(norm)))


# -- values and targets ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    number: float
    unit: str  # % when the cell writes it
    modifiers: tuple[str, ...]


@lru_cache(maxsize=1)
def _value_pattern() -> re.Pattern[str]:
    return re.compile(
        r"^(?P<compare>[<>≤≥])?(?P<open>[\[〔【])?(?P<number>[-−]?\d+(?:\.\d+)?)(?P<close>[\]〕】])?(?P<unit>%|‰)?"
        rf"(?P<after>(?:{words().alternation('after')})*)$"
    )


def _is_value(norm: str) -> bool:
    return _value(norm) is not None or norm in words()["table_text"] or bool(norm) and set(norm) <= _EMPTY_MARKS


def _value(norm: str) -> _Value | None:
    m = _value_pattern().match(norm)
    if m is None or bool(m.group("open")) != bool(m.group("close")):
        return None
    after = tuple(re.findall(words().alternation("after"), m.group("after"))) if m.group("after") else ()
    cumulative = ("累计",) if m.group("open") else ()
    compare = (m.group("compare"),) if m.group("compare") else ()  # >18%: a bound written as a sign
    return _Value(float(m.group("number").replace("−", "-")), m.group("unit") or "", compare + cumulative + after)


def _targets(tables: list[list[_Row]], since: int | None) -> Iterator[Target]:
    for rows in tables:
        for row in rows:
            first = min(row.by_year) if len(row.by_year) > 1 else None
            for year, cell in row.by_year.items():
                target = _target(row, year, cell, since, first)
                if target is not None:
                    yield target


def _target(row: _Row, year: int, cell: _Cell, since: int | None, first: int | None) -> Target | None:
    value = _value(cell.norm)
    if row.label is None or value is None or year < (since or 0) or since is None and year == first:
        return None
    unit = _UNIT_AFTER.search(row.label.norm)
    indicator = _UNIT_AFTER.sub("", row.label.written)
    if not indicator:
        return None
    return Target(
        doc=cell.passage.doc, passage=cell.passage.id, year=year, indicator=indicator, direction="",
        value=value.number, upper=None, unit=value.unit or (unit.group("unit") if unit else row.unit),
        modifiers=value.modifiers, base_year=None, start=cell.start, end=cell.end, span=cell.text,
    )
