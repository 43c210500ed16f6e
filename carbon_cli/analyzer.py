"""What carbon makes of a text: ``carbon analyze`` (Elasticsearch's ``_analyze``).

The first thing to run when a word is not found. It shows the three steps every
document and every query go through, with the same code that indexing and searching
use, so what it shows is what happens:

1. normalisation for matching (NFKC, Latin case, traditional to simplified), each
   character keeping its offset into the text as typed;
2. segmentation: jieba's precise cut, each word with the dictionary it came from
   (the user's own, the project's, jieba's, or none: a word jieba's HMM guessed), and
   whether it is a stop word; then the terms the index stores for it (search mode,
   which adds the dictionary words inside longer words);
3. the query made of the text: its whole words and their parts, the expansions
   (synonyms, related terms, English renderings, kind words) with their weights, and
   how many passages of the library hold each term.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .index import Index
from .query import parse_query
from .search import Searcher
from .text import Pipeline, user_words
from .user_vocab import UserVocabulary

SOURCES = ("user", "carbon", "jieba", "guessed")


@dataclass
class Token:
    """One word of jieba's precise cut, placed in the text as typed."""

    word: str  # normalised, as segmented
    text: str  # as typed
    start: int
    end: int
    source: str  # one of SOURCES
    stop: bool  # a stop word or punctuation: never indexed

    def as_json(self) -> dict[str, object]:
        return {"word": self.word, "text": self.text, "start": self.start, "end": self.end,
                "source": self.source, "stop": self.stop}


@dataclass
class QueryTerm:
    """A term a search for the text looks up, and why."""

    term: str
    weight: float
    source: str
    passages: int  # how many passages of the library hold it

    def as_json(self) -> dict[str, object]:
        return {"term": self.term, "weight": round(self.weight, 4), "source": self.source, "passages": self.passages}


@dataclass
class Analysis:
    text: str
    normalised: str
    tokens: list[Token]
    index_terms: list[str]  # what a passage of this text is indexed under
    query_terms: list[QueryTerm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "normalised": self.normalised,
            "tokens": [t.as_json() for t in self.tokens],
            "index_terms": self.index_terms,
            "query": {"terms": [t.as_json() for t in self.query_terms], "notes": self.notes},
        }


def _original_span(offsets: list[int] | None, start: int, end: int, length: int) -> tuple[int, int]:
    """Offsets into the typed text of normalised characters ``start:end``."""
    if offsets is None:
        return start, end
    first = offsets[start] if start < len(offsets) else length
    last = offsets[end - 1] + 1 if end - 1 < len(offsets) else length
    return first, last


class Analyzer:
    """Analyses texts against one pipeline (and, for the query part, one index)."""

    def __init__(self, pipeline: Pipeline, index: Index | None = None) -> None:
        self.pipeline = pipeline
        self.index = index
        home = UserVocabulary(pipeline.user_dir).words() if pipeline.user_dir is not None else []
        self._user = {word for word, _ in home}
        self._project = {word for word, _ in user_words()}

    def source(self, word: str) -> str:
        """Which dictionary a word of the cut came from."""
        if word in self._user:
            return "user"
        if word in self._project:
            return "carbon"
        if self.pipeline.lexicon.get(word):
            return "jieba"
        return "guessed"

    def analyze(self, text: str) -> Analysis:
        normalised, offsets = self.pipeline.normaliser.normalise_with_offsets(text)
        indexed = set(self.pipeline.segment(normalised, precise=True))
        tokens = []
        at = 0
        for word in self.pipeline.segmenter.cut(normalised):
            start, end = _original_span(offsets, at, at + len(word), len(text))
            at += len(word)
            if word.isspace():
                continue
            tokens.append(Token(word, text[start:end], start, end, self.source(word), word not in indexed))
        analysis = Analysis(text, normalised, tokens, list(dict.fromkeys(self.pipeline.segment(normalised))))
        if self.index is not None:
            self._add_query(analysis)
        return analysis

    def _add_query(self, analysis: Analysis) -> None:
        assert self.index is not None
        searcher = Searcher(self.index, self.pipeline)
        _, terms, stats, notes = searcher.prepare(parse_query(analysis.text))
        rows = {(t.term, t.weight, t.source): t for t in terms}  # a group's words repeat per wording
        analysis.query_terms = [
            QueryTerm(t.term, t.weight, t.source, stats.get(t.term, (0, 0))[1]) for t in rows.values()
        ]
        analysis.notes = notes
