"""The views of ``carbon search``: ranked hits as JSON, or on the terminal with their
matched words highlighted (see ``render.py`` for what every view shares)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from .render import ELLIPSIS, console, heading, highlighted, passage_json
from .scoring import Term
from .search import Hit, SearchResult


def hit_json(hit: Hit, explain: bool = False) -> dict[str, Any]:
    data = {"rank": hit.rank, **passage_json(hit.passage), "score": round(hit.score, 6)}
    data.update(excerpt=hit.excerpt, excerpt_start=hit.excerpt_start, highlights=[list(s) for s in hit.highlights])
    if explain:
        data["explain"] = [
            {"term": c.term, "idf": round(c.idf, 6), "tf": c.tf, "weight": c.weight, "score": round(c.score, 6)}
            for c in hit.explain
        ]
    return data


def search_json(result: SearchResult, explain: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "query": result.query,
        "tokens": result.tokens,
        "total": result.total,
        "results": [hit_json(hit, explain) for hit in result.hits],
    }
    if result.facets is not None:
        data["facets"] = result.facets
    if explain:
        data["terms"] = [{"term": t.term, "weight": t.weight, "source": t.source} for t in result.terms]
    return data



def print_search(result: SearchResult) -> None:
    from rich.text import Text

    out = console()
    for hit in result.hits:
        p = hit.passage
        line = Text()
        line.append(f"{hit.rank:>2}. ", style="bold")
        line.append(heading(p), style="bold")
        line.append(f"  {p.id}", style="cyan")
        line.append(f"  {hit.score:.2f}", style="dim")
        out.print(line)
        place = " › ".join(p.section)
        if place:
            out.print(Text("    " + place, style="dim"))
        body = Text("    ")
        if hit.excerpt_start > 0:
            body.append(ELLIPSIS)
        body.append_text(highlighted(hit.excerpt, hit.highlights, hit.excerpt_start))
        if hit.excerpt_start + len(hit.excerpt) < len(p.text):
            body.append(ELLIPSIS)
        out.print(body)
        if hit.explain:
            for c in hit.explain:
                arithmetic = f"idf {c.idf:.3f} × tf {c.tf} × weight {c.weight:g} → {c.score:.3f}"
                out.print(Text(f"      {c.term}: {arithmetic}", style="dim"))
        out.print()


def print_explain_terms(result: SearchResult) -> None:
    """The query as searched: each literal word, then each expansion with its words."""
    from rich.text import Text

    out = console()
    out.print(Text("query terms:", style="bold"))
    groups: dict[int, list[Term]] = {}
    for term in result.terms:
        if term.group:
            groups.setdefault(term.group, []).append(term)
        else:
            out.print(Text(f"  {term.term}  weight {term.weight:g}  ({term.source})", style="dim"))
    for members in groups.values():
        words = " + ".join(t.term for t in members)
        first = members[0]
        out.print(Text(f"  {words}  weight {first.weight:g}  ({first.source}; all words needed)", style="dim"))
    out.print()



def print_no_hits(result: SearchResult, suggestions: Iterable[str]) -> None:
    """On stderr: that nothing matched, and what the user might try instead."""
    sys.stderr.write(f"carbon: no passage matches {result.query!r}\n")
    for note in suggestions:
        sys.stderr.write(f"  {note}\n")
