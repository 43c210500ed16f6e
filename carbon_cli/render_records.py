"""The views of records, references, similar passages and diffs: terminal and JSON.

Like ``render.py``: JSON is plain data for ``render.emit_json``; terminal views are
rich ``Text`` built by offsets, rich imported only when one is printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NONE = "—"


def record_cells(record: Mapping[str, Any] | None) -> tuple[str, str, str, str]:
    """Issuers, 文号, date and 文种 of a record, as table cells (— where unknown)."""
    record = record or {}
    issuers = "、".join(record.get("issuers") or []) or NONE
    number = (record.get("doc_number") or {}).get("text") or NONE
    date = record.get("date_written") or record.get("date_published") or NONE
    return issuers, number, date, record.get("doc_type") or NONE


def record_line(record: Mapping[str, Any] | None) -> str:
    """One line naming what is known of a record, for the head of a document's outline."""
    return "  ".join(cell for cell in record_cells(record) if cell != NONE)


def print_facets(facets: Mapping[str, Mapping[str, int]]) -> None:
    """The counts of all hits, one line per facet: ``issuer  国务院 12 · 国家能源局 3``."""
    from rich.text import Text

    from .render import console

    out = console()
    out.print(Text("hits by", style="bold"))
    for name, counts in facets.items():
        line = Text(f"  {name:7} ", style="dim")
        line.append(" · ".join(f"{value} {n}" for value, n in counts.items()))
        out.print(line)


def grouped_json(result: Any) -> dict[str, Any]:
    """``stats --by``: the groups, their sizes, and each term's count in each group."""
    return {
        "by": result.by,
        "groups": [{"group": g, "passages": result.passages[g]} for g in result.groups],
        "terms": [{"term": t.term, "normalised": t.normalised, "total": t.count, "counts": row} for t, row in result.rows],
    }


def print_grouped(result: Any, scope: str) -> None:
    """A table: terms down, groups across (the word-frequency-by-year table)."""
    from rich.table import Table
    from rich.text import Text

    from .render import console

    out = console()
    out.print(Text(f"term counts by {result.by} in {scope}", style="bold"))
    table = Table(box=None, pad_edge=False)
    table.add_column("term")
    for group in result.groups:
        table.add_column(group, justify="right", overflow="fold")
    table.add_column("total", justify="right")
    for term, row in result.rows:
        table.add_row(term.term, *(str(row[g]) for g in result.groups), str(term.count))
    out.print(table)
