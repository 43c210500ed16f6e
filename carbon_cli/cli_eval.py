"""``carbon eval``: search quality on a judged query set (see ``evaluate.py``)."""

import sys
from pathlib import Path
from typing import Optional

import typer

from . import render
from .cli import JSON, app, warn


@app.command("eval")
def eval_command(
    queries: Optional[Path] = typer.Argument(
        None, help="A judged query set (qid, category, query, passage_id:grade items); the shipped one by default."
    ),
    targets: bool = typer.Option(
        False, "--targets", help="Measure target extraction instead (data/targets_judged.tsv, or QUERIES as such a set)."
    ),
    json_out: bool = JSON,
) -> None:
    """Measure ranking quality: MRR@10, nDCG@10, recall@5 and top-1, overall and per category.
    With --targets: target extraction's precision, recall and per-field accuracy."""
    if targets:
        _eval_targets(queries, json_out)
        return
    from .evaluate import evaluate

    report = evaluate(queries, warn=warn)
    if json_out:
        render.emit_json(report.to_json())
        return
    _print_report(report)


def _eval_targets(judged: Optional[Path], json_out: bool) -> None:
    from .render_targets import print_target_report
    from .target_eval import evaluate_targets

    report = evaluate_targets(judged, warn=warn)
    if json_out:
        render.emit_json(report.to_json())
    else:
        print_target_report(report)


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table
    from rich.text import Text

    from .evaluate import METRICS

    out = render.console()
    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column("category")
    table.add_column("queries", justify="right")
    for metric in METRICS:
        table.add_column(metric, justify="right")
    rows = [*report.categories.items(), ("overall", report.overall)]
    for name, values in rows:
        table.add_row(Text(name), str(values["queries"]), *(f"{values[m]:.3f}" for m in METRICS))
    out.print(table)
    misses = report.misses
    out.print(Text(f"\n{len(misses)} of {report.queries} queries without a relevant passage at rank 1:"))
    for outcome in misses:
        judged = outcome.judged
        first = outcome.first_relevant
        line = Text()
        line.append(f"  {judged.qid:<15} ")
        line.append(judged.query)
        line.append(f"  first relevant: {first if first is not None else 'not found'}")
        line.append(f"  top: {outcome.ranking[0] if outcome.ranking else '(no hits)'}")
        out.print(line)
    params = ", ".join(f"{k}={v}" for k, v in report.params.items())
    sys.stderr.write(f"carbon: evaluated against {', '.join(report.corpus[:1])} and {len(report.corpus) - 1} more documents; {params}\n")
