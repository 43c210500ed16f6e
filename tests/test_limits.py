"""Bounded time and memory for inputs built to cost: every case is read in under 30 s
and 1 GB on the test machine, or refused in one line (docs/reliability.md gives the
measured times). The inputs come from ``bench/hostile_inputs.py``, as the fuzzer's do.

The 30 s bound is the one the limits were set by; the long cases are marked slow. The
largest adds run close to it, and the same machine runs them a fifth slower on a busy
day: there, a quarter of the input is added beside the whole, and the whole may cost
no more than linear time would (``within_bound``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from carbon_cli import readers
from carbon_cli.catalog import MAX_FILES_PER_ADD
from carbon_cli.outline import parse_documents
from helpers import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import hostile_inputs  # noqa: E402

BOUND_SECONDS = 30
BOUND_BYTES = 1024**3
LINEAR_SLACK = 1.5  # the whole over four quarters: fixed costs make it less than 1 when linear


def within_bound(seconds: float, quarter: Callable[[], float]) -> bool:
    """Under the bound, or, past it on a slower day, no worse than linear: at most
    ``4 × LINEAR_SLACK`` times a quarter of the input measured now (quadratic work
    would cost 16 times)."""
    return seconds < BOUND_SECONDS or seconds < 4 * LINEAR_SLACK * quarter()


def timed_read(path: Path) -> tuple[float, object]:
    started = time.perf_counter()
    try:
        result: object = readers.read_file(path)
    except readers.ReadError as error:
        result = error
    return time.perf_counter() - started, result


@pytest.mark.parametrize("tag", ["p", "li", "font"])
def test_ten_thousand_unclosed_tags_read_in_linear_time(tmp_path, tag):
    page = tmp_path / "page.html"
    page.write_bytes(hostile_inputs.unclosed_tags(tag, 10_000))
    seconds, source = timed_read(page)
    assert seconds < BOUND_SECONDS
    assert isinstance(source, readers.SourceText) and "第0段" in source.text and "第9999段" in source.text


def test_twenty_thousand_nested_divs(tmp_path):
    page = tmp_path / "deep.html"
    page.write_bytes(hostile_inputs.nested_divs(20_000))
    seconds, source = timed_read(page)
    assert seconds < BOUND_SECONDS and isinstance(source, readers.SourceText)
    assert source.text == "一、推进碳达峰工作。"


def test_pages_sharing_one_content_stream_are_read_once(tmp_path):
    """2,000 pages drawing one 1 MB stream (the 213 s case of the issue)."""
    pdf = tmp_path / "shared.pdf"
    pdf.write_bytes(hostile_inputs.shared_stream_pdf(2000, 1_000_000))
    seconds, source = timed_read(pdf)
    assert seconds < BOUND_SECONDS and isinstance(source, readers.SourceText)
    assert source.text.count("carbon peak action 0") == 2000


def test_page_contents_decoding_past_the_bound_are_refused(tmp_path):
    pages = readers.MAX_PDF_DECODED // 1_000_000 + 2
    pdf = tmp_path / "inflating.pdf"
    pdf.write_bytes(hostile_inputs.shared_stream_pdf(pages, 1_000_000, shared=False))
    seconds, error = timed_read(pdf)
    assert seconds < BOUND_SECONDS
    assert isinstance(error, readers.ReadError) and "decode to over 64 MB" in str(error)


def test_repeated_top_level_ordinals_parse_in_linear_time():
    """32,000 一、 lines: the outline's sibling scan (fixed in the outline package)."""
    text = "一、推进碳达峰工作\n" * 32_000
    started = time.perf_counter()
    documents = parse_documents(text, "x")
    assert time.perf_counter() - started < BOUND_SECONDS
    assert sum(len(d.passages) for d in documents) >= 32_000


def test_past_the_line_and_paragraph_limits_is_refused_at_once(tmp_path):
    lines = tmp_path / "lines.txt"
    lines.write_text("碳\n" * 1_000_000, encoding="utf-8")  # 4 MB of one-character lines
    seconds, error = timed_read(lines)
    assert seconds < 5 and isinstance(error, readers.ReadError) and "line limit" in str(error)
    document = tmp_path / "paragraphs.docx"
    document.write_bytes(hostile_inputs.docx_of_paragraphs(300_000))
    seconds, error = timed_read(document)
    assert seconds < 5 and isinstance(error, readers.ReadError) and "paragraph limit" in str(error)
    prose = tmp_path / "long.txt"
    prose.write_text(("推进碳达峰碳中和工作" * 30 + "\n") * 7000, encoding="utf-8")
    seconds, error = timed_read(prose)
    assert isinstance(error, readers.ReadError) and "character limit" in str(error)


def _add_measured(carbon_exe: str, *paths: Path, env: dict[str, str] | None = None,
                  ) -> tuple[float, int, subprocess.CompletedProcess]:
    """Seconds and peak resident bytes of one ``docs add`` in a process of its own."""
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
              "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, "
              "p.returncode); sys.stderr.write(p.stderr)")
    done = subprocess.run([sys.executable, "-c", script, carbon_exe, "docs", "add", *map(str, paths), "--json"],
                          capture_output=True, text=True, timeout=300, env=env)
    seconds, peak, code = done.stdout.split()
    return float(seconds), int(peak), subprocess.CompletedProcess(done.args, int(code), "", done.stderr)


def _largest(folder: Path, case: str, parts: int) -> Path:
    """The largest document of a kind the readers allow (one ``parts``-th of it)."""
    folder.mkdir(parents=True, exist_ok=True)
    if case == "lines":
        path = folder / "lines.txt"
        path.write_text("碳\n" * (readers.MAX_LINES // parts), encoding="utf-8")
    elif case == "paragraphs":
        path = folder / "paragraphs.docx"
        path.write_bytes(hostile_inputs.docx_of_paragraphs(readers.MAX_LINES // parts))
    else:
        text = (ROOT / "tests" / "fixtures" / "cpc_sc_dual_carbon_opinions_2021.txt").read_text(encoding="utf-8")
        path = folder / "long.txt"
        path.write_text("".join(f"第{i}部分\n{text}" for i in range(300))[: readers.MAX_CHARS // parts], encoding="utf-8")
    return path


def _beside(carbon_exe: str, tmp_path: Path, make: Callable[[Path], list[Path]]) -> float:
    """Seconds of adding what ``make`` writes to a home of its own, as the whole was added."""
    env = {**os.environ, "CARBON_HOME": str(tmp_path / "quarter-home")}
    subprocess.run([carbon_exe, "search", "碳"], capture_output=True, env=env, check=True)
    seconds, _, result = _add_measured(carbon_exe, *make(tmp_path / "quarter"), env=env)
    assert result.returncode == 0, result.stderr
    return seconds


@pytest.mark.slow
@pytest.mark.parametrize("case", ["lines", "paragraphs", "characters"])
def test_the_largest_allowed_document_is_added_within_the_bounds(home, carbon_exe, tmp_path, case):
    assert subprocess.run([carbon_exe, "search", "碳"], capture_output=True).returncode == 0  # the lexicon is built
    path = _largest(tmp_path / "whole", case, 1)
    seconds, peak, result = _add_measured(carbon_exe, path)
    assert result.returncode == 0, result.stderr
    quarter = partial(_beside, carbon_exe, tmp_path, lambda folder: [_largest(folder, case, 4)])
    assert within_bound(seconds, quarter) and peak < BOUND_BYTES, (seconds, peak)
    print(f"\n{case}: {seconds:.1f} s, {peak / 2**20:.0f} MB")


@pytest.mark.slow
def test_the_most_files_one_add_takes(home, carbon_exe, tmp_path):
    hostile_inputs.tiny_files(tmp_path / "tiny", MAX_FILES_PER_ADD)
    assert subprocess.run([carbon_exe, "search", "碳"], capture_output=True).returncode == 0
    seconds, peak, result = _add_measured(carbon_exe, tmp_path / "tiny")
    assert result.returncode == 0, result.stderr

    def quarter_files(folder: Path) -> list[Path]:
        hostile_inputs.tiny_files(folder, MAX_FILES_PER_ADD // 4)
        return [folder]

    assert within_bound(seconds, partial(_beside, carbon_exe, tmp_path, quarter_files)), seconds
    assert peak < BOUND_BYTES, peak
    print(f"\n{MAX_FILES_PER_ADD} files: {seconds:.1f} s, {peak / 2**20:.0f} MB")
    (tmp_path / "tiny" / "one-more.txt").write_text("多一个文件：推进碳达峰。", encoding="utf-8")
    over = subprocess.run([carbon_exe, "docs", "add", str(tmp_path / "tiny")], capture_output=True, text=True)
    assert over.returncode == 2 and "file limit" in over.stderr and over.stderr.count("\n") == 1
