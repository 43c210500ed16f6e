"""The build path at scale: parallel and serial builds agree, updates touch only what
changed, statistics kept by increments equal a recount, concurrent adds both land,
and --explain changes no score. Real jieba, real files."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from carbon_cli import catalog as catalog_module
from carbon_cli import indexing, scoring
from carbon_cli.catalog import Catalog, prepare, prepare_all
from carbon_cli.index import iter_postings
from carbon_cli.search import Searcher, check_query
from carbon_cli.store import Home, Record
from carbon_cli.tuning import Tuning
from helpers import FIXTURES, OPINIONS, ROOT, STORAGE

sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

pytestmark = pytest.mark.slow  # every test here builds or searches a library of many documents


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of the index, but the time each document was added."""
    conn = sqlite3.connect(path)
    try:
        columns = [c[1] for c in conn.execute("PRAGMA table_info(documents)") if c[1] != "added"]
        return {
            "documents": conn.execute(f"SELECT {', '.join(columns)} FROM documents ORDER BY seq").fetchall(),
            "passages": conn.execute("SELECT * FROM passages ORDER BY pid").fetchall(),
            "terms": conn.execute("SELECT * FROM terms ORDER BY tid").fetchall(),
            "postings": conn.execute("SELECT * FROM postings ORDER BY tid, doc").fetchall(),
            "phrases": conn.execute("SELECT * FROM phrases ORDER BY wid").fetchall(),
            "written": conn.execute("SELECT * FROM written ORDER BY wid, doc").fetchall(),
            "meta": conn.execute("SELECT * FROM meta WHERE k NOT IN ('library') ORDER BY k").fetchall(),
        }
    finally:
        conn.close()


def _recount(path: Path) -> None:
    """The stored statistics equal what the rows say."""
    conn = sqlite3.connect(path)
    try:
        meta = dict(conn.execute("SELECT k, v FROM meta"))
        n, total = conn.execute("SELECT count(*), coalesce(sum(length), 0) FROM passages").fetchone()
        assert (int(meta["n"]), int(meta["total"])) == (n, total)
        stored = dict(conn.execute("SELECT tid, df FROM terms"))
        postings = list(iter_postings(conn))
        assert stored == Counter(tid for tid, _, _, _ in postings)  # no term without postings, nor the reverse
        lengths = dict(conn.execute("SELECT pid, length FROM passages"))
        assert all(dl == lengths[pid] for _, pid, _, dl in postings)
    finally:
        conn.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Real documents: the fixtures and a few recombined ones (bench/corpus.py)."""
    path = tmp_path / "docs"
    path.mkdir()
    for source in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(source, path / source.name)
    for name, text in corpus.documents(6):
        (path / name).write_text(text, encoding="utf-8")
    return path


def test_parallel_build_equals_serial_build(home, folder, tmp_path, monkeypatch):
    dumps = []
    for workers in (1, 2):
        monkeypatch.setattr(catalog_module, "worker_count", lambda chars, w=workers: w)
        monkeypatch.setenv("CARBON_HOME", str(tmp_path / f"home-{workers}"))
        report = Catalog(Home()).add_files(sorted(folder.iterdir()))
        assert report.workers == workers and report.documents == len(list(folder.iterdir())) and not report.problems
        dumps.append(_dump(tmp_path / f"home-{workers}" / "index.sqlite"))
        _recount(tmp_path / f"home-{workers}" / "index.sqlite")
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["postings"]) > 10_000


def test_worker_results_equal_in_process_results(home, folder):
    pipeline = Catalog(Home()).pipeline
    records = [Record(p.stem, p.read_text(encoding="utf-8"), str(p), "utf-8", "text", "", "") for p in sorted(folder.iterdir())]
    assert list(prepare_all(records, pipeline, 2)) == [prepare(r, pipeline, bulk=False) for r in records]


def test_adding_one_document_segments_only_it(home, folder, monkeypatch):
    catalog = Catalog(Home())
    catalog.add_files(sorted(folder.iterdir()))
    segmented: list[str] = []
    real = indexing.count_terms

    def counting(pipeline, passages, *, bulk=False):  # type: ignore[no-untyped-def]
        segmented.extend(p.doc for p in passages)
        return real(pipeline, passages, bulk=bulk)

    monkeypatch.setattr(indexing, "count_terms", counting)
    added = Catalog(Home()).add_file(STORAGE.parent / "synthetic_action_plan.txt")
    assert added.status == "unchanged" and segmented == []  # same content: nothing to do
    extra = folder.parent / "extra.txt"
    extra.write_text(STORAGE.read_text(encoding="utf-8").replace("新型储能", "新型储能设施"), encoding="utf-8")
    added = Catalog(Home()).add_file(extra)
    assert added.status == "added" and set(segmented) == {"extra"} and len(segmented) == added.passages
    segmented.clear()
    extra.write_text(OPINIONS.read_text(encoding="utf-8"), encoding="utf-8")
    extra.write_text(extra.read_text(encoding="utf-8") + "\n附：补充说明。\n", encoding="utf-8")
    replaced = Catalog(Home()).add_file(extra)
    assert replaced.status == "replaced" and set(segmented) == {"extra"}
    segmented.clear()
    Catalog(Home()).remove("extra")
    assert segmented == []
    _recount(home / "index.sqlite")


def test_statistics_follow_adds_replacements_and_removals(home, folder):
    catalog = Catalog(Home())
    catalog.add_files(sorted(folder.iterdir())[:4])
    _recount(home / "index.sqlite")
    catalog.add_files(sorted(folder.iterdir())[4:])
    _recount(home / "index.sqlite")
    for doc_id in list(catalog.home.manifest())[:5]:
        catalog.remove(doc_id)
        _recount(home / "index.sqlite")
    incremental = _dump(home / "index.sqlite")
    (home / "index.sqlite").unlink()
    Catalog(Home()).open().conn.close()  # rebuilt from the library
    rebuilt = _dump(home / "index.sqlite")
    assert incremental["meta"] == rebuilt["meta"]
    assert {t for _, t, _ in incremental["terms"]} == {t for _, t, _ in rebuilt["terms"]}


def test_two_concurrent_adds_both_land(home, folder, carbon_exe):
    first, second = sorted(folder.iterdir())[:6], sorted(folder.iterdir())[6:]
    procs = [
        subprocess.Popen([carbon_exe, "docs", "add", *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for files in (first, second)
    ]
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    index = Catalog(Home()).open()
    ids = {d["id"] for d in index.documents() if not d["builtin"]}
    assert ids == {catalog_module.slug(p.name) for p in [*first, *second]}
    index.conn.close()
    _recount(home / "index.sqlite")


QUERIES = ["储能", "碳达峰 行动", "双碳", "双碳目标", "CCUS", "carbon capture", "carbon capture and storage", "碳捕集利用与封存",
           "保障措施", "工作原则", "绿色 金融 -储能", "+储能 -氢能", "\"新型储能\"", "\"碳达峰\" 行动", "低碳科技企业怎么培育?",
           "储能项目怎么备案并网", "可再生能源 消纳", "新能源汽车", "国家发展和改革委员会", "新能源", "碳", "碳排放权交易",
           "hydrogen", "energy storage", "光伏 风电", "碳中和碳达峰", "kind:action 储能", "不存在的词语"]


def _query(searcher: Searcher, query: str) -> tuple[list, dict, list]:
    """A query's terms and their statistics, as ``Searcher.search`` makes them."""
    plan, stats = searcher.plan(check_query(query))
    return plan.terms, stats


@pytest.fixture()
def searcher(home, folder) -> Searcher:
    catalog = Catalog(Home())
    catalog.add_files(sorted(folder.iterdir()))
    return Searcher(catalog.open(), catalog.pipeline)


def _exact(searcher: Searcher, query: str, **options) -> dict[int, float]:
    """Every hit's score, every text read."""
    terms, stats = _query(searcher, query)
    scores = searcher.scorer.score(terms, stats, **options)
    scores.settle(list(scores.values))
    assert not scores.upper
    return scores.values


def test_skipped_reads_change_no_score(searcher, monkeypatch):
    """The scorer skips reading texts where the index recorded where an expansion occurs
    as written, where a posting already proves it, or where the query's own words
    outscore it: with every shortcut off, every passage's score is equal to the last bit."""
    for query in QUERIES:
        quick = _exact(searcher, query)
        with monkeypatch.context() as patch:
            patch.setattr(scoring, "recorded_expansions", lambda index, groups, stats: {})
            patch.setattr(scoring, "self_evident", lambda members: False)
            patch.setattr(scoring._Run, "_outscored", lambda self, evident: set())
            full = _exact(searcher, query)
        assert quick == full, query


QUERIES_READING = ["储能项目怎么备案并网", "国家发展和改革委员会", "碳排放权交易", "双碳目标", "科技支撑双碳实施方案有哪些重点任务",
                   "energy efficiency standards"]


def _texts_read(searcher: Searcher, monkeypatch, run) -> int:  # type: ignore[no-untyped-def]
    """How many passages' texts ``run`` reads to look for expansions in them."""
    read: list[int] = []
    real = scoring._Run._texts

    def counting(self, pids):  # type: ignore[no-untyped-def]
        read.extend(p for p in pids if p not in self.texts)
        return real(self, pids)

    with monkeypatch.context() as patch:
        patch.setattr(scoring._Run, "_texts", counting)
        for query in QUERIES_READING:
            run(query)
    return len(read)


def test_texts_are_read_only_where_they_can_matter(searcher, monkeypatch):
    """Where the index did not record an expansion (a synonym the user added after it
    was built), it is looked for in the text of a passage that is a hit without it only
    when that passage could reach the shown ones (that the hits are still the best of
    all is ``test_shown_hits_are_the_best_of_all``): fewer texts than scoring every
    passage in full."""
    monkeypatch.setattr(scoring, "recorded_expansions", lambda index, groups, stats: {})
    lazy = _texts_read(searcher, monkeypatch, lambda query: searcher.search(query, limit=5))
    eager = _texts_read(searcher, monkeypatch, lambda query: _exact(searcher, query))
    assert 0 < lazy < eager


def test_recorded_expansions_need_no_text(searcher, monkeypatch):
    """The vocabulary's expansions of several words are recorded where they occur as
    written when the index is built: scoring every passage in full reads no text."""
    assert _texts_read(searcher, monkeypatch, lambda query: _exact(searcher, query)) == 0


def test_recorded_passages_are_those_whose_texts_hold_the_phrase(searcher):
    """What the index recorded for each phrase equals reading every text: the passages
    whose matching form and headings hold it as written, and its anchor word."""
    index, normalise = searcher.index, searcher.pipeline.normaliser.normalise
    phrases = index.conn.execute("SELECT wid, phrase, anchor FROM phrases").fetchall()
    assert len(phrases) > 300
    norms = index.norms_by_pid(list(range(1, index.n + 1)), sections=True)
    assert len(norms) == index.n
    texts = {pid: indexing.matching_text(norm, [normalise(t) for t in json.loads(section)])
             for pid, (norm, section) in norms.items()}
    anchors = index.term_stats({anchor for _, _, anchor in phrases})
    recorded = 0
    for wid, phrase, anchor in phrases:
        holding = {pid for pid, _, _ in index.posting_rows(anchors[anchor][0])} if anchor in anchors else set()
        expected = sorted(pid for pid in holding if phrase in texts[pid])
        assert index.written_pids(wid) == expected, phrase
        recorded += bool(expected)
    assert recorded > 50


def test_explain_changes_no_score(searcher):
    """``--explain`` scores the shown passages again to break their scores down: the
    hits, their order, scores and totals are those of the plain search, and each
    passage scored alone scores as in the whole run."""
    for query in QUERIES:
        for kinds in [(), ("paragraph",)]:
            quick = searcher.search(query, limit=50, kinds=kinds)
            full = searcher.search(query, limit=50, kinds=kinds, explain=True)
            assert [(h.passage.id, h.score) for h in quick.hits] == [(h.passage.id, h.score) for h in full.hits], query
            assert quick.total == full.total, query
            assert all(h.explain for h in full.hits), query
        whole = _exact(searcher, query)
        some = set(list(whole)[::7])
        terms, stats = _query(searcher, query)
        part = searcher.scorer.score(terms, stats, among=some, explain=True)
        assert part.values == {pid: whole[pid] for pid in some}, query
        assert set(part.explained) == some, query


def test_a_concept_counts_once_however_it_is_covered(searcher):
    """Coordination is the share of the query's concepts a passage covers: at most 1,
    so a score is never above the sum of its parts, even where a concept is covered
    both by the words it spans and by the document's title. The engine's bound on
    carbon's scores (``engine.reach``) holds only so."""
    for query in [*QUERIES, "國際合作", "国际合作 低碳技术", "地方 先行先试"]:
        terms, stats = _query(searcher, query)
        scores = searcher.scorer.score(terms, stats, explain=True)
        scores.settle(list(scores.values))
        for pid, parts in scores.explained.items():
            assert scores.values[pid] <= sum(part.score for part in parts) * (1 + 1e-9), (query, pid)


def test_counting_terms_sees_the_ids_the_index_stores(home):
    """A parser bug that repeats a passage id must not make a parallel build (which counts
    the parsed passages) differ from a serial one (which counts what it stores): kinds
    are carried from parent to child by id."""
    from carbon_cli.model import Passage

    def passage(pid: str, kind: str, parent: str | None, text: str) -> Passage:
        return Passage(pid, "d", kind, None, "", "", parent, (), 0, len(text), text)

    passages = [
        passage("s1", "heading", None, "一、重点任务"),
        passage("s1", "action", None, "（一）科技支撑行动。"),
        passage("s1.p1", "paragraph", "s1", "推动储能技术创新。"),
    ]
    pipeline = Catalog(Home()).pipeline
    assert indexing.count_terms(pipeline, passages) == indexing.count_terms(pipeline, indexing.unique_ids(passages))


def test_shown_hits_are_the_best_of_all(searcher):
    """Priors and unread texts are looked up only for the hits that can reach the shown
    ones: the hits shown are still the best of every hit scored in full, in order."""
    for query in ["储能", "碳达峰碳中和", "双碳目标", "保障措施", "工作原则", "energy efficiency standards", "可再生能源 消纳",
                  "国家发展和改革委员会", "科技支撑双碳实施方案有哪些重点任务"]:
        named = searcher.named(query, ())  # a document the query names: the rest is scored, in it alone
        exact = _exact(searcher, named.rest if named is not None and named.rest else query)
        if named is not None and named.docs:
            inside = searcher.index.filter_pids(exact, (), named.docs)
            exact = {pid: v for pid, v in exact.items() if pid in inside}
        priors = searcher.scorer.priors(exact)
        ranked = sorted(exact, key=lambda pid: (-exact[pid] * priors.get(pid, 1.0), pid))
        for limit in (1, 3, 10, 40):
            hits = searcher.search(query, limit=limit).hits
            assert [h.score for h in hits] == [exact[pid] * priors.get(pid, 1.0) for pid in ranked[:limit]], query
            assert len({h.passage.id for h in hits}) == len(hits)


def test_a_common_part_of_a_query_word_makes_no_hits(searcher):
    """能源 inside 可再生能源: a part that many passages hold is not looked for, so it
    does not make them hits; a rarer part still is."""
    index = searcher.index
    stats = index.term_stats(["能源", "可再生"])
    common, rare = stats["能源"][1] / index.n, stats["可再生"][1] / index.n
    assert common > rare

    def tuned(common_part: float) -> Searcher:
        return Searcher(index, searcher.pipeline, tuning=Tuning(common_part=common_part))

    every = tuned(1.0).search("可再生能源", limit=5)
    fewer = tuned((common + rare) / 2).search("可再生能源", limit=5)

    def parts(result):  # type: ignore[no-untyped-def]
        return {t.term for t in result.terms if not t.group}

    assert "能源" in parts(every) and "能源" not in parts(fewer) and "可再生" in parts(fewer)
    assert fewer.hits and fewer.total < every.total


def test_a_record_of_another_vocabulary_is_not_used(searcher):
    """A phrase recorded with an anchor that is no word of the expansion (an index built
    when the vocabulary cut it otherwise) is not used: its texts are read, and the
    scores are those of reading every text."""
    terms, stats = _query(searcher, "CCUS")
    before = _exact(searcher, "CCUS")
    assert searcher.scorer.recorded(terms, stats)
    searcher.index.conn.execute("UPDATE phrases SET anchor = '不是其中的词'")
    assert searcher.scorer.recorded(terms, stats) == {}
    assert _exact(searcher, "CCUS") == before
