"""``carbon eval``: search quality on a judged query set (see ``evaluate.py``)."""

from pathlib import Path
from typing import Optional

import typer

from .. import render
from ..model import CarbonError
from .app import Command, app
from .options import JSON, warn


@app.command("eval", cls=Command)
def eval_command(
    queries: Optional[Path] = typer.Argument(
        None, metavar="[QUERIES]",
        help="A judged query set (qid, category, query, passage_id:grade items); the shipped one by default.",
    ),
    targets: bool = typer.Option(
        False, "--targets", help="Measure target extraction instead (data/targets_judged.tsv, or QUERIES as one)."
    ),
    every: bool = typer.Option(
        False, "--all", help="Every shipped judged query set (the seed's and the library's, tuned and held out)."
    ),
    json_out: bool = JSON,
) -> None:
    """Measure ranking quality: MRR@10, nDCG@10, recall@5 and top-1, overall and per category.
    With --targets: target extraction's precision, recall and per-field accuracy, overall and
    for the tuned and held-out parts."""
    if targets:
        _eval_targets(queries, json_out)
        return
    from ..evaluate import evaluate, shipped_sets
    from ..render_eval import print_report, print_set_title, report_json

    if every and queries is not None:
        raise CarbonError("--all measures every shipped set: give no QUERIES with it")
    paths = shipped_sets() if every else [queries]
    reports = [(path, evaluate(path, warn=warn)) for path in paths]
    if json_out and every:
        render.emit_json({"sets": {path.name: report_json(report) for path, report in reports if path}})
    elif json_out:
        render.emit_json(report_json(reports[0][1]))
    else:
        for path, report in reports:
            if every and path is not None:
                print_set_title(path.name)
            print_report(report)


def _eval_targets(judged: Optional[Path], json_out: bool) -> None:
    from ..render_targets import print_target_report
    from ..target_eval import evaluate_targets

    report = evaluate_targets(judged, warn=warn)
    if json_out:
        render.emit_json(report.to_json())
    else:
        print_target_report(report)
