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


def facets(
    places: Iterable[tuple[str, str, int]], records: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, int]]:
    """Counts of hits, given as (document, kind, hits of that kind in that document), by
    document, issuer, year and kind, most first. A hit of a joint document counts once
    for each issuer; a hit of a document without a date or issuer counts under ``unknown``."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in ("doc", "issuer", "year", "kind")}
    for doc, kind, hits in places:
        record = records.get(doc, {})
        day = record.get("date_written") or record.get("date_published")
        counts["doc"][doc] += hits
        counts["kind"][kind] += hits
        counts["year"][day[:4] if day else UNKNOWN] += hits
        for issuer in record.get("issuers") or [UNKNOWN]:
            counts["issuer"][issuer] += hits
    return {name: dict(counter.most_common()) for name, counter in counts.items()}

