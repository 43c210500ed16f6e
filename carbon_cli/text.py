"""Text processing: one pipeline for documents and queries.

Matching happens on a normalised copy of the text (NFKC, so full-width letters and
digits match their ASCII forms; Latin lower case; traditional Chinese folded to
simplified through OpenCC). Display always uses the original characters, so every
normalised character keeps the offset of the original one it came from.

Segmentation is jieba's, with the project's user dictionary. Two tokenizers give the
same words: the *full* one loads jieba's dictionary into memory (fast for whole
documents) and the *segmenter* reads it from a memory-mapped file with jieba's
algorithm, without importing jieba (fast to start, for queries and small documents).
See ``lexicon.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .fsio import atomic_write
from .lexicon import Lexicon, Segmenter, merge_entries, write_lexicon
from .resources import data_file

if TYPE_CHECKING:
    import jieba
    import opencc

# Bump when segmentation or normalisation changes: every index is then rebuilt.
PIPELINE_VERSION = "2"
# jieba's search mode also emits the dictionary words inside longer words
# (碳达峰碳中和 -> 碳达峰, 碳中和, 中和 ...), so a query for a part finds the whole.
SEGMENT_MODE = "search"
BULK_CHARS = 150_000  # above this, load jieba's whole dictionary: faster per character
SHORT_TEXT = 80  # texts up to this long are remembered by ``Pipeline.terms``...
SHORT_CACHE = 50_000  # ...this many at most


class _NormTable(dict[int, str]):
    """str.translate table filled on demand: NFKC then lower case, per character."""

    def __init__(self) -> None:
        super().__init__()
        self.multi: set[str] = set()  # characters whose normal form is not one character

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = unicodedata.normalize("NFKC", char).lower()
        self[code] = value
        if len(value) != 1:
            self.multi.add(char)
        return value


_TABLE = _NormTable()


HAN = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character (CJK Unified Ideographs)

# A line break. A PDF's text layer breaks lines at the page width, inside words and
# numbers (煤炭消\n费, 3.5\n亿千瓦): unless Latin letters or digits stand on both
# sides (energy\nstorage), the break and the blanks around it are no separator and go.
_BREAK_RX = re.compile(r"[\r\n\u2028\u2029\x85]+")
_BLANKS = " \t\u3000"


def _join_breaks(text: str) -> tuple[str, list[int] | None]:
    """``text`` with the line breaks inside CJK text removed, and each kept character's
    offset (``None`` when nothing was removed).

    The blanks around a break are walked by hand, each at most once: a pattern with
    blanks on both sides of the break would retry a long run of blanks from every
    position in it.
    """
    kept: list[int] = []
    pos = scanned = 0
    for m in _BREAK_RX.finditer(text):
        start, end = m.start(), m.end()
        while start > scanned and text[start - 1] in _BLANKS:
            start -= 1
        while end < len(text) and text[end] in _BLANKS:
            end += 1
        scanned = end
        before, after = text[start - 1: start], text[end: end + 1]
        if not before or not after or (before.isascii() and after.isascii()):
            continue
        kept.extend(range(pos, start))
        pos = end
    if pos == 0:
        return text, None
    kept.extend(range(pos, len(text)))
    return "".join(text[i] for i in kept), kept


def _fold_width_case(text: str) -> tuple[str, list[int] | None]:
    folded = text.translate(_TABLE)
    if len(folded) == len(text) and _TABLE.multi.isdisjoint(text):
        return folded, None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        value = _TABLE[ord(char)]
        pieces.append(value)
        offsets.extend([index] * len(value))
    return "".join(pieces), offsets


class Normaliser:
    """Folds text to its matching form; knows which characters need OpenCC."""

    def __init__(self, traditional: frozenset[str]) -> None:
        self._traditional = traditional

    @cached_property
    def _converter(self) -> opencc.OpenCC:
        import opencc

        return opencc.OpenCC("t2s")

    def _to_simplified(self, text: str) -> str:
        if self._traditional.isdisjoint(text):
            return text
        try:
            converted = self._converter.convert(text)
        except UnicodeEncodeError:  # a lone surrogate (an argument that was not UTF-8)
            converted = ""
        if len(converted) == len(text):
            return converted
        return "".join(self._converter.convert(char) if char in self._traditional else char for char in text)

    def normalise(self, text: str) -> str:
        return self.normalise_with_offsets(text)[0]

    def normalise_with_offsets(self, text: str) -> tuple[str, list[int] | None]:
        """The matching form and, when lengths differ, each character's original offset.

        ``None`` means the identity map: character i came from character i.
        """
        if text.isascii():  # no width forms, no traditional characters: only case
            return text.lower(), None
        joined, kept = _join_breaks(text) if "\n" in text or "\r" in text else (text, None)
        folded, offsets = _fold_width_case(joined)
        simplified = self._to_simplified(folded)
        if len(simplified) != len(folded):  # a per-character conversion never changes length
            simplified = folded
        if kept is None:
            return simplified, offsets
        return simplified, kept if offsets is None else [kept[i] for i in offsets]


def traditional_chars() -> frozenset[str]:
    """Every CJK character that OpenCC's t2s conversion changes."""
    import opencc

    converter = opencc.OpenCC("t2s")
    chars = [chr(code) for code in range(0x3400, 0x4DC0)] + [chr(code) for code in range(0x4E00, 0xA000)]
    converted = converter.convert("\n".join(chars)).split("\n")
    return frozenset(a for a, b in zip(chars, converted) if a != b)


def _read_list(name: str) -> list[str]:
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def user_words() -> list[tuple[str, int]]:
    """The project's jieba user dictionary, normalised like the text it segments."""
    words = []
    for line in _read_list("userdict.txt"):
        word, freq = line.rsplit(None, 1)
        words.append((unicodedata.normalize("NFKC", word).lower(), int(freq)))
    return words


def stop_words() -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFKC", w).lower() for w in _read_list("stopwords.txt"))


def boilerplate_words() -> frozenset[str]:
    """The verbs and adverbs of every official text (``bench/boilerplate.py``): words
    ``keywords`` does not rank; search still finds them."""
    rows = _read_list("boilerplate_words.txt")
    return frozenset(unicodedata.normalize("NFKC", row.split("\t")[0]).lower() for row in rows)


def _import_jieba() -> ModuleType:
    """Import jieba silently and without pkg_resources.

    jieba's compatibility module imports pkg_resources (slow: docs/performance.md,
    "Costs the code is shaped by") only to locate its own files, and falls back to
    plain paths when that import fails.
    """
    import logging

    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.CRITICAL + 1)
    return jieba


def jieba_dict_path() -> Path:
    """jieba's dictionary file, found without importing jieba (a query never needs it)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


def _hmm_cut(text: str) -> Iterator[str]:
    """jieba's HMM for characters no dictionary word covers: the one part of jieba a
    query may need, imported only then."""
    return _import_jieba().finalseg.cut(text)


def dictionary_key(user_dir: Path | None = None) -> str:
    """Changes whenever jieba's dictionary, the project's user dictionary or the
    user's own (``user_vocab.py``) changes."""
    digest = hashlib.sha256()
    stat = jieba_dict_path().stat()
    digest.update(f"{stat.st_size}:{stat.st_mtime_ns}:{PIPELINE_VERSION}".encode())
    digest.update(data_file("userdict.txt").read_bytes())
    if user_dir is not None:  # read as bytes: a search must not pay for parsing it
        try:
            digest.update((user_dir / "userdict.txt").read_bytes())
        except OSError:
            pass
    return digest.hexdigest()[:16]


def pipeline_key(user_dir: Path | None = None) -> str:
    """Everything that decides which terms a text yields."""
    digest = hashlib.sha256()
    digest.update(f"{PIPELINE_VERSION}:{SEGMENT_MODE}:{dictionary_key(user_dir)}".encode())
    digest.update(data_file("stopwords.txt").read_bytes())
    return digest.hexdigest()[:16]


class Pipeline:
    """Normalise, segment and filter: the same steps for documents and queries.

    ``cache_dir`` holds the lexicon and the list of traditional characters; both are
    derived from installed packages and rebuilt when they change. ``user_dir`` is the
    home whose own vocabulary (``user_vocab.py``) joins the project's.
    """

    def __init__(self, cache_dir: Path, user_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self.user_dir = user_dir
        self.stop_words = stop_words()
        self._lexicon_path = cache_dir / f"lexicon-{dictionary_key(user_dir)}.txt"
        self._traditional_path = cache_dir / "t2s-chars.txt"
        # (text, precise) -> words; both tokenizers give the same words, so bulk is not part of the key
        self._short: dict[tuple[str, bool], list[str]] = {}

    @cached_property
    def normaliser(self) -> Normaliser:
        return Normaliser(self._traditional())

    def _traditional(self) -> frozenset[str]:
        try:
            return frozenset(self._traditional_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            chars = traditional_chars()
            _write_quietly(self._traditional_path, "".join(sorted(chars)))
            return chars

    @cached_property
    def full_tokenizer(self) -> jieba.Tokenizer:
        """jieba with its whole dictionary in memory: for segmenting many documents.

        The prefix dictionary is built from jieba's plain-text dictionary, never read
        from jieba's own cache file: jieba loads that with ``marshal``, which is not
        safe on data a shared or tampered cache folder could hold, and it saves
        nothing (unmarshalling takes as long as building the dictionary).
        """
        jieba = _import_jieba()
        tokenizer = jieba.Tokenizer()
        with open(jieba_dict_path(), "rb") as handle:
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(handle)
        tokenizer.initialized = True
        for word, freq in self.dictionary_words():
            tokenizer.add_word(word, freq)
        return tokenizer

    def dictionary_words(self) -> list[tuple[str, int]]:
        """The project's user dictionary, then the user's own: a later entry wins."""
        from .user_vocab import UserVocabulary

        home = UserVocabulary(self.user_dir).words() if self.user_dir is not None else []
        return user_words() + home

    def tokenizer_for(self, chars: int) -> jieba.Tokenizer:
        """jieba over the whole dictionary for a text of more than ``BULK_CHARS``
        characters, over the lexicon file for a shorter one (``jieba.analyse`` calls both)."""
        return self.full_tokenizer if chars > BULK_CHARS else self.lexicon_tokenizer

    @cached_property
    def lexicon_tokenizer(self) -> jieba.Tokenizer:
        """jieba itself reading its dictionary from the lexicon file: for jieba.analyse,
        which calls into the tokenizer's internals."""
        jieba = _import_jieba()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = self.lexicon
        tokenizer.total = self.lexicon.total
        tokenizer.initialized = True
        return tokenizer

    @cached_property
    def segmenter(self) -> Segmenter:
        """jieba's cut over the lexicon file, jieba not imported: for queries and small documents."""
        return Segmenter(self.lexicon, _hmm_cut)

    @cached_property
    def lexicon(self) -> Lexicon | _MemoryLexicon:
        """jieba's dictionary and the user words as a memory-mapped file, written on first
        use; kept in memory instead when the cache cannot be written."""
        try:
            return Lexicon(self._lexicon_path)
        except (OSError, ValueError):
            pass
        freq, total = merge_entries(jieba_dict_path().read_bytes(), self.dictionary_words())
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            write_lexicon(self._lexicon_path, freq, total)
            return Lexicon(self._lexicon_path)
        except OSError:
            # A read-only home: serve from memory, as jieba itself would.
            return _MemoryLexicon(freq, total)

    def segment(self, normalised: str, *, bulk: bool = False, precise: bool = False) -> list[str]:
        """Words of already-normalised text, in order, stop words and punctuation dropped.

        ``precise`` gives jieba's plain cut, without the shorter words that search
        mode adds; queries use it to tell whole words from their parts.
        """
        tokenizer = self.full_tokenizer if bulk else self.segmenter
        cut = tokenizer.cut_for_search if SEGMENT_MODE == "search" and not precise else tokenizer.cut
        stop = self.stop_words
        return [w for w in cut(normalised) if w not in stop and _is_word(w)]

    def terms(self, text: str, *, bulk: bool = False, precise: bool = False) -> list[str]:
        """The words of ``text``; short texts are remembered, since a document repeats
        them: every passage under a heading is indexed with the heading's title."""
        if len(text) > SHORT_TEXT:
            return self.segment(self.normaliser.normalise(text), bulk=bulk, precise=precise)
        key = (text, precise)
        words = self._short.get(key)
        if words is None:
            if len(self._short) >= SHORT_CACHE:
                self._short.clear()
            words = self._short[key] = self.segment(self.normaliser.normalise(text), bulk=bulk, precise=precise)
        return list(words)


class _MemoryLexicon(dict[str, int]):
    """The lexicon kept in memory when it cannot be written: prefixes map to 0."""

    total: int

    def __init__(self, freq: dict[bytes, bytes], total: int) -> None:
        super().__init__()
        words = {word.decode("utf-8"): int(value) for word, value in freq.items()}
        for word in words:
            for end in range(1, len(word)):
                self.setdefault(word[:end], 0)
        self.update(words)
        self.total = total


def _is_word(token: str) -> bool:
    return any(char.isalnum() for char in token)


def _write_quietly(path: Path, content: str) -> None:
    """Best-effort cache write: a read-only home must still answer."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, content.encode("utf-8"))
    except OSError:
        pass
