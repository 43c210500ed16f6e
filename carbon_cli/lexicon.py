"""jieba's dictionary as a sorted, memory-mapped file.

jieba spends about 0.6 s building a 500,000-entry prefix dictionary before it cuts
its first word. Its algorithm, though, only ever asks two questions of that
dictionary: is this fragment a word or the prefix of one, and what is a word's
frequency. Both are answered by a binary search over the sorted word list, so a
query of a few characters needs a few dozen look-ups in a file the operating system
maps into memory, instead of the whole dictionary in Python objects.

The file is plain text: a header line, then ``word<TAB>frequency`` lines sorted by
their UTF-8 bytes (which is code-point order, so byte prefixes are string prefixes).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable
from pathlib import Path

HEADER = b"#carbon-lexicon 1 total="


def merge_entries(dict_lines: Iterable[str], user_words: Iterable[tuple[str, int]]) -> tuple[dict[str, int], int]:
    """Fold jieba's dictionary and the user words into one table, as jieba does.

    jieba keeps the last frequency seen for a word but adds every line to the total,
    and ``add_word`` does the same for user words; matching that keeps the
    segmentation identical to jieba's own.
    """
    freq: dict[str, int] = {}
    total = 0
    for line in dict_lines:
        parts = line.split(" ")
        if len(parts) < 2 or not parts[0]:
            continue
        value = int(parts[1])
        freq[parts[0]] = value
        total += value
    for word, value in user_words:
        freq[word] = value
        total += value
    return freq, total


def write_lexicon(path: Path, freq: dict[str, int], total: int) -> None:
    """Write the lexicon atomically: a temporary file in the same folder, then a rename."""
    items = sorted((word.encode("utf-8"), value) for word, value in freq.items())
    body = b"".join(b"%s\t%d\n" % item for item in items)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as out:
        out.write(HEADER + str(total).encode() + b"\n")
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class Lexicon:
    """A read-only mapping with the semantics of jieba's ``Tokenizer.FREQ``.

    A word maps to its frequency, a proper prefix of a word maps to 0, anything else
    is absent. Answers are memoised: a process asks about the same fragments often.
    """

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ValueError(f"empty lexicon {path}")
            self._buf = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        header_end = self._buf.find(b"\n")
        header = self._buf[:header_end]
        if not header.startswith(HEADER):
            raise ValueError(f"not a lexicon file: {path}")
        self.total = int(header[len(HEADER):])
        self._first = header_end + 1
        self._size = size
        self._memo: dict[str, int | None] = {}

    def _lower_bound(self, key: bytes) -> int:
        """Offset of the first line whose word is >= key (or the end of the file)."""
        buf, lo, hi = self._buf, self._first, self._size
        while lo < hi:
            mid = (lo + hi) // 2
            start = buf.rfind(b"\n", lo, mid) + 1
            if start < lo:
                start = lo
            tab = buf.find(b"\t", start)
            if buf[start:tab] < key:
                lo = buf.find(b"\n", tab) + 1
            else:
                hi = start
        return lo

    def _lookup(self, word: str) -> int | None:
        key = word.encode("utf-8")
        at = self._lower_bound(key)
        if at >= self._size:
            return None
        tab = self._buf.find(b"\t", at)
        found = self._buf[at:tab]
        if found == key:
            return int(self._buf[tab + 1 : self._buf.find(b"\n", tab)])
        return 0 if found.startswith(key) else None

    def get(self, word: str, default: int | None = None) -> int | None:
        try:
            value = self._memo[word]
        except KeyError:
            value = self._memo[word] = self._lookup(word)
        return default if value is None else value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return value
