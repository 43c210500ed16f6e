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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .model import Passage, passage_row

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
    out = _SURROGATE.sub("\ufffd", json.dumps(data, ensure_ascii=False)) + "\n"
    write_utf8(out)


def write_utf8(text: str) -> None:
    """Text for programs on stdout: UTF-8 bytes whatever the locale's encoding (a
    GB18030 or Latin-1 terminal would otherwise get, or fail on, its own)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8", "replace"))
        buffer.flush()
    sys.stdout.flush()


# -- the terminal -----------------------------------------------------------------


# Characters that change how the text around them looks without being seen: bidi
# controls (U+202E turns "txt.exe" into "exe.txt"), zero-width ones and the soft
# hyphen. Removed from what a terminal shows; the other controls are shown escaped.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """Text as a terminal may show it: invisible and bidi characters removed, control
    characters (an escape sequence in a file name, an id, a judged query) and lone
    surrogates shown as ``\\xNN``/``\\uNNNN``. Newlines and tabs stay."""
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clip_value(text: str, limit: int = 300) -> str:
    """A message with a value echoed in it, cut to a readable length: its start and its end
    (where the hint is) kept."""
    if len(text) <= limit:
        return text
    return text[: limit - 100] + " … " + text[-80:]


def console(stderr: bool = False) -> Console:
    """A console that never wraps, never reads markup, and has no colour when piped.

    rich already drops colour when the stream is not a terminal and honours
    NO_COLOR; ``soft_wrap`` keeps each line whole for ``grep`` and ``cut``. Every
    piece of text it prints passes ``terminal_safe``, whatever it came from.
    """
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(
                segment if segment.control else Segment(terminal_safe(segment.text), segment.style)
                for segment in buffer
            )

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 10_000  # piped: tables keep whole cells too
    out = SafeConsole(stderr=stderr, width=width, highlight=False, markup=False, emoji=False, soft_wrap=True)
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


NONE = "—"  # a record field that is not known


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


def print_outline(documents: Sequence[dict], passages: Sequence[Passage]) -> None:
    """Documents, then their passages nested under the headings they sit in."""
    from rich.tree import Tree


    out = console()
    children: dict[str | None, list[Passage]] = {}
    for p in passages:
        children.setdefault(p.parent, []).append(p)
    by_doc: dict[str, list[Passage]] = {}
    for p in children.get(None, []):
        by_doc.setdefault(p.doc, []).append(p)

    widest = [0]  # cells the deepest id needs, guides included
    trees: list[Tree] = []

    def grow(node: Tree, items: list[Passage], depth: int) -> None:
        for p in items:  # rich draws four cells of guide a level
            branch = node.add(_outline_label(p, out.width - OUTLINE_GUIDE * depth))
            widest[0] = max(widest[0], OUTLINE_GUIDE * depth + len(p.id))
            grow(branch, children.get(p.id, []), depth + 1)

    for doc in documents:
        flag = "  (truncated)" if doc["truncated"] else ""
        known = fit_cells(record_line(doc.get("record")), out.width)
        title = fit_cells(doc["title"] + flag, max(out.width - len(doc["id"]) - 2, OUTLINE_TITLE // 2))
        tree = Tree(f"{doc['id']}  {title}" + (f"\n{known}" if known else ""))
        grow(tree, by_doc.get(doc["id"], []), 1)
        trees.append(tree)
    out.width = max(out.width, widest[0])  # a deep id runs past the terminal's edge, which wraps it whole
    for tree in trees:
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


OUTLINE_GUIDE = 4  # cells of tree guide (│   ├── ) per level of the outline
OUTLINE_TITLE = 40  # cells of a passage without a title shown by its first words


def _outline_label(p: Passage, room: int) -> Text:
    """``kind number  title  id`` in ``room`` cells: the title is cut first; on a
    terminal too narrow for the id beside it, the id goes on a line of its own, whole."""
    from rich.cells import cell_len
    from rich.text import Text

    label = Text(f"{p.kind}", style="dim")
    if p.number is not None:
        label.append(f" {p.number}", style="dim")
    label.append("  ")
    title = heading(p) if p.title else _clip(p.text, OUTLINE_TITLE)
    left = room - cell_len(label.plain) - cell_len(p.id) - 2
    if left >= 8 or cell_len(title) <= left:
        label.append(fit_cells(title, left))
        label.append(f"  {p.id}", style="cyan")
    else:
        label.append(fit_cells(title, room - cell_len(label.plain)))
        label.append("\n")
        label.append(p.id, style="cyan")
    return label


def fit_cells(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` terminal cells, an ellipsis marking a cut."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, max(cells - 1, 0)).rstrip() + ELLIPSIS


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def document_note(doc: dict) -> str:
    """What a user should know of a document beyond its record: built in, cut short."""
    notes = (["built-in"] if doc.get("builtin") else []) + (["truncated"] if doc.get("truncated") else [])
    return ", ".join(notes)


def print_documents(documents: Sequence[dict], hidden: Sequence[str] = ()) -> None:
    """One row a document, fitted to the terminal (``render_fit``); the built-in
    documents the library hides are named on stderr."""
    from .render_fit import Column, fitted_table

    columns = (  # as docs list shows them; ``drop``: the order a narrow terminal drops them in
        Column("id"), Column("title", least=12), Column("issuers", drop=5), Column("number", drop=4),
        Column("date", drop=7), Column("type", drop=6), Column("note", drop=8),
        Column("passages", drop=10, right=True), Column("chars", drop=9, right=True),
        Column("format", drop=3), Column("encoding", drop=2), Column("source", drop=1),
    )
    rows = [
        [doc["id"], " ".join(doc["title"].split()), *record_cells(doc.get("record")), document_note(doc),
         str(doc["passages"]), str(doc["chars"]), doc["format"], doc["encoding"], doc["source"]]
        for doc in documents
    ]
    out = console()
    out.print(fitted_table(columns, rows, out.width))
    if hidden:
        sys.stderr.write(f"carbon: hidden: {', '.join(hidden)} (carbon docs unhide ID… shows them)\n")


def outline_json(documents: Sequence[dict], passages: Sequence[Passage]) -> list[dict[str, Any]]:
    """Documents with their passages nested as the outline nests them."""
    nodes = {p.id: {**passage_row(p), "children": []} for p in passages}
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
    """Yield the items, with a progress bar on stderr when it is a terminal and there
    are many: ``reading ━━━━━━━  120/480  0:00:03``, drawn before the first item, so it
    moves from the start."""
    if len(items) < 5 or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=len(items))
        bar.refresh()
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


def print_synced(report: Any) -> None:
    """What ``docs sync`` did: each file added or replaced, each document removed, then
    the counts (unchanged files are counted, not listed)."""
    print_added([a for a in report.add.added if a.status != "unchanged"])
    for doc_id in report.removed:
        print_removed(doc_id)
    counts = report.counts()
    sys.stderr.write("carbon: " + ", ".join(f"{n:,} {what}" for what, n in counts.items() if what != "errors") + "\n")


def print_removed(doc_id: str) -> None:
    sys.stdout.write(f"removed {terminal_safe(doc_id)}\n")


def print_hidden(doc_ids: Sequence[str], *, hidden: bool) -> None:
    """What ``docs hide`` / ``unhide`` changed; what was already so is not repeated."""
    what = "hidden" if hidden else "shown"
    for doc_id in doc_ids:
        sys.stdout.write(f"{what} {terminal_safe(doc_id)}\n")
    if not doc_ids:
        sys.stderr.write(f"carbon: nothing to change: already {what}\n")


def print_errors(messages: Sequence[str]) -> None:
    """On stderr, one line each: the files a command refused, and why."""
    for message in messages:
        sys.stderr.write(f"carbon: error: {clip_value(terminal_safe(message))}\n")
