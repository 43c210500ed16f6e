"""The ``carbon`` command line: each command parses options, calls the library, renders.

Exit codes follow ripgrep: 0 results, 1 no results, 2 usage errors and failures.

The command modules (this one, ``cli_analysis.py``, ``cli_eval.py``) do not use
``from __future__ import annotations``: Typer reads every command's signature on every
call, and string annotations would make it evaluate each one again (2 ms a call).
"""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from . import render
from .catalog import Catalog
from .index import Index
from .model import CarbonError, Passage
from .store import Home

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Search and analyse Chinese policy documents.",
)
docs_app = typer.Typer(no_args_is_help=True, help="Add, list, show and remove your own documents.")
app.add_typer(docs_app, name="docs")

JSON = typer.Option(False, "--json", help="Write JSON to stdout.")
DOC = typer.Option(None, "--doc", "-d", help="Only this document (repeatable).")


def warn(message: str) -> None:
    sys.stderr.write(f"carbon: warning: {message}\n")


def _catalog() -> Catalog:
    return Catalog(Home(), warn=warn)


def _open() -> tuple[Catalog, Index]:
    catalog = _catalog()
    return catalog, catalog.open()


def _check_docs(index: Index, docs: list[str] | None) -> list[str]:
    known = index.document_ids() if docs else set()
    for doc in docs or []:
        if doc not in known:
            raise CarbonError(f"no document {doc!r} (see: carbon docs list)")
    return list(docs or [])


def _check_kinds(index: Index, kinds: list[str] | None) -> list[str]:
    known = index.kinds() if kinds else set()
    for kind in kinds or []:
        if kind not in known:
            raise CarbonError(f"unknown kind {kind!r}; the index has: {', '.join(sorted(known))}")
    return list(kinds or [])


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"carbon {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Search and analyse Chinese policy documents."""


@app.command()
def search(
    query: list[str] = typer.Argument(..., help="Words to look for; quotes, +required, -excluded, kind:, doc:."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="How many results."),
    kind: Optional[list[str]] = typer.Option(None, "--kind", "-k", help="Only passages of this kind (repeatable)."),
    doc: Optional[list[str]] = DOC,
    explain: bool = typer.Option(False, "--explain", help="Show the query terms and each hit's scoring."),
    json_out: bool = JSON,
) -> None:
    """Ranked passages for a query, matched words highlighted."""
    from .search import Searcher

    catalog, index = _open()
    searcher = Searcher(index, catalog.pipeline)
    result = searcher.search(
        " ".join(query), limit=limit, kinds=_check_kinds(index, kind), docs=_check_docs(index, doc), explain=explain
    )
    if json_out:
        render.emit_json(render.search_json(result, explain))
    else:
        if explain:
            render.print_explain_terms(result)
        render.print_search(result)
        if not result.hits:
            sys.stderr.write(f"carbon: no passage matches {result.query!r}\n")
            for note in searcher.suggestions(result):
                sys.stderr.write(f"  {note}\n")
    raise typer.Exit(0 if result.hits else 1)


def _semantic(kind: str, number: Optional[int], list_all: bool, doc: Optional[list[str]], json_out: bool) -> None:
    """The shared body of ``actions``, ``principles`` and ``guarantees``."""
    _, index = _open()
    docs = _check_docs(index, doc)
    items = [p for p in index.passages(kind=kind) if not docs or p.doc in docs]
    if number is not None and not list_all:
        chosen = [p for p in items if p.number == number]
        if not chosen:
            raise CarbonError(_no_such(kind, number, items))
        chosen = [q for p in chosen for q in [p, *_descendants(index, p)]]
        if json_out:
            render.emit_json([render.passage_json(p) for p in chosen])
        else:
            for p in chosen:
                render.print_passage(p)
        return
    if json_out:
        render.emit_json([render.passage_json(p) for p in items])
    else:
        render.print_list(items, {d["id"]: d["title"] for d in index.documents()})
    if not items:
        where = ", ".join(docs) if docs else "any document"
        sys.stderr.write(f"carbon: no {kind} in {where}\n")
        raise typer.Exit(1)


def _descendants(index: Index, passage: Passage) -> list[Passage]:
    """The body of an item written as a heading line with paragraphs under it."""
    below: list[Passage] = []
    parents = {passage.id}
    for p in index.passages(doc=passage.doc):
        if p.parent in parents:
            below.append(p)
            parents.add(p.id)
    return below


def _no_such(kind: str, number: int, items: list[Passage]) -> str:
    counts: dict[str, int] = {}
    for p in items:
        counts[p.doc] = counts.get(p.doc, 0) + 1
    have = ", ".join(f"{doc} has {n}" for doc, n in counts.items()) or "no document has any"
    return f"no {kind} {number}: {have}"


NUMBER = typer.Argument(None, help="Show this one in full.", min=1)
LIST = typer.Option(False, "--list", "-l", help="List them, numbered, with titles.")


@app.command()
def actions(number: Optional[int] = NUMBER, list_all: bool = LIST, doc: Optional[list[str]] = DOC, json_out: bool = JSON) -> None:
    """The actions of each plan (enumerated items titled …行动)."""
    _semantic("action", number, list_all, doc, json_out)


@app.command()
def principles(number: Optional[int] = NUMBER, list_all: bool = LIST, doc: Optional[list[str]] = DOC, json_out: bool = JSON) -> None:
    """The principles a document sets out (编制原则, 基本原则, 工作原则 …)."""
    _semantic("principle", number, list_all, doc, json_out)


@app.command()
def guarantees(number: Optional[int] = NUMBER, list_all: bool = LIST, doc: Optional[list[str]] = DOC, json_out: bool = JSON) -> None:
    """The safeguards and implementation measures (保障措施, 组织实施 …)."""
    _semantic("guarantee", number, list_all, doc, json_out)


@app.command()
def show(passage_id: str = typer.Argument(..., metavar="ID", help="A passage id (qa/action/4) or a document id."), json_out: bool = JSON) -> None:
    """Print one passage, or every passage of a document, in full."""
    _, index = _open()
    passage = index.passage(passage_id)
    passages = [passage] if passage else index.passages(doc=passage_id)
    if not passages:
        raise CarbonError(f"no passage or document {passage_id!r} (see: carbon outline)")
    if json_out:
        render.emit_json(render.passage_json(passage) if passage else [render.passage_json(p) for p in passages])
        return
    for p in passages:
        render.print_passage(p)


@app.command()
def outline(doc: Optional[list[str]] = DOC, json_out: bool = JSON) -> None:
    """The tree of documents, sections and passages."""
    _, index = _open()
    _print_outline(index, _check_docs(index, doc), json_out)


def _print_outline(index: Index, docs: list[str], json_out: bool) -> None:
    documents = [d for d in index.documents() if not docs or d["id"] in docs]
    passages = [p for p in index.passages() if not docs or p.doc in docs]
    if json_out:
        render.emit_json(render.outline_json(documents, passages))
    else:
        render.print_outline(documents, passages)


# -- docs ---------------------------------------------------------------------------


@docs_app.command("add")
def docs_add(
    paths: list[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    json_out: bool = JSON,
) -> None:
    """Add documents: text, Markdown, HTML, DOCX or PDF."""
    from .readers import discover

    catalog = _catalog()
    files, found = discover(paths)
    problems = [(path, f"{_shown(path)}: {message}") for path, message in found]  # name the file, as readers do
    report = catalog.add_files(files, progress=lambda records: render.progress(records, "adding"))
    problems.extend(report.problems)
    errors = [{"path": _shown(path), "error": message} for path, message in problems]
    if json_out:
        render.emit_json({"added": [render.added_json(a) for a in report.added], "errors": errors,
                          "indexed": report.summary()})
    else:
        render.print_added(report.added)
    if report.documents and (report.workers > 1 or sys.stderr.isatty()):  # a large build, or someone watching
        rate = report.summary()["chars_per_second"]
        processes = "1 process" if report.workers == 1 else f"{report.workers} processes"
        sys.stderr.write(
            f"carbon: indexed {report.documents:,} documents, {report.chars:,} characters in {report.seconds:.1f} s"
            f" ({rate:,} characters/s, {processes})\n"
        )
    for error in errors:
        sys.stderr.write(f"carbon: error: {error['error']}\n")
    raise typer.Exit(2 if errors else 0)


def _shown(path: Path) -> str:
    from .readers import display_path

    return display_path(path)


@docs_app.command("list")
def docs_list(json_out: bool = JSON) -> None:
    """Every document in the index, with where it came from."""
    _, index = _open()
    documents = index.documents()
    if json_out:
        render.emit_json(documents)
    else:
        render.print_documents(documents)


@docs_app.command("remove")
def docs_remove(doc_id: str = typer.Argument(..., metavar="ID"), json_out: bool = JSON) -> None:
    """Remove a document you added."""
    _catalog().remove(doc_id)
    if json_out:
        render.emit_json({"removed": doc_id})
    else:
        sys.stdout.write(f"removed {doc_id}\n")


@docs_app.command("show")
def docs_show(doc_id: str = typer.Argument(..., metavar="ID"), json_out: bool = JSON) -> None:
    """The outline of one document."""
    _, index = _open()
    _print_outline(index, _check_docs(index, [doc_id]), json_out)


# -- commands defined elsewhere ------------------------------------------------------

# The commands defined in this module. A command line that runs one of them leaves the
# modules of the others unimported: importing them and building their commands would
# cost every search about 1 ms, 3 ms where Python cannot cache bytecode.
COMMANDS_HERE = frozenset({"search", "actions", "principles", "guarantees", "show", "outline", "docs"})


def load_commands(args: Sequence[str]) -> None:
    """Register the commands of ``cli_analysis`` (keywords, kwic, stats, export),
    ``cli_eval`` (eval) and ``cli_targets`` (targets), unless ``args`` runs a command of
    this module."""
    command = next((arg for arg in args if not arg.startswith("-")), None)
    if command not in COMMANDS_HERE:
        from . import cli_analysis, cli_eval, cli_targets  # noqa: F401  (they register on ``app``)
