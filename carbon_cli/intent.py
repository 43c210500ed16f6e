"""What a question asks for, and the passages that state it.

A question names what it wants with a word that documents also use loosely: 目标
appears in every paragraph that "works toward the targets", but the passage that
answers 双碳意见的目标是什么 is the one stating them (到2025年，…达到…). So the
question's intent is read from the raw query, and among the best hits the passages
of the form that answers it rise (``Tuning.intent_boost``, measured in docs/ranking.md):

- **targets** (目标, 多少, 指标, in a question: 双碳目标 asks nothing): a dated figure,
  到 2025 年 … 达到 / 下降 / 以上 / % …;
- **definition** (什么是, 是什么意思, 含义, 定义, 指什么, what is): a passage that
  defines one of the query's words (所称…（以下简称重点排放单位）, …是指 …).

Only the order of hits already found changes; no passage becomes a hit by its form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Intent:
    name: str
    states: re.Pattern[str]  # in a passage's normalised text


_TARGETS_ASKED = re.compile(r"目标|多少|指标")
_TARGET = re.compile(r"(?:到|至)\s*20\d\d\s*年[^。；]{0,60}?(?:达到|下降|提高|提升|以上|以下|左右|%|控制在)")
_QUESTION = re.compile(r"什么|多少|哪些|怎么|怎样|如何|几|吗|[?？]|what|how")  # 双碳目标 names a concept, asks nothing
_DEFINITION_ASKED = re.compile(r"什么是|是什么意思|含义|定义|指什么|what\s+is|what\s+are")


def names_a_target(word: str) -> bool:
    """Whether a query word is one that asks for a target (目标, 指标, 多少), not what
    the target measures."""
    return _TARGETS_ASKED.fullmatch(word) is not None


def intents_of(normalised_query: str, words: list[str]) -> tuple[Intent, ...]:
    """The intents of a question, with ``words`` its content words."""
    found = []
    if _TARGETS_ASKED.search(normalised_query) and _QUESTION.search(normalised_query):
        found.append(Intent("targets", _TARGET))
    named = [re.escape(w) for w in words if len(w) >= 2]
    if named and _DEFINITION_ASKED.search(normalised_query):
        word = "|".join(named)
        pattern = rf"(?:所称|以下简称|简称)[“\"《]?(?:{word})|(?:{word})[”\"》]?(?:是指|指的是)"
        found.append(Intent("definition", re.compile(pattern)))
    return tuple(found)


def boost(intents: tuple[Intent, ...], normalised_text: str, factor: float) -> float:
    """The factor of a passage for the query's intents: ``factor`` if it states one."""
    return factor if any(i.states.search(normalised_text) for i in intents) else 1.0
