"""carbon targets on real documents: the dual-carbon opinions and the storage guidance of
tests/fixtures, the 2030 peak action plan, Jiangxi's plan and the farm machinery opinion
of tests/fixtures/real; the judged set and the floor its figures must stay above.

Expected targets are read off the documents (the sentences are quoted in the tests);
the floor holds what ``carbon eval --targets`` measured when it was last raised.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbon_cli.model import CarbonError, Passage
from carbon_cli.target_eval import FIELDS, PARTS, evaluate_targets, load_judged, match, targets_index
from carbon_cli.targets import document_starts, extract, extract_all, select_targets, words

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
OPINIONS = FIXTURES / "cpc_sc_dual_carbon_opinions_2021.txt"
STORAGE = FIXTURES / "ndrc_nea_new_energy_storage_guidance_2021.txt"
PEAK_PLAN = FIXTURES / "real" / "sc_peak_action_plan_2030_2021.txt"
FARM = FIXTURES / "real" / "gov_cn_page_farm_machinery_2018.html"
FLOOR = json.loads((ROOT / "data" / "targets_floor.json").read_text(encoding="utf-8"))
OPINIONS_ID = "cpc-sc-dual-carbon-opinions-2021"
PEAK_ID = "sc-peak-action-plan-2030-2021"
FARM_ID = "gov-cn-page-farm-machinery-2018"
ENERGY_ID = "modern-energy-system-plan-14fyp-2022"


@pytest.fixture(scope="module")
def corpus(shared_cache: Path):
    """The judged documents' passages and the normaliser, indexed once for the module."""
    with targets_index(shared_cache) as (catalog, index):
        yield {p.id: p for p in index.passages()}, catalog.pipeline


@pytest.fixture(scope="module")
def report(shared_cache: Path):
    return evaluate_targets(cache=shared_cache)


def targets_of(corpus, passage_id: str, **kwargs):
    passages, pipeline = corpus
    return extract(passages[passage_id], pipeline.normaliser, **kwargs)


def fields(target) -> tuple:
    return (target.year, target.indicator, target.direction, target.value, target.unit, target.modifiers, target.base_year)


# -- the extractor, on sentences of the documents -------------------------------------


def test_a_main_targets_paragraph_gives_each_target_with_its_base_year_and_modifier(corpus):
    # 到2025年，…单位国内生产总值能耗比2020年下降13.5%；单位国内生产总值二氧化碳排放比2020年
    # 下降18%；非化石能源消费比重达到20%左右；森林覆盖率达到24.1%，森林蓄积量达到180亿立方米
    found = targets_of(corpus, f"{OPINIONS_ID}/s2.p1")
    assert [fields(t) for t in found] == [
        (2025, "单位国内生产总值能耗", "下降", 13.5, "%", (), 2020),
        (2025, "单位国内生产总值二氧化碳排放", "下降", 18.0, "%", (), 2020),
        (2025, "非化石能源消费比重", "达到", 20.0, "%", ("左右",), None),
        (2025, "森林覆盖率", "达到", 24.1, "%", (), None),
        (2025, "森林蓄积量", "达到", 180.0, "亿立方米", (), None),
    ]


def test_every_span_is_the_passage_text_between_its_offsets(corpus):
    passages, pipeline = corpus
    found = [t for p in passages.values() for t in extract(p, pipeline.normaliser, qualitative=True)]
    assert len(found) > 150
    for t in found:
        assert passages[t.passage].text[t.start : t.end] == t.span


def test_a_wrapped_pdf_text_reads_numbers_and_words_across_its_line_breaks(corpus):
    # 单位国内生产总值能源消耗比 2020\n年下降 13.5%
    found = targets_of(corpus, f"{PEAK_ID}/s2.p1")
    energy = next(t for t in found if t.indicator == "单位国内生产总值能源消耗")
    assert (energy.year, energy.value, energy.base_year) == (2025, 13.5, 2020)
    assert "\n" in energy.span and energy.span.startswith("单位国内生产总值能源消耗比 2020")


def test_qualitative_statements_are_left_out_or_marked_with_all(corpus):
    # 到2030年，…单位国内生产总值能耗大幅下降；…二氧化碳排放量达到峰值并实现稳中有降。
    quantified = targets_of(corpus, f"{OPINIONS_ID}/s2.p2")
    assert "单位国内生产总值能耗" not in {t.indicator for t in quantified}
    marked = [t for t in targets_of(corpus, f"{OPINIONS_ID}/s2.p2", qualitative=True) if t.qualitative]
    assert [(t.year, t.indicator, t.direction, t.value, t.span) for t in marked] == [
        (2030, "单位国内生产总值能耗", "下降", None, "单位国内生产总值能耗大幅下降"),
    ]


def test_a_list_with_fenbie_gives_one_target_per_value_and_jun_one_per_indicator(corpus):
    # 其中马铃薯种植、收获机械化率均达到45%，…花生种植、收获机械化率分别达到65%和55%
    found = targets_of(corpus, f"{FARM_ID}/s1.2.p2")
    potato = [t for t in found if t.indicator == "马铃薯种植、收获机械化率"]
    assert [t.value for t in potato] == [45.0, 45.0]
    peanut = [t for t in found if t.indicator == "花生种植、收获机械化率"]
    assert [(t.value, t.span) for t in peanut] == [(65.0, "65%"), (55.0, "55%")]


def test_a_year_inside_a_sentence_holds_to_its_end_and_shares_the_indicator(corpus):
    # 到 2025 年，废钢铁、…9 种主要再生资源循环利用量达到 4.5 亿吨，到 2030 年达到 5.1 亿吨。
    found = targets_of(corpus, f"{PEAK_ID}/s3.6.3")
    assert [(t.year, t.value, t.span) for t in found] == [
        (2025, 4.5, found[0].span),
        (2030, 5.1, "达到 5.1 亿吨"),
    ]
    assert found[0].indicator == found[1].indicator and found[0].indicator.endswith("主要再生资源循环利用量")


def test_a_rule_with_no_year_in_scope_is_not_a_target(corpus):
    # “十四五”时期严格合理控制煤炭消费增长，“十五五”时期逐步减少。…新建通道可再生能源电量比例原则上不低于 50%。
    assert targets_of(corpus, f"{PEAK_ID}/s3.1.1") == []


def test_two_periods_with_fenbie_give_a_target_for_each(corpus):
    # “十四五”、“十五五”期间分别新增水电装机容量 4000 万千瓦左右
    found = targets_of(corpus, f"{PEAK_ID}/s3.1.3")
    assert [fields(t) for t in found] == [
        (2025, "水电装机容量", "新增", 4000.0, "万千瓦", ("左右",), None),
        (2030, "水电装机容量", "新增", 4000.0, "万千瓦", ("左右",), None),
    ]


def test_a_page_number_line_inside_a_sentence_is_no_part_of_it(corpus):
    # 推动西南地区水电与风电、太阳能发电协同互补。到\n— 13 —\n\n\n2025 年，常规水电装机容量达到 3.8 亿千瓦左右。
    found = targets_of(corpus, f"{ENERGY_ID}/s4.9.p2")
    assert [fields(t) for t in found] == [(2025, "常规水电装机容量", "达到", 3.8, "亿千瓦", ("左右",), None)]
    # 西\n— 22 —\n\n\n部清洁能源基地年综合生产能力…: the indicator is read without the page number
    assert "西部清洁能源基地年综合生产能力" in {t.indicator for t in targets_of(corpus, f"{ENERGY_ID}/s5.14.p1")}


def test_the_years_a_plan_looks_back_on_hold_no_targets(corpus):
    passages, pipeline = corpus
    # “十三五”以来，…油气管道总里程达到 17.5 万公里，发电装机容量达到 22 亿千瓦…
    assert targets_of(corpus, f"{ENERGY_ID}/s1.2.p2") == []
    # “十三五”时期，…非化石能源消费比重达到 15.9%: the 十四五 plan's own time begins in 2021
    review = passages[f"{ENERGY_ID}/s1.2.p3"]
    starts = document_starts([{"id": ENERGY_ID, "title": "“十四五”现代能源体系规划"}], {})
    assert starts == {ENERGY_ID: 2021}
    assert extract_all([review], pipeline.normaliser, starts=starts) == []
    assert {t.year for t in extract(review, pipeline.normaliser)} == {2020}
    # a date of the document's own, where it has one, is its beginning
    assert document_starts([{"id": "x", "title": "“十四五”规划"}], {"x": {"date_written": "2022-06-10"}}) == {"x": 2022}


def test_a_lead_paragraph_hands_its_year_to_the_items_below_it(corpus):
    passages, pipeline = corpus
    # s2.5.p1 “十四五”时期现代能源体系建设的主要目标是： / s2.5.d5 …人均年生活用电量达到 1000 千瓦时左右。
    lead, item = passages[f"{ENERGY_ID}/s2.5.p1"], passages[f"{ENERGY_ID}/s2.5.d5"]
    assert [t.year for t in extract_all([lead, item], pipeline.normaliser) if t.indicator == "人均年生活用电量"] == [2025]
    assert [t for t in extract(item, pipeline.normaliser) if t.indicator == "人均年生活用电量"] == []


def test_a_hedge_before_the_year_that_opens_a_sentence_is_every_targets_of_it(corpus):
    # 力争到 2025 年，煤电机组灵活性改造规模累计超过 2 亿千瓦，抽水蓄能装机容量达到 6200 万千瓦以上、在建装机容量达到 6000 万千瓦左右。
    found = [t for t in targets_of(corpus, f"{ENERGY_ID}/s4.10.p3") if t.year == 2025]
    assert [t.modifiers for t in found[:3]] == [("力争", "累计"), ("力争", "以上"), ("力争", "左右")]


def test_a_share_of_a_whole_and_a_rate_without_a_verb_are_targets(corpus):
    # 到 2025 年，…电力需求侧响应能力达到最大用电负荷的 3%～5%。
    passages, pipeline = corpus
    found = extract_all([passages[f"{ENERGY_ID}/s2.5.p1"], passages[f"{ENERGY_ID}/s2.5.d3"]], pipeline.normaliser)
    response = next(t for t in found if t.indicator == "电力需求侧响应能力")
    assert (response.year, response.direction, response.value, response.upper, response.unit) == (2025, "达到", 3.0, 5.0, "%")
    # 到 2025 年，全国集约布局的储气能力达到 550 亿～600 亿立方米，占天然气消费量的比重约 13%。
    share = next(t for t in targets_of(corpus, f"{ENERGY_ID}/s3.7.p3") if t.value == 13.0)
    assert (share.year, share.direction, share.modifiers) == (2025, "", ("约",))
    assert share.span.replace("\n", "") == "占天然气消费量的比重约 13%"


def test_years_listed_with_fenbie_pair_with_the_values(corpus):
    # 2025 年和 2030 年，全国短流程炼钢占比分别提升至 15%、20%以上。
    found = targets_of(corpus, "mee-pollution-carbon-synergy-plan-2022/s4.8")
    steel = [(t.year, t.value) for t in found if t.indicator == "全国短流程炼钢占比"]
    assert steel == [(2025, 15.0), (2030, 20.0)]


def test_a_clause_opened_by_a_base_year_gives_it_to_each_of_its_targets(corpus):
    # 在 2020 年的基础上单位建筑面积能耗下降5%、碳排放下降 7%
    found = targets_of(corpus, "ggj-public-institutions-low-carbon-lead-plan-2021/s1.3")
    assert [(t.indicator, t.value, t.base_year) for t in found if t.base_year] == [
        ("单位建筑面积能耗", 5.0, 2020),
        ("碳排放", 7.0, 2020),
    ]


def test_document_numbers_dates_and_counts_give_nothing(corpus):
    for local in ("number", "date"):
        assert targets_of(corpus, f"{FARM_ID}/{local}") == []
    assert targets_of(corpus, f"{PEAK_ID}/s3.10.4") == []  # 选择 100 个…城市和园区开展碳达峰试点建设


def test_an_indicator_is_found_through_its_synonyms(corpus):
    passages, pipeline = corpus
    found = select_targets(passages.values(), pipeline, indicator="单位GDP能耗", year=2025)
    assert {(t.doc, t.indicator) for t in found} >= {
        (OPINIONS_ID, "单位国内生产总值能耗"),
        (PEAK_ID, "单位国内生产总值能源消耗"),
    }
    assert all(t.year == 2025 for t in found)


TJ_POWER_ID = "tj-power-development-plan-14fyp-2021"


def of_document(corpus, doc: str, **kwargs):
    passages, pipeline = corpus
    return extract_all([p for p in passages.values() if p.doc == doc], pipeline.normaliser, **kwargs)


def test_an_indicator_table_of_a_pdf_gives_each_rows_target_year_value(corpus):
    # 表1: 指标 | 2020 年 | 2025 年 | 年均增速 | 属性, one cell a line; the last three rows'
    # labels come after their values (16.1 | 22 左右 | [5.9] | 预期性 … 非化石能源电力消纳量比重 | （%）)
    starts = {TJ_POWER_ID: 2021}
    table = {t.passage.rsplit("/", 1)[1]: t for t in of_document(corpus, TJ_POWER_ID, starts=starts) if t.direction == ""}
    total = table["s3.p28"]
    assert (total.year, total.indicator, total.value, total.unit, total.modifiers, total.span) == (
        2025, "总装机规模", 2600.0, "万千瓦", ("左右",), "2600 左右")
    assert (table["s3.d1"].indicator, table["s3.d1"].value, table["s3.d1"].span) == ("需求响应负荷占比", 5.0, "5")
    assert [(table[k].indicator, table[k].unit) for k in ("s3.p68", "s3.p72", "s3.p76")] == [
        ("非化石能源电力消纳量比重", "%"), ("电能占终端能源消费比重", "%"), ("煤电机组平均供电煤耗", "克标准煤/千瓦时")]
    assert not {"s3.p22", "s3.p24", "s3.p65"} & table.keys()  # the 2020 column, the growth rates: no targets


RENEWABLE_ID = "ndrc-nea-renewable-energy-plan-14fyp-2021"
INNER_MONGOLIA_ID = "inner-mongolia-renewable-energy-plan-14fyp-2022"


def test_a_box_table_headed_by_category_with_labels_wrapped_over_cells(corpus):
    # 专栏1: 类别 | 单位 | 2020 年 | 2025 年 | 属性, the titles in the box's heading passage, one
    # cell a line; 1.1 可再生能源电力总量消 | 纳责任权重 | % | 28.8 | 33 | 预期性
    table = {t.indicator: t for t in of_document(corpus, RENEWABLE_ID, starts={RENEWABLE_ID: 2021})
             if ".box1." in t.passage}
    assert {name: (t.year, t.value, t.unit) for name, t in table.items()} == {
        "可再生能源电力总量消纳责任权重": (2025, 33.0, "%"), "非水电可再生能源电力消纳责任权重": (2025, 18.0, "%"),
        "可再生能源发电量": (2025, 3.3, "万亿千瓦时"), "可再生能源非电利用": (2025, 6000.0, "万吨"),
        "可再生能源利用总量": (2025, 10.0, "亿吨标准煤")}


def test_a_table_with_a_number_column_group_rows_and_signs(corpus):
    # 序号 | 类别 | 单位 | 2020 年 2025 年 (one cell) | 属性: 一 | 总体指标 | 1.1 | 可再生能源生产总量 | 亿吨 | …,
    # 1.3 | 可再生能源消费占比 | 11.2% | >18% | 预期性; 抽水蓄能 | 亿千瓦时 | / | / with no 属性
    table = [t for t in of_document(corpus, INNER_MONGOLIA_ID, starts={INNER_MONGOLIA_ID: 2022}) if ".box1." in t.passage]
    by_name = {t.indicator: t for t in table}
    assert (by_name["可再生能源生产总量"].value, by_name["可再生能源生产总量"].unit) == (0.9, "亿吨")
    assert (by_name["可再生能源消费占比"].value, by_name["可再生能源消费占比"].modifiers) == (18.0, (">",))
    assert by_name["可再生能源电力消纳权重"].value == 35.0  # 1.5 | 可再生能源电力消纳 | 权重
    assert {"总体指标", "可再生能源发电装机", "一", "1.1"}.isdisjoint(by_name)  # group rows and numbers label nothing
    assert all(t.year == 2025 for t in table) and 0.28 not in {t.value for t in table}


def test_the_past_and_a_cited_rule_give_no_target(corpus):
    found = of_document(corpus, RENEWABLE_ID, starts={RENEWABLE_ID: 2021})
    spans = {t.span for t in found}
    assert not any("约占" in span for span in spans)  # 过去五年，全球新增发电装机中可再生能源约占70%
    assert not any("不低于 50%" in span for span in spans if "按照" in span or "新增通道" in span)


def test_a_box_titled_with_its_period_dates_the_projects_it_lists(corpus):
    # 专栏 5 “十四五”国家级新能源电力供应保障基地: no line of the box names a year
    passages, _ = corpus
    box = [t for t in of_document(corpus, INNER_MONGOLIA_ID, starts={INNER_MONGOLIA_ID: 2022}) if ".box5." in t.passage]
    counts = {(t.indicator, t.value): (t.year, t.direction, t.span) for t in box}
    # 在鄂尔多斯等地区新增建设 400 万千瓦光伏基地: a compound verb, and the place is no part of the span
    assert counts[("光伏基地", 400.0)] == (2025, "新增建设", "新增建设 400 万千瓦光伏基地")
    # 建成 380 万千瓦风电、20 万千瓦光伏基地: two counts of one verb
    assert counts[("风电", 380.0)][:2] == (2025, "建成") and counts[("光伏基地", 20.0)][:2] == (2025, "建成")
    # a base's name with its size in brackets (锡林郭勒盟交直流配套风电基地一期（700 万千瓦）) is no target
    assert not [t for t in box if "（" in t.span]
    assert all("（" not in passages[t.passage].text[t.start:t.end] for t in box)


def test_a_section_titled_with_a_past_period_dates_nothing(corpus):
    lines = ["新建光伏电站 300 万千瓦。"]
    normaliser = corpus[1].normaliser
    ahead = extract_all(row_passages("d", ("“十四五”重点工程",), lines), normaliser, starts={"d": 2021})
    behind = extract_all(row_passages("d", ("“十三五”以来主要成就",), lines), normaliser, starts={"d": 2021})
    assert [(t.year, t.value) for t in ahead] == [(2025, 300.0)] and behind == []


def row_passages(doc: str, section: tuple[str, ...], lines: list[str]) -> list[Passage]:
    return [Passage(f"{doc}/p{i}", doc, "paragraph", None, "", "", None, section, 0, len(line), line)
            for i, line in enumerate(lines)]


def test_a_table_of_rows_aligns_cells_under_its_header_from_the_right(corpus):
    normaliser = corpus[1].normaliser
    html = row_passages("h", ("发展目标",), [
        "类别\t指标\t单位\t2020年\t2025年\t属性",
        "总量\t能源消费总量\t万吨标准煤\t8000\t9000左右\t预期性",
        "单位GDP能耗降低\t%\t—\t〔13.5〕\t约束性",  # its 类别 merged with the row above
        "注：〔〕内为五年累计数。",
        "全社会用电量\t亿千瓦时\t800\t900\t预期性",  # after the note: no row of the table
    ])
    found = [(t.passage, t.indicator, t.value, t.unit, t.modifiers, t.span) for t in extract_all(html, normaliser)]
    assert found == [("h/p1", "能源消费总量", 9000.0, "万吨标准煤", ("左右",), "9000左右"),
                     ("h/p2", "单位GDP能耗降低", 13.5, "%", ("累计",), "〔13.5〕")]
    markdown = row_passages("m", ("目标",), ["| 指标 | 2025年 | 2030年 |", "| --- | --- | --- |", "| 森林覆盖率（%） | 24.1 | 25 |"])
    assert [(t.year, t.value, t.unit) for t in extract_all(markdown, normaliser, starts={"m": 2021})] == [
        (2025, 24.1, "%"), (2030, 25.0, "%")]


def test_a_table_without_a_year_column_or_in_the_past_gives_nothing(corpus):
    normaliser = corpus[1].normaliser
    standards = row_passages("s", ("能效",), ["指标名称\t指标单位\t标杆水平\t基准水平", "炼油\t千克标准油/吨\t7.5\t8.5"])
    past = row_passages("p", ("回顾",), ["指标\t2015年\t2020年", "风电装机（万千瓦）\t30\t84.5"])
    assert extract_all(standards, normaliser) == []
    assert extract_all(past, normaliser, starts={"p": 2021}) == []


def test_the_parts_of_a_total_share_its_year_and_verb(corpus):
    # 到 2025 年底，非化石能源发电装机达到 805.5 万千瓦，其中包括：风电 200 万千瓦，光伏发电 560 万千瓦，
    # 生物质发电 45 万\n- 9 -\n\n\n千瓦，水电 0.5 万千瓦。
    found = targets_of(corpus, f"{TJ_POWER_ID}/s4.1.2.p2")
    assert [(t.year, t.indicator, t.direction, t.value, t.modifiers) for t in found] == [
        (2025, "非化石能源发电装机", "达到", 805.5, ()), (2025, "风电", "达到", 200.0, ()), (2025, "光伏发电", "达到", 560.0, ()),
        (2025, "生物质发电", "达到", 45.0, ()), (2025, "水电", "达到", 0.5, ())]
    # a clause of words after 其中 is no list of parts: …达到20%，其中城市地区更高。
    passage = Passage("d/p", "d", "paragraph", None, "", "", None, (), 0, 30, "到2025年，比重达到20%，其中城市达到30%以上，其中包括多个项目。")
    assert [t.value for t in extract(passage, corpus[1].normaliser)] == [20.0, 30.0]


def test_a_section_opening_with_its_period_dates_the_counts_below_it(corpus):
    # （一）电源 opens: “十四五”期间，新增电源装机共计709.1万千瓦…; its part 2. 可再生能源
    # says 新增可再生能源发电装机 523.5 万千瓦，其中包括：风电 115.5 万千瓦… with no year of its own
    passages, pipeline = corpus
    plan = [p for p in passages.values() if p.doc == TJ_POWER_ID]
    found = [t for t in extract_all(plan, pipeline.normaliser) if t.passage == f"{TJ_POWER_ID}/s4.1.2.p1"]
    assert [(t.year, t.indicator, t.direction, t.value) for t in found] == [
        (2025, "可再生能源发电装机", "新增", 523.5), (2025, "风电", "新增", 115.5), (2025, "光伏发电", "新增", 396.4),
        (2025, "生物质发电", "新增", 11.6)]
    assert targets_of(corpus, f"{TJ_POWER_ID}/s4.1.2.p1") == []  # alone, the passage dates nothing


def test_numbers_in_words_are_values(corpus):
    normaliser = corpus[1].normaliser
    text = "到2025年，外受电比重超过三分之一，教师占比超过一半，推广万种绿色产品，惠及千家万户，新增装机（万千瓦）。"
    passage = Passage("d/p", "d", "paragraph", None, "", "", None, (), 0, len(text), text)
    assert [(t.indicator, t.value, t.unit, t.span) for t in extract(passage, normaliser)] == [
        ("外受电比重", 1 / 3, "", "外受电比重超过三分之一"), ("教师占比", 0.5, "", "教师占比超过一半"),
        ("绿色产品", 1.0, "万种", "推广万种绿色产品")]


PIECES = st.sampled_from(
    sorted({w for role in ("direction", "before", "after", "list", "unit", "count", "lead", "qualitative", "change")
            for w in words()[role]})
    + ["到2025年", "“十四五”期间", "比2020年", "2030年前", "，", "。", "；", "、", "\n", " ", "　", "１３．５", "％", "12", "3.5",
       "~", "—", "的", "A", "ß", "﷽", "\x1b", "単位國內", "非化石能源消费比重"]
)



def test_a_bound_after_the_value_makes_zai_a_verb_and_a_list_of_rates_shares_one_value(corpus):
    # 锂电材料、光纤行业非电能源占比分别在 7%、2%以下 (在 with a bound; alone it is no verb)
    found = targets_of(corpus, "miit-industry-carbon-peak-plan-2022/s3.10.7")
    shares = [t for t in found if t.indicator == "锂电材料、光纤行业非电能源占比"]
    assert [(t.direction, t.value, t.modifiers) for t in shares] == [("在", 7.0, ("以下",)), ("在", 2.0, ("以下",))]
    passage = Passage("d/p", "d", "paragraph", None, "", "", None, (), 0, 20, "到2025年，在5个城市开展试点。")
    assert extract(passage, corpus[1].normaliser) == []
    # 邮轮码头岸电设施使用率和港作船舶岸电使用率力争达到 100%: each rate's target
    rates = [t for t in targets_of(corpus, "shanghai-carbon-peak-implementation-plan-2022/s2.5.3.p1") if t.value == 100]
    assert len(rates) == 2 and rates[0].modifiers == ("力争",)


def test_an_adverb_before_the_base_year_and_a_subject_in_the_clause_before(corpus):
    # 乘用车和商用车新车二氧化碳排放强度分别比 2020 年下降 25%和 20%以上
    cars = [t for t in targets_of(corpus, "miit-industry-carbon-peak-plan-2022/s3.11.3.p1") if t.base_year == 2020]
    assert {t.indicator for t in cars} == {"乘用车和商用车新车二氧化碳排放强度"} and [t.value for t in cars] == [25.0, 20.0]
    # 天然气产量快速增长，力争 2025 年达到 2300 亿立方米以上
    found = targets_of(corpus, "modern-energy-system-plan-14fyp-2022/s3.6.p1")
    assert [(t.year, t.indicator, t.value, t.span) for t in found] == [
        (2022, "石油产量", 2.0, "回升到 2 亿吨"), (2025, "天然气产量", 2300.0, "达到 2300 亿立方米以上")]

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=40).map("".join))
def test_any_text_gives_targets_whose_spans_are_its_slices(corpus, text):
    passage = Passage("d/p", "d", "paragraph", None, "", "", None, (), 0, len(text), text)
    for qualitative in (False, True):
        for t in extract(passage, corpus[1].normaliser, qualitative=qualitative):
            assert 0 <= t.start < t.end <= len(text) and text[t.start : t.end] == t.span
            assert t.qualitative or t.value is not None


# -- the judged set and the floor ---------------------------------------------------------


def test_the_judged_set_holds_80_targets_and_20_negatives_and_a_held_out_part():
    judged = load_judged()
    targets = [r for r in judged if not r.negative]
    assert len(targets) >= 80 and len(judged) - len(targets) >= 20
    assert {r.part for r in targets} == set(PARTS)
    held = [r for r in targets if r.part == "heldout"]
    assert len(held) >= 30  # judged by a reader who had not seen the extractor (the set's header)
    assert {r.doc for r in held}.isdisjoint({r.doc for r in targets if r.part == "tuned"})


def test_every_judged_span_is_at_its_offset_in_its_passage(report):
    assert report.unresolved == []


def test_a_document_belongs_to_one_part(tmp_path):
    text = (ROOT / "data" / "targets_judged.tsv").read_text(encoding="utf-8")
    line = next(row for row in text.splitlines() if row.startswith("tuned\ttarget\tcpc-"))
    path = tmp_path / "judged.tsv"
    path.write_text(text + line.replace("tuned", "heldout", 1) + "\n", encoding="utf-8")
    with pytest.raises(CarbonError, match="in both parts"):
        load_judged(path)


def test_matching_counts_a_wrong_span_as_a_wrong_field_not_a_miss(report):
    judged = [r for r in load_judged() if not r.negative and r.doc == OPINIONS_ID]
    first = next(m.predicted for m in report.parts["overall"].matches if m.predicted.doc == OPINIONS_ID)
    shifted = replace(first, start=first.start + 1, span=first.span[1:])
    matches, missed, wrong = match(judged, [shifted])
    assert [m.wrong_fields for m in matches] == [["span"]] and wrong == []
    assert len(missed) == len(judged) - 1


def test_extraction_stays_above_the_floor(report):
    assert report.parts["overall"].judged >= FLOOR["judged"]
    for part in ("overall", *PARTS):
        measured, floor = report.parts[part], FLOOR[part]
        assert measured.precision >= floor["precision"], part
        assert measured.recall >= floor["recall"], part
    fields = report.parts["overall"].fields
    for name in FIELDS:
        assert fields[name] >= FLOOR["overall"]["fields"][name], name


def test_the_tuned_part_meets_the_bar_of_the_issue(report):
    """Precision 0.95, recall 0.9, every field right on 0.9 of the targets found, on the
    documents the rules were written from; the held-out part is held by the floor, and
    no negative sentence of either part yields a target."""
    tuned = report.parts["tuned"]
    assert tuned.precision >= 0.95 and tuned.recall >= 0.9
    assert min(tuned.fields.values()) >= 0.9
    assert report.parts["overall"].negatives_hit == []


# -- the command --------------------------------------------------------------------------


@pytest.fixture
def library(cli):
    result = cli("docs", "add", str(OPINIONS), str(STORAGE), str(PEAK_PLAN))
    assert result.code == 0, result
    return cli


def test_targets_json_lists_each_target_with_offsets_into_its_passage(library):
    result = library("targets", "--doc", OPINIONS_ID, "--json")
    assert result.code == 0, result
    data = json.loads(result.stdout)
    assert len(data) == 11
    shown = json.loads(library("show", OPINIONS_ID, "--json").stdout)
    texts = {p["id"]: p["text"] for p in shown}
    for row in data:
        assert texts[row["passage"]][row["start"] : row["end"]] == row["span"]
    first = data[0]
    assert {k: first[k] for k in ("year", "indicator", "direction", "value", "unit", "base_year")} == {
        "year": 2025, "indicator": "单位国内生产总值能耗", "direction": "下降", "value": 13.5, "unit": "%", "base_year": 2020,
    }


def test_targets_of_one_indicator_across_documents_by_year(library):
    result = library("targets", "--indicator", "非化石能源消费比重", "--year", "2030", "--json")
    assert result.code == 0, result
    rows = json.loads(result.stdout)
    assert {(r["doc"], r["value"], tuple(r["modifiers"])) for r in rows} == {
        (OPINIONS_ID, 25, ("左右",)),
        (PEAK_ID, 25, ("左右",)),
    }


def test_the_terminal_view_groups_by_document_and_year(library):
    result = library("targets", "--indicator", "单位GDP能耗")
    assert result.code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].startswith(OPINIONS_ID) and lines[1].strip() == "2025"
    assert any(line.startswith(PEAK_ID) for line in lines)
    assert "\x1b" not in result.stdout  # not a terminal: no colour


def test_all_marks_qualitative_statements(library):
    result = library("targets", "--doc", STORAGE.stem.replace("_", "-"), "--all", "--json")
    rows = json.loads(result.stdout)
    assert result.code == 0 and any(r["qualitative"] and r["value"] is None for r in rows)
    assert [r["span"] for r in rows if not r["qualitative"]] == ["装机规模达3000万千瓦以上"]


def test_the_record_filters_choose_the_documents_whose_targets_are_listed(library):
    # the opinions are issued by 中共中央 and 国务院, the action plan by 国务院, the storage
    # guidance by 国家发展改革委 and 国家能源局
    for issuer, docs in (("国务院", {OPINIONS_ID, PEAK_ID}), ("国家能源局", {STORAGE.stem.replace("_", "-")})):
        result = library("targets", "--issuer", issuer, "--year", "2025", "--json")
        assert result.code == 0 and {r["doc"] for r in json.loads(result.stdout)} == docs, (issuer, result)


def test_no_targets_is_exit_1_and_a_bad_document_exit_2(library):
    result = library("targets", "--indicator", "森林覆盖率", "--year", "2040")
    assert result.code == 1 and result.stdout == "" and "no targets" in result.stderr
    result = library("targets", "--doc", "no-such-doc")
    assert result.code == 2 and "no document" in result.stderr


def test_export_targets_as_csv_for_a_spreadsheet(library):
    result = library("export", "--targets", "--format", "csv", "--no-bom", "--doc", OPINIONS_ID)
    assert result.code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 11 and rows[0]["indicator"] == "单位国内生产总值能耗" and rows[0]["base_year"] == "2020"
    assert library("export", "--targets", "--format", "markdown").code == 2


def test_eval_targets_reports_each_part(cli):
    result = cli("eval", "--targets", "--json")
    assert result.code == 0, result
    data = json.loads(result.stdout)
    assert set(PARTS) <= set(data) and data["overall"]["judged"] >= 80


def test_targets_as_a_program_writes_json_without_colour(run_carbon):
    added = run_carbon("docs", "add", str(OPINIONS))
    assert added.code == 0, added
    result = run_carbon("targets", "--json", "--year", "2060")
    assert result.code == 0 and "\x1b" not in result.stdout
    assert [r["span"] for r in json.loads(result.stdout)] == ["非化石能源消费比重达到80%以上"]


# -- search -------------------------------------------------------------------------------

REAL = FIXTURES / "real"
SEARCHED = [REAL / f"{name}.txt" for name in (
    "jiangxi_carbon_peak_implementation_plan_2022", "miit_industry_carbon_peak_plan_2022",
    "sc_peak_action_plan_2030_2021", "mohurd_ndrc_urban_rural_carbon_peak_plan_2022",
)]


@pytest.mark.parametrize("query, indicator, year", [
    # mohurd's 到 2030 年城市生活垃圾资源化利用率达到 65% ranked above Jiangxi's 城镇… 提升至 70%
    ("城镇生活垃圾资源化利用率 2030", "城镇生活垃圾资源化利用率", 2030),
    ("非化石能源消费比重 2030", "非化石能源消费比重", 2030),
    ("新型储能装机容量 2025", "新型储能装机容量", 2025),
    ("单位GDP能耗 2025", "单位GDP能耗", 2025),
])
def test_a_query_of_an_indicator_and_a_year_ranks_a_passage_stating_that_target_first(cli, corpus, query, indicator, year):
    assert cli("docs", "add", *map(str, SEARCHED)).code == 0
    _, pipeline = corpus
    hits = json.loads(cli("search", query, "--json").stdout)["results"]
    first = hits[0]
    passage = Passage(first["id"], first["doc"], first["kind"], first["number"], first["label"], first["title"],
                      first["parent"], tuple(first["section"]), first["start"], first["end"], first["text"])
    assert select_targets([passage], pipeline, indicator=indicator, year=year), first["id"]
    one = json.loads(cli("search", query, "-n", "1", "--json").stdout)["results"]
    assert [h["id"] for h in one] == [first["id"]]


def test_eval_targets_on_a_terminal_lists_every_miss(cli):
    table = cli("eval", "--targets")
    data = json.loads(cli("eval", "--targets", "--json").stdout)
    assert table.code == 0 and "judged documents" in table.stderr
    lines = table.stdout.splitlines()
    assert sum(line.startswith("missed ") for line in lines) == len(data["missed"])
    assert sum(line.startswith("fields ") for line in lines) == len(data["wrong_fields"])


def test_a_judged_document_missing_from_the_index_is_left_out_with_a_warning(tmp_path, shared_cache):
    text = (ROOT / "data" / "targets_judged.tsv").read_text(encoding="utf-8")
    rows = [row for row in text.splitlines() if row.startswith(("part\t", f"tuned\ttarget\t{OPINIONS_ID}\t"))]
    ghost = rows[1].replace(OPINIONS_ID, "no-such-plan")
    path = tmp_path / "judged.tsv"
    path.write_text("\n".join([*rows, ghost]) + "\n", encoding="utf-8")
    warnings: list[str] = []
    report = evaluate_targets(path, cache=shared_cache, warn=warnings.append)
    assert report.documents == [OPINIONS_ID] and report.parts["overall"].judged == len(rows) - 1
    assert any("no-such-plan" in w for w in warnings)


_WARM = """
import sys
from carbon_cli.__main__ import run
code = run(["targets", "--indicator", "单位GDP能耗", "--json"])
loaded = {name.split(".")[0] for name in sys.modules} & {"rich", "jieba", "numpy", "rank_bm25"}
print(code, sorted(loaded), file=sys.stderr)
"""


def test_targets_json_loads_neither_rich_nor_jieba(run_carbon, home):
    assert run_carbon("docs", "add", str(OPINIONS)).code == 0
    proc = subprocess.run([sys.executable, "-c", _WARM], capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "0 []", proc.stderr
