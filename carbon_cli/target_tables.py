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
from .targets import Target, words
from .text import Normaliser

_LABEL_LIMIT = 40  # characters: a longer cell is a sentence, not a row's label
_HEADER_LIMIT = 12  # column titles: a table with more is read no further
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n\s*")  # between two cells a PDF merged
_ROW_CELLS = re.compile(r"\t|\|")
_MARKDOWN_RULE = re.compile(r"^[\s|:\-]*-{3,}[\s|:\-]*$")  # |---|:--:| under a Markdown header
_NOTE = re.compile(r"^(?:注|备注|说明|资料来源|数据来源)\d*[:：]")
_YEAR_TITLE = re.compile(r"^(?P<year>(?:19|20)\d\d)年?(?:底|末)?(?:目标值?|预期值?|规划值?)?$")
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

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def written(self) -> str:
        """The cell as written, without whitespace: a label."""
        return "".join(self.text.split())


@dataclass(frozen=True)
class _Label:
    """A row's label as written (the indicator) and in its matching form (its unit)."""

    written: str
    norm: str

    def joined(self, cell: _Cell) -> _Label:
        return _Label(self.written + cell.written, self.norm + cell.norm)


@dataclass
class _Row:
    label: _Label | None  # None: a PDF put it after the row's values
    by_year: dict[int, _Cell]  # the cell of each year column
    unit: str = ""  # from a unit column, in its matching form


def table_targets(passages: Sequence[Passage], normaliser: Normaliser, since: int | None = None) -> list[Target]:
    """The targets of every indicator table in ``passages`` (one document's, in order);
    ``since`` the year the document's own time begins (``targets.document_starts``)."""
    found: list[Target] = []
    for _, section in groupby(passages, key=lambda p: p.section):
        lines = [line for passage in section for line in _lines(passage, normaliser)]
        found.extend(_targets(_row_tables(lines) + _stream_tables(lines), since))
    return found


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
        years = _years(header)
        if len(header) > 1 and heads and years:
            tables.append(list(_rows_below(lines[i + 1 :], len(header), heads[0], years, _unit_column(header))))
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


def _years(titles: Sequence[_Cell]) -> dict[int, int]:
    """The year of each year column: {column: year}."""
    return {k: int(m.group("year")) for k, cell in enumerate(titles) if (m := _YEAR_TITLE.match(cell.norm))}


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
    width = len(titles) - 1 - unit_columns  # the first row's label (and unit) end the titles
    years = {k - unit_columns: year for k, year in _years(titles[:width]).items() if k >= unit_columns}
    if width <= unit_columns or not years:
        return []
    return _stream_rows(cells, i - 1 - unit_columns, width - unit_columns, years, unit_columns)


def _stream_rows(cells: list[_Cell], i: int, width: int, years: dict[int, int], unit_columns: int) -> list[_Row]:
    rows: list[_Row] = []
    waiting: list[_Row] = []  # rows whose labels a PDF put after them
    while i < len(cells):
        labels, i, ended = _labels(cells, i)
        run = [] if ended else _value_run(cells, i)
        if run and len(run) % width:
            break
        if not run:
            for label in labels[: len(waiting)]:
                waiting.pop(0).label = label
            if ended or not waiting:
                break
            continue
        unit = labels.pop().norm if unit_columns and len(labels) > 1 else ""
        for k in range(0, len(run), width):  # a run of several rows: the later ones wait for their labels
            values = run[k : k + width]
            row = _Row(labels[-1] if labels and not k else None, {y: values[c] for c, y in years.items()},
                       unit if not k else "")
            rows.append(row)
            if row.label is None:
                waiting.append(row)
        i += len(run)
    return rows


def _labels(cells: list[_Cell], i: int) -> tuple[list[_Label], int, bool]:
    """The label cells from ``cells[i]`` up to the next value, a unit in brackets joined
    to the label before it (非化石能源电力消纳量比重 | （%）), where they end, and whether
    the table ends there."""
    labels: list[_Label] = []
    while i < len(cells) and not _is_value(cells[i].norm):
        cell = cells[i]
        if _ends_table(cell.norm):
            return labels, i, True
        if labels and _UNIT_AFTER.fullmatch(cell.norm):
            labels[-1] = labels[-1].joined(cell)
        else:
            labels.append(_Label(cell.written, cell.norm))
        i += 1
    return labels, i, i >= len(cells)


def _value_run(cells: list[_Cell], i: int) -> list[_Cell]:
    run: list[_Cell] = []
    while i < len(cells) and _is_value(cells[i].norm):
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
        r"^(?P<open>[\[〔【])?(?P<number>[-−]?\d+(?:\.\d+)?)(?P<close>[\]〕】])?(?P<unit>%|‰)?"
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
    return _Value(float(m.group("number").replace("−", "-")), m.group("unit") or "", cumulative + after)


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
