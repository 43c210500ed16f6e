"""``carbon docs``: add, list, show and remove the user's own documents."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from .. import render, scope
from .app import Command, app
from .options import (
    JSON,
    Sort,
    complete_doc,
    engine_in_step,
    open_catalog,
    open_index,
    record_docs,
    record_filtered,
    warn,
)

if TYPE_CHECKING:
    from ..records import RecordFilter

docs_app = typer.Typer(no_args_is_help=True, help="Add, list, show and remove your own documents.")
app.add_typer(docs_app, name="docs")


INCLUDE = typer.Option(
    None, "--include", metavar="GLOB", help="In folders, only files matching this (repeatable): *.html, 2021/*."
)
EXCLUDE = typer.Option(None, "--exclude", metavar="GLOB", help="Leave out files matching this (repeatable).")


@docs_app.command("add", cls=Command)
def docs_add(
    paths: list[str] = typer.Argument(
        ..., metavar="PATH|URL...", help="Files, folders (searched recursively) or web pages (http, https)."
    ),
    doc_id: Optional[str] = typer.Option(None, "--id", metavar="ID", help="The id of the one document given."),
    include: Optional[list[str]] = INCLUDE,
    exclude: Optional[list[str]] = EXCLUDE,
    json_out: bool = JSON,
) -> None:
    """Add documents: text, Markdown, HTML, DOCX or PDF, from disk or the web.

    A folder's README, SOURCES, LICENSE and hidden files are not documents unless
    --include names them."""
    from ..readers import display_path

    report = open_catalog().add(
        paths, include=include or (), exclude=exclude or (), doc_id=doc_id, progress=render.progress
    )
    errors = [{"path": display_path(path), "error": message} for path, message in report.problems]
    for note in report.notes:
        warn(note)
    if report.documents:
        engine_in_step(open_catalog())
    if json_out:
        render.emit_json({"added": [render.added_json(a) for a in report.added], "errors": errors,
                          "indexed": report.summary()})
    else:
        render.print_added(report.added)
    if report.documents and (report.workers > 1 or sys.stderr.isatty()):  # a large build, or someone watching
        render.print_indexed(report)
    render.print_errors([error["error"] for error in errors])
    if report.interrupted:
        from ..interrupts import Interrupted

        raise Interrupted(f"interrupted; {report.documents:,} added, as listed")
    raise typer.Exit(2 if errors else 0)


@docs_app.command("sync", cls=Command)
def docs_sync(
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder the library should mirror."),
    include: Optional[list[str]] = INCLUDE,
    exclude: Optional[list[str]] = EXCLUDE,
    json_out: bool = JSON,
) -> None:
    """Bring the library in line with a folder: add what is new, re-add what changed,
    remove what disappeared, skip what is unchanged (by content hash)."""
    from ..readers import display_path

    report = open_catalog().sync(folder, include=include or (), exclude=exclude or (), progress=render.progress)
    errors = [{"path": display_path(path), "error": message} for path, message in report.add.problems]
    if json_out:
        render.emit_json({"added": [render.added_json(a) for a in report.add.added], "removed": report.removed,
                          "counts": report.counts(), "errors": errors})
    else:
        render.print_synced(report)
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
        hidden = catalog.home.hidden()
        render.print_documents(documents, [doc for doc in catalog.builtin_ids() if doc in hidden])
    if not documents:
        raise typer.Exit(1)


@docs_app.command("remove", cls=Command)
def docs_remove(
    doc_id: str = typer.Argument(..., metavar="ID", autocompletion=complete_doc), json_out: bool = JSON
) -> None:
    """Remove a document you added (its id, or a unique prefix of it); a built-in one is hidden."""
    catalog = open_catalog()
    builtin = doc_id in catalog.builtin_ids()
    doc_id = catalog.remove(doc_id)
    engine_in_step(catalog)
    if json_out:
        render.emit_json({"hidden": [doc_id]} if builtin else {"removed": doc_id})
    elif builtin:
        render.print_hidden([doc_id], hidden=True)
    else:
        render.print_removed(doc_id)


NAMES = typer.Argument(..., metavar="ID...", help="Built-in document ids, short forms or globs (news-*).")


@docs_app.command("hide", cls=Command)
def docs_hide(names: list[str] = NAMES, json_out: bool = JSON) -> None:
    """Hide built-in documents (the shipped Q&A, its news teasers) from your library."""
    changed = open_catalog().hide(names)
    if json_out:
        render.emit_json({"hidden": changed})
    else:
        render.print_hidden(changed, hidden=True)


@docs_app.command("unhide", cls=Command)
def docs_unhide(names: list[str] = NAMES, json_out: bool = JSON) -> None:
    """Show hidden built-in documents again."""
    changed = open_catalog().unhide(names)
    if json_out:
        render.emit_json({"shown": changed})
    else:
        render.print_hidden(changed, hidden=False)


@docs_app.command("show", cls=Command)
def docs_show(
    doc_id: str = typer.Argument(..., metavar="ID", autocompletion=complete_doc), json_out: bool = JSON
) -> None:
    """The outline of one document."""
    _, index = open_index()
    render.outline(*scope.outline(index, scope.check_docs(index, [doc_id])), json_out=json_out)
