"""The outline of every fixture and of the seed equals the reviewed golden dump.

A change of the parser's behaviour is a diff of ``tests/golden/outline.txt``; after
reviewing it, regenerate the file with ``.venv/bin/python bench/outline_dump.py --write``
and explain the diff in the commit that makes it.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import outline_dump  # noqa: E402


def test_every_fixture_outline_equals_the_golden_dump():
    want = outline_dump.GOLDEN.read_text(encoding="utf-8")
    got = outline_dump.dump()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(keepends=True), got.splitlines(keepends=True),
                                            "tests/golden/outline.txt", "parser output", n=1))
        raise AssertionError(f"the outline changed; review, then run "
                             f".venv/bin/python bench/outline_dump.py --write\n{diff}")


def test_the_dump_covers_every_fixture_document():
    names = {name for name, _ in outline_dump.parsed()}
    assert "seed" in names
    assert "synthetic_gov_cn_page.html" in names
    assert not any(name.startswith(("expected/", "SOURCES")) for name in names)
    assert len(names) == len(outline_dump.fixture_files()) + 1
