"""``carbon docs``: add, list, show and remove the user's own documents."""

import sys
from pathlib import Path

import typer

from .. import render, scope
from .app import app
from .options import JSON, engine_in_step, open_catalog, open_index

docs_app = typer.Typer(no_args_is_help=True, help="Add, list, show and remove your own documents.")
app.add_typer(docs_app, name="docs")


@docs_app.command("add")
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


@docs_app.command("list")
def docs_list(json_out: bool = JSON) -> None:
    """Every document in the index, with where it came from."""
    _, index = open_index()
    documents = index.documents()
    if json_out:
        render.emit_json(documents)
    else:
        render.print_documents(documents)


@docs_app.command("remove")
def docs_remove(doc_id: str = typer.Argument(..., metavar="ID"), json_out: bool = JSON) -> None:
    """Remove a document you added."""
    catalog = open_catalog()
    catalog.remove(doc_id)
    engine_in_step(catalog)
    if json_out:
        render.emit_json({"removed": doc_id})
    else:
        render.print_removed(doc_id)


@docs_app.command("show")
def docs_show(doc_id: str = typer.Argument(..., metavar="ID"), json_out: bool = JSON) -> None:
    """The outline of one document."""
    _, index = open_index()
    render.outline(*scope.outline(index, scope.check_docs(index, [doc_id])), json_out=json_out)
