"""Precision and recall of the outline's views against the views written by reading.

Every ``tests/fixtures/expected/*.json`` names a real document (``file``, relative to
``tests/fixtures``) and what a reader finds in it: its title, its 文号, its top-level
headings, its actions, principles and guarantees, and how many articles (第X条) it
has. The parser's views are taken as the commands show them: the document's title
(``carbon docs``), ``meta["文号"]``, the headings at the top of ``carbon outline``
(label and title, as the line reads), the titles ``carbon actions/principles/
guarantees --list`` print (``render.heading``), and the article passages.

Each view is compared as a multiset: an item found and expected is a true positive.
A ``null`` title is not judged (a document without a title line gets one made up, by
design); a ``null`` 文号 is judged: a number found where there is none is wrong.

    .venv/bin/python bench/outline_views.py            # the table, all files and the held-out part
    .venv/bin/python bench/outline_views.py --diff     # and the differences of each file tuned on
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from carbon_cli.catalog import SEED_DOC, SEED_TEASERS
from carbon_cli.model import Document, Passage
from carbon_cli.outline import parse_documents
from carbon_cli.readers import read_file
from carbon_cli.render import heading

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED = FIXTURES / "expected"
VIEWS = ("title", "doc_number", "top_headings", "actions", "principles", "guarantees", "articles")
# Documents set aside before the parser was tuned on the others: their figures are
# reported apart, and no rule was written by looking at them.
HELD_OUT = frozenset({
    "gov_cn_page_sports_events_industry_2018.html",
    "gov_cn_page_vocational_education_reform_2019.html",
    "law_barrier_free_environment_2023.md",
    "mohurd_ndrc_urban_rural_carbon_peak_plan_2022.txt",
    "shanghai_carbon_peak_implementation_plan_2022.txt",
    "mee_carbon_emissions_trading_measures_trial_2020.txt",
    "miit_industrial_green_development_plan_14fyp_2021.txt",
    "mohurd_building_energy_efficiency_green_building_plan_14fyp_2022.txt",
    "ndrc_circular_economy_plan_14fyp_2021.txt",
    "ndrc_notice_energy_saving_carbon_reduction_upgrade_guides_2022.txt",
    "scio_white_paper_energy_development_new_era_2020.txt",
})
_ARTICLE_RX = re.compile(r"^第[一二三四五六七八九十百零〇0-9０-９]{1,5}条$")
_MD_RX = re.compile(r"^(?:#{1,6}[ \t]+|\*\*|__)+|(?:\*\*|__)$")
_SPACE_RX = re.compile(r"\s+")
_SEMANTIC = {"actions": "action", "principles": "principle", "guarantees": "guarantee"}
_HEADING_KINDS = frozenset({"heading", "question", "action", "principle", "guarantee"})


def shown(s: str) -> str:
    """A line as compared: Markdown marks dropped, line breaks joined, spaces collapsed."""
    lines = [_MD_RX.sub("", part.strip()).strip() for part in s.splitlines()]
    return _SPACE_RX.sub(" ", "".join(lines)).strip()


def is_article(p: Passage) -> bool:
    return bool(_ARTICLE_RX.match(p.label))


def _top_heading(p: Passage) -> list[str]:
    """How ``carbon outline`` shows a top-level heading: its line, or its label and title."""
    return list(dict.fromkeys([shown(p.text), shown(p.label + p.title)]))


def parser_views(doc: Document) -> dict[str, list[list[str]]]:
    """Each view as the commands show it; an item is the list of forms it may be read in."""
    views: dict[str, list[list[str]]] = {
        "title": [[shown(doc.title)]] if doc.title else [],
        "doc_number": [[shown(doc.meta["文号"])]] if doc.meta.get("文号") else [],
        "top_headings": [_top_heading(p) for p in doc.passages
                         if p.parent is None and p.kind in _HEADING_KINDS and p.label and not is_article(p)],
        "articles": [["article"] for p in doc.passages if is_article(p)],
    }
    for view, kind in _SEMANTIC.items():
        views[view] = [[shown(heading(p))] for p in doc.passages if p.kind == kind]
    return views


def expected_views(case: dict) -> dict[str, list[str]]:
    views = {
        "title": [shown(case["title"])] if case["title"] else [],
        "doc_number": [shown(case["doc_number"])] if case["doc_number"] else [],
        "articles": ["article"] * (case["articles"] or 0),
    }
    for view in ("top_headings", "actions", "principles", "guarantees"):
        views[view] = [shown(s) for s in case[view]]
    return views


@dataclass
class Score:
    found: int = 0  # items the parser shows
    wanted: int = 0  # items the reader wrote
    right: int = 0  # items in both

    def add(self, other: Score) -> None:
        self.found += other.found
        self.wanted += other.wanted
        self.right += other.right

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.wanted if self.wanted else 1.0


@dataclass
class FileResult:
    name: str
    scores: dict[str, Score] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # expected, not shown
    extra: dict[str, list[str]] = field(default_factory=dict)  # shown, not expected


def compare(got: list[list[str]], want: list[str]) -> tuple[Score, list[str], list[str]]:
    """Match each expected item with one shown item that reads the same."""
    left = Counter(want)
    extra: list[str] = []
    for forms in got:
        hit = next((f for f in forms if left[f] > 0), None)
        if hit is None:
            extra.append(forms[0])
        else:
            left[hit] -= 1
    missing = list(left.elements())
    return Score(len(got), len(want), len(want) - len(missing)), missing, extra


def _main_document(case: dict, path: Path) -> Document:
    if path.resolve().parent.name == "seeds":
        text = read_file(path).text
        return parse_documents(text, SEED_DOC, teaser_prefix=SEED_TEASERS)[0]
    return parse_documents(read_file(path).text, "doc")[0]


def evaluate(json_path: Path) -> FileResult:
    case = json.loads(json_path.read_text(encoding="utf-8"))
    path = FIXTURES / case["file"]
    got = parser_views(_main_document(case, path))
    want = expected_views(case)
    result = FileResult(path.name)
    for view in VIEWS:
        if view == "title" and not case["title"]:
            continue
        score, missing, extra = compare(got[view], want[view])
        result.scores[view] = score
        if missing or extra:
            result.missing[view], result.extra[view] = missing, extra
    return result


def evaluate_all() -> list[FileResult]:
    return [evaluate(p) for p in sorted(EXPECTED.glob("*.json"))]


def totals(results: list[FileResult]) -> dict[str, Score]:
    """Per view and ``overall``, summed over ``results``."""
    out = {view: Score() for view in (*VIEWS, "overall")}
    for r in results:
        for view, score in r.scores.items():
            out[view].add(score)
            out["overall"].add(score)
    return out


def table(results: list[FileResult], label: str) -> str:
    rows = [f"{label}: {len(results)} documents",
            f"{'view':<14}{'found':>7}{'wanted':>8}{'right':>7}{'precision':>11}{'recall':>8}"]
    for view, s in totals(results).items():
        rows.append(f"{view:<14}{s.found:>7}{s.wanted:>8}{s.right:>7}{s.precision:>11.3f}{s.recall:>8.3f}")
    return "\n".join(rows)


def report(results: list[FileResult], diff: bool = False) -> str:
    held = [r for r in results if r.name in HELD_OUT]
    parts = [table(results, "all real fixtures"), table([r for r in results if r.name not in HELD_OUT], "tuned on"),
             table(held, "held out")]
    if diff:  # the held-out documents' differences are not shown: no rule is written from them
        for r in results:
            if r.name in HELD_OUT:
                continue
            for view in r.missing:
                parts.append(f"{r.name} {view}\n  missing: {r.missing[view]}\n  extra:   {r.extra[view]}")
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--diff", action="store_true", help="also print each file's differences")
    args = parser.parse_args(argv)
    sys.stdout.write(report(evaluate_all(), args.diff) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
