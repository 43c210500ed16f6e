"""Tables that fit the terminal: ids whole, titles cut, columns dropped in a stated order.

A terminal of 60 columns cannot show ``docs list``'s eleven columns. Letting the
terminal wrap every cell breaks ids in the middle (``cpc-sc-d`` / ``ual-carb``), so a
user can neither read nor copy them. Instead, when the rows are wider than the
terminal:

1. a flexible column (a title) is cut, with an ellipsis, down to its ``least`` width;
2. then whole columns are dropped, lowest ``drop`` first: where a document came from
   and how it was read before what it is, and its numbers (passages, characters)
   last, since they are short and what a user compares;
3. a column whose ``drop`` is 0 (an id) is never dropped and never broken: if the
   terminal is narrower than an id, the terminal wraps the line, but the id stays one
   string that can be copied.

Output to a file or a pipe is as wide as its rows (``render.console``), so nothing is
cut or dropped there, and scripts see every column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

GAP = 2  # cells between two columns (rich's padding of one cell on each side)


@dataclass(frozen=True)
class Column:
    name: str
    drop: int = 0  # the order columns are dropped in when too wide: 1 first; 0 never
    least: int = 0  # a flexible column is cut down to this many cells before any is dropped
    right: bool = False  # numbers


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[tuple[int, int]]:
    """The columns kept, as (index, width) in their order, for a terminal ``width`` wide."""
    natural = [max([_cells(c.name), *(_cells(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    widths = dict(enumerate(natural))

    def total() -> int:
        return sum(widths.values()) + GAP * (len(widths) - 1)

    for i, column in enumerate(columns):
        if column.least and total() > width:
            widths[i] = max(column.least, widths[i] - (total() - width))
    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: columns[i].drop):
        if total() <= width:
            break
        del widths[i]
    return sorted(widths.items())


def fitted_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> Table:
    """A rich table of ``rows`` with the columns ``fit`` keeps."""
    from rich.table import Table
    from rich.text import Text

    kept = fit(columns, rows, width)
    table = Table(box=None, pad_edge=False)
    for i, cells in kept:
        column = columns[i]
        table.add_column(
            column.name, justify="right" if column.right else "left", no_wrap=True,
            overflow="ellipsis" if column.least else "ignore", max_width=cells if column.least else None,
            min_width=cells if not column.least else None,
        )
    for row in rows:
        table.add_row(*(Text(row[i]) for i, _ in kept))
    return table
