"""The analysis commands: ``keywords``, ``kwic``, ``stats`` and ``export``.

Registered on the main app when imported, by ``cli.load_commands``. Each command takes an
optional ID (a passage, with the passages nested under it, or a document) and the
``--doc``/``--kind`` filters, calls ``analysis.py`` and renders the result for the
terminal or, with ``--json``, as JSON. Exit codes follow the rest of the CLI: 0 when
there is something to show, 1 when the scope or the result is empty, 2 on errors.
This module is imported on every run of ``carbon`` but those of the commands in
``cli.py``: it imports nothing heavy itself.
"""

import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from . import render
from .cli import DOC, JSON, _check_docs, _check_kinds, _open, app
from .model import CarbonError, Passage

TARGET = typer.Argument(
    None, metavar="[ID]", help="A passage id (it and the passages under it: qa/question/3) or a document id (qa)."
)
KIND = typer.Option(
    None, "--kind", "-k", help="Only passages of this kind, with what is nested under them (repeatable): action …"
)
EXPORT_KIND = typer.Option(None, "--kind", "-k", help="Only passages of this kind (repeatable): action, principle …")
TOP = typer.Option(20, "--top", "-n", min=1, help="How many terms.")
BAR_WIDTH = 40


class Method(str, Enum):
    tfidf = "tfidf"
    textrank = "textrank"


class Format(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


def _scope(
    target: Optional[str], doc: Optional[list[str]], kind: Optional[list[str]], nested: bool = True
) -> tuple[Any, Any, list[Passage], dict]:
    """The catalog, the index, the passages in scope and a description of the scope."""
    from .analysis import select_passages

    catalog, index = _open()
    docs, kinds = _check_docs(index, doc), _check_kinds(index, kind)
    passages = select_passages(index, target, docs, kinds, nested=nested)
    return catalog, index, passages, {"id": target, "docs": docs, "kinds": kinds}


def _described(scope: dict) -> str:
    from .analysis import describe_scope

    return describe_scope(scope["id"], scope["docs"], scope["kinds"])


def _empty(message: str) -> typer.Exit:
    sys.stderr.write(f"carbon: {message}\n")
    return typer.Exit(1)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# -- keywords -----------------------------------------------------------------------


@app.command()
def keywords(
    target: Optional[str] = TARGET,
    method: Method = typer.Option(Method.tfidf, "--method", "-m", help="tfidf (idf from the index) or textrank."),
    top: int = TOP,
    kind: Optional[list[str]] = KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = JSON,
) -> None:
    """The key terms of a document, section, kind or passage."""
    from .analysis import keywords as extract

    catalog, index, passages, scope = _scope(target, doc, kind)
    found = extract(index, catalog.pipeline, passages, method.value, top) if passages else []
    chars = sum(len(p.text) for p in passages)
    if json_out:
        render.emit_json({
            "scope": {**scope, "passages": len(passages), "characters": chars},
            "method": method.value,
            "keywords": [
                {"rank": rank, "term": k.term, "normalised": k.normalised, "weight": round(k.weight, 6), "count": k.count}
                for rank, k in enumerate(found, start=1)
            ],
        })
    elif passages:
        from rich.table import Table
        from rich.text import Text

        out = render.console()
        out.print(Text(
            f"{_described(scope)} · {_plural(len(passages), 'passage')} · {chars:,} characters · {method.value}",
            style="bold",
        ))
        table = Table(box=None, pad_edge=False, show_edge=False)
        table.add_column("#", justify="right")
        table.add_column("term")
        table.add_column("weight", justify="right")
        table.add_column("count", justify="right")
        for rank, k in enumerate(found, start=1):
            table.add_row(str(rank), k.term, f"{k.weight:.4f}", str(k.count))
        out.print(table)
    if not passages:
        raise _empty(f"no passage in {_described(scope)}")
    if not found:
        raise _empty(f"no key terms in {_described(scope)}")


# -- kwic ---------------------------------------------------------------------------


@app.command()
def kwic(
    term: str = typer.Argument(..., metavar="TERM", help="The word or phrase (matched ignoring width, case and traditional forms)."),
    target: Optional[str] = TARGET,
    width: int = typer.Option(30, "--width", "-w", min=1, help="Context on each side, in terminal cells (a Chinese character is 2)."),
    kind: Optional[list[str]] = KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = JSON,
) -> None:
    """A concordance: every occurrence of a term in its context, aligned."""
    from .analysis import concordance, flatten

    catalog, _, passages, scope = _scope(target, doc, kind)
    lines = concordance(catalog.pipeline, passages, term, width)
    if json_out:
        render.emit_json([
            {
                "doc": line.occurrence.passage.doc,
                "passage": line.occurrence.passage.id,
                "kind": line.occurrence.passage.kind,
                "number": line.occurrence.passage.number,
                "title": line.occurrence.passage.title,
                "match": line.occurrence.text,
                "start": line.occurrence.start,
                "end": line.occurrence.end,
                "source_start": line.occurrence.source_start,
                "source_end": line.occurrence.source_end,
                "left": line.left,
                "right": line.right,
            }
            for line in lines
        ])
    else:
        from rich.cells import cell_len
        from rich.text import Text

        out = render.console()
        id_width = max((cell_len(line.occurrence.passage.id) for line in lines), default=0)
        for line in lines:
            pid = line.occurrence.passage.id
            row = Text()
            row.append(pid + " " * (id_width - cell_len(pid)), style="cyan")
            row.append("  " + " " * (width - cell_len(line.left)) + line.left + " ")
            row.append(flatten(line.occurrence.text), style=render.HIGHLIGHT)
            row.append(" " + line.right)
            out.print(row)
    if not passages:
        raise _empty(f"no passage in {_described(scope)}")
    if not lines:
        raise _empty(f"{term!r} does not occur in {_described(scope)}")


# -- stats --------------------------------------------------------------------------


@app.command()
def stats(
    target: Optional[str] = TARGET,
    term: Optional[str] = typer.Option(
        None, "--term", "-t", help="Chart this term's frequency in each passage of --kind (default: action)."
    ),
    top: int = TOP,
    kind: Optional[list[str]] = KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = JSON,
) -> None:
    """Sizes, vocabulary and frequent terms; or one term across passages, as a bar chart."""
    if term is not None:
        _term_chart(term, target, doc, kind or ["action"], json_out)
        return
    from .analysis import statistics

    catalog, _, passages, scope = _scope(target, doc, kind)
    result = statistics(catalog.pipeline, passages, top)
    if json_out:
        render.emit_json({
            "scope": scope,
            "documents": result.documents,
            "passages": result.passages,
            "characters": result.characters,
            "tokens": result.tokens,
            "vocabulary": result.vocabulary,
            "kinds": result.kinds,
            "top_terms": [{"term": t.term, "normalised": t.normalised, "count": t.count} for t in result.top_terms],
        })
    elif passages:
        from rich.table import Table
        from rich.text import Text

        out = render.console()
        out.print(Text(_described(scope), style="bold"))
        sizes = Table(box=None, pad_edge=False, show_header=False)
        sizes.add_column()
        sizes.add_column(justify="right")
        for name in ("documents", "passages", "characters", "tokens", "vocabulary"):
            sizes.add_row(name, f"{getattr(result, name):,}")
        out.print(sizes)
        out.print(Text("kinds: " + ", ".join(f"{k} {n}" for k, n in result.kinds.items()), style="dim"))
        out.print()
        out.print(Text("most frequent terms", style="bold"))
        terms = Table(box=None, pad_edge=False, show_header=False)
        terms.add_column(justify="right")
        terms.add_column()
        terms.add_column(justify="right")
        for rank, t in enumerate(result.top_terms, start=1):
            terms.add_row(str(rank), t.term, str(t.count))
        out.print(terms)
    if not passages:
        raise _empty(f"no passage in {_described(scope)}")


def _term_chart(term: str, target: Optional[str], doc: Optional[list[str]], kind: list[str], json_out: bool) -> None:
    from .analysis import normalise_term, term_counts

    catalog, _, passages, scope = _scope(target, doc, kind)
    rows = term_counts(catalog.pipeline, passages, term, kind)
    total = sum(n for _, n in rows)
    if json_out:
        render.emit_json({
            "term": term,
            "normalised": normalise_term(catalog.pipeline, term),
            "scope": scope,
            "total": total,
            "passages": [
                {"id": p.id, "doc": p.doc, "kind": p.kind, "number": p.number, "title": p.title, "count": n}
                for p, n in rows
            ],
        })
    elif rows:
        from rich.bar import Bar
        from rich.table import Table
        from rich.text import Text

        out = render.console()
        with_doc = len({p.doc for p, _ in rows}) > 1
        with_kind = len({p.kind for p, _ in rows}) > 1
        out.print(Text(
            f"{term} in {_described(scope)}: {_plural(total, 'occurrence')} in {_plural(len(rows), 'passage')}",
            style="bold",
        ))
        table = Table(box=None, pad_edge=False, show_header=False)
        if with_doc:
            table.add_column(style="cyan", no_wrap=True)
        if with_kind:
            table.add_column(style="dim", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(overflow="ellipsis", no_wrap=True)
        table.add_column(width=BAR_WIDTH, no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        most = max(n for _, n in rows) or 1
        for p, n in rows:
            cells: list[Any] = ([p.doc] if with_doc else []) + ([p.kind] if with_kind else [])
            cells += [
                "" if p.number is None else str(p.number),
                render.heading(p),
                Bar(size=most, begin=0, end=n, width=BAR_WIDTH),
                str(n),
            ]
            table.add_row(*cells)
        out.print(table)
    if not rows:
        raise _empty(f"no passage in {_described(scope)}")


# -- export -------------------------------------------------------------------------


@app.command()
def export(
    target: Optional[str] = TARGET,
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="jsonl (the default), csv or markdown."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write to this file (atomically) instead of stdout; - is stdout."
    ),
    bom: bool = typer.Option(
        True, "--bom/--no-bom", help="CSV: start with a UTF-8 byte-order mark, so spreadsheets read Chinese right."
    ),
    kind: Optional[list[str]] = EXPORT_KIND,
    doc: Optional[list[str]] = DOC,
    json_out: bool = typer.Option(
        False, "--json", help="Without --output: JSON Lines (as --format jsonl). With it: a JSON summary on stdout."
    ),
    targets: bool = typer.Option(False, "--targets", help="The quantified targets of the passages (carbon targets), one row each."),
) -> None:
    """The structured passages (ids, kinds, numbers, titles, sections, text) for other tools;
    with --targets, the targets they state."""
    from .analysis import encode, to_csv, to_jsonl, to_markdown, write_atomically

    to_file = output is not None and str(output) != "-"
    if json_out and not to_file and fmt not in (None, Format.jsonl):
        raise CarbonError(f"--json without --output writes JSON Lines, not {fmt.value}: drop --json or add --output")
    if targets and fmt is Format.markdown:
        raise CarbonError("--targets exports as jsonl or csv, not markdown")
    fmt = fmt or Format.jsonl
    catalog, index, passages, scope = _scope(target, doc, kind, nested=False)
    rows: list[Any] = passages
    if targets:
        from . import targets as target_rows

        rows = target_rows.extract_all(passages, catalog.pipeline.normaliser)
        data = encode(target_rows.to_csv(rows), bom=bom) if fmt is Format.csv else encode(target_rows.to_jsonl(rows))
    elif fmt is Format.csv:
        data = encode(to_csv(passages), bom=bom)
    elif fmt is Format.markdown:
        data = encode(to_markdown(passages, index.documents()))
    else:
        data = encode(to_jsonl(passages))
    what = "target" if targets else "passage"
    if to_file:
        assert output is not None
        write_atomically(output, data)
        if json_out:
            render.emit_json({"output": str(output), "format": fmt.value, f"{what}s": len(rows), "bytes": len(data)})
        else:
            sys.stderr.write(f"carbon: wrote {_plural(len(rows), what)} to {output} ({fmt.value})\n")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if not passages:
        raise _empty(f"no passage in {_described(scope)}")
    if not rows:
        raise _empty(f"no targets in {_described(scope)}")
