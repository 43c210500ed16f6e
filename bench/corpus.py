"""A large corpus of policy documents recombined from real text, for the scale benchmark.

The project ships about 16,000 characters of real Chinese policy text (the seed and
``tests/fixtures/*.txt``). A benchmark of 1,000 documents needs about 10 million, with
the structure the outline parser reads and a vocabulary that grows with the corpus, as
a real collection's does. Every document is built the same way, from a seeded random
generator, so the corpus is identical on every run:

- **material**: every sentence of the sources (split at 。！？；), cut into clauses at
  ，; every heading title (一、… and （一）… lines, 第X章 chapters, —— items) and every
  ``…行动`` action name of the seed;
- **sentences**: two to four clauses drawn from different real sentences, joined with
  ，and ended with 。; years (20xx) and percentages are redrawn; 我省 / 我市 / 全省 /
  全市 / 本市 become the document's region, and one sentence in four names a place;
- **places and organisations**: place names (``ns``) and organisation names (``nt``)
  of jieba's dictionary, so region names, cities and signatories vary between
  documents the way they do in a real collection (about 4,000 and 2,000 distinct words);
- **structure**: a title (region + a real heading + 实施方案 / 行动方案 / 指导意见 …),
  sometimes a 文号, an opening paragraph, ``一、总体要求`` with （一）指导思想,
  （二）工作原则 as —— items and （三）主要目标, ``二、重点任务`` with
  （一）… task items (titles from the real headings, bodies of one to three
  paragraphs, some with 1．2．3． sub-items), further 三、… parts titled with real
  headings while the document is shorter than its length, then ``保障措施`` with （一）… safeguards, ``组织实施``, a signature and a date;
- **lengths**: log-normal (median about 8,000 characters, from about 2,000 to 40,000),
  scaled so that ``n`` documents hold ``n`` x 10,000 characters.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "seeds" / "000_2c374d999f13170b.txt", *sorted((ROOT / "tests" / "fixtures").glob("*.txt"))]
CHARS_PER_DOC = 10_000

_CN_NUM = "一二三四五六七八九十"
_HEADING = re.compile(r"^[一二三四五六七八九十]+、\s*(.{2,30}?)\s*$")
_ITEM = re.compile(r"^（[一二三四五六七八九十]+）\s*(.{2,30}?)(?:[。：:]|$)")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十]+章\s*(.{2,20})$")
_DASH = re.compile(r"^——(.{2,20}?)。")
_ACTION = re.compile(r"[一二三四五六七八九十]是([^，。,]{4,30}行动)")
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_LOCAL = re.compile(r"我省|我市|全省|全市|本市|本省")
_YEAR = re.compile(r"20[2-6]\d(?=年)")
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")
DOC_TYPES = ("实施方案", "行动方案", "指导意见", "工作方案", "实施意见", "三年行动计划", "专项规划")


@dataclass(frozen=True)
class Material:
    """What documents are recombined from: real clauses, headings, places, organisations."""

    clauses: list[list[str]]  # per real sentence, its clauses
    headings: list[str]
    items: list[str]
    principles: list[str]
    places: list[str]
    organisations: list[str]


def _jieba_words(tag: str, min_freq: int) -> list[str]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == tag and int(parts[1]) >= min_freq and len(parts[0]) >= 2:
            words.append(parts[0])
    return sorted(words)


def load_material() -> Material:
    """Read the real sources once; the lists are sorted so the corpus is reproducible."""
    clauses: list[list[str]] = []
    headings: set[str] = set()
    items: set[str] = set()
    principles: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for raw in text.splitlines():
            line = raw.strip().replace("　", " ")
            if not line or line.startswith("|"):
                continue
            for pattern, bucket in ((_HEADING, headings), (_CHAPTER, headings), (_ITEM, items), (_DASH, principles)):
                match = pattern.match(line)
                if match:
                    bucket.add(match.group(1).strip())
            items.update(m.group(1) for m in _ACTION.finditer(line))
            if len(line) < 25:
                continue
            body = re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|——|\d+[．.、])", "", line)
            for sentence in _SENTENCE.findall(body):
                parts = [p.strip() for p in re.split(r"[，,]", sentence.rstrip("。！？；!?;")) if p.strip()]
                parts = [p for p in parts if 3 <= len(p) <= 60]
                if parts:
                    clauses.append(parts)
    return Material(
        clauses=clauses,
        headings=sorted(h for h in headings if not h.endswith(("?", "？"))),
        items=sorted(items),
        principles=sorted(p for p in principles if "，" not in p),
        places=_jieba_words("ns", 20),
        organisations=_jieba_words("nt", 5),
    )


class Writer:
    """Writes one document of about ``target`` characters."""

    def __init__(self, material: Material, rng: random.Random, target: int) -> None:
        self.m = material
        self.rng = rng
        self.target = target
        self.region = rng.choice(material.places)
        self.cities = rng.sample(material.places, 12)
        self.lines: list[str] = []
        self.size = 0

    def emit(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line) + 1

    def sentence(self) -> str:
        rng = self.rng
        count = rng.choice((2, 2, 3, 3, 4))
        picked = [rng.choice(rng.choice(self.m.clauses)) for _ in range(count)]
        if rng.random() < 0.25:
            picked.insert(rng.randrange(len(picked)), rng.choice(
                (f"支持{rng.choice(self.cities)}率先开展试点示范", f"在{rng.choice(self.cities)}等地区先行先试",
                 f"推动{rng.choice(self.cities)}与{rng.choice(self.cities)}协同发展", f"{self.region}各地要结合实际")
            ))
        text = "，".join(picked) + "。"
        text = _LOCAL.sub(lambda _: self.region, text)
        text = _YEAR.sub(lambda _: str(rng.randrange(2021, 2036)), text)
        return _PERCENT.sub(lambda _: f"{rng.randrange(1, 60)}{rng.choice(('', '.5'))}%", text)

    def paragraph(self, low: int = 2, high: int = 6) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def document(self) -> str:
        rng, m = self.rng, self.m
        self.emit(f"{self.region}{rng.choice(m.headings + m.items)}{rng.choice(DOC_TYPES)}")
        if rng.random() < 0.4:
            self.emit(f"{self.region[:2]}政发〔{rng.randrange(2020, 2026)}〕{rng.randrange(1, 200)}号")
        self.emit(f"为深入贯彻落实党中央、国务院关于碳达峰碳中和的重大决策部署，结合{self.region}实际，制定本方案。"
                  + self.paragraph(1, 3))
        self.emit("一、总体要求")
        self.emit("（一）指导思想")
        self.emit(self.paragraph(3, 6))
        self.emit("（二）工作原则")
        for title in rng.sample(m.principles, min(4, len(m.principles))):
            self.emit(f"——{title}。{self.paragraph(1, 3)}")
        self.emit("（三）主要目标")
        self.emit(self.paragraph(2, 4))
        part = 2  # 一、 was 总体要求
        reserve = 700  # what the safeguards and the end take
        while self.size < self.target - reserve or part == 2:
            self.emit(f"{_chinese(part)}、{'重点任务' if part == 2 else rng.choice(m.headings)}")
            part += 1
            for number in range(1, rng.randint(4, 10)):
                if self.size >= self.target - reserve and number > 2:
                    break
                self.emit(f"（{_chinese(number)}）{rng.choice(m.items)}")
                if rng.random() < 0.35:
                    for sub in range(1, rng.randint(3, 5)):
                        self.emit(f"{sub}．{rng.choice(m.items + m.principles)}。{self.paragraph(1, 3)}")
                else:
                    for _ in range(rng.randint(1, 3)):
                        self.emit(self.paragraph())
        self.emit(f"{_chinese(part)}、保障措施")
        for n in range(1, rng.randint(3, 5)):
            self.emit(f"（{_chinese(n)}）{rng.choice(m.principles + m.items)}。{self.paragraph(1, 2)}")
        self.emit(f"{_chinese(part + 1)}、组织实施")
        self.emit(self.paragraph(1, 3))
        self.emit(rng.choice(m.organisations))
        self.emit(f"{rng.randrange(2020, 2026)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日")
        return "\n".join(self.lines) + "\n"


def _chinese(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五: the ordinals of （一） items."""
    if n <= 10:
        return _CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUM[tens - 1]) + "十" + (_CN_NUM[ones - 1] if ones else "")


def lengths(count: int, rng: random.Random) -> list[int]:
    """Log-normal document lengths summing to ``count`` x CHARS_PER_DOC."""
    raw = [math.exp(rng.gauss(0.0, 0.6)) for _ in range(count)]
    scale = count * CHARS_PER_DOC / sum(raw)
    return [max(1500, min(60_000, int(r * scale))) for r in raw]


def documents(count: int, seed: int = 4) -> Iterator[tuple[str, str]]:
    """(file name, text) of ``count`` documents, the same on every run."""
    material = load_material()
    rng = random.Random(seed)
    for number, target in enumerate(lengths(count, rng), start=1):
        yield f"doc_{number:04d}.txt", Writer(material, rng, target).document()


def write_corpus(folder: Path, count: int, seed: int = 4) -> tuple[int, int]:
    """Write the corpus; returns (files, characters)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = chars = 0
    for name, text in documents(count, seed):
        (folder / name).write_text(text, encoding="utf-8")
        files += 1
        chars += len(text)
    return files, chars
