"""``carbon docs``: add, list, show and remove the user's own documents."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from .. import render, scope
from .app import Command, app
from .options import JSON, Sort, complete_doc, engine_in_step, open_catalog, open_index, record_docs, record_filtered

if TYPE_CHECKING:
    from ..records import RecordFilter

docs_app = typer.Typer(no_args_is_help=True, help="Add, list, show and remove your own documents.")
app.add_typer(docs_app, name="docs")


@docs_app.command("add", cls=Command)
def docs_add(
    paths: list[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    json_out: bool = JSON,
) -> None:
    """Add documents: text, Markdown, HTML, DOCX or PDF."""
    from ..readers import discover, display_path

    catalog = open_catalog()
    files, found = discover(paths)
    problems = [(path, f"{display_path(path)}: {message}") for path, message in found]  # name the file, as readers do
    report = catalog.add_files(files, progress=lambda records: render.progress(records, "adding"))
    if report.documents:
        engine_in_step(catalog)
    problems.extend(report.problems)
    errors = [{"path": display_path(path), "error": message} for path, message in problems]
    if json_out:
        render.emit_json({"added": [render.added_json(a) for a in report.added], "errors": errors,
                          "indexed": report.summary()})
    else:
        render.print_added(report.added)
    if report.documents and (report.workers > 1 or sys.stderr.isatty()):  # a large build, or someone watching
        render.print_indexed(report)
    render.print_errors([error["error"] for error in errors])
    raise typer.Exit(2 if errors else 0)


@docs_app.command("list", cls=Command)
@record_filtered
def docs_list(
    sort: Sort = typer.Option(
        Sort.relevance, "--sort", metavar="ORDER", help="date: newest first (else in library order)."
    ),
    json_out: bool = JSON,
    filters: Optional["RecordFilter"] = None,
) -> None:
    """Every document in the index, with its record and where it came from."""
    from ..records import sort_by_date

    catalog, index = open_index()
    kept = set(record_docs(catalog, index, None, filters))
    documents = [d for d in index.documents() if filters is None or not filters.active or d["id"] in kept]
    if sort is Sort.date:
        documents = sort_by_date(documents)
    if json_out:
        render.emit_json(documents)
    else:
        render.print_documents(documents)
    if not documents:
        raise typer.Exit(1)


@docs_app.command("remove", cls=Command)
def docs_remove(
    doc_id: str = typer.Argument(..., metavar="ID", autocompletion=complete_doc), json_out: bool = JSON
) -> None:
    """Remove a document you added (its id, or a unique prefix of it)."""
    catalog = open_catalog()
    doc_id = catalog.remove(doc_id)
    engine_in_step(catalog)
    if json_out:
        render.emit_json({"removed": doc_id})
    else:
        render.print_removed(doc_id)


@docs_app.command("show", cls=Command)
def docs_show(
    doc_id: str = typer.Argument(..., metavar="ID", autocompletion=complete_doc), json_out: bool = JSON
) -> None:
    """The outline of one document."""
    _, index = open_index()
    render.outline(*scope.outline(index, scope.check_docs(index, [doc_id])), json_out=json_out)
