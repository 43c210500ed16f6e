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
        "terms": [
            {"term": t.term, "normalised": t.normalised, "total": t.count, "counts": row} for t, row in result.rows
        ],
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


def citation_json(citation: Mapping[str, Any]) -> dict[str, Any]:
    """A citation: the citing passage, offsets into its text, what it cites, resolved or not."""
    return {
        "doc": citation["doc"], "passage": citation["passage"], "start": citation["start"], "end": citation["end"],
        "cited": citation["cited"], "alias_of": citation["alias_of"], "resolved": bool(citation["targets"]),
        "targets": citation["targets"],
    }


def print_citations(citations: Any, titles: Mapping[str, str]) -> None:
    """One line per citation: the passage, 《what it cites》, and the document it is or ``unresolved``."""
    from rich.text import Text

    from .render import console

    out = console()
    for c in citations:
        line = Text(f"{c['passage']}  ", style="cyan")
        line.append(f"《{c['cited']}》")
        if c["alias_of"]:
            line.append(f" = 《{c['alias_of']}》", style="dim")
        if c["targets"]:
            for target in c["targets"]:
                line.append(f"  → {target['doc']}", style="green")
                line.append(f" ({target['by']})", style="dim")
        else:
            line.append("  unresolved", style="yellow")
        out.print(line)


CONTEXT = 30  # characters shown on each side of a citation


def print_citing(citations: Any, passages: Mapping[str, Any]) -> None:
    """Each citing passage, with the citation highlighted in its context."""
    from rich.text import Text

    from .render import HIGHLIGHT, console

    out = console()
    for c in citations:
        passage = passages.get(c["passage"])
        head = Text(c["passage"], style="cyan")
        head.append(f"  [{c['start']}:{c['end']}]", style="dim")
        out.print(head)
        if passage is None:
            continue
        lo, hi = max(0, c["start"] - CONTEXT), min(len(passage.text), c["end"] + CONTEXT)
        context = Text("    " + ("…" if lo else ""))
        context.append(" ".join(passage.text[lo:c["start"]].split()))
        context.append(passage.text[c["start"]:c["end"]], style=HIGHLIGHT)
        context.append(" ".join(passage.text[c["end"]:hi].split()) + ("…" if hi < len(passage.text) else ""))
        out.print(context)


def similar_json(result: Any) -> dict[str, Any]:
    """``similar``: the source's weighted terms and the passages, the source first, scores relative to it."""
    from .render import passage_json

    return {
        "passage": result.source.id,
        "terms": [{"term": t.term, "weight": t.weight} for t in result.terms],
        "total": result.total,
        "results": [{"rank": rank, **passage_json(p), "score": round(score, 6)}
                    for rank, (p, score) in enumerate(result.hits, start=1)],
    }


def print_similar(result: Any, pipeline: Any, index: Any) -> None:
    """Ranked passages as ``search`` shows hits, the source's terms highlighted."""
    from rich.text import Text

    from .render import console, heading, highlighted
    from .search import Searcher, excerpt

    out = console()
    out.print(Text("terms: " + " ".join(t.term for t in result.terms[:12]), style="dim"))
    find = Searcher(index, pipeline).highlights
    for rank, (passage, score) in enumerate(result.hits, start=1):
        line = Text(f"{rank:2d}. ")
        line.append(heading(passage) or passage.kind, style="bold")
        line.append(f"  {passage.id}", style="cyan")
        line.append(f"  {score:.2f}", style="dim")
        out.print(line)
        spans = find(passage.text, [t.term for t in result.terms])
        start, text = excerpt(passage.text, spans)
        out.print(Text("    ").append_text(highlighted(text, spans, offset=start)))
        out.print()


def print_no_document() -> None:
    import sys

    sys.stderr.write("carbon: no document matches the record filters (see: carbon docs list)\n")


def _item_json(item: Any) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"id": item.id, "passages": [p.id for p in item.passages], "title": item.title, "text": item.text}


def diff_json(result: Any) -> dict[str, Any]:
    """``diff``: the counts, then every item with its status and, when changed, the spans."""
    return {
        "a": result.a,
        "b": result.b,
        "summary": {s: result.count(s) for s in ("added", "removed", "changed", "unchanged")},
        "items": [
            {
                "status": aligned.status, "a": _item_json(aligned.a), "b": _item_json(aligned.b),
                "similarity": aligned.similarity,
                "changes": [{"op": c.op, "a": list(c.a), "b": list(c.b)} for c in aligned.changes],
            }
            for aligned in result.items
        ],
    }


_SIGNS = {"unchanged": "=", "changed": "~", "added": "+", "removed": "-"}
_STYLES = {"unchanged": "dim", "changed": "yellow", "added": "green", "removed": "red"}
REMOVED_STYLE = "bold red strike"
ADDED_STYLE = "bold green underline"


def print_diff(result: Any, unchanged: bool = True) -> None:
    """One line per item (``=`` unchanged, ``~`` changed, ``+`` added, ``-`` removed); a
    changed item's two texts follow, the characters that differ marked."""
    from rich.text import Text

    from .render import console

    out = console()
    counts = ", ".join(f"{result.count(s)} {s}" for s in ("added", "removed", "changed", "unchanged"))
    out.print(Text(f"{result.a} → {result.b}: {counts}", style="bold"))
    for aligned in result.items:
        if aligned.status == "unchanged" and not unchanged:
            continue
        item = aligned.b or aligned.a
        line = Text(f"{_SIGNS[aligned.status]} {aligned.status:9} ", style=_STYLES[aligned.status])
        ids = " ↔ ".join(x.id for x in (aligned.a, aligned.b) if x is not None)
        line.append(f"{ids}  ", style="cyan")
        line.append(item.title)
        if aligned.status == "changed":
            line.append(f"  ({aligned.similarity:.2f})", style="dim")
        out.print(line)
        if aligned.status == "changed":
            out.print(_marked("    - ", aligned.a.text, [c.a for c in aligned.changes], REMOVED_STYLE))
            out.print(_marked("    + ", aligned.b.text, [c.b for c in aligned.changes], ADDED_STYLE))
        elif aligned.status in ("added", "removed"):
            out.print(Text("    " + " ".join(item.text.split()), style=_STYLES[aligned.status]))


def _marked(prefix: str, text: str, spans: list[tuple[int, int]], style: str) -> Any:
    """``text`` on one line, its ``spans`` styled; an empty span (an insertion point) shows as ‸."""
    from rich.text import Text

    out = Text(prefix)
    at = 0
    for start, end in sorted(spans):
        out.append(" ".join(text[at:start].split()) if start > at else "")
        out.append(text[start:end] if end > start else "‸", style=style)
        at = max(at, end)
    out.append(" ".join(text[at:].split()))
    return out
