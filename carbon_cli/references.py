"""The documents a passage cites: every 《…》, and the names it can be resolved by.

Found at index time and stored with the citing passage (``index.py``'s ``refs``
table), so ``carbon refs`` and ``carbon cited-by`` only look rows up. A citation is
resolved at query time, against the names every document of the library is known by
(the ``names`` table), so adding the cited document later resolves it without
re-reading the citing one.

A document is known by:

- its full title (``中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见``);
- its title without the issuers before 关于 (``关于完整准确全面贯彻…的意见``): the short
  title a Q&A or a later plan cites it by;
- either of those without a trailing parenthesised note (``（试行）``, ``（2022—2030年）``);
- the title a covering notice carries (``国务院关于印发2030年前碳达峰行动方案的通知``
  is also ``2030年前碳达峰行动方案``).

An alias declared in the citing document (``《科技支撑碳达峰碳中和实施方案（2022—2030年）》
（以下简称《实施方案》）``) stands for the full name everywhere in that document, so
``《实施方案》`` resolves where the full title does.

Names are compared in a key form: normalised as the text pipeline does (width, case,
traditional characters), without spaces, punctuation or 《》〈〉, so a PDF's
``2030 年前`` and a web page's ``2030年前`` are one name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .model import Passage
from .records import DocRecord, bare_title

Normalise = Callable[[str], str]

_CITED = re.compile(r"《([^《》\n]{1,200})》")
_ALIAS = re.compile(
    r"\s*[（(]\s*(?:以下|下文|后文)?(?:统?称|简称)(?:为)?\s*[《“\"「]([^》”\"」\n]{1,60})[》”\"」]\s*[）)]"
)
_ISSUER_PREFIX = re.compile(r"^.+?(?=关于)")


@dataclass(frozen=True)
class Citation:
    """One 《…》 in a passage: offsets ``[start, end)`` into the passage's text, the
    brackets included; ``key`` is the name it stands for (an alias's full name)."""

    passage: str
    start: int
    end: int
    cited: str  # as written, inside the brackets
    key: str
    alias_of: str | None  # the full title, when ``cited`` is an alias declared in the document


def name_key(name: str, normalise: Normalise | None = None) -> str:
    """The form names are compared in: no spaces, punctuation or title marks."""
    text = normalise(name) if normalise else unicodedata.normalize("NFKC", name).lower()
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZSC")


def citations(passages: Sequence[Passage], normalise: Normalise | None = None) -> list[Citation]:
    """Every 《…》 of a document's passages, aliases resolved to their full names.

    The 《…》 of an alias's own declaration is part of the declaration, not a citation.
    """
    aliases: dict[str, tuple[str, str]] = {}  # alias key -> (full key, full title)
    declarations: set[tuple[str, int]] = set()
    for passage in passages:
        for match in _CITED.finditer(passage.text):
            declared = _ALIAS.match(passage.text, match.end())
            if declared:
                full = match.group(1)
                aliases.setdefault(name_key(declared.group(1), normalise), (name_key(full, normalise), full))
                inner = _CITED.search(passage.text, match.end(), declared.end())
                if inner:
                    declarations.add((passage.id, inner.start()))
    found = []
    for passage in passages:
        for match in _CITED.finditer(passage.text):
            if (passage.id, match.start()) in declarations:
                continue
            key = name_key(match.group(1), normalise)
            full_key, full = aliases.get(key, (key, None))
            found.append(Citation(passage.id, match.start(), match.end(), match.group(1), full_key, full))
    return found


def names(record: DocRecord, normalise: Normalise | None = None) -> dict[str, str]:
    """The keys a document is known by, each with how (title, short title, carried)."""
    found: dict[str, str] = {}

    def add(name: str | None, how: str) -> None:
        for form in (name, bare_title(name)) if name else ():
            key = name_key(form, normalise)
            if key:
                found.setdefault(key, how)

    title = " ".join(record.title.split())
    add(title, "title")
    short = _ISSUER_PREFIX.sub("", title)
    if short != title:
        add(short, "short title")
    add(record.forwards, "carried")
    return found


def graph(citations: Iterable[dict], documents: Sequence[dict]) -> dict[str, list[dict]]:
    """The citation graph of a library: every document a node, one edge per citing
    and cited document (self-citations aside), with how many passages cite and which."""
    nodes = [
        {"id": d["id"], "title": d["title"], "doc_type": (d.get("record") or {}).get("doc_type"),
         "date": (d.get("record") or {}).get("date_written") or (d.get("record") or {}).get("date_published")}
        for d in documents
    ]
    found: dict[tuple[str, str], dict] = {}
    for citation in citations:
        for target in citation["targets"]:
            if target["doc"] == citation["doc"]:
                continue
            edge = found.setdefault(
                (citation["doc"], target["doc"]),
                {"source": citation["doc"], "target": target["doc"], "citations": 0, "passages": []},
            )
            edge["citations"] += 1
            if citation["passage"] not in edge["passages"]:
                edge["passages"].append(citation["passage"])
    return {"nodes": nodes, "edges": list(found.values())}


def to_dot(network: dict[str, list[dict]]) -> str:
    """Graphviz: ``dot -Tsvg`` draws it. Titles are the labels, citation counts the edges'."""
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'

    lines = ["digraph citations {", "  node [shape=box];"]
    lines += [f"  {quoted(n['id'])} [label={quoted(n['title'])}];" for n in network["nodes"]]
    lines += [f"  {quoted(e['source'])} -> {quoted(e['target'])} [label={e['citations']}];" for e in network["edges"]]
    return "\n".join([*lines, "}"]) + "\n"


def to_csv(network: dict[str, list[dict]]) -> str:
    """The edges as CSV: source, target, citations, passages (separated by spaces)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "target", "citations", "passages"])
    for edge in network["edges"]:
        writer.writerow([edge["source"], edge["target"], edge["citations"], " ".join(edge["passages"])])
    return out.getvalue()
