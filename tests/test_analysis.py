"""keywords, kwic, stats and export on the real documents: the shipped Q&A and the
two policy documents in tests/fixtures, added as a user would add them."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len

from carbon_cli import analysis, scope
from carbon_cli.model import PASSAGE_FIELDS, Passage
from helpers import OPINIONS, OPINIONS_ID, SEED, SEED_ACTIONS, STORAGE_ID

SEED_TEXT = SEED.read_text(encoding="utf-8")


def ok_json(cli, *args: str):
    result = cli(*args, "--json")
    assert result.code == 0, result
    return json.loads(result.stdout)


def passages(cli, target: str) -> list[dict]:
    data = ok_json(cli, "show", target)
    return data if isinstance(data, list) else [data]


def index_df(home: Path, term: str) -> tuple[int, int]:
    """(passages in the index, passages holding term) read straight from the index file."""
    conn = sqlite3.connect(home / "index.sqlite")
    try:
        n = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        row = conn.execute("SELECT df FROM terms WHERE term = ?", (term,)).fetchone()
        return n, row[0] if row else 0
    finally:
        conn.close()


# -- keywords -----------------------------------------------------------------------


def test_keywords_of_action_4_keep_domain_terms_whole(cli):
    data = ok_json(cli, "keywords", "qa/action/4")
    assert data["method"] == "tfidf"
    assert data["scope"]["passages"] == 1
    terms = [k["term"] for k in data["keywords"]]
    # user-dictionary words stay whole; CCUS is shown as written, found through its normal form
    for term in ("负碳", "非二氧化碳", "温室气体", "CCUS", "绿色碳汇", "蓝色碳汇", "甲烷", "氧化亚氮"):
        assert term in terms
    assert "绿色" not in terms and "碳汇" not in terms  # never cut out of 绿色碳汇 / 蓝色碳汇
    assert terms[:3] == ["负碳", "非二氧化碳", "温室气体"]  # twice each, and rare in the corpus
    ccus = next(k for k in data["keywords"] if k["term"] == "CCUS")
    assert ccus["normalised"] == "ccus" and ccus["count"] == 1
    weights = [k["weight"] for k in data["keywords"]]
    assert weights == sorted(weights, reverse=True)
    assert [k["rank"] for k in data["keywords"]] == list(range(1, len(terms) + 1))


def test_keywords_leave_out_stop_words_question_words_and_non_words(cli):
    from carbon_cli.resources import data_file

    stop = set(data_file("stopwords.txt").read_text(encoding="utf-8").split())
    question = {line.split("#")[0].strip() for line in data_file("question_words.txt").read_text(encoding="utf-8").splitlines()}
    for target in ("qa", "qa/question/3", "qa/question/2"):
        for method in ("tfidf", "textrank"):
            data = ok_json(cli, "keywords", target, "--method", method, "--top", "200")
            for k in data["keywords"]:
                word = k["normalised"]
                assert len(word) >= 2 and word not in stop and word not in question, (target, method, word)
                assert any(c.isalpha() for c in word), word  # no 2030, no ——
    # 哪些 and 什么 are in the questions of the Q&A, and would otherwise count
    terms = {k["normalised"] for k in ok_json(cli, "keywords", "qa", "--top", "500")["keywords"]}
    assert "哪些" not in terms and "什么" not in terms and "如何" not in terms


def test_keywords_weights_use_the_idf_of_the_index(cli, home):
    """TF-IDF weight = count / total × ln(N / df), with N and df read from the index."""
    data = ok_json(cli, "keywords", "qa/action/4", "--top", "100")
    by_term = {k["normalised"]: k for k in data["keywords"]}
    n, df_tech = index_df(home, "技术")
    _, df_ccus = index_df(home, "ccus")
    assert 0 < df_ccus < df_tech < n
    tech, ccus = by_term["技术"], by_term["ccus"]
    expected = (tech["count"] * math.log(n / df_tech)) / (ccus["count"] * math.log(n / df_ccus))
    assert tech["weight"] / ccus["weight"] == pytest.approx(expected, rel=1e-4)


def test_keywords_change_with_the_corpus(library, home):
    """Adding documents that use a word everywhere lowers its weight: the idf is this corpus's."""
    added = ok_json(library, "keywords", "qa/action/1", "--top", "100")
    weight_after = {k["normalised"]: k["weight"] for k in added["keywords"]}
    library("docs", "remove", STORAGE_ID)
    library("docs", "remove", OPINIONS_ID)
    alone = ok_json(library, "keywords", "qa/action/1", "--top", "100")
    weight_before = {k["normalised"]: k["weight"] for k in alone["keywords"]}
    # 新能源 and 能源 fill the storage guidance and the opinions: more passages hold them now
    assert weight_after["新能源"] != weight_before["新能源"]


def test_keywords_textrank(cli):
    data = ok_json(cli, "keywords", "qa/action/4", "-m", "textrank", "-n", "10")
    assert data["method"] == "textrank"
    assert len(data["keywords"]) == 10
    terms = [k["term"] for k in data["keywords"]]
    assert {"温室气体", "非二氧化碳", "负碳", "技术"} <= set(terms)
    assert data["keywords"][0]["weight"] == pytest.approx(1.0)
    assert all(0 < k["weight"] <= 1 for k in data["keywords"])
    # user words jieba does not tag still take part (tagged as proper nouns of the field)
    every = [k["term"] for k in ok_json(cli, "keywords", "qa/action/4", "-m", "textrank", "-n", "100")["keywords"]]
    assert "绿色碳汇" in every and "CCUS" in every


def test_keywords_scopes(library):
    section = ok_json(library, "keywords", "qa/question/3")
    assert section["scope"]["passages"] == 12  # the question, its answer and the ten actions
    actions = ok_json(library, "keywords", "--kind", "action", "--doc", "qa")
    assert actions["scope"]["passages"] == 10
    assert actions["scope"]["kinds"] == ["action"] and actions["scope"]["docs"] == ["qa"]
    storage = ok_json(library, "keywords", STORAGE_ID, "--top", "5")
    assert len(storage["keywords"]) == 5
    assert "储能" in [k["term"] for k in storage["keywords"]] or "新型储能" in [k["term"] for k in storage["keywords"]]
    principles = ok_json(library, "keywords", "--kind", "principle", "--doc", STORAGE_ID)
    assert principles["scope"]["passages"] == 4


def test_keywords_terminal_table(cli):
    result = cli("keywords", "qa/action/4", "--top", "5")
    assert result.code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] == "qa/action/4 · 1 passage · 86 characters · tfidf"
    assert lines[1].split() == ["#", "term", "weight", "count"]
    assert [line.split()[1] for line in lines[2:]] == ["负碳", "非二氧化碳", "温室气体", "能力", "CCUS"]


def test_keywords_errors(cli):
    result = cli("keywords", "qa/action/99")
    assert result.code == 2 and "no passage or document 'qa/action/99'" in result.stderr
    result = cli("keywords", "--kind", "action", "--doc", "news-01")
    assert result.code == 1 and "no passage in kind action in news-01" in result.stderr
    result = cli("keywords", "--method", "lda")
    assert result.code == 2
    result = cli("keywords", "--kind", "nonsense")
    assert result.code == 2 and "unknown kind" in result.stderr


# -- kwic ---------------------------------------------------------------------------


def test_kwic_carbon_sink_is_twice_in_action_4_and_nowhere_else(cli):
    lines = ok_json(cli, "kwic", "碳汇")
    assert len(lines) == 2
    action = passages(cli, "qa/action/4")[0]
    for line in lines:
        assert line["passage"] == "qa/action/4" and line["doc"] == "qa" and line["kind"] == "action"
        assert line["number"] == 4 and line["match"] == "碳汇"
        assert action["text"][line["start"] : line["end"]] == "碳汇"
        assert SEED_TEXT[line["source_start"] : line["source_end"]] == "碳汇"
        assert line["source_start"] == action["start"] + line["start"]
    assert lines[0]["left"].endswith("绿色") and lines[0]["right"].startswith("、蓝色碳汇")
    assert lines[1]["left"].endswith("蓝色") and lines[1]["right"].startswith("等负碳技术")


def test_kwic_matches_the_normalised_text(cli, tmp_path):
    lines = ok_json(cli, "kwic", "ccus")
    assert [(x["passage"], x["match"]) for x in lines] == [("qa/action/4", "CCUS")]
    assert ok_json(cli, "kwic", "ＣＣＵＳ") == lines  # full width folds too
    # a document in traditional characters: 碳汇 finds 碳匯, offsets into the text as written
    path = tmp_path / "traditional.txt"
    path.write_text("一、總體要求\n提升生態系統碳匯能力，發展海洋碳匯。\n", encoding="utf-8")
    assert cli("docs", "add", str(path)).code == 0
    found = [x for x in ok_json(cli, "kwic", "碳汇", "--doc", "traditional") if x["doc"] == "traditional"]
    assert [x["match"] for x in found] == ["碳匯", "碳匯"]
    text = path.read_text(encoding="utf-8")
    assert all(text[x["source_start"] : x["source_end"]] == "碳匯" for x in found)


def test_kwic_lists_every_occurrence_not_one_per_passage(cli):
    lines = ok_json(cli, "kwic", "技术", "--kind", "action")
    actions = {p["id"]: p["text"] for p in ok_json(cli, "actions")}
    assert len(lines) == sum(text.count("技术") for text in actions.values()) == 17
    per_passage = {pid: sum(1 for x in lines if x["passage"] == pid) for pid in actions}
    assert per_passage["qa/action/6"] == 5
    for pid, text in actions.items():
        starts = [x["start"] for x in lines if x["passage"] == pid]
        expected, at = [], text.find("技术")
        while at >= 0:
            expected.append(at)
            at = text.find("技术", at + 2)
        assert starts == expected, pid


def test_kwic_aligns_left_context_by_display_width(cli):
    width = 20
    result = cli("kwic", "技术", "--width", str(width))
    assert result.code == 0, result
    items = ok_json(cli, "kwic", "技术", "--width", str(width))
    rows = result.stdout.splitlines()
    assert len(rows) == len(items) > 10
    id_width = max(len(x["passage"]) for x in items)
    for row, item in zip(rows, items):
        assert row.startswith(item["passage"].ljust(id_width) + "  ")
        body = row[id_width + 2 :]
        suffix = " " + item["match"] + " " + item["right"]
        assert body.rstrip().endswith(suffix.rstrip())
        left = body[: len(body.rstrip()) - len(suffix.rstrip())]
        assert cell_len(left) == width  # right-aligned: the term starts in the same column
        assert left.endswith(item["left"])
        # contexts fill the width as far as whole characters allow
        assert width - 1 <= cell_len(item["left"]) <= width or item["start"] < width
        assert cell_len(item["right"]) <= width


def test_kwic_context_is_one_line(cli):
    lines = ok_json(cli, "kwic", "附件下载")
    assert len(lines) == 1 and lines[0]["passage"] == "qa/attachment"
    assert lines[0]["right"].startswith(": 科技支撑")  # the line break became a space
    assert "\n" not in lines[0]["right"]


def test_kwic_scope_and_no_match(cli):
    assert len(ok_json(cli, "kwic", "碳汇", "qa/action/4")) == 2
    assert len(ok_json(cli, "kwic", "碳汇", "qa/question/3")) == 2  # the section holds action 4
    result = cli("kwic", "碳汇", "qa/action/1")
    assert result.code == 1 and result.stdout == ""
    assert "'碳汇' does not occur in qa/action/1" in result.stderr
    result = cli("kwic", "碳汇", "qa/action/1", "--json")
    assert result.code == 1 and json.loads(result.stdout) == []
    result = cli("kwic", "  ")
    assert result.code == 2 and "empty term" in result.stderr


def test_kwic_on_the_policy_documents(library):
    lines = ok_json(library, "kwic", "碳汇", "--doc", OPINIONS_ID)
    assert len(lines) >= 3
    assert all(x["doc"] == OPINIONS_ID and x["match"] == "碳汇" for x in lines)
    assert {x["passage"] for x in lines} >= {f"{OPINIONS_ID}/s9.22", f"{OPINIONS_ID}/s9.23"}
    text = OPINIONS.read_text(encoding="utf-8")
    assert all(text[x["source_start"] : x["source_end"]] == "碳汇" for x in lines)


# -- stats --------------------------------------------------------------------------


def test_stats_of_the_seed(cli):
    data = ok_json(cli, "stats")
    every = passages(cli, "qa") + [p for i in range(1, 11) for p in passages(cli, f"news-{i:02d}")]
    assert data["documents"] == 11
    assert data["passages"] == 36 == len(every)
    assert data["characters"] == sum(len(p["text"]) for p in every)
    assert data["kinds"]["action"] == 10 and data["kinds"]["news"] == 10 and data["kinds"]["question"] == 4
    assert 0 < data["vocabulary"] < data["tokens"] < data["characters"]
    counts = [t["count"] for t in data["top_terms"]]
    assert len(counts) == 20 and counts == sorted(counts, reverse=True)
    top = {t["term"]: t["count"] for t in data["top_terms"]}
    assert {"碳达峰", "碳中和", "技术", "科技", "创新"} <= set(top)
    assert top["碳达峰"] >= 20


def test_stats_scopes(library):
    qa = ok_json(library, "stats", "qa")
    assert qa["documents"] == 1 and qa["passages"] == 26
    actions = ok_json(library, "stats", "--kind", "action", "--top", "5")
    assert actions["passages"] == 10 and actions["kinds"] == {"action": 10} and len(actions["top_terms"]) == 5
    everything = ok_json(library, "stats")
    assert everything["documents"] == 13
    assert everything["passages"] == 36 + 62 + 59
    storage = ok_json(library, "stats", STORAGE_ID)
    assert storage["top_terms"][0]["term"] in ("储能", "新型储能")


def test_stats_terminal(cli):
    result = cli("stats")
    assert result.code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] == "all documents"
    assert lines[1].split() == ["documents", "11"] and lines[2].split() == ["passages", "36"]
    assert "most frequent terms" in lines


def test_stats_term_across_the_ten_actions(cli):
    data = ok_json(cli, "stats", "--term", "技术")
    assert data["term"] == "技术" and data["scope"]["kinds"] == ["action"]
    assert [p["number"] for p in data["passages"]] == list(range(1, 11))
    assert [p["title"] for p in data["passages"]] == SEED_ACTIONS
    texts = {p["id"]: p["text"] for p in ok_json(cli, "actions")}
    assert [p["count"] for p in data["passages"]] == [texts[p["id"]].count("技术") for p in data["passages"]]
    assert [p["count"] for p in data["passages"]] == [0, 2, 2, 3, 2, 5, 2, 0, 0, 1]
    assert data["total"] == 17 == len(ok_json(cli, "kwic", "技术", "--kind", "action"))


def test_stats_term_bar_chart(cli):
    result = cli("stats", "--term", "技术")
    assert result.code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] == "技术 in kind action: 17 occurrences in 10 passages"
    rows = lines[1:]
    assert len(rows) == 10
    for number, (row, title) in enumerate(zip(rows, SEED_ACTIONS), start=1):
        assert row.split()[0] == str(number) and title in row
    bars = [row.count("█") for row in rows]
    assert bars[5] == 40  # action 6, the most: the full bar
    assert bars[0] == bars[7] == bars[8] == 0
    assert bars[3] > bars[1] > bars[9] > 0  # 3 > 2 > 1
    assert [row.split()[-1] for row in rows] == ["0", "2", "2", "3", "2", "5", "2", "0", "0", "1"]


def test_stats_term_other_kinds_and_documents(library):
    result = library("stats", "--term", "储能", "--kind", "principle", "--kind", "guarantee")
    assert result.code == 0, result
    rows = result.stdout.splitlines()[1:]
    # qa: 3 principles, 3 safeguards; the opinions: 5 and 4; the storage guidance: 4 and 5
    assert len(rows) == 6 + 9 + 9
    assert sum(row.startswith(STORAGE_ID) and " principle " in row for row in rows) == 4
    assert sum(row.startswith("qa ") and " guarantee " in row for row in rows) == 3
    # a safeguard of the storage guidance is a heading line with its text in a paragraph
    # under it: its count is what kwic shows for its id, paragraph included
    data = ok_json(library, "stats", "--term", "储能", "--kind", "guarantee", "--doc", STORAGE_ID)
    assert [p["id"] for p in data["passages"]] == [f"{STORAGE_ID}/guarantee/{i}" for i in range(1, 6)]
    for p in data["passages"]:
        assert p["count"] == len(ok_json(library, "kwic", "储能", p["id"])) > 0
    assert data["total"] == sum(p["count"] for p in data["passages"])
    assert {x["passage"] for x in ok_json(library, "kwic", "储能", f"{STORAGE_ID}/guarantee/1")} == {f"{STORAGE_ID}/s6.15.p1"}
    result = library("stats", "--term", "技术", "--doc", "news-01")
    assert result.code == 1 and "no passage in kind action in news-01" in result.stderr


def test_kind_takes_what_is_nested_under_it(library):
    guarantees = ok_json(library, "stats", "--kind", "guarantee", "--doc", STORAGE_ID)
    assert guarantees["kinds"] == {"guarantee": 5, "paragraph": 5}
    words = [k["term"] for k in ok_json(library, "keywords", "--kind", "guarantee", "--doc", STORAGE_ID)["keywords"]]
    assert "新型储能" in words  # only in the paragraphs under the safeguards' heading lines
    # export's rows are passages: --kind keeps the passages of the kind alone
    rows = library("export", "--kind", "guarantee", "--doc", STORAGE_ID).stdout.splitlines()
    assert [json.loads(row)["kind"] for row in rows] == ["guarantee"] * 5


# -- export -------------------------------------------------------------------------


def test_export_csv_holds_the_ten_actions_with_their_titles(cli):
    result = cli("export", "--format", "csv", "--kind", "action")
    assert result.code == 0, result
    assert result.stdout.startswith("\ufeffid,doc,kind,number,label,title,section,parent,start,end,text\r\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"), newline="")))
    assert len(rows) == 10
    assert [r["title"] for r in rows] == SEED_ACTIONS
    assert [r["id"] for r in rows] == [f"qa/action/{i}" for i in range(1, 11)]
    assert [r["number"] for r in rows] == [str(i) for i in range(1, 11)]
    assert rows[3]["label"] == "四是" and rows[3]["parent"] == "qa/question/3"
    assert rows[3]["section"] == "《实施方案》的重点任务有哪些"
    for row in rows:
        assert SEED_TEXT[int(row["start"]) : int(row["end"])] == row["text"]


def test_export_csv_for_spreadsheets(library, tmp_path):
    out = tmp_path / "storage.csv"
    result = library("export", "-f", "csv", "-d", STORAGE_ID, "-o", str(out))
    assert result.code == 0, result
    assert result.stdout == "" and f"wrote 59 passages to {out}" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 when it starts so
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 59
    principle = next(r for r in rows if r["id"] == f"{STORAGE_ID}/principle/1")
    assert principle["section"] == "总体要求 › 基本原则"
    assert principle["title"] == "统筹规划、多元发展"
    title = next(r for r in rows if r["kind"] == "title")
    assert title["number"] == "" and title["parent"] == ""
    # --no-bom for tools that do not expect one
    plain = library("export", "-f", "csv", "-d", STORAGE_ID, "--no-bom")
    assert plain.stdout.startswith("id,doc,")
    assert plain.stdout.encode("utf-8") == raw[3:]


def test_export_csv_keeps_multi_line_text_in_one_cell(cli):
    result = cli("export", "qa/attachment", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"), newline="")))
    assert len(rows) == 1
    assert rows[0]["text"] == "附件下载:\n科技支撑碳达峰碳中和实施方案(2022—2030年).pdf"


def test_export_jsonl_is_the_outline_row_by_row(library):
    result = library("export")  # jsonl is the default
    assert result.code == 0, result
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 36 + 62 + 59
    assert all(list(row) == list(PASSAGE_FIELDS) for row in rows)
    shown = {p["id"]: p for p in passages(library, "qa")}
    for row in rows:
        if row["doc"] == "qa":
            assert row == shown[row["id"]]
    principle = next(r for r in rows if r["id"] == f"{STORAGE_ID}/principle/1")
    assert principle["section"] == ["总体要求", "基本原则"] and principle["number"] == 1
    assert library("export", "--json").stdout == result.stdout  # --json alone: JSON Lines
    actions = [json.loads(line) for line in library("export", "-k", "action", "-f", "jsonl").stdout.splitlines()]
    assert [a["title"] for a in actions] == SEED_ACTIONS


def test_export_markdown_renders_the_outline(library):
    result = library("export", "qa", "-f", "markdown")
    assert result.code == 0, result
    md = result.stdout
    lines = md.splitlines()
    assert lines[0] == "# 《科技支撑碳达峰碳中和实施方案(2022—2030年)》答记者问"
    assert "## 三、《实施方案》的重点任务有哪些?" in lines
    items = [line for line in lines if line.startswith("- ")]
    assert len(items) == 3 + 10 + 3  # principles, actions, safeguards
    assert "- 四是负碳及非二氧化碳温室气体减排技术能力提升行动。聚焦提升CCUS、绿色碳汇、蓝色碳汇等负碳技术能力,对甲烷、氧化亚氮等非二氧化碳温室气体监测和减量替代技术进行针对性部署;" in lines
    # the ten actions form one list, item after item
    first = lines.index(next(line for line in items if line.startswith("- 一是能源")))
    assert all(lines[first + i].startswith("- ") for i in range(10))

    storage = library("export", STORAGE_ID, "-f", "markdown").stdout.splitlines()
    assert storage[0] == "# 国家发展改革委 国家能源局关于加快推动新型储能发展的指导意见"
    assert storage.count(storage[0][2:]) == 0  # the title line is not repeated
    assert "## 一、总体要求" in storage and "### （二）基本原则。" in storage
    assert "- 统筹规划、多元发展。加强顶层设计，统筹储能发展各项工作，强化规划科学引领作用。鼓励结合源、网、荷不同需求探索储能多元化发展模式。" in storage
    # a safeguard with a paragraph under it: the paragraph is indented into the item
    at = storage.index("- （十五）加强组织领导工作。")
    assert storage[at + 1] == "" and storage[at + 2].startswith("  国家发展改革委、国家能源局负责牵头构建储能高质量发展体制机制")


def test_export_markdown_of_a_kind_is_a_list_per_document(library):
    md = library("export", "-k", "action", "-f", "markdown").stdout
    assert md.startswith("# 《科技支撑碳达峰碳中和实施方案(2022—2030年)》答记者问\n\n- 一是能源绿色低碳转型科技支撑行动。")
    assert md.count("\n- ") == 10


def test_export_to_a_file_is_atomic(cli, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "actions.jsonl"
    out.write_text("old content\n", encoding="utf-8")
    os.chmod(out, 0o640)
    result = cli("export", "-k", "action", "--output", str(out), "--json")
    assert result.code == 0, result
    summary = json.loads(result.stdout)
    assert summary == {"output": str(out), "format": "jsonl", "passages": 10, "bytes": out.stat().st_size}
    assert out.read_text(encoding="utf-8") == cli("export", "-k", "action").stdout
    assert out.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    assert sorted(p.name for p in folder.iterdir()) == ["actions.jsonl"]  # no temporary file left
    result = cli("export", "-o", str(folder / "missing" / "x.csv"), "-f", "csv")
    assert result.code == 2 and "cannot write" in result.stderr
    result = cli("export", "-o", str(folder), "-f", "csv")
    assert result.code == 2 and "is a folder" in result.stderr
    assert cli("export", "-k", "action", "-o", "-").stdout == cli("export", "-k", "action").stdout


def test_export_errors(cli):
    result = cli("export", "-f", "csv", "--json")
    assert result.code == 2 and "--json without --output writes JSON Lines" in result.stderr
    result = cli("export", "-f", "xlsx")
    assert result.code == 2
    result = cli("export", "-k", "action", "-d", "news-03", "-f", "csv")
    assert result.code == 1 and result.stdout == "\ufeffid,doc,kind,number,label,title,section,parent,start,end,text\r\n"


def test_export_as_a_program(run_carbon, tmp_path):
    """The installed program writes UTF-8 bytes whatever the locale says."""
    result = run_carbon("export", "-k", "action", "-f", "csv", env={"LC_ALL": "C", "PYTHONIOENCODING": "ascii"})
    assert result.code == 0, result
    assert result.stdout.startswith("\ufeffid,doc,kind")
    assert SEED_ACTIONS[3] in result.stdout


# -- the library ----------------------------------------------------------------------


def _passage(pid: str, kind: str, text: str, parent: str | None = None) -> Passage:
    return Passage(pid, "d", kind, None, "", "", parent, (), 0, len(text), text)


def test_markdown_escapes_what_markdown_would_read():
    docs = [{"id": "d", "title": "A *bold* title"}]
    md = analysis.to_markdown(
        [
            _passage("d/p1", "paragraph", "# not a heading"),
            _passage("d/p2", "paragraph", "2030. not a list, a_b [link](x) <b>"),
            _passage("d/i1", "item", "- not a nested list"),
        ],
        docs,
    )
    assert md == (
        "# A \\*bold\\* title\n\n"
        "\\# not a heading\n\n"
        "2030\\. not a list, a\\_b \\[link\\](x) \\<b\\>\n\n"
        "- \\- not a nested list\n"
    )


def test_context_counts_cells():
    assert analysis._context(iter("碳汇ab  c"), 5) == "碳汇a"
    assert analysis._context(iter("ab  \n\tcd"), 10) == "ab cd"
    assert analysis._context(iter("碳汇"), 3) == "碳"


def test_select_passages_subtree(cli, home):
    from carbon_cli.catalog import Catalog
    from carbon_cli.store import Home

    index = Catalog(Home()).open()
    try:
        ids = [p.id for p in scope.select_passages(index, "qa/question/2")]
        assert ids == ["qa/question/2", "qa/answer/2", "qa/principle/1", "qa/principle/2", "qa/principle/3"]
        ids = [p.id for p in scope.select_passages(index, "qa/question/2", kinds=["principle"])]
        assert ids == ["qa/principle/1", "qa/principle/2", "qa/principle/3"]
        assert len(scope.select_passages(index, "news-05")) == 1
    finally:
        index.conn.close()


def test_keywords_name_the_subject_not_the_verbs_of_official_writing(cli):
    """The verbs every official text is written with (推进, 加快, 加强 …, measured by
    bench/boilerplate.py) are not key terms; the subject of the text is."""
    from carbon_cli.text import boilerplate_words

    assert cli("docs", "add", str(OPINIONS)).code == 0
    result = cli("keywords", "--doc", "cpc-sc-dual-carbon-opinions-2021", "-n", "15", "--json")
    assert result.code == 0, result
    terms = [row["normalised"] for row in json.loads(result.stdout)["keywords"]]
    assert {"推进", "加快", "加强", "完善", "提升", "推动"} <= boilerplate_words()
    assert not set(terms) & boilerplate_words()
    assert {"碳达峰", "碳中和"} <= set(terms)
