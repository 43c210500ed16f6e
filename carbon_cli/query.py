"""What the user typed, as a structured query.

A forgiving syntax, parsed by :func:`parse_query`, which never raises on any ``str``:

``碳达峰 储能``
    plain terms, separated by whitespace (ASCII or the full-width space U+3000).
    Each term keeps its original characters; segmentation (jieba) happens later,
    in the search module, not here.
``"新型储能"``, ``“碳捕集利用与封存”``, ``「绿色金融」``, ``『…』``, ``＂…＂``
    a phrase, kept whole and matched contiguously. A quote opens a phrase anywhere,
    also in the middle of a token (``储能"新型"`` is the term ``储能`` and the phrase
    ``新型``). ``“`` is closed by ``”`` (or a second ``“``, as some input methods type it).
    **Unbalanced quote**: the rest of the string is the phrase.
``+term``, ``+"phrase"``
    required. ``＋`` (full width) works too.
``-term``, ``-"phrase"``
    excluded. Only a sign at the *start* of a token is an operator: ``CO2-free``,
    ``1+N`` and ``2022—2030`` are plain terms. ``－`` (full width) works too.
    A lone ``+``/``-``, or a sign followed by whitespace, is ignored; in a run of
    signs (``+-碳``) the first one counts and the rest are dropped.
``kind:action``, ``doc:qa``, ``issuer:发改委``, ``type:意见``, ``year:2021``
    filters (the last three on the document's record, see ``records.py``), also
    with a full-width colon (``kind：action``). Field names are ASCII and
    case-insensitive; values are lower-cased. Repeated filters, or
    comma-separated values (``kind:action,principle``), mean OR within the field.
    ``kind:"…"`` takes the quoted text as the value. ``+kind:x`` is the same
    filter; ``-kind:x`` (a negated filter) is not supported and is dropped.
    ``field:value`` with any other field (``http://…``, ``CO2:…``, ``10:30``)
    is a plain term.

Degrading gracefully: control characters are treated as spaces; the invisible
U+200B, U+2060 and U+FEFF are deleted; empty phrases, stray operators, filters
without a value and clauses made only of punctuation (``，`` ``——``) are dropped;
exact duplicate clauses are kept once. The result renders back to a query string
with :meth:`ParsedQuery.to_string`, and ``parse_query(q.to_string()) == q``.

Stdlib only: this module is on the warm path of every search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["Clause", "FIELDS", "Occur", "ParsedQuery", "parse_query"]

Occur = Literal["should", "must", "must_not"]

#: The known filter fields. ``ParsedQuery`` has one tuple per field, in the plural.
FIELDS: tuple[str, ...] = ("kind", "doc", "issuer", "type", "year")

# opener -> the characters that close it
_QUOTES: dict[str, str] = {
    '"': '"',
    "\uff02": "\uff02",  # ＂
    "\u201c": "\u201d\u201c",  # “ … ” (or “ … “)
    "\u300c": "\u300d",  # 「 … 」
    "\u300e": "\u300f",  # 『 … 』
}
# quote pairs used to render a phrase, first one whose closer is absent from the text
_RENDER_QUOTES: tuple[tuple[str, str], ...] = (
    ('"', '"'),
    ("\u201c", "\u201d"),
    ("\u300c", "\u300d"),
    ("\u300e", "\u300f"),
    ("\uff02", "\uff02"),
)
_OPS: dict[str, Occur] = {"+": "must", "\uff0b": "must", "-": "must_not", "\uff0d": "must_not"}
_PREFIX: dict[str, str] = {"should": "", "must": "+", "must_not": "-"}
_COLON = re.compile("[:\uff1a]")
_COMMA = re.compile("[,\uff0c]")
_TOKEN_END = re.compile(r'[\s"\uff02\u201c\u300c\u300e]')
_NEEDS_QUOTES = re.compile(r'[\s"\uff02\u201c\u300c\u300e,\uff0c]')

_TRANSLATE: dict[int, str | None] = {c: " " for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_TRANSLATE.update({0x200B: None, 0x2060: None, 0xFEFF: None})


@dataclass(frozen=True)
class Clause:
    """One term or phrase of a query, with its original characters."""

    text: str  # as typed; never empty, never starts with an operator if not a phrase
    phrase: bool  # True: match ``text`` contiguously; False: segment it, then match
    occur: Occur = "should"  # "should" (scores), "must" (required), "must_not" (excluded)

    def to_string(self) -> str:
        """The clause as query syntax: ``+"新型储能"``, ``-煤炭``, ``储能``."""
        prefix = _PREFIX[self.occur]
        if not self.phrase:
            return prefix + self.text
        return prefix + _quote(self.text)


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: clauses in the order typed, then the filters.

    ``kinds``/``docs``/``issuers``/``types``/``years`` are OR-ed within the field
    (empty: no restriction).
    """

    clauses: tuple[Clause, ...] = ()
    kinds: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    years: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when there is no positive (``should`` or ``must``) clause.

        A query of filters and exclusions only is empty in this sense; the caller
        decides what that means (list the filtered passages, or ask for terms).
        """
        return not any(c.occur != "must_not" for c in self.clauses)

    @property
    def has_filters(self) -> bool:
        return bool(self.kinds or self.docs or self.issuers or self.types or self.years)

    @property
    def positive(self) -> tuple[Clause, ...]:
        """The ``should`` and ``must`` clauses: what scores."""
        return tuple(c for c in self.clauses if c.occur != "must_not")

    @property
    def required(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.occur == "must")

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.occur == "must_not")

    def to_string(self) -> str:
        """Render as query syntax; ``parse_query(q.to_string()) == q``."""
        parts = [c.to_string() for c in self.clauses]
        for field, values in (("kind", self.kinds), ("doc", self.docs), ("issuer", self.issuers), ("type", self.types),
                              ("year", self.years)):
            parts.extend(f"{field}:{_quote(v) if _NEEDS_QUOTES.search(v) else v}" for v in values)
        return " ".join(parts)


def parse_query(raw: str) -> ParsedQuery:
    """Parse what the user typed. Never raises on a ``str`` (anything else is ``str()``-ed)."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    s = raw.translate(_TRANSLATE)
    n = len(s)
    clauses: list[Clause] = []
    seen: set[Clause] = set()
    filters: dict[str, list[str]] = {f: [] for f in FIELDS}

    def add(text: str, phrase: bool, occur: Occur) -> None:
        if not _has_content(text):
            return
        clause = Clause(text, phrase, occur)
        if clause not in seen:
            seen.add(clause)
            clauses.append(clause)

    i = 0
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        occur: Occur = "should"
        if c in _OPS:
            occur = _OPS[c]
            i += 1
            while i < n and s[i] in _OPS:  # "+-碳": stray signs after the first
                i += 1
            if i >= n or s[i].isspace():  # a lone sign
                continue
            c = s[i]
        if c in _QUOTES:
            text, i = _read_phrase(s, i)
            add(text, True, occur)
            continue
        m = _TOKEN_END.search(s, i)
        j = m.start() if m else n
        token, i = s[i:j], j
        field, value = _split_filter(token)
        if field is None:
            add(token, False, occur)
            continue
        if not value and i < n and s[i] in _QUOTES:  # kind:"action"
            value, i = _read_phrase(s, i)
        if occur == "must_not":  # negated filters are not supported
            continue
        bucket = filters[field]
        for v in _COMMA.split(value):
            v = v.strip().lower()
            if v and v not in bucket:
                bucket.append(v)

    return ParsedQuery(tuple(clauses), *(tuple(filters[f]) for f in FIELDS))


def _read_phrase(s: str, i: int) -> tuple[str, int]:
    """The phrase opened by the quote at ``s[i]``: its stripped text and where to go on."""
    closers = _QUOTES[s[i]]
    start = i + 1
    end = -1
    for closer in closers:
        k = s.find(closer, start)
        if k != -1 and (end == -1 or k < end):
            end = k
    if end == -1:  # unbalanced: the rest of the string is the phrase
        return s[start:].strip(), len(s)
    return s[start:end].strip(), end + 1


def _split_filter(token: str) -> tuple[str | None, str]:
    m = _COLON.search(token)
    if m is None:
        return None, ""
    field = token[: m.start()]
    if not field.isascii() or field.lower() not in FIELDS:
        return None, ""
    return field.lower(), token[m.end() :]


def _has_content(text: str) -> bool:
    """Whether ``text`` has a letter, digit or symbol (not only punctuation/marks/spaces)."""
    for ch in text:
        if ch.isalnum() or unicodedata.category(ch)[0] in "LNS":
            return True
    return False


def _quote(text: str) -> str:
    for opener, closer in _RENDER_QUOTES:
        if closer not in text and not (opener == "\u201c" and opener in text):
            return opener + text + closer
    # unreachable for parsed text (a phrase never holds the closer of its own opener)
    return '"' + text.replace('"', " ") + '"'
