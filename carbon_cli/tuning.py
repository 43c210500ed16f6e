"""Every weight of the ranking, in one place (BM25's own parameters are ``rank.Params``).

A ``Tuning`` is handed to the parts that weigh: the query plan (``plan.py``), the
vocabulary's expansions (``vocabulary.py``) and the scorer's priors and
coordination (``scoring.py``). The defaults are what ``carbon search`` and
``carbon eval`` use; ``bench/compare_ranking.py`` measures other values by building
other ``Tuning``s, never by changing these. How each value was chosen:
docs/ranking.md. The priors of passages that rarely answer (cut fragments, contents
lines) are decided when a document is indexed and stored with it (``priors.py``): a
change to them is a change to the index, which its build key covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

# Lines that name or frame content rank below the content itself: a heading is short, so
# BM25's length normalisation would otherwise put it above the paragraphs it introduces.
FRAMING = ("heading", "title", "question", "number", "addressee", "signature", "date", "attachment", "note")
FRAMING_PRIORS: Mapping[str, float] = MappingProxyType(dict.fromkeys(FRAMING, 0.6))


# A NamedTuple, not a frozen dataclass: it is made at import on every call, where a
# dataclass costs more (docs/performance.md, "Costs the code is shaped by").
class Tuning(NamedTuple):
    # -- the query's own words (plan.py)
    subword: float = 0.3  # a dictionary word inside a longer query word
    common_part: float = 0.2  # share of the passages above which such a word is not looked for
    fallback: float = 0.5  # a fragment unknown to the index, matched inside longer terms
    loose: float = 0.5  # one word of a multi-word translation, found without the others
    # -- expansions (vocabulary.py)
    synonym: float = 0.6
    related: float = 0.4  # a broader, narrower or neighbouring term: below a synonym
    english: float = 0.9  # a translation: below the literal word, above a synonym
    kind: float = 1.0  # the items of the kind a query names are what it asks for
    # -- priors and coordination (scoring.py)
    kind_prior: Mapping[str, float] = FRAMING_PRIORS  # kind -> factor
    # An item that is only its title (（十七）鼓励地方先行先试。) frames the paragraph below
    # it like a heading, and that paragraph carries the item's title and kind as index terms.
    title_line_prior: float = 0.6
    # A heading that carries its body on its line (（十）推进绿色低碳建造。大力发展装配式建筑…,
    # 第十五条 本市对重点排放单位实施…) is content, not a frame: its first paragraph is in it.
    carrying_heading_prior: float = 1.0
    coordination: bool = True  # scale a score by the share of the query's concepts it covers
    # a query word in the titles of at most this share of the documents covers its concept
    # for every passage of those documents (scoring.py, ``_covered_by_titles``); 0: off
    title_share: float = 0.1
    # -- targets (search.py): a query naming a year (单位国内生产总值能耗 2025) looks at its
    # best ``target_pool`` hits for a quantified target of that year whose indicator holds
    # the query's words; those that state one rank up by ``target_prior`` (docs/ranking.md, "Targets")
    target_pool: int = 20
    target_prior: float = 1.5
    # -- questions (intent.py): a question asking for targets or a definition (目标是多少,
    # 什么是) looks at its best ``intent_pool`` hits; those that state one rise by ``intent_boost``
    intent_pool: int = 100
    intent_boost: float = 1.6


DEFAULT = Tuning()
