"""Document analysis: key terms, a concordance, statistics and export.

Every function works on a *scope*: a list of passages taken from the index
(``scope.select_passages``): a whole document, one passage with the passages nested
under it (a section), all passages of a kind (every action), or any mix of those filters.

- ``keywords``: the key terms of a scope with ``jieba.analyse`` (TF-IDF or
  TextRank), run on the project's tokenizer, stop words and an idf drawn from the
  index (see ``CorpusIdf`` for why).
- ``concordance``: every occurrence of a term with its left and right context,
  matched on the normalised text, located in the original.
- ``statistics`` and ``term_counts``: sizes, vocabulary, frequent terms, and one
  term's frequency in each passage.
- ``export_row``, ``to_jsonl``, ``to_csv``, ``to_markdown``, ``exported``, ``write_atomically``:
  the structured passages for other tools.

Nothing here prints: ``cli/analysis.py`` calls, ``render_analysis.py`` renders. jieba and rich are imported only
by the functions that need them, so ``carbon --help`` and ``carbon export`` stay fast.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sqlite3
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .index import Index
from .model import CarbonError, Passage
from .text import Pipeline

if TYPE_CHECKING:
    import jieba

DEFAULT_TOP = 20
DEFAULT_WIDTH = 30  # terminal cells of context on each side of a concordance line
BULK_CHARS = 150_000  # above this, segment with jieba's whole dictionary in memory (as the index build does)
SECTION_SEPARATOR = " › "
EXPORT_FIELDS = ("id", "doc", "kind", "number", "label", "title", "section", "parent", "start", "end", "text")
# Parts of speech TextRank links: jieba's default (n, ns, vn, v) plus the tags that
# jieba's dictionary gives many words of this field (二氧化碳 and 甲烷 are nz), and
# English words (ccus).
TEXTRANK_POS = ("n", "nz", "ns", "nt", "vn", "v", "eng")
USER_WORD_POS = "nz"  # the part of speech given to user-dictionary words jieba does not tag


# -- matching -----------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a term: ``passage.text[start:end]`` is the text as written."""

    passage: Passage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def source_start(self) -> int:
        """The offset in the source text the document was parsed from."""
        return self.passage.start + self.start

    @property
    def source_end(self) -> int:
        return self.passage.start + self.end


def normalise_term(pipeline: Pipeline, term: str) -> str:
    needle = pipeline.normaliser.normalise(term).strip()
    if not needle:
        raise CarbonError("empty term")
    return needle


def occurrences(pipeline: Pipeline, passages: Iterable[Passage], needle: str) -> list[Occurrence]:
    """Every occurrence of ``needle`` (already normalised), passage by passage.

    The search runs on each passage's normalised text (NFKC, lower case, traditional
    folded to simplified: ``ccus`` finds CCUS, ``碳匯`` finds 碳汇) and every match
    is mapped back to offsets into the original text. Occurrences do not overlap:
    after a match the search goes on from its end, as ``grep -o`` does.
    """
    found: list[Occurrence] = []
    for passage in passages:
        normalised, offsets = pipeline.normaliser.normalise_with_offsets(passage.text)
        at = normalised.find(needle)
        while at >= 0:
            end = at + len(needle)
            if offsets is None:
                found.append(Occurrence(passage, at, end))
            else:
                found.append(Occurrence(passage, offsets[at], offsets[end - 1] + 1))
            at = normalised.find(needle, end)
    return found


# -- concordance --------------------------------------------------------------------


@dataclass(frozen=True)
class ConcordanceLine:
    occurrence: Occurrence
    left: str  # context before the term, at most ``width`` cells, whitespace flattened
    right: str


def concordance(
    pipeline: Pipeline, passages: Iterable[Passage], term: str, width: int = DEFAULT_WIDTH
) -> list[ConcordanceLine]:
    """Key word in context: every occurrence of ``term`` with ``width`` cells either side.

    Context is measured in terminal cells (``rich.cells.cell_len``: a Chinese
    character takes two, a Latin letter one), so that left contexts padded to
    ``width`` cells line up whatever the script. It stays inside the passage.
    """
    needle = normalise_term(pipeline, term)
    lines = []
    for occ in occurrences(pipeline, passages, needle):
        text = occ.passage.text
        left = _context(reversed(text[: occ.start]), width)[::-1]
        right = _context(iter(text[occ.end :]), width)
        lines.append(ConcordanceLine(occ, left, right))
    return lines


def _context(chars: Iterator[str], width: int) -> str:
    """Characters taken in order until ``width`` cells are filled; whitespace runs become one space."""
    from rich.cells import cell_len

    out: list[str] = []
    cells = 0
    for char in chars:
        if flat_space(char):
            if out and out[-1] == " ":
                continue
            char = " "
        size = cell_len(char)
        if cells + size > width:
            break
        out.append(char)
        cells += size
    return "".join(out)


def flat_space(char: str) -> bool:
    """Characters that would break a one-line display: whitespace and control characters."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def flatten(text: str) -> str:
    return "".join(" " if flat_space(char) else char for char in text)


# -- keywords -----------------------------------------------------------------------


class CorpusIdf:
    """An idf table drawn from the index: ``ln(N / df)``, ``df`` counted over passages.

    jieba.analyse ships an idf table computed on a general corpus. For these
    documents it is the wrong yardstick. It does not know most words of the field
    (碳达峰, 碳中和, 碳汇, 负碳, 温室气体, 碳排放, 新型储能 …), so each gets the
    table's median, about 12, the idf of a rare word, whether it fills every passage
    of the user's documents (碳达峰 in the Q&A) or occurs once (碳汇); and the words
    it does know are weighed by how rare they are in general text (储能 10.9),
    not among these documents. With ``df`` taken from the index, a word scores by
    how it sets the scope apart from the other passages the user has: the word one
    action alone uses outranks the one every action repeats, and the weights follow
    the library as documents are added. The formula is jieba's own (the natural log
    of N over df), so the weights keep their meaning; ``df`` comes from the same
    segmentation (the index holds every word of jieba's precise cut), and a word
    the index does not hold gets the median, as jieba does.

    The table is read lazily (TF-IDF only ever calls ``get``), one indexed look-up
    per distinct word of the scope, so a large library is never loaded whole.
    """

    def __init__(self, index: Index) -> None:
        self.conn: sqlite3.Connection = index.conn
        self.n = max(index.n, 1)
        self._memo: dict[str, float | None] = {}

    def idf(self, df: int) -> float:
        return math.log(self.n / min(max(df, 1), self.n))

    def get(self, term: str, default: float | None = None) -> float | None:
        try:
            value = self._memo[term]
        except KeyError:
            row = self.conn.execute("SELECT df FROM terms WHERE term = ?", (term,)).fetchone()
            value = self._memo[term] = self.idf(row[0]) if row else None
        return default if value is None else value

    def median(self) -> float:
        (count,) = self.conn.execute("SELECT count(*) FROM terms").fetchone()
        if not count:
            return self.idf(1)
        (df,) = self.conn.execute("SELECT df FROM terms ORDER BY df LIMIT 1 OFFSET ?", (count // 2,)).fetchone()
        return self.idf(df)


class StopWords(frozenset):
    """The project's stop words and question words; and anything that is not a word.

    jieba.analyse only asks ``word in stop_words`` (and drops words of one
    character itself), so a number (2030), a percentage or a dash (——) is kept out
    here: a key term has at least one letter.
    """

    def __contains__(self, word: object) -> bool:
        return super().__contains__(word) or not (isinstance(word, str) and any(c.isalpha() for c in word))


def stop_words(pipeline: Pipeline, *, boilerplate: bool = False) -> StopWords:
    """What the statistics leave out: the pipeline's stop words and question words;
    with ``boilerplate`` (for keywords), also the verbs and adverbs every official text
    is written with (``data/boilerplate_words.txt``, measured by ``bench/boilerplate.py``),
    which say nothing of what a text is about. Word counts keep them: how often a text
    says 推进 is a fact about it."""
    from .text import boilerplate_words
    from .vocabulary import Vocabulary

    words = pipeline.stop_words | Vocabulary(pipeline).question_words
    return StopWords(words | boilerplate_words() if boilerplate else words)


class _Recorder:
    """A tokenizer that remembers what it cut: the counts come from the extractor's own words."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.words: Counter[str] = Counter()

    def cut(self, sentence: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for token in self.tokenizer.cut(sentence, *args, **kwargs):
            self.words[token if isinstance(token, str) else token.word] += 1
            yield token


@dataclass(frozen=True)
class Keyword:
    term: str  # as written in the text (its most frequent form)
    normalised: str  # as segmented and indexed
    weight: float
    count: int  # occurrences as a word of the scope (jieba's precise cut)


def keywords(
    index: Index, pipeline: Pipeline, passages: Sequence[Passage], method: str = "tfidf", top: int = DEFAULT_TOP
) -> list[Keyword]:
    """The key terms of the passages, best first, with ``jieba.analyse``.

    The extractors run on the project's tokenizer, not jieba's global one, so the
    user dictionary decides the words: 绿色碳汇, CCUS and 碳达峰 stay whole. The
    text is normalised first, as the index is. TF-IDF weights each word by its count
    in the scope times ``CorpusIdf``; TextRank ranks nouns and verbs by their
    co-occurrence within five words and needs no idf.
    """
    if method not in ("tfidf", "textrank"):
        raise CarbonError(f"unknown method {method!r}: tfidf or textrank")
    original = "\n".join(p.text for p in passages)
    normalised, offsets = pipeline.normaliser.normalise_with_offsets(original)
    if not normalised.strip():
        return []
    tokenizer = pipeline.full_tokenizer if len(normalised) > BULK_CHARS else pipeline.lexicon_tokenizer
    stops = stop_words(pipeline, boilerplate=True)
    if method == "tfidf":
        recorder = _Recorder(tokenizer)
        extractor = _tfidf(recorder, stops, CorpusIdf(index))
        ranked = extractor.extract_tags(normalised, topK=top, withWeight=True)
    else:
        recorder = _Recorder(_pos_tokenizer(tokenizer))
        extractor = _textrank(recorder, stops)
        ranked = extractor.textrank(normalised, topK=top, withWeight=True, allowPOS=TEXTRANK_POS)
    return [
        Keyword(_written_form(original, normalised, offsets, word), word, float(weight), recorder.words[word])
        for word, weight in ranked
    ]


def _tfidf(tokenizer: Any, stops: StopWords, idf: CorpusIdf) -> Any:
    from .text import _import_jieba

    _import_jieba()
    from jieba.analyse.tfidf import TFIDF

    # Built without TFIDF.__init__, which would read jieba's own idf table.
    extractor = TFIDF.__new__(TFIDF)
    extractor.tokenizer = tokenizer
    extractor.postokenizer = None  # only used with allowPOS, which is never passed
    extractor.stop_words = stops
    extractor.idf_loader = None
    extractor.idf_freq = idf
    extractor.median_idf = idf.median()
    return extractor


def _textrank(tokenizer: Any, stops: StopWords) -> Any:
    from .text import _import_jieba

    _import_jieba()
    from jieba.analyse.textrank import TextRank

    extractor = TextRank()
    extractor.tokenizer = extractor.postokenizer = tokenizer
    extractor.stop_words = stops
    return extractor


def _pos_tokenizer(tokenizer: jieba.Tokenizer) -> Any:
    """A part-of-speech tokenizer over the project's tokenizer.

    jieba's POSTokenizer would read the parts of speech from jieba's dictionary file
    again; the default one has them in memory already. User-dictionary words jieba
    does not tag get ``nz`` (a proper noun of the field), so that TextRank keeps them.
    """
    from .text import _import_jieba, user_words

    _import_jieba()
    import jieba.posseg

    tags = dict(jieba.posseg.dt.word_tag_tab)
    for word, _ in user_words():
        tags.setdefault(word, USER_WORD_POS)
    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tokenizer
    pos.word_tag_tab = tags
    return pos


def _written_form(original: str, normalised: str, offsets: list[int] | None, word: str) -> str:
    """The way a normalised word is most often written in the original (ccus -> CCUS)."""
    forms: Counter[str] = Counter()
    at = normalised.find(word)
    while at >= 0:
        end = at + len(word)
        start, stop = (at, end) if offsets is None else (offsets[at], offsets[end - 1] + 1)
        forms[original[start:stop]] += 1
        at = normalised.find(word, end)
    return forms.most_common(1)[0][0] if forms else word


# -- statistics ---------------------------------------------------------------------


@dataclass(frozen=True)
class TermCount:
    term: str  # as written (its most frequent form)
    normalised: str
    count: int


@dataclass
class Statistics:
    documents: int
    passages: int
    characters: int
    tokens: int  # words of jieba's precise cut, punctuation and whitespace left out
    vocabulary: int  # distinct tokens
    kinds: dict[str, int] = field(default_factory=dict)  # passages per kind, in order of appearance
    top_terms: list[TermCount] = field(default_factory=list)  # content words (see ``statistics``)


def statistics(pipeline: Pipeline, passages: Sequence[Passage], top: int = DEFAULT_TOP) -> Statistics:
    """Sizes of the scope and its most frequent terms.

    Tokens are the words a reader sees: jieba's precise cut with the user
    dictionary, on the normalised text, without punctuation and whitespace (the
    index also holds the shorter words inside longer ones, so its vocabulary is
    larger). The most frequent terms leave out what ``keywords`` leaves out: stop
    words, question words, single characters and words without a letter. Ties are
    broken alphabetically, so the list is the same on every run.
    """
    original = "\n".join(p.text for p in passages)
    normalised, offsets = pipeline.normaliser.normalise_with_offsets(original)
    counts = _token_counts(pipeline, normalised)
    stops = stop_words(pipeline)
    content = sorted(((w, n) for w, n in counts.items() if len(w) > 1 and w not in stops), key=lambda i: (-i[1], i[0]))
    return Statistics(
        documents=len({p.doc for p in passages}),
        passages=len(passages),
        characters=sum(len(p.text) for p in passages),
        tokens=sum(counts.values()),
        vocabulary=len(counts),
        kinds=dict(Counter(p.kind for p in passages)),
        top_terms=[TermCount(_written_form(original, normalised, offsets, w), w, n) for w, n in content[:top]],
    )


def _token_counts(pipeline: Pipeline, normalised: str) -> Counter[str]:
    """The words of a normalised text (jieba's precise cut), punctuation left out."""
    tokenizer = pipeline.full_tokenizer if len(normalised) > BULK_CHARS else pipeline.lexicon_tokenizer
    return Counter(w for w in tokenizer.cut(normalised) if any(c.isalnum() for c in w))


@dataclass
class GroupedCounts:
    """Term counts by group (issuer, year, document, type): the word-frequency-by-year
    table of policy text analysis. ``rows``: each term with its count in each group."""

    by: str
    groups: list[str]
    passages: dict[str, int]  # passages in each group
    rows: list[tuple[TermCount, dict[str, int]]]


def statistics_by(
    pipeline: Pipeline,
    passages: Sequence[Passage],
    by: str,
    groups_of: Mapping[str, Sequence[str]],
    top: int = DEFAULT_TOP,
    terms: Sequence[str] = (),
) -> GroupedCounts:
    """The most frequent terms of the scope (or ``terms``), counted in each group.

    ``groups_of`` gives each document's groups: a joint document belongs to each of
    its issuers, so the groups' counts can add up to more than a term's total.
    Groups are in the order of their names (years oldest first).
    """
    members: dict[str, list[Passage]] = {}
    for passage in passages:
        for group in groups_of.get(passage.doc, ()):
            members.setdefault(group, []).append(passage)
    counts = {
        group: _token_counts(pipeline, pipeline.normaliser.normalise("\n".join(p.text for p in inside)))
        for group, inside in members.items()
    }
    if terms:
        everywhere = _token_counts(pipeline, pipeline.normaliser.normalise("\n".join(p.text for p in passages)))
        chosen = [TermCount(t, n, everywhere[n]) for t, n in ((t, normalise_term(pipeline, t)) for t in terms)]
    else:
        chosen = statistics(pipeline, passages, top).top_terms
    rows = [(term, {group: counts[group][term.normalised] for group in sorted(members)}) for term in chosen]
    return GroupedCounts(by, sorted(members), {g: len(members[g]) for g in sorted(members)}, rows)


def term_counts(
    pipeline: Pipeline, passages: Sequence[Passage], term: str, kinds: Sequence[str]
) -> list[tuple[Passage, int]]:
    """How often ``term`` occurs in each passage of ``kinds``, counting what is nested under it.

    A count is the number of lines ``carbon kwic TERM ID`` shows for that passage's
    id: the occurrences in the passage and in the passages under it (a safeguard's
    heading and its paragraph).
    """
    needle = normalise_term(pipeline, term)
    units = [p for p in passages if p.kind in kinds]
    parents = {p.id: p.parent for p in passages}
    wanted = {p.id for p in units}
    found: Counter[str] = Counter()
    for occ in occurrences(pipeline, passages, needle):
        pid: str | None = occ.passage.id
        while pid is not None:
            if pid in wanted:
                found[pid] += 1
            pid = parents.get(pid)
    return [(p, found[p.id]) for p in units]


# -- export -------------------------------------------------------------------------


def export_row(passage: Passage) -> dict[str, Any]:
    """Every field of a passage, in ``EXPORT_FIELDS`` order; ``section`` a list."""
    return {
        "id": passage.id,
        "doc": passage.doc,
        "kind": passage.kind,
        "number": passage.number,
        "label": passage.label,
        "title": passage.title,
        "section": list(passage.section),
        "parent": passage.parent,
        "start": passage.start,
        "end": passage.end,
        "text": passage.text,
    }


def to_jsonl(passages: Iterable[Passage]) -> str:
    """One JSON object per line, one line per passage."""
    return "".join(json.dumps(export_row(p), ensure_ascii=False) + "\n" for p in passages)


def to_csv(passages: Iterable[Passage]) -> str:
    """A header and one row per passage; ``section`` joined with " › ", no number left empty.

    Quoting is the csv module's (RFC 4180): a text with commas, quotes or line
    breaks stays one cell. Lines end in CRLF, as spreadsheets expect.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    for p in passages:
        row = export_row(p)
        row["section"] = SECTION_SEPARATOR.join(row["section"])
        writer.writerow(["" if row[key] is None else row[key] for key in EXPORT_FIELDS])
    return out.getvalue()


HEADING_KINDS = frozenset({"heading", "question"})
ITEM_KINDS = frozenset({"item", "action", "principle", "guarantee"})


def to_markdown(passages: Sequence[Passage], documents: Sequence[dict]) -> str:
    """The outline as Markdown: a document is ``#``, headings and questions ``##`` and
    deeper by nesting (down to ``######``), enumerated items (actions, principles,
    safeguards …) list items, everything else paragraphs. What sits under an item
    is indented into it. A passage whose parent is not exported starts at the top.
    The document title line itself is not repeated under the ``#`` heading.
    """
    titles = {d["id"]: d["title"] for d in documents}
    included = {p.id for p in passages}
    children: dict[str | None, list[Passage]] = {}
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        if p.parent in included:
            children.setdefault(p.parent, []).append(p)
        else:
            by_doc.setdefault(p.doc, []).append(p)
    blocks: list[tuple[str, str | None]] = []  # (markdown, the indent of a one-line list item or None)

    def add(text: str, tight: str | None = None) -> None:
        blocks.append((text, tight))

    def emit(p: Passage, level: int, indent: str) -> None:
        lines = [line.strip() for line in p.text.splitlines() if line.strip()] or [""]
        below = children.get(p.id, [])
        if p.kind in HEADING_KINDS and not indent:
            hashes = "#" * min(level, 6)
            if len(lines) == 1 and len(lines[0]) <= 80:
                add(f"{hashes} {_md_inline(lines[0])}")
            else:  # a heading that carries a paragraph: its title, then the text
                add(f"{hashes} {_md_inline(p.label + (p.title or lines[0][:40]))}")
                for line in lines:
                    add(_md_paragraph(line, indent))
            for child in below:
                emit(child, level + 1, indent)
            return
        if p.kind in ITEM_KINDS or p.kind in HEADING_KINDS:  # a heading inside an item is an item too
            first, rest = lines[0], lines[1:]
            add(f"{indent}- {_md_paragraph(first, '')}", None if rest or below else indent)
            for line in rest:
                add(_md_paragraph(line, indent + "  "))
            for child in below:
                emit(child, level, indent + "  ")
            return
        if p.kind == "title" and p.title == titles.get(p.doc):
            return
        for line in lines:
            add(_md_paragraph(line, indent))
        for child in below:
            emit(child, level, indent)

    for doc in [d["id"] for d in documents if d["id"] in by_doc]:
        add(f"# {_md_inline(titles.get(doc) or doc)}")
        for p in by_doc[doc]:
            emit(p, 2, "")
    out: list[str] = []
    previous: str | None = None
    for text, tight in blocks:
        if out:  # one-line items of one list follow each other; everything else is a block apart
            out.append("\n" if tight is not None and tight == previous else "\n\n")
        out.append(text)
        previous = tight
    return "".join(out) + "\n" if out else ""


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|"})


def _md_inline(text: str) -> str:
    """Text that Markdown shows as it is: its markup characters escaped."""
    return text.translate(_MD_SPECIAL)


def _md_paragraph(line: str, indent: str) -> str:
    """One line of text as a paragraph; a start that Markdown would read as a block is escaped."""
    escaped = _md_inline(line)
    head = escaped[:1]
    if head and head in "#>+-":
        escaped = "\\" + escaped
    else:
        digits = len(escaped) - len(escaped.lstrip("0123456789"))
        if digits and escaped[digits : digits + 1] in (".", ")"):
            escaped = escaped[:digits] + "\\" + escaped[digits:]
    return indent + escaped


def encode(text: str, bom: bool = False) -> bytes:
    """UTF-8 bytes, with the byte-order mark spreadsheets look for when ``bom``."""
    data = text.encode("utf-8", "replace")
    return b"\xef\xbb\xbf" + data if bom else data


EXPORT_FORMATS = ("jsonl", "csv", "markdown")


def exported(passages: Sequence[Passage], fmt: str, documents: Sequence[dict], bom: bool = True) -> bytes:
    """The bytes ``carbon export`` writes: ``fmt`` one of ``EXPORT_FORMATS``; ``bom``
    applies to CSV only, the format spreadsheets open."""
    if fmt == "csv":
        return encode(to_csv(passages), bom=bom)
    if fmt == "markdown":
        return encode(to_markdown(passages, documents))
    if fmt == "jsonl":
        return encode(to_jsonl(passages))
    raise CarbonError(f"unknown format {fmt!r}: {', '.join(EXPORT_FORMATS)}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that it holds the old content or the new, never a part.

    A temporary file in the same folder is written, flushed to disk and renamed over
    ``path``. A new file gets the permissions the umask gives; a replaced one keeps its own.
    """
    path = path.expanduser()
    if path.is_dir():
        raise CarbonError(f"{path} is a folder")
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as error:
        raise CarbonError(f"cannot write {path}: {error.strerror or error}") from error
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise CarbonError(f"cannot write {path}: {error.strerror or error}") from error
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise CarbonError(f"cannot write {path}: {error.strerror or error}") from error
        raise
