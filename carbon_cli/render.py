"""Output: JSON for scripts, rich text for people; what every view shares, and the
views of passages, outlines and documents (the others: ``render_search.py``,
``render_analysis.py``, ``render_eval.py``).

JSON goes straight to stdout with ``json.dumps(..., ensure_ascii=False)``; it never
passes through rich, which would wrap lines and read ``[...]`` as markup. The
terminal views build rich ``Text`` objects and style highlights by character
offset, so document text is never interpreted as markup. rich is imported only
when a terminal view is printed: ``--json`` runs never load it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .model import Passage

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from .catalog import AddReport

HIGHLIGHT = "bold reverse"
ELLIPSIS = "…"


# -- JSON -------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def emit_json(data: Any) -> None:
    """One JSON document on stdout, always valid UTF-8.

    A command-line argument that is not valid UTF-8 reaches Python as lone
    surrogates, which stdout would write back as the raw invalid bytes: JSON
    readers refuse those, so they become U+FFFD here.
    """
    out = json.dumps(data, ensure_ascii=False)
    sys.stdout.write(_SURROGATE.sub("\ufffd", out) + "\n")
    sys.stdout.flush()


def passage_json(passage: Passage) -> dict[str, Any]:
    return {
        "id": passage.id,
        "doc": passage.doc,
        "kind": passage.kind,
        "number": passage.number,
        "label": passage.label,
        "title": passage.title,
        "section": list(passage.section),
        "parent": passage.parent,
        "start": passage.start,
        "end": passage.end,
        "text": passage.text,
    }


# -- the terminal -----------------------------------------------------------------


def console(stderr: bool = False) -> Console:
    """A console that never wraps, never reads markup, and has no colour when piped.

    rich already drops colour when the stream is not a terminal and honours
    NO_COLOR; ``soft_wrap`` keeps each line whole for ``grep`` and ``cut``.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 10_000  # piped: tables keep whole cells too
    out = Console(stderr=stderr, width=width, highlight=False, markup=False, emoji=False, soft_wrap=True)
    out.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    return out


def _broken_pipe() -> None:
    """rich's own handler exits with 1, which means "no results" here: let the entry
    point end quietly with the exit code of the results, as for plain writes."""
    raise BrokenPipeError


def highlighted(text: str, spans: Iterable[tuple[int, int]], offset: int = 0) -> Text:
    """``text`` with the spans (offsets into a longer text starting at ``offset``) styled."""
    from rich.text import Text

    out = Text(text)
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if start < end:
            out.stylize(HIGHLIGHT, start, end)
    return out


def heading(passage: Passage) -> str:
    """A passage's name for lists: its title, else the heading it sits under, else its kind.

    An answer is named by its question, a body paragraph by its item.
    """
    return passage.title or (passage.section[-1] if passage.section else passage.kind)


def print_list(passages: Sequence[Passage], doc_titles: dict[str, str]) -> None:
    """Numbered items grouped under their document."""
    from rich.text import Text

    out = console()
    current = None
    for p in passages:
        if p.doc != current:
            if current is not None:
                out.print()
            current = p.doc
            out.print(Text(f"{p.doc}  {doc_titles.get(p.doc, '')}".rstrip(), style="bold"))
        line = Text(f"{p.number if p.number is not None else '-':>3}  ")
        line.append(heading(p))
        line.append(f"  {p.id}", style="cyan")
        out.print(line)


def print_passage(passage: Passage) -> None:
    from rich.text import Text

    out = console()
    title = Text(heading(passage), style="bold")
    title.append(f"  {passage.id}", style="cyan")
    out.print(title)
    if passage.section:
        out.print(Text(" › ".join(passage.section), style="dim"))
    out.print(Text(passage.text))


def print_outline(documents: Sequence[dict], passages: Sequence[Passage]) -> None:
    """Documents, then their passages nested under the headings they sit in."""
    from rich.tree import Tree

    from .render_records import record_line

    out = console()
    children: dict[str | None, list[Passage]] = {}
    for p in passages:
        children.setdefault(p.parent, []).append(p)
    by_doc: dict[str, list[Passage]] = {}
    for p in children.get(None, []):
        by_doc.setdefault(p.doc, []).append(p)

    def grow(node: Tree, items: list[Passage]) -> None:
        for p in items:
            branch = node.add(_outline_label(p))
            grow(branch, children.get(p.id, []))

    for doc in documents:
        flag = "  (truncated)" if doc["truncated"] else ""
        known = record_line(doc.get("record"))
        tree = Tree(f"{doc['id']}  {doc['title']}{flag}" + (f"\n{known}" if known else ""))
        grow(tree, by_doc.get(doc["id"], []))
        out.print(tree)


def outline(documents: Sequence[dict], passages: Sequence[Passage], json_out: bool) -> None:
    """``carbon outline`` and ``carbon docs show``: the tree as JSON or on the terminal."""
    if json_out:
        emit_json(outline_json(documents, passages))
    else:
        print_outline(documents, passages)


def print_no_items(kind: str, docs: Sequence[str]) -> None:
    """On stderr: a plan view found nothing."""
    where = ", ".join(docs) if docs else "any document"
    sys.stderr.write(f"carbon: no {kind} in {where}\n")


def _outline_label(p: Passage) -> Text:
    from rich.text import Text

    label = Text(f"{p.kind}", style="dim")
    if p.number is not None:
        label.append(f" {p.number}", style="dim")
    label.append("  ")
    label.append(heading(p) if p.title else _clip(p.text, 40))
    label.append(f"  {p.id}", style="cyan")
    return label


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def print_documents(documents: Sequence[dict]) -> None:
    from rich.table import Table

    from .render_records import record_cells

    table = Table(box=None, pad_edge=False)
    for column in ("id", "title", "issuers", "number", "date", "type", "passages", "chars", "format", "encoding",
                   "source"):
        table.add_column(column, overflow="fold")
    for doc in documents:
        table.add_row(
            doc["id"], _clip(doc["title"], 40), *record_cells(doc.get("record")), str(doc["passages"]),
            str(doc["chars"]), doc["format"], doc["encoding"], doc["source"],
        )
    console().print(table)


def outline_json(documents: Sequence[dict], passages: Sequence[Passage]) -> list[dict[str, Any]]:
    """Documents with their passages nested as the outline nests them."""
    nodes = {p.id: {**passage_json(p), "children": []} for p in passages}
    roots: dict[str, list[dict[str, Any]]] = {}
    for p in passages:
        node = nodes[p.id]
        parent = nodes.get(p.parent) if p.parent else None
        if parent is not None:
            parent["children"].append(node)
        else:
            roots.setdefault(p.doc, []).append(node)
    return [{**doc, "outline": roots.get(doc["id"], [])} for doc in documents]


def added_json(added: Any) -> dict[str, Any]:
    return {
        "id": added.id, "path": added.path, "status": added.status, "passages": added.passages,
        "encoding": added.encoding, "format": added.format,
    }


def print_added(added: Sequence[Any]) -> None:
    for item in added:
        if item.status == "unchanged":
            sys.stdout.write(f"unchanged {item.id}  {item.path}  (already in the library)\n")
        else:
            sys.stdout.write(
                f"{item.status:<9} {item.id}  {item.path}  ({item.passages} passages, {item.format}, {item.encoding})\n"
            )


def progress(items: Sequence[Any], what: str) -> Iterable[Any]:
    """Yield the items, with a progress bar on stderr when it is a terminal and there are many."""
    if len(items) < 5 or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=len(items))
        for item in items:
            yield item
            bar.advance(task)


def print_indexed(report: AddReport) -> None:
    """On stderr: what a ``docs add`` indexed and how fast."""
    rate = report.summary()["chars_per_second"]
    processes = "1 process" if report.workers == 1 else f"{report.workers} processes"
    sys.stderr.write(
        f"carbon: indexed {report.documents:,} documents, {report.chars:,} characters in {report.seconds:.1f} s"
        f" ({rate:,} characters/s, {processes})\n"
    )


def print_removed(doc_id: str) -> None:
    sys.stdout.write(f"removed {doc_id}\n")


def print_errors(messages: Sequence[str]) -> None:
    """On stderr, one line each: the files a command refused, and why."""
    for message in messages:
        sys.stderr.write(f"carbon: error: {message}\n")
