"""The links between documents, through the CLI on real documents: citations
(``refs``, ``cited-by``, the graph), similar passages and diffs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OPINIONS = FIXTURES / "cpc_sc_dual_carbon_opinions_2021.txt"
OPINIONS_ID = "cpc-sc-dual-carbon-opinions-2021"
FULL_TITLE = "中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见"


def _json(cli, *args: str, code: int = 0):
    result = cli(*args, "--json")
    assert result.code == code, result
    return json.loads(result.stdout)


def test_cited_by_names_the_seed_passage_that_cites_the_opinion(cli):
    cli("docs", "add", str(OPINIONS))
    citing = _json(cli, "cited-by", OPINIONS_ID)
    assert [(c["passage"], c["cited"]) for c in citing] == [("qa/answer/2", FULL_TITLE)]
    passage = _json(cli, "show", "qa/answer/2")
    assert passage["text"][citing[0]["start"]:citing[0]["end"]] == f"《{FULL_TITLE}》"  # offsets into the passage
    shown = cli("cited-by", OPINIONS_ID)
    assert shown.code == 0 and "qa/answer/2" in shown.stdout and FULL_TITLE in shown.stdout


def test_refs_lists_resolved_and_unresolved_citations_as_such(cli):
    cli("docs", "add", str(OPINIONS))
    found = _json(cli, "refs", "qa")
    resolved = [c for c in found if c["resolved"]]
    assert [(c["cited"], c["targets"][0]["doc"]) for c in resolved] == [(FULL_TITLE, OPINIONS_ID)]
    unresolved = {c["cited"] for c in found if not c["resolved"]}
    assert unresolved == {"科技支撑碳达峰碳中和实施方案(2022—2030年)", "实施方案", "2030年前碳达峰行动方案"}
    aliases = {c["alias_of"] for c in found if c["cited"] == "实施方案"}
    assert aliases == {"科技支撑碳达峰碳中和实施方案(2022—2030年)"}  # declared with (以下简称《实施方案》)
    text = cli("refs", "qa").stdout
    assert f"《{FULL_TITLE}》  → {OPINIONS_ID} (title)" in text and "《2030年前碳达峰行动方案》  unresolved" in text


def test_a_citation_resolves_once_the_cited_document_is_added(cli):
    before = _json(cli, "refs", "qa/answer/2")
    assert not any(c["resolved"] for c in before)
    assert cli("cited-by", "qa").code == 1  # nothing cites the Q&A
    cli("docs", "add", str(OPINIONS))
    assert [c["resolved"] for c in _json(cli, "refs", "qa/answer/2")] == [False, True, False]


def test_a_covering_notice_is_cited_by_the_title_it_carries(cli):
    cli("docs", "add", str(FIXTURES / "real" / "sc_peak_action_plan_2030_2021.txt"))
    (citation,) = [c for c in _json(cli, "refs", "qa/answer/2") if c["cited"] == "2030年前碳达峰行动方案"]
    assert citation["targets"] == [{"doc": "sc-peak-action-plan-2030-2021", "by": "carried"}]  # 2030 年前 in the PDF


def test_the_graph_has_every_document_and_one_edge_per_link(cli):
    cli("docs", "add", str(OPINIONS))
    network = _json(cli, "refs", "--graph")
    assert {n["id"] for n in network["nodes"]} >= {"qa", OPINIONS_ID}
    assert network["edges"] == [{"source": "qa", "target": OPINIONS_ID, "citations": 1, "passages": ["qa/answer/2"]}]
    rows = list(csv.DictReader(io.StringIO(cli("refs", "--graph", "--format", "csv").stdout)))
    assert rows == [{"source": "qa", "target": OPINIONS_ID, "citations": "1", "passages": "qa/answer/2"}]
    dot = cli("refs", "--graph", "--format", "dot").stdout
    assert dot.startswith("digraph citations {") and f'"qa" -> "{OPINIONS_ID}" [label=1];' in dot


def test_refs_and_cited_by_of_an_unknown_id_are_errors(cli):
    for args in (("refs", "nosuch"), ("cited-by", "nosuch"), ("cited-by", "qa/answer/2")):
        result = cli(*args)
        assert result.code == 2 and result.stderr.startswith("carbon: error:") and "Traceback" not in result.stderr


PEAK = FIXTURES / "real" / "sc_peak_action_plan_2030_2021.txt"
JIANGXI = FIXTURES / "real" / "jiangxi_carbon_peak_implementation_plan_2022.txt"


def test_similar_finds_the_provincial_version_of_a_national_item(cli):
    cli("docs", "add", str(PEAK), str(JIANGXI))
    source = "sc-peak-action-plan-2030-2021/s3.1.6"  # （五）加快建设新型电力系统 of the national plan
    data = _json(cli, "similar", source, "-n", "5")
    ids = [hit["id"] for hit in data["results"]]
    assert ids[0] == source and data["results"][0]["score"] == 1.0  # the passage itself first
    assert ids[1] == "jiangxi-carbon-peak-implementation-plan-2022/s3.1.3"  # Jiangxi's 加快建设新型电力系统
    assert all(not i.startswith("sc-peak-action-plan-2030-2021/") for i in ids[1:])  # other documents only
    scores = [hit["score"] for hit in data["results"][1:]]
    assert scores == sorted(scores, reverse=True)
    assert "抽水蓄能" in [t["term"] for t in data["terms"]] and not any(t["term"].startswith("kind:") for t in data["terms"])


def test_similar_with_same_doc_may_answer_from_the_passage_s_own_document(cli):
    alone = [hit["doc"] for hit in _json(cli, "similar", "qa/action/1", "-n", "10")["results"]]
    data = _json(cli, "similar", "qa/action/1", "--same-doc", "-n", "10")
    assert "qa" not in alone[1:] and "qa" in [hit["doc"] for hit in data["results"][1:]]
    shown = cli("similar", "qa/action/1", "-n", "3")
    assert shown.code == 0 and shown.stdout.splitlines()[1].startswith(" 1. 能源绿色低碳转型科技支撑行动  qa/action/1")


def test_similar_of_an_unknown_passage_is_an_error(cli):
    result = cli("similar", "qa/action/99")
    assert result.code == 2 and "no passage" in result.stderr


STORAGE = FIXTURES / "ndrc_nea_new_energy_storage_guidance_2021.txt"
STORAGE_ID = "ndrc-nea-new-energy-storage-guidance-2021"


def _edited(tmp_path: Path) -> Path:
    """The guidance with item （十七） removed, an item （二十） added before the signature,
    and item （五）'s paragraph edited (关键技术研发 → 核心技术攻关)."""
    lines = STORAGE.read_text(encoding="utf-8").split("\n")
    at = lines.index("（十七）鼓励地方先行先试。")
    del lines[at:at + 2]
    at = lines.index("国家发展改革委")
    lines[at:at] = ["（二十）加强宣传引导。", "开展新型储能科普宣传，营造全社会关心支持新型储能发展的良好氛围。"]
    at = lines.index("（五）提升科技创新能力。") + 1
    assert "关键技术研发" in lines[at]
    lines[at] = lines[at].replace("关键技术研发", "核心技术攻关", 1)
    path = tmp_path / "edited.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _reprint(tmp_path: Path) -> Path:
    """The guidance as another copy prints it: its paragraphs in traditional characters,
    with half-width ， ； ：, 、 written as ，, and cut into lines of 37 characters."""
    import opencc

    to_traditional = opencc.OpenCC("s2t").convert
    lines = []
    for line in STORAGE.read_text(encoding="utf-8").split("\n"):
        if len(line) > 45:  # a paragraph; headings and the signature keep their form
            line = to_traditional(line).replace("，", ",").replace("；", ";").replace("：", ":").replace("、", "，")
            while len(line) > 45:
                lines.append(line[:37])
                line = line[37:]
        lines.append(line)
    path = tmp_path / "reprint.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_diff_reports_exactly_the_item_added_the_item_removed_and_the_item_edited(cli, tmp_path):
    cli("docs", "add", str(STORAGE), str(_edited(tmp_path)))
    data = _json(cli, "diff", STORAGE_ID, "edited")
    assert data["summary"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": data["summary"]["unchanged"]}
    differing = {item["status"]: item for item in data["items"] if item["status"] != "unchanged"}
    assert differing["added"]["b"]["title"] == "加强宣传引导"
    assert differing["removed"]["a"]["title"] == "鼓励地方先行先试"
    changed = differing["changed"]
    assert changed["a"]["title"] == changed["b"]["title"] == "提升科技创新能力"
    marked = [(changed["a"]["text"][c["a"][0]:c["a"][1]], changed["b"]["text"][c["b"][0]:c["b"][1]])
              for c in changed["changes"]]
    assert "".join(a for a, _ in marked) == "关键研发" and "".join(b for _, b in marked) == "核心攻关"
    shown = cli("diff", STORAGE_ID, "edited", "--changes-only")
    assert shown.code == 0 and "1 added, 1 removed, 1 changed" in shown.stdout
    assert [line[:1] for line in shown.stdout.splitlines() if line[:2] in ("+ ", "- ", "~ ")] == ["~", "-", "+"]


def test_a_reprint_with_other_line_breaks_punctuation_widths_and_characters_is_unchanged(cli, tmp_path):
    cli("docs", "add", str(STORAGE), str(_reprint(tmp_path)))
    data = _json(cli, "diff", STORAGE_ID, "reprint", code=1)
    assert data["summary"]["unchanged"] > 30 and {item["status"] for item in data["items"]} == {"unchanged"}
    result = cli("diff", "reprint", STORAGE_ID)
    assert result.code == 1 and "say the same" in result.stderr


def test_diff_of_an_unknown_document_is_an_error(cli):
    result = cli("diff", "qa", "nosuch")
    assert result.code == 2 and "no document 'nosuch'" in result.stderr
