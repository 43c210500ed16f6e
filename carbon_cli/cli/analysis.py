"""The analysis commands: ``keywords``, ``kwic``, ``stats`` and ``export``.

Each command takes an optional ID (a passage, with the passages nested under it, or
a document) and the ``--doc``/``--kind`` filters, calls ``analysis.py`` and renders
the result with ``render_analysis.py``. Exit codes follow the rest of the CLI: 0 when
there is something to show, 1 when the scope or the result is empty, 2 on errors.
"""

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from .. import render
from ..catalog import Catalog
from ..index import Index
from ..model import MAX_CONTEXT_CELLS, MAX_RESULTS, CarbonError, Passage
from ..scope import check_docs, check_kinds, select_passages
from .app import Command, app
from .options import DOC, JSON, complete_id, complete_kind, open_index, record_docs, record_filtered

if TYPE_CHECKING:
    from ..records import RecordFilter

TARGET = typer.Argument(
    None, metavar="[ID]", help="A passage id (it and the passages under it: qa/question/3) or a document id (qa).",
    autocompletion=complete_id,
)
KIND = typer.Option(
    None, "--kind", "-k", metavar="KIND",
    help="Only passages of this kind, with what is nested under them (repeatable): action …",
    autocompletion=complete_kind,
)
EXPORT_KIND = typer.Option(
    None, "--kind", "-k", metavar="KIND", help="Only passages of this kind (repeatable): action, principle …",
    autocompletion=complete_kind,
)
TOP = typer.Option(
    20, "--top", "-n", min=1, max=MAX_RESULTS, metavar="N", help=f"How many terms (at most {MAX_RESULTS})."
)


class Method(str, Enum):
    tfidf = "tfidf"
    textrank = "textrank"


class By(str, Enum):
    issuer = "issuer"
    year = "year"
    doc = "doc"
    type = "type"


class Format(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


def _scope(
    target: Optional[str], doc: Optional[list[str]], kind: Optional[list[str]], nested: bool = True,
    filters: Optional["RecordFilter"] = None,
) -> tuple[Catalog, Index, list[Passage], dict[str, Any]]:
    """The catalog, the index, the passages in scope and a description of the scope."""
    catalog, index = open_index()
    docs = check_docs(index, doc) if filters is None else record_docs(catalog, index, doc, filters)
    kinds = check_kinds(index, kind)
    passages = select_passages(index, target, docs, kinds, nested=nested)
    return catalog, index, passages, {"id": target, "docs": docs, "kinds": kinds}


def _empty(message: str) -> typer.Exit:
    from ..render_analysis import empty

    empty(message)
    return typer.Exit(1)


def _no_passage(scope: dict[str, Any]) -> typer.Exit:
    from ..render_analysis import described

    return _empty(f"no passage in {described(scope)}")


@app.command(cls=Command)
def keywords(
    target: Optional[str] = TARGET,
    method: Method = typer.Option(
        Method.tfidf, "--method", "-m", metavar="METHOD", help="tfidf (idf from the index) or textrank."
    ),
    top: int = TOP,
    kind: Optional[list[str]] = KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = JSON,
) -> None:
    """The key terms of a document, section, kind or passage."""
    from ..analysis import keywords as extract
    from ..render_analysis import described, keywords_json, print_keywords

    catalog, index, passages, scope = _scope(target, doc, kind)
    found = extract(index, catalog.pipeline, passages, method.value, top) if passages else []
    if json_out:
        render.emit_json(keywords_json(scope, passages, method.value, found))
    elif passages:
        print_keywords(scope, passages, method.value, found)
    if not passages:
        raise _no_passage(scope)
    if not found:
        raise _empty(f"no key terms in {described(scope)}")


@app.command(cls=Command)
def kwic(
    term: str = typer.Argument(
        ..., metavar="TERM", help="The word or phrase (matched ignoring width, case and traditional forms)."
    ),
    target: Optional[str] = TARGET,
    width: int = typer.Option(
        30, "--width", "-w", min=1, max=MAX_CONTEXT_CELLS, metavar="CELLS",
        help=f"Context on each side, in terminal cells (a Chinese character is 2; at most {MAX_CONTEXT_CELLS}).",
    ),
    kind: Optional[list[str]] = KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = JSON,
) -> None:
    """A concordance: every occurrence of a term in its context, aligned."""
    from ..analysis import concordance
    from ..render_analysis import described, kwic_json, print_kwic

    catalog, _, passages, scope = _scope(target, doc, kind)
    lines = concordance(catalog.pipeline, passages, term, width)
    if json_out:
        render.emit_json(kwic_json(lines))
    else:
        print_kwic(lines, width)
    if not passages:
        raise _no_passage(scope)
    if not lines:
        raise _empty(f"{term!r} does not occur in {described(scope)}")


@app.command(cls=Command)
def stats(
    target: Optional[str] = TARGET,
    term: Optional[str] = typer.Option(
        None, "--term", "-t", metavar="TERM",
        help="Chart this term's frequency in each passage of --kind (default: action).",
    ),
    top: int = TOP,
    kind: Optional[list[str]] = KIND,
    doc: Optional[list[str]] = DOC,
    by: Optional[By] = typer.Option(
        None, "--by", help="Count the frequent terms (or --term) by issuer, year, doc or type."
    ),
    json_out: bool = JSON,
) -> None:
    """Sizes, vocabulary and frequent terms; or one term across passages, as a bar chart."""
    if by is not None:
        _grouped(by.value, term, target, doc, kind, top, json_out)
        return
    if term is not None:
        _term_chart(term, target, doc, kind or ["action"], json_out)
        return
    from ..analysis import statistics
    from ..render_analysis import print_stats, stats_json

    catalog, _, passages, scope = _scope(target, doc, kind)
    result = statistics(catalog.pipeline, passages, top)
    if json_out:
        render.emit_json(stats_json(scope, result))
    elif passages:
        print_stats(scope, result)
    if not passages:
        raise _no_passage(scope)


def _grouped(
    by: str, term: Optional[str], target: Optional[str], doc: Optional[list[str]], kind: Optional[list[str]], top: int,
    json_out: bool,
) -> None:
    from ..analysis import statistics_by
    from ..records import groups_of
    from ..render_analysis import described
    from ..render_records import grouped_json, print_grouped

    catalog, index, passages, scope = _scope(target, doc, kind)
    result = statistics_by(catalog.pipeline, passages, by, groups_of(index.records(), by), top, [term] if term else [])
    if json_out:
        render.emit_json({"scope": scope, **grouped_json(result)})
    elif passages:
        print_grouped(result, described(scope))
    if not passages:
        raise _no_passage(scope)


def _term_chart(term: str, target: Optional[str], doc: Optional[list[str]], kind: list[str], json_out: bool) -> None:
    from ..analysis import normalise_term, term_counts
    from ..render_analysis import print_term_chart, term_chart_json

    catalog, _, passages, scope = _scope(target, doc, kind)
    rows = term_counts(catalog.pipeline, passages, term, kind)
    if json_out:
        render.emit_json(term_chart_json(term, normalise_term(catalog.pipeline, term), scope, rows))
    elif rows:
        print_term_chart(term, scope, rows)
    if not rows:
        raise _no_passage(scope)


@app.command(cls=Command)
@record_filtered
def export(
    target: Optional[str] = TARGET,
    fmt: Optional[Format] = typer.Option(
        None, "--format", "-f", metavar="FORMAT", help="jsonl (the default), csv or markdown."
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="PATH", help="Write to this file (atomically) instead of stdout; - is stdout."
    ),
    bom: bool = typer.Option(
        True, "--bom/--no-bom", help="CSV: start with a UTF-8 byte-order mark, so spreadsheets read Chinese right."
    ),
    raw: bool = typer.Option(
        False, "--raw", help="CSV: keep cells starting with = + - @ as they are (by default an apostrophe goes first)."
    ),
    kind: Optional[list[str]] = EXPORT_KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = typer.Option(
        False, "--json", help="Without --output: JSON Lines (as --format jsonl). With it: a JSON summary on stdout."
    ),
    targets: bool = typer.Option(
        False, "--targets", help="The quantified targets the passages state (carbon targets), one row each."
    ),
    filters: Optional["RecordFilter"] = None,
) -> None:
    """The structured passages (ids, kinds, numbers, titles, sections, text) for other tools;
    with --targets, the targets they state."""
    from ..analysis import exported
    from ..fsio import write_output
    from ..render_analysis import export_json, print_exported, write_bytes

    to_file = output is not None and str(output) != "-"
    if json_out and not to_file and fmt is not None and fmt is not Format.jsonl:
        raise CarbonError(f"--json without --output writes JSON Lines, not {fmt.value}: drop --json or add --output")
    chosen = (fmt or Format.jsonl).value
    catalog, index, passages, scope = _scope(target, doc, kind, nested=False, filters=filters)
    rows: Sequence[Any] = passages
    if targets:
        from ..targets import document_starts, exported_targets, extract_all

        starts = document_starts(index.documents(), index.records())
        rows = extract_all(passages, catalog.pipeline.normaliser, starts=starts)
        data = exported_targets(rows, chosen, bom=bom, raw=raw)
    else:
        data = exported(passages, chosen, index.documents(), bom=bom, raw=raw)
    what = "target" if targets else "passage"
    if output is not None and to_file:
        write_output(output, data)
        if json_out:
            render.emit_json(export_json(str(output), chosen, rows, data, what))
        else:
            print_exported(str(output), chosen, rows, what)
    else:
        write_bytes(data)
    if not passages:
        raise _no_passage(scope)
    if not rows:
        from ..render_analysis import described

        raise _empty(f"no targets in {described(scope)}")
