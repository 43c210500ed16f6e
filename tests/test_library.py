"""Searching a library: documents named in a query, typos, passage priors, results per document.

The library is the seed and the ten real documents of ``data/eval_library/`` (the
evaluation corpus of the library judged sets), indexed once for the module; the CLI
tests add the real documents they need to their own home.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from carbon_cli.evaluate import eval_index
from carbon_cli.model import title_line
from carbon_cli.names import compact
from carbon_cli.outline import parse_documents
from carbon_cli.priors import CONTENTS_PRIOR, FRAGMENT_PRIOR, PAGE_NUMBER_PRIOR, RESPONSIBILITY_PRIOR, passage_priors
from carbon_cli.readers import read_file
from carbon_cli.search import Searcher
from carbon_cli.tuning import DEFAULT

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "data" / "eval_library"
OPINIONS = "cpc-sc-dual-carbon-opinions-2021"
STORAGE = "ndrc-nea-new-energy-storage-guidance-2021"
PEAK_PLAN = "sc-peak-action-plan-2030-2021"
TIANJIN = "tj-carbon-peak-neutrality-promotion-regulation-2021"
TRADING = "sc-carbon-emissions-trading-interim-regulation-2024"
ENERGY_LAW = "law-energy-conservation-2018"
PLANS = ("qa", "jiangxi-carbon-peak-implementation-plan-2022", "miit-industry-carbon-peak-plan-2022",
         "mohurd-ndrc-urban-rural-carbon-peak-plan-2022")


@pytest.fixture(scope="module")
def library(shared_cache: Path):
    with eval_index(shared_cache, corpus="eval_library") as (catalog, index):
        yield index, Searcher(index, catalog.pipeline)


def named(searcher: Searcher, query: str):
    return searcher.names.recognise(searcher.pipeline.normaliser.normalise(query))


# -- names derived from each document -------------------------------------------------


def test_each_document_is_named_by_what_its_own_text_calls_it(library):
    index, _ = library
    names = {(n.doc, n.form, n.how) for n in index.query_names()}
    assert (PEAK_PLAN, "2030年前碳达峰行动方案", "forwarded title") in names  # 关于印发 … 的通知
    assert (PEAK_PLAN, "国发〔2021〕23号", "文号") in names  # the number line （国发〔2021〕23 号）
    assert (STORAGE, "发改能源规〔2021〕1051号", "文号") in names
    assert (STORAGE, "加快推动新型储能发展的指导意见", "after 关于") in names
    assert ("qa", "实施方案", "alias") in names  # （以下简称《实施方案》）
    assert ("qa", "科技支撑碳达峰碳中和实施方案", "《》 title") in names  # without (2022—2030年)
    assert (ENERGY_LAW, "中华人民共和国节约能源法", "title") in names  # the title cut after its kind
    assert not [n for n in index.query_names() if n.doc.startswith("news-")]  # a teaser's title is its first words


@pytest.mark.parametrize(
    ("query", "docs", "rest"),
    [
        ("储能意见 价格机制", (STORAGE,), "价格机制"),  # a title word and the kind
        ("双碳意见 主要目标", (OPINIONS,), "主要目标"),  # 双碳 = 碳达峰碳中和, a synonym
        ("发改委 储能 意见 用户侧", (STORAGE,), "用户侧"),  # issuer, topic, kind as separate words
        ("国发[2021]23号 碳汇", (PEAK_PLAN,), "碳汇"),  # the 文号, brackets as typed
        ("天津碳达峰条例什么时候施行", (TIANJIN,), "什么时候施行"),
        ("节能法 激励措施", (ENERGY_LAW,), "激励措施"),  # 节能法 = 节约能源法
        ("《工业领域碳达峰实施方案》 钢铁", ("miit-industry-carbon-peak-plan-2022",), "钢铁"),
        ("关于加快推动新型储能发展的指导意见", (STORAGE,), ""),
        ("碳排放權交易管理暫行條例", (TRADING,), ""),  # traditional characters
        ("实施方案 人才培养", PLANS, "人才培养"),  # a kind alone: every document of it
    ],
)
def test_a_query_names_documents_and_keeps_the_rest(library, query, docs, rest):
    _, searcher = library
    recognised = named(searcher, query)
    assert set(recognised.docs) == set(docs)
    assert recognised.rest == rest


@pytest.mark.parametrize("query", ["哪些行业要制定碳达峰实施方案?", "储能 规划", "碳中和 立法", "碳排放核算方法", "征求意见"])
def test_a_kind_word_inside_a_topic_names_no_document(library, query):
    _, searcher = library
    assert not named(searcher, query).references


def test_a_named_document_scopes_the_search_and_its_name_stops_counting(library):
    _, searcher = library
    result = searcher.search("储能意见 价格机制", limit=20)
    assert {hit.passage.doc for hit in result.hits} == {STORAGE}
    assert [r.docs for r in result.documents] == [(STORAGE,)]
    assert "意见" not in result.tokens and "储能" not in result.tokens
    assert "容量电价机制" in result.hits[0].passage.text


def test_a_word_of_a_documents_title_counts_as_covered_in_each_of_its_passages(library):
    # 江西 names no document (no kind word), but only 江西省碳达峰实施方案 is about 江西 throughout
    index, searcher = library
    jiangxi = "jiangxi-carbon-peak-implementation-plan-2022"
    covered = searcher.search("江西 光伏", limit=5)
    assert covered.documents == () and {hit.passage.doc for hit in covered.hits} == {jiangxi}
    plain = Searcher(index, searcher.pipeline, tuning=DEFAULT._replace(title_share=0.0)).search("江西 光伏", limit=5)
    assert plain.total == covered.total  # the title adds to coordination only: no passage becomes a hit
    assert {hit.passage.doc for hit in plain.hits} != {jiangxi}
    # a word in many titles (碳达峰) singles out no document
    assert len(index.titled_docs("碳达峰")) > 0.1 * index.document_count()


def test_a_query_that_is_only_a_name_lists_what_the_document_says(library):
    _, searcher = library
    result = searcher.search("碳排放权交易管理暂行条例", limit=5)
    assert {hit.passage.doc for hit in result.hits} == {TRADING}
    assert not {hit.passage.kind for hit in result.hits} & {"title", "number", "signature", "date"}
    assert "第一条" in " ".join(hit.passage.text for hit in result.hits[:2])
    assert [hit.rank for hit in result.hits] == [1, 2, 3, 4, 5]


# -- typos ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "wrong", "right"),
    [("碳达封 行动方案", "碳达封", "碳达峰"), ("储能备按", "备按", "备案"), ("灵活姓改造", "灵活姓", "灵活性"),
     ("碳普会", "碳普会", "碳普惠")],
)
def test_a_homophone_typo_is_searched_as_the_index_word(library, typed, wrong, right):
    _, searcher = library
    result = searcher.search(typed, limit=3)
    assert [(c.typed, c.searched) for c in result.corrections] == [(wrong, right)]
    assert result.hits and right in searcher.pipeline.normaliser.normalise(result.hits[0].passage.text + "".join(result.hits[0].passage.section))


@pytest.mark.parametrize(
    ("typed", "wrong", "right"),
    [("楞源双控", "楞源", "能源"), ("琴能", "琴能", "氢能"), ("深林碳汇", "深林", "森林"), ("达碳峰 行动", "达碳峰", "碳达峰")],
)
def test_a_typo_of_a_near_sound_or_two_swapped_characters_is_corrected(library, typed, wrong, right):
    # neng/leng, qing/qin, sen/shen: sounds pinyin input methods let users confuse (模糊音)
    _, searcher = library
    result = searcher.search(typed, limit=3)
    assert [(c.typed, c.searched) for c in result.corrections] == [(wrong, right)]
    assert result.hits


def test_near_sounds_are_the_input_methods_fuzzy_pairs():
    from carbon_cli.suggest import near_sound

    pairs = [("zhong", "zong"), ("chu", "cu"), ("shen", "sen"), ("neng", "leng"), ("qing", "qin"), ("huang", "huan"),
             ("xiang", "xian"), ("fa", "ha"), ("ri", "li")]
    assert all(near_sound(a) == near_sound(b) for a, b in pairs)
    assert near_sound("zhong") != near_sound("chong") and near_sound("tan") != near_sound("dan")


@pytest.mark.parametrize("query", ["工信部 住建部 联合印发", "新型储能装机目标是多少", "碳汇能不能进碳交易市场", "储能 安全 消防"])
def test_words_the_index_or_the_vocabulary_knows_are_never_corrected(library, query):
    _, searcher = library
    assert searcher.search(query, limit=1).corrections == []


def test_a_word_no_passage_holds_matched_only_through_a_part_is_said(library):
    _, searcher = library
    result = searcher.search("储能罐", limit=1)  # no document says 储能罐; 储能 is a word of them all
    assert result.partial and result.partial[0][0] == "罐"
    common = searcher.search("推进剂", limit=1)  # 推进 is in a fifth of the passages: not looked for
    assert common.hits == [] and common.partial == []


# -- passage priors, measured (docs/ranking.md) ---------------------------------------


def _priors_of(name: str, doc_id: str, folder: Path = LIBRARY) -> tuple[dict, dict]:
    doc = parse_documents(read_file(folder / name).text, doc_id)[0]
    return {p.id: p for p in doc.passages}, passage_priors(doc.passages)


def test_a_paragraph_cut_from_the_sentence_before_it_is_a_fragment():
    passages, priors = _priors_of("tj_carbon_peak_neutrality_promotion_regulation_2021.txt", TIANJIN)
    cut = [pid for pid, p in passages.items() if priors.get(pid) == FRAGMENT_PRIOR]
    # the outline now joins the PDF's cut lines, so few fragments are left; none is an article
    assert all(not passages[pid].text.startswith("第") for pid in cut)
    article = next(p for p in passages.values() if p.text.startswith("第十五条"))
    assert article.id not in priors


def test_a_table_of_contents_entry_is_no_answer():
    passages, priors = _priors_of("modern_energy_system_plan_14fyp_2022.txt", "modern-energy-system-plan-14fyp-2022")
    entries = [p for pid, p in passages.items() if priors.get(pid, 1.0) <= CONTENTS_PRIOR]
    assert all("...." in p.text for p in entries)
    # a contents line is page furniture to the outline, or else demoted here: never an answer
    listed = [pid for pid, p in passages.items() if re.search(r"\.{6,}\s*\d+\s*$", p.text)]
    assert all(priors.get(pid, 1.0) <= CONTENTS_PRIOR for pid in listed)
    assert not any(compact(p.text).startswith("四、基本原则") and "...." in p.text for p in passages.values()
                   if p.id not in {e.id for e in entries})


def test_a_note_of_who_is_responsible_is_no_answer():
    passages, priors = _priors_of("jiangxi_carbon_peak_implementation_plan_2022.txt",
                                  "jiangxi-carbon-peak-implementation-plan-2022")
    notes = [pid for pid, p in passages.items() if not p.label and p.text.startswith("（") and "职责分工负责" in p.text]
    assert len(notes) == 2 and all(priors[pid] <= RESPONSIBILITY_PRIOR for pid in notes)
    # a task that names its departments at the end of its own text ((一)建立…按职责分工负责) is content
    tasks = [p for p in passages.values() if p.label and "按职责分工负责" in p.text]
    assert tasks and all(p.id not in priors or priors[p.id] > RESPONSIBILITY_PRIOR for p in tasks)



def test_a_bare_page_number_is_no_answer_and_a_table_cell_is_kept():
    passages, _ = _priors_of("miit_industry_carbon_peak_plan_2022.txt", "miit-industry-carbon-peak-plan-2022")
    assert not [p for p in passages.values() if p.text.strip().isdigit()]  # each page's number is its footer
    # a bare integer the outline keeps (a cell with no word, 435 or 361) answers no topic query either
    passages, priors = _priors_of("ndrc_energy_efficiency_constraints_opinions_2021.txt", "ndrc-efficiency",
                                  ROOT / "tests" / "fixtures" / "real")
    bare = [pid for pid, p in passages.items() if re.fullmatch(r"\d{1,3}", p.text.strip())]
    assert len(bare) >= 5 and all(priors[pid] <= PAGE_NUMBER_PRIOR for pid in bare)
    passages, priors = _priors_of("modern_energy_system_plan_14fyp_2022.txt", "modern-energy-system-plan-14fyp-2022")
    cells = [pid for pid, p in passages.items() if p.text.strip() in ("43.4", "2.8%", "〔-7.0〕")]
    assert cells and all(priors.get(pid, 1.0) == 1.0 for pid in cells)

def test_a_paragraph_under_a_heading_is_no_fragment():
    passages, priors = _priors_of("cpc_sc_dual_carbon_opinions_2021.txt", OPINIONS)
    first_principle = next(p for p in passages.values() if p.text.startswith("实现碳达峰、碳中和目标，要坚持"))
    assert first_principle.id not in priors


# -- the command line -----------------------------------------------------------------


@pytest.fixture
def storage_twice(cli, tmp_path: Path):
    """The storage guidance and a reprint of it (one line added), in the home."""
    source = LIBRARY / "ndrc_nea_new_energy_storage_guidance_2021.txt"
    reprint = tmp_path / "storage_reprint.txt"
    reprint.write_text(source.read_text(encoding="utf-8") + "\n（转载）\n", encoding="utf-8")
    assert cli("docs", "add", str(source), str(reprint), str(LIBRARY / "cpc_sc_dual_carbon_opinions_2021.txt")).code == 0
    return cli


def test_words_starting_with_minus_are_exclusions_also_of_headings(storage_twice):
    result = storage_twice("search", "储能", "-新型", "-n", "50", "--json")
    assert result.code == 0
    hits = json.loads(result.stdout)["results"]
    assert hits and not any("新型" in h["text"] or "新型" in "".join(h["section"]) for h in hits)


def test_an_unknown_kind_or_document_in_the_query_is_a_usage_error(storage_twice):
    for query, valid in (("kind:bogus", "guarantee"), ("doc:nope", STORAGE)):
        result = storage_twice("search", "储能", query)
        assert result.code == 2 and result.stderr.count("\n") == 1 and valid in result.stderr


def test_copies_of_a_passage_fold_into_the_better_hit(storage_twice):
    data = json.loads(storage_twice("search", "容量电价", "-n", "3", "--json").stdout)
    first = data["results"][0]
    assert first["doc"] == STORAGE and first["also"] == ["storage-reprint/s4.10.p1"]
    assert "storage-reprint" not in {r["doc"] for r in data["results"]}


def test_files_and_groups_list_hits_per_document(storage_twice):
    files = json.loads(storage_twice("search", "储能", "--files", "--json").stdout)["documents"]
    assert [f["id"] for f in files][:1] == [STORAGE] and all(f["hits"] > 0 for f in files)
    groups = json.loads(storage_twice("search", "保障措施", "--group", "doc", "-n", "2", "--json").stdout)["groups"]
    assert {g["doc"] for g in groups} >= {STORAGE, OPINIONS}
    assert all(len(g["results"]) <= 2 <= g["total"] or len(g["results"]) == g["total"] for g in groups)


def test_offset_pages_through_the_same_ranking(storage_twice):
    whole = json.loads(storage_twice("search", "储能", "-n", "6", "--json").stdout)["results"]
    page = json.loads(storage_twice("search", "储能", "-n", "3", "--offset", "3", "--json").stdout)["results"]
    assert [(r["rank"], r["id"]) for r in page] == [(r["rank"], r["id"]) for r in whole[3:]]


def test_kind_takes_the_body_under_a_one_line_item_and_excerpts_show_on_one_line(storage_twice):
    data = json.loads(storage_twice("search", "组织领导", "--kind", "guarantee", "--json").stdout)
    assert any(r["kind"] == "paragraph" for r in data["results"])  # the body of （十五）加强组织领导工作。
    shown = storage_twice("search", "附件下载", "-n", "1").stdout  # qa/attachment: two lines in the source
    assert "附件下载: 科技支撑碳达峰碳中和实施方案" in shown


def test_corrections_and_named_documents_are_said_on_stderr(storage_twice):
    result = storage_twice("search", "储能意见", "备按")
    assert result.code == 0
    assert "备案" in result.stderr and STORAGE in result.stderr
    assert result.stdout and "carbon:" not in result.stdout


@pytest.mark.parametrize(
    ("query", "stated"),
    [("双碳意见的目标是什么", "到20"), ("什么是重点排放单位", "以下简称重点排放单位")],
)
def test_a_question_prefers_the_passage_stating_what_it_asks(library, query, stated):
    _, searcher = library
    top = searcher.search(query, limit=1).hits[0].passage
    assert stated in compact(searcher.pipeline.normaliser.normalise(top.text))


def test_explain_shows_the_documents_named_and_the_typos_corrected(storage_twice):
    result = storage_twice("search", "储能意见", "价格机智", "--explain", "-n", "1")
    assert f"documents named by 储能意见 (short form): {STORAGE}" in result.stdout
    assert "searched 机制 for 机智" in result.stdout


def test_a_name_and_a_section_title_list_that_section_in_reading_order(library):
    _, searcher = library
    result = searcher.search("天津条例 法律责任", limit=6)
    articles = [h.passage.text[:5] for h in result.hits if h.passage.text.startswith("第")]
    assert articles[:3] == ["第七十二条", "第七十三条", "第七十四条"]
    assert {h.passage.doc for h in result.hits} == {TIANJIN}


def test_a_markdown_heading_is_a_bare_title_like_a_plain_one(library):
    """The law is Markdown: ``### 第三节 建筑节能`` frames its articles, as a plain
    ``第三节 建筑节能`` line would, so a listing of that section starts at its first
    article and the heading is ranked as a title line."""
    _, searcher = library
    heading = next(p for p in searcher.index.passages(doc=ENERGY_LAW) if p.title == "建筑节能")
    assert heading.text.startswith("###") and title_line(heading)
    result = searcher.search("节约能源法 建筑节能", limit=3)
    assert [h.passage.label for h in result.hits] == ["第三十四条", "第三十五条", "第三十六条"]


def test_a_target_of_a_titled_place_ranks_the_passage_stating_it_first(library):
    """江西 names no document but is a word of 江西省碳达峰实施方案's title: the passage of
    that plan stating the 2025 target of the indicator asked for rises above another
    plan's passage stating one of its own, and above a passage that only names 江西."""
    _, searcher = library
    result = searcher.search("江西2025年非化石能源比重目标是多少", limit=3)
    first = result.hits[0].passage
    assert first.doc.startswith("jiangxi-") and "2025" in first.text and "18.3%" in first.text
