"""The plan views: ``actions``, ``principles``, ``guarantees``, ``show`` and ``outline``."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

import typer

from .. import render, scope
from ..model import Passage
from .app import Command, app
from .options import DOC, JSON, complete_id, open_index, record_docs, record_filtered

if TYPE_CHECKING:
    from ..records import RecordFilter

NUMBER = typer.Argument(None, metavar="[N]", help="Show this one in full.", min=1)
LIST = typer.Option(False, "--list", "-l", help="List them, numbered, with titles.")


def _items(
    kind: str, number: Optional[int], list_all: bool, doc: Optional[list[str]], json_out: bool,
    filters: Optional["RecordFilter"],
) -> None:
    """The shared body of ``actions``, ``principles`` and ``guarantees``."""
    catalog, index = open_index()
    docs = record_docs(catalog, index, doc, filters)
    if number is not None and not list_all:
        _passages(scope.item_in_full(index, kind, number, docs), json_out)
        return
    items = scope.items(index, kind, docs)
    if json_out:
        render.emit_json([render.passage_json(p) for p in items])
    else:
        render.print_list(items, {d["id"]: d["title"] for d in index.documents()})
    if not items:
        render.print_no_items(kind, docs)
        raise typer.Exit(1)


def _passages(passages: Sequence[Passage], json_out: bool) -> None:
    if json_out:
        render.emit_json([render.passage_json(p) for p in passages])
    else:
        for p in passages:
            render.print_passage(p)


def _items_command(kind: str, name: str, summary: str) -> None:
    """Register ``actions``, ``principles`` or ``guarantees``: one command shape, three kinds."""

    def command(
        number: Optional[int] = NUMBER, list_all: bool = LIST, doc: Optional[list[str]] = DOC, json_out: bool = JSON,
        filters: Optional["RecordFilter"] = None,
    ) -> None:
        _items(kind, number, list_all, doc, json_out, filters)

    command.__doc__ = summary
    app.command(name, cls=Command)(record_filtered(command))


_items_command("action", "actions", "The actions of each plan (enumerated items titled …行动).")
_items_command("principle", "principles", "The principles a document sets out (编制原则, 基本原则, 工作原则 …).")
_items_command("guarantee", "guarantees", "The safeguards and implementation measures (保障措施, 组织实施 …).")


@app.command(cls=Command)
def show(
    passage_id: str = typer.Argument(
        ..., metavar="ID", help="A passage id (qa/action/4) or a document id.", autocompletion=complete_id
    ),
    json_out: bool = JSON,
) -> None:
    """Print one passage, or every passage of a document, in full."""
    _, index = open_index()
    passage, passages = scope.find(index, passage_id)
    if json_out and passage:
        render.emit_json(render.passage_json(passage))
        return
    _passages(passages, json_out)


@app.command(cls=Command)
def outline(doc: Optional[list[str]] = DOC, json_out: bool = JSON) -> None:
    """The tree of documents, sections and passages."""
    _, index = open_index()
    render.outline(*scope.outline(index, scope.check_docs(index, doc)), json_out=json_out)
