"""``carbon search``: ranked passages for a query."""

from typing import Optional

import typer

from .. import render
from ..scope import check_docs, check_kinds
from .app import app
from .options import DOC, JSON, open_engine, open_index


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
    from ..search import Searcher

    catalog, index = open_index()
    searcher = Searcher(index, catalog.pipeline, engine=open_engine(catalog, index))
    result = searcher.search(
        " ".join(query), limit=limit, kinds=check_kinds(index, kind), docs=check_docs(index, doc), explain=explain
    )
    if json_out:
        from ..render_search import search_json

        render.emit_json(search_json(result, explain))
    else:
        from ..render_search import print_explain_terms, print_no_hits, print_search

        if explain:
            print_explain_terms(result)
        print_search(result)
        if not result.hits:
            print_no_hits(result, searcher.suggestions(result))
    raise typer.Exit(0 if result.hits else 1)
