"""``carbon search``: ranked passages for a query."""

from typing import Optional

import typer

from .. import render
from ..scope import check_docs, check_kinds
from .app import app
from .options import DOC, JSON, complete_kind, open_index


@app.command()
def search(
    query: list[str] = typer.Argument(..., help="Words to look for; quotes, +required, -excluded, kind:, doc:."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="How many results."),
    kind: Optional[list[str]] = typer.Option(
        None, "--kind", "-k", help="Only passages of this kind (repeatable).", autocompletion=complete_kind
    ),
    doc: Optional[list[str]] = DOC,
    explain: bool = typer.Option(False, "--explain", help="Show the query terms and each hit's scoring."),
    json_out: bool = JSON,
) -> None:
    """Ranked passages for a query, matched words highlighted."""
    from ..search import Searcher

    from ..query import parse_query

    catalog, index = open_index()
    typed = parse_query(" ".join(query))  # doc: and kind: in the query are checked as the options are
    check_kinds(index, typed.kinds)
    check_docs(index, typed.docs)
    searcher = Searcher(index, catalog.pipeline)
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


def query_words_apart(command, args: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """``carbon search 储能 -零碳 +甲烷``: a word starting with - or + is a query word
    (an exclusion, a requirement), not an option, unless it is one of the command's
    options or starts with ``--`` (an unknown ``--bogus`` stays a usage error). The
    words are put after ``--`` in the order typed, the options before."""
    if len(args) < 2 or args[0] != "search" or "search" not in getattr(command, "commands", {}):
        return args
    takes_value, flags = set(), set()
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
