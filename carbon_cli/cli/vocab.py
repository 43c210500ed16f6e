"""``carbon vocab`` (the user's own words, kept in CARBON_HOME) and ``carbon analyze``
(what carbon makes of a text: normalisation, segmentation, expansions)."""

from typing import Optional

import typer

from .. import render
from ..catalog import Catalog
from ..model import CarbonError
from ..user_vocab import UserVocabulary
from .app import Command, app
from .options import JSON, open_catalog

vocab_app = typer.Typer(
    no_args_is_help=True, help="Your own words, synonyms and English phrases (kept in CARBON_HOME)."
)
app.add_typer(vocab_app, name="vocab")


def _vocabulary() -> tuple[Catalog, UserVocabulary]:
    catalog = open_catalog()
    return catalog, UserVocabulary(catalog.home.root)


def _rebuild(catalog: Catalog) -> None:
    """Open the index under the new dictionary now, so the next search is not the one
    that waits for the rebuild."""
    Catalog(catalog.home, warn=catalog.warn).open()


@vocab_app.command("add", cls=Command)
def vocab_add(
    word: str = typer.Argument(..., help="The word, as documents write it: jieba keeps it whole from now on."),
    synonym: Optional[list[str]] = typer.Option(
        None, "--synonym", "-s", metavar="TERM", help="A term that means the same (repeatable)."
    ),
    english: Optional[list[str]] = typer.Option(
        None, "--english", "-e", metavar="PHRASE", help="An English phrase for it (repeatable)."
    ),
    freq: Optional[int] = typer.Option(
        None, "--freq", metavar="N", help="jieba frequency (default 20000, as the shipped domain words)."
    ),
    json_out: bool = JSON,
) -> None:
    """Add a word to your vocabulary; the index is rebuilt to segment it."""
    catalog, vocabulary = _vocabulary()
    if not catalog.writable:
        raise CarbonError(f"{catalog.home.root} cannot be written")
    with catalog.home.lock():
        entry = vocabulary.add(word, list(synonym or []), list(english or []), freq)
    _rebuild(catalog)
    if json_out:
        render.emit_json(entry.as_json())
    else:
        from ..render_vocab import print_entries

        print_entries([entry])


@vocab_app.command("remove", cls=Command)
def vocab_remove(word: str = typer.Argument(..., help="A word of your vocabulary."), json_out: bool = JSON) -> None:
    """Remove a word (with its synonyms and English phrases) from your vocabulary."""
    catalog, vocabulary = _vocabulary()
    with catalog.home.lock():
        removed = vocabulary.remove(word)
    if not removed:
        raise CarbonError(f"{word!r} is not in your vocabulary (see: carbon vocab list)")
    _rebuild(catalog)
    if json_out:
        render.emit_json({"removed": word})


@vocab_app.command("list", cls=Command)
def vocab_list(json_out: bool = JSON) -> None:
    """Your words, with their frequency, synonyms and English phrases."""
    _, vocabulary = _vocabulary()
    entries = vocabulary.entries()
    if json_out:
        render.emit_json([entry.as_json() for entry in entries])
    else:
        from ..render_vocab import print_entries

        print_entries(entries)
    if not entries:
        raise typer.Exit(1)


@app.command("analyze", cls=Command)
def analyze_command(
    text: list[str] = typer.Argument(..., help="The text, as a document or a query would hold it."),
    json_out: bool = JSON,
) -> None:
    """How a text is normalised and segmented, where each word comes from, and what a
    search for it looks up: the first thing to run when a word is not found."""
    from ..analyzer import Analyzer

    catalog = open_catalog()
    analysis = Analyzer(catalog.pipeline, catalog.open()).analyze(" ".join(text))
    if json_out:
        render.emit_json(analysis.as_json())
    else:
        from ..render_vocab import print_analysis

        print_analysis(analysis)
