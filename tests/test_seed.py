"""The shipped document's structure, as the CLI reports it."""

from __future__ import annotations

import json

from helpers import SEED_ACTIONS

PRINCIPLES = ["统筹当前和长远", "统筹科技创新与政策创新", "统筹科技部门和相关方面的工作"]
GUARANTEES = ["加强机制保障", "加强碳中和技术跟踪监测", "加强技术成果的产权保护"]


def _json(cli, *args):
    result = cli(*args, "--json")
    assert result.code == 0, result
    return json.loads(result.stdout)


def test_actions_list_gives_the_ten_titles_in_order(cli):
    items = _json(cli, "actions", "--list")
    assert [i["title"] for i in items] == SEED_ACTIONS
    assert [i["number"] for i in items] == list(range(1, 11))
    assert [i["id"] for i in items] == [f"qa/action/{n}" for n in range(1, 11)]
    for item in items:
        assert {"id", "doc", "kind", "number", "title", "text"} <= item.keys()
        assert item["doc"] == "qa" and item["kind"] == "action"
        assert item["text"].startswith(item["label"] + item["title"])


def test_principles_and_guarantees(cli):
    assert [i["title"] for i in _json(cli, "principles")] == PRINCIPLES
    guarantees = _json(cli, "guarantees")
    assert [i["title"] for i in guarantees] == GUARANTEES
    # the three guarantees are written inline in one paragraph: three separate passages
    assert len({g["text"] for g in guarantees}) == 3
    assert all(g["text"].startswith(label) for g, label in zip(guarantees, ["一是", "二是", "三是"]))


def test_one_action_in_full(cli):
    [action] = _json(cli, "actions", "4")
    assert action["title"] == SEED_ACTIONS[3]
    assert "CCUS" in action["text"] and "氧化亚氮" in action["text"]
    assert action["section"] and "重点任务" in action["section"][0]


def test_offsets_point_into_the_seed(cli):
    from helpers import SEED

    source = SEED.read_text(encoding="utf-8")
    for doc in _json(cli, "outline"):
        stack = list(doc["outline"])
        while stack:
            node = stack.pop()
            assert source[node["start"] : node["end"]] == node["text"]
            stack.extend(node["children"])


def test_questions_answers_and_attachment(cli):
    [qa] = [d for d in _json(cli, "outline") if d["id"] == "qa"]
    top = [(n["kind"], n["number"]) for n in qa["outline"]]
    assert top[0] == ("intro", None)
    assert [n for k, n in top if k == "question"] == [1, 2, 3, 4]
    assert top[-1][0] == "attachment"
    question3 = next(n for n in qa["outline"] if n["id"] == "qa/question/3")
    kinds = [c["kind"] for c in question3["children"]]
    assert kinds == ["answer"] + ["action"] * 10
    attachment = _json(cli, "show", "qa/attachment")
    assert "附件下载" in attachment["text"] and attachment["text"].rstrip().endswith(".pdf")


def test_news_teasers_are_documents_of_their_own(cli):
    docs = _json(cli, "docs", "list")
    news = [d for d in docs if d["id"].startswith("news-")]
    assert [d["id"] for d in news] == [f"news-{i:02d}" for i in range(1, 11)]
    assert all(d["truncated"] for d in news)
    first = _json(cli, "show", "news-01/news")
    assert first["text"].startswith("一、出台《若干措施》")
    assert first["doc"] == "news-01"
    # it is not a fifth question of the Q&A
    questions = [p for p in _json(cli, "show", "qa") if p["kind"] == "question"]
    assert len(questions) == 4


def test_unknown_numbers_and_ids_are_usage_errors(cli):
    result = cli("actions", "11")
    assert result.code == 2
    assert result.stderr.startswith("carbon: error: no action 11") and result.stderr.count("\n") == 1
    result = cli("show", "qa/action/99")
    assert result.code == 2 and "qa/action/99" in result.stderr
    assert cli("actions", "0").code == 2
