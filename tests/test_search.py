"""Search through the CLI: ranking, highlights, excerpts, filters, exit codes."""

from __future__ import annotations

import json

import pytest

from helpers import FIXTURES


def _search(cli, *args):
    result = cli("search", *args, "--json")
    assert result.code in (0, 1), result
    return result, json.loads(result.stdout)


def test_ccus_puts_action_4_first_with_ccus_highlighted(cli):
    result, data = _search(cli, "CCUS")
    assert result.code == 0
    assert data["query"] == "CCUS" and data["tokens"] == ["ccus"]
    top = data["results"][0]
    assert top["id"] == "qa/action/4" and top["rank"] == 1
    covered = [top["text"][s:e] for s, e in top["highlights"]]
    assert "CCUS" in covered


def test_result_schema(cli):
    _, data = _search(cli, "碳汇")
    assert set(data) >= {"query", "tokens", "results"}
    for hit in data["results"]:
        assert set(hit) >= {"rank", "id", "doc", "kind", "number", "title", "section", "score", "text", "excerpt", "highlights"}
        assert isinstance(hit["section"], list) and isinstance(hit["score"], float)
        start = hit["excerpt_start"]
        assert hit["text"][start : start + len(hit["excerpt"])] == hit["excerpt"]
    assert [h["rank"] for h in data["results"]] == list(range(1, len(data["results"]) + 1))
    scores = [h["score"] for h in data["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["碳汇", "ＣＣＵＳ", "ccus", "温室气体 甲烷", "知識產權", "国际合作"])
def test_highlights_lie_in_the_text_and_cover_query_words(cli, query):
    _, data = _search(cli, query)
    assert data["results"], query
    for hit in data["results"]:
        text = hit["text"]
        spans = hit["highlights"]
        assert spans == sorted(spans)
        for start, end in spans:
            assert 0 <= start < end <= len(text)
    # the top hit shows at least one highlighted word of the query
    assert data["results"][0]["highlights"]


def test_width_and_case_variants_match_the_original_and_highlight_it(cli):
    _, data = _search(cli, "ＣＣＵＳ")
    top = data["results"][0]
    assert top["id"] == "qa/action/4"
    assert [top["text"][s:e] for s, e in top["highlights"]] == ["CCUS"]


def test_traditional_query_finds_simplified_text(cli):
    _, data = _search(cli, "知識產權")
    assert data["results"][0]["id"] == "qa/guarantee/3"
    assert "知识产权" in [data["results"][0]["text"][s:e] for s, e in data["results"][0]["highlights"]]


def test_several_terms(cli):
    _, data = _search(cli, "甲烷", "氧化亚氮")
    assert data["results"][0]["id"] == "qa/action/4"
    covered = {data["results"][0]["text"][s:e] for s, e in data["results"][0]["highlights"]}
    assert {"甲烷", "氧化亚氮"} <= covered


def test_news_teaser_found_not_the_qa(cli):
    _, data = _search(cli, "食养指南")
    assert data["results"]
    assert all(hit["doc"].startswith("news-") for hit in data["results"])
    assert data["results"][0]["doc"] == "news-10"


def test_hits_are_decided_by_presence_not_score(cli):
    """A word in most passages has a small idf; every passage containing it is still a hit."""
    _, data = _search(cli, "碳达峰", "-n", "100")
    ids = {h["id"] for h in data["results"]}
    result = cli("show", "qa", "--json")
    containing = {p["id"] for p in json.loads(result.stdout) if "碳达峰" in p["text"]}
    assert containing <= ids


def test_kind_and_doc_filters(cli):
    _, data = _search(cli, "技术", "--kind", "action")
    assert data["results"] and all(h["kind"] == "action" for h in data["results"])
    _, data = _search(cli, "技术", "--doc", "qa", "-n", "50")
    assert data["results"] and all(h["doc"] == "qa" for h in data["results"])
    _, data = _search(cli, "技术 kind:guarantee")
    assert data["results"] and all(h["kind"] == "guarantee" for h in data["results"])


def test_limit(cli):
    _, data = _search(cli, "低碳", "-n", "3")
    assert len(data["results"]) == 3 and data["total"] > 3


def test_required_excluded_and_phrase(cli):
    _, data = _search(cli, "低碳 -零碳")
    assert data["results"] and all("零碳" not in h["text"] for h in data["results"])
    _, data = _search(cli, "技术 +甲烷")
    assert [h["id"] for h in data["results"]] == ["qa/action/4"]
    _, data = _search(cli, '"蓝色碳汇"')
    assert [h["id"] for h in data["results"]] == ["qa/action/4"]


def test_no_hits_is_exit_1_with_valid_json(cli):
    result, data = _search(cli, "量子计算机")
    assert result.code == 1
    assert data["results"] == [] and data["total"] == 0


def test_no_hits_suggests_on_stderr(cli):
    result = cli("search", "量子计算")
    assert result.code == 1 and result.stdout == ""
    assert "no passage matches" in result.stderr


def test_synonym_ranks_below_literal(cli):
    """双碳 is written in guarantee 1; passages that only say 碳达峰碳中和 come after it."""
    _, data = _search(cli, "双碳", "-n", "20")
    assert data["results"][0]["id"] == "qa/guarantee/1"
    later = [h for h in data["results"][1:] if "双碳" not in h["text"]]
    assert later and all(h["score"] < data["results"][0]["score"] for h in later)


def test_english_query(cli):
    _, data = _search(cli, "blue carbon")
    assert data["results"][0]["id"] == "qa/action/4"
    assert "蓝色碳汇" in [data["results"][0]["text"][s:e] for s, e in data["results"][0]["highlights"]]


def test_question_words_do_not_swamp_the_content(cli):
    _, data = _search(cli, "低碳科技企业怎么培育?")
    assert data["results"][0]["id"] == "qa/action/9"
    assert "怎么" not in data["tokens"]


def test_explain_lists_terms_and_contributions(cli):
    result = cli("search", "CCUS", "--explain", "--json")
    data = json.loads(result.stdout)
    assert any(t["term"] == "ccus" and t["source"] == "query" for t in data["terms"])
    top = data["results"][0]
    assert top["explain"] and abs(sum(c["score"] for c in top["explain"]) - top["score"]) < 1e-3


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", ""], "empty query"),
        (["search", "   "], "empty query"),
        (["search", "碳", "--limit", "0"], "--limit"),
        (["search", "碳", "--kind", "nonsense"], "unknown kind"),
        (["search", "碳", "--doc", "nope"], "no document"),
        (["search", "碳", "--bogus"], "--bogus"),
        (["search", "x" * 3000], "limit is"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_usage_errors_are_one_line_exit_2(cli, args, message):
    result = cli(*args)
    assert result.code == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("carbon: error:") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_punctuation_only_query_has_no_hits(cli):
    result, data = _search(cli, "，。！？")
    assert result.code == 1 and data["results"] == []


@pytest.mark.parametrize("query", ["Blue-Carbon", "blue carbons", "CCUS technologies", "carbon capture, utilisation and storage technologies"])
def test_english_plurals_hyphens_and_case_reach_the_glossary(cli, query):
    _, data = _search(cli, query)
    assert data["results"][0]["id"] == "qa/action/4"


def test_a_markdown_capture_s_html_breaks_are_no_text_of_an_excerpt(cli):
    """The NEA Q&A's article is one table cell broken with <br>: the terminal shows
    spaces of their length, the JSON the passage's own text, and the offsets hold."""
    assert cli("docs", "add", str(FIXTURES / "real" / "nea_qa_new_power_market_entities_2024.md")).code == 0
    shown = cli("search", "单一技术类 主体", "--doc", "nea-qa-new-power-market-entities-2024", "-n", "1")
    assert shown.code == 0 and "单一技术类" in shown.stdout and "<br>" not in shown.stdout
    hit = json.loads(cli("search", "单一技术类 主体", "--doc", "nea-qa-new-power-market-entities-2024",
                         "-n", "1", "--json").stdout)["results"][0]
    assert "<br>" in hit["text"]
    assert hit["highlights"] and all(set(hit["text"][a:b]) <= set("单一技术类主体") for a, b in hit["highlights"])
