"""The user's own vocabulary, kept in CARBON_HOME beside the library.

Three plain files, in the formats of the project's own ``data/`` files, which the user
may also edit by hand (``docs/vocabulary.md``):

- ``userdict.txt``: ``word frequency`` lines, words jieba must keep whole. They change
  what documents are indexed under, so the file is part of the index's build key
  (``text.dictionary_key``): adding one rebuilds the index, and nothing stale is served.
- ``synonyms.tsv``: TAB-separated groups of equivalent terms, searched as the
  project's synonyms are.
- ``glossary_en.tsv``: an English phrase, TAB, its Chinese renderings.

The last two are read at query time only, so a change to them takes effect at once.
``carbon vocab add`` writes one word into all three (its synonyms and English forms
where given); ``carbon vocab remove`` takes it out of all three. Lines the user wrote
that do not name the word, comments included, are kept as they are.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import CarbonError
from .store import atomic_write

USERDICT = "userdict.txt"
SYNONYMS = "synonyms.tsv"
GLOSSARY = "glossary_en.tsv"
FILES = (USERDICT, SYNONYMS, GLOSSARY)
# As often as the project's own domain words (data/userdict.txt): high enough that
# jieba keeps a word of up to eight characters whole beside its everyday parts.
DEFAULT_FREQUENCY = 20000
MAX_WORD = 40  # characters: a word, not a sentence
MAX_FREQUENCY = 10**9

_HEADERS = {
    USERDICT: "# Your words for jieba: \"word frequency\", one per line (see carbon vocab --help).\n",
    SYNONYMS: "# Your synonym groups: terms separated by a TAB, the first one the canonical form.\n",
    GLOSSARY: "# Your English phrases: the phrase, a TAB, then its Chinese renderings.\n",
}


def fold(text: str) -> str:
    """The form a user dictionary word is stored and compared in (as data/userdict.txt)."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass
class Entry:
    """One word of the user vocabulary and what the files say of it."""

    word: str
    frequency: int | None = None  # None: not in userdict.txt (only a synonym or English row)
    synonyms: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"word": self.word, "frequency": self.frequency, "synonyms": self.synonyms, "english": self.english}


def check_term(term: str, what: str) -> str:
    """A term as given, refused when it cannot be one cell of these files."""
    clean = term.strip()
    if not clean:
        raise CarbonError(f"empty {what}")
    if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in clean):
        raise CarbonError(f"a {what} cannot hold tabs, line breaks or control characters")
    if len(clean) > MAX_WORD:
        raise CarbonError(f"a {what} is at most {MAX_WORD} characters; this one has {len(clean)}")
    return clean


def _content_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise CarbonError(f"cannot read {path}: {error}") from error
    return text.splitlines()


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("\t") if cell.strip()]


def _is_row(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


class UserVocabulary:
    """The vocabulary files of one home."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def words(self) -> list[tuple[str, int]]:
        """The user dictionary's (word, frequency) pairs, folded as jieba is given them."""
        pairs = []
        for line in _content_lines(self.path(USERDICT)):
            if not _is_row(line):
                continue
            parts = line.split()
            if len(parts) >= 2 and parts[-1].isdigit():
                pairs.append((fold(" ".join(parts[:-1])), min(int(parts[-1]), MAX_FREQUENCY)))
            elif parts:
                pairs.append((fold(" ".join(parts)), DEFAULT_FREQUENCY))
        return pairs

    def rows(self, name: str) -> list[list[str]]:
        """The TAB-separated rows of ``synonyms.tsv`` or ``glossary_en.tsv``."""
        return [_cells(line) for line in _content_lines(self.path(name)) if _is_row(line)]

    def entries(self) -> list[Entry]:
        """Every word the files name, in the order first named."""
        found: dict[str, Entry] = {}
        for word, frequency in self.words():
            found.setdefault(word, Entry(word)).frequency = frequency
        for row in self.rows(SYNONYMS):
            if len(row) > 1:
                entry = found.setdefault(fold(row[0]), Entry(fold(row[0])))
                entry.synonyms.extend(term for term in row[1:] if term not in entry.synonyms)
        for row in self.rows(GLOSSARY):
            for zh in row[1:]:
                entry = found.setdefault(fold(zh), Entry(fold(zh)))
                if row[0] not in entry.english:
                    entry.english.append(row[0])
        return list(found.values())

    def add(self, word: str, synonyms: list[str], english: list[str], frequency: int | None) -> Entry:
        """Add a word (and its synonyms and English phrases), replacing what the files
        said of it before. Call under the home's lock."""
        word = fold(check_term(word, "word"))
        synonyms = [check_term(s, "synonym") for s in synonyms if fold(s) != word]
        english = [check_term(e, "English phrase") for e in english]
        if frequency is not None and not 1 <= frequency <= MAX_FREQUENCY:
            raise CarbonError(f"--freq takes a whole number from 1 to {MAX_FREQUENCY}")
        self._rewrite(word)
        self._append(USERDICT, f"{word} {frequency or DEFAULT_FREQUENCY}")
        if synonyms:
            self._append(SYNONYMS, "\t".join([word, *dict.fromkeys(synonyms)]))
        for phrase in dict.fromkeys(english):
            self._append(GLOSSARY, f"{phrase}\t{word}")
        return next(entry for entry in self.entries() if entry.word == word)

    def remove(self, word: str) -> bool:
        """Take a word out of all three files; False when none of them named it."""
        return self._rewrite(fold(check_term(word, "word")))

    def _rewrite(self, word: str) -> bool:
        """Drop every row that is about ``word``; True when one was dropped."""
        dropped = False
        for name in FILES:
            lines = _content_lines(self.path(name))
            kept = [line for line in lines if not (_is_row(line) and self._names(name, line, word))]
            if len(kept) != len(lines):
                dropped = True
                self._write(name, kept)
        return dropped

    @staticmethod
    def _names(name: str, line: str, word: str) -> bool:
        if name == USERDICT:
            parts = line.split()
            head = " ".join(parts[:-1]) if len(parts) >= 2 and parts[-1].isdigit() else " ".join(parts)
            return fold(head) == word
        cells = _cells(line)
        if name == SYNONYMS:
            return bool(cells) and fold(cells[0]) == word
        return any(fold(cell) == word for cell in cells[1:])

    def _append(self, name: str, row: str) -> None:
        lines = _content_lines(self.path(name)) or [_HEADERS[name].rstrip("\n")]
        self._write(name, [*lines, row])

    def _write(self, name: str, lines: list[str]) -> None:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(self.path(name), ("\n".join(lines) + "\n").encode("utf-8"))
        except OSError as error:
            raise CarbonError(f"cannot write {self.path(name)}: {error.strerror or error}") from error
