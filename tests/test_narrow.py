"""A narrow terminal (60 columns): ids whole, titles cut, columns dropped, numbers last.

The program runs under a real pseudo-terminal with COLUMNS=60, as in a split pane;
piped output keeps every column and every line whole (tests/test_program.py).
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from helpers import OPINIONS, STORAGE

WIDTH = 60
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LONG_ID = "ndrc-nea-new-energy-storage-guidance-2021"


def _on_terminal(carbon_exe: str, *args: str, width: int = WIDTH) -> list[str]:
    """What ``carbon ARGS`` shows on a terminal ``width`` columns wide, one string a line
    (a pseudo-terminal wraps nothing: a line longer than the terminal comes back whole)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(width), "LINES": "200", "TERM": "xterm"}
    proc = subprocess.Popen([carbon_exe, *args], stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the program closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")
    return [line.rstrip() for line in text.splitlines()]


@pytest.fixture
def library(run_carbon, home: Path) -> None:
    assert run_carbon("docs", "add", str(OPINIONS), str(STORAGE)).code == 0


def test_docs_list_fits_with_ids_whole(library, carbon_exe: str):
    lines = _on_terminal(carbon_exe, "docs", "list")
    assert lines[0].split() == ["id", "title"]  # every other column dropped before the title went
    assert all(cell_len(line) <= WIDTH for line in lines)
    ids = [line.split()[0] for line in lines[1:]]
    assert {"qa", "news-01", "cpc-sc-dual-carbon-opinions-2021", LONG_ID} <= set(ids)
    assert any(line.endswith("…") for line in lines)  # titles cut, marked


def test_a_wider_terminal_keeps_the_numbers_before_the_rest(library, carbon_exe: str):
    header = _on_terminal(carbon_exe, "docs", "list", width=90)[0].split()
    assert header[:2] == ["id", "title"] and "passages" in header and "source" not in header


def test_search_hits_fit_with_ids_whole(library, carbon_exe: str):
    lines = _on_terminal(carbon_exe, "search", "储能", "价格", "-n", "3")
    heads = [line for line in lines if re.match(r"\s*\d\. ", line) or LONG_ID in line]
    assert all(cell_len(line) <= WIDTH for line in heads)
    assert any(f"{LONG_ID}/" in line for line in heads)  # the long id on a line of its own, whole


def test_outline_keeps_ids_whole(library, carbon_exe: str):
    lines = _on_terminal(carbon_exe, "outline", "--doc", LONG_ID)
    ids = [re.sub(r"^[│├└─ ]+", "", line) for line in lines if LONG_ID + "/" in line]
    assert f"{LONG_ID}/s4.10.p1" in [line.split()[-1] for line in ids]
    titled = [line for line in lines if LONG_ID not in line]
    assert all(cell_len(line) <= WIDTH for line in titled)


def test_term_chart_rows_stay_one_line(library, carbon_exe: str):
    lines = _on_terminal(carbon_exe, "stats", "--term", "储能", "--kind", "heading", "--doc", "ndrc")
    rows = lines[1:]
    assert rows and all(cell_len(line) <= WIDTH for line in rows)
    assert all(re.search(r"\d+$", line) for line in rows)  # each count on its row's line
