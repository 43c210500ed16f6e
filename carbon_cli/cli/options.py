"""What the command groups share: the common options, the warning line, the index."""

import sys
from enum import Enum
from typing import TYPE_CHECKING, Optional

import typer

from ..catalog import Catalog
from ..index import Index
from ..store import Home

if TYPE_CHECKING:
    from ..records import RecordFilter

JSON = typer.Option(False, "--json", help="Write JSON to stdout.")
DOC = typer.Option(None, "--doc", "-d", help="Only this document (repeatable).")
ISSUER = typer.Option(None, "--issuer", help="Only documents issued by this authority, any of its names (repeatable).")
TYPE = typer.Option(None, "--type", help="Only documents of this 文种; 意见 also takes 指导意见 (repeatable).")
SINCE = typer.Option(None, "--since", help="Only documents dated from this day on (2021, 2021-07, 2021-07-15).")
UNTIL = typer.Option(None, "--until", help="Only documents dated up to this day; 成文日期, else 发布日期.")
NUMBER_FILTER = typer.Option(None, "--number", help="Only documents whose 文号 holds this (国发〔2021〕; repeatable).")


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"


def warn(message: str) -> None:
    sys.stderr.write(f"carbon: warning: {message}\n")


def open_catalog() -> Catalog:
    return Catalog(Home(), warn=warn)


def open_index() -> tuple[Catalog, Index]:
    """The catalog of the user's home and its index, built or rebuilt as needed."""
    catalog = open_catalog()
    return catalog, catalog.open()


def where(
    issuer: Optional[list[str]], doc_type: Optional[list[str]], since: Optional[str], until: Optional[str],
    number: Optional[list[str]],
) -> "RecordFilter":
    """The record filters of a command line (``--issuer`` … ``--number``)."""
    from ..records import RecordFilter, date_bound

    return RecordFilter(
        issuers=tuple(issuer or ()), types=tuple(doc_type or ()), numbers=tuple(number or ()),
        since=date_bound(since, end=False, option="--since") if since else None,
        until=date_bound(until, end=True, option="--until") if until else None,
    )


def record_docs(catalog: Catalog, index: Index, doc: Optional[list[str]], chosen: "RecordFilter") -> list[str]:
    """``--doc`` narrowed by the record filters, said on stderr when none is left."""
    from ..records import NO_DOCUMENT
    from ..scope import check_docs

    docs = check_docs(index, doc, chosen, catalog.pipeline.normaliser.normalise)
    if docs == [NO_DOCUMENT]:
        from ..render_records import print_no_document

        print_no_document()
    return docs
