"""``carbon eval``: search quality on a judged query set (see ``evaluate.py``)."""

from pathlib import Path
from typing import Optional

import typer

from .. import render
from .app import Command, app
from .options import JSON, warn


@app.command("eval", cls=Command)
def eval_command(
    queries: Optional[Path] = typer.Argument(
        None, metavar="[QUERIES]",
        help="A judged query set (qid, category, query, passage_id:grade items); the shipped one by default.",
    ),
    json_out: bool = JSON,
) -> None:
    """Measure ranking quality: MRR@10, nDCG@10, recall@5 and top-1, overall and per category."""
    from ..evaluate import evaluate
    from ..render_eval import print_report, report_json

    report = evaluate(queries, warn=warn)
    if json_out:
        render.emit_json(report_json(report))
    else:
        print_report(report)
