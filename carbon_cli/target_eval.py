"""Target extraction, measured: ``data/targets_judged.tsv`` against ``targets.py``.

The judged set (its header documents every column) lists, for each judged document,
every quantified target a reader finds, and negative clauses that must yield none. The
evaluation builds a scratch index of those documents (the shipped ``data/eval_corpus/``
and, in a checkout, the real documents of ``tests/fixtures/real/``), extracts the
targets of every passage of the judged documents and compares:

- a prediction *matches* a judged target of the same passage when their spans overlap
  and their values are equal; each judged row is matched at most once (a 均 list has
  one row per indicator, sharing a span), exact spans first;
- ``precision``: matched predictions / predictions in the judged documents (the set is
  exhaustive for its documents, so every other prediction is wrong);
- ``recall``: matched judged targets / judged targets;
- per-field accuracy over the matched targets: year, indicator, direction, value,
  upper, unit, modifier, base year, span (offsets included);
- ``negatives``: negative clauses a prediction overlaps (each one is also a wrong
  prediction, counted in precision).

Each figure is given overall and for the ``tuned`` and ``heldout`` parts: a document
belongs to one part, the held-out documents were never looked at while writing rules.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model import CarbonError, Passage
from .resources import data_dir, data_file
from .targets import Target, document_starts, extract_all, plain_number

COLUMNS = ("part", "kind", "doc", "passage", "year", "indicator", "direction", "value", "upper", "unit",
           "modifier", "base_year", "start", "span")
PARTS = ("tuned", "heldout")
FIELDS = ("year", "indicator", "direction", "value", "upper", "unit", "modifier", "base_year", "span")


@dataclass(frozen=True)
class JudgedTarget:
    """One row of the judged set: a target, or a negative clause (``negative``)."""

    line: int
    part: str
    negative: bool
    doc: str
    passage: str
    year: int | None
    indicator: str
    direction: str
    value: float | None
    upper: float | None
    unit: str
    modifiers: tuple[str, ...]
    base_year: int | None
    start: int
    span: str

    @property
    def end(self) -> int:
        return self.start + len(self.span)

    def fields(self) -> dict[str, object]:
        return {
            "year": self.year, "indicator": self.indicator, "direction": self.direction, "value": self.value,
            "upper": self.upper, "unit": self.unit, "modifier": self.modifiers, "base_year": self.base_year,
            "span": (self.start, self.span),
        }


def target_fields(target: Target) -> dict[str, object]:
    """A prediction's fields, in the judged set's terms."""
    return {
        "year": target.year, "indicator": target.indicator, "direction": target.direction, "value": target.value,
        "upper": target.upper, "unit": target.unit, "modifier": target.modifiers, "base_year": target.base_year,
        "span": (target.start, target.span),
    }


def default_judged() -> Path:
    return data_file("targets_judged.tsv")


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _optional_float(text: str) -> float | None:
    return float(text) if text else None


def load_judged(path: Path | None = None) -> list[JudgedTarget]:
    """Parse the judged set; a malformed line is an error naming it."""
    path = path or default_judged()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise CarbonError(f"cannot read the judged targets {path}: {reason}") from error
    rows = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not rows or tuple(rows[0][1].split("\t")) != COLUMNS:
        raise CarbonError(f"{path}: the first line after the comments must be the columns {' TAB '.join(COLUMNS)}")
    judged = [_row(path, number, line) for number, line in rows[1:]]
    parts: dict[str, str] = {}
    for row in judged:
        if parts.setdefault(row.doc, row.part) != row.part:
            raise CarbonError(f"{path}:{row.line}: document {row.doc} is in both parts; a document belongs to one")
    return judged


def _row(path: Path, number: int, line: str) -> JudgedTarget:
    cells = line.split("\t")
    if len(cells) != len(COLUMNS):
        raise CarbonError(f"{path}:{number}: expected {len(COLUMNS)} tab-separated fields, found {len(cells)}")
    row = dict(zip(COLUMNS, cells))
    if row["part"] not in PARTS or row["kind"] not in ("target", "negative"):
        raise CarbonError(f"{path}:{number}: part must be tuned or heldout, kind target or negative")
    try:
        return JudgedTarget(
            line=number, part=row["part"], negative=row["kind"] == "negative", doc=row["doc"],
            passage=row["passage"], year=_optional_int(row["year"]), indicator=row["indicator"],
            direction=row["direction"], value=_optional_float(row["value"]), upper=_optional_float(row["upper"]),
            unit=row["unit"], modifiers=tuple(row["modifier"].split()), base_year=_optional_int(row["base_year"]),
            start=int(row["start"]), span=row["span"].replace("\\n", "\n"),
        )
    except ValueError as error:
        raise CarbonError(f"{path}:{number}: {error}") from error


# -- matching -----------------------------------------------------------------------


@dataclass
class Match:
    judged: JudgedTarget
    predicted: Target

    @property
    def wrong_fields(self) -> list[str]:
        expected, found = self.judged.fields(), target_fields(self.predicted)
        return [name for name in FIELDS if expected[name] != found[name]]


def _overlap(target: Target, row: JudgedTarget) -> bool:
    return target.passage == row.passage and target.start < row.end and row.start < target.end


def match(
    judged: Sequence[JudgedTarget], predicted: Sequence[Target]
) -> tuple[list[Match], list[JudgedTarget], list[Target]]:
    """(matches, judged targets missed, predictions matching none): exact spans first."""
    left = [row for row in judged if not row.negative]
    unmatched = list(predicted)
    matches: list[Match] = []
    for exact in (True, False):
        for target in list(unmatched):
            row = next(
                (r for r in left if _overlap(target, r) and r.value == target.value
                 and (not exact or (r.start, r.span) == (target.start, target.span))),
                None,
            )
            if row is not None:
                matches.append(Match(row, target))
                left.remove(row)
                unmatched.remove(target)
    return matches, left, unmatched


# -- the evaluation index and the report ------------------------------------------------


def corpus_files() -> list[Path]:
    """The judged documents' files: the shipped evaluation documents and, in a checkout,
    the real fixtures."""
    folders = [data_dir() / "eval_corpus", data_dir().parent / "tests" / "fixtures" / "real"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".json"))


@contextlib.contextmanager
def targets_index(cache: Path | None = None, warn: Callable[[str], None] | None = None) -> Iterator:
    """``(catalog, index)`` over the judged documents, in a scratch home."""
    from .catalog import Catalog
    from .store import Home

    with tempfile.TemporaryDirectory(prefix="carbon-targets-") as tmp:
        home = Home(Path(tmp) / "home")
        home.cache = cache if cache is not None else Home().cache
        catalog = Catalog(home, **({"warn": warn} if warn else {}))
        catalog.add_files(corpus_files())
        index = catalog.open()
        try:
            yield catalog, index
        finally:
            index.conn.close()


@dataclass
class PartReport:
    judged: int
    predicted: int
    matches: list[Match]
    missed: list[JudgedTarget]
    wrong: list[Target]
    negatives_hit: list[JudgedTarget]

    @property
    def precision(self) -> float:
        return len(self.matches) / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return len(self.matches) / self.judged if self.judged else 1.0

    @property
    def fields(self) -> dict[str, float]:
        """The share of matched targets with each field right."""
        if not self.matches:
            return {name: 1.0 for name in FIELDS}
        return {name: sum(name not in m.wrong_fields for m in self.matches) / len(self.matches) for name in FIELDS}

    def to_json(self) -> dict[str, object]:
        return {
            "judged": self.judged, "predicted": self.predicted, "matched": len(self.matches),
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "fields": {name: round(value, 4) for name, value in self.fields.items()},
            "negatives_hit": len(self.negatives_hit),
        }


@dataclass
class TargetReport:
    parts: dict[str, PartReport]  # overall, tuned, heldout
    documents: list[str]
    unresolved: list[JudgedTarget] = field(default_factory=list)  # rows whose passage is not in the index

    def to_json(self) -> dict[str, object]:
        overall = self.parts["overall"]
        return {
            **{name: part.to_json() for name, part in self.parts.items()},
            "missed": [judged_json(r) for r in overall.missed],
            "wrong": [t.to_json() for t in overall.wrong],
            "wrong_fields": [
                {"line": m.judged.line, "fields": m.wrong_fields, "expected": judged_json(m.judged),
                 "found": m.predicted.to_json()}
                for m in overall.matches if m.wrong_fields
            ],
            "negatives_hit": [judged_json(r) for r in overall.negatives_hit],
            "unresolved": [judged_json(r) for r in self.unresolved],
            "documents": self.documents,
        }


def judged_json(row: JudgedTarget) -> dict[str, object]:
    return {
        "line": row.line, "part": row.part, "kind": "negative" if row.negative else "target", "doc": row.doc,
        "passage": row.passage, "year": row.year, "indicator": row.indicator, "direction": row.direction,
        "value": plain_number(row.value), "upper": plain_number(row.upper), "unit": row.unit,
        "modifiers": list(row.modifiers), "base_year": row.base_year, "start": row.start, "span": row.span,
    }


def score(judged: Sequence[JudgedTarget], predicted: Sequence[Target]) -> PartReport:
    """One part's figures: ``judged`` its rows, ``predicted`` the targets of its documents."""
    matches, missed, wrong = match(judged, predicted)
    negatives = [r for r in judged if r.negative and any(_overlap(t, r) for t in predicted)]
    return PartReport(sum(not r.negative for r in judged), len(predicted), matches, missed, wrong, negatives)


def evaluate_targets(
    path: Path | None = None, *, cache: Path | None = None, warn: Callable[[str], None] | None = None
) -> TargetReport:
    """Extract the targets of the judged documents and score them against the judged set.

    A judged document missing from the evaluation index (an installed copy has only
    ``data/eval_corpus/``, not a checkout's real fixtures) is left out, with a warning."""
    judged = load_judged(path)
    with targets_index(cache, warn) as (catalog, index):
        passages: dict[str, Passage] = {p.id: p for p in index.passages()}
        normaliser = catalog.pipeline.normaliser
        available = {p.doc for p in passages.values()}
        missing = sorted({r.doc for r in judged} - available)
        if missing and warn:
            warn(f"{len(missing)} judged documents are not in the evaluation index: {', '.join(missing)}")
        judged = [r for r in judged if r.doc in available]
        documents = sorted({r.doc for r in judged})
        starts = document_starts(index.documents(), index.records())
        predicted = extract_all([p for p in passages.values() if p.doc in documents], normaliser, starts=starts)
    unresolved = [r for r in judged if r.passage not in passages or passages[r.passage].text[r.start : r.end] != r.span]
    part_of = {r.doc: r.part for r in judged}
    parts = {"overall": score(judged, predicted)}
    for part in PARTS:
        parts[part] = score([r for r in judged if r.part == part], [t for t in predicted if part_of[t.doc] == part])
    return TargetReport(parts, documents, unresolved)
