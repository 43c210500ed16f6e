"""Tests for carbon_cli.readers: every fixture is built here, under tmp_path."""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from carbon_cli import readers
from carbon_cli.model import CarbonError, SourceText
from carbon_cli.readers import (
    MAX_BYTES,
    SUPPORTED_SUFFIXES,
    ReadError,
    discover,
    display_path,
    read_file,
)
from helpers import OPINIONS as OPINIONS_PATH
from helpers import STORAGE as STORAGE_PATH

OPINIONS = OPINIONS_PATH.read_text(encoding="utf-8")
STORAGE = STORAGE_PATH.read_text(encoding="utf-8")
# ~30 characters of real policy text.
SHORT = OPINIONS.splitlines()[1][:30]
SHORT_2 = STORAGE.splitlines()[3][:30]

# The opening of the 2021 opinions in traditional characters (Taiwan
# standard), which Big5 can encode: the simplified fixtures cannot be.
TRAD_LONG = "\n".join(
    [
        "中共中央 國務院關於完整準確全面貫徹新發展理念做好碳達峰碳中和工作的意見",
        "實現碳達峰、碳中和，是以習近平同志為核心的黨中央統籌國內國際兩個大局作出的重大戰略決策，"
        "是著力解決資源環境約束突出問題、實現中華民族永續發展的必然選擇，是構建人類命運共同體的莊嚴承諾。"
        "為完整、準確、全面貫徹新發展理念，做好碳達峰、碳中和工作，現提出如下意見。",
        "一、總體要求",
        "（一）指導思想",
        "以習近平新時代中國特色社會主義思想為指導，全面貫徹黨的十九大和十九屆二中、三中、四中、五中全會精神，"
        "深入貫徹習近平生態文明思想，立足新發展階段，貫徹新發展理念，構建新發展格局，堅持系統觀念，"
        "處理好發展和減排、整體和區域性、短期和中長期的關係，把碳達峰、碳中和納入經濟社會發展全域性，"
        "以經濟社會發展全面綠色轉型為引領，以能源綠色低碳發展為關鍵，加快形成節約資源和保護環境的產業結構、"
        "生產方式、生活方式、空間格局，堅定不移走生態優先、綠色低碳的高質量發展道路，確保如期實現碳達峰、碳中和。",
        "（二）工作原則",
    ]
) + "\n"
TRAD_SHORT = TRAD_LONG.splitlines()[1][:30]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def error_of(path, **kwargs) -> str:
    with pytest.raises(ReadError) as info:
        read_file(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message, "messages are one line"
    assert message.startswith(display_path(path) + ": ")
    return message


# --------------------------------------------------------------------------
# Plain text and encodings


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (OPINIONS, "utf-8", "utf-8"),
        (SHORT, "utf-8", "utf-8"),
        (OPINIONS, "utf-8-sig", "utf-8-sig"),
        (SHORT, "utf-8-sig", "utf-8-sig"),
        (OPINIONS, "gb18030", "gb18030"),
        (STORAGE, "gb18030", "gb18030"),
        (SHORT, "gb18030", "gb18030"),
        (SHORT_2, "gb18030", "gb18030"),
        (OPINIONS, "gbk", "gb18030"),
        (SHORT, "gbk", "gb18030"),
        (SHORT, "gb2312", "gb18030"),
        (TRAD_LONG, "big5", "big5"),
        (TRAD_SHORT, "big5", "big5"),
        (TRAD_LONG, "utf-8", "utf-8"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None,
)
def test_text_in_each_encoding_comes_back_exactly(tmp_path, text, codec, expected):
    path = write(tmp_path, "policy.txt", text.encode(codec))
    result = read_file(path)
    assert result == SourceText(text=text, encoding=expected, format="text")


def test_every_line_of_the_fixtures_in_gb18030_and_big5(tmp_path):
    # Short texts are where detectors confuse GB18030 and Big5.
    lines = [line for line in OPINIONS.splitlines() + STORAGE.splitlines() if len(line) >= 8]
    for i, line in enumerate(lines):
        path = write(tmp_path, f"gb{i}.txt", line.encode("gb18030"))
        assert read_file(path) == SourceText(line, "gb18030", "text"), line
    for i, line in enumerate(TRAD_LONG.splitlines()):
        path = write(tmp_path, f"big5_{i}.txt", line.encode("big5"))
        assert read_file(path) == SourceText(line, "big5", "text"), line


def test_markdown_and_suffixless_files(tmp_path):
    md = write(tmp_path, "notes.MD", "# 标题\n\n" + SHORT)
    assert read_file(md) == SourceText("# 标题\n\n" + SHORT, "utf-8", "markdown")
    assert read_file(write(tmp_path, "a.markdown", SHORT)).format == "markdown"
    bare = write(tmp_path, "README", SHORT.encode("gb18030"))
    assert read_file(bare) == SourceText(SHORT, "gb18030", "text")


def test_other_encodings_are_left_to_the_detector(tmp_path):
    text = "Déclaration sur l'énergie propre et la réduction des émissions de carbone. " * 3
    result = read_file(write(tmp_path, "fr.txt", text.encode("cp1252")))
    assert result.text == text
    assert result.encoding not in ("utf-8", "gb18030", "big5")


def test_utf16_with_bom(tmp_path):
    result = read_file(write(tmp_path, "u16.txt", SHORT.encode("utf-16")))
    assert (result.text, result.encoding) == (SHORT, "utf-16")


def test_clean_up_newlines_controls_and_bom_but_no_nfkc(tmp_path):
    raw = "\ufeff第一行\r\n第二行\r第三行\x00\x07\x1b\t表\f第四页\n１２３ＡＢＣ①\n"
    result = read_file(write(tmp_path, "mixed.txt", raw))
    assert result.text == "第一行\n第二行\n第三行\t表\n第四页\n１２３ＡＢＣ①\n"
    assert result.encoding == "utf-8-sig"


# --------------------------------------------------------------------------
# HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>站点标题</title>
<style>body { color: red; } .x::after { content: "样式文字"; }</style>
<script>var s = "脚本文字"; document.write("<p>写入</p>");</script>
</head>
<body>
<header>网站首页 | 登录</header>
<nav><a href="/">首页</a> &gt; <a href="/zc">政策</a></nav>
<!-- 注释文字 -->
<div class="article">
<h1>关于加快推动新型储能发展的指导意见</h1>
<p>抽水蓄能和新型储能是支撑新型电力系统的重要技术&amp;基础装备。</p>
<p>第一段<br>第二行&nbsp;&#x4E2D;&#25991; &lt;标签&gt;</p>
<ul><li>条目一</li><li>条目二</li></ul>
<table><tr><th>指标</th><th>目标</th></tr><tr><td>装机规模</td><td>3000万千瓦</td></tr></table>
<form><input name="q"><button>搜索按钮</button></form>
<noscript>请启用脚本</noscript>
</div>
<aside>相关链接</aside>
<footer>版权所有 主办单位</footer>
<script>trackVisit();</script>
</body></html>
"""


def test_html_text_without_noise(tmp_path):
    result = read_file(write(tmp_path, "page.html", PAGE))
    assert result.format == "html" and result.encoding == "utf-8"
    assert result.text.splitlines() == [
        "关于加快推动新型储能发展的指导意见",
        "抽水蓄能和新型储能是支撑新型电力系统的重要技术&基础装备。",
        "第一段",
        "第二行\xa0中文 <标签>",
        "条目一",
        "条目二",
        "指标\t目标",
        "装机规模\t3000万千瓦",
    ]
    for noise in ("脚本", "样式", "写入", "首页", "登录", "注释", "搜索", "请启用", "相关链接", "版权", "站点标题"):
        assert noise not in result.text


UNMARKED_PAGE = """<html><head><meta charset="utf-8"><title>实施意见_某某市发展和改革委员会</title></head><body>
<div class="top"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/zcfg">政策法规</a></div>
<div class="menu"><ul><li><a href="#">机构概况</a></li><li><a href="#">通知公告</a></li></ul></div>
<div class="wrap"><div class="left"><div class="pos">当前位置：<a href="/">首页</a> &gt; <a href="#">政策文件</a></div>
<div class="box"><h2>某某市关于加快推动新型储能发展的实施意见</h2>
<div class="info">发布时间：2022-03-01 来源：市发展改革委</div>
<div class="zw"><p>各区县人民政府，市政府各部门：</p>
<p>为贯彻落实国家关于新型储能发展的部署，结合我市实际，提出如下意见。</p>
<p>一、基本原则</p><p>（一）统筹规划。坚持全市一盘棋，合理布局储能项目。</p>
<p>（二）创新引领。强化技术攻关，推动关键技术突破。</p>
<p>二、保障措施</p><p>（一）加强组织领导。成立工作专班，明确责任分工。</p>
<p>（二）加大政策支持。落实补贴政策，拓宽融资渠道。</p>
<p>某某市发展和改革委员会</p><p>2022年3月1日</p></div></div></div>
<div class="right"><h3>热点新闻</h3><ul><li><a href="#">市领导调研储能产业发展情况并召开座谈会</a></li>
<li><a href="#">我市召开新能源产业发展推进会议</a></li></ul></div></div>
<div class="bottom"><p>主办单位：某某市发展和改革委员会 版权所有</p><p>网站标识码：1100000001</p></div>
</body></html>"""


def test_html_without_a_known_container_is_read_from_its_densest_part(tmp_path):
    """A page whose article sits in a container of no known name, among menus, a
    sidebar and a footer in plain divs: the article is read, with its title and date
    line, and nothing of the rest."""
    lines = read_file(write(tmp_path, "unmarked.html", UNMARKED_PAGE)).text.splitlines()
    assert lines[1:3] == ["某某市关于加快推动新型储能发展的实施意见", "发布时间：2022-03-01 来源：市发展改革委"]
    assert lines[-1] == "2022年3月1日"
    for noise in ("政务公开", "机构概况", "热点新闻", "座谈会", "版权所有", "网站标识码"):
        assert not any(noise in line for line in lines), noise


def test_html_article_split_over_two_blocks_is_read_whole(tmp_path):
    first = "".join(f"<p>（{n}）加强统筹协调，推动新型储能规模化发展，完善配套政策。</p>" for n in range(6))
    second = "".join(f"<p>附表{n}：重点项目清单，按年度滚动更新并报送。</p>" for n in range(3))
    page = f"<html><body><div class='a'><div class='x'>{first}</div><div class='y'>{second}</div></div>" \
           "<div class='side'><a href='#'>相关新闻一则</a><a href='#'>相关新闻两则</a></div></body></html>"
    text = read_file(write(tmp_path, "split.html", page)).text
    assert "（5）加强统筹协调" in text and "附表2" in text and "相关新闻" not in text


def test_html_without_a_dominant_block_is_read_whole(tmp_path):
    page = "<html><body><div><p>" + SHORT + "</p></div><div><p>" + SHORT_2 + "</p></div></body></html>"
    assert read_file(write(tmp_path, "two.html", page)).text == SHORT + "\n" + SHORT_2


def test_html_meta_charset_gb2312(tmp_path):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><p>" + SHORT + "</p><p>" + SHORT_2 + "</p></body></html>"
    )
    result = read_file(write(tmp_path, "gb.htm", page.encode("gb2312")))
    assert result == SourceText(SHORT + "\n" + SHORT_2, "gb18030", "html")
    page5 = '<meta charset="gb2312"><p>' + SHORT + "</p>"
    assert read_file(write(tmp_path, "gb5.html", page5.encode("gb2312"))).text == SHORT


def test_html_without_or_with_wrong_meta_detects_from_bytes(tmp_path):
    page = "<html><body><p>" + TRAD_SHORT + "</p></body></html>"
    assert read_file(write(tmp_path, "big5.html", page.encode("big5"))) == SourceText(
        TRAD_SHORT, "big5", "html"
    )
    lying = '<meta charset="utf-8"><p>' + SHORT + "</p>"
    assert read_file(write(tmp_path, "lying.html", lying.encode("gb18030"))) == SourceText(
        SHORT, "gb18030", "html"
    )


def test_html_deeply_nested_does_not_crash(tmp_path):
    page = "<div>" * 3000 + SHORT + "</div>" * 3000
    assert read_file(write(tmp_path, "deep.html", page)).text == SHORT


def test_html_with_only_noise_is_empty(tmp_path):
    path = write(tmp_path, "noise.html", "<html><head><script>x()</script></head><body><nav>首页</nav></body></html>")
    assert error_of(path).endswith(": empty file")


# --------------------------------------------------------------------------
# DOCX


def make_docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("关于加快推动新型储能发展的指导意见", level=1)
    document.add_paragraph(SHORT)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "2025年"
    table.cell(0, 2).text = "2030年"
    table.cell(1, 0).text = "新型储能装机"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "3000万千瓦以上"
    document.add_paragraph(SHORT_2)
    document.save(path)
    return path


def test_docx_paragraphs_and_table_in_order(tmp_path):
    result = read_file(make_docx(tmp_path / "policy.docx"))
    assert result.format == "docx"
    assert result.text.splitlines() == [
        "关于加快推动新型储能发展的指导意见",
        SHORT,
        "指标\t2025年\t2030年",
        "新型储能装机\t3000万千瓦以上",
        SHORT_2,
    ]


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = bytes(1 << 20)
            for _ in range(200):  # 200 MiB of zeros, about 200 KB compressed
                entry.write(chunk)
    assert path.stat().st_size < 1 << 20

    def no_parse(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("python-docx was called on a zip bomb")

    monkeypatch.setattr("docx.Document", no_parse)
    assert error_of(path).endswith(": looks like a zip bomb (200 MB uncompressed)")


def test_docx_total_uncompressed_limit(tmp_path, monkeypatch):
    path = make_docx(tmp_path / "big.docx")
    monkeypatch.setattr(readers, "MAX_DOCX_UNCOMPRESSED", 1000)
    assert "looks like a zip bomb (" in error_of(path)


def test_docx_corrupt_or_not_a_zip(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    truncated = write(tmp_path, "truncated.docx", good[: len(good) // 2])
    assert "not a valid DOCX file" in error_of(truncated)
    text = write(tmp_path, "text.docx", SHORT)
    assert "not a valid DOCX file" in error_of(text)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("hello.txt", "hi")
    other = write(tmp_path, "other.docx", buf.getvalue())
    assert error_of(other).endswith("no word/document.xml in the archive)")
    # A damaged entry: flip bytes inside the compressed document part.
    damaged = bytearray(good)
    start = damaged.find(b"word/document.xml") + 40
    damaged[start : start + 200] = bytes(200)
    assert "not a valid DOCX file" in error_of(write(tmp_path, "damaged.docx", bytes(damaged)))


# --------------------------------------------------------------------------
# PDF


def make_pdf(path: Path, lines: list[str], *, pages: int = 1, **canvas_kwargs) -> Path:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), **canvas_kwargs)
    for _ in range(pages):
        c.setFont("STSong-Light", 12)
        y = 800
        for line in lines:
            c.drawString(40, y, line)
            y -= 18
        c.showPage()
    c.save()
    return path


def chunks(text: str, size: int = 30) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def test_pdf_chinese_text_layer_round_trips(tmp_path):
    lines = chunks(OPINIONS.splitlines()[1]) + chunks(OPINIONS.splitlines()[4])[:10]
    result = read_file(make_pdf(tmp_path / "zh.pdf", lines))
    assert result.format == "pdf"
    assert result.text.splitlines() == lines


def test_pdf_pages_are_joined_in_order(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "two.pdf"
    c = canvas.Canvas(str(path))
    for line in (SHORT, SHORT_2):
        c.setFont("STSong-Light", 12)
        c.drawString(40, 800, line)
        c.showPage()
    c.save()
    assert read_file(path).text == SHORT + "\n" + SHORT_2


def test_pdf_without_text_layer(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    assert error_of(path).endswith(": no text layer: run OCR first")


def test_pdf_page_limit(tmp_path, monkeypatch):
    path = make_pdf(tmp_path / "long.pdf", [SHORT], pages=3)
    monkeypatch.setattr(readers, "MAX_PDF_PAGES", 2)
    assert error_of(path).endswith(": 3 pages is over the 2-page limit")


def test_pdf_encrypted(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib import pdfencrypt

    locked = make_pdf(
        tmp_path / "locked.pdf",
        [SHORT],
        encrypt=pdfencrypt.StandardEncryption("user-secret", ownerPassword="owner-secret"),
    )
    assert error_of(locked).endswith(": encrypted PDF: remove the password first")
    # Restricted (owner password only) PDFs open with an empty user password.
    restricted = make_pdf(
        tmp_path / "restricted.pdf",
        [SHORT],
        encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner-secret", canCopy=0),
    )
    assert read_file(restricted).text == SHORT


def test_pdf_corrupt(tmp_path):
    assert "not a valid PDF file" in error_of(write(tmp_path, "junk.pdf", b"%PDF-1.4\n" + b"garbage " * 50))
    assert "not a valid PDF file" in error_of(write(tmp_path, "text.pdf", SHORT))


# --------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize("content", [b"", b"   \r\n\t \n", "\u3000\n".encode("utf-8"), "  ".encode("utf-16")])
def test_empty_files(tmp_path, content):
    assert error_of(write(tmp_path, "empty.txt", content)).endswith(": empty file")


@pytest.mark.parametrize(
    "content",
    [
        random.Random(0).randbytes(4096),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"\x7fELF\x02\x01\x01\x00" + bytes(200),
        b"\x1f\x8b\x08\x00" + b"\x01\x02" * 40,
        b"PK\x03\x04" + b"\x14\x00" * 40,
        b"abc\x00\x00\x00def\x00\x00" * 50,
        bytes(range(1, 32)) * 40,
    ],
    ids=["random", "png", "jpeg", "elf", "gzip", "zip", "nul-heavy", "controls"],
)
def test_binary_junk(tmp_path, content):
    assert error_of(write(tmp_path, "junk.txt", content)).endswith(": binary file, not a document")


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.txt", "碳" * 100)
    assert error_of(path, max_bytes=100).endswith(": 300 bytes is over the 100 bytes limit")
    sparse = tmp_path / "huge.txt"
    with open(sparse, "wb") as f:
        f.truncate(MAX_BYTES + 1024 * 1024)

    def no_read(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("read before the size check")

    monkeypatch.setattr(readers, "_decode_text", no_read)
    assert error_of(sparse).endswith(": 33 MB is over the 32 MB limit")


def test_unsupported_missing_directory(tmp_path):
    assert error_of(write(tmp_path, "data.xyz", SHORT)).endswith(": unsupported file type .xyz")
    assert error_of(tmp_path / "gone.txt").endswith(": no such file")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert error_of(folder).endswith(": is a directory")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, "secret.txt", SHORT)
    path.chmod(0)
    try:
        assert error_of(path).endswith(": permission denied")
    finally:
        path.chmod(0o644)


def test_permission_error_is_reported(tmp_path, monkeypatch):
    # Runs as root too, where chmod 000 does not stop reading.
    path = write(tmp_path, "secret.txt", SHORT)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readers, "open", denied, raising=False)
    assert error_of(path).endswith(": permission denied")


def test_read_error_is_a_carbon_error():
    assert issubclass(ReadError, CarbonError)
    error = ReadError(Path("a.txt"), "empty file")
    assert (str(error), error.reason) == ("a.txt: empty file", "empty file")


# --------------------------------------------------------------------------
# Paths


def non_utf8_name(tmp_path: Path, raw: bytes) -> Path:
    name = os.fsdecode(raw)
    path = tmp_path / name
    try:
        path.write_bytes(SHORT.encode("gb18030"))
    except (OSError, UnicodeEncodeError):
        pytest.skip("file system refuses non-UTF-8 names")
    return path


def test_non_utf8_file_name(tmp_path):
    path = non_utf8_name(tmp_path, b"\xb2\xdf\xc2\xd4-policy.txt")  # "策略" in GBK
    assert read_file(path).text == SHORT
    assert read_file(os.fsencode(path)).text == SHORT
    shown = display_path(path)
    assert shown.endswith("\\xb2\\xdf\\xc2\\xd4-policy.txt")
    shown.encode("utf-8")  # printable anywhere
    assert display_path(os.fsencode(path)) == shown
    bad = non_utf8_name(tmp_path, b"\xff.xyz")
    assert error_of(bad).endswith("\\xff.xyz: unsupported file type .xyz")


def test_display_path_plain_and_control_characters():
    assert display_path(Path("政策/意见.txt")) == "政策/意见.txt"
    assert display_path("a\nb.txt") == "a\\x0ab.txt"


def test_discover_folders(tmp_path):
    root = tmp_path / "docs"
    (root / "b_sub" / "deeper").mkdir(parents=True)
    (root / ".hidden_dir").mkdir()
    write(root, "z.txt", SHORT)
    write(root, "a.md", SHORT)
    write(root, "notes.xyz", SHORT)  # unsupported inside a folder: skipped silently
    write(root, "README", SHORT)  # no suffix inside a folder: skipped
    write(root, ".secret.txt", SHORT)
    write(root / ".hidden_dir", "inside.txt", SHORT)
    write(root / "b_sub", "c.PDF", b"%PDF-1.4")
    write(root / "b_sub" / "deeper", "d.html", "<p>x</p>")
    write(root / "b_sub", "e.docx", b"PK")
    (root / "b_sub" / "deeper" / "loop").symlink_to(root, target_is_directory=True)
    (root / "b_sub" / "self").symlink_to(".", target_is_directory=True)
    (root / "b_sub" / "dangling").symlink_to(root / "nowhere")

    explicit = write(tmp_path, "table.csv", "a,b")
    bare = write(tmp_path, "LICENSE", SHORT)
    files, problems = discover([root, explicit, tmp_path / "missing.txt", bare, root / "a.md"])
    assert files == [
        root / "a.md",
        root / "b_sub" / "c.PDF",
        root / "b_sub" / "deeper" / "d.html",
        root / "b_sub" / "e.docx",
        root / "z.txt",
        bare,
    ]
    assert problems == [
        (explicit, "unsupported file type .csv"),
        (tmp_path / "missing.txt", "no such file"),
    ]
    assert set(SUPPORTED_SUFFIXES) >= {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}


def test_discover_is_deterministic_and_accepts_bytes(tmp_path):
    for name in ("b.txt", "a.txt", "c.txt"):
        write(tmp_path, name, SHORT)
    first = discover([tmp_path])
    assert first == discover([os.fsencode(tmp_path)])
    assert [p.name for p in first[0]] == ["a.txt", "b.txt", "c.txt"]


def test_discover_then_file_vanishes(tmp_path):
    path = write(tmp_path, "soon-gone.txt", SHORT)
    files, problems = discover([tmp_path])
    assert files == [path] and problems == []
    path.unlink()
    assert error_of(path).endswith(": no such file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert error_of(fifo).endswith(": not a regular file")
    files, problems = discover([fifo])
    assert (files, problems) == ([], [(fifo, "not a regular file")])


def test_html_meta_utf16_is_ignored(tmp_path):
    page = '<meta charset="utf-16"><p>' + SHORT + "</p>"
    assert read_file(write(tmp_path, "u.html", page)) == SourceText(SHORT, "utf-8", "html")


def test_docx_with_forged_small_sizes_is_not_inflated(tmp_path):
    # A bomb whose headers claim a small size: zipfile stops at the claimed
    # size and the CRC check fails, so it is reported as a corrupt archive.
    import struct

    good = zipfile.ZipFile(make_docx(tmp_path / "seed.docx"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in good.infolist():
            body = good.read(info)
            if info.filename == "word/document.xml":
                body += bytes(20 << 20)
            archive.writestr(info.filename, body)
    real = zipfile.ZipFile(buf).getinfo("word/document.xml").file_size
    forged = buf.getvalue().replace(struct.pack("<I", real), struct.pack("<I", 5000))
    path = write(tmp_path, "forged.docx", forged)
    message = error_of(path)
    assert "not a valid DOCX file (corrupt zip archive: Bad CRC-32" in message
