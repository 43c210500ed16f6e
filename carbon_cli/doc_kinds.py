"""The 文种 words a document's name ends with, and the cheap test a query passes
before the library's names are read (``names.py``).

Apart from ``names.py`` because every search asks ``may_name``: most queries name no
document, and those should not pay for compiling the name patterns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .resources import data_file

# what a name's matching form leaves out, and the 文号 brackets it unifies (names.py too)
LOOSE = re.compile(r"[\s\u3000\"'“”‘’「」『』《》〈〉<>·•]")
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})


def compact(text: str) -> str:
    """A name's matching form: normalised text without spaces, quotes and 《》, brackets
    of a 文号 unified (发改能源规[2021]1051号 = 发改能源规〔2021〕1051号)."""
    return LOOSE.sub("", text).translate(BRACKETS)


@lru_cache(maxsize=1)
def doc_kinds() -> tuple[str, ...]:
    """The 文种 words of ``data/doc_kinds.txt``, longest first."""
    lines = data_file("doc_kinds.txt").read_text(encoding="utf-8").splitlines()
    words = {line.split("#", 1)[0].strip() for line in lines}
    return tuple(sorted(filter(None, words), key=lambda w: (-len(w), w)))


def may_name(normalised: str) -> bool:
    """Cheap test, before any name is read: could the query name a document at all?
    Every name ends with a kind word or holds a 文号."""
    text = compact(normalised)
    return "〔" in text or any(kind in text for kind in doc_kinds())
