"""Terminal views of the user vocabulary and of ``carbon analyze``."""

from __future__ import annotations

from collections.abc import Sequence

from .analyzer import Analysis
from .render import console
from .user_vocab import Entry


def print_entries(entries: Sequence[Entry]) -> None:
    """One line a word: the word, its frequency, its synonyms and English phrases."""
    from rich.text import Text

    out = console()
    for entry in entries:
        line = Text(entry.word)
        line.append(f"  {entry.frequency}" if entry.frequency is not None else "  -")
        if entry.synonyms:
            line.append("  synonyms: " + ", ".join(entry.synonyms))
        if entry.english:
            line.append("  english: " + ", ".join(entry.english))
        out.print(line)


def print_analysis(analysis: Analysis) -> None:
    """The normalised text, the cut with each word's dictionary, the index terms and
    the query's terms with their weights and passage counts."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(Text(f"normalised  {analysis.normalised}"))
    words = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("word", "as typed", "offsets", "dictionary", "indexed"):
        words.add_column(column)
    for token in analysis.tokens:
        words.add_row(Text(token.word), Text(token.text), f"{token.start}-{token.end}", token.source,
                      "no" if token.stop else "yes")
    out.print(words)
    out.print(Text("index terms " + " ".join(analysis.index_terms)))
    if not analysis.query_terms:
        return
    query = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("query term", "weight", "why", "passages"):
        query.add_column(column, justify="right" if column in ("weight", "passages") else "left")
    for term in analysis.query_terms:
        query.add_row(Text(term.term), f"{term.weight:.2f}", Text(term.source), str(term.passages))
    out.print(query)
    for note in analysis.notes:
        out.print(Text(f"note: {note}"))
