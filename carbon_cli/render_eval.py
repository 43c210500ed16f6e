"""The views of ``carbon eval``: the report as JSON, or as a table of metrics per
category followed by the queries whose first hit is not relevant."""

from __future__ import annotations

import sys
from typing import Any

from .evaluate import METRICS, Outcome, Report
from .render import console


def report_json(report: Report) -> dict[str, Any]:
    return {
        "queries": report.queries,
        "overall": report.overall,
        "categories": report.categories,
        "misses": [miss_json(o) for o in report.misses],
        "corpus": report.corpus,
        "params": report.params,
    }


def miss_json(outcome: Outcome) -> dict[str, Any]:
    judged = outcome.judged
    return {
        "qid": judged.qid,
        "category": judged.category,
        "query": judged.query,
        "first_relevant_rank": outcome.first_relevant,
        "relevant": [
            {"id": pid, "grade": judged.relevant[pid], "rank": rank} for pid, rank in outcome.ranks.items()
        ],
        "top": outcome.ranking[:3],
    }


def print_set_title(name: str) -> None:
    """The name of a judged set, above its report (``carbon eval --all``)."""
    from rich.text import Text

    console().print(Text(f"\n{name}", style="bold"))


def print_report(report: Report) -> None:
    """The metrics table and the misses on stdout; what was evaluated against on stderr."""
    from rich.table import Table
    from rich.text import Text

    out = console()
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
        out.print(_miss_line(outcome))
    params = ", ".join(f"{k}={v}" for k, v in report.params.items())
    sys.stderr.write(
        f"carbon: evaluated against {', '.join(report.corpus[:1])} and {len(report.corpus) - 1} more documents;"
        f" {params}\n"
    )


def _miss_line(outcome: Outcome) -> Any:
    from rich.text import Text

    first = outcome.first_relevant
    line = Text()
    line.append(f"  {outcome.judged.qid:<15} ")
    line.append(outcome.judged.query)
    line.append(f"  first relevant: {first if first is not None else 'not found'}")
    line.append(f"  top: {outcome.ranking[0] if outcome.ranking else '(no hits)'}")
    return line
