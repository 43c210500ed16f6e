"""A query's plan: what is looked for, built once from the parsed query.

- **literal terms**: each query word at full weight, and the shorter dictionary
  words jieba's search mode finds inside it (利用 in 碳捕集利用与封存) at
  ``Tuning.subword``, so that the whole word decides the ranking;
- **expansions**: synonyms, related terms, English translations and kind items of
  the query (``vocabulary.py``), each a group with its own id whose words must all
  be present; a loose translation's words also form groups of their own, each
  naming the group it is an alternative to;
- **conditions**: the matching form of each phrase, required and excluded word,
  checked against every hit's text.

Every string is normalised once, through ``Vocabulary.normalise``. What needs the
index (fragments it does not know, parts too common to look for) is added by
``Searcher.plan`` on top of this plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .query import ParsedQuery
from .scoring import Term
from .vocabulary import Expansion, Vocabulary


@dataclass
class QueryPlan:
    tokens: list[str]  # the segmented query: the literal terms, in order
    terms: list[Term]  # the literal terms, then the expansions (``group`` > 0)
    conditions: list[tuple[str, bool]]  # (matching form, whether it must be present)
    notes: list[str] = field(default_factory=list)  # what was tried, for a no-hit suggestion


def build_plan(parsed: ParsedQuery, vocabulary: Vocabulary) -> QueryPlan:
    """The plan of ``parsed``: literal words, expansions, conditions."""
    tokens, literal, free_text = _literal(parsed, vocabulary)
    typed = " ".join(free_text)
    expansions = _Expansions(vocabulary, literal, vocabulary.normalise(typed))
    for expansion in vocabulary.expand(typed, tokens):
        expansions.add(expansion)
    terms = [*literal.values(), *expansions.terms]
    return QueryPlan(tokens, terms, _conditions(parsed, vocabulary), expansions.notes)


def _literal(parsed: ParsedQuery, vocabulary: Vocabulary) -> tuple[list[str], dict[str, Term], list[str]]:
    """The query's words, the words inside them, and the text typed outside phrases."""
    weight = vocabulary.tuning.subword
    tokens: list[str] = []
    literal: dict[str, Term] = {}
    free_text: list[str] = []
    for clause in parsed.clauses:
        if clause.occur == "must_not":
            continue
        whole, parts = vocabulary.query_terms(clause.text)
        source = "phrase" if clause.phrase else "query"
        for word in whole:
            literal[word] = Term(word, 1.0, source, word, concept=word)
        for word in parts:
            parent = next((w for w in whole if word in w), word)
            note = f"{source} (part of {parent})"
            literal.setdefault(word, Term(word, weight, note, word, concept=parent, part=True))
        tokens.extend(w for w in [*whole, *parts] if w not in tokens)
        if not clause.phrase:
            free_text.append(clause.text)
    return tokens, literal, free_text


class _Expansions:
    """The expansion groups of one query, numbered from 1 in the order they are added."""

    def __init__(self, vocabulary: Vocabulary, literal: dict[str, Term], typed: str) -> None:
        self.vocabulary = vocabulary
        self.literal = literal
        self.typed = typed  # the matching form of the text typed outside phrases
        self.wholes = [t.term for t in literal.values() if t.concept == t.term]
        self.terms: list[Term] = []
        self.notes: list[str] = []
        self.groups = 0
        self.seen: set[tuple[str, frozenset[str], str]] = set()
        self.spanning: list[str] = []  # concepts typed as several query words: 新能源汽车 is 新能源 + 汽车

    def _group(self, note: str) -> int:
        self.groups += 1
        self.notes.append(note)
        return self.groups

    def add(self, expansion: Expansion) -> None:
        """One expansion as a group of terms, unless it adds nothing to the query."""
        vocabulary = self.vocabulary
        # 原则 found inside the query word 工作原则 stands for that word: its kind
        # items are another way to satisfy 工作原则, not a further concept to cover
        within = next((w for w in self.wholes if expansion.concept in w), expansion.concept)
        expansion = replace(expansion, concept=within)
        if within not in self.wholes and within in self.typed and not within.isascii() and within not in self.spanning:
            self.spanning.append(within)
        members = [expansion.text] if expansion.kind else vocabulary.content_terms(expansion.text)
        written = vocabulary.normalise(expansion.text)
        key = (expansion.concept, frozenset(members), written)
        if not members or all(w in self.literal for w in members) or key in self.seen:
            return
        self.seen.add(key)
        spans = within in self.spanning and not expansion.kind  # kind items are no wording of it
        covered_by = tuple(vocabulary.query_terms(within)[0]) if spans else ()
        group = self._group(f"{expansion.note}: {expansion.text}")
        target = "" if expansion.kind else written
        self.terms.extend(
            Term(w, expansion.weight, expansion.note, target, group, expansion.concept, covered_by=covered_by)
            for w in members
        )
        if expansion.loose:
            self._loose(expansion, group, covered_by)

    def _loose(self, expansion: Expansion, alternative: int, covered_by: tuple[str, ...]) -> None:
        """A translation's words one by one, each its own group, alternatives to the whole."""
        whole = self.vocabulary.pipeline.terms(expansion.text, precise=True)
        weight = expansion.weight * self.vocabulary.tuning.loose
        note = f"{expansion.note} (word of {expansion.text})"
        for word in whole if len(whole) > 1 else []:
            group = self._group(f"{expansion.note}: {word}")
            self.terms.append(Term(word, weight, note, word, group, expansion.concept, alternative, covered_by))


def _conditions(parsed: ParsedQuery, vocabulary: Vocabulary) -> list[tuple[str, bool]]:
    """(matching form, whether it must be present) of each phrase, required and
    excluded word: what ``search`` checks each hit's text for."""
    conditions = []
    for clause in parsed.clauses:
        needle = vocabulary.normalise(clause.text).strip()
        if needle and (clause.phrase or clause.occur != "should"):
            conditions.append((needle, clause.occur != "must_not"))
    return conditions
