"""``carbon targets``: the quantified targets of the documents in scope (``targets.py``).

Exit codes follow the rest of the CLI: 0 when targets are shown, 1 when there are none,
2 on errors.
"""

from typing import TYPE_CHECKING, Optional

import typer

from .. import render
from .analysis import TARGET, _empty, _scope
from .app import Command, app
from .options import DOC, JSON, record_filtered

if TYPE_CHECKING:
    from ..records import RecordFilter


@app.command(cls=Command)
@record_filtered
def targets(
    target: Optional[str] = TARGET,
    doc: Optional[list[str]] = DOC,
    indicator: Optional[str] = typer.Option(
        None, "--indicator", "-i", metavar="TEXT",
        help="Only indicators holding this or a synonym (单位GDP能耗: 单位国内生产总值能耗).",
    ),
    year: Optional[int] = typer.Option(
        None, "--year", "-y", metavar="YEAR", help="Only targets for this year (2025, 2030 …)."
    ),
    all_statements: bool = typer.Option(
        False, "--all", "-a", help="Also changes stated without a number (大幅下降, 基本建立), marked qualitative."
    ),
    json_out: bool = JSON,
    filters: Optional["RecordFilter"] = None,
) -> None:
    """The quantified targets a plan commits to: year, indicator, direction, value, unit, modifiers."""
    from .. import render_targets
    from ..render_analysis import described
    from ..targets import document_starts, select_targets

    catalog, index, passages, scope = _scope(target, doc, None, filters=filters)
    documents = index.documents()
    starts = document_starts(documents, index.records())
    found = select_targets(
        passages, catalog.pipeline, indicator=indicator, year=year, qualitative=all_statements, starts=starts
    )
    titles = {d["id"]: d["title"] for d in documents}
    if json_out:
        render.emit_json(render_targets.targets_json(found, titles))
    else:
        render_targets.print_targets(render_targets.grouped(found), titles, {p.id: p.text for p in passages})
    if not found:
        wanted = " ".join(filter(None, [f"for {indicator!r}" if indicator else "", f"in {year}" if year else ""]))
        raise _empty(f"no targets {wanted + ' ' if wanted else ''}in {described(scope)}")
