"""The engine beneath the ranking: the passages it hands the scorer give the same hits,
scores and totals as scoring every passage, and it follows the store through adds,
removals, damage and a writer killed between its commit and its key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbon_cli import engine as en
from carbon_cli.catalog import Catalog
from carbon_cli.evaluate import load_judgments
from carbon_cli.search import Searcher
from carbon_cli.store import Home
from helpers import FIXTURES, OPINIONS, ROOT, STORAGE

REAL = sorted((FIXTURES / "real").glob("*.txt"))[:6]
FILTERED = [("碳达峰", ("action",), ()), ("储能", (), ("ndrc-nea-new-energy-storage-guidance-2021",)),
            ("技术 创新", ("paragraph", "principle"), ())]


@pytest.fixture
def library(home: Path, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    """The seed, two real documents and six more: a library the engine serves (its
    threshold lowered to nothing for this small one)."""
    monkeypatch.setattr(en, "ENGINE_PASSAGES", 0)
    catalog = Catalog(Home())
    catalog.add_files([OPINIONS, STORAGE, *REAL])
    return catalog


def _engine(catalog: Catalog) -> tuple[Searcher, Searcher]:
    index = catalog.open()
    engine = en.attach(index, catalog.home.root / "engine", catalog.home.lock)
    assert engine is not None
    return Searcher(index, catalog.pipeline), Searcher(index, catalog.pipeline, engine=engine)


def _answer(searcher: Searcher, query: str, kinds: tuple = (), docs: tuple = ()) -> tuple:
    """The total, the shown hits with their scores, and the facets (which the engine
    counts itself, the full scorer from the store)."""
    result = searcher.search(query, limit=10, kinds=kinds, docs=docs, facets=True)
    return result.total, [(hit.passage.id, hit.score) for hit in result.hits], result.facets


def _queries() -> list[str]:
    return [j.query for name in ("judgments.tsv", "judgments_holdout.tsv") for j in load_judgments(ROOT / "data" / name)]


def test_the_engines_candidates_give_every_judged_query_its_hits_scores_and_total(library: Catalog) -> None:
    full, engine = _engine(library)
    queries = _queries()
    assert len(queries) > 200
    for query in queries:
        assert _answer(engine, query) == _answer(full, query), query
    for query, kinds, docs in FILTERED:
        assert _answer(engine, query, kinds, docs) == _answer(full, query, kinds, docs), (query, kinds, docs)


def test_fewer_candidates_than_hits_still_rank_the_best_first(library: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the engine handing over 20 passages at first, of dozens to thousands of
    hits, the shown ten and the total are still those of scoring everything, on the
    queries of the benchmark."""
    monkeypatch.setattr("carbon_cli.search.CANDIDATE_FACTOR", 2)
    full, engine = _engine(library)
    for query in ("技术", "碳达峰", "储能", "碳达峰 行动", "可再生能源 消纳", "双碳 领导小组", "绿色 金融 支持"):
        total, shown, facets = _answer(full, query)
        assert total > 50, query
        assert _answer(engine, query) == (total, shown, facets), query


def test_the_engine_follows_an_added_and_a_removed_document(library: Catalog, tmp_path: Path) -> None:
    _engine(library)
    path = library.home.root / "engine"
    before = json.loads((path / en.DOCS_FILE).read_text(encoding="utf-8"))
    extra = sorted((FIXTURES / "real").glob("*.txt"))[6]
    added = library.add_file(extra)
    full, engine = _engine(library)
    after = json.loads((path / en.DOCS_FILE).read_text(encoding="utf-8"))
    assert set(after) - set(before) == {added.id} and {k: after[k] for k in before} == before
    assert _answer(engine, "碳达峰 行动", docs=(added.id,)) == _answer(full, "碳达峰 行动", docs=(added.id,))
    assert _answer(engine, "碳达峰 行动", docs=(added.id,))[0] > 0
    library.remove(added.id)
    full, engine = _engine(library)
    assert json.loads((path / en.DOCS_FILE).read_text(encoding="utf-8")) == before
    assert _answer(engine, "碳达峰 行动", docs=(added.id,))[:2] == (0, [])
    assert engine.engine is not None and engine.engine.size == full.index.n


@pytest.mark.parametrize("damage", ["key", "meta", "segments"])
def test_a_damaged_or_unfinished_engine_is_brought_back_from_the_store(library: Catalog, damage: str) -> None:
    """``key``: a writer killed after tantivy's commit, before carbon's key; ``meta``
    and ``segments``: files garbled on disk."""
    full, engine = _engine(library)
    expected = [_answer(full, q) for q in ("碳达峰", "CCUS", "储能 安全")]
    path = library.home.root / "engine"
    segments = sorted(path.glob("*.idx"))
    if damage == "key":
        (path / en.KEY_FILE).unlink()
    elif damage == "meta":
        (path / "meta.json").write_text("{garbled")
    else:
        for segment in path.glob("*.idx"):
            segment.write_bytes(b"\0" * segment.stat().st_size)
    _, engine = _engine(library)
    assert [_answer(engine, q) for q in ("碳达峰", "CCUS", "储能 安全")] == expected
    assert damage == "key" or sorted(path.glob("*.idx")) != segments  # built again


def test_an_engine_made_by_another_version_is_built_again_not_brought_in_step(library: Catalog) -> None:
    """Its key and layout name another schema: adding the library's new documents to
    it would keep fields the queries cannot use (an engine without fast fields cannot
    count the facets)."""
    full, _ = _engine(library)
    expected = _answer(full, "碳达峰")
    path = library.home.root / "engine"
    for name in (en.KEY_FILE, en.LAYOUT_FILE):
        stored = json.loads((path / name).read_text(encoding="utf-8"))
        (path / name).write_text(json.dumps({**stored, "format": "0"}), encoding="utf-8")
    segments = sorted(path.glob("*.idx"))
    _, engine = _engine(library)
    assert json.loads((path / en.LAYOUT_FILE).read_text(encoding="utf-8"))["format"] == en.FORMAT
    assert sorted(path.glob("*.idx")) != segments
    assert _answer(engine, "碳达峰") == expected


class _DamagedSegments:
    """A searcher over segments damaged after they were opened: tantivy reports it as
    a ValueError when a query reaches the bad bytes."""

    def search(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Data corrupted: checksum mismatch")


def test_a_segment_found_damaged_while_searching_gives_way_to_the_full_scorer(library: Catalog) -> None:
    full, engine = _engine(library)
    expected = _answer(full, "碳达峰")
    assert engine.engine is not None
    engine.engine.searcher = _DamagedSegments()
    assert _answer(engine, "碳达峰") == expected
    assert not (library.home.root / "engine" / en.KEY_FILE).exists()  # the next search rebuilds it
    _, again = _engine(library)
    assert _answer(again, "碳达峰") == expected


def test_a_small_store_has_no_engine(home: Path) -> None:
    catalog = Catalog(Home())
    assert en.attach(catalog.open(), catalog.home.root / "engine", catalog.home.lock) is None
    assert not (catalog.home.root / "engine").exists()
