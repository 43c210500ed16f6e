"""The names a document goes by, and the documents a query names.

At index time each document yields its names (:func:`derive`), all from its own text,
never from a list of known documents:

- its title as parsed (中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见);
- the titles inside 《》 in it (《科技支撑碳达峰碳中和实施方案(2022—2030年)》答记者问), also
  without a closing parenthesis of years;
- the part after 关于 (加快推动新型储能发展的指导意见) and, where a notice forwards a
  document (关于印发 2030 年前碳达峰行动方案的通知), the forwarded title;
- its 文号 (发改能源规〔2021〕1051号, also from a number line such as （国发〔2021〕23 号）);
- an alias its opening passages declare for it: （以下简称《实施方案》）.

A name's kind is the 文种 word it ends with (``data/doc_kinds.txt``: 指导意见, 实施方案,
条例 …). In a query (:meth:`Names.recognise`) a document is named by

- one of its names, written out (spaces, quotes and 《》 do not matter);
- a short form: words of its names followed by a kind word it ends with, in one word
  (储能意见, 双碳意见 through the synonym 双碳 = 碳达峰碳中和, 天津碳达峰条例) or as
  separate words before the kind (发改委 储能 意见: issuer, topic, kind);
- a kind word of four characters or more standing alone (实施方案, 行动方案): every
  document of that kind, several when it is ambiguous.

A recognised name is taken out of the query: its words stop counting as content, and
the rest of the query is searched in the documents it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from .doc_kinds import BRACKETS, LOOSE, compact, doc_kinds, may_name
from .model import Document

_INNER_TITLE = re.compile(r"《([^《》]{4,80})》")
_YEARS = re.compile(r"[(（][^()（）]*\d{4}[^()（）]*[)）]$")
_AFTER_GUANYU = re.compile(r"关于(.{4,80})$")
_FORWARDED = re.compile(r"^(?:印发|转发|发布)(.{4,80}?)的(?:通知|决定)$")
_ISSUE_NUMBER = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,10}〔\d{4}〕\d{1,4}号")
_ALIAS = re.compile(r"以下简称[“\"]?《([^《》]{2,20})》")
OPENING = 3  # passages at a document's start looked at for its number and its alias
MIN_PREFIX_WORDS = 2  # words left before a kind when leading query words are not part of the name


@dataclass(frozen=True)
class Name:
    doc: str
    form: str  # compact, normalised
    how: str  # "title", "《》 title", "after 关于", "forwarded title", "文号", "alias"


def derive(doc: Document, normalise: Callable[[str], str]) -> list[Name]:
    """The names of one document, from its title, metadata and opening passages.

    A teaser (a truncated news item) has none: its title is its first words."""
    found: dict[str, str] = {}
    if doc.truncated:
        return []

    def add(text: str, how: str) -> None:
        form = compact(normalise(text))
        if len(form) >= 2 and form not in found:
            found[form] = how

    title = _up_to_kind(compact(normalise(doc.title)))
    add(title, "title")
    for inner in _INNER_TITLE.findall(doc.title):
        add(inner, "《》 title")
        add(_YEARS.sub("", compact(normalise(inner))), "《》 title")
    after = _AFTER_GUANYU.search(title)
    if after:
        add(after.group(1), "after 关于")
        forwarded = _FORWARDED.match(after.group(1))
        if forwarded:
            add(forwarded.group(1), "forwarded title")
    opening = [p.text for p in doc.passages[:OPENING]]
    for value in [*doc.meta.values(), *opening]:
        for number in _ISSUE_NUMBER.findall(compact(normalise(value))):
            add(number, "文号")
    for alias in _ALIAS.findall(" ".join(opening)):
        add(alias, "alias")
    return [Name(doc.id, form, how) for form, how in found.items()]


def _up_to_kind(title: str) -> str:
    """A title that runs on past its kind word (中华人民共和国节约能源法1997年11月1日…通过,
    a law's title joined with its history) is cut after the first kind word; a title
    ending with one is kept whole."""
    kinds = doc_kinds()
    if title.endswith(kinds):
        return title
    ends = [title.find(kind) + len(kind) for kind in kinds if kind in title]
    return title[: min(ends)] if ends else title


@dataclass(frozen=True)
class Reference:
    """Documents a query names, and how."""

    docs: tuple[str, ...]
    text: str  # the query's words that named them, normalised
    how: str


@dataclass(frozen=True)
class Recognised:
    rest: str  # the query without the names, normalised; "" when nothing was named
    references: tuple[Reference, ...]

    @property
    def docs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d for r in self.references for d in r.docs))


class Names:
    """The names of a library's documents, and what a query names of them.

    ``words`` cuts a piece of the query into its content words (question words left
    out); ``synonyms`` gives a word's equivalents (双碳 → 碳达峰碳中和)."""

    def __init__(
        self,
        names: Iterable[Name],
        words: Callable[[str], list[str]],
        synonyms: Callable[[str], Sequence[str]],
    ) -> None:
        self.names = list(names)
        self.words = words
        self.synonyms = synonyms
        self.kinds = doc_kinds()

    @cached_property
    def _forms(self) -> list[Name]:
        # a name that is only a kind word (the alias 《实施方案》) names by kind, as a short form
        named = (n for n in self.names if len(n.form) >= 4 and n.form not in self.kinds)
        return sorted(named, key=lambda n: -len(n.form))

    @cached_property
    def _text(self) -> dict[str, str]:
        """doc -> all its names, one string to find a word in."""
        text: dict[str, list[str]] = {}
        for name in self.names:
            text.setdefault(name.doc, []).append(name.form)
        return {doc: "\n".join(forms) for doc, forms in text.items()}

    @cached_property
    def _of_kind(self) -> dict[str, tuple[str, ...]]:
        """kind word -> the documents one of whose names ends with it (意见: 指导意见 too)."""
        found: dict[str, dict[str, None]] = {}
        for name in self.names:
            for kind in self.kinds:
                if name.form.endswith(kind):
                    found.setdefault(kind, {})[name.doc] = None
        return {kind: tuple(docs) for kind, docs in found.items()}

    def recognise(self, normalised: str) -> Recognised:
        """The documents a (normalised) query names, and the query without their names."""
        if not self.names or not may_name(normalised):
            return Recognised("", ())
        chars = list(normalised)
        syntax = _syntax_mask(normalised)
        free = [not s for s in syntax]
        references = [*self._full_names(chars, free), *self._short_forms(chars, free)]
        if not references:
            return Recognised("", ())
        rest = "".join(c if keep or s else " " for c, keep, s in zip(chars, free, syntax))
        return Recognised(" ".join(rest.split()), tuple(references))

    # -- names written out ------------------------------------------------------

    def _full_names(self, chars: list[str], free: list[bool]) -> list[Reference]:
        found: list[Reference] = []
        for name in self._forms:
            while True:
                span = _find_compact(chars, free, name.form)
                if span is None:
                    break
                docs = tuple(dict.fromkeys(n.doc for n in self._forms if n.form == name.form))
                found.append(Reference(docs, name.form, name.how))
                _consume(free, _with_frame(chars, span))
        return found

    # -- short forms ------------------------------------------------------------

    def _short_forms(self, chars: list[str], free: list[bool]) -> list[Reference]:
        found: list[Reference] = []
        chunks = _chunks(chars, free)
        for number, (start, end) in enumerate(chunks):
            text = "".join(chars[start:end])
            for kind in self.kinds:
                at = text.find(kind)
                if at < 0 or kind not in self._of_kind:
                    continue
                reference = self._named_by(kind, chars, free, chunks, number, start, at)
                if reference is not None:
                    found.append(reference)
                break
        return found

    def _named_by(
        self,
        kind: str,
        chars: list[str],
        free: list[bool],
        chunks: list[tuple[int, int]],
        number: int,
        start: int,
        at: int,
    ) -> Reference | None:
        """The reference a kind word makes at ``start + at`` in chunk ``number``."""
        prefix = "".join(chars[start : start + at])
        kind_span = (start + at, start + at + len(kind))
        if prefix:
            docs = self._by_words(prefix, kind)
            if not docs:
                return None
            _consume(free, (start, kind_span[1]))
            return Reference(docs, prefix + kind, "short form")
        words_before: list[tuple[int, int]] = []
        docs = self._of_kind[kind]
        for before in reversed(chunks[:number]):
            piece = "".join(chars[before[0] : before[1]])
            narrowed = tuple(d for d in docs if self._holds_all(d, self.words(piece)))
            if not narrowed or not self.words(piece):
                break
            docs, words_before = narrowed, [before, *words_before]
        if not words_before and len(kind) < 4:
            return None
        for span in [*words_before, kind_span]:
            _consume(free, span)
        named = " ".join("".join(chars[a:b]) for a, b in [*words_before, kind_span])
        return Reference(docs, named, "short form" if words_before else "kind")

    def _by_words(self, prefix: str, kind: str) -> tuple[str, ...]:
        """Documents of ``kind`` whose names hold the prefix's words: all of them, or at
        least two closing ones (出台 科技 支撑 碳达峰碳中和: the last three)."""
        whole = prefix + kind
        docs = self._of_kind[kind]
        by_synonym = tuple(d for d in docs if any(s in self._text[d] for s in [whole, *self.synonyms(whole)]))
        if by_synonym:
            return by_synonym
        if len(kind) < 2:
            return ()
        words = self.words(prefix)
        for first in range(len(words)):
            tail = words[first:]
            if first and len(tail) < MIN_PREFIX_WORDS:
                break
            matched = tuple(d for d in docs if self._holds_all(d, tail))
            if matched:
                return matched
        return ()

    def _holds_all(self, doc: str, words: Sequence[str]) -> bool:
        text = self._text.get(doc, "")
        return bool(words) and all(any(w in text for w in [word, *self.synonyms(word)]) for word in words)


def _syntax_mask(text: str) -> list[bool]:
    """Per character: whether it belongs to a query operator or filter token (-零碳,
    +甲烷, kind:action), which names never span."""
    mask = [False] * len(text)
    for match in re.finditer(r"\S+", text):
        token = match.group()
        if token[0] in "+-＋－" or re.match(r"^[a-z]+[:：]", token):
            for i in range(match.start(), match.end()):
                mask[i] = True
    return mask


def _chunks(chars: list[str], free: list[bool]) -> list[tuple[int, int]]:
    """Spans of free, non-space characters: the query's words as typed."""
    spans, start = [], None
    for i, (c, keep) in enumerate(zip(chars, free)):
        inside = keep and not c.isspace()
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(chars)))
    return spans


def _find_compact(chars: list[str], free: list[bool], form: str) -> tuple[int, int] | None:
    """Span of the query where ``form`` is written, loose characters skipped."""
    positions = [i for i, c in enumerate(chars) if free[i] and not LOOSE.match(c)]
    text = "".join(chars[i] for i in positions).translate(BRACKETS)
    at = text.find(form)
    if at < 0:
        return None
    return positions[at], positions[at + len(form) - 1] + 1


def _with_frame(chars: list[str], span: tuple[int, int]) -> tuple[int, int]:
    """A name's span with what frames it: the 《》 or quotes around it, a 关于 before it."""
    start, end = span
    if "".join(chars[max(start - 2, 0) : start]) == "关于":
        start -= 2
    if start > 0 and chars[start - 1] in "《“\"「『":
        start -= 1
    if end < len(chars) and chars[end] in "》”\"」』":
        end += 1
    return start, end


def _consume(free: list[bool], span: tuple[int, int]) -> None:
    for i in range(*span):
        free[i] = False
