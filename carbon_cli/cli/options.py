"""What the command groups share: the common options, the warning line, the index."""

import sys

import typer

from ..catalog import Catalog
from ..index import Index
from ..store import Home

JSON = typer.Option(False, "--json", help="Write JSON to stdout.")
DOC = typer.Option(None, "--doc", "-d", help="Only this document (repeatable).")


def warn(message: str) -> None:
    sys.stderr.write(f"carbon: warning: {message}\n")


def open_catalog() -> Catalog:
    return Catalog(Home(), warn=warn)


def open_index() -> tuple[Catalog, Index]:
    """The catalog of the user's home and its index, built or rebuilt as needed."""
    catalog = open_catalog()
    return catalog, catalog.open()
