"""``carbon search``: ranked passages for a query."""

from typing import TYPE_CHECKING, Optional

import typer

from .. import render
from ..model import MAX_RESULTS
from ..scope import check_docs, check_kinds
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
    limit: int = typer.Option(
        10, "--limit", "-n", min=1, max=MAX_RESULTS, metavar="N", help=f"How many results (at most {MAX_RESULTS})."
    ),
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
    offset: int = typer.Option(
        0, "--offset", min=0, metavar="N", help="Skip this many hits (the next page: --offset 10)."
    ),
    files: bool = typer.Option(False, "--files", help="List the documents with hits and how many each has."),
    group: Optional[str] = typer.Option(
        None, "--group", metavar="doc", help="doc: the best hits of each document under its title."
    ),
    json_out: bool = JSON,
    filters: Optional["RecordFilter"] = None,
) -> None:
    """Ranked passages for a query, matched words highlighted."""
    from .. import grouping
    from ..model import CarbonError
    from ..search import Searcher

    if group not in (None, "doc"):
        raise CarbonError(f"--group takes doc, not {group!r}")

    from ..query import parse_query

    catalog, index = open_index()
    typed = parse_query(" ".join(query))  # doc: and kind: in the query are checked as the options are
    check_kinds(index, typed.kinds)
    check_docs(index, typed.docs)
    searcher = Searcher(index, catalog.pipeline, engine=open_engine(catalog, index))
    ranked = ALL_HITS if files or group else offset + limit + COPIES_MARGIN
    docs = record_docs(catalog, index, doc, filters)
    result = searcher.search(
        " ".join(query), limit=ranked, kinds=check_kinds(index, kind), docs=docs, explain=explain,
        sort=sort.value, facets=facets or json_out,
    )
    result.hits = grouping.collapse(result.hits)
    titles = {d["id"]: d["title"] for d in index.documents()} if files or group else {}
    if files:
        _show_files(result, grouping.files(result.hits), titles, json_out)
    elif group:
        _show_groups(result, grouping.by_document(result.hits, limit), titles, json_out, explain)
    else:
        result.hits = grouping.page(result.hits, offset, limit)
        _show_hits(result, searcher, json_out, explain, facets)
    raise typer.Exit(0 if result.hits else 1)


ALL_HITS = 100_000  # --files and --group count every hit
COPIES_MARGIN = 20  # hits ranked beyond the page, so that copies folded away still leave a full page


def _show_hits(result, searcher, json_out: bool, explain: bool, facets: bool) -> None:  # type: ignore[no-untyped-def]
    if json_out:
        from ..render_search import search_json

        render.emit_json(search_json(result, explain))
        return
    from ..render_search import print_explain_terms, print_no_hits, print_notices, print_search

    if explain:
        print_explain_terms(result)
    print_search(result)
    print_notices(result)
    if facets and result.facets is not None:
        from ..render_records import print_facets

        print_facets(result.facets)
    if not result.hits:
        print_no_hits(result, searcher.suggestions(result))


def _show_files(result, counts, titles, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    from ..render_search import files_json, print_files

    if json_out:
        render.emit_json(files_json(result, counts, titles))
    else:
        print_files(counts, titles)


def _show_groups(result, groups, titles, json_out: bool, explain: bool) -> None:  # type: ignore[no-untyped-def]
    from ..render_search import groups_json, print_groups

    if json_out:
        render.emit_json(groups_json(result, groups, titles, explain))
    else:
        print_groups(result, groups, titles)


def query_words_apart(command, args: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """``carbon search 储能 -零碳 +甲烷``: a word starting with - or + is a query word
    (an exclusion, a requirement), not an option, unless it is one of the command's
    options or starts with ``--`` (an unknown ``--bogus`` stays a usage error). The
    words are put after ``--`` in the order typed, the options before."""
    if len(args) < 2 or args[0] != "search" or "search" not in getattr(command, "commands", {}):
        return args
    takes_value: set[str] = set()
    flags: set[str] = set()
    for param in command.commands["search"].params:
        for name in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
            (flags if getattr(param, "is_flag", False) else takes_value).add(name)
    options: list[str] = []
    words: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        name = arg.split("=", 1)[0]
        if arg == "--":
            words.extend(rest)
        elif arg in flags or arg in ("--help", "-h") or (arg.startswith("--") and name not in takes_value):
            options.append(arg)
        elif arg in takes_value:
            options.extend([arg, next(rest, "")])
        elif name in takes_value and "=" in arg or (arg[:2] in takes_value and len(arg) > 2 and arg[1] != "-"):
            options.append(arg)
        else:
            words.append(arg)
    return ["search", *options, "--", *words] if words else ["search", *options]
