"""Facets: how a search's hits spread over documents, issuers, years and kinds.

``search --json`` carries them for every query, so this module is kept apart from
``records.py`` (whose patterns take milliseconds to compile): counting needs only the
records the index already holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

UNKNOWN = "unknown"  # a hit of a document without a date or an issuer


Places = tuple[dict[str, int], dict[str, int]]  # hits by document, hits by kind


def facets(places: Places, records: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts of hits, given by document and by kind, by document, issuer, year and
    kind, most first. A hit of a joint document counts once for each issuer; a hit of
    a document without a date or issuer counts under ``unknown``."""
    by_doc, by_kind = places
    counts: dict[str, Counter[str]] = {name: Counter() for name in ("doc", "issuer", "year", "kind")}
    counts["kind"].update(by_kind)
    for doc, hits in by_doc.items():
        record = records.get(doc, {})
        day = record.get("date_written") or record.get("date_published")
        counts["doc"][doc] += hits
        counts["year"][day[:4] if day else UNKNOWN] += hits
        for issuer in record.get("issuers") or [UNKNOWN]:
            counts["issuer"][issuer] += hits
    return {name: dict(counter.most_common()) for name, counter in counts.items()}


def places_of(rows: Iterable[tuple[str, str, int]], counted: Places | None = None) -> Places:
    """The places of (document, kind, hits) rows, as ``Index.place_counts`` gives them,
    added to those of other hits ``counted`` already (the engine's)."""
    by_doc: Counter[str] = Counter(counted[0] if counted else {})
    by_kind: Counter[str] = Counter(counted[1] if counted else {})
    for doc, kind, hits in rows:
        by_doc[doc] += hits
        by_kind[kind] += hits
    return dict(by_doc), dict(by_kind)
