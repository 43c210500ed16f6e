"""jieba's dictionary as a sorted, memory-mapped file.

jieba builds a 500,000-entry prefix dictionary before it cuts its first word, which
takes longer than a whole search (docs/performance.md, "Costs the code is shaped
by"). Its algorithm, though, only ever asks two questions of that dictionary: is
this fragment a word or the prefix of one, and what is a word's frequency. Both are
answered by a binary search over the sorted word list, so a query of a few
characters needs a few dozen look-ups in a file the operating system maps into
memory, instead of the whole dictionary in Python objects.

The file is plain text: a header line, then ``word<TAB>frequency`` lines sorted by
their UTF-8 bytes (which is code-point order, so byte prefixes are string prefixes).

:class:`Segmenter` is jieba's own cut over such a table, so that a query does not
import jieba at all: importing it (its HMM tables are Python literals) costs more
than the rest of a search. The HMM is still jieba's, imported only
for a run of characters that no dictionary word covers.
"""

from __future__ import annotations

import mmap
import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from math import log
from pathlib import Path
from typing import Protocol

from .fsio import atomic_write

HEADER = b"#carbon-lexicon 1 total="
LIST_AFTER = 500  # searches of the file before its lines are read into a list


# "word frequency [tag]" at the start of a line of jieba's dict.txt (compiled on first use:
# only a lexicon build needs it)
_ENTRY = rb"^(\S+) ([0-9]+)"


def merge_entries(dict_bytes: bytes, user_words: Iterable[tuple[str, int]]) -> tuple[dict[bytes, bytes], int]:
    """Fold jieba's dictionary and the user words into one table, as jieba does.

    jieba keeps the last frequency seen for a word but adds every line to the total,
    and ``add_word`` does the same for user words; matching that keeps the
    segmentation identical to jieba's own. Words and frequencies stay UTF-8 bytes, the
    form the file stores and sorts them in: one regular expression over the file and
    a sort of bytes take a third of the time of decoding 350,000 lines and encoding
    them again, and this is most of the very first call's work.
    """
    pairs = re.findall(_ENTRY, dict_bytes, re.MULTILINE)
    freq = dict(pairs)
    total = sum(int(value) for _, value in pairs)
    for word, value in user_words:
        freq[word.encode("utf-8")] = b"%d" % value
        total += value
    return freq, total


def write_lexicon(path: Path, freq: dict[bytes, bytes], total: int) -> None:
    """Write the lexicon atomically: a temporary file in the same folder, then a rename."""
    lines = b"\n".join(map(b"\t".join, sorted(freq.items())))
    atomic_write(path, HEADER + b"%d\n" % total + (lines + b"\n" if lines else b""))


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
        self._searches = 0
        self._lines: list[bytes] | None = None

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

    def _word_lines(self) -> list[bytes] | None:
        """The file's ``word<TAB>frequency`` lines as a list, once a text has asked
        enough to pay for it. A search of the file is a loop of Python steps (60 µs);
        splitting the file costs about 40 ms once, after which ``bisect`` searches the
        list in C (2 µs): a query asks a few dozen times and never splits it, one
        document's indexing asks thousands of times."""
        if self._lines is None:
            self._searches += 1
            if self._searches > LIST_AFTER:
                words = self._buf[self._first : self._size]
                self._lines = words[:-1].split(b"\n") if words else []
        return self._lines

    def _lookup(self, word: str) -> int | None:
        key = word.encode("utf-8")
        lines = self._word_lines()
        if lines is not None and b"\t" not in key and b"\n" not in key:
            return _lookup_lines(lines, key)
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


def _lookup_lines(lines: list[bytes], key: bytes) -> int | None:
    """``Lexicon._lookup`` over the sorted lines. A line sorts where its word does,
    for a key with no tab or newline: the tab after a word is lower than any byte a
    longer word or such a key has there."""
    at = bisect_left(lines, key)
    if at == len(lines):
        return None
    line = lines[at]
    if line.startswith(key + b"\t"):
        return int(line[len(key) + 1 :])
    return 0 if line.startswith(key) else None


class WordTable(Protocol):
    """What segmentation asks of a dictionary: a word's frequency, 0 for a prefix, None
    for neither (a ``Lexicon``, or a ``dict[str, int]`` with a ``total``)."""

    total: int

    def get(self, word: str, /) -> int | None: ...


# jieba's block and whitespace patterns (jieba/__init__.py, re_han_default and re_skip_default)
_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")


class Segmenter:
    """``jieba.Tokenizer.cut`` and ``cut_for_search`` (HMM on), over any word table.

    The steps are jieba 0.42's, line for line, so the words are the same: the DAG of
    dictionary words, the most probable route through it, and jieba's HMM
    (``unknown``, called lazily) for runs of single characters that are not a word.
    ``tests/test_text.py`` compares the two on many queries and whole documents.
    """

    def __init__(self, freq: WordTable, unknown: Callable[[str], Iterable[str]]) -> None:
        self.freq = freq
        self.total = freq.total
        self._unknown = unknown

    def _route(self, sentence: str) -> list[tuple[float, int]]:
        """For each position, the best (log probability, end of first word) onwards."""
        get = self.freq.get
        n = len(sentence)
        dag: list[list[int]] = []
        for k in range(n):
            ends = []
            i = k
            frag = sentence[k]
            while i < n:
                value = get(frag)
                if value is None:
                    break
                if value:
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            dag.append(ends or [k])
        log_total = log(self.total)
        route: list[tuple[float, int]] = [(0, 0)] * (n + 1)
        for idx in range(n - 1, -1, -1):
            route[idx] = max(
                (log(get(sentence[idx : x + 1]) or 1) - log_total + route[x + 1][0], x) for x in dag[idx]
            )
        return route

    def _single_run(self, buf: str) -> Iterator[str]:
        """Characters the route left alone: a word, single characters, or the HMM's words."""
        if len(buf) == 1:
            yield buf
        elif not self.freq.get(buf):
            yield from self._unknown(buf)
        else:
            yield from buf

    def _cut_block(self, sentence: str) -> Iterator[str]:
        route = self._route(sentence)
        x, n, buf = 0, len(sentence), ""
        while x < n:
            y = route[x][1] + 1
            if y - x == 1:
                buf += sentence[x]
            else:
                if buf:
                    yield from self._single_run(buf)
                    buf = ""
                yield sentence[x:y]
            x = y
        if buf:
            yield from self._single_run(buf)

    def cut(self, sentence: str) -> Iterator[str]:
        """jieba's accurate mode: runs of CJK, letters and digits cut along the route,
        anything else one character at a time, whitespace kept."""
        for block in _BLOCK.split(sentence):
            if not block:
                continue
            if _BLOCK.match(block):
                yield from self._cut_block(block)
                continue
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    yield piece
                else:
                    yield from piece

    def cut_for_search(self, sentence: str) -> Iterator[str]:
        """The words of ``cut``, each preceded by the dictionary words of two and three
        characters inside it."""
        get = self.freq.get
        for word in self.cut(sentence):
            if len(word) > 2:
                for i in range(len(word) - 1):
                    if get(word[i : i + 2]):
                        yield word[i : i + 2]
            if len(word) > 3:
                for i in range(len(word) - 2):
                    if get(word[i : i + 3]):
                        yield word[i : i + 3]
            yield word
