"""The ranker reproduces its golden dump: every judged query's top ten, scores to the last bit.

``tests/golden/ranking.tsv`` was written by ``tests/golden/dump_ranking.py``; a
refactoring of the search or the scorer must leave it as it is, byte for byte.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def _dump_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("dump_ranking", GOLDEN / "dump_ranking.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_judged_query_ranks_and_scores_as_the_golden_dump(home: Path, shared_cache: Path) -> None:
    expected = (GOLDEN / "ranking.tsv").read_text(encoding="utf-8").splitlines()
    actual = _dump_module().dump(shared_cache).splitlines()
    assert len(actual) > 3000
    changed = [(want, got) for want, got in zip(expected, actual) if want != got]
    assert not changed[:5], f"{len(changed)} lines differ, the first: {changed[:5]}"
    assert len(actual) == len(expected)
