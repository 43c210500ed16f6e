"""The views of records, references, similar passages and diffs: terminal and JSON.

Like ``render.py``: JSON is plain data for ``render.emit_json``; terminal views are
rich ``Text`` built by offsets, rich imported only when one is printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NONE = "—"


def record_cells(record: Mapping[str, Any] | None) -> tuple[str, str, str, str]:
    """Issuers, 文号, date and 文种 of a record, as table cells (— where unknown)."""
    record = record or {}
    issuers = "、".join(record.get("issuers") or []) or NONE
    number = (record.get("doc_number") or {}).get("text") or NONE
    date = record.get("date_written") or record.get("date_published") or NONE
    return issuers, number, date, record.get("doc_type") or NONE


def record_line(record: Mapping[str, Any] | None) -> str:
    """One line naming what is known of a record, for the head of a document's outline."""
    return "  ".join(cell for cell in record_cells(record) if cell != NONE)
