"""Search quality, measured: a judged query set run against an index built for it.

The shipped set, ``data/judgments.tsv``, is tab-separated with a header line::

    qid	category	query	relevant

where ``relevant`` holds ``passage_id:grade`` items separated by ``;`` (grade 2:
answers the query, 1: partly relevant; passages not listed are irrelevant). See
``tests/eval/README.md`` for how the judgments were made and ``docs/ranking.md``
for the numbers.

The evaluation never reads the user's library: it builds an index of its own in a
temporary CARBON_HOME from the shipped seed and the documents of
``data/eval_corpus/`` (added through ``Catalog.add_file``, so they get the ids
``carbon docs add`` gives them), sharing only the jieba cache. In the source tree
those are links to the two real documents of ``tests/fixtures/``, one copy of
each; a wheel holds their content. A set judged over other documents names their
folder under ``data/`` on a first line ``# corpus: NAME`` (the library sets,
``data/judgments_library*.tsv``, over ``data/eval_library/``). The numbers depend
on the code and the shipped data, never on what a user added.

Metrics, per query, then averaged over the queries of a category and overall:

- ``mrr@10``: 1 / rank of the first result with grade >= 1, 0 if none in the top 10;
- ``ndcg@10``: graded, gain ``2**grade - 1``, discount ``log2(rank + 1)``, normalised
  by the ideal ordering of all judged passages;
- ``recall@5``: share of the judged passages (grade >= 1) in the top 5;
- ``top1``: 1 if the first result is judged relevant.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import CarbonError
from .resources import data_dir, data_file

if TYPE_CHECKING:
    from .rank import Params
    from .search import Searcher

HEADER = ("qid", "category", "query", "relevant")
DEFAULT_CORPUS = "eval_corpus"
CORPUS_LINE = "# corpus:"
METRICS = ("mrr@10", "ndcg@10", "recall@5", "top1")
DEPTH = 1000  # hits looked at per query: enough to report where every relevant passage ranks


@dataclass(frozen=True)
class Judged:
    qid: str
    category: str
    query: str
    relevant: dict[str, int]  # passage id -> grade (1 or 2)


@dataclass
class Outcome:
    """One query's run: its ranking, the ranks of its relevant passages, its scores."""

    judged: Judged
    ranking: list[str]  # passage ids, best first (up to DEPTH)
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def ranks(self) -> dict[str, int | None]:
        """Relevant passage id -> its 1-based rank, or None when it is not a hit."""
        where = {pid: rank for rank, pid in enumerate(self.ranking, start=1)}
        return {pid: where.get(pid) for pid in self.judged.relevant}

    @property
    def first_relevant(self) -> int | None:
        found = [r for r in self.ranks.values() if r is not None]
        return min(found) if found else None


@dataclass
class Report:
    queries: int
    overall: dict[str, float]
    categories: dict[str, dict[str, float]]
    outcomes: list[Outcome]
    corpus: list[str]  # document ids of the evaluation index
    params: dict[str, object]

    @property
    def misses(self) -> list[Outcome]:
        """Queries whose first relevant result is not at rank 1."""
        return [o for o in self.outcomes if o.first_relevant != 1]


# -- the judged set ---------------------------------------------------------------


MAX_JUDGMENT_BYTES = 8 * 1024 * 1024  # the shipped set is 40 KB


def default_judgments() -> Path:
    return data_file("judgments.tsv")


SHIPPED_SETS = ("judgments.tsv", "judgments_holdout.tsv", "judgments_library.tsv", "judgments_library_holdout.tsv")


def shipped_sets() -> list[Path]:
    """The judged query sets the package ships: the seed's and the library's, tuned and held out."""
    return [data_file(name) for name in SHIPPED_SETS]


def load_judgments(path: Path | None = None) -> list[Judged]:
    """Parse a judged query set; a malformed line is an error naming it."""
    from .readers import read_bytes

    path = path or default_judgments()
    try:  # the checks of docs add: a regular file (not /dev/zero, not a FIFO), of a bounded size
        lines = read_bytes(path, MAX_JUDGMENT_BYTES).decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise CarbonError(f"cannot read the judged queries {path}: {error}") from error
    except CarbonError as error:
        raise CarbonError(f"cannot read the judged queries {error}") from error
    skip = 1 if lines and lines[0].startswith(CORPUS_LINE) else 0  # read by judged_corpus
    if len(lines) <= skip or tuple(c.strip() for c in lines[skip].split("\t")) != HEADER:
        raise CarbonError(f"{path}: the first line must be the header {' TAB '.join(HEADER)}")
    judged: list[Judged] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[skip + 1 :], start=skip + 2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 4:
            raise CarbonError(f"{path}:{number}: expected 4 tab-separated fields, found {len(cells)}")
        qid, category, query, relevant = (c.strip() for c in cells)
        if qid in seen:
            raise CarbonError(f"{path}:{number}: query id {qid!r} is used twice")
        seen.add(qid)
        if not query:
            raise CarbonError(f"{path}:{number}: empty query")
        items: dict[str, int] = {}
        for item in filter(None, (i.strip() for i in relevant.split(";"))):
            pid, _, grade = item.rpartition(":")
            if not pid or grade not in ("1", "2"):
                raise CarbonError(f"{path}:{number}: {item!r} is not passage_id:grade with grade 1 or 2")
            items[pid] = int(grade)
        if not items:
            raise CarbonError(f"{path}:{number}: query {qid} has no relevant passage")
        judged.append(Judged(qid, category, cells[2], items))
    if not judged:
        raise CarbonError(f"{path}: no judged queries")
    return judged


def judged_corpus(path: Path | None = None) -> str:
    """The folder under ``data/`` whose documents a judged set is over (``# corpus: NAME``)."""
    try:
        with (path or default_judgments()).open(encoding="utf-8") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return DEFAULT_CORPUS  # load_judgments reports the problem
    if not first.startswith(CORPUS_LINE):
        return DEFAULT_CORPUS
    name = first[len(CORPUS_LINE) :].strip()
    if not name or not (data_dir() / name).is_dir() or "/" in name or name.startswith("."):
        raise CarbonError(f"{path}: {first.strip()!r} names no folder of evaluation documents")
    return name


# -- metrics ----------------------------------------------------------------------


def reciprocal_rank(ranking: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    for rank, pid in enumerate(ranking[:k], start=1):
        if relevant.get(pid, 0) >= 1:
            return 1.0 / rank
    return 0.0


def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg(ranking: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevant.get(pid, 0) for pid in ranking[:k]]) / ideal


def recall(ranking: Sequence[str], relevant: dict[str, int], k: int = 5) -> float:
    wanted = {pid for pid, g in relevant.items() if g >= 1}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranking[:k])) / len(wanted)


def top1(ranking: Sequence[str], relevant: dict[str, int]) -> float:
    return 1.0 if ranking and relevant.get(ranking[0], 0) >= 1 else 0.0


def query_metrics(ranking: Sequence[str], relevant: dict[str, int]) -> dict[str, float]:
    return {
        "mrr@10": reciprocal_rank(ranking, relevant, 10),
        "ndcg@10": ndcg(ranking, relevant, 10),
        "recall@5": recall(ranking, relevant, 5),
        "top1": top1(ranking, relevant),
    }


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    out = {m: (sum(r[m] for r in rows) / len(rows) if rows else 0.0) for m in METRICS}
    return {**{m: round(v, 4) for m, v in out.items()}, "queries": len(rows)}


def summarise(outcomes: Sequence[Outcome]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Overall and per-category means (categories in order of first appearance)."""
    per_query = [(o.judged.category, query_metrics(o.ranking, o.judged.relevant)) for o in outcomes]
    categories: dict[str, list[dict[str, float]]] = {}
    for category, metrics in per_query:
        categories.setdefault(category, []).append(metrics)
    return mean_metrics([m for _, m in per_query]), {c: mean_metrics(rows) for c, rows in categories.items()}


# -- the evaluation index ---------------------------------------------------------


def eval_corpus_files(corpus: str = DEFAULT_CORPUS) -> list[Path]:
    """The documents, besides the seed, that a shipped judged set refers to."""
    folder = data_dir() / corpus
    files = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise CarbonError(f"no evaluation documents in {folder}")
    return files


@contextlib.contextmanager
def eval_index(
    cache: Path | None = None, warn: Callable[[str], None] | None = None, corpus: str = DEFAULT_CORPUS
) -> Iterator:
    """``(catalog, index)`` over the seed and the documents of ``data/<corpus>/``, in a scratch home.

    ``cache`` is the jieba cache to use; by default the user's (CARBON_CACHE or the
    home's ``cache/``), which holds only derived data and is safe to share.
    """
    from .catalog import Catalog
    from .store import Home

    with tempfile.TemporaryDirectory(prefix="carbon-eval-") as tmp:
        home = Home(Path(tmp) / "home")
        home.cache = cache if cache is not None else Home().cache
        kwargs = {"warn": warn} if warn else {}
        catalog = Catalog(home, **kwargs)
        if not catalog.writable:
            raise CarbonError(f"cannot create a scratch index in {tmp}")
        for path in eval_corpus_files(corpus):
            catalog.add_file(path)
        index = catalog.open()
        try:
            yield catalog, index
        finally:
            index.conn.close()


# -- running ----------------------------------------------------------------------

Ranker = Callable[[str], list[tuple[str, float]]]  # query -> [(passage id, score)], best first


def check_known(judged: Sequence[Judged], known: set[str], where: str = "the evaluation index") -> None:
    missing = sorted({pid for j in judged for pid in j.relevant if pid not in known})
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise CarbonError(f"{len(missing)} judged passages are not in {where}: {shown}")


def run(judged: Sequence[Judged], ranker: Ranker, corpus: Sequence[str] = (), params: dict | None = None) -> Report:
    """Rank every query with ``ranker`` and score the rankings."""
    outcomes = []
    for item in judged:
        ranked = ranker(item.query)
        outcomes.append(Outcome(item, [pid for pid, _ in ranked], dict(ranked)))
    overall, categories = summarise(outcomes)
    return Report(len(outcomes), overall, categories, outcomes, list(corpus), dict(params or {}))


def searcher_ranker(searcher: Searcher) -> Ranker:
    """The product's ranking: ``Searcher.search`` exactly as ``carbon search`` runs it."""

    def rank(query: str) -> list[tuple[str, float]]:
        try:
            result = searcher.search(query, limit=DEPTH)
        except CarbonError:
            return []
        return [(hit.passage.id, hit.score) for hit in result.hits]

    return rank


def evaluate(
    path: Path | None = None,
    *,
    params: Params | None = None,
    cache: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> Report:
    """Run a judged set (the shipped one by default) against the evaluation index."""
    from . import text
    from .rank import default_params
    from .search import Searcher

    judged = load_judgments(path)
    params = params or default_params()
    with eval_index(cache, warn, judged_corpus(path)) as (catalog, index):
        check_known(judged, {p.id for p in index.passages()})
        searcher = Searcher(index, catalog.pipeline, params)
        corpus = [d["id"] for d in index.documents()]
        return run(
            judged,
            searcher_ranker(searcher),
            corpus,
            {"variant": params.variant, "k1": params.k1, "b": params.b, "segment_mode": text.SEGMENT_MODE},
        )
