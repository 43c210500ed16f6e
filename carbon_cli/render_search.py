"""The views of ``carbon search``: ranked hits as JSON, or on the terminal with their
matched words highlighted (see ``render.py`` for what every view shares)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .grouping import Group
from .model import HTML_BREAK, passage_row
from .render import ELLIPSIS, clip_value, console, fit_cells, heading, highlighted
from .scoring import expansion_groups
from .search import Hit, SearchResult

if TYPE_CHECKING:
    from rich.text import Text


def hit_json(hit: Hit, explain: bool = False) -> dict[str, Any]:
    data = {"rank": hit.rank, **passage_row(hit.passage), "score": round(hit.score, 6)}
    data.update(excerpt=hit.excerpt, excerpt_start=hit.excerpt_start, highlights=[list(s) for s in hit.highlights])
    if hit.also:
        data["also"] = list(hit.also)
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
        "corrections": [{"typed": c.typed, "searched": c.searched} for c in result.corrections],
        "partial": [{"word": word, "matched": parts} for word, parts in result.partial],
        "documents": [{"ids": list(r.docs), "named": r.text, "how": r.how} for r in result.documents],
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
        for line in hit_header(hit, out.width):
            out.print(line)
        place = " › ".join(p.section)
        if place:
            out.print(Text("    " + place, style="dim"))
        body = Text("    ")
        if hit.excerpt_start > 0:
            body.append(ELLIPSIS)
        body.append_text(highlighted(one_line(hit.excerpt), hit.highlights, hit.excerpt_start))
        if hit.excerpt_start + len(hit.excerpt) < len(p.text):
            body.append(ELLIPSIS)
        out.print(body)
        if hit.also:
            out.print(Text("    also: " + ", ".join(hit.also), style="dim"))
        if hit.explain:
            for c in hit.explain:
                arithmetic = f"idf {c.idf:.3f} × tf {c.tf} × weight {c.weight:g} → {c.score:.3f}"
                out.print(Text(f"      {c.term}: {arithmetic}", style="dim"))
        out.print()


MIN_TITLE = 8  # cells of a hit's title kept on a narrow terminal before its id moves down


def hit_header(hit: Hit, width: int) -> list[Text]:
    """``rank. title  id  score`` on one line when it fits the terminal; else the title
    is cut, and on a terminal too narrow for even that, the id and score go on a line
    of their own: an id is never broken, so it can be read and copied."""
    from rich.cells import cell_len
    from rich.text import Text

    rank, title = f"{hit.rank:>2}. ", heading(hit.passage)
    tail = f"  {hit.passage.id}  {hit.score:.2f}"
    room = width - cell_len(rank) - cell_len(tail)
    first = Text(rank, style="bold")
    if cell_len(title) <= room or room >= MIN_TITLE:
        first.append(fit_cells(title, room), style="bold")
        first.append(f"  {hit.passage.id}", style="cyan")
        first.append(f"  {hit.score:.2f}", style="dim")
        return [first]
    first.append(fit_cells(title, width - cell_len(rank)), style="bold")
    second = Text("    ")
    second.append(hit.passage.id, style="cyan")
    second.append(f"  {hit.score:.2f}", style="dim")
    return [first, second]


_LINE_BREAKS = re.compile(r"[\r\n\v\f\u2028\u2029\x85]|" + HTML_BREAK, re.IGNORECASE)


def one_line(text: str) -> str:
    """An excerpt as the terminal shows it: a line break of the source, or an HTML one
    kept in a Markdown capture (``<br>``), is spaces of its length (so highlight offsets
    hold); the JSON keeps ``excerpt`` a slice of ``text``."""
    return _LINE_BREAKS.sub(lambda brk: " " * len(brk.group()), text)


def print_explain_terms(result: SearchResult) -> None:
    """The query as searched: the documents it named and the typos corrected, each
    literal word, then each expansion with its words."""
    from rich.text import Text

    out = console()
    for reference in result.documents:
        docs = ", ".join(reference.docs)
        out.print(Text(f"documents named by {reference.text} ({reference.how}): {docs}", style="bold"))
    for fix in result.corrections:
        out.print(Text(f"searched {fix.searched} for {fix.typed}", style="bold"))
    out.print(Text("query terms:", style="bold"))
    for term in result.terms:
        if not term.group:
            out.print(Text(f"  {term.term}  weight {term.weight:g}  ({term.source})", style="dim"))
    for members in expansion_groups(result.terms).values():
        words = " + ".join(t.term for t in members)
        first = members[0]
        out.print(Text(f"  {words}  weight {first.weight:g}  ({first.source}; all words needed)", style="dim"))
    out.print()



def print_no_hits(result: SearchResult, suggestions: Iterable[str]) -> None:
    """On stderr: that nothing matched, and what the user might try instead."""
    sys.stderr.write(f"carbon: no passage matches {clip_value(repr(result.query), 120)}\n")
    for note in suggestions:
        sys.stderr.write(f"  {note}\n")


def files_json(result: SearchResult, counts: Sequence[tuple[str, int]], titles: dict[str, str]) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": sum(n for _, n in counts),
        "documents": [{"id": doc, "title": titles.get(doc, ""), "hits": n} for doc, n in counts],
    }


def groups_json(result: SearchResult, groups: Sequence[Group], titles: dict[str, str], explain: bool) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": sum(g.total for g in groups),
        "groups": [
            {
                "doc": g.doc,
                "title": titles.get(g.doc, ""),
                "total": g.total,
                "results": [hit_json(h, explain) for h in g.hits],
            }
            for g in groups
        ],
    }


def print_files(counts: Sequence[tuple[str, int]], titles: dict[str, str]) -> None:
    """One line a document: its hit count, id and title (as ``rg -c``)."""
    from rich.text import Text

    out = console()
    for doc, n in counts:
        line = Text(f"{n:>5}  ")
        line.append(doc, style="cyan")
        line.append(f"  {titles.get(doc, '')}")
        out.print(line)


def print_groups(result: SearchResult, groups: Sequence[Group], titles: dict[str, str]) -> None:
    """Each document's title, then its best hits as ``print_search`` shows them."""
    from rich.text import Text

    out = console()
    for group in groups:
        head = Text(f"{titles.get(group.doc, group.doc)}", style="bold")
        head.append(f"  {group.doc}  {group.total} hits", style="dim")
        out.print(head)
        print_search(replace(result, hits=group.hits))


def print_notices(result: SearchResult) -> None:
    """On stderr: typos searched as the index's words, documents the query named, and
    on a terminal the range of hits shown out of how many."""
    for fix in result.corrections:
        sys.stderr.write(f"carbon: searched {fix.searched!r} for {fix.typed!r} (did you mean {fix.searched}?)\n")
    for word, parts in result.partial:
        sys.stderr.write(f"carbon: no passage says {word!r}; only {', '.join(parts)} matched\n")
    for reference in result.documents:
        docs = ", ".join(reference.docs)
        sys.stderr.write(f"carbon: {reference.text!r} names {docs} ({reference.how}); searched there\n")
    if result.hits and sys.stdout.isatty():
        first, last = result.hits[0].rank, result.hits[-1].rank
        sys.stderr.write(f"carbon: hits {first}–{last} of {result.total}\n")
