"""``carbon search``: ranked passages for a query."""

from typing import TYPE_CHECKING, Optional

import typer

from .. import render
from ..scope import check_kinds
from .app import Command, app

if TYPE_CHECKING:
    from ..records import RecordFilter

from .options import DOC, JSON, Sort, complete_kind, open_engine, open_index, record_docs, record_filtered


@app.command(cls=Command)
@record_filtered
def search(
    query: list[str] = typer.Argument(
        ..., help="Words to look for; quotes, +required, -excluded, kind:, doc:, issuer:, type:, year:."
    ),
    limit: int = typer.Option(10, "--limit", "-n", min=1, metavar="N", help="How many results."),
    kind: Optional[list[str]] = typer.Option(
        None, "--kind", "-k", metavar="KIND", help="Only passages of this kind (repeatable).",
        autocompletion=complete_kind,
    ),
    doc: Optional[list[str]] = DOC,
    sort: Sort = typer.Option(
        Sort.relevance, "--sort", metavar="ORDER", help="relevance (best first) or date (newest first)."
    ),
    facets: bool = typer.Option(False, "--facets", help="Count all hits by document, issuer, year and kind."),
    explain: bool = typer.Option(False, "--explain", help="Show the query terms and each hit's scoring."),
    json_out: bool = JSON,
    filters: Optional["RecordFilter"] = None,
) -> None:
    """Ranked passages for a query, matched words highlighted."""
    from ..search import Searcher

    catalog, index = open_index()
    searcher = Searcher(index, catalog.pipeline, engine=open_engine(catalog, index))
    docs = record_docs(catalog, index, doc, filters)
    result = searcher.search(
        " ".join(query), limit=limit, kinds=check_kinds(index, kind), docs=docs, explain=explain,
        sort=sort.value, facets=facets or json_out,
    )
    if json_out:
        from ..render_search import search_json

        render.emit_json(search_json(result, explain))
    else:
        from ..render_search import print_explain_terms, print_no_hits, print_search

        if explain:
            print_explain_terms(result)
        print_search(result)
        if facets and result.facets is not None:
            from ..render_records import print_facets

            print_facets(result.facets)
        if not result.hits:
            print_no_hits(result, searcher.suggestions(result))
    raise typer.Exit(0 if result.hits else 1)
