"""Hostile streams, locales, output targets and inputs: a closed stdout, a locale that
cannot encode Chinese, HTML that names a codec no browser uses, export to a FIFO or a
device, CSV formulas, Markdown fences, control and bidi characters in what is echoed,
symlinks out of a folder, /dev/zero as a judged set, numeric options past any use.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from carbon_cli import readers
from helpers import STORAGE

OPINIONS_TITLE = "中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见"


def sh(command: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", command], capture_output=True, timeout=timeout, env={**os.environ, **(env or {})})


# -- a closed stdout -------------------------------------------------------------------


def test_a_closed_stdout_ends_quietly_with_the_right_exit_code(home, carbon_exe, tmp_path):
    shown = sh(f'"{carbon_exe}" show qa/intro >&-')
    assert shown.returncode == 0 and shown.stderr == b"", shown
    missing = sh(f'"{carbon_exe}" search zzzz不存在的词 >&-')
    assert missing.returncode == 1 and b"Traceback" not in missing.stderr
    added = sh(f'"{carbon_exe}" docs add "{STORAGE}" >&-')
    assert added.returncode == 0 and added.stderr == b"", added  # the add happened: no failure reported
    listed = subprocess.run([carbon_exe, "docs", "list", "--json"], capture_output=True, text=True)
    assert "ndrc-nea-new-energy-storage-guidance-2021" in {d["id"] for d in json.loads(listed.stdout)}
    assert sh(f'"{carbon_exe}" docs list --json >&- 2>&-').returncode == 0
    assert (home / "index.sqlite").read_bytes().startswith(b"SQLite format 3\x00")  # no output landed in it


# -- locales ---------------------------------------------------------------------------


LOCALES = [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}, {"LANG": "C", "LC_ALL": "C"},
           {"PYTHONIOENCODING": "gb18030"}, {"LC_ALL": "en_US.ISO-8859-1", "PYTHONIOENCODING": "iso-8859-1"}]


@pytest.mark.parametrize("env", LOCALES, ids=lambda env: "-".join(env.values()))
def test_json_is_utf_8_and_terminal_text_degrades_in_any_locale(home, carbon_exe, env):
    found = subprocess.run([carbon_exe, "search", "碳达峰", "-n", "2", "--json"], capture_output=True, env={**os.environ, **env})
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout.decode("utf-8"))["query"] == "碳达峰"
    for args in (["show", "qa/intro"], ["search", "碳达峰", "-n", "1"], ["docs", "list"], ["kwic", "碳达峰"],
                 ["search", "不存在的词语"]):
        result = subprocess.run([carbon_exe, *args], capture_output=True, env={**os.environ, **env})
        assert result.returncode in (0, 1) and b"Traceback" not in result.stderr, (args, result.stderr)
        assert result.stdout or result.returncode == 1
    exported = subprocess.run([carbon_exe, "export", "qa", "-f", "csv"], capture_output=True, env={**os.environ, **env})
    assert "科技支撑" in exported.stdout.decode("utf-8")


# -- HTML charset labels -----------------------------------------------------------------


@pytest.mark.parametrize("label", ["zlib", "base64", "rot13", "punycode", "unicode_escape", "utf-7", "cp037", "hex",
                                   "bz2", "idna", "utf_16", "x-user-defined", "nonsense"])
def test_only_whatwg_labels_are_honoured(tmp_path, label):
    page = tmp_path / "page.html"
    body = "<html><head><meta charset=\"{}\"></head><body><h1>碳达峰行动方案</h1><p>一、总体要求。推进碳达峰。</p></body></html>"
    page.write_bytes(body.format(label).encode("utf-8"))
    source = readers.read_file(page)
    assert "碳达峰行动方案" in source.text and "推进碳达峰" in source.text
    assert source.encoding == "utf-8"


@pytest.mark.parametrize("label, codec", [("gb2312", "gb18030"), ("GBK", "gb18030"), (" x-gbk", "gb18030"),
                                          ("big5", "big5"), ("utf8", "utf-8"), ("latin1", "cp1252")])
def test_whatwg_labels_decode_as_browsers_do(tmp_path, label, codec):
    page = tmp_path / "page.html"
    text = {"cp1252": "Plan d’action élaboré", "big5": "碳達峰行動方案"}.get(codec, "碳达峰行动方案")
    page.write_bytes(f"<meta charset='{label}'><p>{text}</p>".encode(codec))
    source = readers.read_file(page)
    assert text in source.text


# -- export targets --------------------------------------------------------------------


def test_export_writes_through_a_fifo(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = cli("export", "qa", "-o", str(fifo))
    reader.join(30)
    assert result.code == 0, result
    assert fifo.is_fifo() and b'"id": "qa/intro"' in got[0]


def test_export_to_a_device_or_a_symlink_keeps_it(cli, tmp_path):
    assert cli("export", "qa", "-o", "/dev/null").code == 0
    assert Path("/dev/null").is_char_device()
    target = tmp_path / "real.jsonl"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert cli("export", "qa", "-o", str(link)).code == 0
    assert link.is_symlink() and '"qa/intro"' in target.read_text(encoding="utf-8")
    to_stdout = cli("export", "qa", "-o", "-")
    assert to_stdout.code == 0 and '"qa/intro"' in to_stdout.stdout


def test_export_through_dev_stdout(home, carbon_exe, tmp_path):
    out = tmp_path / "out.jsonl"
    with open(out, "wb") as handle:
        result = subprocess.run([carbon_exe, "export", "qa", "-o", "/dev/stdout"], stdout=handle, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert b'"qa/intro"' in out.read_bytes()
    piped = subprocess.run([carbon_exe, "export", "qa", "-o", "/dev/stdout"], capture_output=True)
    assert piped.returncode == 0 and b'"qa/intro"' in piped.stdout, piped.stderr


def _hostile_document(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.txt"
    path.write_text(
        "关于推进碳达峰工作的通知\n"
        "=HYPERLINK(\"http://example.com\",\"点击\")\n"
        "+1+2\n-3-4 减排目标\n@SUM(A1:A2)\n"
        "```\n~~~python\n    缩进的代码\n====\n"
        "标题\u202e txt.exe 含有双向控制符\u2066隔离\u2069与零宽\u200b字符和软\u00ad连字符\n",
        encoding="utf-8",
    )
    return path


def test_csv_cells_that_would_run_as_formulas_are_neutralised(cli, tmp_path):
    assert cli("docs", "add", str(_hostile_document(tmp_path))).code == 0
    safe = cli("export", "hostile", "-f", "csv", "--no-bom")
    assert safe.code == 0
    rows = list(csv.DictReader(io.StringIO(safe.stdout)))
    texts = [row["text"] for row in rows]
    assert texts and not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")], texts
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    raw = cli("export", "hostile", "-f", "csv", "--no-bom", "--raw")
    assert any(row["text"].startswith("=HYPERLINK") for row in csv.DictReader(io.StringIO(raw.stdout)))


def test_markdown_export_opens_no_code_block(cli, tmp_path):
    from markdown_it import MarkdownIt

    assert cli("docs", "add", str(_hostile_document(tmp_path))).code == 0
    result = cli("export", "hostile", "-f", "markdown")
    assert result.code == 0
    tokens = MarkdownIt("commonmark").parse(result.stdout)
    kinds = {t.type for t in tokens}
    assert not kinds & {"fence", "code_block"}, kinds
    assert sum(t.type == "heading_open" for t in tokens) == 1  # the document's own, no ==== underline


def test_bidi_and_invisible_characters_never_reach_the_terminal(cli, tmp_path):
    assert cli("docs", "add", str(_hostile_document(tmp_path))).code == 0
    for args in (("show", "hostile"), ("outline", "--doc", "hostile"), ("docs", "list"), ("search", "双向控制符"),
                 ("kwic", "双向", "hostile")):
        result = cli(*args)
        assert result.code == 0, (args, result)
        for char in "\u202e\u2066\u2069\u200b\u00ad\x1b":
            assert char not in result.stdout, (args, hex(ord(char)))
        assert "控制符" in result.stdout or args == ("docs", "list")  # its titles are clipped
    as_json = json.loads(cli("show", "hostile", "--json").stdout)
    assert any("\u202e" in p["text"] for p in as_json)  # the data itself is kept


def test_echoed_ids_paths_and_queries_are_escaped_and_cut(cli, run_carbon, tmp_path):
    escape = "\x1b]0;pwned\x07\x1b[31m"
    for args in (("show", escape), ("docs", "remove", escape), ("stats", "--term", escape), ("kwic", escape),
                 ("show", "x" * 100_000), ("search", escape + "碳", "-k", escape)):
        result = cli(*args)
        assert result.code in (0, 1, 2) and "Traceback" not in result.stderr, (args[:1], result)
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\x1b" not in result.stdout
        assert all(len(line) < 400 for line in result.stderr.splitlines()), args[:1]
    judged = tmp_path / "judged.tsv"
    judged.write_text(f"qid\tcategory\tquery\trelevant\nq{escape}\tc\u202e\t碳达峰{escape}\tqa/intro:1\n", encoding="utf-8")
    report = run_carbon("eval", str(judged))
    assert report.code == 0, report
    assert "\x1b" not in report.stdout and "\u202e" not in report.stdout and "\\x1b" in report.stdout
    exported = cli("export", "qa", "-o", str(tmp_path / f"out{escape}.jsonl"))
    assert exported.code == 0 and "\x1b" not in exported.stderr


# -- inputs: files that are not files, links out of the folder, bounds ------------------


def test_eval_uses_the_file_checks_of_docs_add(cli, tmp_path):
    fifo = tmp_path / "fifo.tsv"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo), str(tmp_path)):
        result = cli("eval", path)
        assert result.code == 2 and result.stderr.count("\n") == 1, (path, result)
    big = tmp_path / "big.tsv"
    with open(big, "wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    result = cli("eval", str(big))
    assert result.code == 2 and "limit" in result.stderr


def test_symlinks_out_of_a_folder_are_not_followed(cli, home, tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "plan.txt").write_text("关于推进碳达峰工作的通知\n一、总体要求。", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密的碳汇文件，不应被加入。", encoding="utf-8")
    (folder / "root").symlink_to("/")
    (folder / "sub" / "secret.txt").symlink_to(secret)
    (folder / "sub" / "again.txt").symlink_to(folder / "plan.txt")  # inside: followed, the same file once
    (folder / "loop").symlink_to(folder)
    result = cli("docs", "add", str(folder), "--json")
    assert result.code == 2
    added = json.loads(result.stdout)["added"]
    assert [a["id"] for a in added] == ["plan"]
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all("not followed" in line for line in lines)
    assert any(str(folder / "root") in line for line in lines) and any("secret.txt" in line for line in lines)
    assert json.loads(cli("search", "绝密", "--json").stdout)["results"] == []


@pytest.mark.parametrize("args", [("kwic", "碳", "--width", "100000000"), ("kwic", "碳", "-w", str(10**30)),
                                  ("search", "碳", "-n", str(10**30)), ("keywords", "--top", "-5"),
                                  ("actions", str(10**30)), ("stats", "--top", str(10**20))])
def test_numeric_options_have_bounds(cli, args):
    result = cli(*args)
    assert result.code == 2 and result.stderr.count("\n") == 1 and "range" in result.stderr, result


# -- smaller: a home that is a file, stray Latin-1, names without Latin letters ----------


def test_a_home_that_is_a_file_gets_one_message(run_carbon, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for home in (blocker, blocker / "sub"):
        for args in (("search", "碳"), ("docs", "list"), ("docs", "add", str(STORAGE)), ("docs", "remove", "x")):
            result = run_carbon(*args, env={"CARBON_HOME": str(home)})
            assert result.code == 2, (home, args, result)
            assert result.stderr == f"carbon: error: {blocker} is not a folder: CARBON_HOME must name a folder\n"


def test_utf_8_with_one_stray_latin_1_word_is_read_with_a_warning(run_carbon, tmp_path):
    path = tmp_path / "stray.txt"
    path.write_bytes("关于推进碳达峰工作的通知\n一、总体要求。引用法文 ".encode() + b"caf\xe9" + " 一词。\n".encode())
    result = run_carbon("docs", "add", str(path), "--json")
    assert result.code == 0, result
    assert result.stderr.count("\n") == 1 and "Windows-1252" in result.stderr and "stray.txt" in result.stderr
    added = json.loads(result.stdout)["added"][0]
    assert added["encoding"] == "utf-8+cp1252"
    shown = json.loads(run_carbon("show", added["id"], "--json").stdout)
    assert any("café" in p["text"] for p in shown)
    gbk = tmp_path / "gbk.txt"  # a whole file in another encoding is not taken for UTF-8
    gbk.write_bytes("关于推进碳达峰工作的通知\n一、总体要求。".encode("gb18030"))
    assert readers.read_file(gbk).encoding == "gb18030"


def test_names_without_latin_letters_get_ids_from_the_title(run_carbon, tmp_path):
    first = tmp_path / "通知.txt"
    first.write_text("关于推进碳达峰工作的通知\n一、总体要求。", encoding="utf-8")
    second = tmp_path / "方案.txt"
    second.write_text("  某某市碳达峰实施方案（2022—2030年）\n一、总体要求。", encoding="utf-8")  # cut at 16 characters
    third = tmp_path / "副本.txt"
    third.write_text("关于推进碳达峰工作的通知\n二、另一份。", encoding="utf-8")
    result = run_carbon("docs", "add", str(first), str(second), str(third), "--json")
    assert result.code == 0, result
    ids = [a["id"] for a in json.loads(result.stdout)["added"]]
    assert ids == ["关于推进碳达峰工作的通知", "某某市碳达峰实施方案-2022", "关于推进碳达峰工作的通知-2"]
    assert run_carbon("show", ids[1]).code == 0 and run_carbon("docs", "remove", ids[2]).code == 0
