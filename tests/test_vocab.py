"""The user's own vocabulary in CARBON_HOME (``carbon vocab``) and ``carbon analyze``."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import OPINIONS

# A term of the dual-carbon opinions that jieba cuts in two (碳排放权 / 交易市场).
MARKET = "碳排放权交易市场"


def _words(cli, text: str) -> list[str]:
    result = cli("analyze", "--json", text)
    assert result.code == 0, result
    return [token["word"] for token in json.loads(result.stdout)["tokens"]]


def _index_terms(cli, query: str) -> list[str]:
    result = cli("search", "--json", "--explain", query)
    return [term["term"] for term in json.loads(result.stdout)["terms"]] if result.code == 0 else []


def test_an_added_word_is_kept_whole_in_documents_and_queries(cli):
    assert cli("docs", "add", str(OPINIONS)).code == 0
    assert _words(cli, MARKET) == ["碳排放权", "交易市场"]
    added = cli("vocab", "add", MARKET, "--json")
    assert added.code == 0, added
    assert json.loads(added.stdout)["word"] == MARKET
    analysis = json.loads(cli("analyze", "--json", MARKET).stdout)
    assert [(t["word"], t["source"]) for t in analysis["tokens"]] == [(MARKET, "user")]
    # the index was rebuilt with the new word: it is a term of the passages that hold it
    counted = {term["term"]: term["passages"] for term in analysis["query"]["terms"]}
    assert counted[MARKET] >= 1
    hits = json.loads(cli("search", "--json", MARKET).stdout)["results"]
    assert MARKET in hits[0]["text"]


def test_a_synonym_of_the_user_finds_the_documents_word(cli):
    assert cli("docs", "add", str(OPINIONS)).code == 0
    assert cli("vocab", "add", MARKET, "--synonym", "全国碳市场").code == 0
    result = cli("search", "--json", "--explain", "全国碳市场")
    assert result.code == 0, result
    data = json.loads(result.stdout)
    assert any(term["source"] == "synonym of 全国碳市场" and term["term"] == MARKET for term in data["terms"])
    assert MARKET in data["results"][0]["text"]


def test_an_english_phrase_of_the_user_is_searched_in_chinese(cli):
    assert cli("docs", "add", str(OPINIONS)).code == 0
    assert cli("vocab", "add", MARKET, "--english", "emissions trading scheme").code == 0
    data = json.loads(cli("search", "--json", "emissions trading scheme").stdout)
    assert MARKET in data["results"][0]["text"]


def test_vocab_list_and_remove(cli, home: Path):
    assert cli("vocab", "list").code == 1  # nothing yet
    assert cli("vocab", "add", "绿电直连", "-s", "绿电直供", "-e", "direct green power", "--freq", "5000").code == 0
    listed = json.loads(cli("vocab", "list", "--json").stdout)
    assert listed == [{"word": "绿电直连", "frequency": 5000, "synonyms": ["绿电直供"], "english": ["direct green power"]}]
    assert _words(cli, "绿电直连") == ["绿电直连"]
    assert cli("vocab", "remove", "绿电直连").code == 0
    assert cli("vocab", "list").code == 1
    assert _words(cli, "绿电直连") != ["绿电直连"]
    for name in ("userdict.txt", "synonyms.tsv", "glossary_en.tsv"):
        assert "绿电直连" not in (home / name).read_text(encoding="utf-8")


def test_removing_a_word_not_there_is_an_error(cli):
    result = cli("vocab", "remove", "不存在的词")
    assert result.code == 2
    assert "not in your vocabulary" in result.stderr


def test_a_hand_edited_user_dictionary_is_honoured(cli, home: Path):
    assert cli("docs", "add", str(OPINIONS)).code == 0
    assert _words(cli, MARKET) != [MARKET]
    (home / "userdict.txt").write_text("# my words\n碳排放权交易市场 30000\n", encoding="utf-8")
    assert _words(cli, MARKET) == [MARKET]
    assert MARKET in _index_terms(cli, MARKET)
    # the user's comment survives an edit through the command
    assert cli("vocab", "add", "碳普惠制").code == 0
    assert (home / "userdict.txt").read_text(encoding="utf-8").startswith("# my words\n")


def test_words_that_cannot_be_a_cell_are_refused(cli):
    for word in ("a\tb", "line\nbreak", "长" * 41, "   "):
        result = cli("vocab", "add", word)
        assert result.code == 2, (word, result)
    assert cli("vocab", "add", "词", "--freq", "0").code == 2


def test_analyze_maps_every_word_to_the_text_as_typed(cli):
    text = "碳達峰ＣＣＵＳ與新型儲能，怎麼發展？"
    data = json.loads(cli("analyze", "--json", text).stdout)
    assert data["normalised"] == "碳达峰ccus与新型储能,怎么发展?"
    for token in data["tokens"]:
        assert text[token["start"]:token["end"]] == token["text"]
    sources = {token["word"]: token["source"] for token in data["tokens"]}
    assert sources["碳达峰"] == "carbon" and sources["ccus"] == "carbon" and sources["发展"] == "jieba"
    stops = {token["word"] for token in data["tokens"] if token["stop"]}
    assert {",", "?"} <= stops and "碳达峰" not in stops
    assert "ccus" in data["index_terms"]


def test_analyze_shows_what_a_search_would_expand_to(cli):
    data = json.loads(cli("analyze", "--json", "CCUS").stdout)
    terms = {term["term"]: term for term in data["query"]["terms"]}
    assert terms["ccus"]["weight"] == 1.0 and terms["ccus"]["passages"] >= 1
    assert any(t["source"].startswith("synonym of ccus") for t in data["query"]["terms"])


def test_analyze_terminal_view_names_the_dictionaries(run_carbon):
    result = run_carbon("analyze", "碳达峰", "发展")
    assert result.code == 0, result
    assert "carbon" in result.stdout and "jieba" in result.stdout and "\x1b[" not in result.stdout
