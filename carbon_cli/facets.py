"""Facets: how a search's hits spread over documents, issuers, years and kinds.

``search --json`` carries them for every query, so this module is kept apart from
``records.py`` (whose patterns take milliseconds to compile): counting needs only the
records the index already holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

UNKNOWN = "unknown"  # a hit of a document without a date or an issuer


Places = tuple[dict[str, int], dict[str, int]]  # hits by document, hits by kind


def facets(places: Places, records: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts of hits, given by document and by kind, by document, issuer, year and
    kind, most first. A hit of a joint document counts once for each issuer; a hit of
    a document without a date or issuer counts under ``unknown``."""
    by_doc, by_kind = places
    issuers: dict[str, int] = {}
    years: dict[str, int] = {}
    for doc, hits in by_doc.items():  # thousands of documents for a common word: plain dicts
        record = records.get(doc, _NO_RECORD)
        day = record.get("date_written") or record.get("date_published")
        year = day[:4] if day else UNKNOWN
        years[year] = years.get(year, 0) + hits
        for issuer in record.get("issuers") or _UNKNOWN_ISSUERS:
            issuers[issuer] = issuers.get(issuer, 0) + hits
    counts = {"doc": by_doc, "issuer": issuers, "year": years, "kind": by_kind}
    return {name: _most_first(counter) for name, counter in counts.items()}


_NO_RECORD: Mapping[str, Any] = {}
_UNKNOWN_ISSUERS = (UNKNOWN,)


def _most_first(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts, the largest first, ties in the order met (as ``Counter.most_common``)."""
    return dict(sorted(counts.items(), key=itemgetter(1), reverse=True))


def places_of(rows: Iterable[tuple[str, str, int]], counted: Places | None = None) -> Places:
    """The places of (document, kind, hits) rows, as ``Index.place_counts`` gives them,
    added to those of other hits ``counted`` already (the engine's)."""
    by_doc: Counter[str] = Counter(counted[0] if counted else {})
    by_kind: Counter[str] = Counter(counted[1] if counted else {})
    for doc, kind, hits in rows:
        by_doc[doc] += hits
        by_kind[kind] += hits
    return dict(by_doc), dict(by_kind)
