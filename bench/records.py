"""What the record filters and facets cost a search, in process, on the real fixtures.

A search without filters takes the same path as before records existed (the filters
resolve to documents only when given); facets, which ``search --json`` carries, count
every hit by its document's record. Medians of 30 warm calls per query, in a scratch
CARBON_HOME holding the seed and ``tests/fixtures`` (``real/`` included)::

    python bench/records.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = ("储能", "碳达峰", "能源 绿色 低碳")
RUNS = 30


def _median_ms(call) -> float:  # type: ignore[no-untyped-def]
    call()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["CARBON_HOME"] = home
        fixtures = ROOT / "tests" / "fixtures"
        files = [*fixtures.glob("*.txt"), *fixtures.glob("*.html"), fixtures / "real"]
        subprocess.run([sys.executable, "-m", "carbon_cli", "docs", "add", *map(str, files)], check=True,
                       capture_output=True)
        from carbon_cli.catalog import Catalog
        from carbon_cli.search import Searcher

        catalog = Catalog()
        index = catalog.open()
        searcher = Searcher(index, catalog.pipeline)
        print(f"{len(index.document_ids())} documents, {index.n:,} passages")
        print(f"{'query':16} {'hits':>6} {'plain':>8} {'facets':>8} {'issuer:':>8} {'by date':>8}  (ms)")
        for query in QUERIES:
            hits = searcher.search(query).total
            plain = _median_ms(lambda q=query: searcher.search(q))
            faceted = _median_ms(lambda q=query: searcher.search(q, facets=True))
            filtered = _median_ms(lambda q=query: searcher.search(q + " issuer:国务院"))
            dated = _median_ms(lambda q=query: searcher.search(q, sort="date"))
            print(f"{query:16} {hits:>6} {plain:>8.1f} {faceted:>8.1f} {filtered:>8.1f} {dated:>8.1f}")


if __name__ == "__main__":
    main()
