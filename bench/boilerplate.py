"""Measure the boilerplate words of Chinese official writing: ``data/boilerplate_words.txt``.

``carbon keywords`` should name what a text is about, not the verbs every official
text is written with (推进, 加快, 加强, 完善 …). Which words those are is measured here,
not guessed: a word is boilerplate when

1. it occurs in at least ``--share`` of the real documents of ``tests/fixtures``
   (documents on energy, climate, industry, housing, agriculture, sports, education,
   supervision and law: a word that all of them use says nothing about any one), and
2. jieba's dictionary tags it as a verb, an adverb, a conjunction, a preposition or a
   pronoun (``v vd vi d ad c p r``): nouns such as 能源 or 技术 stay, because in a
   library of one field a noun common to all its documents is still its subject.

Documents are read and segmented with the project's own reader and pipeline (jieba's
precise cut), so the words are the ones ``keywords`` counts. Run from the root::

    python bench/boilerplate.py            # writes data/boilerplate_words.txt
    python bench/boilerplate.py --check    # exit 1 if the file is not what it measures
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carbon_cli.readers import read_file  # noqa: E402
from carbon_cli.text import Pipeline, _import_jieba  # noqa: E402

OUT = ROOT / "data" / "boilerplate_words.txt"
FUNCTION_TAGS = frozenset({"v", "vd", "vi", "d", "ad", "c", "p", "r"})
DEFAULT_SHARE = 0.6


def real_documents() -> list[Path]:
    """The real documents of the test fixtures: every file with an expected view."""
    fixtures = ROOT / "tests" / "fixtures"
    found = []
    for expected in sorted((fixtures / "expected").glob("*.json")):
        name = expected.name.removesuffix(".json")
        for candidate in (fixtures / name, fixtures / "real" / name):
            if candidate.is_file():
                found.append(candidate)
    return found


def document_frequency(paths: list[Path], pipeline: Pipeline) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in paths:
        text = pipeline.normaliser.normalise(read_file(path).text)
        counts.update(set(pipeline.segment(text, precise=True)))
    return counts


def boilerplate(paths: list[Path], share: float) -> list[tuple[str, int]]:
    """(word, documents holding it) for the words that meet both conditions, most common first."""
    pipeline = Pipeline(Path(tempfile.mkdtemp(prefix="carbon-boilerplate-")))
    _import_jieba()
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    counts = document_frequency(paths, pipeline)
    floor = share * len(paths)
    chosen = [(w, n) for w, n in counts.items() if n >= floor and tags.get(w) in FUNCTION_TAGS and len(w) > 1]
    return sorted(chosen, key=lambda item: (-item[1], item[0]))


def render(words: list[tuple[str, int]], paths: list[Path], share: float) -> str:
    names = ", ".join(path.name for path in paths)
    header = [
        "# boilerplate_words.txt: verbs and adverbs every official text is written with, left out of",
        "# carbon keywords (never out of search). Measured by bench/boilerplate.py, which says how:",
        f"# words in at least {share:.0%} of the {len(paths)} real documents of tests/fixtures that jieba tags",
        f"# as {' '.join(sorted(FUNCTION_TAGS))}. Regenerate with: python bench/boilerplate.py",
        f"# Documents: {names}",
        "# Format: one word a line, then a TAB and how many of the documents hold it.",
    ]
    return "\n".join(header + [f"{word}\t{count}" for word, count in words]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--share", type=float, default=DEFAULT_SHARE, help="share of documents (default 0.6)")
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    args = parser.parse_args()
    paths = real_documents()
    text = render(boilerplate(paths, args.share), paths, args.share)
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from what bench/boilerplate.py measures")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {text.count(chr(10)) - 6} words from {len(paths)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
