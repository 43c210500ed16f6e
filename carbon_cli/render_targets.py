"""The views of ``carbon targets`` and ``carbon eval --targets``: terminal and JSON.

The terminal view groups targets by document and, inside a document, by year; each
target is one line (indicator, direction, value with unit and modifiers, base year,
passage id) and, below it, the sentence it is in with exactly its span highlighted.
rich is imported only here, when a terminal view is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import render
from .analysis import flatten
from .targets import Target, plain_number, words

if TYPE_CHECKING:
    from rich.text import Text

    from .target_eval import TargetReport

_SENTENCE_END = "。；;！？!?"


def targets_json(targets: Sequence[Target], titles: dict[str, str]) -> list[dict[str, Any]]:
    return [{**t.to_json(), "title": titles.get(t.doc, "")} for t in targets]


def value_text(target: Target) -> str:
    """20%左右, 60%~65%, 力争 50%: the value as a reader says it."""
    if target.value is None:
        return "(qualitative)"
    number = f"{plain_number(target.value)}"
    if target.upper is not None:
        number += f"~{plain_number(target.upper)}"
    before = [m for m in target.modifiers if m in words()["before"]]
    after = [m for m in target.modifiers if m not in before]
    return " ".join([*before, f"{number}{target.unit}{''.join(after)}"])


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence of ``text`` holding ``[start, end)``."""
    left = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return left, right


def one_line(text: str) -> str:
    """``text`` on one line: line breaks dropped (a PDF's fall inside words), other
    whitespace and control characters a space."""
    return flatten(text.replace("\r", "").replace("\n", ""))


def _context(target: Target, text: str) -> Text:
    """The target's sentence, its line breaks dropped (a PDF's fall inside words), the
    span highlighted."""
    from rich.text import Text

    left, right = sentence_around(text, target.start, target.end)
    before, span, after = (
        one_line(text[a:b])
        for a, b in ((left, target.start), (target.start, target.end), (target.end, right))
    )
    out = Text(before)
    out.append(span, style=render.HIGHLIGHT)
    out.append(after)
    return out


def _head(target: Target) -> Text:
    from rich.text import Text

    line = Text("  ")
    line.append(target.indicator, style="bold")
    line.append(f"  {target.direction}  " if target.direction else "  ")
    line.append(value_text(target))
    if target.base_year is not None:
        line.append(f"  (vs {target.base_year})", style="dim")
    line.append(f"  {target.passage}", style="cyan")
    return line


def print_targets(targets: Sequence[Target], titles: dict[str, str], texts: dict[str, str]) -> None:
    """Targets under their document, then their year; the span highlighted in its sentence."""
    from rich.text import Text

    out = render.console()
    shown: tuple[str, int | None] | None = None
    for target in targets:
        if shown is None or target.doc != shown[0]:
            if shown is not None:
                out.print()
            out.print(Text(f"{target.doc}  {titles.get(target.doc, '')}".rstrip(), style="bold"))
        if shown != (target.doc, target.year):
            out.print(Text(f" {target.year}", style="bold magenta"))
            shown = (target.doc, target.year)
        out.print(_head(target))
        context = Text("    ")
        context.append_text(_context(target, texts[target.passage]))
        out.print(context)


def grouped(targets: Sequence[Target]) -> list[Target]:
    """Targets in document order, then by year, then in reading order."""
    order = {doc: i for i, doc in enumerate(dict.fromkeys(t.doc for t in targets))}
    return sorted(targets, key=lambda t: (order[t.doc], t.year if t.year is not None else 10_000))


# -- carbon eval --targets ------------------------------------------------------------


def print_target_report(report: TargetReport) -> None:
    from rich.table import Table
    from rich.text import Text

    from .target_eval import FIELDS

    out = render.console()
    table = Table(show_edge=False, pad_edge=False)
    for column in ("part", "judged", "found", "matched", "precision", "recall", *FIELDS):
        table.add_column(column, justify="left" if column == "part" else "right")
    for name, part in report.parts.items():
        fields = part.fields
        table.add_row(
            Text(name), str(part.judged), str(part.predicted), str(len(part.matches)),
            f"{part.precision:.3f}", f"{part.recall:.3f}", *(f"{fields[f]:.3f}" for f in FIELDS),
        )
    out.print(table)
    for line in report_lines(report):
        out.print(Text(line))
    sys.stderr.write(f"carbon: targets of {len(report.documents)} judged documents\n")


def report_lines(report: TargetReport) -> list[str]:
    """One line per miss: judged targets not found, wrong targets, wrong fields,
    negative clauses a target was found in, judged rows whose span is not in its passage."""
    from .target_eval import target_fields

    overall = report.parts["overall"]
    lines = [f"missed  {r.passage}  {r.year}  {r.indicator}  {one_line(r.span)}" for r in overall.missed]
    lines += [f"wrong   {t.passage}  {t.year}  {t.indicator}  {one_line(t.span)}" for t in overall.wrong]
    for match in overall.matches:
        found = target_fields(match.predicted)
        wrong = [f"{name}: {found[name]!r}" for name in match.wrong_fields if name != "span"]
        if "span" in match.wrong_fields:
            wrong.append(f"span {one_line(match.predicted.span)!r} for {one_line(match.judged.span)!r}")
        if wrong:
            lines.append(f"fields  {match.judged.passage}  {match.judged.indicator}  {'; '.join(wrong)}")
    lines += [f"negative {r.passage}  {one_line(r.span)}" for r in overall.negatives_hit]
    lines += [
        f"unresolved line {r.line}: {r.passage} has no {one_line(r.span)!r} at {r.start}" for r in report.unresolved
    ]
    return lines
