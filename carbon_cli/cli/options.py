"""What the command groups share: the common options, the warning line, the index."""

import sys

import typer

from ..catalog import Catalog
from ..index import Index
from ..store import Home

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


DOC = typer.Option(None, "--doc", "-d", help="Only this document (repeatable).", autocompletion=complete_doc)


def warn(message: str) -> None:
    sys.stderr.write(f"carbon: warning: {message}\n")


def open_catalog() -> Catalog:
    return Catalog(Home(), warn=warn)


def open_index() -> tuple[Catalog, Index]:
    """The catalog of the user's home and its index, built or rebuilt as needed."""
    catalog = open_catalog()
    return catalog, catalog.open()
