"""What the command groups share: the common options, the warning line, the index."""

import functools
import inspect
import sys
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, Optional

import typer

from ..catalog import Catalog
from ..engine import Engine, attach
from ..index import Index
from ..store import Home

if TYPE_CHECKING:
    from ..records import RecordFilter

JSON = typer.Option(False, "--json", help="Write JSON to stdout.")


def complete_doc(incomplete: str) -> list[str]:
    """Document ids for a shell's completion (``completion.py``)."""
    from ..completion import document_ids

    return document_ids(incomplete)


def complete_kind(incomplete: str) -> list[str]:
    from ..completion import kinds

    return kinds(incomplete)


def complete_id(incomplete: str) -> list[str]:
    from ..completion import passage_ids

    return passage_ids(incomplete)


DOC = typer.Option(
    None, "--doc", "-d", metavar="ID", help="Only this document (repeatable).", autocompletion=complete_doc
)
ISSUER = typer.Option(
    None, "--issuer", metavar="NAME", help="Only documents issued by this authority, any of its names (repeatable)."
)
TYPE = typer.Option(
    None, "--type", metavar="文种", help="Only documents of this 文种; 意见 also takes 指导意见 (repeatable)."
)
SINCE = typer.Option(
    None, "--since", metavar="DATE", help="Only documents dated from this day on (2021, 2021-07, 2021-07-15)."
)
UNTIL = typer.Option(
    None, "--until", metavar="DATE", help="Only documents dated up to this day; 成文日期, else 发布日期."
)
NUMBER_FILTER = typer.Option(
    None, "--number", metavar="文号", help="Only documents whose 文号 holds this (国发〔2021〕; repeatable)."
)


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"


def warn(message: str) -> None:
    from ..render import clip_value, terminal_safe

    sys.stderr.write(f"carbon: warning: {clip_value(terminal_safe(message))}\n")


def open_catalog() -> Catalog:
    return Catalog(Home(), warn=warn)


def open_index() -> tuple[Catalog, Index]:
    """The catalog of the user's home and its index, built or rebuilt as needed."""
    catalog = open_catalog()
    return catalog, catalog.open()


# The record filters: each command that takes them declares a ``filters`` parameter
# and is decorated with ``record_filtered``, which gives it these options.
FILTERS = {
    "issuer": (Optional[list[str]], ISSUER),
    "doc_type": (Optional[list[str]], TYPE),
    "since": (Optional[str], SINCE),
    "until": (Optional[str], UNTIL),
    "doc_number": (Optional[list[str]], NUMBER_FILTER),
}


def where(
    issuer: Optional[list[str]], doc_type: Optional[list[str]], since: Optional[str], until: Optional[str],
    doc_number: Optional[list[str]],
) -> "RecordFilter | None":
    """The record filters of a command line (``--issuer`` … ``--number``); None when
    none is given, so that records.py is not imported for a plain search."""
    if not (issuer or doc_type or since or until or doc_number):
        return None
    from ..records import RecordFilter, date_bound

    return RecordFilter(
        issuers=tuple(issuer or ()), types=tuple(doc_type or ()), numbers=tuple(doc_number or ()),
        since=date_bound(since, end=False, option="--since") if since else None,
        until=date_bound(until, end=True, option="--until") if until else None,
    )


def record_filtered(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with the options of ``FILTERS``, handed to it as one ``filters``
    ``RecordFilter``: Typer reads the signature made here."""

    @functools.wraps(command)
    def with_filters(**options: Any) -> None:
        chosen = where(*(options.pop(name) for name in FILTERS))
        command(**options, filters=chosen)

    own = [p for name, p in inspect.signature(command).parameters.items() if name != "filters"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
             for name, (annotation, option) in FILTERS.items()]
    with_filters.__signature__ = inspect.Signature([*own, *added])  # type: ignore[attr-defined]
    with_filters.__annotations__ = {p.name: p.annotation for p in [*own, *added]}  # what Typer evaluates
    return with_filters


def record_docs(
    catalog: Catalog, index: Index, doc: Optional[list[str]], filters: Optional["RecordFilter"]
) -> list[str]:
    """``--doc`` narrowed by the record filters, said on stderr when none is left."""
    from ..scope import check_docs

    docs = check_docs(index, doc, filters, catalog.pipeline.normaliser.normalise)
    if filters is None or not filters.active:  # records.py (20 ms to import) only for a filter
        return docs
    from ..records import NO_DOCUMENT

    if docs == [NO_DOCUMENT]:
        from ..render_records import print_no_document

        print_no_document()
    return docs


def open_engine(catalog: Catalog, index: Index) -> Engine | None:
    """The engine beneath a large library's index, brought in step with it (see engine.py)."""
    home = catalog.home
    return attach(index, home.root / "engine", home.lock if catalog.writable else None)


def engine_in_step(catalog: Catalog) -> None:
    """After the library changed: the engine follows now, not at the next search."""
    index = catalog.open()
    try:
        open_engine(catalog, index)
    finally:
        index.conn.close()
