"""What the command groups share: the common options, the warning line, the index."""

import sys

import typer

from ..catalog import Catalog
from ..engine import Engine, attach
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
