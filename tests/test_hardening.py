"""Nothing a user types or feeds carbon crashes it or loses data.

Properties over any Unicode input (emoji, controls, combining marks, lone
surrogates, mixed scripts, 100 KB strings, punctuation or stop words only) for the
query path end to end, the normaliser, the highlighter and the outline parser;
hostile files in ``docs add``; the fuzzer's smoke run; and the security rules of
CARBON_HOME (plain data only, user-only, nothing written outside it).

The crash, concurrency and index-damage tests are in ``test_resilience.py``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbon_cli import readers
from carbon_cli.outline import parse_documents
from carbon_cli.search import MAX_QUERY_CHARS, excerpt, merge_spans
from carbon_cli.text import Pipeline
from helpers import OPINIONS, ROOT, STORAGE, check_invariants, record_file

# -- strategies ---------------------------------------------------------------------


def _chars(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(chr)


def text_of(pieces: st.SearchStrategy[str], **size: int) -> st.SearchStrategy[str]:
    """Strings made of pieces (an emoji sequence is several code points)."""
    return st.lists(pieces, **size).map("".join)


SURROGATE = _chars(0xD800, 0xDFFF)
COMBINING = _chars(0x300, 0x36F)
CONTROL = st.one_of(_chars(0x00, 0x1F), _chars(0x7F, 0x9F))
EMOJI = st.sampled_from(["😀", "👍🏽", "👨‍👩‍👧", "🇨🇳", "🏳️‍🌈", "\u200d", "\ufe0f", "🌍"])
CJK = _chars(0x4E00, 0x9FA5)
PUNCT = st.sampled_from(list("，。！？、；：“”‘’（）《》【】—…·!?,.;:'\"()[]{}<>/\\|-_+=*&^%$#@~`"))
STOP_WORDS = [line.strip() for line in (ROOT / "data" / "stopwords.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
WORDS = st.sampled_from(["碳达峰", "储能", "CCUS", "ＣＣＵＳ", "知識產權", "carbon capture", "碳汇", "甲烷", "kind:action",
                         "doc:qa", '"蓝色碳汇"', "+甲烷", "-零碳", "怎么", "哪些", "吗", "1+N", "2022—2030"])
ANY_CHAR = st.one_of(st.characters(), SURROGATE, COMBINING, CONTROL, EMOJI, CJK, PUNCT)

hostile_text = st.one_of(
    text_of(ANY_CHAR, max_size=80),
    st.lists(st.one_of(WORDS, text_of(ANY_CHAR, max_size=6), st.just(" ")), max_size=12).map("".join),
    text_of(PUNCT, min_size=1, max_size=40),  # only punctuation
    st.lists(st.sampled_from(STOP_WORDS), min_size=1, max_size=10).map(" ".join),  # only stop words
    text_of(st.one_of(COMBINING, EMOJI), min_size=1, max_size=30),
    text_of(st.one_of(st.characters(max_codepoint=0x24F), CJK, _chars(0x0400, 0x04FF), _chars(0x0600, 0x06FF),
                      _chars(0x3040, 0x30FF), _chars(0xAC00, 0xAD00)), max_size=60),  # mixed scripts
    st.builds(lambda c, n: c * n, st.sampled_from(["碳", "a ", "😀", "\u0301", '"', "-"]),
              st.sampled_from([MAX_QUERY_CHARS - 1, MAX_QUERY_CHARS + 1, 100_000])),  # long, 100 KB
)


# -- the query path, end to end -------------------------------------------------------


def check_answer(result, json_out: bool) -> None:
    """Exit 0 with results, 1 without, or 2 with one line on stderr; never a traceback."""
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.stderr
    assert all(line.startswith("carbon: ") or line.startswith("  ") for line in result.stderr.splitlines()), result
    if result.code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("carbon: error: ") and result.stderr.count("\n") == 1, result
        return
    if not json_out:
        return
    data = json.loads(result.stdout)
    assert bool(data["results"]) == (result.code == 0)
    for hit in data["results"]:
        text, spans = hit["text"], hit["highlights"]
        for start, end in spans:
            assert 0 <= start < end <= len(text)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), spans  # sorted, apart
        first = hit["excerpt_start"]
        assert text[first : first + len(hit["excerpt"])] == hit["excerpt"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=hostile_text, json_out=st.booleans())
def test_any_query_answers_or_refuses_in_one_line(cli, query, json_out):
    # the option first: a query of "--" would make a --json after it a word of the query
    args = ["search", *(["--json"] if json_out else []), query]
    check_answer(cli(*args), json_out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(words=st.lists(hostile_text, min_size=1, max_size=4), kind=st.sampled_from([[], ["--kind", "action"], ["-k", "😀"]]))
def test_several_arguments_and_filters(cli, words, kind):
    check_answer(cli("search", *words, *kind, "--json"), True)


@pytest.mark.parametrize(
    "raw",
    [b"\xff", b"\xed\xa0\x80", b"\xc3", b"\xff\xfe", "碳汇".encode() + b"\xff",
     "👨‍👩‍👧‍👦".encode(), "\u202e碳汇".encode(), "的 了 吗".encode(), "。，！".encode(), b"-", b"+", b'"', b"kind:",
     ("碳" * 33_000).encode(), b"\x1b[31m\x07", "ＣＣＵＳ\u0301".encode()],
    ids=lambda raw: repr(raw[:10]),
)
def test_the_installed_program_takes_any_bytes_as_a_query(run_carbon, carbon_exe, raw):
    """argv is bytes: what is not UTF-8 reaches Python as lone surrogates."""
    proc = subprocess.run([carbon_exe.encode(), b"search", raw, b"--json"], capture_output=True, timeout=120)
    result = type("R", (), {"code": proc.returncode, "stdout": proc.stdout.decode("utf-8"), "stderr": proc.stderr.decode("utf-8", "replace")})
    check_answer(result, True)
    if proc.returncode in (0, 1):
        assert json.loads(proc.stdout)["query"]  # valid UTF-8 JSON, the query echoed (U+FFFD for bad bytes)


@pytest.mark.parametrize(
    "args",
    [[b"show", b"\xff"], [b"stats", b"qa\xff"], [b"keywords", b"\xff"], [b"kwic", "知識".encode() + b"\xff"],
     [b"search", "kind:\xff 碳".encode("utf-8", "surrogateescape")], [b"search", b"\xff\xfe", b"--doc", b"\xff"],
     [b"docs", b"show", b"\xff"], [b"docs", b"remove", b"\xff"], [b"outline", b"--doc", b"\xff"],
     [b"actions", b"--doc", b"\xff"], [b"export", b"--kind", b"\xff"], [b"stats", b"--term", b"\xff"],
     [b"targets", b"\xff"], [b"targets", b"--indicator", b"\xff"]],
    ids=lambda args: b" ".join(args).decode("utf-8", "backslashreplace"),
)
def test_every_command_takes_undecodable_arguments(run_carbon, carbon_exe, args):
    """ids, filters and terms that are not UTF-8 are unknown, never an unexpected error."""
    proc = subprocess.run([carbon_exe.encode(), *args], capture_output=True, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2) and "Traceback" not in stderr and "unexpected" not in stderr, stderr
    if proc.returncode == 2:
        assert stderr.startswith("carbon: error: ") and stderr.count("\n") == 1, stderr


# -- normaliser and highlighter -----------------------------------------------------

@pytest.fixture(scope="module")
def hard_pipeline(tmp_path_factory) -> Pipeline:
    """One pipeline for the module's many examples, its jieba cache in pytest's own folder."""
    return Pipeline(tmp_path_factory.mktemp("pipeline"))


document_text = st.one_of(
    text_of(ANY_CHAR, max_size=300),
    st.lists(st.one_of(WORDS, text_of(ANY_CHAR, max_size=5), st.sampled_from(["ﬁ", "ß", "İ", "㍿", "﷽", "Ａ", "ｶﾞ"])), max_size=40).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(document_text)
def test_normalised_offsets_point_into_the_original(hard_pipeline, text):
    normalised, offsets = hard_pipeline.normaliser.normalise_with_offsets(text)
    if offsets is None:
        assert len(normalised) == len(text)
    else:
        assert len(offsets) == len(normalised)
        assert all(0 <= o < len(text) for o in offsets) and offsets == sorted(offsets)


@settings(max_examples=20, deadline=None)
@given(st.builds(lambda c, n: c * n, st.sampled_from(["碳", "ﬁ", "😀", "\ud800", "\u0301", "知識"]), st.just(100_000)))
def test_normaliser_on_100_kb(hard_pipeline, text):
    normalised, offsets = hard_pipeline.normaliser.normalise_with_offsets(text)
    assert offsets is None or (len(offsets) == len(normalised) and offsets[-1] < len(text))


@settings(max_examples=300, deadline=None)
@given(text=document_text, picks=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 6)), max_size=4), extra=st.lists(WORDS, max_size=2))
def test_highlights_lie_in_the_text_and_cover_every_match(hard_pipeline, text, picks, extra):
    """Needles are pieces of the normalised text (so they match) plus query words."""
    from carbon_cli.search import Searcher

    p = hard_pipeline
    normalised, offsets = p.normaliser.normalise_with_offsets(text)
    needles = [normalised[a : a + n] for a, n in picks if a < len(normalised)]
    needles += [p.normaliser.normalise(w) for w in extra]
    searcher = Searcher.__new__(Searcher)
    searcher.pipeline = p
    spans = searcher.highlights(text, needles)
    assert spans == merge_spans(spans)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    for needle in filter(None, needles):
        for match in re.finditer(re.escape(needle), normalised):
            a, b = match.start(), match.end()
            if offsets is not None:
                a, b = offsets[a], offsets[b - 1] + 1
            assert any(s <= a and b <= e for s, e in spans), (needle, (a, b), spans)
    first, shown = excerpt(text, spans)
    assert text[first : first + len(shown)] == shown


# -- the outline parser ---------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.one_of(text_of(ANY_CHAR, max_size=500), text_of(st.one_of(PUNCT, CONTROL, COMBINING), max_size=200)))
def test_outline_of_any_unicode(text):
    check_invariants(text, parse_documents(text, "u", teaser_prefix="n"))


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(piece=st.sampled_from(["一、碳达峰。\n", "（一）" * 3, "😀\u0301\n", "\ud800一是", "——\r", "……\n", "碳"]))
def test_outline_of_100_kb(piece):
    text = piece * (100_000 // len(piece))
    check_invariants(text, parse_documents(text, "big"))


# -- the fuzzer -----------------------------------------------------------------------


def test_fuzzer_smoke_run():
    """A short run of bench/fuzz.py: it counts its inputs and finds no failure."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--inputs", "600", "--seed", "7", "--failures", os.devnull + "-x"],
        capture_output=True, text=True, timeout=300,
    )
    assert "inputs tried: 600 (readers 300, outline 270, hostile 30)" in proc.stdout, proc.stdout + proc.stderr
    assert "failures: 0" in proc.stdout, proc.stdout
    assert proc.returncode == 0 and proc.stderr == ""


def test_fuzzer_replays_one_input():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz.py"), "--seed", "7", "--replay", "4"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("input 4 (readers, ") and proc.stdout.rstrip().endswith("ok")


# -- hostile files ----------------------------------------------------------------------


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = bytes(1 << 20)
            for _ in range(64):  # 64 MiB of zeros in about 64 KB
                entry.write(chunk)
    return path


def _long_pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for n in range(pages):
        c.drawString(72, 720, f"page {n + 1}")
        c.showPage()
    c.save()
    return path


def _ids(run_carbon) -> set[str]:
    return {d["id"] for d in json.loads(run_carbon("docs", "list", "--json").stdout)}


def test_hostile_files_are_refused_one_line_each_and_the_rest_is_added(run_carbon, carbon_exe, home, tmp_path):
    assert run_carbon("docs", "add", str(STORAGE)).code == 0
    before = _ids(run_carbon)
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(OPINIONS.read_text(encoding="utf-8"), encoding="utf-8")
    _zip_bomb(folder / "bomb.docx")
    _long_pdf(folder / "pages.pdf", 2500)
    with open(folder / "one-line.txt", "wb") as handle:  # one 50 MB line
        chunk = "碳达峰碳中和".encode() * 10_000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
    (folder / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (folder / "sub" / "self").symlink_to(".", target_is_directory=True)
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    odd = os.fsencode(folder) + b"/\xb2\xdf\xc2\xd4-\xff.txt"  # GBK bytes and a stray byte: not UTF-8
    with open(odd, "wb") as handle:
        handle.write("（一）加快推进碳排放权交易。积极发展绿色金融，蓝色碳汇。".encode("gb18030"))

    proc = subprocess.run([carbon_exe.encode(), b"docs", b"add", os.fsencode(folder), os.fsencode(tmp_path / "a.txt"), b"--json"],
                          capture_output=True, timeout=300)
    assert proc.returncode == 2
    stderr = proc.stderr.decode("utf-8")  # messages are printable UTF-8 even for a non-UTF-8 name
    lines = stderr.splitlines()
    assert all(line.startswith("carbon: ") for line in lines) and "Traceback" not in stderr, stderr
    errors = [line for line in lines if line.startswith("carbon: error: ")]
    assert len(errors) == 4, stderr
    assert any("bomb.docx: looks like a zip bomb" in e for e in errors)
    assert any("pages.pdf: 2500 pages is over the 2000-page limit" in e for e in errors)
    assert any("one-line.txt: 50.1 MB is over the 32 MB limit" in e for e in errors)
    assert any("a.txt: " in e and "symbolic links" in e for e in errors)
    data = json.loads(proc.stdout.decode("utf-8"))
    assert {a["status"] for a in data["added"]} == {"added"} and len(data["added"]) == 2
    assert any("\\xb2\\xdf\\xc2\\xd4-\\xff.txt" in a["path"] for a in data["added"])
    after = _ids(run_carbon)
    assert before < after and len(after) == len(before) + 2  # nothing already indexed lost
    result = run_carbon("search", "蓝色碳汇", "--json")
    assert result.code == 0 and json.loads(result.stdout)["results"]


def test_a_docx_claiming_a_future_zip_version_is_refused_and_the_rest_added(run_carbon, tmp_path):
    """Found by bench/fuzz.py (seed 2, inputs 445768 and 905706): zipfile raises
    NotImplementedError for a member that needs zip version 14.8 to extract, which
    ended the whole docs add call as an unexpected error."""
    import docx

    document = docx.Document()
    document.add_paragraph("一、加快推动新型储能发展。")
    path = tmp_path / "future.docx"
    document.save(path)
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")  # the first central directory entry
    data[at + 6 : at + 8] = (148).to_bytes(2, "little")  # version needed to extract: 14.8
    path.write_bytes(bytes(data))
    good = tmp_path / "good.txt"
    good.write_text("（一）推进碳排放权交易市场建设。", encoding="utf-8")
    result = run_carbon("docs", "add", str(path), str(good), "--json")
    assert result.code == 2 and result.stderr.count("\n") == 1, result
    assert "future.docx: not a valid DOCX file (corrupt zip archive: zip file version 14.8)" in result.stderr
    assert [a["id"] for a in json.loads(result.stdout)["added"]] == ["good"]


def test_a_reader_failing_unexpectedly_costs_only_its_file(cli, tmp_path, monkeypatch):
    """Defence in depth: whatever a parser raises, the other files of the call are added."""
    from carbon_cli import readers

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.html").write_text("<p>（一）推进碳排放权交易市场建设。</p>", encoding="utf-8")
    (folder / "b.txt").write_text("（二）发展绿色金融。", encoding="utf-8")

    def broken(path, data, charset=None):
        raise NotImplementedError("a parser's own bug")

    monkeypatch.setattr(readers, "_read_html", broken)
    result = cli("docs", "add", str(folder), "--json")
    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"carbon: error: {folder / 'a.html'}: cannot be read (NotImplementedError: a parser's own bug)"]
    assert [a["id"] for a in json.loads(result.stdout)["added"]] == ["b"]


def test_a_long_single_line_under_the_limit_is_indexed(run_carbon, tmp_path):
    line = ("推动能源绿色低碳转型，" + "碳" * 40 + "，新型储能。") * 1_500  # one line, ~90,000 characters
    path = tmp_path / "line.txt"
    path.write_text(line, encoding="utf-8")
    result = run_carbon("docs", "add", str(path), "--json")
    assert result.code == 0, result
    assert json.loads(result.stdout)["added"][0]["passages"] >= 1
    found = json.loads(run_carbon("search", "新型储能", "--doc", "line", "--json").stdout)
    assert found["results"] and all(0 <= s < e <= len(h["text"]) for h in found["results"] for s, e in h["highlights"])


def test_files_that_vanish_or_become_unreadable_during_add(cli, home, tmp_path, monkeypatch):
    assert cli("docs", "add", str(STORAGE)).code == 0
    folder = tmp_path / "batch"
    folder.mkdir()
    text = OPINIONS.read_text(encoding="utf-8")
    for n, name in enumerate(["a.txt", "b.txt", "c.txt", "d.txt"]):
        (folder / name).write_text(f"第{n}号文件\n" + text[n * 3000 : n * 3000 + 2500], encoding="utf-8")
    read_bytes = readers.read_bytes
    real_open = open

    def vanishing(path: Path, limit: int) -> bytes:
        if path.name == "b.txt":
            path.unlink()  # gone between the folder walk and the read
        return read_bytes(path, limit)

    def guarded(file, *args, **kwargs):
        if str(file).endswith("c.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(readers, "read_bytes", vanishing)
    monkeypatch.setattr(readers, "open", guarded, raising=False)
    result = cli("docs", "add", str(folder), "--json")
    assert result.code == 2
    assert result.stderr.splitlines() == [f"carbon: error: {folder / 'b.txt'}: no such file",
                                          f"carbon: error: {folder / 'c.txt'}: permission denied"]
    assert [a["id"] for a in json.loads(result.stdout)["added"]] == ["a", "d"]
    ids = {d["id"] for d in json.loads(cli("docs", "list", "--json").stdout)}
    assert {"a", "d", "ndrc-nea-new-energy-storage-guidance-2021"} <= ids and not {"b", "c"} & ids


def test_a_file_replaced_by_a_folder_or_a_fifo_mid_add(cli, tmp_path, monkeypatch):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("x.txt", "y.txt", "z.txt"):
        (folder / name).write_text(f"{name}：推动绿色低碳发展，提升碳汇能力。", encoding="utf-8")
    read_bytes = readers.read_bytes

    def swapped(path: Path, limit: int) -> bytes:
        if path.name == "x.txt":
            path.unlink()
            path.mkdir()
        if path.name == "y.txt" and hasattr(os, "mkfifo"):
            path.unlink()
            os.mkfifo(path)
        return read_bytes(path, limit)

    monkeypatch.setattr(readers, "read_bytes", swapped)
    result = cli("docs", "add", str(folder))
    assert result.code == 2 and "x.txt: is a directory" in result.stderr
    assert all(line.startswith("carbon: error: ") for line in result.stderr.splitlines())
    assert "z" in {d["id"] for d in json.loads(cli("docs", "list", "--json").stdout)}


# -- security -------------------------------------------------------------------------

UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}


def test_sources_never_load_data_with_pickle_marshal_eval_or_exec():
    """Index and cache files are read with sqlite3, json and plain text only."""
    found = []
    for path in sorted((ROOT / "carbon_cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path.name, a.name) for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
                found.append((path.name, node.module))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in UNSAFE_CALLS:
                found.append((path.name, node.func.id))
            elif isinstance(node, ast.Attribute) and node.attr in ("load", "loads") and isinstance(node.value, ast.Name) \
                    and node.value.id in ("yaml", "pickle", "marshal"):
                found.append((path.name, f"{node.value.id}.{node.attr}"))
    assert found == []


def _kind_of(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"SQLite format 3\x00"):
        sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute("PRAGMA quick_check").fetchall()
        return "sqlite"
    if path.suffix == ".json":
        json.loads(data.decode("utf-8"))
        return "json"
    data.decode("utf-8")  # plain text (or empty: the lock file); marshal and pickle data are not
    assert b"\x00" not in data
    return "text"


@pytest.mark.slow
def test_home_holds_only_plain_data_files(run_carbon, home, tmp_path):
    """With the cache inside the home, after searches, adds and a bulk rebuild."""
    env = {"CARBON_CACHE": ""}  # empty: the default, CARBON_HOME/cache
    assert run_carbon("search", "碳汇", env=env).code == 0
    big = tmp_path / "big.txt"  # over the bulk threshold: the rebuild loads jieba's whole dictionary
    big.write_text((OPINIONS.read_text(encoding="utf-8") + "\n") * 25, encoding="utf-8")
    assert run_carbon("docs", "add", str(STORAGE), str(big), env=env).code == 0
    (home / "index.sqlite").unlink()
    assert run_carbon("search", "储能", env=env).code == 0
    kinds = {}
    for path in home.rglob("*"):
        if path.is_file():
            kinds[path.relative_to(home).as_posix()] = _kind_of(path)
    assert kinds["index.sqlite"] == "sqlite"
    assert kinds["library/manifest.json"] == "json"
    assert kinds[record_file(home, "big").relative_to(home).as_posix()] == "json"
    assert any(name.startswith("cache/") for name in kinds)
    assert set(kinds.values()) <= {"sqlite", "json", "text"}
    assert not [name for name in kinds if name.endswith((".cache", ".pkl", ".pickle", ".marshal"))]


@pytest.mark.empty_home
def test_home_is_created_user_only(run_carbon, home):
    assert not home.exists()
    assert run_carbon("search", "碳汇").code == 0
    for folder in (home, home / "library"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


HOSTILE_NAMES = ["..txt", "...", "..\\..\\etc\\passwd.txt", "%2e%2e%2fetc%2fpasswd.txt", "passwd", "ＰＡＳＳＷＤ.txt",
                 "a\nb.txt", " .txt", "-.txt", "CON.txt", "名称.txt"]


def test_ids_from_hostile_names_stay_inside_home(run_carbon, home, tmp_path):
    outside = tmp_path / "outside"
    (outside / "deep" / "er").mkdir(parents=True)
    paths = []
    for n, name in enumerate(HOSTILE_NAMES):
        path = outside / name
        path.write_text(f"第{n}份文件：推进碳达峰碳中和工作，编号{n}。", encoding="utf-8")
        paths.append(str(path))
    paths.append(str(outside / "deep" / "er" / ".." / ".." / "passwd"))  # the same file by another way: one document
    paths.append(os.path.abspath(paths[0]))
    listing = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(home))
    result = run_carbon("docs", "add", *paths, "--json")
    assert result.code == 0, result
    added = json.loads(result.stdout)["added"]
    assert len({a["id"] for a in added}) == len(HOSTILE_NAMES)
    for a in added:
        # slugs of the name, or of the title (its Chinese characters) when the name has no Latin letter
        assert re.fullmatch(r"[a-z0-9\u4e00-\u9fff]+(-[a-z0-9\u4e00-\u9fff]+)*", a["id"]), a["id"]
    assert sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(home)) == listing  # nothing new outside
    for path in home.rglob("*"):
        assert os.path.realpath(path).startswith(os.path.realpath(home) + os.sep)
    for bad in ("../../etc/passwd", "/etc/passwd", "..", "../outside/passwd"):
        for args in (("show", bad), ("docs", "remove", bad), ("docs", "show", bad)):
            outcome = run_carbon(*args)
            assert outcome.code == 2 and outcome.stderr.count("\n") == 1, (args, outcome)
    assert sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(home)) == listing


def test_a_manifest_naming_paths_outside_the_library_is_not_followed(run_carbon, home, tmp_path):
    """A manifest edited by hand with an id like ../../x must not make carbon read or delete outside."""
    assert run_carbon("docs", "add", str(STORAGE)).code == 0
    victim = home.parent / "victim.json"
    record = {"id": "../../victim", "text": "一、不应被读取的文件。", "source": "x", "encoding": "utf-8", "format": "text",
              "sha256": "0", "added": ""}
    victim.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((home / "library" / "manifest.json").read_text(encoding="utf-8"))
    manifest["../../victim"] = {"sha256": "0", "source": "x"}
    (home / "library" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    listed = run_carbon("docs", "list", "--json")
    assert listed.code == 0 and "Traceback" not in listed.stderr
    ids = {d["id"] for d in json.loads(listed.stdout)}
    assert "ndrc-nea-new-energy-storage-guidance-2021" in ids and not any("victim" in i for i in ids)
    removal = run_carbon("docs", "remove", "../../victim")
    assert removal.code == 2 and removal.stderr.count("\n") == 1
    assert victim.exists()
