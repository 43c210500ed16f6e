"""Fuzz the readers and the outline parser with mutated documents.

    python bench/fuzz.py --inputs 100000 --seed 1 --jobs 2

Each input is derived from ``random.Random(f"{seed}:{i}")`` alone, so a run is
reproducible and any single input can be replayed (``--replay I``) whatever the
number of jobs. One input in ``HOSTILE_EVERY`` (20) is of a hostile shape; the
others alternate between two targets:

* ``readers``: a seed file (UTF-8, GB18030 and Big5 text, HTML, Markdown, DOCX,
  PDF, all built here from the test fixtures) mutated at the byte level (bit
  flips, random bytes, deleted, repeated or spliced spans, truncation, magic
  numbers and markup inserted), written to a file and read with
  ``readers.read_file``. Allowed outcomes: a ``SourceText`` whose text is clean
  (no NUL or other C0 controls but tab and newline), or a ``ReadError`` whose
  message is one line naming the file. Anything else is a failure. The text read
  then goes through the outline parser, as ``docs add`` does.
* ``outline``: text built from the grammar of official documents (ordinals,
  headings, enumerations, teasers, metadata lines) mixed with random Unicode
  (emoji, combining marks, controls, lone surrogates, private use), or mutated
  fixture text, parsed with ``outline.parse_documents``. The parser must return
  documents whose passages are exact slices of the text, in order, without
  overlap, with unique ids.

* ``hostile``: shapes built to cost or to escape (``hostile_inputs.py``): up to
  10,000 unclosed ``<p>``/``<li>``/``<font>``… or 20,000 nested ``div``s, PDFs of up
  to 600 pages sharing (or not) content streams of up to 400 KB, a folder with
  symlinks to ``/``, to a file outside and to itself (``readers.discover`` must take
  nothing outside and report each link out once), and ``carbon search`` in a
  locale of ascii, latin-1, gb18030 or cp1252 (JSON on stdout must be UTF-8, no
  traceback).

An input that takes longer than ``--slow`` seconds counts as a failure too (a
hang is a crash the user waits for). Failing inputs are written to
``--failures`` (default ``bench/fuzz-failures/``) with the traceback, and the
run ends with::

    inputs tried: 100000 (readers 50000, outline 50000)
    failures: 0

Exit code 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import logging
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli import readers  # noqa: E402
from carbon_cli.model import Document  # noqa: E402
from carbon_cli.outline import parse_documents  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import hostile_inputs  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
HOSTILE_EVERY = 20  # one input in this many is of a hostile shape (run_hostile)

# Pieces of the grammar the outline parser and the readers react to.
OUTLINE_PIECES = [
    "一、", "（一）", "(二)", "1.", "2．", "3、", "（1）", "(2)", "①", "②", "——", "一是", "二是", "三是",
    "第一章", "第二节", "第三条", "第一，", "保障措施", "工作原则", "组织实施", "行动", "。", "，", "？", "：",
    "\n", "\r\n", "\r", "\n\n", "\u3000", " ", "\t", "......", "……", "附件：", "附件下载:", "x.pdf",
    "来源：新华社", "发布时间：2021-10-24", "| 索引号： | 1 |", "字号 大 中 小", "打印本页", "2021年7月15日",
    "二〇二一年七月十五日", "发改能源规〔2021〕1051号", "各省、自治区、直辖市人民政府：", "（此件公开发布）",
    "《科技支撑碳达峰碳中和实施方案(2022—2030年)》", "答记者问", "请问", "？\n", "国家发展改革委",
    "😀", "👍🏽", "\u0301", "\u0308\u0301", "\x00", "\x1c", "\x85", "\u2028", "\ufeff", "\u200b", "\ud800",
    "\udcff", "\ue000", "\U0010ffff", "ｶ", "Ａ", "ß", "İ", "ﬁ", "㍿", "﷽", "ǅ", "\u202e", "碳" * 50,
]  # fmt: skip

MAGIC = [
    b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"PK\x03\x04", b"%PDF-1.7", b"%%EOF", b"obj", b"endobj",
    b"stream", b"endstream", b"/Length 999999", b"xref", b"trailer", b"<<", b">>", b"<p>", b"</p>", b"<table>",
    b"<meta charset=gbk>", b"<meta charset=utf-16>", b"<!--", b"<script>", b"<pre>", b"\r\n", b"\x1a", b"\x80",
    "一、总体要求\n".encode(), "（一）".encode("gb18030"), "碳达峰".encode("big5", "replace"), b"\xa1\xa1",
    b"<w:t>", b"</w:t>", b"<w:p>", b"word/document.xml",
]  # fmt: skip


@dataclass(frozen=True)
class Seed:
    name: str  # file name used when the mutated bytes are written (its suffix decides the reader)
    data: bytes
    encoding: str | None = None  # text seeds: edits may also be made on the decoded text


def _fixture_text(limit: int = 3000) -> str:
    path = FIXTURES / "cpc_sc_dual_carbon_opinions_2021.txt"
    return path.read_text(encoding="utf-8")[:limit]


def _docx_bytes(text: str) -> bytes | None:
    try:
        import docx
    except ImportError:
        return None
    document = docx.Document()
    for line in text.splitlines()[:40]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "储能", "3000万千瓦"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _pdf_bytes(lines: list[str]) -> bytes | None:
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError:
        return None
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page in range(2):
        c.setFont("STSong-Light", 12)
        for row, line in enumerate(lines[page * 10 : page * 10 + 10]):
            c.drawString(50, 800 - 20 * row, line[:40])
        c.showPage()
    c.save()
    return buf.getvalue()


def build_seeds() -> list[Seed]:
    """Small valid files of every format carbon reads."""
    text = _fixture_text()
    trad = "實現碳達峰、碳中和，是黨中央統籌國內國際兩個大局作出的重大戰略決策。\n一、總體要求\n（一）指導思想\n"
    seeds = [
        Seed("utf8.txt", text.encode("utf-8"), "utf-8"),
        Seed("bom.txt", b"\xef\xbb\xbf" + text[:800].encode("utf-8"), "utf-8"),
        Seed("gb.txt", text.encode("gb18030"), "gb18030"),
        Seed("big5.txt", trad.encode("big5"), "big5"),
        Seed("utf16.txt", text[:500].encode("utf-16"), "utf-16"),
        Seed("plain", text[:600].encode("utf-8"), "utf-8"),
        Seed("notes.md", ("# 标题\n\n" + text[:900]).encode("utf-8"), "utf-8"),
        Seed(
            "page.html",
            (
                '<html><head><meta charset="utf-8"><title>意见</title><style>p{}</style></head><body>'
                "<nav>首页</nav><h1>关于做好碳达峰碳中和工作的意见</h1><p>" + text[:600].replace("\n", "</p><p>")
                + "</p><table><tr><td>索引号</td><td>1</td></tr></table><pre> 一、\n 二、</pre>"
                "<script>x()</script></body></html>"
            ).encode("utf-8"),
            "utf-8",
        ),
        Seed("gbk.html", ('<meta charset="gbk"><p>' + text[:300] + "</p>").encode("gb18030"), "gb18030"),
    ]
    docx_data = _docx_bytes(text)
    if docx_data:
        seeds.append(Seed("doc.docx", docx_data))
    pdf_data = _pdf_bytes(text.splitlines())
    if pdf_data:
        seeds.append(Seed("doc.pdf", pdf_data))
    return seeds


# -- mutation ------------------------------------------------------------------------


def mutate_seed(rng: random.Random, seed: Seed, seeds: list[Seed]) -> bytes:
    """A mutation that keeps the file's kind often enough for the parsers to run deep:
    edits of the decoded text for text seeds, of one archive member for DOCX, else bytes."""
    choice = rng.random()
    if seed.encoding and choice < 0.5:
        text = seed.data.decode(seed.encoding)
        for _ in range(rng.randint(1, 6)):
            at = rng.randint(0, len(text))
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randint(1, 200) :]
            else:
                text = text[:at] + random_text_piece(rng) + text[at:]
        return text.encode(seed.encoding, rng.choice(["replace", "ignore", "xmlcharrefreplace"]))
    if seed.name.endswith(".docx") and choice < 0.6:
        return mutate_zip_member(rng, seed.data, seeds)
    return mutate(rng, seed.data, seeds)


def mutate_zip_member(rng: random.Random, data: bytes, seeds: list[Seed]) -> bytes:
    """Rewrite a DOCX with one member's bytes mutated: a valid zip with broken XML."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    target = "word/document.xml" if rng.random() < 0.7 else rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            body = source.read(name)
            if name == target:
                body = mutate(rng, body, seeds, rounds=rng.randint(1, 3))
            if rng.random() < 0.02:
                continue  # a member missing
            archive.writestr(name, body)
    return out.getvalue()


def random_text_piece(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(OUTLINE_PIECES)
    codes = _CODE_RANGES[rng.randrange(len(_CODE_RANGES))]
    return "".join(chr(rng.choice(codes)) for _ in range(rng.randint(1, 8)))


def mutate(rng: random.Random, data: bytes, seeds: list[Seed], rounds: int | None = None) -> bytes:
    """Byte-level mutations of ``data``: usually one or two, up to eight."""
    buf = bytearray(data)
    for _ in range(rounds or min(8, 1 + int(rng.expovariate(1.0)))):
        op = rng.randrange(9)
        n = len(buf)
        if op == 0 and n:  # flip bits
            for _ in range(rng.randint(1, 16)):
                buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif op == 1 and n:  # random bytes over a span
            at = rng.randrange(n)
            for k in range(at, min(n, at + rng.randint(1, 64))):
                buf[k] = rng.randrange(256)
        elif op == 2:  # insert random bytes
            at = rng.randint(0, n)
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        elif op == 3 and n:  # delete a span
            at = rng.randrange(n)
            del buf[at : at + rng.randint(1, max(1, n // 4))]
        elif op == 4 and n:  # repeat a span
            at = rng.randrange(n)
            span = bytes(buf[at : at + rng.randint(1, 256)])
            buf[at:at] = span * rng.randint(1, 50)
        elif op == 5:  # splice another seed in
            other = rng.choice(seeds).data
            a = rng.randrange(len(other))
            at = rng.randint(0, n)
            buf[at:at] = other[a : a + rng.randint(1, 2048)]
        elif op == 6 and n:  # truncate
            del buf[rng.randrange(n) :]
        elif op == 7:  # insert a magic number or a piece of markup
            at = rng.randint(0, n)
            buf[at:at] = rng.choice(MAGIC)
        elif op == 8 and n > 8:  # overwrite with an interesting integer (lengths, offsets)
            at = rng.randrange(n - 4)
            value = rng.choice([0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF])
            buf[at : at + 4] = value.to_bytes(4, rng.choice(["little", "big"]))
    return bytes(buf)


def random_text(rng: random.Random) -> str:
    """Text for the outline parser: grammar pieces, random code points, or mutated prose."""
    mode = rng.randrange(4)
    if mode == 3:
        base = _FIXTURE_TEXT
        data = mutate(rng, base.encode("utf-8"), [Seed("x", base.encode("utf-8"))])
        return data.decode("utf-8", rng.choice(["replace", "surrogateescape", "ignore"]))
    parts = []
    for _ in range(rng.randint(0, 120)):
        kind = rng.randrange(5)
        if kind <= 1:
            parts.append(rng.choice(OUTLINE_PIECES))
        elif kind == 2:
            parts.append("".join(chr(rng.choice(_CODE_RANGES[rng.randrange(len(_CODE_RANGES))])) for _ in range(rng.randint(1, 12))))
        elif kind == 3:
            parts.append(rng.choice(_FIXTURE_LINES))
        else:
            parts.append("".join(rng.choice(OUTLINE_PIECES) for _ in range(rng.randint(1, 6))) + rng.choice(_FIXTURE_LINES)[: rng.randint(0, 40)])
    if mode == 2:  # a long single line or a long run of one piece
        parts.append(rng.choice(OUTLINE_PIECES) * rng.randint(100, 5000))
    return "".join(parts)


_FIXTURE_TEXT = _fixture_text(6000)
_FIXTURE_LINES = [line for line in _FIXTURE_TEXT.splitlines() if line.strip()]
_CODE_RANGES = [
    range(0x20, 0x7F), range(0x00, 0x20), range(0x80, 0x100), range(0x300, 0x370), range(0x4E00, 0x9FA6),
    range(0x3000, 0x3040), range(0xFF00, 0xFFF0), range(0xD800, 0xE000), range(0xE000, 0xE100),
    range(0x1F300, 0x1F650), range(0x20000, 0x20100), range(0x2000, 0x2070), range(0x10FF00, 0x110000),
]  # fmt: skip


# -- checks --------------------------------------------------------------------------


class Failure(Exception):
    """An outcome the contract does not allow."""


def check_outline(text: str, docs: list[Document]) -> None:
    """Passages are exact slices of the text, in reading order, apart, with unique ids."""
    if not isinstance(docs, list):
        raise Failure(f"parse_documents returned {type(docs).__name__}")
    last_end = -1
    for doc in docs:
        ids = [p.id for p in doc.passages]
        if len(set(ids)) != len(ids):
            raise Failure(f"repeated passage ids in {doc.id}")
        for p in doc.passages:
            if not (0 <= p.start <= p.end <= len(text)):
                raise Failure(f"{p.id}: offsets {p.start}:{p.end} outside the text ({len(text)})")
            if text[p.start : p.end] != p.text:
                raise Failure(f"{p.id}: text is not the source slice")
            if not p.id.startswith(doc.id + "/"):
                raise Failure(f"{p.id}: id outside its document {doc.id}")
            if p.start < last_end:
                raise Failure(f"{p.id}: overlaps the previous passage or is out of order")
            last_end = p.end


# -- the hostile shapes: costly HTML, PDF streams, folders with links out, locales ------


HOSTILE_KINDS = ("html", "pdf", "symlinks", "locale")
_ENCODINGS = ("ascii", "latin-1", "gb18030", "utf-8", "cp1252")


def run_hostile(rng: random.Random, workdir: Path, outcome: Outcome) -> None:
    """One input of a shape built to cost or to escape: checked as the readers are,
    and the folder walk and the program's output by their own contracts."""
    kind = rng.choice(HOSTILE_KINDS)
    outcome.name = kind
    if kind == "html":
        tag = rng.choice(["p", "li", "font", "div", "span", "td", "a", "pre"])
        data = (hostile_inputs.unclosed_tags(tag, rng.randint(100, 10_000)) if rng.random() < 0.7
                else hostile_inputs.nested_divs(rng.randint(100, 20_000)))
        if rng.random() < 0.3:
            data = data.replace(b"<", b"<" + rng.choice([b"p><", b"div><", b"/"]), rng.randint(1, 50))
        _read_hostile(workdir / "page.html", data, outcome)
    elif kind == "pdf":
        data = hostile_inputs.shared_stream_pdf(rng.randint(1, 600), rng.randint(100, 400_000), rng.random() < 0.7)
        _read_hostile(workdir / "streams.pdf", data, outcome)
    elif kind == "symlinks":
        folder = workdir / f"links{rng.randrange(10**6)}"
        hostile_inputs.symlinked_folder(folder, workdir / "outside.txt")
        files, problems = readers.discover([folder])
        real = folder.resolve()
        if [f for f in files if not f.resolve().is_relative_to(real)]:
            raise Failure(f"a file outside the folder was taken: {files}")
        if sum("not followed" in message for _, message in problems) != 2:
            raise Failure(f"links out of the folder not reported once each: {problems}")
    else:
        _check_locale(rng, workdir, outcome)


def _read_hostile(path: Path, data: bytes, outcome: Outcome) -> None:
    outcome.data = data
    path.write_bytes(data)
    text = check_read(path, lambda: readers.read_file(path))
    if text is not None:
        check_outline(text, parse_documents(text, "fuzz"))


def _check_locale(rng: random.Random, workdir: Path, outcome: Outcome) -> None:
    """The program in a locale that cannot encode Chinese: JSON is UTF-8, text no crash."""
    import json
    import subprocess

    query = (random_text_piece(rng) + rng.choice(["碳达峰", "储能", "", "碳汇"])).replace("\x00", "")  # argv holds no NUL
    encoding = rng.choice(_ENCODINGS)
    outcome.data = f"{encoding}\t{query}".encode("utf-8", "surrogatepass")
    env = {**os.environ, "PYTHONIOENCODING": encoding, "CARBON_HOME": str(workdir / "home"),
           "CARBON_CACHE": str(workdir / "cache")}
    args = [sys.executable, "-m", "carbon_cli", "search", query.encode("utf-8", "surrogatepass").decode("utf-8", "replace")]
    as_json = subprocess.run([*args, "--json"], capture_output=True, env=env, timeout=120)
    as_text = subprocess.run(args, capture_output=True, env=env, timeout=120)
    for result in (as_json, as_text):
        if result.returncode not in (0, 1, 2) or b"Traceback" in result.stderr:
            raise Failure(f"{encoding}: exit {result.returncode}: {result.stderr[-200:]!r}")
    if as_json.returncode in (0, 1):
        json.loads(as_json.stdout.decode("utf-8"))


def check_read(path: Path, call: Callable[[], object]) -> str | None:
    """Read a file; the text read, or None when refused with a proper ReadError."""
    try:
        source = call()
    except readers.ReadError as error:
        message = str(error)
        if "\n" in message or not message.startswith(readers.display_path(path) + ": "):
            raise Failure(f"badly formed refusal: {message!r}") from error
        return None
    text = source.text  # type: ignore[attr-defined]
    if not isinstance(text, str) or not text.strip():
        raise Failure("accepted a file without text")
    bad = [ch for ch in set(text) if (ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F]
    if bad:
        raise Failure(f"control characters left in the text: {sorted(map(ord, bad))[:5]}")
    return text


# -- running -------------------------------------------------------------------------


class _Slow(Exception):
    pass


class _Noise(logging.Handler):
    """Log records and warnings that would reach the user's stderr during a read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(f"{record.name}: {record.getMessage()[:100]}")


_NOISE = _Noise()


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise _Slow()


@dataclass
class Outcome:
    index: int
    target: str
    error: str = ""  # empty: passed
    detail: str = ""
    data: bytes = b""
    name: str = ""


def run_one(index: int, seed: int, seeds: list[Seed], workdir: Path, slow: float) -> Outcome:
    rng = random.Random(f"{seed}:{index}")
    target = "hostile" if index % HOSTILE_EVERY == HOSTILE_EVERY - 1 else "readers" if index % 2 == 0 else "outline"
    outcome = Outcome(index, target)
    signal.setitimer(signal.ITIMER_REAL, slow)
    _NOISE.seen.clear()
    caught = warnings.catch_warnings(record=True)
    warned = caught.__enter__()
    warnings.simplefilter("always")
    try:
        if target == "hostile":
            run_hostile(rng, workdir, outcome)
        elif target == "readers":
            base = rng.choice(seeds)
            data = mutate_seed(rng, base, seeds) if rng.random() < 0.97 else base.data
            name = base.name if rng.random() < 0.9 else "x" + rng.choice([".txt", ".md", ".html", ".htm", ".docx", ".pdf", ""])
            outcome.data, outcome.name = data, name
            path = workdir / name
            path.write_bytes(data)
            text = check_read(path, lambda: readers.read_file(path))
            if text is not None:
                check_outline(text, parse_documents(text, "fuzz"))
        else:
            text = random_text(rng)
            outcome.data, outcome.name = text.encode("utf-8", "surrogatepass"), "outline.txt"
            check_outline(text, parse_documents(text, "fuzz", teaser_prefix=rng.choice([None, "news"])))
        noise = _NOISE.seen + [f"{w.category.__name__}: {str(w.message)[:100]}" for w in warned]
        if noise:
            raise Failure(f"wrote to stderr: {noise[0]}")
    except _Slow:
        outcome.error, outcome.detail = f"slow: over {slow:g} s", ""
    except Failure as failure:
        outcome.error, outcome.detail = f"contract: {failure}", traceback.format_exc()
    except RecursionError as error:
        outcome.error, outcome.detail = f"crash: {type(error).__name__}", traceback.format_exc(limit=-8)
    except Exception as error:  # everything not allowed is a finding
        outcome.error, outcome.detail = f"crash: {type(error).__name__}: {str(error)[:120]}", traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        caught.__exit__(None, None, None)
    return outcome


def _worker(args: tuple[int, int, int, int, float]) -> tuple[Counter, list[Outcome]]:
    job, jobs, total, seed, slow = args
    _listen()
    seeds = build_seeds()
    counts: Counter = Counter()
    failures: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="carbon-fuzz-", dir=_scratch()) as tmp:
        for index in range(total):  # pairs of inputs (one per target) dealt out in turn: even loads
            if (index // 2) % jobs != job:
                continue
            outcome = run_one(index, seed, seeds, Path(tmp), slow)
            counts[outcome.target] += 1
            if outcome.error:
                failures.append(outcome)
    return counts, failures


def _listen() -> None:
    signal.signal(signal.SIGALRM, _alarm)
    root = logging.getLogger()
    if _NOISE not in root.handlers:
        root.addHandler(_NOISE)


def _scratch() -> str | None:
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _save(failures: list[Outcome], folder: Path, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in failures:
        stem = f"{seed}-{f.index}-{f.target}"
        (folder / f"{stem}-{f.name or 'input'}").write_bytes(f.data)
        (folder / f"{stem}.txt").write_text(f"{f.error}\n\n{f.detail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="how many inputs to try")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed (input i comes from seed:i)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--slow", type=float, default=20.0, help="seconds after which an input counts as a hang")
    parser.add_argument("--replay", type=int, default=None, help="run input I alone and show its outcome")
    parser.add_argument("--failures", type=Path, default=ROOT / "bench" / "fuzz-failures", help="where failing inputs go")
    args = parser.parse_args(argv)

    if args.replay is not None:
        _listen()
        with tempfile.TemporaryDirectory(prefix="carbon-fuzz-") as tmp:
            outcome = run_one(args.replay, args.seed, build_seeds(), Path(tmp), args.slow)
        print(f"input {args.replay} ({outcome.target}, {outcome.name}, {len(outcome.data)} bytes): {outcome.error or 'ok'}")
        if outcome.detail:
            print(outcome.detail)
        return 1 if outcome.error else 0

    started = time.perf_counter()
    jobs = max(1, args.jobs)
    work = [(job, jobs, args.inputs, args.seed, args.slow) for job in range(jobs)]
    if jobs == 1:
        results = [_worker(work[0])]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_worker, work)
    counts: Counter = Counter()
    failures: list[Outcome] = []
    for c, f in results:
        counts.update(c)
        failures.extend(f)
    failures.sort(key=lambda f: f.index)
    elapsed = time.perf_counter() - started
    tried = sum(counts.values())
    print(f"inputs tried: {tried} (readers {counts['readers']}, outline {counts['outline']}, "
          f"hostile {counts['hostile']}) in {elapsed:.0f} s, seed {args.seed}")
    print(f"failures: {len(failures)}")
    if failures:
        kinds = Counter(f.error.split(":")[0] + ": " + f.error.split(":", 2)[-1][:80] for f in failures)
        for kind, n in kinds.most_common(20):
            print(f"  {n:6d}  {kind}")
        _save(failures, args.failures, args.seed)
        print(f"failing inputs in {args.failures} (replay one: --seed {args.seed} --replay {failures[0].index})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
