"""What people type, mapped to the words of the documents.

Curated files in ``data/`` (see ``docs/vocabulary.md``), joined by the user's own
``synonyms.tsv`` and ``glossary_en.tsv`` in CARBON_HOME (``user_vocab.py``):

- ``synonyms.tsv``: groups of equivalent terms and abbreviations (CCUS and
  碳捕集利用与封存, 双碳 and 碳达峰碳中和). A query for one also searches the others,
  at a lower weight, so a passage with the literal words ranks first.
- ``related.tsv``: broader, narrower and neighbouring terms of a query word (碳税 →
  碳定价, 税收), searched below its synonyms.
- ``glossary_en.tsv``: English phrases of the field with their Chinese renderings;
  the longest phrase found in the query wins (``carbon capture`` before ``carbon``).
- ``question_words.txt``: 怎么, 哪些, 吗 … and English function words, dropped from
  queries so that a natural question is searched by its content words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .indexing import kind_term, run_text
from .resources import data_file
from .section_words import query_words
from .text import Pipeline
from .tuning import DEFAULT, Tuning

MEMO_SIZE = 4096  # normalised strings remembered: the data files' words and recent queries'
_ENGLISH_WORD = re.compile(r"[a-z0-9]+(?:[-'+][a-z0-9]+)*")
# Words whose final s is not a plural ending (ccus, gas, status, analysis, economics …
# are caught by the rules of ``_singular``; these are the exceptions the rules miss).
_NOT_PLURAL = frozenset({"news", "series", "species", "means", "lens", "always", "perhaps", "does", "goes"})
_IRREGULAR = {"gases": "gas", "buses": "bus", "analyses": "analysis"}


def _singular(word: str) -> str:
    """An English word's singular, for matching glossary phrases: emissions → emission,
    technologies → technology, batteries → battery, processes → process. Short words,
    abbreviations in -us (ccus) and words in -ss, -is, -us, -ics keep their s."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if (
        len(word) <= 3
        or not word.endswith("s")
        or word.endswith(("ss", "us", "is", "ics"))
        or word in _NOT_PLURAL
        or not word.isalpha()
    ):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def english_key(text: str) -> tuple[str, ...]:
    """The glossary key of normalised (lower-case) English text: its words, hyphenated
    compounds split (low-carbon = low carbon) and plurals folded (emissions = emission)."""
    return tuple(_singular(part) for word in _ENGLISH_WORD.findall(text) for part in word.split("-") if part)


@dataclass(frozen=True)
class Expansion:
    text: str  # Chinese (or English) text to search for as well
    weight: float
    note: str  # where it came from, for --explain and no-hit messages
    concept: str  # the part of the query it stands for: expansions of one concept never add up
    loose: bool = False  # a translation: its words also count one by one, at a lower weight
    kind: bool = False  # ``text`` is a kind's index term, not words to segment


def _rows(name: str) -> list[list[str]]:
    try:
        lines = data_file(name).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    rows = []
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t") if cell.strip()])
    return rows


class Vocabulary:
    """Query-side knowledge: question words, synonyms and the English glossary."""

    def __init__(self, pipeline: Pipeline, tuning: Tuning = DEFAULT) -> None:
        self.pipeline = pipeline
        self.tuning = tuning
        self._normalised: dict[str, str] = {}

    def normalise(self, text: str) -> str:
        """The matching form of a word or a query, each string normalised once: the
        data files repeat their words, and a query plan asks for the same strings again."""
        found = self._normalised.get(text)
        if found is None:
            if len(self._normalised) >= MEMO_SIZE:
                self._normalised.clear()
            found = self._normalised[text] = self.pipeline.normaliser.normalise(text)
        return found

    @cached_property
    def question_words(self) -> frozenset[str]:
        """The words of question_words.txt, whose lines may end in a ``#`` comment."""
        words = (row[0].split("#", 1)[0].strip() for row in _rows("question_words.txt") if row)
        return frozenset(self.normalise(word) for word in words if word)

    @cached_property
    def synonym_groups(self) -> list[tuple[str, ...]]:
        rows = _rows("synonyms.tsv") + self._user_rows("synonyms.tsv")
        return [tuple(self.normalise(term) for term in row) for row in rows if len(row) > 1]

    def _user_rows(self, name: str) -> list[list[str]]:
        """The rows the user keeps in their home's file of that name (``user_vocab.py``,
        imported only when the file is there)."""
        if self.pipeline.user_dir is None or not (self.pipeline.user_dir / name).is_file():
            return []
        from .user_vocab import UserVocabulary

        return UserVocabulary(self.pipeline.user_dir).rows(name)

    @cached_property
    def related(self) -> list[tuple[frozenset[str], tuple[str, ...]]]:
        """(the words that call a row: its head and the head's synonyms, the related terms)."""
        groups = {term: group for group in self.synonym_groups for term in group}
        rows = []
        for row in _rows("related.tsv"):
            if len(row) > 1:
                head = self.normalise(row[0])
                rows.append((frozenset(groups.get(head, (head,))), tuple(self.normalise(term) for term in row[1:])))
        return rows

    @cached_property
    def kind_words(self) -> list[tuple[str, str]]:
        """(word, kind): 保障措施 asks for guarantees (section_words.tsv), 重点任务 for actions."""
        words = query_words() + [(word, row[0]) for row in _rows("kind_words.tsv") for word in row[1:]]
        return [(self.normalise(word), kind) for word, kind in words]

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every Chinese term of the synonyms and related terms: words a query may use
        that no document of the library need contain."""
        rows = [*self.synonym_groups, *(terms for _, terms in self.related), *(heads for heads, _ in self.related)]
        return frozenset(term for row in rows for term in row)

    @cached_property
    def glossary(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for row in _rows("glossary_en.tsv") + self._user_rows("glossary_en.tsv"):
            if len(row) < 2:
                continue
            # an ASCII key's matching form is its lower case: the normaliser, OpenCC
            # included, would give the same for each of the glossary's thousand rows
            key = english_key(row[0].lower() if row[0].isascii() else self.normalise(row[0]))
            if key:
                table[key] = tuple(dict.fromkeys(table.get(key, ()) + tuple(row[1:])))
        return table

    def written_phrases(self) -> list[tuple[str, str]]:
        """(phrase, anchor) of every expansion of several index terms the vocabulary
        can add to a query, as the scorer looks for it in a text (``run_text``), with
        the term a passage must hold to hold it: what an index records as written
        (``indexing.Phrases``). An expansion that is one term needs no record."""
        texts = {term for row in self.synonym_groups for term in row}
        texts.update(term for _, terms in self.related for term in terms)
        texts.update(self.normalise(zh) for renderings in self.glossary.values() for zh in renderings)
        shared: dict[str, set[str]] = {}  # 碳达峰、碳中和 and 碳达峰碳中和 are one phrase
        for text in sorted(texts):
            members, phrase = self.content_terms(text), run_text(text)
            if phrase and len(members) > 1 and phrase not in members:
                shared[phrase] = shared[phrase] & set(members) if phrase in shared else set(members)
        # the anchor is a word of every expansion written so (a passage without it holds none of
        # them), the rarest in jieba's dictionary: the fewer passages hold it, the fewer are read
        frequency = self.pipeline.lexicon.get
        return [(phrase, min(words, key=lambda w: (frequency(w) or 0, -len(w), w)))
                for phrase, words in sorted(shared.items()) if words]

    @cached_property
    def _longest_phrase(self) -> int:
        return max((len(key) for key in self.glossary), default=0)

    def content_terms(self, text: str) -> list[str]:
        """The query's words as the index holds them, question words left out."""
        words = list(dict.fromkeys(self.pipeline.terms(text)))
        content = [word for word in words if word not in self.question_words]
        return content or words  # a query of question words alone is searched as typed

    def query_terms(self, text: str) -> tuple[list[str], list[str]]:
        """The query's whole words (jieba's precise cut) and the words inside them.

        Both lists hold index terms: the index is cut in search mode, which yields
        the whole words and their parts alike.
        """
        every = self.content_terms(text)
        whole = [w for w in self.pipeline.terms(text, precise=True) if w in every]
        return whole, [w for w in every if w not in whole]

    def expand(self, text: str, literal: list[str]) -> list[Expansion]:
        """Synonyms of what the text contains, and the Chinese of its English phrases."""
        normalised = self.normalise(text)
        expansions: list[Expansion] = []
        for group in self.synonym_groups:
            present = [term for term in group if term in normalised or term in literal]
            if not present:
                continue
            for term in group:
                if term not in present:
                    expansions.append(Expansion(term, self.tuning.synonym, f"synonym of {present[0]}", present[0]))
        whole = self.pipeline.terms(text, precise=True)
        for heads, terms in self.related:
            present = [head for head in heads if self._names(head, normalised, whole)]
            if present:
                note = f"related to {present[0]}"
                expansions.extend(Expansion(term, self.tuning.related, note, present[0]) for term in terms)
        for phrase, renderings in self._english_phrases(normalised):
            for zh in renderings:
                expansions.append(Expansion(zh, self.tuning.english, f"english: {phrase}", phrase, loose=True))
                for group in self.synonym_groups:  # one hop further: the Chinese term's synonyms
                    if self.normalise(zh) in group:
                        weight = self.tuning.english * self.tuning.synonym
                        expansions.extend(Expansion(t, weight, f"english: {phrase} → {zh}", phrase) for t in group)
                for heads, terms in self.related:  # and its related terms: carbon tax is in no text
                    if self.normalise(zh) in heads:
                        weight = self.tuning.english * self.tuning.related
                        source = f"english: {phrase} → {zh}, related"
                        expansions.extend(Expansion(t, weight, source, phrase) for t in terms)
        for word, kind in self.kind_words:
            if word in normalised:
                note = f"{kind} items ({word})"
                expansions.append(Expansion(kind_term(kind), self.tuning.kind, note, word, kind=True))
        best: dict[str, Expansion] = {}
        for expansion in expansions:
            key = self.normalise(expansion.text)
            if key not in best or expansion.weight > best[key].weight:
                best[key] = expansion
        return list(best.values())

    @staticmethod
    def _names(term: str, normalised: str, whole: list[str]) -> bool:
        """Whether the query names ``term``: as one of its words, or across several,
        but not as a piece of a longer word (碳排放 is not named by 碳排放权)."""
        if term in whole:
            return True
        return term in normalised and not any(term in word for word in whole)

    def _english_phrases(self, normalised: str) -> list[tuple[str, tuple[str, ...]]]:
        """Glossary phrases in the text, longest first, words not reused."""
        words = english_key(normalised)
        found = []
        at = 0
        while at < len(words):
            for size in range(min(self._longest_phrase, len(words) - at), 0, -1):
                key = tuple(words[at : at + size])
                if key in self.glossary:
                    found.append((" ".join(key), self.glossary[key]))
                    at += size
                    break
            else:
                at += 1
        return found
