"""The query syntax: table-driven rules, then properties."""

from __future__ import annotations

import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbon_cli.query import FIELDS, Clause, ParsedQuery, parse_query


def S(text: str) -> Clause:
    return Clause(text, False, "should")


def M(text: str) -> Clause:
    return Clause(text, False, "must")


def N(text: str) -> Clause:
    return Clause(text, False, "must_not")


def P(text: str, occur: str = "should") -> Clause:
    return Clause(text, True, occur)  # type: ignore[arg-type]


# (raw, clauses, kinds, docs)
CASES: list[tuple[str, tuple[Clause, ...], tuple[str, ...], tuple[str, ...]]] = [
    # plain terms and whitespace
    ("", (), (), ()),
    ("   \u3000 ", (), (), ()),
    ("碳达峰", (S("碳达峰"),), (), ()),
    ("碳达峰 碳中和", (S("碳达峰"), S("碳中和")), (), ()),
    ("碳达峰\u3000碳中和", (S("碳达峰"), S("碳中和")), (), ()),
    ("\t碳达峰\n\n碳中和  ", (S("碳达峰"), S("碳中和")), (), ()),
    ("科技支撑碳达峰碳中和实施方案", (S("科技支撑碳达峰碳中和实施方案"),), (), ()),  # no segmentation
    ("CCUS Carbon", (S("CCUS"), S("Carbon")), (), ()),  # original characters kept
    ("ＣＣＵＳ", (S("ＣＣＵＳ"),), (), ()),  # no NFKC here
    # phrases
    ('"新型储能"', (P("新型储能"),), (), ()),
    ('"carbon  capture"', (P("carbon  capture"),), (), ()),
    ('" 碳汇 "', (P("碳汇"),), (), ()),
    ("“碳捕集利用与封存”", (P("碳捕集利用与封存"),), (), ()),
    ("“碳捕集利用与封存“", (P("碳捕集利用与封存"),), (), ()),
    ("「绿色金融」", (P("绿色金融"),), (), ()),
    ("『绿色金融』", (P("绿色金融"),), (), ()),
    ("＂绿色金融＂", (P("绿色金融"),), (), ()),
    ('储能"新型"', (S("储能"), P("新型")), (), ()),
    ('"新型"储能', (P("新型"), S("储能")), (), ()),
    ('"a" "b"', (P("a"), P("b")), (), ()),
    ("「他说“碳中和”」", (P("他说“碳中和”"),), (), ()),
    ('“有"引号"的”', (P('有"引号"的'),), (), ()),
    # empty phrases are dropped
    ('""', (), (), ()),
    ('" "', (), (), ()),
    ("“”「」", (), (), ()),
    ('碳 "" 汇', (S("碳"), S("汇")), (), ()),
    # unbalanced quote: the rest of the string is the phrase
    ('"碳达峰 行动', (P("碳达峰 行动"),), (), ()),
    ('储能 "新型 储能', (S("储能"), P("新型 储能")), (), ()),
    ("“碳达峰", (P("碳达峰"),), (), ()),
    ('"', (), (), ()),
    ('5"', (S("5"),), (), ()),
    ('"a" "b', (P("a"), P("b")), (), ()),
    ('-"a', (P("a", "must_not"),), (), ()),
    # a closing quote alone is a plain character
    ("碳”汇", (S("碳”汇"),), (), ()),
    # required and excluded
    ("+储能", (M("储能"),), (), ()),
    ("-煤炭", (N("煤炭"),), (), ()),
    ("＋储能 －煤炭", (M("储能"), N("煤炭")), (), ()),
    ('+"新型储能"', (P("新型储能", "must"),), (), ()),
    ('-"燃煤 发电"', (P("燃煤 发电", "must_not"),), (), ()),
    ("-「煤电」", (P("煤电", "must_not"),), (), ()),
    ("储能 +新型 -抽水蓄能", (S("储能"), M("新型"), N("抽水蓄能")), (), ()),
    # a sign inside a token is not an operator
    ("CO2-free", (S("CO2-free"),), (), ()),
    ("2022—2030", (S("2022—2030"),), (), ()),
    ("2022-2030", (S("2022-2030"),), (), ()),
    ("1+N", (S("1+N"),), (), ()),
    ("C++", (S("C++"),), (), ()),
    ("——碳达峰", (S("——碳达峰"),), (), ()),  # an em dash is never an operator
    ("-2030", (N("2030"),), (), ()),
    # stray operators are dropped
    ("-", (), (), ()),
    ("+", (), (), ()),
    ("+ 储能", (S("储能"),), (), ()),
    ("储能 -", (S("储能"),), (), ()),
    ("- - + ＋ －", (), (), ()),
    ("+-储能", (M("储能"),), (), ()),
    ("--煤炭", (N("煤炭"),), (), ()),
    ("++", (), (), ()),
    ('+""', (), (), ()),
    # punctuation-only clauses are dropped
    ("储能 ，", (S("储能"),), (), ()),
    ("—— 。。 ...", (), (), ()),
    ('"，"', (), (), ()),
    ("-，", (), (), ()),
    # duplicates kept once; different occur or phrase-ness are different clauses
    ("储能 储能", (S("储能"),), (), ()),
    ('储能 "储能" +储能', (S("储能"), P("储能"), M("储能")), (), ()),
    # filters
    ("kind:action", (), ("action",), ()),
    ("kind：action", (), ("action",), ()),
    ("doc:qa", (), (), ("qa",)),
    ("KIND:Action Doc:News-01", (), ("action",), ("news-01",)),
    ("kind:action kind:principle", (), ("action", "principle"), ()),
    ("kind:action,principle", (), ("action", "principle"), ()),
    ("kind:action，principle,", (), ("action", "principle"), ()),
    ("kind:action kind:action", (), ("action",), ()),
    ("储能 kind:action doc:qa doc:news-01", (S("储能"),), ("action",), ("qa", "news-01")),
    ('kind:"action"', (), ("action",), ()),
    ("kind:「action」 储能", (S("储能"),), ("action",), ()),
    ("doc:a:b", (), (), ("a:b",)),
    ("+kind:action", (), ("action",), ()),
    ("-kind:action 储能", (S("储能"),), (), ()),  # negated filter: dropped
    ('-kind:"action" 储能', (S("储能"),), (), ()),
    ("kind:", (), (), ()),
    ("kind: action", (S("action"),), (), ()),
    ('kind:""', (), (), ()),
    # unknown fields are plain terms
    ("lang:action", (S("lang:action"),), (), ()),
    ("https://www.most.gov.cn", (S("https://www.most.gov.cn"),), (), ()),
    ("10:30", (S("10:30"),), (), ()),
    ("注：储能", (S("注：储能"),), (), ()),
    ("kinds:action", (S("kinds:action"),), (), ()),
    ("ｋｉｎｄ:action", (S("ｋｉｎｄ:action"),), (), ()),  # field names are ASCII
    ("my-kind:action", (S("my-kind:action"),), (), ()),
    # control and invisible characters
    ("碳达峰\x00碳中和", (S("碳达峰"), S("碳中和")), (), ()),
    ("碳达峰\x1b[0m", (S("碳达峰"), S("[0m")), (), ()),
    ("碳\u200b达峰", (S("碳达峰"),), (), ()),
    ("\ufeff储能", (S("储能"),), (), ()),
    ('"碳\x07汇"', (P("碳 汇"),), (), ()),
    ("+\x00储能", (S("储能"),), (), ()),
    # mixed
    (
        '如何 +“新型储能” -抽水蓄能 kind:action 2030年前',
        (S("如何"), P("新型储能", "must"), N("抽水蓄能"), S("2030年前")),
        ("action",),
        (),
    ),
    ("碳排放👍 🌍", (S("碳排放👍"), S("🌍")), (), ()),
]


@pytest.mark.parametrize(("raw", "clauses", "kinds", "docs"), CASES, ids=[repr(c[0]) for c in CASES])
def test_rules(raw, clauses, kinds, docs):
    q = parse_query(raw)
    assert q == ParsedQuery(clauses, kinds, docs)
    assert parse_query(q.to_string()) == q


@pytest.mark.parametrize(
    ("raw", "empty"),
    [
        ("", True),
        ("-煤炭", True),
        ("kind:action", True),
        ("-煤炭 kind:action", True),
        ("储能", False),
        ("+储能 -煤炭", False),
        ('"储能"', False),
    ],
)
def test_is_empty(raw, empty):
    assert parse_query(raw).is_empty is empty


def test_views():
    q = parse_query("储能 +新型 -煤炭 kind:action")
    assert q.positive == (S("储能"), M("新型"))
    assert q.required == (M("新型"),)
    assert q.excluded == (N("煤炭"),)
    assert q.has_filters and not parse_query("储能").has_filters


@pytest.mark.parametrize(
    ("query", "rendered"),
    [
        (parse_query('储能 +"新型 储能" -煤炭 kind:action doc:qa'), '储能 +"新型 储能" -煤炭 kind:action doc:qa'),
        (ParsedQuery((P('有"引号"'),)), "“有\"引号\"”"),
        (ParsedQuery((P('a"b”c'),)), '「a"b”c」'),
        (ParsedQuery((P('a"b”c」d'),)), '『a"b”c」d』'),
        (ParsedQuery((P('a"b”c」d』'),)), '＂a"b”c」d』＂'),
        (ParsedQuery((), ("action",), ("my doc",)), 'kind:action doc:"my doc"'),
        (ParsedQuery(), ""),
    ],
)
def test_to_string(query, rendered):
    assert query.to_string() == rendered
    assert parse_query(rendered) == query


def test_frozen():
    q = parse_query("储能")
    with pytest.raises(AttributeError):
        q.clauses = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        q.clauses[0].text = "x"  # type: ignore[misc]


def test_non_str_is_tolerated():
    assert parse_query(None) == ParsedQuery()  # type: ignore[arg-type]
    assert parse_query(2030) == ParsedQuery((S("2030"),))  # type: ignore[arg-type]


def test_imports_stdlib_only():
    code = (
        "import sys; import carbon_cli.query; "
        "bad = [m for m in ('jieba', 'rich', 'typer', 'rank_bm25', 'opencc') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "raw",
    [
        "碳达峰" * 35_000,  # one 100 KB token
        "碳 " * 50_000,
        '"' * 100_000,
        '"a ' * 33_000,
        "-" * 100_000,
        "+-" * 50_000,
        "kind:" * 20_000,
        "“" * 100_000,
        "\x00" * 100_000,
        "🌍👍🏽‍" * 30_000,
    ],
    ids=lambda r: repr(r[:8]),
)
def test_large_inputs_are_fast(raw):
    t = time.perf_counter()
    q = parse_query(raw)
    assert time.perf_counter() - t < 2.0
    assert parse_query(q.to_string()) == q


# --- properties -------------------------------------------------------------

# Characters that matter to the grammar, mixed with ordinary text.
SPECIAL_CHARS = list('"＂“”「」『』+-＋－:：,，kinddoc \u3000\t\n\x00\u200b——。')
SPECIAL = SPECIAL_CHARS + ["kind:", "doc:", "kind：", "KIND:"]
grammar_text = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.sampled_from(["碳达峰", "储能", "CO2", "action", "qa", "🌍", "1+N"])),
    max_size=40,
).map("".join)
any_text = st.one_of(st.text(), grammar_text, st.text(alphabet=SPECIAL_CHARS))


@given(any_text)
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_never_raises_and_round_trips(raw):
    q = parse_query(raw)
    assert isinstance(q, ParsedQuery)
    rendered = q.to_string()
    again = parse_query(rendered)
    assert again == q
    assert again.to_string() == rendered


@given(any_text)
@settings(max_examples=400)
def test_invariants(raw):
    q = parse_query(raw)
    assert len(set(q.clauses)) == len(q.clauses)
    for c in q.clauses:
        assert c.text and c.text == c.text.strip()
        assert c.occur in ("should", "must", "must_not")
        if not c.phrase:
            assert not any(ch.isspace() for ch in c.text)
            assert c.text[0] not in "+-＋－"
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in c.text)
    for values in (q.kinds, q.docs):
        assert len(set(values)) == len(values)
        assert all(v and v == v.strip().lower() for v in values)


@given(any_text)
@settings(max_examples=400)
def test_filters_only_from_known_fields(raw):
    q = parse_query(raw)
    low = raw.lower()
    for invisible in ("\u200b", "\u2060", "\ufeff"):  # deleted by the parser
        low = low.replace(invisible, "")
    if q.kinds:
        assert "kind:" in low or "kind：" in low
    if q.docs:
        assert "doc:" in low or "doc：" in low
    for v in q.kinds + q.docs:
        for part in v.split():
            assert part in low


@given(st.text(alphabet=st.characters(blacklist_characters=":："), max_size=200))
@settings(max_examples=300)
def test_no_colon_no_filters(raw):
    q = parse_query(raw)
    assert q.kinds == () and q.docs == ()


@given(
    st.lists(
        st.sampled_from(["a", "kind", "doc", "type", "KIND", "Doc", "ｋｉｎｄ", "http", "10", "注"]), min_size=1, max_size=3
    ),
    st.sampled_from([":", "："]),
    st.text(alphabet="abc-_0123", min_size=1, max_size=8),
)
def test_field_value_tokens(fieldparts, colon, value):
    field = "".join(fieldparts)
    q = parse_query(f"{field}{colon}{value}")
    if field.lower() in FIELDS:
        assert getattr(q, field.lower() + "s") == tuple(dict.fromkeys(value.lower().split(",")))
        assert q.clauses == ()
    else:
        assert q.kinds == () and q.docs == ()


@given(st.text(min_size=1, max_size=60), st.text(max_size=60))
@settings(max_examples=20, deadline=None)
def test_huge_random_text(chunk, tail):
    raw = chunk * (100_000 // len(chunk) + 1) + tail  # ~100 KB
    q = parse_query(raw)
    assert parse_query(q.to_string()) == q


@given(st.text(alphabet=st.characters(categories=["So", "Sk", "Cs", "Co", "Cf", "Zs", "Mn"]), max_size=300))
def test_emoji_and_odd_categories(raw):
    q = parse_query(raw)
    assert parse_query(q.to_string()) == q


@given(st.lists(st.sampled_from(["碳达峰", "储能", "CO2-free", "2022—2030", "1+N", "碳汇"]), min_size=1, max_size=8))
def test_plain_words_are_should_terms(words):
    q = parse_query(" ".join(words))
    assert q.clauses == tuple(S(w) for w in dict.fromkeys(words))
    assert not q.is_empty


# --- vocabulary data files ----------------------------------------------------

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def test_synonyms_file():
    text = (DATA / "synonyms.tsv").read_text(encoding="utf-8")
    assert text.startswith("#")
    groups = _rows("synonyms.tsv")
    assert len(groups) >= 60
    seen: set[str] = set()
    for group in groups:
        assert len(group) >= 2, group
        for term in group:
            assert term and term == term.strip() and " " not in term, group
            key = unicodedata.normalize("NFKC", term).lower()
            assert key not in seen, f"{term!r} in two groups (or twice)"
            seen.add(key)
    by_term = {t: g for g in groups for t in g}
    for a, b in [("CCUS", "碳捕集、利用与封存"), ("双碳", "碳达峰碳中和"), ("发改委", "国家发展和改革委员会"),
                 ("工信部", "工业和信息化部"), ("交通部", "交通运输部"), ("国自然", "国家自然科学基金")]:
        assert b in by_term[a]
    assert "清洁能源" not in by_term.get("可再生能源", [])
    assert "新型储能" not in by_term.get("储能", [])


def test_glossary_file():
    rows = _rows("glossary_en.tsv")
    assert len(rows) >= 220
    keys = [r[0] for r in rows]
    assert len(keys) == len(set(keys))
    for row in rows:
        en, zh = row[0], row[1:]
        assert en == en.lower() == " ".join(en.split()), row
        assert zh and all(z and z == z.strip() for z in zh) and len(set(zh)) == len(zh), row
    gloss = {r[0]: r[1:] for r in rows}
    assert gloss["carbon peaking"][0] == "碳达峰"
    assert gloss["ccus"] == ["碳捕集利用与封存"]
    assert {"蓝色碳汇", "海洋碳汇"} <= set(gloss["blue carbon"])
    assert "emissions" in gloss and "emission" in gloss


def test_question_words_file():
    words = []
    for line in (DATA / "question_words.txt").read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    assert len(words) == len(set(words))
    assert {"怎么", "如何", "哪些", "什么", "吗", "请问", "what", "how", "the"} <= set(words)
    assert not {"目标", "措施", "政策", "方案", "碳", "储能"} & set(words)
    glossary_keys = {r[0] for r in _rows("glossary_en.tsv")}
    assert not set(words) & glossary_keys


# --- English glossary keys --------------------------------------------------------


@pytest.mark.parametrize(
    "text, key",
    [
        ("emissions", ("emission",)),
        ("carbon sinks", ("carbon", "sink")),
        ("technologies", ("technology",)),
        ("batteries", ("battery",)),
        ("processes", ("process",)),
        ("greenhouse gases", ("greenhouse", "gas")),
        ("hydrogen refueling stations", ("hydrogen", "refueling", "station")),
        ("low-carbon", ("low", "carbon")),
        ("peak-valley electricity prices", ("peak", "valley", "electricity", "price")),
        ("non-co2", ("non", "co2")),
        # not plurals: abbreviations in -us, short words, -ss, -is, -ics, apostrophes
        ("ccus", ("ccus",)),
        ("gas", ("gas",)),
        ("ccs", ("ccs",)),
        ("business", ("business",)),
        ("analysis", ("analysis",)),
        ("statistics", ("statistics",)),
        ("news", ("news",)),
        ("people's bank", ("people's", "bank")),
        ("1+n", ("1+n",)),
    ],
)
def test_english_key_folds_plurals_and_hyphens(text, key):
    from carbon_cli.vocabulary import english_key

    assert english_key(text) == key


def test_glossary_lines_that_fold_together_share_a_rendering():
    """Folding merges only spelling variants of one concept (emission / emissions,
    low carbon / low-carbon): lines with the same folded key share a Chinese rendering."""
    from carbon_cli.vocabulary import english_key

    by_key: dict[tuple[str, ...], list[list[str]]] = {}
    for row in _rows("glossary_en.tsv"):
        by_key.setdefault(english_key(row[0]), []).append(row)
    merged = {key: rows for key, rows in by_key.items() if len(rows) > 1}
    assert ("emission",) in merged and ("low", "carbon") in merged
    for rows in merged.values():
        assert set.intersection(*(set(row[1:]) for row in rows)), rows
