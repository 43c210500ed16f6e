"""The baseline a search tool must beat: jieba and rank-bm25 rebuilt on every call.

What anyone would write first: read the seed, split it into paragraphs, cut each
with jieba (loading its whole dictionary), build BM25Okapi, score the query, print
the best paragraphs. ``bench/warm.py`` times ``carbon search`` against it.

    python bench/naive_search.py CCUS
"""

import sys
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

jieba.setLogLevel(60)  # jieba reports its dictionary load on stderr
seed = Path(__file__).resolve().parent.parent / "seeds" / "000_2c374d999f13170b.txt"
paragraphs = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
bm25 = BM25Okapi([jieba.lcut(p.lower()) for p in paragraphs])
query = " ".join(sys.argv[1:]) or "CCUS"
scores = bm25.get_scores([w for w in jieba.lcut(query.lower()) if w.strip()])
for score, paragraph in sorted(zip(scores, paragraphs), key=lambda pair: -pair[0])[:10]:
    if score > 0:
        print(f"{score:.2f}  {paragraph[:80]}")
