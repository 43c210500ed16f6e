"""The outline of a Chinese official document: plain text to ``Document``s.

``parse_documents(text, doc_id, teaser_prefix=None)`` is a pure function (no I/O,
no jieba) that never raises on a ``str``: whatever the input, it returns a list of
``Document`` whose passages satisfy ``text[p.start:p.end] == p.text``, come in
reading order, never overlap and have ids unique within their document.

What is recognised
------------------
* One paragraph per line (``\\n``, ``\\r\\n`` or ``\\r``), blank lines or not;
  surrounding whitespace (incl. U+3000 and zero-width characters) is trimmed from
  every span. A text hard-wrapped at a PDF's page width (many full lines that
  end mid-sentence) is joined back into paragraphs, across page numbers.
  Markdown marks (``## 一、``, ``**（一）…。**``, ``- ``, ``> ``, ``---``) are
  looked through; text in traditional characters is read alike for the
  semantic kinds and interview questions.
* Front matter: a title line (up to three wrapped title lines are joined; an
  agency header such as ``国家能源局文件`` above the number gives way to the real
  title below it and becomes a ``note``), a document number line
  (``发改能源规〔2021〕1051号``, ``第19号``, also stored as ``meta["文号"]``), a date
  line right under the title (``（2021年9月22日）``) and an addressee line, possibly
  wrapped over two (``各省、自治区、直辖市…：``).
* Closings: date line (``2021年7月15日``, ``二〇二一年七月十五日``) with the
  signature lines just above it (agency names, ``部长 某某``), at the end or where a
  印发 notice closes before the document it issues; that document's title is a
  second ``title``. Notes: ``（此件公开发布）``, contact lines (``联系人：``), the
  printing block (``抄送：…``, ``…日印发``). Attachments: a block (``附件：`` /
  ``附件下载:`` followed by file names or a numbered list), and ``附件1`` labels
  that open an attached text with its own title (its headings nest afresh).
* Page metadata left by web reprints goes into ``Document.meta`` and into no
  passage: table lines (``| 索 引 号： | … |``), ``key：value`` lines such as
  ``来源：新华社``, ``发布时间：…``, ``访问次数：…`` (several on one line, or led
  by a time stamp or a site name), a key alone on its line with its value on the
  next, breadcrumbs, page numbers and page furniture (``字号 大 中 小``,
  ``【打印】``, ``分享到`` and its buttons, ``上一篇：``, ``关闭窗口`` …).
* Ordinals, by family (the first seen family is the outer level; a family that is
  already open closes back to its level; a family ranked shallower than the open
  one closes the deeper ones):
  ``第一章/第一节/第一条``, ``一、 一． 一.``, ``（一） (一)``, ``1. 1． 1、``,
  ``1) 1）``, ``（1） (1)``, ``① …``, boxes ``专栏1`` (headings, never semantic
  items), and the list markers ``——``, ``一是``, ``第一，`` which are always
  leaves. An ordinal alone on its line (``一、`` / ``（三）``) is joined with the
  next line into one heading.
* Inline enumerations ``一是…二是…三是…`` and ``第一，…第二，…`` inside one
  paragraph, and an article's or heading's ``…：（一）…；（二）…``, are split into
  one passage each (exact sub-spans of the paragraph); the text before the first
  stays a paragraph (or the heading it belongs to).
* Titled paragraphs: runs of at least two sibling paragraphs whose first sentence
  is a short title (``统筹规划、多元发展。加强顶层设计…``) become items. A paragraph
  after a clause list (``（一）…；（二）…。``) belongs to what holds the list.
* The Q&A form (``一、…？`` question lines, ``问：…`` lines answered by ``答：…``,
  or at least two bare ``…？`` lines, each followed by answers): an intro, then
  question / answer pairs, see ids below.
* A text ending in news teasers (lines cut off with ``......`` / ``……``) yields one
  extra ``Document`` per teaser (``truncated=True``, a single passage ``news``).

Kinds
-----
title, number (the document number line), addressee, preamble, heading (an
ordinal line that is a heading alone, or that has children), item (an
enumerated or titled paragraph without children), paragraph, signature, date,
attachment; for the Q&A form intro, question, answer; news for teasers; and the
semantic kinds:

* ``action``: enumerated (or titled) items whose title ends in 行动, except a
  heading that groups two or more of them (``三、碳达峰十大行动``);
* ``principle``: items directly under a heading whose title names principles
  (工作原则 / 基本原则 / 编制原则 …; plain paragraphs count there when it has no
  items, and so do the ``坚持…`` sentences of an item ``（二）工作原则。坚持…。坚持…``
  written as one paragraph), or after a lead paragraph ending in ``…原则：`` up to
  the next plain paragraph;
* ``guarantee``: items directly under a heading whose title is about safeguards
  and implementation (保障措施, 政策保障, 组织实施, 组织保障, 规划实施, 工作要求,
  确保…落实 …; plain paragraphs count there when it has no items and its title names
  the section: 保障措施, 组织实施, 工作要求 …).

Semantic items are numbered 1..n in reading order within the document and
``number`` is that n; other enumerated passages carry the ordinal's value.

Ids
---
Every id is ``{doc}/{local}``:

* ``title``, ``number``, ``addressee``, ``preamble``, ``signature``, ``date``,
  ``attachment``, ``note`` (closing notes and agency headers, kind paragraph), ``intro`` (Q&A),
  ``news`` (teaser documents);
* semantic items: ``action/N``, ``principle/N``, ``guarantee/N``;
  Q&A: ``question/N`` and ``answer/N`` (N = the question's ordinal);
* everything else by its outline path: numbered ordinals give their value, the
  first segment prefixed with ``s`` (``s3`` for 三、, ``s3.5`` for （五） under it,
  ``s3.5.2`` for 2. under that); paragraphs ``p{k}`` (k-th paragraph child of the
  same parent: ``s3.5.p1``; top-level ones ``p1``); ``——`` items ``d{k}``;
  ``一是`` items ``i{n}`` (``s4.i2``); boxes ``box{n}``. The path of a semantic item or of a
  question is still used for its children (``s6.15.p1`` under guarantee 1).
* A repeated id (a misnumbered document) gets ``-2``, ``-3`` … appended.

Titles
------
``title_of(text_after_ordinal)``: the text up to the first sentence or clause
punctuation (。，,；;：:？?！!), at most 60 characters, line breaks dropped.
Questions keep their whole text without the ordinal (or ``问：``) and the final
question mark. The document title is the first title run; else ``meta["标题"]``; else, for the Q&A form,
``《X》答记者问`` with X the first 《…》 of the intro (so the shipped seed gets
``《科技支撑碳达峰碳中和实施方案(2022—2030年)》答记者问``); else the first clause
of the first passage, shortened. A teaser's title is its first clause (ordinal
dropped), at most 30 characters.
"""

from __future__ import annotations

from collections.abc import Callable

from carbon_cli.model import Document, Passage

from .front_back import mark_front_back
from .kinds import mark_kinds
from .lines import lines_of, split_teasers
from .marks import cn_number, title_of
from .page_meta import mark_meta
from .passages import emit_passages
from .state import State
from .teasers import teaser_document
from .tree import build_tree

__all__ = ["PASSES", "cn_number", "parse_documents", "title_of"]

# The passes, in order; each reads what the ones before it left in the State.
PASSES: tuple[Callable[[State], None], ...] = (
    mark_meta,  # lines and page metadata
    mark_front_back,  # front matter and closings
    build_tree,  # the tree of headings and items, no semantic rules
    mark_kinds,  # the semantic kinds
    emit_passages,  # passages
)


def _fallback(text: str, doc_id: str) -> list[Document]:
    lines = lines_of(text)
    if not lines:
        return []
    ps = [Passage(f"{doc_id}/p{i + 1}", doc_id, "paragraph", None, "", "", None, (), ln.start, ln.end, ln.text)
          for i, ln in enumerate(lines)]
    return [Document(doc_id, title_of(lines[0].text, 30), lines[0].start, lines[-1].end, ps)]


def parse_documents(text: str, doc_id: str, teaser_prefix: str | None = None) -> list[Document]:
    """Parse ``text`` into its main document and any trailing news teasers.

    Returns [] for a text without content. Never raises on a ``str``.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        return _parse(text, doc_id, teaser_prefix)
    except Exception:  # noqa: BLE001  # pragma: no cover - last resort; the parser is meant not to get here
        return _fallback(text, doc_id)


def _parse(text: str, doc_id: str, teaser_prefix: str | None) -> list[Document]:
    main, teasers = split_teasers(lines_of(text))
    docs: list[Document] = []
    if main:
        state = State(text, doc_id, main, main[0].start, main[-1].end)
        for run in PASSES:
            run(state)
        if state.passages or state.meta:
            docs.append(Document(doc_id, state.title, state.start, state.end, state.passages, False, state.meta))
    for i, ln in enumerate(teasers, 1):
        tid = f"{teaser_prefix}-{i:02d}" if teaser_prefix else f"{doc_id}-news-{i:02d}"
        docs.append(teaser_document(text, ln, tid))
    return docs
