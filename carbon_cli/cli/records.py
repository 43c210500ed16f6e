"""The commands on documents as records and the links between them: ``refs``,
``cited-by``, ``similar`` and ``diff``.

Registered on the main app when imported (``app.load_commands``). Exit codes as
elsewhere: 0 when there is something to show, 1 when there is nothing, 2 on errors.
"""

import sys
from enum import Enum
from typing import Optional

import typer

from .. import render
from ..ids import resolve, resolve_passage
from ..model import CarbonError
from .app import Command, app
from .options import JSON, complete_doc, complete_id, open_index


class GraphFormat(str, Enum):
    json = "json"
    dot = "dot"
    csv = "csv"


def _nothing(message: str) -> typer.Exit:
    sys.stderr.write(f"carbon: {message}\n")
    return typer.Exit(1)


@app.command(cls=Command)
def refs(
    target: Optional[str] = typer.Argument(
        None, metavar="[ID]", help="A document or passage id; all documents if left out.", autocompletion=complete_id
    ),
    graph: bool = typer.Option(False, "--graph", help="The citation graph of the library: documents and their links."),
    fmt: Optional[GraphFormat] = typer.Option(
        None, "--format", "-f", metavar="FORMAT", help="With --graph: json, dot (Graphviz) or csv (edges)."
    ),
    json_out: bool = JSON,
) -> None:
    """The documents a document or passage cites (every 《…》), resolved to the library or not."""
    from .. import references
    from ..render_records import citation_json, print_citations

    _, index = open_index()
    if graph:
        if target is not None:
            raise CarbonError("--graph draws the whole library: leave out the ID")
        network = references.graph(index.all_citations(), index.documents())
        chosen = fmt or (GraphFormat.json if json_out else GraphFormat.dot)
        if chosen is GraphFormat.json:
            render.emit_json(network)
        else:
            sys.stdout.write(references.to_dot(network) if chosen is GraphFormat.dot else references.to_csv(network))
        if not network["edges"]:
            raise _nothing("no document of the library cites another")
        return
    if fmt is not None:
        raise CarbonError("--format is for --graph")
    if target is None:
        found = index.all_citations()
    elif "/" in target:  # a passage, its document given in full or in short (ids.py)
        target = resolve_passage(target, index.document_ids())
        if index.passage(target) is None:
            raise CarbonError(f"no passage or document {target[:80]!r} (see: carbon outline)")
        found = index.citations(passage=target)
    else:
        target = resolve(target, index.document_ids())
        found = index.citations(doc=target)
    if json_out:
        render.emit_json([citation_json(c) for c in found])
    else:
        print_citations(found, {d["id"]: d["title"] for d in index.documents()})
    if not found:
        raise _nothing(f"{target or 'the library'} cites no 《…》")


@app.command("cited-by", cls=Command)
def cited_by(
    doc: str = typer.Argument(..., metavar="ID", help="A document id.", autocompletion=complete_doc),
    json_out: bool = JSON,
) -> None:
    """The passages of other documents that cite a document, by any of its names."""
    from ..render_records import citation_json, print_citing

    _, index = open_index()
    if "/" in doc:
        raise CarbonError(f"{doc[:80]} is a passage; cited-by takes a document (see: carbon refs {doc[:80]})")
    doc = resolve(doc, index.document_ids())
    found = [c for key in index.names_of(doc) for c in index.citations(key=key) if c["doc"] != doc]
    found.sort(key=lambda c: (c["doc"], c["passage"], c["start"]))
    if json_out:
        render.emit_json([citation_json(c) for c in found])
    else:
        print_citing(found, index.passages_by_id([c["passage"] for c in found]))
    if not found:
        raise _nothing(f"no passage of another document cites {doc}")


@app.command(cls=Command)
def similar(
    passage_id: str = typer.Argument(
        ..., metavar="PASSAGE_ID", help="A passage id (qa/action/1).", autocompletion=complete_id
    ),
    limit: int = typer.Option(
        10, "--limit", "-n", min=1, metavar="N", help="How many passages, the passage itself included."
    ),
    same_doc: bool = typer.Option(False, "--same-doc", help="Also passages of the passage's own document."),
    json_out: bool = JSON,
) -> None:
    """Passages of other documents that treat the same matter (more-like-this); the passage itself first."""
    from ..render_records import print_similar, similar_json
    from ..similar import similar as like_this

    catalog, index = open_index()
    passage_id = resolve_passage(passage_id, index.document_ids())  # cpc-opinions/s12.33 (ids.py)
    result = like_this(index, passage_id, limit=limit, same_doc=same_doc)
    if json_out:
        render.emit_json(similar_json(result))
    else:
        print_similar(result, catalog.pipeline, index)
    if len(result.hits) < 2:
        raise _nothing(f"no passage of another document shares the terms of {passage_id}")


@app.command(cls=Command)
def diff(
    doc_a: str = typer.Argument(..., metavar="DOC_A", help="A document id.", autocompletion=complete_doc),
    doc_b: str = typer.Argument(..., metavar="DOC_B", help="Another document id.", autocompletion=complete_doc),
    unchanged: bool = typer.Option(True, "--unchanged/--changes-only", help="List the unchanged items too."),
    json_out: bool = JSON,
) -> None:
    """Two documents item by item: added, removed, changed (characters marked) and unchanged items.

    Exit code 0 when they differ, 1 when they do not (nothing to show), 2 on errors."""
    from ..diff import compare
    from ..render_records import diff_json, print_diff

    catalog, index = open_index()
    known = index.document_ids()
    doc_a, doc_b = resolve(doc_a, known), resolve(doc_b, known)
    normalise = catalog.pipeline.normaliser.normalise_with_offsets
    result = compare(doc_a, index.passages(doc=doc_a), doc_b, index.passages(doc=doc_b), normalise)
    if json_out:
        render.emit_json(diff_json(result))
    else:
        print_diff(result, unchanged)
    if not result.differs:
        raise _nothing(f"{doc_a} and {doc_b} say the same, item by item")
