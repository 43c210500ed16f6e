"""Abbreviations the documents declare for themselves, as candidate synonym rows.

Chinese official documents introduce a short form where a long name first appears:
``温室气体重点排放单位（以下简称重点排放单位）``, ``节约能源（以下简称节能）``,
``国家自然科学基金(简称国自然)``. This script collects every such pair from the given
files (the full name being the noun phrase before the parenthesis: after the last
的, 所称, comma or enumeration comma) and prints them as ``synonyms.tsv`` rows, the
full name first, with the file they came from. The rows of ``data/synonyms.tsv``
marked ``# declared:`` were made this way, each checked by reading its sentence::

    python bench/abbreviations.py seeds/*.txt tests/fixtures/*.txt tests/fixtures/real/*
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli.readers import read_file  # noqa: E402

_DECLARED = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9]{2,40})[（(](?:以下简称|以下称|简称|下称)[“\"《]?([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"》]?[）)]"
)
_PHRASE_START = re.compile(r".*(?:的|所称|称|是|，|、|和|及|与)")


def declared(text: str) -> list[tuple[str, str]]:
    """(full name, short form) pairs the text declares."""
    pairs = []
    for before, short in _DECLARED.findall(text.replace("\n", "")):
        full = _PHRASE_START.sub("", before) or before
        if full != short and len(full) > len(short):
            pairs.append((full, short))
    return pairs


def main(paths: list[str]) -> int:
    seen: set[tuple[str, str]] = set()
    for name in paths:
        path = Path(name)
        for full, short in declared(read_file(path).text):
            if (full, short) not in seen:
                seen.add((full, short))
                print(f"{full}\t{short}\t# declared: {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
