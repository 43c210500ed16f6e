"""The views of the analysis commands (``keywords``, ``kwic``, ``stats``, ``export``):
their JSON shapes and their terminal tables (see ``render.py`` for what every view shares).

A scope is described by the dictionary ``cli/analysis.py`` builds: the id, the
documents and the kinds the user named.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from .analysis import ConcordanceLine, Keyword, Statistics, flatten
from .model import Passage
from .render import HIGHLIGHT, console, heading
from .scope import describe_scope

BAR_WIDTH = 40


def described(scope: dict[str, Any]) -> str:
    return describe_scope(scope["id"], scope["docs"], scope["kinds"])


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def empty(message: str) -> None:
    """On stderr: why there is nothing to show."""
    sys.stderr.write(f"carbon: {message}\n")


# -- keywords -----------------------------------------------------------------------


def keywords_json(
    scope: dict[str, Any], passages: Sequence[Passage], method: str, found: Sequence[Keyword]
) -> dict[str, Any]:
    return {
        "scope": {**scope, "passages": len(passages), "characters": sum(len(p.text) for p in passages)},
        "method": method,
        "keywords": [
            {"rank": rank, "term": k.term, "normalised": k.normalised, "weight": round(k.weight, 6), "count": k.count}
            for rank, k in enumerate(found, start=1)
        ],
    }


def print_keywords(scope: dict[str, Any], passages: Sequence[Passage], method: str, found: Sequence[Keyword]) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    chars = sum(len(p.text) for p in passages)
    out.print(Text(
        f"{described(scope)} · {plural(len(passages), 'passage')} · {chars:,} characters · {method}",
        style="bold",
    ))
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right")
    table.add_column("term")
    table.add_column("weight", justify="right")
    table.add_column("count", justify="right")
    for rank, k in enumerate(found, start=1):
        table.add_row(str(rank), k.term, f"{k.weight:.4f}", str(k.count))
    out.print(table)


# -- kwic ---------------------------------------------------------------------------


def kwic_json(lines: Sequence[ConcordanceLine]) -> list[dict[str, Any]]:
    return [
        {
            "doc": line.occurrence.passage.doc,
            "passage": line.occurrence.passage.id,
            "kind": line.occurrence.passage.kind,
            "number": line.occurrence.passage.number,
            "title": line.occurrence.passage.title,
            "match": line.occurrence.text,
            "start": line.occurrence.start,
            "end": line.occurrence.end,
            "source_start": line.occurrence.source_start,
            "source_end": line.occurrence.source_end,
            "left": line.left,
            "right": line.right,
        }
        for line in lines
    ]


def print_kwic(lines: Sequence[ConcordanceLine], width: int) -> None:
    """One line per occurrence, the left contexts padded to ``width`` cells so the terms align."""
    from rich.cells import cell_len
    from rich.text import Text

    out = console()
    id_width = max((cell_len(line.occurrence.passage.id) for line in lines), default=0)
    for line in lines:
        pid = line.occurrence.passage.id
        row = Text()
        row.append(pid + " " * (id_width - cell_len(pid)), style="cyan")
        row.append("  " + " " * (width - cell_len(line.left)) + line.left + " ")
        row.append(flatten(line.occurrence.text), style=HIGHLIGHT)
        row.append(" " + line.right)
        out.print(row)


# -- stats --------------------------------------------------------------------------


SIZES = ("documents", "passages", "characters", "tokens", "vocabulary")


def stats_json(scope: dict[str, Any], result: Statistics) -> dict[str, Any]:
    return {
        "scope": scope,
        **{name: getattr(result, name) for name in SIZES},
        "kinds": result.kinds,
        "top_terms": [{"term": t.term, "normalised": t.normalised, "count": t.count} for t in result.top_terms],
    }


def print_stats(scope: dict[str, Any], result: Statistics) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(Text(described(scope), style="bold"))
    sizes = Table(box=None, pad_edge=False, show_header=False)
    sizes.add_column()
    sizes.add_column(justify="right")
    for name in SIZES:
        sizes.add_row(name, f"{getattr(result, name):,}")
    out.print(sizes)
    out.print(Text("kinds: " + ", ".join(f"{k} {n}" for k, n in result.kinds.items()), style="dim"))
    out.print()
    out.print(Text("most frequent terms", style="bold"))
    terms = Table(box=None, pad_edge=False, show_header=False)
    terms.add_column(justify="right")
    terms.add_column()
    terms.add_column(justify="right")
    for rank, t in enumerate(result.top_terms, start=1):
        terms.add_row(str(rank), t.term, str(t.count))
    out.print(terms)


def term_chart_json(
    term: str, normalised: str, scope: dict[str, Any], rows: Sequence[tuple[Passage, int]]
) -> dict[str, Any]:
    return {
        "term": term,
        "normalised": normalised,
        "scope": scope,
        "total": sum(n for _, n in rows),
        "passages": [
            {"id": p.id, "doc": p.doc, "kind": p.kind, "number": p.number, "title": p.title, "count": n}
            for p, n in rows
        ],
    }


def print_term_chart(term: str, scope: dict[str, Any], rows: Sequence[tuple[Passage, int]]) -> None:
    """A bar per passage; the document and kind columns only when they vary."""
    from rich.bar import Bar
    from rich.table import Table
    from rich.text import Text

    out = console()
    total = sum(n for _, n in rows)
    with_doc = len({p.doc for p, _ in rows}) > 1
    with_kind = len({p.kind for p, _ in rows}) > 1
    out.print(Text(
        f"{term} in {described(scope)}: {plural(total, 'occurrence')} in {plural(len(rows), 'passage')}",
        style="bold",
    ))
    table = Table(box=None, pad_edge=False, show_header=False)
    if with_doc:
        table.add_column(style="cyan", no_wrap=True)
    if with_kind:
        table.add_column(style="dim", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="ellipsis", no_wrap=True)
    table.add_column(width=BAR_WIDTH, no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    most = max(n for _, n in rows) or 1
    for p, n in rows:
        cells: list[Any] = ([p.doc] if with_doc else []) + ([p.kind] if with_kind else [])
        cells += [
            "" if p.number is None else str(p.number),
            heading(p),
            Bar(size=most, begin=0, end=n, width=BAR_WIDTH),
            str(n),
        ]
        table.add_row(*cells)
    out.print(table)


# -- export -------------------------------------------------------------------------


def export_json(output: str, fmt: str, passages: Sequence[Passage], data: bytes) -> dict[str, Any]:
    return {"output": output, "format": fmt, "passages": len(passages), "bytes": len(data)}


def print_exported(output: str, fmt: str, passages: Sequence[Passage]) -> None:
    """On stderr: what went to the file (stdout stays empty for the pipe)."""
    sys.stderr.write(f"carbon: wrote {plural(len(passages), 'passage')} to {output} ({fmt})\n")


def write_bytes(data: bytes) -> None:
    """The export itself on stdout, as bytes (a BOM and CRLFs pass through unchanged)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
