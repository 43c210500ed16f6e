"""Search quality: the metrics, the judged set, and the floor the ranking must stay above.

The floor test is the CI gate: ``data/eval_floor.json`` holds numbers a little below
those measured when it was last raised (see ``docs/ranking.md``); a change that
ranks worse than that fails here.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from carbon_cli import render_eval
from carbon_cli.evaluate import (
    METRICS,
    Judged,
    Outcome,
    eval_index,
    evaluate,
    load_judgments,
    ndcg,
    query_metrics,
    recall,
    reciprocal_rank,
    run,
    summarise,
    top1,
)
from carbon_cli.model import CarbonError
from carbon_cli.resources import data_file
from helpers import OPINIONS_ID, ROOT, STORAGE_ID

FLOOR = ROOT / "data" / "eval_floor.json"
CATEGORIES = {"exact", "multi", "question", "synonym", "variant", "english", "traditional", "news", "cross"}


@pytest.fixture(scope="module")
def report(shared_cache: Path):
    """The shipped set, evaluated once for the module."""
    return evaluate(cache=shared_cache)


@pytest.fixture(scope="module")
def eval_passages(shared_cache: Path) -> dict:
    with eval_index(shared_cache) as (_, index):
        return {p.id: p for p in index.passages()}


# -- metrics, on cases computed by hand ---------------------------------------------


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(["a", "b", "c"], {"b": 2}) == 0.5
    assert reciprocal_rank(["a", "b", "c"], {"c": 1, "b": 2}) == 0.5
    assert reciprocal_rank(["a"], {"a": 1}) == 1.0
    assert reciprocal_rank([], {"a": 1}) == 0.0


def test_reciprocal_rank_counts_only_the_top_ten():
    ranking = [f"x{i}" for i in range(10)] + ["a"]
    assert reciprocal_rank(ranking, {"a": 2}) == 0.0
    assert reciprocal_rank(ranking, {"a": 2}, k=11) == pytest.approx(1 / 11)


def test_ndcg_uses_graded_gain_and_log_discount():
    # one grade-2 passage at rank 2: (2^2-1)/log2(3) over the ideal (2^2-1)/log2(2)
    assert ndcg(["a", "b"], {"b": 2}) == pytest.approx(1 / math.log2(3))
    # grades 1 at rank 1 and 2 at rank 3: DCG = 1 + 3/2; ideal = 3 + 1/log2(3)
    assert ndcg(["a", "b", "c"], {"a": 1, "c": 2}) == pytest.approx(2.5 / (3 + 1 / math.log2(3)))
    assert ndcg(["c", "a"], {"a": 1, "c": 2}) == pytest.approx(1.0)
    assert ndcg(["x"], {"a": 1}) == 0.0


def test_ndcg_ideal_is_cut_at_k():
    relevant = {f"r{i}": 2 for i in range(12)}
    assert ndcg([f"r{i}" for i in range(10)], relevant) == pytest.approx(1.0)


def test_recall_counts_every_relevant_passage_in_the_top_five():
    relevant = {"a": 2, "b": 1, "c": 1, "d": 2}
    assert recall(["a", "x", "b", "y", "z", "c"], relevant) == 0.5
    assert recall(["a", "b", "c", "d"], relevant) == 1.0
    assert recall([], relevant) == 0.0


def test_top1_is_whether_the_first_result_is_relevant():
    assert top1(["a", "b"], {"a": 1}) == 1.0
    assert top1(["b", "a"], {"a": 1}) == 0.0
    assert top1([], {"a": 1}) == 0.0


def test_summary_averages_per_query_per_category_and_overall():
    first = Outcome(Judged("q1", "x", "q", {"a": 2}), ["a"])
    second = Outcome(Judged("q2", "y", "q", {"a": 2}), ["b", "a"])
    overall, categories = summarise([first, second])
    assert overall["mrr@10"] == 0.75 and overall["top1"] == 0.5 and overall["queries"] == 2
    assert categories["x"]["mrr@10"] == 1.0 and categories["y"]["mrr@10"] == 0.5
    assert query_metrics(["b", "a"], {"a": 2})["recall@5"] == 1.0


def test_misses_list_the_queries_without_a_relevant_first_result():
    judged = [Judged("q1", "x", "one", {"a": 2}), Judged("q2", "x", "two", {"a": 2, "c": 1}), Judged("q3", "x", "three", {"z": 1})]
    rankings = {"one": ["a"], "two": ["b", "c", "a"], "three": ["b"]}
    report = run(judged, lambda q: [(pid, 1.0) for pid in rankings[q]])
    assert [o.judged.qid for o in report.misses] == ["q2", "q3"]
    assert report.misses[0].first_relevant == 2 and report.misses[0].ranks == {"a": 3, "c": 2}
    assert report.misses[1].first_relevant is None
    data = render_eval.report_json(report)
    assert data["misses"][0]["relevant"] == [{"id": "a", "grade": 2, "rank": 3}, {"id": "c", "grade": 1, "rank": 2}]


# -- the judged set -------------------------------------------------------------------


def test_the_shipped_set_parses_with_every_category():
    judged = load_judgments()
    assert len(judged) >= 80
    assert {j.category for j in judged} == CATEGORIES
    assert len({j.qid for j in judged}) == len(judged)
    assert all(j.relevant and set(j.relevant.values()) <= {1, 2} for j in judged)
    docs = {pid.split("/")[0] for j in judged for pid in j.relevant}
    assert {"qa", OPINIONS_ID, STORAGE_ID} <= docs


def test_every_judged_passage_is_a_body_passage_of_the_eval_index(eval_passages):
    for judged in load_judgments():
        for pid in judged.relevant:
            assert pid in eval_passages, f"{judged.qid}: {pid} is not in the evaluation index"
            assert eval_passages[pid].kind not in ("heading", "title"), f"{judged.qid}: {pid} is a heading"


def test_the_held_out_set_parses_and_names_body_passages_of_the_eval_index(eval_passages):
    """data/judgments_holdout.tsv: a second judged set, measured in docs/ranking.md."""
    judged = load_judgments(ROOT / "data" / "judgments_holdout.tsv")
    assert len(judged) == 60 and all(j.qid.startswith("holdout-") for j in judged)
    assert {j.category for j in judged} <= CATEGORIES
    for item in judged:
        for pid in item.relevant:
            assert pid in eval_passages, f"{item.qid}: {pid} is not in the evaluation index"
            assert eval_passages[pid].kind not in ("heading", "title"), f"{item.qid}: {pid} is a heading"


def test_the_eval_corpus_is_the_seed_and_the_two_fixture_documents(report):
    assert {"qa", "news-01", "news-10", OPINIONS_ID, STORAGE_ID} <= set(report.corpus)
    assert not {d for d in report.corpus if d not in (OPINIONS_ID, STORAGE_ID) and not d.startswith(("qa", "news-"))}


def test_a_malformed_judged_set_is_an_error_naming_the_line(tmp_path: Path):
    path = tmp_path / "q.tsv"
    path.write_text("qid\tcategory\tquery\trelevant\nq1\tx\t碳汇\tqa/action/4:3\n", encoding="utf-8")
    with pytest.raises(CarbonError, match=r"q.tsv:2: .*grade 1 or 2"):
        load_judgments(path)
    path.write_text("id\tquery\n", encoding="utf-8")
    with pytest.raises(CarbonError, match="header"):
        load_judgments(path)


# -- the command ----------------------------------------------------------------------


def test_eval_json_reports_the_metrics_overall_per_category_and_the_misses(cli, report):
    result = cli("eval", "--json")
    assert result.code == 0, result
    data = json.loads(result.stdout)
    assert data["queries"] == report.queries >= 80
    assert set(data["categories"]) == CATEGORIES
    for values in [data["overall"], *data["categories"].values()]:
        assert set(METRICS) <= set(values) and all(0.0 <= values[m] <= 1.0 for m in METRICS)
    assert data["overall"] == report.overall
    assert len(data["misses"]) == len(report.misses)
    assert all(m["first_relevant_rank"] != 1 for m in data["misses"])


def test_eval_ignores_the_users_library(cli, home, report, tmp_path: Path):
    extra = tmp_path / "extra.txt"
    extra.write_text("关于储能的通知\n储能 储能 储能 碳汇 碳汇 CCUS 工作原则 保障措施\n", encoding="utf-8")
    assert cli("docs", "add", str(extra)).code == 0
    data = json.loads(cli("eval", "--json").stdout)
    assert data["overall"] == report.overall
    assert "extra" not in data["corpus"]


def test_eval_of_a_custom_set(cli, tmp_path: Path):
    path = tmp_path / "mine.tsv"
    path.write_text("qid\tcategory\tquery\trelevant\nq1\tmine\t短流程\tqa/action/2:2\n", encoding="utf-8")
    data = json.loads(cli("eval", str(path), "--json").stdout)
    assert data["queries"] == 1 and data["overall"]["mrr@10"] == 1.0 and data["misses"] == []


def test_eval_all_measures_every_shipped_set_each_over_its_own_documents(cli, report):
    result = cli("eval", "--all", "--json")
    assert result.code == 0, result
    sets = json.loads(result.stdout)["sets"]
    assert list(sets) == ["judgments.tsv", "judgments_holdout.tsv", "judgments_library.tsv",
                          "judgments_library_holdout.tsv"]
    assert sets["judgments.tsv"]["overall"] == report.overall  # the same run as the set alone
    assert all(data["queries"] == len(load_judgments(data_file(name))) for name, data in sets.items())
    assert "jiangxi-carbon-peak-implementation-plan-2022" in sets["judgments_library.tsv"]["corpus"]
    assert "jiangxi-carbon-peak-implementation-plan-2022" not in sets["judgments.tsv"]["corpus"]
    table = cli("eval", "--all")
    assert table.code == 0 and all(name in table.stdout for name in sets)
    refused = cli("eval", "--all", "mine.tsv")
    assert refused.code == 2 and "--all" in refused.stderr


def test_eval_refuses_passages_outside_the_eval_corpus(cli, tmp_path: Path):
    path = tmp_path / "mine.tsv"
    path.write_text("qid\tcategory\tquery\trelevant\nq1\tmine\t碳汇\tnowhere/p1:2\n", encoding="utf-8")
    result = cli("eval", str(path))
    assert result.code == 2
    assert "nowhere/p1" in result.stderr and "not in the evaluation index" in result.stderr


def test_eval_prints_a_table_and_the_misses(cli):
    result = cli("eval")
    assert result.code == 0, result
    assert "overall" in result.stdout and "mrr@10" in result.stdout
    assert "without a relevant passage at rank 1" in result.stdout


# -- the floor: quality only moves up ----------------------------------------------------


def test_quality_stays_above_the_floor(report):
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    assert report.queries >= floor["queries"]
    below = []
    for metric, minimum in floor["overall"].items():
        if report.overall[metric] < minimum:
            below.append(f"overall {metric} {report.overall[metric]:.4f} < {minimum}")
    for category, metrics in floor["categories"].items():
        for metric, minimum in metrics.items():
            value = report.categories[category][metric]
            if value < minimum:
                below.append(f"{category} {metric} {value:.4f} < {minimum}")
    assert not below, "ranking got worse than data/eval_floor.json: " + "; ".join(below)


@pytest.mark.parametrize("name", ["judgments_library.tsv", "judgments_library_holdout.tsv"])
def test_the_library_sets_stay_above_their_floor(shared_cache: Path, name: str):
    """The sets judged over a library (data/eval_library/), the held-out one included."""
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))["sets"][name]
    report = evaluate(ROOT / "data" / name, cache=shared_cache)
    assert report.queries >= floor["queries"]
    assert set(report.corpus) >= {OPINIONS_ID, STORAGE_ID, "sc-peak-action-plan-2030-2021", "qa"}
    below = [f"overall {m} {report.overall[m]:.4f} < {v}" for m, v in floor["overall"].items() if report.overall[m] < v]
    below += [
        f"{c} mrr@10 {report.categories[c]['mrr@10']:.4f} < {v['mrr@10']}"
        for c, v in floor["categories"].items()
        if report.categories[c]["mrr@10"] < v["mrr@10"]
    ]
    assert not below, f"ranking of {name} got worse than data/eval_floor.json: " + "; ".join(below)


def test_a_set_names_the_documents_it_is_judged_over(tmp_path: Path):
    from carbon_cli.evaluate import judged_corpus

    assert judged_corpus(ROOT / "data" / "judgments_library.tsv") == "eval_library"
    assert judged_corpus(ROOT / "data" / "judgments.tsv") == "eval_corpus"
    bad = tmp_path / "bad.tsv"
    bad.write_text("# corpus: nowhere\nqid\tcategory\tquery\trelevant\n", encoding="utf-8")
    with pytest.raises(CarbonError, match="names no folder"):
        judged_corpus(bad)
