"""Ranking behaviour that depends on a document's structure and on the vocabulary,
checked through the real pipeline on the shipped seed and the storage guidance."""

from __future__ import annotations

import json

from helpers import OPINIONS_ID, STORAGE_ID


def _ids(cli, *args: str) -> list[str]:
    result = cli("search", *args, "--json")
    assert result.code in (0, 1), result
    return [hit["id"] for hit in json.loads(result.stdout)["results"]]


def test_the_body_of_a_one_line_safeguard_is_found_as_a_safeguard(library):
    """s6.17.p1 never says 保障措施; it carries the kind of the item it belongs to."""
    ids = _ids(library, "保障措施", "--doc", STORAGE_ID, "-n", "20")
    assert f"{STORAGE_ID}/s6.17.p1" in ids


def test_a_one_line_item_ranks_below_the_paragraph_it_introduces(library):
    ids = _ids(library, "地方 先行先试")
    assert ids.index(f"{STORAGE_ID}/s6.17.p1") < ids.index(f"{STORAGE_ID}/guarantee/3")


def test_semantic_kinds_are_inherited_down_the_outline():
    from carbon_cli.indexing import semantic_kinds
    from carbon_cli.model import Passage

    def passage(pid: str, kind: str, parent: str | None) -> Passage:
        return Passage(pid, "d", kind, None, "", "", parent, (), 0, 0, "")

    passages = [
        passage("d/s6", "heading", None),
        passage("d/guarantee/1", "guarantee", "d/s6"),
        passage("d/s6.15.p1", "paragraph", "d/guarantee/1"),
        passage("d/s6.15.p1.x", "paragraph", "d/s6.15.p1"),
        passage("d/s7", "paragraph", "d/s6"),
    ]
    assert semantic_kinds(passages) == {
        "d/guarantee/1": "guarantee", "d/s6.15.p1": "guarantee", "d/s6.15.p1.x": "guarantee",
    }


def test_a_kind_word_inside_a_query_word_is_one_concept_with_it(library):
    """工作原则 is satisfied by the word or by principle items, not counted twice: the
    opinions' own 工作原则 come before the Q&A's principles that only share 碳达峰碳中和."""
    ids = _ids(library, "碳达峰碳中和的工作原则有哪些")
    assert ids[0].startswith(OPINIONS_ID)


def test_question_words_may_carry_a_trailing_comment(cli):
    result = cli("search", "除了锂电池还有哪些储能技术路线", "--json")
    tokens = json.loads(result.stdout)["tokens"]
    assert "除了" not in tokens and "还有" not in tokens and "锂电池" in tokens


def test_words_typed_together_rank_a_passage_that_has_them_together_first(library):
    """qa/action/1 says 能源绿色低碳转型 verbatim; s10.25 repeats 绿色 but never in that run."""
    assert _ids(library, "能源綠色低碳轉型")[0] == "qa/action/1"


def _rows(name: str) -> list[list[str]]:
    from carbon_cli.resources import data_file

    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def test_related_file_is_one_row_per_head_and_never_repeats_a_synonym():
    rows = _rows("related.tsv")
    assert len(rows) >= 80
    heads = [row[0] for row in rows]
    assert len(heads) == len(set(heads))
    synonyms = {term: set(group) for group in _rows("synonyms.tsv") for term in group}
    for row in rows:
        assert len(row) >= 2 and all(t and t == t.strip() and " " not in t for t in row), row
        assert len(set(row)) == len(row), row
        assert not set(row[1:]) & synonyms.get(row[0], set()) - {row[0]}, f"{row[0]}: a synonym belongs in synonyms.tsv"


def test_a_related_term_reaches_what_the_query_word_never_does(library):
    """碳税 is in no passage; the opinions' 研究碳减排相关税收政策 … 碳价机制 is found through
    税收 and 碳价 (a carbon tax is a tax and a carbon price)."""
    result = library("search", "碳税", "--explain", "--json")
    data = json.loads(result.stdout)
    assert data["results"][0]["id"] == f"{OPINIONS_ID}/s12.32"
    sources = {t["source"] for t in data["terms"]}
    assert any(source.startswith("related to 碳税") for source in sources)


def test_a_related_term_ranks_below_the_literal_word(library):
    """调峰 is written in the opinions; the storage passages that say only 辅助服务 come after."""
    result = library("search", "调峰", "-n", "20", "--json")
    hits = json.loads(result.stdout)["results"]
    assert "调峰" in hits[0]["text"] + "".join(hits[0]["section"])
    related_only = [h for h in hits if "调峰" not in h["text"] + "".join(h["section"])]
    assert related_only and all(h["score"] < hits[0]["score"] for h in related_only)


def test_a_subsidy_question_finds_the_fiscal_support_paragraph(library):
    ids = _ids(library, "储能补贴")
    assert f"{STORAGE_ID}/s6.16.p1" in ids[:3]


def test_an_english_term_reaches_the_related_terms_of_its_chinese(library):
    """carbon tax -> 碳税, which no passage says; its related 碳价 and 税收 find s12.32."""
    result = library("search", "carbon tax", "--explain", "--json")
    data = json.loads(result.stdout)
    assert data["results"][0]["id"] == f"{OPINIONS_ID}/s12.32"
    assert any("related" in t["source"] for t in data["terms"])


def test_ancillary_services_are_in_the_glossary(library):
    assert _ids(library, "energy storage ancillary services market")[0] == f"{STORAGE_ID}/s4.9.p1"


def test_a_why_question_finds_the_passage_that_states_the_significance(library):
    """为什么 is dropped as a word but asks for 意义: the preamble says why storage matters."""
    result = library("search", "为什么要发展新型储能?", "--json")
    data = json.loads(result.stdout)
    assert "要" not in data["tokens"] and "为什么" not in data["tokens"]
    assert data["results"][0]["id"] == f"{STORAGE_ID}/preamble"


def test_who_is_responsible_reaches_the_passage_naming_the_responsible_parties(library):
    assert _ids(library, "储能安全由谁负责?")[0] == f"{STORAGE_ID}/s6.19.p1"


def test_a_term_typed_as_several_words_outranks_its_synonym(library):
    """jieba cuts 新能源汽车 into 新能源 / 汽车; the opinions' s4.8 says 新能源汽车, the
    guidance's s2.4.p1 says 电动汽车 (a synonym) and 新能源 elsewhere: the literal wins."""
    ids = _ids(library, "新能源汽车")
    assert ids[0] == f"{OPINIONS_ID}/s4.8"
    assert ids.index(f"{OPINIONS_ID}/s4.8") < ids.index(f"{STORAGE_ID}/s2.4.p1")


def test_a_badly_cut_abbreviation_is_still_found_through_its_full_name(library):
    """住建部 is cut 住 / 建部; its full name 住房和城乡建设部 still counts for the query."""
    assert _ids(library, "工信部 住建部 联合印发")[0] in {"qa/answer/1", "qa/intro"}


def test_runs_ignore_enumeration_commas_and_quotes_but_not_line_breaks():
    from carbon_cli.indexing import run_text

    assert run_text("碳达峰、碳中和") == "碳达峰碳中和"
    assert "储能项目" in run_text("“新能源+储能”项目")
    assert "储能项目" not in run_text("发展储能\n项目管理")
