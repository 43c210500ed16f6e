"""Tests for carbon_cli.outline: the seed, the two real documents and synthetic ones."""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbon_cli.model import Document
from carbon_cli.outline import cn_number, parse_documents, title_of
from carbon_cli.section_words import query_words
from helpers import FIXTURES as FIX
from helpers import OPINIONS as CPC
from helpers import SEED, check_invariants
from helpers import STORAGE as NDRC

NOTICE = FIX / "synthetic_notice_web_reprint.txt"
PLAN = FIX / "synthetic_action_plan.txt"
REGULATION = FIX / "synthetic_regulation_chapters.txt"
QA_PLAIN = FIX / "synthetic_qa_with_title.txt"

ALL_FILES = [SEED, CPC, NDRC, NOTICE, PLAN, REGULATION, QA_PLAIN] + sorted(FIX.glob("synthetic_*.txt"))
ALL_FILES = list(dict.fromkeys(ALL_FILES))

META_LINE = re.compile(r"^(\||来源：|发布时间：|字号|访问次数|打印本页|分享到|当前位置|索 引 号|主题分类|发文机关|标　　题|"
                       r"发文字号|【|扫一扫|000014349|城乡建设、环境保护|首页|2022-06-01|上一篇|下一篇|微信$|微博$|> 来源：|---$)")


def read(path: Path) -> str:
    """The fixture's text with its line ends as they are (some fixtures use CRLF)."""
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def content_lines(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\r\n]+", text):
        s = m.group(0)
        if s.strip():
            a = m.start() + len(s) - len(s.lstrip())
            out.append((a, m.start() + len(s.rstrip())))
    return out


def assert_no_lost_lines(text: str, docs: list[Document]) -> None:
    """Every non-blank line is inside exactly one passage, or is page metadata."""
    spans = [(p.start, p.end) for d in docs for p in d.passages]
    for a, b in content_lines(text):
        line = text[a:b]
        hits = [s for s in spans if s[0] < b and a < s[1]]
        if not hits:
            assert META_LINE.match(line) or "大 中 小" in line, f"lost line: {line!r}"
        else:
            # a line may be cut into several passages (inline items) but never shared
            # by two passages that also cover other lines
            assert all(s[0] >= a or s[1] <= b or (s[0] <= a and s[1] >= b) for s in hits)


@pytest.fixture(scope="module")
def seed_docs():
    text = read(SEED)
    return text, parse_documents(text, "qa", teaser_prefix="news")


def passages(doc: Document) -> dict:
    return {p.id: p for p in doc.passages}


# ------------------------------------------------------------------- invariants on every file


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_invariants_on_every_test_document(path):
    text = read(path)
    docs = parse_documents(text, "doc", teaser_prefix="news")
    assert docs
    check_invariants(text, docs)
    assert_no_lost_lines(text, docs)


# ------------------------------------------------------------------- the seed


def test_seed_documents(seed_docs):
    text, docs = seed_docs
    assert [d.id for d in docs] == ["qa"] + [f"news-{i:02d}" for i in range(1, 11)]
    for d in docs[1:]:
        assert d.truncated
        assert [p.id for p in d.passages] == [f"{d.id}/news"]
        assert d.passages[0].kind == "news"
        assert d.passages[0].text.endswith("......")
        assert d.title and len(d.title) <= 30 + 30  # up to 30, and on to a closing bracket
    assert docs[1].passages[0].text.startswith("一、出台《若干措施》")
    assert docs[1].title == "出台《若干措施》有哪些考虑"
    assert not docs[0].truncated
    assert docs[0].title == "《科技支撑碳达峰碳中和实施方案(2022—2030年)》答记者问"


def test_seed_qa_order(seed_docs):
    _, docs = seed_docs
    qa = docs[0]
    ids = [p.id for p in qa.passages]
    expected = ["qa/intro"]
    expected += ["qa/question/1", "qa/answer/1"]
    expected += ["qa/question/2", "qa/answer/2"] + [f"qa/principle/{i}" for i in (1, 2, 3)]
    expected += ["qa/question/3", "qa/answer/3"] + [f"qa/action/{i}" for i in range(1, 11)]
    expected += ["qa/question/4", "qa/answer/4"] + [f"qa/guarantee/{i}" for i in (1, 2, 3)]
    expected += ["qa/attachment"]
    assert ids == expected
    assert "qa/question/5" not in ids


def test_seed_questions_and_answers(seed_docs):
    text, docs = seed_docs
    ps = passages(docs[0])
    intro = ps["qa/intro"]
    assert intro.kind == "intro" and intro.text.startswith("为深入落实党中央") and intro.text.endswith("提问。")
    q1 = ps["qa/question/1"]
    assert (q1.kind, q1.number, q1.label) == ("question", 1, "一、")
    assert q1.text == "一、请问出台《实施方案》的目的和意义是什么?"
    assert q1.title == "请问出台《实施方案》的目的和意义是什么"
    assert ps["qa/question/4"].title == "如何确保《实施方案》贯彻落实"
    a1 = ps["qa/answer/1"]
    assert (a1.kind, a1.number, a1.parent) == ("answer", 1, "qa/question/1")
    assert a1.text.startswith("碳达峰碳中和是党中央") and a1.text.endswith("指导作用。")
    assert "\n" in a1.text  # both paragraphs
    a2 = ps["qa/answer/2"]
    assert a2.text.startswith("《实施方案》对标") and a2.text.endswith("遵循以下原则:")
    a3 = ps["qa/answer/3"]
    assert a3.text.startswith("加强科技支撑") and a3.text.endswith("10项具体行动。")
    a4 = ps["qa/answer/4"]
    assert a4.text == "科技部将通过以下三方面工作确保《实施方案》的贯彻落实:"
    assert a4.parent == "qa/question/4"
    assert a4.section == ("如何确保《实施方案》贯彻落实",)


def test_seed_principles(seed_docs):
    _, docs = seed_docs
    ps = passages(docs[0])
    titles = [ps[f"qa/principle/{i}"].title for i in (1, 2, 3)]
    assert titles == ["统筹当前和长远", "统筹科技创新与政策创新", "统筹科技部门和相关方面的工作"]
    p2 = ps["qa/principle/2"]
    assert (p2.kind, p2.number, p2.label, p2.parent) == ("principle", 2, "二是", "qa/question/2")
    assert p2.text.startswith("二是统筹科技创新与政策创新。") and p2.text.endswith("低碳技术产业化。")


def test_seed_actions(seed_docs):
    _, docs = seed_docs
    ps = passages(docs[0])
    a = [ps[f"qa/action/{i}"] for i in range(1, 11)]
    assert a[0].title == "能源绿色低碳转型科技支撑行动"
    assert a[3].title == "负碳及非二氧化碳温室气体减排技术能力提升行动"
    assert a[3].label == "四是" and a[3].number == 4
    assert a[9].title == "碳达峰碳中和科技创新国际合作行动"
    assert a[9].label == "十是"
    assert all(x.kind == "action" and x.parent == "qa/question/3" for x in a)
    assert all(x.title.endswith("行动") for x in a)
    assert a[0].section == ("《实施方案》的重点任务有哪些",)


def test_seed_inline_guarantees(seed_docs):
    text, docs = seed_docs
    ps = passages(docs[0])
    g = [ps[f"qa/guarantee/{i}"] for i in (1, 2, 3)]
    assert [x.title for x in g] == ["加强机制保障", "加强碳中和技术跟踪监测", "加强技术成果的产权保护"]
    assert [x.label for x in g] == ["一是", "二是", "三是"]
    assert [x.number for x in g] == [1, 2, 3]
    # all three sit inside the one paragraph of answer 4, right after the lead clause
    a4 = ps["qa/answer/4"]
    line_end = text.index("\n", a4.start)
    assert a4.end <= g[0].start < g[0].end <= g[1].start < g[1].end <= g[2].start < g[2].end <= line_end
    assert g[0].text.startswith("一是加强机制保障,") and g[0].text.endswith("创新环境。")
    assert g[2].text.endswith("共享平台。")
    assert all(x.parent == "qa/question/4" for x in g)


def test_seed_attachment(seed_docs):
    _, docs = seed_docs
    att = passages(docs[0])["qa/attachment"]
    assert att.kind == "attachment"
    assert att.text.startswith("附件下载:") and att.text.endswith(".pdf")


def test_teaser_ids_without_prefix():
    text = read(SEED)
    docs = parse_documents(text, "seed")
    assert [d.id for d in docs[1:]] == [f"seed-news-{i:02d}" for i in range(1, 11)]
    assert docs[1].passages[0].id == "seed-news-01/news"


# ------------------------------------------------------------------- cpc opinions


@pytest.fixture(scope="module")
def cpc():
    text = read(CPC)
    docs = parse_documents(text, "cpc")
    assert len(docs) == 1
    return text, docs[0]


def test_cpc_front_and_meta(cpc):
    text, d = cpc
    ps = passages(d)
    assert d.title == "中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见"
    assert ps["cpc/title"].kind == "title"
    assert ps["cpc/preamble"].kind == "preamble" and ps["cpc/preamble"].text.endswith("现提出如下意见。")
    assert d.meta.get("来源") == "新华社"
    assert all("来源：新华社" not in p.text for p in d.passages)


def test_cpc_structure_ids(cpc):
    _, d = cpc
    ps = passages(d)
    assert ps["cpc/s1"].title == "总体要求" and ps["cpc/s1"].kind == "heading"
    assert ps["cpc/s1.1"].title == "指导思想" and ps["cpc/s1.1"].label == "（一）"
    assert ps["cpc/s1.1.p1"].parent == "cpc/s1.1"
    assert ps["cpc/s1.1.p1"].section == ("总体要求", "指导思想")
    s33 = ps["cpc/s3.3"]
    assert (s33.kind, s33.title, s33.number) == ("item", "强化绿色低碳发展规划引领", 3)
    assert s33.text.startswith("（三）强化绿色低碳发展规划引领。将碳达峰")
    assert ps["cpc/s5.11"].label == "（十一）"
    assert ps["cpc/s2.p3"].text.startswith("到2060年")


def test_cpc_principles(cpc):
    _, d = cpc
    pr = [p for p in d.passages if p.kind == "principle"]
    assert [p.title for p in pr] == ["全国统筹", "节约优先", "双轮驱动", "内外畅通", "防范风险"]
    assert [p.id for p in pr] == [f"cpc/principle/{i}" for i in range(1, 6)]
    assert all(p.label == "——" and p.parent == "cpc/s1.2" for p in pr)
    assert pr[0].section == ("总体要求", "工作原则")


def test_cpc_guarantees(cpc):
    _, d = cpc
    g = [p for p in d.passages if p.kind == "guarantee"]
    assert [p.title for p in g] == ["加强组织领导", "强化统筹协调", "压实地方责任", "严格监督考核"]
    assert [p.label for p in g] == ["（三十四）", "（三十五）", "（三十六）", "（三十七）"]
    assert [p.id for p in g] == [f"cpc/guarantee/{i}" for i in range(1, 5)]
    assert all(p.parent == "cpc/s13" for p in g)
    assert not [p for p in d.passages if p.kind == "action"]


# ------------------------------------------------------------------- ndrc guidance


@pytest.fixture(scope="module")
def ndrc():
    text = read(NDRC)
    docs = parse_documents(text, "ndrc")
    assert len(docs) == 1
    return text, docs[0]


def test_ndrc_front_and_back_matter(ndrc):
    _, d = ndrc
    ps = passages(d)
    assert d.title == "国家发展改革委 国家能源局关于加快推动新型储能发展的指导意见"
    assert d.meta["文号"] == "发改能源规〔2021〕1051号"
    assert ps["ndrc/number"].text == "发改能源规〔2021〕1051号"
    assert ps["ndrc/addressee"].kind == "addressee"
    assert ps["ndrc/addressee"].text.startswith("各省、自治区、直辖市")
    assert ps["ndrc/preamble"].text.startswith("实现碳达峰碳中和")
    sig = ps["ndrc/signature"]
    assert sig.kind == "signature" and sig.text.split("\n") == ["国家发展改革委", "国家能源局"]
    assert ps["ndrc/date"].kind == "date" and ps["ndrc/date"].text == "2021年7月15日"
    assert [p.kind for p in d.passages[:4]] == ["title", "number", "addressee", "preamble"]
    assert [p.kind for p in d.passages[-2:]] == ["signature", "date"]


def test_ndrc_principles_are_titled_paragraphs(ndrc):
    _, d = ndrc
    pr = [p for p in d.passages if p.kind == "principle"]
    assert [p.title for p in pr] == ["统筹规划、多元发展", "创新引领、规模带动", "政策驱动、市场主导", "规范管理、保障安全"]
    assert all(p.parent == "ndrc/s1.2" and p.label == "" for p in pr)
    assert passages(d)["ndrc/s1.2"].title == "基本原则"


def test_ndrc_guarantees_and_headings(ndrc):
    _, d = ndrc
    ps = passages(d)
    g = [p for p in d.passages if p.kind == "guarantee"]
    assert [p.title for p in g] == ["加强组织领导工作", "落实主体发展责任", "鼓励地方先行先试", "建立监管长效机制",
                                    "加强安全风险防范"]
    assert all(p.parent == "ndrc/s6" for p in g)
    body = ps["ndrc/s6.15.p1"]
    assert body.parent == "ndrc/guarantee/1" and body.kind == "paragraph"
    h = ps["ndrc/s2.1"]
    assert (h.kind, h.title, h.text) == ("heading", "统筹开展储能专项规划", "（一）统筹开展储能专项规划。")
    assert ps["ndrc/s3.5"].title == "提升科技创新能力"  # ordinal value, not position


# ------------------------------------------------------------------- synthetic notice


@pytest.fixture(scope="module")
def notice():
    text = read(NOTICE)
    docs = parse_documents(text, "n")
    assert len(docs) == 1
    return text, docs[0]


def test_notice_metadata_table(notice):
    _, d = notice
    assert d.meta["索引号"] == "000014349/2022-00123"
    assert d.meta["发文机关"] == "某某省发展和改革委员会"
    assert d.meta["发文字号"] == "某发改环资〔2022〕88号"
    assert d.meta["文号"] == "某发改环资〔2022〕88号"
    assert d.meta["发布时间"] == "2022-03-10 09:30"
    assert d.meta["访问次数"] == "1024"
    for p in d.passages:
        assert "|" not in p.text and "访问次数" not in p.text and "打印本页" not in p.text


def test_notice_front_and_back(notice):
    _, d = notice
    ps = passages(d)
    assert d.title == "某某省发展改革委关于做好2022年节能降碳工作的通知"
    assert ps["n/addressee"].text == "各市、县（区）发展改革委，省直有关部门："
    assert ps["n/signature"].text == "某某省发展和改革委员会"
    assert ps["n/date"].text == "2022年3月8日"
    att = ps["n/attachment"]
    assert att.text.startswith("附件：1．") and att.text.endswith("重点用能单位名单")
    assert ps["n/note"].text == "（此件公开发布）"


def test_notice_split_headings_join(notice):
    _, d = notice
    ps = passages(d)
    s1 = ps["n/s1"]
    assert s1.text == "一、\n工作目标" and s1.title == "工作目标" and s1.label == "一、"
    s21 = ps["n/s2.1"]
    assert s21.text == "（一）\n推进重点领域节能" and s21.title == "推进重点领域节能"


def test_notice_levels(notice):
    _, d = notice
    ps = passages(d)
    assert ps["n/s2.1.1"].label == "1." and ps["n/s2.1.1"].title == "工业领域"
    assert ps["n/s2.1.2"].label == "2．" and ps["n/s2.1.2"].kind == "heading"
    assert ps["n/s2.1.3"].label == "3、"
    p1 = ps["n/s2.1.2.1"]
    assert (p1.label, p1.title, p1.kind, p1.parent) == ("（1）", "加快公共建筑能效提升", "item", "n/s2.1.2")
    c2 = ps["n/s2.1.3.2"]
    assert (c2.label, c2.number, c2.parent) == ("②", 2, "n/s2.1.3")
    assert c2.section == ("重点任务", "推进重点领域节能", "交通领域")
    assert ps["n/s2.2"].title == "加强节能管理"
    g = [p for p in d.passages if p.kind == "guarantee"]
    assert [p.title for p in g] == ["加强组织领导", "强化监督检查", "做好宣传引导"]
    assert all(p.parent == "n/s3" for p in g)


# ------------------------------------------------------------------- synthetic plan


@pytest.fixture(scope="module")
def plan():
    text = read(PLAN)
    docs = parse_documents(text, "plan")
    return text, docs[0]


def test_plan_actions(plan):
    _, d = plan
    acts = [p for p in d.passages if p.kind == "action"]
    assert [p.title for p in acts] == ["能源绿色低碳转型行动", "节能降碳增效行动", "工业领域碳达峰行动", "城乡建设碳达峰行动"]
    assert [p.label for p in acts] == ["（一）", "（二）", "（三）", "（四）"]
    assert [p.number for p in acts] == [1, 2, 3, 4]
    ps = passages(d)
    # an action heading keeps its children; their ids stay structural
    assert ps["plan/s2.1.1"].parent == "plan/action/1"
    assert ps["plan/s2.1.1"].section == ("重点任务", "能源绿色低碳转型行动")
    assert ps["plan/s2.3.p1"].parent == "plan/action/3"


def test_plan_principles_after_lead_and_guarantees(plan):
    _, d = plan
    pr = [p for p in d.passages if p.kind == "principle"]
    assert [p.title for p in pr] == ["全市统筹", "节约优先", "改革引领"]
    g = [p for p in d.passages if p.kind == "guarantee"]
    assert [p.title for p in g] == ["完善财税支持政策", "健全绿色金融体系", "强化人才支撑"]
    assert all(p.label == "——" for p in g)
    ps = passages(d)
    assert ps["plan/date"].text == "（2022年6月1日）"
    # 组织实施 with a plain paragraph only: no guarantee items invented
    assert ps["plan/s4.p1"].kind == "paragraph"


# ------------------------------------------------------------------- regulation with chapters


def test_regulation_chapters_articles():
    text = read(REGULATION)
    (d,) = parse_documents(text, "reg")
    ps = passages(d)
    assert ps["reg/s1"].label == "第一章" and ps["reg/s1"].title == "总则"
    # an article is one unit with its clause list, named by its number
    assert (ps["reg/s2.3"].label, ps["reg/s2.3"].kind, ps["reg/s2.3"].title) == ("第三条", "item", "第三条")
    assert "（二）" in ps["reg/s2.3"].text and not any(p.parent == "reg/s2.3" for p in d.passages)
    assert ps["reg/s3.5"].text.endswith("起施行。")


# ------------------------------------------------------------------- Q&A with a title line


def test_qa_with_title_line():
    text = read(QA_PLAIN)
    docs = parse_documents(text, "jd")
    d = docs[0]
    ps = passages(d)
    assert d.title == "国家能源局有关负责人就《某某指导意见》答记者问"
    assert ps["jd/intro"].text.startswith("近日")
    assert ps["jd/question/1"].title == "《指导意见》出台的背景是什么"
    assert ps["jd/answer/2"].text.endswith("主要有以下考虑：")
    g = [p for p in d.passages if p.kind == "guarantee"]
    assert [p.title for p in g] == ["强化组织协调", "加强监测评估"]
    assert [p.label for p in g] == ["（一）", "（二）"]


# ------------------------------------------------------------------- helpers and edge cases


def test_title_of_and_numbers():
    assert title_of("加强机制保障,建立双碳") == "加强机制保障"
    assert title_of("指导思想。") == "指导思想"
    assert title_of("  统筹规划、多元发展。加强") == "统筹规划、多元发展"
    assert title_of("无标点" * 40) == ("无标点" * 40)[:60]
    assert cn_number("三十四") == 34 and cn_number("十") == 10 and cn_number("一百零五") == 105
    assert cn_number("１２") == 12 and cn_number("x") is None


@pytest.mark.parametrize("text", ["", "   \n\n\t", "\u3000\ufeff\n", "\x00\x01\x02"])
def test_empty_and_junk(text):
    docs = parse_documents(text, "x")
    check_invariants(text, docs)
    if not text.strip("\u3000\ufeff \n\t"):
        assert docs == []


def test_crlf_and_indent_offsets():
    text = "标题一则\r\n\u3000\u3000一、总体要求\r\n\u3000\u3000正文一段。\r\n"
    (d,) = parse_documents(text, "c")
    check_invariants(text, [d])
    ps = passages(d)
    assert ps["c/s1"].text == "一、总体要求"
    assert ps["c/s1.p1"].text == "正文一段。"


def test_only_teasers_and_mixed_ellipsis():
    text = "第一条新闻，内容很长……\n第二条新闻，内容也很长......\n"
    docs = parse_documents(text, "t", teaser_prefix="news")
    assert [d.id for d in docs] == ["news-01", "news-02"]
    check_invariants(text, docs)


# What a pass quadratic in its input costs on the inputs below: minutes of CPU. The
# bound catches that, on a loaded machine too; how fast parsing is lives in bench/.
QUADRATIC_CPU_SECONDS = 15


def test_huge_single_line_is_read_in_one_pass():
    text = ("一是加强。" + "碳" * 200 + "，") * 2500 + "😀" * 1000
    assert len(text) > 500_000
    t0 = time.process_time()
    docs = parse_documents(text, "big")
    assert time.process_time() - t0 < QUADRATIC_CPU_SECONDS
    check_invariants(text, docs)
    text = "（" * 300_000 + "一、" * 200_000
    t0 = time.process_time()
    docs = parse_documents(text, "big")
    assert time.process_time() - t0 < QUADRATIC_CPU_SECONDS
    check_invariants(text, docs)


def test_100_kb_of_dash_lines_in_one_pass():
    """Each child looks at its earlier siblings once: one forward pass per parent
    (about 1 s of CPU for 33,333 siblings; comparing each with every earlier one would
    take minutes). Timed in this process's CPU time: other processes do not count."""
    text = "——\n" * (100_000 // 3)
    t0 = time.process_time()
    (d,) = parse_documents(text, "dash")
    assert time.process_time() - t0 < QUADRATIC_CPU_SECONDS
    assert len(d.passages) == 100_000 // 3
    check_invariants(text, [d])


def test_a_line_opening_with_a_mark_no_paragraph_opens_with_goes_on_the_one_before():
    # a PDF's box closes a line with （…）, read as a paragraph's end; the next opens with 、 or 。
    from carbon_cli.readers import read_file

    text = read_file(FIX / "real" / "miit_industrial_green_development_plan_14fyp_2021.txt").text
    (doc,) = parse_documents(text, "miit")
    slag = next(p for p in doc.passages if "冶炼渣（不含赤泥）" in p.text)
    assert "冶炼渣（不含赤泥）\n、工业副产石膏综合利用率分别达到 73%、73%。" in slag.text
    assert not any(p.text.startswith(("、", "，", "。")) for p in doc.passages)
    check_invariants(text, [doc])


def test_a_long_run_of_joined_lines_is_joined_in_one_pass():
    """Lines that join into one paragraph (wrapped at a page width) are joined without
    reading the paragraph so far again for each: 30,000 wrapped lines took 56 s of CPU
    that way, now under 2."""
    wrapped = "\n".join("这是一行很长的文字内容没有标点符号一直写到页面的宽度为止的内容啊" for _ in range(30_000))
    commas = "第一条 标题\n" + "\n".join("，这是一行文字内容而已" for _ in range(49_000))  # each joins the one before
    for text in (wrapped, commas):
        t0 = time.process_time()
        docs = parse_documents(text, "long")
        assert time.process_time() - t0 < QUADRATIC_CPU_SECONDS
        assert len(docs) == 1 and max(len(p.text) for p in docs[0].passages) > len(text) // 2
        check_invariants(text, docs)


def test_64000_repeated_section_lines_are_fast():
    text = "一、\n" * 64_000
    t0 = time.process_time()
    (d,) = parse_documents(text, "yi")
    assert time.process_time() - t0 < 6
    assert [p.id for p in d.passages[:3]] == ["yi/s1", "yi/s1-2", "yi/s1-3"]
    check_invariants(text, [d])


def test_many_lines_are_fast():
    line = "（三）强化绿色低碳发展规划引领。一是加强，二是推进，三是落实。\n——全国统筹。全国一盘棋。\n"
    text = read(CPC) + line * 5000
    t0 = time.perf_counter()
    docs = parse_documents(text, "many")
    assert time.perf_counter() - t0 < 10
    check_invariants(text, docs)


# ------------------------------------------------------------------- property test

_pieces = st.sampled_from([
    "一、", "（一）", "(二)", "1.", "2．", "3、", "（1）", "(2)", "①", "②", "——", "一是", "二是", "三是",
    "第一章", "第二条", "保障措施", "工作原则", "行动", "。", "，", ",", "？", "?", "：", "\n", "\r\n", "\r",
    "\n\n", "\u3000", " ", "\t", "......", "……", "附件：", "x.pdf", "来源：新华社", "| 索引号： | 1 |",
    "2021年7月15日", "〔2021〕23号", "各省、自治区：", "😀", "\x00", "\x1c", "\u2028", "\ufeff", "《方案》",
])
_texts = st.lists(st.one_of(_pieces, st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_property_never_raises_offsets_hold(text):
    docs = parse_documents(text, "h", teaser_prefix="n")
    check_invariants(text, docs)
    assert_no_lost_lines_lenient(text, docs)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_property_arbitrary_unicode(text):
    docs = parse_documents(text, "u")
    check_invariants(text, docs)


FURNITURE = re.compile(r"[\s\u3000【】\[\]|｜/：:打印关闭收藏分享到我要纠错返回顶部字号体默认大中小本页窗口此]+|"
                       r"[-—－–\s\u3000]*[0-9]+[-—－–\s\u3000]*|第.*页.*|[-*_]{3,}")  # page numbers, rules


def assert_no_lost_lines_lenient(text: str, docs: list[Document]) -> None:
    """Each non-blank line overlaps a passage unless the parser took it for metadata."""
    spans = sorted((p.start, p.end) for d in docs for p in d.passages)
    metas = [v for d in docs for v in d.meta.values()]
    for a, b in content_lines(text):
        if any(s[0] < b and a < s[1] for s in spans):
            continue
        line = text[a:b]
        assert any(v in line for v in metas) or "|" in line or "：" in line or ":" in line or \
            "大" in line or "打印" in line or "分享" in line or FURNITURE.fullmatch(line) or \
            not line.strip("\u3000\ufeff\u200b\u2028\u2029\x1c\x1d\x1e\x1f\x85 "), \
            f"lost line {line!r}"


# ------------------------------------------------------------------- gov.cn reprint of a 印发 notice

GOV_PLAN = FIX / "synthetic_gov_cn_peak_plan_reprint.txt"


def parse_one(path: Path, doc_id: str) -> Document:
    """The single document of a fixture, after checking the invariants on it."""
    text = read(path)
    docs = parse_documents(text, doc_id)
    check_invariants(text, docs)
    assert len(docs) == 1
    return docs[0]


def titles(doc: Document, kind: str) -> list[str]:
    return [p.title for p in doc.passages if p.kind == kind]


def test_gov_cn_reprint_metadata_cells_on_their_own_lines():
    d = parse_one(GOV_PLAN, "g")
    assert d.title == "国务院关于印发2030年前碳达峰行动方案的通知"
    assert d.meta["索引号"] == "000014349/2021-00118"
    assert d.meta["主题分类"] == "城乡建设、环境保护\\节能与资源综合利用"
    assert d.meta["发文字号"] == d.meta["文号"] == "国发〔2021〕23号"
    assert d.meta["成文日期"] == "2021年10月24日"
    assert "字体" not in d.meta
    for p in d.passages:
        assert not re.search(r"索 引 号|000014349|纠错|责任编辑|大 中 小|打印|扫一扫|当前位置", p.text)


def test_gov_cn_reprint_notice_closes_before_the_plan():
    d = parse_one(GOV_PLAN, "g")
    ps = passages(d)
    kinds = [(p.id, p.kind) for p in d.passages[:10]]
    assert kinds == [("g/title", "title"), ("g/number", "number"), ("g/addressee", "addressee"),
                     ("g/preamble", "preamble"), ("g/signature", "signature"), ("g/date", "date"),
                     ("g/note", "paragraph"), ("g/title-2", "title"), ("g/preamble-2", "preamble"),
                     ("g/s1", "heading")]
    assert ps["g/addressee"].text == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    assert ps["g/signature"].text == "国务院" and ps["g/date"].text == "2021年10月24日"
    assert ps["g/title-2"].text == "2030年前碳达峰行动方案"
    assert ps["g/preamble-2"].text.endswith("制定本方案。")


def test_gov_cn_reprint_semantic_views():
    d = parse_one(GOV_PLAN, "g")
    assert titles(d, "principle") == ["总体部署、分类施策", "系统推进、重点突破", "双轮驱动、两手发力", "稳妥有序、安全降碳"]
    acts = titles(d, "action")
    assert len(acts) == 10
    assert acts[0] == "能源绿色低碳转型行动" and acts[-1] == "各地区梯次有序碳达峰行动"
    assert titles(d, "guarantee") == ["建立统一规范的碳排放统计核算体系", "健全法律法规标准", "完善经济政策",
                                      "建立健全市场化机制", "加强统筹协调", "强化责任落实", "严格监督考核"]
    ps = passages(d)
    assert ps["g/s3.1.2"].parent == "g/action/1" and ps["g/s3.1.2"].title == "大力发展新能源"
    assert ps["g/s3.p1"].kind == "paragraph"  # the sentence naming the ten actions is no action
    assert [ps["g/s4.1"].kind, ps["g/s4.2"].kind] == ["item", "item"]  # 国际合作: neither


# ------------------------------------------------------------------- interview in the 问：/答： form

QA_WEN_DA = FIX / "synthetic_qa_wen_da.txt"


def test_qa_wen_da_questions_and_answers():
    d = parse_one(QA_WEN_DA, "w")
    ps = passages(d)
    assert d.title.endswith("答记者问")
    assert ps["w/intro"].text.startswith("近日")
    qs = [p for p in d.passages if p.kind == "question"]
    assert [q.title for q in qs] == ["《意见》出台的背景和意义是什么", "《意见》编制遵循了哪些原则",
                                     "《意见》提出了哪些重点任务", "如何确保《意见》各项措施落地见效"]
    assert [q.label for q in qs] == ["问："] * 4
    a1 = ps["w/answer/1"]
    assert a1.text.startswith("答：能源生产") and a1.text.endswith("重要意义。")  # both paragraphs
    assert a1.parent == "w/question/1"
    assert ps["w/s3.1"].parent == "w/question/3" and ps["w/s3.1"].kind == "item"


def test_qa_wen_da_safeguards_answer_the_last_question():
    d = parse_one(QA_WEN_DA, "w")
    assert all(p.parent == "w/question/4" for p in d.passages if p.kind == "guarantee")


def test_qa_bare_question_lines():
    text = ("某某局负责人解读《某某方案》\n为什么要出台《方案》？\n当前节能降碳任务艰巨。\n"
            "《方案》的基本原则是什么？\n——坚持统筹推进。全局谋划。\n——坚持市场主导。发挥市场作用。\n")
    (d,) = parse_documents(text, "b")
    check_invariants(text, [d])
    assert titles(d, "question") == ["为什么要出台《方案》", "《方案》的基本原则是什么"]
    assert passages(d)["b/answer/1"].text == "当前节能降碳任务艰巨。"
    assert titles(d, "principle") == ["坚持统筹推进", "坚持市场主导"]


def test_principle_lead_does_not_reach_past_a_plain_paragraph():
    text = "某某方案\n坚持以下原则：\n一是统筹推进；二是重点突破。\n主要任务如下。\n（一）加快发展新能源。推进光伏。\n"
    (d,) = parse_documents(text, "l")
    assert titles(d, "principle") == ["统筹推进", "重点突破"]
    assert passages(d)["l/s1"].kind == "item"


# ------------------------------------------------------------------- ministry notice: CRLF, (一), 1．, 附件N

MINISTRY = FIX / "synthetic_ministry_notice_crlf_attachments.txt"


def test_ministry_notice_front_and_closing():
    d = parse_one(MINISTRY, "m")
    ps = passages(d)
    assert d.title == "工业和信息化部办公厅关于组织开展2023年度工业节能诊断服务工作的通知"
    assert d.meta["文号"] == "工信厅节函〔2023〕105号"
    assert ps["m/addressee"].text.endswith("有关单位：")
    assert ps["m/note"].text.startswith("联系人：")
    assert ps["m/attachment"].text.startswith("附件：1．") and ps["m/attachment"].text.endswith("编制指南")
    assert ps["m/signature"].text == "工业和信息化部办公厅" and ps["m/date"].text == "2023年5月12日"
    assert all("\r" not in p.title for p in d.passages)


def test_ministry_notice_half_width_parentheses_and_split_headings():
    d = parse_one(MINISTRY, "m")
    ps = passages(d)
    s1 = ps["m/s1"]
    assert (s1.label, s1.title, s1.kind) == ("(一)", "诊断对象", "heading")
    assert s1.text == "(一)  \r\n诊断对象"
    assert ps["m/s2"].title == "诊断内容" and ps["m/s2"].label == "(二)"
    s23 = ps["m/s2.3"]
    assert (s23.label, s23.title, s23.kind) == ("3．", "节能管理诊断", "heading")
    assert ps["m/s2.3.p1"].parent == "m/s2.3"
    # (三)工作要求 holds the notice's safeguards; the contact line is not the last one's body
    assert [(g.id, g.title) for g in d.passages if g.kind == "guarantee"] == [
        ("m/guarantee/1", "加强组织领导"), ("m/guarantee/2", "做好成果应用")]
    assert "联系人" not in ps["m/guarantee/2"].text


def test_ministry_notice_attached_documents_start_afresh():
    d = parse_one(MINISTRY, "m")
    ps = passages(d)
    assert [ps["m/attachment-2"].text, ps["m/title-2"].text] == ["附件1", "2023年度工业节能诊断服务任务表"]
    assert [ps["m/attachment-3"].text, ps["m/title-3"].text] == ["附件2", "工业节能诊断报告编制指南"]
    assert ps["m/s1-2"].parent is None and ps["m/s1-2"].title == "钢铁行业"
    assert ps["m/s1-3"].title == "基本原则" and ps["m/s1-3"].parent is None
    assert titles(d, "principle") == ["客观公正", "注重实效"]
    assert titles(d, "guarantee") == ["加强组织领导", "做好成果应用"] and titles(d, "action") == []


# ------------------------------------------------------------------- provincial plan: 第一章 / 第一节 / 专栏

PROVINCIAL = FIX / "synthetic_provincial_plan_chapters.txt"


def test_provincial_plan_chapters_sections_and_boxes():
    d = parse_one(PROVINCIAL, "pv")
    ps = passages(d)
    assert d.title == "某某省“十四五”能源发展规划"
    assert (ps["pv/s2"].label, ps["pv/s2"].title) == ("第二章", "总体要求")
    assert (ps["pv/s2.1"].label, ps["pv/s2.1"].title, ps["pv/s2.1"].parent) == ("第一节", "指导思想", "pv/s2")
    box = ps["pv/s2.3.box1"]
    assert (box.kind, box.label, box.title) == ("heading", "专栏1", "“十四五”能源发展主要指标")
    assert ps["pv/s2.3.box1.p2"].text.startswith("| 能源供应")
    assert ps["pv/s3.1.2.1"].section == ("加快发展非化石能源", "大力发展风电和光伏发电", "积极发展分布式光伏")


def test_provincial_plan_safeguards_are_sections_of_the_last_chapter():
    d = parse_one(PROVINCIAL, "pv")
    assert all(p.label.startswith("第") and p.parent == "pv/s4" for p in d.passages if p.kind == "guarantee")


# ------------------------------------------------------------------- layout does not change the outline


def _shape(text: str) -> list[tuple[str, str, str, str, str | None]]:
    (d, *_) = parse_documents(text, "x")
    return [(p.id, p.kind, p.label, p.title.strip(), p.parent) for p in d.passages]


def _relayout(text: str, how: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    if how == "blank":
        return "\n\n".join(lines)
    if how == "crlf":
        return "\r\n".join(lines)
    if how == "indent":
        return "\n".join("\u3000\u3000" + ln + " \u3000" if ln else ln for ln in lines)
    return "\n".join(lines)


@pytest.mark.parametrize("how", ["blank", "crlf", "indent"])
@pytest.mark.parametrize("path", [p for p in ALL_FILES if p != SEED], ids=lambda p: p.stem)
def test_layout_does_not_change_the_outline(path, how):
    """Blank-line paragraphs (DOCX exports), CRLF and indents with trailing spaces give the same tree."""
    text = _relayout(read(path), "lf")
    other = _relayout(text, how)
    assert _shape(other) == _shape(text)
    check_invariants(other, parse_documents(other, "x"))


# ------------------------------------------------------------------- red header, 一． / 1) / （1） / ① / 第一，

NEA = FIX / "synthetic_nea_web_reprint_red_header.txt"


def test_red_header_wrapped_title_and_page_metadata():
    d = parse_one(NEA, "e")
    ps = passages(d)
    assert d.title == "国家能源局关于推进新型电力系统建设有关工作的通知"
    assert ps["e/title"].text == "国家能源局关于推进新型电力系统建设\n有关工作的通知"
    assert ps["e/note"].text == "国家能源局文件"
    assert d.meta["文号"] == "国能发新能〔2022〕56号"
    assert d.meta["发布时间"] == "2022-06-01 10:30" and d.meta["来源"] == "国家能源局网站"
    for p in d.passages:
        assert not re.search(r"首页|大 中 小|上一篇|下一篇|微信|微博|分享", p.text)
    assert [p.kind for p in d.passages[:6]] == ["paragraph", "number", "title", "addressee", "preamble", "heading"]


def test_red_header_closing_and_printing_block():
    d = parse_one(NEA, "e")
    ps = passages(d)
    assert ps["e/signature"].text == "国家能源局" and ps["e/date"].text == "2022年5月30日"
    assert ps["e/note-2"].text.startswith("抄送：") and ps["e/note-3"].text.endswith("印发")
    assert ps["e/note-3"].parent is None


def test_red_header_levels_and_semantic_views():
    d = parse_one(NEA, "e")
    ps = passages(d)
    assert [ps[f"e/s{i}"].label for i in (1, 2, 3, 4)] == ["一．", "二．", "三．", "四．"]
    assert (ps["e/s2.2"].label, ps["e/s2.2"].kind) == ("2)", "heading")
    assert (ps["e/s2.2.1"].label, ps["e/s2.2.1"].parent) == ("（1）", "e/s2.2")
    assert (ps["e/s2.3.2"].label, ps["e/s2.3.2"].title) == ("②", "培育负荷聚合商等新型主体")
    assert titles(d, "principle") == ["坚持安全可靠", "坚持因地制宜"]
    assert [p.label for p in d.passages if p.kind == "principle"] == ["第一，", "第二，"]
    assert titles(d, "guarantee") == ["建立工作机制", "强化监督检查", "加强宣传引导"]
    assert ps["e/s4.p1"].text.endswith("确保各项任务落到实处：")
    assert titles(d, "action") == []


def test_plain_paragraphs_under_a_principles_heading_are_principles():
    text = ("某某方案\n一、总体要求\n（二）基本原则\n坚持节约优先，把节约能源资源放在首位。\n"
            "坚持创新驱动，强化科技支撑作用。\n二、主要任务\n推进重点领域节能。\n加快发展新能源。\n")
    (d,) = parse_documents(text, "pp")
    check_invariants(text, [d])
    assert titles(d, "principle") == ["坚持节约优先", "坚持创新驱动"]
    assert [p.kind for p in d.passages if p.parent == "pp/s2"] == ["paragraph", "paragraph"]


def test_metadata_line_led_by_a_site_name():
    text = "某某网发布时间:2021-03-24 16:57:02  作者:张某\n一、总体要求\n正文。\n"
    (d,) = parse_documents(text, "sn")
    assert d.meta["发布时间"] == "2021-03-24 16:57:02" and d.meta["作者"] == "张某"
    assert all("发布时间" not in p.text for p in d.passages)


# ------------------------------------------------------------------- ministerial order with measures in articles

ORDER = FIX / "synthetic_ministry_order_measures.txt"


def test_order_front_signed_by_a_minister_titles_the_measures_it_promulgates():
    d = parse_one(ORDER, "o")
    ps = passages(d)
    assert d.title == "碳排放权交易管理办法（试行）" and d.meta["文号"] == "第19号"
    assert ps["o/title"].text == "生态环境部令"
    assert [p.kind for p in d.passages[:6]] == ["title", "number", "preamble", "signature", "date", "title"]
    assert ps["o/signature"].text == "部长\u3000黄某某"
    assert ps["o/title-2"].text == "碳排放权交易管理办法（试行）"


def test_order_articles_and_no_semantic_items():
    d = parse_one(ORDER, "o")
    ps = passages(d)
    assert (ps["o/s2.8"].label, ps["o/s2.8"].kind) == ("第八条", "item")
    assert "（二）" in ps["o/s2.8"].text and "o/s2.8.2" not in ps
    assert (ps["o/s4.42"].label, ps["o/s4.42"].kind) == ("第四十二条", "item")
    # an article that names 原则 in passing has no principles under it
    assert titles(d, "principle") == titles(d, "guarantee") == titles(d, "action") == []


def test_an_article_keeps_its_clauses_and_under_safeguards_is_a_safeguard():
    text = ("某某条例\n第一章　总则\n第五条　县级以上人民政府应当履行下列职责：（一）组织编制节能规划；"
            "（二）督促检查节能工作。\n第六条　前款第（一）项所列情形除外。\n第二章　保障措施\n"
            "第七条　各地要做好以下工作。第一，加强组织领导，明确责任分工。第二，强化资金保障。\n")
    (d,) = parse_documents(text, "in")
    check_invariants(text, [d])
    ps = passages(d)
    assert ps["in/s1.5"].text.endswith("（二）督促检查节能工作。") and "in/s1.5.1" not in ps
    assert ps["in/s1.6"].kind == "item"
    # an article under a safeguards chapter is a safeguard, whole
    assert titles(d, "guarantee") == ["第七条"]
    assert [p.text.endswith("强化资金保障。") for p in d.passages if p.kind == "guarantee"] == [True]


# ------------------------------------------------------------------- a gov.cn page read as HTML


def test_gov_cn_html_page_reads_as_the_document():
    """Menus and link lists of the page are left out; the metadata table and the article stay."""
    from carbon_cli.readers import read_file

    text = read_file(FIX / "synthetic_gov_cn_page.html").text
    for noise in ("简", "总理", "互动", "相关稿件", "纠错", "大 中 小", "_中国政府网"):
        assert noise not in text
    (d,) = parse_documents(text, "h")
    check_invariants(text, [d])
    assert d.title == "国务院关于印发2030年前碳达峰行动方案的通知"
    assert d.meta["索引号"] == "000014349/2021-00118" and d.meta["文号"] == "国发〔2021〕23号"
    assert [p.kind for p in d.passages[:8]] == ["title", "number", "addressee", "preamble", "signature", "date",
                                                "paragraph", "title"]
    assert titles(d, "principle") == ["总体部署、分类施策", "系统推进、重点突破"]


def test_draft_title_and_addressee_wrapped_over_two_lines():
    text = ("某某市发展和改革委员会文件\n某发改〔2023〕7号\n关于印发某某市节能降碳实施方案（征求意见稿）\n"
            "各区人民政府，\n市政府各委、办、局：\n现将方案印发给你们。\n一、总体要求\n（一）工作原则\n"
            "——统筹推进。全市一盘棋。\n——重点突破。抓住关键。\n")
    (d,) = parse_documents(text, "dr")
    check_invariants(text, [d])
    ps = passages(d)
    assert d.title == "关于印发某某市节能降碳实施方案（征求意见稿）"
    assert ps["dr/note"].text == "某某市发展和改革委员会文件"
    assert ps["dr/addressee"].text == "各区人民政府，\n市政府各委、办、局："
    assert titles(d, "principle") == ["统筹推进", "重点突破"]


def test_one_sub_item_ending_in_xingdong_keeps_its_action():
    text = "某某方案\n一、重点任务\n（一）绿色低碳全民行动\n1.开展节约型机关创建行动。推动机关节能。\n2.推广绿色出行。鼓励步行。\n"
    (d,) = parse_documents(text, "ac")
    assert titles(d, "action") == ["绿色低碳全民行动", "开展节约型机关创建行动"]


# ------------------------------------------------------------------- national plan with blank-line paragraphs

NATIONAL = FIX / "synthetic_national_energy_plan.txt"


def test_national_plan_tree():
    d = parse_one(NATIONAL, "np")
    ps = passages(d)
    assert d.title == "“十四五”现代能源体系规划"
    assert ps["np/preamble"].text.startswith("能源是人类文明进步")
    assert (ps["np/s1"].text, ps["np/s1"].title) == ("一、发展基础和形势", "发展基础和形势")  # trailing spaces cut
    assert (ps["np/s2"].text, ps["np/s2"].title) == ("二、\n指导方针和目标", "指导方针和目标")
    assert [ps[f"np/s1.1.i{i}"].title for i in (1, 2, 3)] == ["能源保障更加有力", "绿色低碳转型成效显著", "科技创新取得新突破"]
    assert ps["np/s1.1.p1"].text == "“十三五”以来，我国能源结构持续优化，能源利用效率显著提升。"
    assert ps["np/s2.3.box1"].title == "“十四五”时期现代能源体系建设主要指标"
    assert ps["np/s3.1.2"].parent == "np/s3.1" and ps["np/s3.1.2"].label == "2．"


def test_attachment_saved_on_its_own_and_numbered_questions_with_wen():
    text = "附件\n某某市碳达峰实施方案\n一、总体要求\n推进工作。\n"
    (d,) = parse_documents(text, "at")
    assert d.title == "某某市碳达峰实施方案"
    assert [p.kind for p in d.passages[:2]] == ["attachment", "title"]
    text = ("一、问：为什么出台方案？\n答：为了推进工作。\n二、问：如何保障方案落地实施？\n"
            "答：重点做好两方面工作：一是加强领导；二是强化考核。\n")
    (d,) = parse_documents(text, "qn")
    assert titles(d, "question") == ["为什么出台方案", "如何保障方案落地实施"]
    assert titles(d, "guarantee") == ["加强领导", "强化考核"]


# ------------------------------------------------------------------- text of a PDF, hard-wrapped at the page width

PDF_WRAPPED = FIX / "synthetic_pdf_wrapped_peak_plan.txt"


def test_pdf_wrapped_lines_join_into_paragraphs():
    d = parse_one(PDF_WRAPPED, "pw")
    ps = passages(d)
    assert ps["pw/preamble"].text.endswith("制定本方案。")
    assert ps["pw/s1.1"].text.endswith("做好碳达峰工作。") and ps["pw/s1.1"].kind == "item"
    a1 = ps["pw/action/1"]
    assert "— 2 —" in a1.text and a1.text.endswith("可再生能源替代。")  # across the page break
    assert ps["pw/s2.1.1"].title == "推进煤炭消费替代和转型升级"
    assert not [p for p in d.passages if p.text == "— 2 —"]


def test_title_cut_by_a_wrapped_line_is_whole():
    assert title_of("能源绿色低碳转\n型行动。能源是") == "能源绿色低碳转型行动"


def test_table_rows_of_equal_width_are_not_wrapped_lines():
    rows = "\n".join(f"| 指标{i} | 非化石能源消费比重（%） | 15 | 20 |" for i in range(8))
    text = f"某某规划\n一、主要指标\n{rows}\n二、重点任务\n推进工作。\n"
    (d,) = parse_documents(text, "tb")
    assert len([p for p in d.passages if p.text.startswith("| 指标")]) == 8


def test_unsigned_closing_date_before_the_issued_plan():
    text = ("某某省人民政府关于印发某某省碳达峰实施方案的通知\n各市人民政府：\n现将方案印发给你们，请认真贯彻执行。\n"
            "2022年8月1日\n（此件公开发布）\n某某省碳达峰实施方案\n一、总体要求\n推进工作。\n")
    (d,) = parse_documents(text, "un")
    check_invariants(text, [d])
    assert [p.kind for p in d.passages] == ["title", "addressee", "preamble", "date", "paragraph", "title",
                                            "heading", "paragraph"]


def test_traditional_characters_read_alike():
    text = ("某某方案\n一、基本原則\n（一）統籌推進。全局謀劃。\n（二）重點突破。抓住關鍵。\n二、重點任務\n"
            "（一）能源綠色低碳轉型行動。推進轉型。\n三、組織實施\n（一）加強組織領導。明確責任。\n")
    (d,) = parse_documents(text, "tr")
    assert titles(d, "principle") == ["統籌推進", "重點突破"]
    assert titles(d, "action") == ["能源綠色低碳轉型行動"]
    assert titles(d, "guarantee") == ["加強組織領導"]


def test_traditional_headings_are_folded_as_every_text_is():
    """規劃 and 舉措 are folded by OpenCC, as queries and documents are, not by a list of characters."""
    text = ("某某規劃\n一、發展原則\n（一）統籌推進。全局謀劃。\n二、規劃實施\n（一）健全協調機制。明確責任。\n"
            "三、保障舉措\n各地區要加強組織領導，落實責任。\n各部門要強化監測評估，定期調度。\n")
    (d,) = parse_documents(text, "tf")
    assert titles(d, "principle") == ["統籌推進"]
    assert titles(d, "guarantee") == ["健全協調機制", "各地區要加強組織領導", "各部門要強化監測評估"]


@pytest.mark.parametrize(("word", "kind"), query_words(), ids=[w for w, _ in query_words()])
def test_every_query_word_of_a_kind_names_its_section_in_a_document(word, kind):
    """One table: the word that asks for a kind's items also makes a heading hold them."""
    text = f"某某方案\n一、{word}\n（一）加强统筹协调。明确责任分工。\n（二）强化监测评估。定期调度。\n"
    (d,) = parse_documents(text, "qw")
    assert titles(d, kind) == ["加强统筹协调", "强化监测评估"]


def test_answer_with_its_own_numbered_sections_stays_under_its_question():
    text = ("某某局负责人答记者问\n问：《方案》有哪些重点任务？\n答：主要有两方面。\n一、加快发展新能源。推进光伏。\n"
            "二、推进节能降碳。实施改造。\n问：如何确保《方案》落实？\n答：一是加强领导；二是强化考核。\n")
    (d,) = parse_documents(text, "aq")
    check_invariants(text, [d])
    ps = passages(d)
    assert ps["aq/s1.1"].parent == "aq/question/1" and ps["aq/s1.2"].parent == "aq/question/1"
    assert titles(d, "guarantee") == ["加强领导", "强化考核"]


def test_red_header_directly_above_the_title():
    text = "国家能源局文件\n国家能源局关于做好某某工作的通知\n各派出机构：\n现通知如下。\n一、总体要求\n推进工作。\n"
    (d,) = parse_documents(text, "rh")
    assert d.title == "国家能源局关于做好某某工作的通知"
    assert passages(d)["rh/note"].text == "国家能源局文件"


def test_attachment_list_after_the_date_is_no_title():
    text = ("某某局关于某某工作的通知\n各单位：\n现通知如下。\n一、总体要求\n推进工作。\n某某局\n2022年5月30日\n"
            "附件：1．某某任务清单\n2．某某名单\n")
    (d,) = parse_documents(text, "al")
    ps = passages(d)
    assert [p.kind for p in d.passages[-3:]] == ["signature", "date", "attachment"]
    assert ps["al/attachment"].text.endswith("某某名单")


@pytest.mark.parametrize("line", ["打印 关闭", "【打印】【关闭】", "字号：大 中 小", "【字体：大 中 小】", "打印本页 | 关闭窗口",
                                  "— 3 —", "- 3 -", "第3页 共10页", "分享到：", "首页 > 政策 > 国务院文件"])
def test_page_furniture_lines_are_metadata(line):
    text = f"某某局关于某某工作的通知\n{line}\n一、总体要求\n推进工作。\n"
    (d,) = parse_documents(text, "fu")
    assert all(line not in p.text for p in d.passages)
    assert [p.kind for p in d.passages] == ["title", "heading", "paragraph"]


def test_rhetorical_questions_in_a_sectioned_document_are_paragraphs():
    text = ("某某方案\n一、形势\n为什么要加快转型？\n形势紧迫。\n怎样推进转型？\n统筹推进。\n二、任务\n"
            "（一）加快发展新能源。推进光伏。\n")
    (d,) = parse_documents(text, "rq")
    assert titles(d, "question") == []
    assert passages(d)["rq/s2.1"].parent == "rq/s2"


def test_question_about_putting_the_plan_into_effect_holds_safeguards():
    text = ("一、《方案》的主要内容是什么？\n主要包括三方面。\n二、下一步如何推动《方案》落地见效？\n"
            "一是加强统筹协调；二是强化督促检查。\n")
    (d,) = parse_documents(text, "lf")
    assert titles(d, "guarantee") == ["加强统筹协调", "强化督促检查"]


def test_paragraph_after_a_clause_list_is_part_of_the_article():
    text = ("某某办法\n第一章　总则\n第八条　符合下列条件的，应当列入名录：\n（一）属于覆盖行业；\n（二）排放量达到标准。\n"
            "前款规定的名录由生态环境部公布。\n第九条　本办法自公布之日起施行。\n")
    (d,) = parse_documents(text, "cl")
    check_invariants(text, [d])
    ps = passages(d)
    assert ps["cl/s1.8"].text.endswith("前款规定的名录由生态环境部公布。") and ps["cl/s1.8"].kind == "item"
    assert ps["cl/s1.9"].text == "第九条　本办法自公布之日起施行。"


def test_steps_of_a_safeguard_are_not_safeguards_of_their_own():
    text = ("某某方案\n一、工作原则\n（一）坚持统筹推进。全局谋划。\n（二）坚持重点突破。抓住关键。\n二、保障措施\n"
            "（一）加强组织领导\n1.成立领导小组。统筹推进。\n2.压实各方责任。\n（二）强化考核评估。\n")
    (d,) = parse_documents(text, "st")
    assert titles(d, "guarantee") == ["加强组织领导", "强化考核评估"]
    assert [p.kind for p in d.passages if p.parent == "st/guarantee/1"] == ["item", "item"]
    assert titles(d, "principle") == ["坚持统筹推进", "坚持重点突破"]


def test_principles_under_a_combined_heading():
    text = ("某某方案\n二、基本原则和主要目标\n（一）基本原则\n1.坚持统筹推进。全局谋划。\n2.坚持重点突破。抓住关键。\n"
            "（二）主要目标\n到2025年，能耗下降。\n")
    (d,) = parse_documents(text, "cb")
    assert titles(d, "principle") == ["坚持统筹推进", "坚持重点突破"]


NOTICE_WITH_PLAIN_SAFEGUARDS = """关于推进重点行业节能降碳的通知

各省、自治区、直辖市发展改革委：

一、总体要求
坚持节约优先，推动重点行业节能降碳。

二、重点任务
（一）加快构建清洁低碳安全
高效能源体系
推进煤炭清洁高效利用，提高可再生能源比重。
（二）推进工业领域节能
实施节能改造工程，提升能效水平。

三、保障措施
各地区要加强组织领导，健全工作机制，明确责任分工。
各有关部门要加大资金支持力度，落实税收优惠政策。

四、工作要求
（一）加强统筹协调。各地要建立协调机制。
（二）强化监督检查。定期开展评估。

国家发展改革委
2022年6月1日
"""


def test_a_heading_cut_in_the_middle_of_its_title_joins():
    (d,) = parse_documents(NOTICE_WITH_PLAIN_SAFEGUARDS, "h")
    check_invariants(NOTICE_WITH_PLAIN_SAFEGUARDS, [d])
    ps = passages(d)
    assert ps["h/s2.1"].title == "加快构建清洁低碳安全高效能源体系"
    assert ps["h/s2.1.p1"].text.startswith("推进煤炭")
    assert ps["h/s2.2"].title == "推进工业领域节能"


def test_a_heading_is_not_joined_with_a_sentence_or_a_table_row():
    text = "某某方案\n一、总体要求\n坚持节约优先\n二、重点任务\n序号\t任务\n三、保障措施\n加强领导。\n"
    (d,) = parse_documents(text, "nj")
    titles_of = {p.id: p.title for p in d.passages if p.kind == "heading"}
    assert titles_of["nj/s1"] == "总体要求" and titles_of["nj/s2"] == "重点任务" and titles_of["nj/s3"] == "保障措施"


def test_plain_paragraphs_under_a_safeguards_heading_are_safeguards():
    (d,) = parse_documents(NOTICE_WITH_PLAIN_SAFEGUARDS, "g")
    assert titles(d, "guarantee") == ["各地区要加强组织领导", "各有关部门要加大资金支持力度", "加强统筹协调", "强化监督检查"]
    assert titles(d, "principle") == []


def test_plain_paragraphs_under_a_heading_that_mentions_implementation_are_not_safeguards():
    text = ("某某方案\n一、深入贯彻落实党中央决策部署\n各地区要提高认识，统一思想。\n要把握节奏，稳妥推进。\n"
            "二、总体要求\n坚持系统观念。\n推动高质量发展。\n")
    (d,) = parse_documents(text, "ng")
    assert titles(d, "guarantee") == []


def test_principles_stated_inside_their_headings_paragraph():
    """（二）工作原则。坚持重点突破。以…。坚持创新引领。…: one paragraph, one principle per 坚持."""
    text = ("某某指导意见\n一、总体要求\n（一）指导思想。以新发展理念为引领。\n"
            "（二）工作原则。坚持重点突破。以节能环保、清洁能源为重点领域。坚持创新引领。深入推动技术创新。"
            "坚持稳中求进。因地制宜，分类施策。\n二、保障支撑\n（一）强化资金保障。设立专项资金。\n（二）加强人才支撑。引进人才。\n")
    (d,) = parse_documents(text, "wp")
    check_invariants(text, [d])
    assert titles(d, "principle") == ["坚持重点突破", "坚持创新引领", "坚持稳中求进"]
    assert passages(d)["wp/principle/1"].text == "坚持重点突破。以节能环保、清洁能源为重点领域。"
    assert passages(d)["wp/principle/1"].parent == "wp/s1.2"
    assert titles(d, "guarantee") == ["强化资金保障", "加强人才支撑"]


def test_one_principle_clause_in_a_paragraph_is_not_a_list():
    text = "某某方案\n一、总体要求\n（一）基本原则。统筹兼顾。坚持系统观念，全面推进。\n"
    (d,) = parse_documents(text, "wq")
    assert titles(d, "principle") == []


def test_titled_paragraphs_keep_their_enumeration_comma():
    text = "某某方案\n一、重点任务\n统筹规划、多元发展。加强统筹。\n创新引领、规模带动。加快创新。\n"
    (d,) = parse_documents(text, "tc")
    assert [(p.kind, p.title) for p in d.passages if p.parent == "tc/s1"] == [
        ("item", "统筹规划、多元发展"), ("item", "创新引领、规模带动")]


def test_plain_principles_titled_by_two_parallel_phrases():
    text = ("某某实施方案\n一、总体要求\n（一）基本原则\n统筹规划，因地制宜。坚持规划引领，合理布局。\n"
            "市场主导，政策驱动。发挥市场作用。\n坚持节约优先，把节约能源资源放在首位，持续降低消耗。\n")
    (d,) = parse_documents(text, "pp")
    assert titles(d, "principle") == ["统筹规划，因地制宜", "市场主导，政策驱动", "坚持节约优先"]


# (fixture, document id, principles, actions, safeguards): the semantic views of each
SEMANTIC_VIEWS = [
    (QA_WEN_DA, "w", ["坚持系统观念", "坚持改革创新", "坚持安全发展"], [], ["加强组织领导", "强化监测评估", "做好宣传解读"]),
    (PROVINCIAL, "pv", ["安全为本、保障供应", "绿色低碳、创新驱动", "改革引领、市场主导"], ["实施可再生能源替代行动"],
     ["加强组织领导", "完善政策体系", "强化监测评估"]),
    (NATIONAL, "np", ["保障安全、绿色低碳", "创新驱动、改革引领", "统筹协调、开放合作"], [],
     ["加强组织领导", "强化监测评估", "完善配套政策"]),
    (PDF_WRAPPED, "pw", ["总体部署、分类施策", "系统推进、重点突破", "稳妥有序、安全降碳"], ["能源绿色低碳转型行动", "节能降碳增效行动"],
     ["建立统一规范的碳排放统计核算体系", "完善经济政策", "加强统筹协调", "严格监督考核"]),
]


@pytest.mark.parametrize(("path", "doc", "principles", "actions", "guarantees"), SEMANTIC_VIEWS,
                         ids=[view[0].stem for view in SEMANTIC_VIEWS])
def test_semantic_views(path, doc, principles, actions, guarantees):
    d = parse_one(path, doc)
    assert titles(d, "principle") == principles
    assert titles(d, "action") == actions
    assert titles(d, "guarantee") == guarantees


def test_an_empty_metadata_cell_takes_nothing_from_the_next_line():
    """gov.cn tables keep each value beside its key; 主 题 词： alone is an empty cell, not the title's key."""
    text = ("索 引 号：\t 000014349/2019-00007\t 主题分类：\t 综合政务\n发文字号：\t 国发〔2019〕5号\n主 题 词：\n"
            "国务院关于在某某领域全面推行\n某某监管的意见\n国发〔2019〕5号\n各省、自治区、直辖市人民政府：\n一、总体要求\n推进工作。\n")
    (d,) = parse_documents(text, "ec")
    assert d.title == "国务院关于在某某领域全面推行某某监管的意见"
    assert "主题词" not in d.meta
    text = "发布机构：\n文件有效性：\n公开事项名称：某某通知\n某某局关于某某的通知\n一、总体要求\n推进工作。\n"
    (d,) = parse_documents(text, "ek")
    assert d.title == "某某局关于某某的通知"
    assert [p.kind for p in d.passages] == ["title", "heading", "paragraph"]


def test_a_table_of_contents_is_page_furniture():
    """目录 and its entries (with dot leaders or without) are no headings; the body's chapters are."""
    text = ("某某条例\n目录\n第一章 总 则\n第二章 管理制度\n第三章 附 则\n第一章 总 则\n第一条 为了规范管理，制定本条例。\n"
            "第二章 管理制度\n第二条 国家建立制度。\n第三章 附 则\n第三条 本条例自公布之日起施行。\n")
    (d,) = parse_documents(text, "toc")
    assert [p.text for p in d.passages if p.kind == "heading"] == ["第一章 总 则", "第二章 管理制度", "第三章 附 则"]
    assert d.title == "某某条例"
    text = "某某规划\n目\n录\n第一章 发展环境.......... 1\n一、形势.......... 2\n第一章 发展环境\n一、形势\n当前形势复杂。\n"
    (d,) = parse_documents(text, "toc2")
    assert [p.id for p in d.passages if p.kind == "heading"] == ["toc2/s1", "toc2/s1.1"]


def test_a_chapter_heading_glued_to_the_sentence_before_it_is_a_heading():
    text = "某某条例\n第一章 总则\n第一条 各方应当履行责任。第二章 附 则\n第二条 本条例自公布之日起施行。\n"
    (d,) = parse_documents(text, "gl")
    assert [p.title for p in d.passages if p.kind == "heading"] == ["总则", "附 则"]
    check_invariants(text, [d])


def test_markdown_comments_and_front_matter_are_dropped():
    text = "---\ntitle: 某某法\ntags: 法律\n---\n# 某某法\n<!-- INFO END -->\n## 第一章 总则\n第一条 为了规范管理，制定本法。\n"
    (d,) = parse_documents(text, "md")
    assert d.title == "某某法"
    assert [p.kind for p in d.passages] == ["title", "heading", "item"]


@pytest.mark.parametrize(("line", "number"), [("（国发〔2021〕23 号）", "国发〔2021〕23 号"), ("（第八十二号）", "第八十二号"),
                                              ("发改能源规〔2021〕1051號", "发改能源规〔2021〕1051號"), ("第 19 号", "第 19 号")])
def test_document_numbers_in_brackets_chinese_numerals_and_traditional_characters(line, number):
    (d,) = parse_documents(f"某某部关于某某工作的通知\n{line}\n各有关单位：\n一、总体要求\n推进工作。\n", "no")
    assert d.meta["文号"] == number
    assert [p.kind for p in d.passages[:3]] == ["title", "number", "addressee"]


def test_a_law_s_front_matter_adoption_notes_and_promulgating_notice():
    text = ("# 某某法\n\n2024年11月8日 第十四届全国人民代表大会常务委员会第十二次会议通过\n\n## 第一章 总 则\n\n"
            "第一条 为了规范管理，制定本法。\n")
    (d,) = parse_documents(text, "law")
    assert d.title == "某某法"
    assert [p.kind for p in d.passages] == ["title", "paragraph", "heading", "item"]
    text = ("某某市促进条例\n某某市人民代表大会常务委员会公告\n（第八十二号）\n《某某市促进条例》已由某某市人民代表大会常务委员会通过，现予公布。\n"
            "某某市人民代表大会常务委员会\n2021 年 9 月 27 日\n某某市促进条例\n（2021 年 9 月 27 日某某市第十七届人民代表大会常务委员会\n"
            "第二十九次会议通过）\n第一章 总 则\n第一条 为了促进发展，制定本条例。\n")
    (d,) = parse_documents(text, "reg")
    assert d.meta["文号"] == "第八十二号"
    kinds = {p.text.split("\n")[0]: p.kind for p in d.passages}
    assert kinds["（2021 年 9 月 27 日某某市第十七届人民代表大会常务委员会"] == "paragraph"
    assert [p.title for p in d.passages if p.kind == "title"] == ["某某市促进条例", "某某市促进条例"]


def test_a_title_never_stops_inside_open_brackets_nor_keeps_a_number_or_an_editorial_note():
    text = "科技部等九部门关于印发《某某实施方案（2022-2030 年）\n》的通知\n（国科发社〔2022〕157 号）\n各有关单位：\n现印发给你们。\n"
    (d,) = parse_documents(text, "br")
    assert d.title == "科技部等九部门关于印发《某某实施方案（2022-2030 年）》的通知"
    (d,) = parse_documents("某某局关于某某工作的通知 某能〔2021〕108号\n各有关单位：\n一、工作目标\n推进工作。\n", "nb")
    assert d.title == "某某局关于某某工作的通知"
    (d,) = parse_documents("国务院关于印发某某方案的通知\n国务院\n2021 年 10 月 24 日\n（本文有删减）\n某某方案\n一、总体要求\n推进。\n", "ed")
    assert "（本文有删减）" in [p.text for p in d.passages if p.kind == "paragraph" and p.id == "ed/note"]


def test_signers_one_per_line_are_the_signature_with_letter_spaced_names_collapsed():
    text = ("关于印发某某方案的通知\n某环〔2022〕42 号\n各省、自治区、直辖市生态环境厅（局）、发展改革委、\n工业和信息化主管部门、\n"
            "能源局:\n现印发给你们，请认真贯彻落实。\n生态环境部\n国家发展和改革委员会\n工业和信息化部\n住房和城乡建设部\n"
            "交 通 运 输 部\n农业农村部\n国家能源局\n2022 年 6 月 10 日\n")
    (d,) = parse_documents(text, "sg")
    assert [p.kind for p in d.passages] == ["title", "number", "addressee", "paragraph", "signature", "date"]
    assert d.passages[4].title == "生态环境部 国家发展和改革委员会 工业和信息化部 住房和城乡建设部 交通运输部 农业农村部 国家能源局"


def test_a_text_wrapped_at_two_page_widths_joins_in_both_parts():
    """A notice and its attachment set at different widths: each part's lines join."""
    notice = ["现将《某某方案》印发给你们，请结合本地区、本部门实际，认真", "贯彻落实。"]
    plan = ["一、总体要求", "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大精神，认真落", "实党中央、国务院决策部署，推动绿色低碳发展，确保如期实现碳达峰目标任务，推", "动经济社会发展全面绿色转型。",
            "二、主要任务", "各地区要加快调整优化产业结构、能源结构、交通运输结构和用地结构，加快推", "进工业领域绿色低碳转型，大力发展绿色低碳产业，坚决遏制高耗能高排放项目，推", "动钢铁、有色、建材、石化等行业节能降碳。"]
    text = "某某方案\n" + "\n".join(notice * 3 + plan * 2) + "\n"
    (d,) = parse_documents(text, "ww")
    check_invariants(text, [d])
    assert sum(p.text.endswith("推动绿色低碳发展，确保如期实现碳达峰目标任务，推\n动经济社会发展全面绿色转型。") for p in d.passages) == 2


def test_a_web_page_with_one_paragraph_a_line_is_not_unwrapped():
    heads = ["（一）丰富赛事活动，完善赛事体系", "（二）壮大市场主体，优化市场环境", "（三）优化产业布局，加强平台建设"]
    body = "推动各类赛事活动有序发展，培育一批具有自主知识产权的品牌赛事（体育总局、发展改革委按职责分工负责）"
    text = "某某意见\n" + "\n".join(f"{h}\n{body * (k + 1)}" for k, h in enumerate(heads * 2)) + "\n"
    (d,) = parse_documents(text, "wp")
    assert sum(p.kind == "paragraph" for p in d.passages) == 6


@pytest.mark.parametrize(("heading", "safeguards"), [
    ("五、强化部门协调保障", True), ("五、加强组织保障", True), ("五、强化实施保障", True), ("五、保障机制", True),
    ("五、强化工作落实", True), ("第九章 加强规划实施与管理", True),
    ("五、健全规划实施的协同推进机制", False), ("五、加强能源安全保障", False),
])
def test_safeguards_headings_in_other_words(heading, safeguards):
    text = f"某某规划\n一、总体要求\n推进工作。\n{heading}\n（一）加强统筹协调。明确责任。\n（二）强化监测评估。定期调度。\n"
    (d,) = parse_documents(text, "sw")
    assert titles(d, "guarantee") == (["加强统筹协调", "强化监测评估"] if safeguards else [])


def test_an_item_named_xingdong_under_safeguards_is_a_safeguard():
    text = "某某方案\n一、重点任务\n（一）实施节能改造工程。推进改造。\n五、强化工作落实\n（一）加强组织领导。明确责任。\n（二）开展全民行动。倡导节约。\n"
    (d,) = parse_documents(text, "xg")
    assert titles(d, "guarantee") == ["加强组织领导", "开展全民行动"] and titles(d, "action") == []


def test_a_titled_task_paragraph_named_xingdong_among_other_tasks_is_no_action():
    text = ("某某规划\n一、强化节能降碳\n实施能效提升工程。推进改造。\n提升电气化水平。推进替代。\n实施全民节约行动。倡导节约。\n"
            "二、重大行动\n实施工业降碳行动。推进降碳。\n实施交通降碳行动。推进替代。\n")
    (d,) = parse_documents(text, "ta")
    assert titles(d, "action") == ["实施工业降碳行动", "实施交通降碳行动"]


def test_a_run_of_jianchi_items_states_principles_without_a_principles_heading():
    text = "某某意见\n一、总体要求\n以某某为指导，推进工作。\n坚持全面覆盖。覆盖所有领域。\n坚持规范透明。规范工作机制。\n二、主要任务\n（一）坚持创新驱动。推进创新。\n"
    (d,) = parse_documents(text, "jc")
    assert titles(d, "principle") == ["坚持全面覆盖", "坚持规范透明"]


def test_teaser_titles_end_before_the_story_and_close_their_brackets(seed_docs):
    teasers = {d.id: d.title for d in seed_docs[1] if d.truncated}
    assert teasers["news-10"] == "国家卫健委印发4项2024年版食养指南"
    assert teasers["news-02"].startswith("8月16日")  # a dateline that opens the teaser stays
    for title in teasers.values():
        for opening, closing in ("《》", "()", "“”"):
            assert title.count(opening) == title.count(closing), title


def test_a_heading_cut_over_three_lines_and_a_book_title_cut_across_lines_join():
    text = ("某某方案\n一、重点任务\n2．\n因地制宜推进\n绿色低碳发展。\n各地要结合实际推进。\n"
            "二、总体要求\n依据《中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰\n碳中和工作的意见》，制定本方案。\n")
    (d,) = parse_documents(text, "cut")
    ps = passages(d)
    assert ps["cut/s1.2"].title == "因地制宜推进绿色低碳发展" and ps["cut/s1.2"].kind == "heading"
    assert [p.text.startswith("依据《") for p in d.passages if p.parent == "cut/s2"] == [True]
    (d,) = parse_documents("某某方案\n一、\n总体要求\n推进工作。\n", "short")
    assert [p.kind for p in d.passages] == ["title", "heading", "paragraph"]


def test_markdown_soft_wrapped_lines_join_into_one_paragraph():
    text = ("# 某某方案\n\n## 一、重点任务\n\n**推动 CCUS\ntechnology 示范。**加快推进碳捕集利用\n与封存技术示范，\n"
            "推动规模化应用。\n\n每段一行的文字。\n第二段一行。\n\n- 列表项一\n- 列表项二\n")
    (d,) = parse_documents(text, "sw")
    check_invariants(text, [d])
    paras = [p for p in d.passages if p.parent == "sw/s1"]
    assert paras[0].text.endswith("推动规模化应用。") and title_of(paras[0].text) == "推动 CCUS technology 示范"
    assert [p.text for p in paras[1:3]] == ["每段一行的文字。", "第二段一行。"]


def test_the_closing_paragraph_after_the_last_section_is_no_part_of_it():
    text = ("某某意见\n各有关单位：\n一、总体要求\n推进工作。\n二、保障措施\n（一）加强组织领导。明确责任。\n（二）强化监督考核。定期评估。\n"
            "实现碳达峰、碳中和目标，意义重大、使命光荣。各地区各部门要认真贯彻落实。\n某某部\n2021年9月22日\n")
    (d,) = parse_documents(text, "cw")
    closing = next(p for p in d.passages if p.text.startswith("实现碳达峰"))
    assert closing.parent is None and closing.kind == "paragraph"
    assert titles(d, "guarantee") == ["加强组织领导", "强化监督考核"]
    assert [p.kind for p in d.passages[-2:]] == ["signature", "date"]


REAL = sorted((FIX / "real").glob("*"))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_invariants_on_every_real_document(path):
    """Offsets exact, reading order, unique ids, parents that are headings: on the real documents too."""
    from carbon_cli.readers import read_file

    text = read_file(path).text
    check_invariants(text, parse_documents(text, "real"))


@pytest.mark.parametrize("path", [p for p in REAL if p.suffix == ".txt"], ids=lambda p: p.name)
def test_page_numbers_of_a_pdf_text_are_in_no_passage(path):
    """A page's footer number, which the PDF's text layer writes before the page break
    (two blank lines after it, once read), ends no passage and is none; a table cell
    that is a number (one blank line after it) stays a passage."""
    from carbon_cli.readers import read_file

    text = read_file(path).text
    for doc in parse_documents(text, "real"):
        for p in doc.passages:
            last = p.text.rsplit("\n", 1)[-1].strip()
            if re.fullmatch(r"[0-9]{1,3}", last):
                assert text[p.end : p.end + 3].count("\n") < 3, (p.id, p.text[-40:])


def test_a_paragraph_a_page_number_cut_is_whole():
    from carbon_cli.readers import read_file

    text = read_file(FIX / "real" / "miit_industry_carbon_peak_plan_2022.txt").text
    (doc,) = parse_documents(text, "miit")
    goals = [p for p in doc.passages if p.section and p.section[-1] == "总体目标" and p.kind == "paragraph"]
    assert "“十四五”期间" in goals[0].text and "到 2025 年" in goals[0].text
    assert "\n1\n" not in "".join(p.text for p in doc.passages[:12])
    assert all(p.title != "24" for p in doc.passages)
    cells = [p for p in parse_documents(read_file(FIX / "real" / "ndrc_nea_renewable_energy_plan_14fyp_2021.txt").text, "re")[0].passages
             if p.text == "33"]
    assert cells, "the table cell 33 is a passage of its own"


# A page's metadata keys, read back from each colon, against the pattern they are
# defined by: a bracket, blanks, a known key spelled out with blanks between its
# characters (the longest at the leftmost place), blanks, a bracket, the colon.
_KEY_PARTS = ["索引号", "发文字号", "字号", "文号", "来源", "信息来源", "公开事项名称", "发布时间",
              "国务院", "时间", "【", "】", "[", "]", "：", ":", " ", "\u3000", "\t", "x", "。"]


@functools.cache
def _key_pattern() -> re.Pattern[str]:
    from carbon_cli.outline.page_meta import META_KEYS

    spelled = "|".join(r"[ \t\u3000]*".join(re.escape(c) for c in key) for key in sorted(META_KEYS, key=len, reverse=True))
    return re.compile(rf"[【\[]?[ \t\u3000]*(?P<k>{spelled})[ \t\u3000]*[】\]]?[ \t\u3000]*[：:]")


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_KEY_PARTS), max_size=14).map("".join))
def test_metadata_keys_read_back_from_each_colon_are_the_pattern_s(line):
    from carbon_cli.outline.page_meta import key_at_start, key_matches

    pattern = _key_pattern()
    expected = [(m.start(), m.end(), re.sub(r"[ \t\u3000]", "", m.group("k"))) for m in pattern.finditer(line)]
    assert [tuple(m) for m in key_matches(line)] == expected
    at_start = pattern.match(line)
    found = key_at_start(line)
    assert (found and tuple(found)) == (at_start and expected[0])


def test_metadata_keys_spelled_out_and_bracketed():
    from carbon_cli.outline.page_meta import key_at_start, key_matches

    line = "【 索 引 号 】：000014349/2021-00123　 发布时间：2021-12-06 国务院来源：x"
    assert [m.key for m in key_matches(line)] == ["索引号", "发布时间", "来源"]
    assert key_at_start(line) == (0, 10, "索引号")
    assert key_at_start("国务院 发布时间：2021") is None


def test_an_order_s_header_titles_the_rule_only_when_its_sentence_names_it():
    order = "国家安全生产监督管理总局令\n第92号\n《煤矿安全培训规定》已经局长办公会议审议通过，现予公布。\n局长\xa0\xa0王玉普\n2018年1月11日\n煤矿安全培训规定\n第一章　总则\n第一条　为了加强培训，制定本规定。\n"
    assert parse_documents(order, "o")[0].title == "煤矿安全培训规定"
    unnamed = order.replace("《煤矿安全培训规定》已经", "本规定已经")
    assert parse_documents(unnamed, "o")[0].title == "国家安全生产监督管理总局令"


def test_a_wrapped_title_ends_as_a_title_on_its_joined_lines():
    text = "吉林省人民政府关于加快建立健全经济体系的实施意\n见\n吉林省人民政府关于加快\n建立健全经济体系的实施意见\n一、总体要求\n（一）指导思想。坚持新发展理念。\n"
    d = parse_documents(text, "j")[0]
    assert d.title == "吉林省人民政府关于加快建立健全经济体系的实施意见"


def test_a_captured_page_s_link_lines_are_furniture():
    from carbon_cli.outline.page_meta import links_only

    assert links_only("- [首 页](http://www.nea.gov.cn/)")
    assert links_only("[首页](https://www.ndrc.gov.cn/) > [政务公开](https://www.ndrc.gov.cn/xxgk/)")
    assert links_only("![](https://www.ndrc.gov.cn/images/dayin.png)\\[ 打印 \\]")
    assert links_only('## [2026年4月21日国内成品油价格下调](http://www.ndrc.gov.cn/a.html "2026年4月21日")')
    assert not links_only("国家能源局近期发布 [《关于支持电力领域新型经营主体创新发展的指导意见》](http://x.cn/a.htm)，回答记者提问。")
    assert not links_only("第一条　为了规范[括号]中的内容，制定本办法。")


def test_a_chapter_named_safeguards_holds_its_sub_headings_even_one_named_like_a_section():
    """第四章 保障措施 of the Guangxi plan: 一、加强规划引领和衔接 … 二、加强组织实施 … are its
    safeguards, though 加强组织实施 alone would name a section of safeguards."""
    text = ("某某规划\n第一章 发展基础\n一、发展成效\n我们做了很多工作。\n第二章 保障措施\n"
            "一、加强规划引领\n完善规划约束引导机制。\n二、加强组织实施\n建立健全工作机制。\n"
            "三、加强政策协同\n持续完善政策体系。\n")
    assert titles(parse_documents(text, "x")[0], "guarantee") == ["加强规划引领", "加强组织实施", "加强政策协同"]
    held = "某某方案\n二、基本原则和主要目标\n（一）基本原则\n坚持统筹。坚持节约。\n（二）主要目标\n到2025年，能耗下降。\n"
    assert titles(parse_documents(held, "y")[0], "principle") == ["坚持统筹"]  # not （二）主要目标
