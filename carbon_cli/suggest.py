"""Did you mean: homophone typos corrected against the index's own vocabulary.

Chinese is typed by its sound, so the typos that reach a search box are mostly a
character of the same pinyin, whatever its tone (碳达封 for 碳达峰, 储能备按 for 储能备案,
灵活姓改造 for 灵活性改造), or of a sound the input methods' fuzzy pinyin lets a user
confuse (楞源 for 能源: n/l; 琴能 for 氢能: in/ing). A query piece that is not a word of
the index, where changing one character to one of the same toneless pinyin gives a
word of the index, is searched as that word; failing that, one of a near sound, then
two neighbouring characters swapped (达碳峰); the correction is reported (stderr,
and ``corrections`` in the JSON). No dictionary of typos: the candidates are the
index's own terms, so a library is corrected toward what it says.

Only pieces made of whole words of jieba's cut, at least one of them a single
character or a word neither the index nor the query vocabulary knows, are looked at:
a query of known words is never changed (住建部 is a synonym, not a typo of 组建).
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LONGEST = 6  # characters of a piece looked at


@dataclass(frozen=True)
class Correction:
    typed: str  # as normalised
    searched: str


def _sound(char: str) -> str:
    """A character's common reading in toneless pinyin (峰 and 封: feng), the first of
    pypinyin's (its rare ones would make 以 sound like 是: yi, si); empty for a
    character pypinyin does not know."""
    readings = _readings().get(str(ord(char)))
    return _toneless(readings.split(",")[0]) if readings else ""


def _toneless(reading: str) -> str:
    """zhòng -> zhong, lǜ -> lv: the tone marks dropped and ü written v, as pypinyin's
    toneless style writes them (绿 lv is not 路 lu)."""
    decomposed = unicodedata.normalize("NFKD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """pypinyin's table of every character's readings (code point -> "zhòng,chóng"),
    read from its data file without importing pypinyin: the import builds a phrase
    segmenter and loads a phrase table (0.45 s a query), which one character's sound
    does not need; a version without the file is imported."""
    spec = importlib.util.find_spec("pypinyin")
    folders = spec.submodule_search_locations if spec is not None else None
    table = Path(folders[0]) / "pinyin_dict.json" if folders else None
    if table is not None and table.is_file():
        loaded: dict[str, str] = json.loads(table.read_text(encoding="utf-8"))
        return loaded
    from pypinyin.pinyin_dict import pinyin_dict

    return {str(code): readings for code, readings in pinyin_dict.items()}


class Corrector:
    """Corrects a normalised query against the index's terms.

    ``known(term)`` is a term's document frequency, 0 when the index lacks it
    (a word of the query vocabulary counts as known);
    ``like(pattern)`` lists (term, df) of the index terms matching a LIKE pattern
    (``_`` one character); ``words(text)`` is jieba's precise cut."""

    def __init__(
        self,
        known: Callable[[str], int],
        like: Callable[[str], list[tuple[str, int]]],
        words: Callable[[str], Sequence[str]],
    ) -> None:
        self.known = known
        self.like = like
        self.words = words

    def correct(self, normalised: str) -> tuple[str, list[Correction]]:
        """The query with its typos corrected, and the corrections made."""
        corrections: list[Correction] = []
        out = normalised
        for run in _CJK_RUN.finditer(normalised):
            for typed, searched in self._run(run.group()):
                corrections.append(Correction(typed, searched))
                out = out.replace(typed, searched, 1)
        return out, corrections

    def _run(self, run: str) -> list[tuple[str, str]]:
        """Corrections inside one run of Chinese characters, longest pieces first."""
        uncovered, bounds = self._uncovered(run)
        if not uncovered:
            return []
        found: list[tuple[str, str]] = []
        taken = [False] * len(run)
        for size in range(min(LONGEST, len(run)), 1, -1):
            for start in range(len(run) - size + 1):
                span = range(start, start + size)
                if start not in bounds or start + size not in bounds:
                    continue  # a piece never splits a word of the cut
                if any(taken[i] for i in span) or not any(i in uncovered for i in span):
                    continue
                piece = run[start : start + size]
                if self.known(piece):
                    continue
                better = self._homophone(piece, [i - start for i in span if i in uncovered])
                if better:
                    found.append((piece, better))
                    for i in span:
                        taken[i] = True
        return found

    def _uncovered(self, run: str) -> tuple[set[int], set[int]]:
        """Positions jieba left as single characters or put in a word the index lacks,
        and the word boundaries of its cut."""
        positions: set[int] = set()
        bounds, at = {0}, 0
        for word in self.words(run):
            if len(word) < 2 or not self.known(word):
                positions.update(range(at, at + len(word)))
            at += len(word)
            bounds.add(at)
        return positions, bounds

    def _homophone(self, piece: str, positions: list[int]) -> str | None:
        """The index term ``piece`` most likely stands for, with one character (at one of
        ``positions``) changed: to one of the same sound, the most used such term;
        else to one of a sound the pinyin input methods confuse (``near_sound``); else
        two neighbouring characters swapped (达碳峰)."""
        best: tuple[bool, int, str] | None = None  # (same sound, df, term)
        for i in positions:
            pattern = piece[:i] + "_" + piece[i + 1 :]
            typed = _sound(piece[i])
            for term, df in self.like(pattern):
                if len(term) != len(piece) or term == piece or not typed:
                    continue
                sound = _sound(term[i])
                same = sound == typed
                if (same or near_sound(sound) == near_sound(typed)) and (best is None or (same, df) > best[:2]):
                    best = (same, df, term)
        if best is not None:
            return best[2]
        return self._swapped(piece, positions)

    def _swapped(self, piece: str, positions: list[int]) -> str | None:
        """``piece`` with two neighbouring characters, one of them at ``positions``,
        swapped, if that is an index term."""
        for i in range(len(piece) - 1):
            if (i in positions or i + 1 in positions) and piece[i] != piece[i + 1]:
                swapped = piece[:i] + piece[i + 1] + piece[i] + piece[i + 2 :]
                if self.known(swapped):
                    return swapped
        return None


# The fuzzy syllables (模糊音) that pinyin input methods let a user turn on, because
# speakers of many dialects do not tell them apart: the initials z/zh, c/ch, s/sh, n/l,
# f/h, r/l and the finals an/ang, en/eng, in/ing, ian/iang, uan/uang (Sogou, Microsoft
# and Google Pinyin list the same pairs). A syllable is folded to one of each pair.
_NEAR_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l"))
_NEAR_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


def near_sound(syllable: str) -> str:
    """A toneless syllable with the sounds pinyin input methods confuse folded together
    (zhong and zong, neng and leng, qing and qin: one form each)."""
    for initial, folded in _NEAR_INITIALS:
        if syllable.startswith(initial):
            syllable = folded + syllable[len(initial):]
            break
    for final, folded in _NEAR_FINALS:
        if syllable.endswith(final):
            return syllable[: -len(final)] + folded
    return syllable
