"""Turn a file on disk into text: plain text, Markdown, HTML, DOCX and PDF.

The one entry point for reading is :func:`read_file`, which returns a
:class:`~carbon_cli.model.SourceText` or raises :class:`ReadError` with a
one-line message that names the file and the reason.  :func:`discover` expands
the paths a user typed (folders recursively) into the files to read.

Limits, all checked before any parser sees the bytes:

* ``MAX_BYTES`` (32 MiB): the largest file read at all.  Policy documents are
  kilobytes to a few megabytes; 32 MiB leaves room for long scanned-with-text
  PDFs while keeping memory bounded.
* ``MAX_LINES`` (50,000): lines of the text read, and paragraphs of a DOCX
  (counted before python-docx parses it). Each line can be a passage.
* ``MAX_CHARS`` (1,000,000): characters of one document's text, which is
  segmented in one process. The largest real policy documents hold about 100,000.
  These two bounds, and the 10,000 files of one ``docs add``, are set so that the
  largest input allowed is added in under 30 s and 1 GB on the test machine with
  other work running on it (docs/reliability.md has the measurements).
* ``MAX_PDF_PAGES`` (2,000): PDFs with more pages are refused.
* ``MAX_PDF_DECODED`` (64 MiB): the page contents of one PDF, decoded, all
  streams together; a content stream shared by many pages is decoded and read
  once. Reading text from 64 MiB of page content takes about 10 s here.
* ``MAX_DOCX_UNCOMPRESSED`` (256 MiB) and ``MAX_ZIP_RATIO`` (100:1 for entries
  over 1 MiB) and ``MAX_ZIP_ENTRIES`` (10,000): a DOCX is a zip archive and is
  inspected for zip bombs before python-docx opens it.

The text returned is cleaned up the same way for every format: newlines are
normalised to ``"\\n"`` (form feed and vertical tab become line breaks too),
a leading BOM is removed, and NUL and the other C0 control characters except
``\\n`` and ``\\t`` (plus DEL and C1 controls) are dropped.  No Unicode
normalisation happens here: matching applies NFKC itself.

Heavy parsers (charset-normalizer, BeautifulSoup, python-docx, pypdf) are
imported only when a file needs them.
"""

from __future__ import annotations

import codecs
import functools
import io
import logging
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from carbon_cli.model import CarbonError, SourceText

__all__ = [
    "MAX_BYTES",
    "MAX_CHARS",
    "MAX_LINES",
    "MAX_DOCX_UNCOMPRESSED",
    "MAX_PDF_DECODED",
    "MAX_PDF_PAGES",
    "MAX_ZIP_ENTRIES",
    "MAX_ZIP_RATIO",
    "ReadError",
    "SUPPORTED_SUFFIXES",
    "discover",
    "display_path",
    "read_file",
]

MiB = 1024 * 1024

MAX_BYTES = 32 * MiB
MAX_PDF_PAGES = 2000
MAX_PDF_DECODED = 64 * MiB
MAX_LINES = 50_000
MAX_CHARS = 1_000_000
MAX_DOCX_UNCOMPRESSED = 256 * MiB
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
_ZIP_RATIO_MIN_SIZE = MiB  # small entries may compress well without being a threat

# Suffix (lower case) -> SourceText.format.  Files without a suffix are read as
# plain text when named explicitly; folder expansion only picks up these.
_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS)


class ReadError(CarbonError):
    """A file could not be turned into text.

    ``str(error)`` is one line, ``"<path>: <reason>"``, fit to show the user.
    """

    def __init__(self, path: Path | str | bytes, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{display_path(path)}: {reason}")


# --------------------------------------------------------------------------
# Paths


def display_path(path: Path | str | bytes | os.PathLike) -> str:
    """A printable, one-line form of ``path`` for messages.

    Bytes that are not valid in the file-system encoding (kept by Python as
    lone surrogates U+DC80..U+DCFF) are shown as ``\\xNN``; other unprintable
    characters (a newline in a name, say) are shown as ``\\xNN``/``\\uNNNN``.
    """
    text = os.fsdecode(os.fspath(path))
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def _as_path(path: Path | str | bytes | os.PathLike) -> Path:
    return Path(os.fsdecode(os.fspath(path)))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return (exc.strerror or type(exc).__name__).lower()


def discover(
    paths: Sequence[Path | str | bytes],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand ``paths`` into the files to read and the problems met.

    * A folder is walked recursively in sorted name order; hidden files and
      folders (name starting with ".") inside it are skipped, and so are files
      whose suffix is not in :data:`SUPPORTED_SUFFIXES`, silently. So are a
      folder's notes about itself (``README``, ``SOURCES``, ``LICENSE`` and
      ``CHANGELOG``, any suffix): they describe the documents, they are none.
    * ``include`` and ``exclude`` are glob patterns (``*.html``, ``2021/*``,
      ``**/附件*``) matched against a file's path inside the folder given and
      against its name: with ``include``, only files that match one are kept,
      hidden files and notes included; a file that matches ``exclude`` is left
      out, also when named explicitly.  Symlinks
      inside the folder are followed once (a set of resolved folders stops
      loops); one whose target lies outside the folder is a problem, not
      followed (a link to ``/`` would crawl the whole disk, one to
      ``/etc/shadow`` would index it).
    * A file named explicitly is kept if its suffix is supported or it has no
      suffix (read as plain text); otherwise it is a problem
      ``"unsupported file type .xyz"``.
    * A path that does not exist is a problem ``"no such file"``; an
      unreadable folder ``"permission denied"``.

    A file reached twice (named twice, or through a symlink) is listed once.
    Returns ``(files, problems)``, problems as ``(path, message)``.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen_files: set[Path] = set()
    visited_dirs: set[Path] = set()

    def add_file(path: Path) -> None:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):
            key = path.absolute()
        if key not in seen_files:
            seen_files.add(key)
            files.append(path)

    def listing(folder: Path):
        """Sorted entries of an unvisited folder, or None."""
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            return None
        if real in visited_dirs:
            return None  # a symlink loop, or a folder reached twice
        visited_dirs.add(real)
        try:
            with os.scandir(folder) as it:
                return iter(sorted(it, key=lambda e: e.name))
        except OSError as exc:
            problems.append((folder, _os_reason(exc)))
            return None

    def outside(child: Path, real_top: Path) -> bool:
        """A symlink whose target leaves the folder given: reported once, not followed."""
        try:
            target = child.resolve()
        except (OSError, RuntimeError):
            return False  # a loop or a dangling link: the checks below skip it
        if target == real_top or target.is_relative_to(real_top):
            return False
        outside = display_path(top_given[0])
        problems.append((child, f"a symlink to {display_path(target)}, outside {outside}: not followed"))
        return True

    top_given: list[Path] = []

    def wanted(child: Path) -> bool:
        """Whether a file met inside the folder given is one of the documents asked for."""
        inside = child.relative_to(top_given[0]).as_posix()
        if include:
            return _matches(inside, include) and not _matches(inside, exclude)
        hidden = any(part.startswith(".") for part in inside.split("/"))
        return not hidden and not _is_note(child.name) and not _matches(inside, exclude)

    def walk(top: Path) -> None:
        # Depth first in sorted name order, without recursion.
        top_given[:] = [top]
        try:
            real_top = top.resolve()
        except (OSError, RuntimeError):
            real_top = top.absolute()
        first = listing(top)
        stack = [(top, first)] if first is not None else []
        while stack:
            folder, entries = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
                continue
            child = folder / entry.name
            if entry.name.startswith(".") and not (include and _matches(child.relative_to(top).as_posix(), include)):
                continue
            if entry.is_symlink() and outside(child, real_top):
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                sub = listing(child)
                if sub is not None:
                    stack.append((child, sub))
            elif is_file and child.suffix.lower() in SUPPORTED_SUFFIXES and wanted(child):
                add_file(child)

    for raw in paths:
        path = _as_path(raw)
        try:
            st = path.stat()
        except OSError as exc:
            problems.append((path, _os_reason(exc)))
            continue
        except RuntimeError:  # symlink loop on some Python versions
            problems.append((path, "symlink loop"))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(path)
        elif stat.S_ISREG(st.st_mode):
            suffix = path.suffix.lower()
            if suffix and suffix not in SUPPORTED_SUFFIXES:
                problems.append((path, f"unsupported file type {display_path(suffix)}"))
            elif not _matches(path.name, exclude):
                add_file(path)
        else:
            problems.append((path, "not a regular file"))
    return files, problems


_NOTES = frozenset({"readme", "sources", "license", "licence", "changelog"})


def _is_note(name: str) -> bool:
    """A folder's notes about itself: README.md, SOURCES-2.md, LICENSE …"""
    stem = name.split(".", 1)[0].lower()
    return stem in _NOTES or stem.split("-", 1)[0].split("_", 1)[0] in _NOTES


def _matches(inside: str, patterns: Sequence[str]) -> bool:
    """Whether a path inside a folder (``a/b.txt``) matches a glob, by path or by name;
    ``**/`` also matches no folder at all."""
    from fnmatch import fnmatchcase

    name = inside.rsplit("/", 1)[-1]
    for pattern in patterns:
        if fnmatchcase(inside, pattern) or fnmatchcase(name, pattern):
            return True
        if pattern.startswith("**/") and fnmatchcase(inside, pattern[3:]):
            return True
    return False


# --------------------------------------------------------------------------
# Reading


def _size(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.1f}".rstrip("0").rstrip(".") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".rstrip("0").rstrip(".") + " KB"
    return f"{n} bytes"


def read_file(path: Path | str | bytes, *, max_bytes: int = MAX_BYTES, charset: str | None = None) -> SourceText:
    """Read ``path`` and return its text, how it was decoded and its format.

    ``charset`` is the encoding a web server declared for the bytes (``fetch.py``):
    for text and HTML it comes before the page's own ``<meta>``, as in a browser,
    when it is a WHATWG label and the bytes decode with it.

    The format comes from the suffix (see :data:`SUPPORTED_SUFFIXES`; no
    suffix means plain text).  ``SourceText.encoding`` is the byte encoding
    for text and HTML (``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"``,
    ``"big5"``, or the detector's name for others), ``"utf-8"`` for DOCX (its
    XML) and ``"pdf"`` for PDF text layers.

    The size is checked against ``max_bytes`` before anything is read.
    Raises :class:`ReadError` on any failure.
    """
    path = _as_path(path)
    suffix = path.suffix.lower()
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(path, f"unsupported file type {display_path(suffix)}")
    fmt = _FORMATS.get(suffix, "text")

    data = read_bytes(path, max_bytes)
    if not data:
        raise ReadError(path, "empty file")

    if fmt == "docx":
        text, encoding = _read_docx(path, data)
    elif fmt == "pdf":
        text, encoding = _read_pdf(path, data)
    else:
        _refuse_binary_magic(path, data)
        if fmt == "html":
            text, encoding = _read_html(path, data, charset)
        else:
            text, encoding = _served(data, charset) or _decode_text(path, data)
            _refuse_control_heavy(path, text)

    text = _clean(text)
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > MAX_LINES:
        raise ReadError(path, f"{lines:,} lines is over the {MAX_LINES:,}-line limit")
    if len(text) > MAX_CHARS:
        raise ReadError(path, f"{len(text):,} characters is over the {MAX_CHARS:,}-character limit of one document")
    if not text.strip():
        if fmt == "pdf":
            raise ReadError(path, "no text layer: run OCR first")
        raise ReadError(path, "empty file")
    return SourceText(text=text, encoding=encoding, format=fmt)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    limit = _size(max_bytes)
    try:
        # stat before open: opening a FIFO would block until a writer comes.
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(path, "is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(path, "not a regular file")
        if st.st_size > max_bytes:
            raise ReadError(path, f"{_size(st.st_size)} is over the {limit} limit")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise ReadError(path, _os_reason(exc)) from None
    if len(data) > max_bytes:
        raise ReadError(path, f"grew while being read: over the {limit} limit")
    return data


_BINARY_MAGIC = (
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"\x7fELF",
    b"\x1f\x8b",  # gzip
    b"PK\x03\x04",  # zip (a .txt/.html that is really an archive)
    b"PK\x05\x06",  # empty zip
    b"BZh",  # bzip2 (followed by a digit; checked below)
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"%PDF-",  # a PDF under a text suffix
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2: .doc, .xls
    b"SQLite format 3\x00",
    b"\xca\xfe\xba\xbe",  # Java class / Mach-O fat
    b"\xcf\xfa\xed\xfe",  # Mach-O 64
    b"\x00asm",  # WebAssembly
)


def _refuse_binary_magic(path: Path, data: bytes) -> None:
    for magic in _BINARY_MAGIC:
        if data.startswith(magic):
            if magic == b"BZh" and not data[3:4].isdigit():
                continue
            raise ReadError(path, "binary file, not a document")
    if data.startswith((b"MZ", b"RIFF")) and len(data) >= 64 and b"\x00" in data[:64]:
        raise ReadError(path, "binary file, not a document")


def _refuse_control_heavy(path: Path, text: str) -> None:
    """Decoded text that is mostly control characters is not a document."""
    if not text:
        return
    sample = text[:65536]
    controls = sum(1 for ch in sample if _is_junk_control(ch))
    if controls > max(8, len(sample) // 20):
        raise ReadError(path, "binary file, not a document")


def _is_junk_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 and ch not in "\t\n\r\f\v") or 0x7F <= code <= 0x9F or code == 0xFFFD


# --------------------------------------------------------------------------
# Clean-up

_NEWLINES = re.compile(r"\r\n?|[\f\v\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _NEWLINES.sub("\n", text)
    return _CONTROLS.sub("", text)


# --------------------------------------------------------------------------
# Plain text: encoding detection

# The 1,000 most frequent characters in Chinese text (by summed word frequency
# in jieba's dictionary), followed by the traditional forms of those that have
# one (Taiwan standard).  Used to choose between GB18030 and Big5, which both
# decode most East Asian double-byte text without error: the right one yields
# common characters, the wrong one rare ones.
_COMMON_HAN = frozenset(
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于"
    "后就发自之对得主长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进"
    "区事代那去心小同北定开产前其军还然起种所如现理机体表力好外与文当两实重新三么只山"
    "水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城十相但已些正口通想度"
    "加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知"
    "级量任江及应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首"
    "共马形己儿司太目基领队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决"
    "张导术府才保交放管结师便走达族反再题色五京河接条规式县白它改风光运信受什组听布百"
    "济党指论强做取技黄神选记斯真却职号界件花类何眼兵传带空干农边据集联古广完质阳难增"
    "历史专官每住商即步认车台林必死游举线言皇土团收考求德叫近备研争非具李众连调感转笑"
    "革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准"
    "究往极育装许参半令吃观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源"
    "息语股铁断派速怎需片爱律纪支早况病境证编越局推满且列觉服双未居除乐企引标确织初青"
    "志率项飞球节察龙响药站施均消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴"
    "占巴虽洲村费易试星木黑左宝置跟央识维采六底宫房音环案批切斗富乡另倒若按查故突责严"
    "桥模仅胜杀围席态破承招杨负层须父供续状域似依银范修找九致密终血旅钱赛独细效玉冲获"
    "习医演毛尽脸弹楼艺航陆右协七攻镇检写苏宗章注阿抗弟坐验封紧劳户优财养适陈喜卫排射"
    "哥油刻留急降念云微伤例景拿绝阶座刘刚害印亿沙母酒助闻超审待压升送监策略限竟香配藏"
    "敌呢差仍兰温园树征善波哪词岛止预怕继皮执味份角草男普答益谁船惊核街夏宣掌田久著画"
    "辑奇尼剑吧谈背免孩礼材愿洋春架筑括晚乱乎讲尚良友临激刀夜室既敢邦挥昌板胡欧福港叶"
    "简苦担句岁荆贵娘守辖威宜衣帮块堂额错剧充欢够孙班呼阵销坚练脚退读测吴希宁换版异某"
    "顾曲楚典朱毒菜判救宋茶洪含顺啊鲜败货矿端兄归冷忙买险康评肉吗厂永哈沉散遗停笔假输"
    "牛洞松渐顶训录否述毕督控丰献姑忽爷互亮纳襄登咱钟伯臣雄季脑介鄂召饭暗扩祖齐短烈赶"
    "牌恩诉移诗础露届蒙静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂姓泽吸侧庆妈遇追甲馆"
    "补唐炮沿殿刺怪彩俄旧警索岸轮妇载靠附毫怀软骨探雷旁罪枪牙迎序慢盛雨墙恶谷顿危稳熟"
    "並亂亞佔來個們側備傳傷僅價億優兒內兩別則剛創劃劇劉劍動務勝勞勢區協卻參吳員問單嗎"
    "嚴國圍園圖團執堅報場塊壓夠婦媽孫學宮實寧審寫寶將專對導屆層屬島師帶幫幹幾廠廣張強"
    "彈後從復徵惡愛態慶應懷戰戶採換揮擊擔據擴敗敵數斷於時書會東條楊業極構槍樂樓標樣樹"
    "橋機檢權歐歡歲歷歸殺氣決沒況減測準溫滿漢漸澤濟灣為無熱營爭爺爾牆狀獨獲獻現環產畢"
    "畫異當發盡監盤眾確礎礦禮種稱積穩筆節範築簡紀約紅納級細終組結絕給統經維網緊線編練"
    "縣總織繼續羅義習聞聯聲職聽腦腳臉臨臺與興舉舊荊華萬葉藝藥蘇蘭處號術衛衝補裝裡見規"
    "視親覺觀計訓記設許訴評詞試詩話該認語說誰調談請論講證識議護讀變讓豐負財貨責貴買費"
    "資賣質賽趕車軍軟較載輕輪輯輸轄轉辦農這連進遊運過達遠適選遺還邊鄉醫銀銷錄錢錯鍾鎮"
    "鐵長門開間關陣陳陸陽隊階際隨險雖雙雜離難雲電靈靜響頂項順須預頓領頭題額願類顧顯風"
    "飛飯養餘館馬驗驚體鬥魚鮮麼黃點黨齊龍"
)

_CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』…—·％")


def _decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode the bytes of a plain-text file: (text, encoding name).

    Order: a byte-order mark; strict UTF-8 (fast, exact); GB18030 or Big5,
    whichever decodes strictly and yields more common Chinese characters;
    then charset-normalizer for everything else.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                break
    if data.count(b"\x00") > max(4, len(data) // 100):
        raise ReadError(path, "binary file, not a document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly, UTF8_WITH_LATIN1

    best: tuple[tuple[int, int], str, str] | None = None
    for codec in ("gb18030", "big5"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _cjk_score(text)
        if score is not None and (best is None or score > best[0]):
            best = (score, text, codec)
    if best is not None:
        return best[1], best[2]

    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        raise ReadError(path, "binary file, not a document")
    return str(match), _codec_name(match.encoding)


UTF8_WITH_LATIN1 = "utf-8+cp1252"  # the encoding reported for a UTF-8 text with a few stray Latin-1 bytes


def _mostly_utf8(data: bytes) -> str | None:
    """A UTF-8 text with a stray word in Latin-1 (``caf\\xe9`` pasted from an old
    file): the few bytes that are not UTF-8 read as Windows-1252, the way the word
    was written. None when more than a few bytes are not UTF-8 (another encoding)."""
    text = data.decode("utf-8", "surrogateescape")
    stray = len(_STRAY_BYTE.findall(text))
    # Few, and few beside the UTF-8 sequences around them: in a GB18030 or Big5 text
    # nearly every byte over 0x7F is one that UTF-8 cannot read.
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if stray > max(8, len(data) // 2000) or stray * 10 > high:
        return None
    return _STRAY_BYTE.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "replace"), text)


_STRAY_BYTE = re.compile("[\udc80-\udcff]")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def stray_bytes_note(source: SourceText) -> str:
    """The warning a text read with stray Latin-1 bytes deserves, or ""."""
    if source.encoding != UTF8_WITH_LATIN1:
        return ""
    return "is UTF-8 with a few bytes that are not: read as Windows-1252 (Latin-1); check its accented words"


def _cjk_score(text: str) -> tuple[int, int] | None:
    """How Chinese-like ``text`` is: (common - rare, common), or None if not.

    Rare counts characters a wrong CJK decoding produces: private-use and
    compatibility code points, kana, Hangul, box drawing, C1 controls.
    """
    common = han = punct = rare = other = glued = 0
    last = len(text) - 1
    for i, ch in enumerate(text):
        code = ord(ch)
        if code < 0x80:
            continue
        if ch in _COMMON_HAN or 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or code >= 0x20000:
            han += 1
            if ch in _COMMON_HAN:
                common += 1
            if 0 < i < last and _is_ascii_letter(text[i - 1]) and _is_ascii_letter(text[i + 1]):
                glued += 1
        elif ch in _CJK_PUNCT or 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
            punct += 1
        elif (
            0xE000 <= code <= 0xF8FF  # private use
            or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
            or 0x3040 <= code <= 0x30FF  # kana
            or 0xAC00 <= code <= 0xD7AF  # Hangul
            or 0x2500 <= code <= 0x259F  # box drawing, blocks
            or 0x80 <= code <= 0x9F
            or code == 0xFFFD
        ):
            rare += 1
        else:
            other += 1
    total = han + punct + rare + other
    if han + punct == 0 or han + punct < (total + 1) // 2:
        return None  # not mostly Chinese characters: leave it to the detector
    if glued * 4 > han or (han >= 10 and common * 3 < han):
        # Another encoding decoded as Chinese: cp1252 "é" plus the next
        # letter reads as one GB18030 character inside a Latin word
        # ("D閏laration"), and such characters are rare ones, whereas the
        # top 1,000 characters make up about 90% of Chinese prose.
        return None
    return (common - rare, common)


def _is_ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


_CODEC_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "big5hkscs": "big5",
    "cp950": "big5",
    "utf_8": "utf-8",
    "utf_8_sig": "utf-8-sig",
}


def _codec_name(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name
    canonical = canonical.replace("-", "_")
    return _CODEC_ALIASES.get(canonical, name.replace("_", "-"))


# --------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)

# Content that is not the page's text.
_HTML_DROP = (
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript",
    "template", "iframe", "svg", "head", "button", "select", "object", "embed",
)  # fmt: skip

_HTML_BLOCKS = frozenset(
    """address article blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure h1 h2 h3 h4 h5 h6 hr html legend li main menu ol p pre
    section summary table tbody thead tfoot tr ul title""".split()
)


# HTML's own white space: collapsed; U+00A0 and U+3000 are text and kept.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _html_encoding(data: bytes) -> str | None:
    """The Python codec for the page's ``<meta charset>``, if it names a WHATWG encoding.

    Only the labels browsers know are honoured (``data/whatwg_encodings.tsv``): a
    Python codec name that is no text encoding (zlib, base64, rot13, punycode) would
    make the page unreadable, and ones browsers never decode with (utf-7,
    unicode_escape, cp037) would let a page smuggle characters past what a reader
    sees. Anything else falls back to detection.
    """
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    return _whatwg_codecs().get(match.group(1).decode("ascii", "replace").strip().lower())


@functools.cache
def _whatwg_codecs() -> dict[str, str]:
    from carbon_cli.resources import data_file

    table = {}
    for line in data_file("whatwg_encodings.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, _, codec = line.split("\t")
            table[label] = codec
    return table


def _served(data: bytes, charset: str | None) -> tuple[str, str] | None:
    """The bytes decoded with the charset a server declared, when it is a WHATWG
    label, no byte-order mark says otherwise, and they decode with it."""
    if not charset or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    codec = _whatwg_codecs().get(charset.strip().lower())
    if codec is None:
        return None
    try:
        return data.decode(codec), _codec_name(codec)
    except UnicodeDecodeError:
        return None


def _read_html(path: Path, data: bytes, charset: str | None = None) -> tuple[str, str]:
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    markup, encoding = _served(data, charset) or (None, "")
    declared = None if has_bom or markup is not None else _html_encoding(data)
    if declared:
        try:
            markup, encoding = data.decode(declared), _codec_name(declared)
        except UnicodeDecodeError:
            markup = None  # the declaration lies; detect from the bytes
    if markup is None:
        markup, encoding = _decode_text(path, data)

    from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
    from bs4.element import CData, Declaration, ProcessingInstruction

    try:
        soup = BeautifulSoup(markup, "html.parser")
        for tag in soup.find_all(_HTML_DROP):
            tag.decompose()
    except (RecursionError, AssertionError, ValueError) as exc:
        raise ReadError(path, f"not a readable HTML file ({type(exc).__name__})") from None

    skip = (Comment, Doctype, Declaration, ProcessingInstruction, CData)
    parts: list[str] = []
    # Iterative walk (deeply nested pages must not hit the recursion limit).
    # Each node goes with whether it lies inside a <pre>: one pass, whatever the depth.
    shape = _Shape(soup)
    stack: list[tuple[object, bool]] = [(root, shape.in_pre(root)) for root in reversed(_content_roots(soup, shape))]
    while stack:
        node, pre = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a marker pushed below
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, skip):
                parts.append(str(node) if pre else _HTML_SPACE.sub(" ", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name == "br":
            parts.append("\n")
            continue
        if name in ("td", "th"):
            stack.append(("\t", pre))
        elif name in _HTML_BLOCKS:
            stack.append(("\n", pre))
            parts.append("\n")
        inner = pre or name == "pre"
        stack.extend((child, inner) for child in reversed(node.contents))

    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line), encoding


# The article container of government sites (gov.cn, ministries' TRS pages …) and
# the generic ones; when a page has one, its menus and link lists are left out.
_CONTENT_MARK = re.compile(
    r"UCAP-CONTENT|pages_content|TRS_Editor|TRS_UEDITOR|article[-_]?content|content[-_]?text|"
    r"xxgk[-_]?content|news[-_]?content|detail[-_]?content|main[-_]?content|article[-_]?body|"
    r"^con_con$|^art_con$|^txt_con$|^zoom$|^article$|^content$", re.IGNORECASE)
_META_TABLE_WORDS = ("索引号", "索 引 号", "发文字号", "发文机关", "成文日期")


class _Shape:
    """What the page's tree looks like, measured in one iterative pass (a page of
    10,000 unclosed ``<p>`` nests them 10,000 deep: walking each text's ancestors, or
    each element's text, would be quadratic).

    Per element: where it starts and ends in document order (so "A holds B" is two
    comparisons), the length of the text under it, of the link text under it, of
    its own text outside links, and of its text stripped as ``get_text(strip=True)``
    counts it; and whether it lies inside a ``<pre>``.
    """

    def __init__(self, soup) -> None:
        from bs4 import Comment, NavigableString, Tag

        self.start: dict[int, int] = {}
        self.end: dict[int, int] = {}
        self.total: dict[int, int] = {}
        self.linked: dict[int, int] = {}
        self.own: dict[int, int] = {}
        self.stripped: dict[int, int] = {}
        self.pre: set[int] = set()
        self.elements: dict[int, Any] = {}  # bs4 Tags, left untyped as the rest of the soup
        order = 0
        # (node, in a link, in a pre, parent, done): a node is pushed again once its children are done
        stack: list[tuple[object, bool, bool, object, bool]] = [(soup, False, False, None, False)]
        while stack:
            node, in_link, in_pre, parent, done = stack.pop()
            if done:
                self.end[id(node)] = order
                if parent is not None:
                    for table in (self.total, self.linked, self.stripped):
                        table[id(parent)] = table.get(id(parent), 0) + table.get(id(node), 0)
                continue
            if isinstance(node, NavigableString):
                if isinstance(node, Comment) or parent is None:
                    continue
                text = str(node)
                n = len("".join(text.split()))
                key = id(parent)
                self.total[key] = self.total.get(key, 0) + n
                self.stripped[key] = self.stripped.get(key, 0) + len(text.strip())
                if in_link:
                    self.linked[key] = self.linked.get(key, 0) + n
                elif n:
                    self.own[key] = self.own.get(key, 0) + n
                continue
            if not isinstance(node, Tag):
                continue
            order += 1
            key = id(node)
            self.elements[key] = node
            self.start[key] = order
            if in_pre:
                self.pre.add(key)
            stack.append((node, in_link, in_pre, parent, True))
            link, pre = in_link or node.name == "a", in_pre or node.name == "pre"
            stack.extend((child, link, pre, node, False) for child in reversed(node.contents))

    def holds(self, outer, inner) -> bool:
        """Whether ``inner`` lies inside ``outer`` (or is it)."""
        a, b = id(outer), id(inner)
        return self.start[a] <= self.start[b] and self.end[b] <= self.end[a]

    def in_pre(self, node) -> bool:
        """Whether ``node`` lies inside a ``<pre>`` (its own name aside)."""
        return id(node) in self.pre


def _content_roots(soup, shape: _Shape) -> list:
    """The parts of a page worth reading: title, metadata table and article, or the whole page.

    Copied gov.cn pages carry site menus and link lists in plain ``div``s; read
    whole, their first short line would pass for the document's title.
    """
    box = _content_box(soup, shape) or _dense_box(soup, shape)
    if box is None:
        return [soup]
    roots: list = []
    title = soup.find("h1")
    if title is not None and not shape.holds(title, box) and not shape.holds(box, title):
        roots.append(title)
    # Only the outermost tables: a table inside one without the words has none either.
    outermost, last = [], None
    for table in soup.find_all("table"):
        if last is None or not shape.holds(last, table):
            outermost.append(table)
            last = table
    for table in outermost:
        if not shape.holds(table, box) and not shape.holds(box, table) \
                and any(w in table.get_text() for w in _META_TABLE_WORDS) \
                and not any(shape.holds(r, table) for r in roots):
            roots.append(table)
    roots.sort(key=lambda el: el.sourceline or 0)
    return roots + [box]


def _content_box(soup, shape: _Shape):
    """The largest element marked as an article body by its id or class, if it holds text."""
    best, size = None, 0
    for el in soup.find_all(True):
        marks = [el.get("id") or ""] + list(el.get("class") or [])
        if any(_CONTENT_MARK.search(m) for m in marks if isinstance(m, str)):
            n = shape.stripped.get(id(el), 0)
            if n > size:
                best, size = el, n
    return best if size >= 100 else None


def _dense_box(soup, shape: _Shape):
    """The article of a page whose container has no known name, found by its text.

    The element holding the most text in itself and its children (paragraphs), links
    left out, is the body; it is widened to its ancestors while what they add is
    mostly not links (the title and the 发布时间 line above the body, the rest of an
    article split over two blocks), and stops before a sidebar or menu of links: text
    is never lost to a guess. None when no element holds most of the page's text.
    """
    own, total, linked, elements = shape.own, shape.total, shape.linked, shape.elements
    score: dict[int, int] = dict(own)
    for key, n in own.items():
        parent = elements[key].parent
        if parent is not None:
            score[id(parent)] = score.get(id(parent), 0) + n
    if not score:
        return None
    best = max(score, key=score.__getitem__)
    if score[best] < _DENSE_MIN_CHARS or score[best] * 2 < sum(own.values()):
        return None  # no element holds most of the page's text: read it whole
    box = elements[best]
    while box.parent is not None and box.parent.name not in ("body", "html", "[document]"):
        parent = box.parent
        extra = total.get(id(parent), 0) - total.get(id(box), 0)
        extra_links = linked.get(id(parent), 0) - linked.get(id(box), 0)
        if extra_links * 2 > extra:
            break
        box = parent
    return box


_DENSE_MIN_CHARS = 100  # an article shorter than this is not told from a menu


# --------------------------------------------------------------------------
# DOCX


def _check_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError(path, "not a valid DOCX file (not a zip archive, or a corrupt one)") from None
    except (OSError, ValueError, EOFError, NotImplementedError) as exc:  # NotImplementedError: "zip file version 14.8"
        raise ReadError(path, f"not a valid DOCX file (corrupt zip archive: {exc})") from None
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ReadError(path, f"looks like a zip bomb ({len(infos)} entries)")
    bomb = total > MAX_DOCX_UNCOMPRESSED or any(
        info.file_size > _ZIP_RATIO_MIN_SIZE
        and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if bomb:
        raise ReadError(path, f"looks like a zip bomb ({_size(total)} uncompressed)")
    if "word/document.xml" not in archive.namelist():
        raise ReadError(path, "not a valid DOCX file (no word/document.xml in the archive)")
    try:
        body = archive.read("word/document.xml")  # its size bounded by the checks above
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise ReadError(path, f"not a valid DOCX file (corrupt zip archive: {_short(exc)})") from None
    paragraphs = body.count(b"<w:p>") + body.count(b"<w:p ")
    if paragraphs > MAX_LINES:
        raise ReadError(path, f"{paragraphs:,} paragraphs is over the {MAX_LINES:,}-paragraph limit")
    return archive


def _read_docx(path: Path, data: bytes) -> tuple[str, str]:
    _check_zip(path, data).close()

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []

        def blocks(container, out: list[str]) -> None:
            for block in container.iter_inner_content():
                if isinstance(block, Paragraph):
                    out.append(block.text)
                elif isinstance(block, Table):
                    for row in block.rows:
                        cells: list[str] = []
                        last = None
                        for cell in row.cells:
                            if cell._tc is last:  # a merged cell repeats
                                continue
                            last = cell._tc
                            inner: list[str] = []
                            blocks(cell, inner)
                            cells.append(" ".join(s.strip() for s in inner if s.strip()))
                        out.append("\t".join(cells))

        blocks(document, lines)
    except ReadError:
        raise
    except zipfile.BadZipFile as exc:
        raise ReadError(path, f"not a valid DOCX file (corrupt zip archive: {exc})") from None
    except Exception as exc:  # python-docx/lxml raise many kinds on malformed parts
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ReadError(path, f"not a valid DOCX file ({reason})") from None
    return "\n".join(line for line in lines if line.strip()), "utf-8"


# --------------------------------------------------------------------------
# PDF


# What pypdf raises on malformed files besides its own errors.
_PDF_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    AssertionError,
    OSError,
    zlib.error,
)


def _read_pdf(path: Path, data: bytes) -> tuple[str, str]:
    if b"%PDF-" not in data[:1024]:
        raise ReadError(path, "not a valid PDF file (no %PDF header)")

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    pypdf_log = logging.getLogger("pypdf")
    saved_level = pypdf_log.level
    # pypdf logs every repaired xref, and logs as errors what it works around (an
    # unknown font encoding): stderr carries carbon's one-line messages only.
    pypdf_log.setLevel(logging.CRITICAL + 1)
    try:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                # Owner-password-only PDFs (printing/copying restricted) open
                # with an empty user password, as in any viewer.
                try:
                    ok = reader.decrypt("")
                except DependencyError:
                    raise ReadError(path, "encrypted PDF: decrypting it needs the 'cryptography' package") from None
                if not ok:
                    raise ReadError(path, "encrypted PDF: remove the password first")
            pages = len(reader.pages)
        except ReadError:
            raise
        except FileNotDecryptedError:
            raise ReadError(path, "encrypted PDF: remove the password first") from None
        except _PDF_ERRORS + (PyPdfError,) as exc:
            raise ReadError(path, f"not a valid PDF file ({_short(exc)})") from None
        if pages > MAX_PDF_PAGES:
            raise ReadError(path, f"{pages} pages is over the {MAX_PDF_PAGES}-page limit")
        texts = _pdf_page_texts(path, reader, pages)
    finally:
        pypdf_log.setLevel(saved_level)
    return "\n".join(t.strip("\n") for t in texts), "pdf"


def _pdf_page_texts(path: Path, reader, pages: int) -> list[str]:
    """The text of each page, each content stream decoded and read once.

    Pages that draw the same content stream with the same resources have the same
    text: a file of 2,000 pages sharing one 1 MB stream (315 KB on disk) is read in
    the time of one page. What is decoded is bounded for the file as a whole
    (``MAX_PDF_DECODED``), not stream by stream, so many small streams that inflate
    far cannot add up either.
    """
    keys: list[tuple] = []
    decoded_streams: set[int] = set()
    decoded = 0
    for number in range(pages):  # first what it would cost: decoding is fast, reading is not
        try:
            page = reader.pages[number]
            streams = _content_streams(page)
            resources = page.get("/Resources")
            keys.append((tuple(map(id, streams)), id(resources.get_object() if resources is not None else None)))
            for stream in streams:
                if id(stream) not in decoded_streams:
                    decoded_streams.add(id(stream))
                    decoded += len(stream.get_data())
        except Exception as exc:  # one bad page: say which
            raise ReadError(path, f"cannot read page {number + 1} of the PDF ({_short(exc)})") from None
        if decoded > MAX_PDF_DECODED:
            raise ReadError(path, f"its page contents decode to over {_size(MAX_PDF_DECODED)}: over the limit")
    seen: dict[tuple, str] = {}
    for number, key in enumerate(keys):
        if key not in seen:
            try:
                seen[key] = reader.pages[number].extract_text() or ""
            except Exception as exc:
                raise ReadError(path, f"cannot read page {number + 1} of the PDF ({_short(exc)})") from None
    return [seen[key] for key in keys]


def _content_streams(page) -> list:
    """The content stream objects a page draws (one, or an array of them)."""
    contents = page.get("/Contents")
    if contents is None:
        return []
    contents = contents.get_object()
    if isinstance(contents, list):
        return [part.get_object() for part in contents]
    return [contents]


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return text or type(exc).__name__
