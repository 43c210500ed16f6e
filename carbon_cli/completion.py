"""Shell completion: the scripts for bash, zsh and fish, and the values they complete.

A shell asks ``carbon`` itself what to complete, by running it with
``_CARBON_COMPLETE`` set (Click's protocol, through Typer). Completing a document id,
a passage id or a kind reads the index as it is on disk, read-only: a completion
never builds or rebuilds anything, and with no index it offers nothing. None of
this is imported on an ordinary run.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from .store import Home

COMPLETE_VAR = "_CARBON_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
MAX_OFFERS = 200  # a shell shows a list this long at most usefully


def _query(sql: str, *args: str) -> list[str]:
    path = Home().index_path
    if not path.is_file():
        return []
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)) as conn:
            return [value for (value,) in conn.execute(sql, args)]
    except sqlite3.Error:
        return []


def _prefix(incomplete: str) -> str:
    return incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def document_ids(incomplete: str) -> list[str]:
    sql = f"SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT {MAX_OFFERS}"
    return _query(sql, _prefix(incomplete))


def passage_ids(incomplete: str) -> list[str]:
    """Document ids, then, once a document is named (``qa/``), its passages."""
    if "/" not in incomplete:
        return document_ids(incomplete)
    sql = f"SELECT id FROM passages WHERE id LIKE ? ESCAPE '\\' ORDER BY rowid LIMIT {MAX_OFFERS}"
    return _query(sql, _prefix(incomplete))


def kinds(incomplete: str) -> list[str]:
    return _query("SELECT DISTINCT kind FROM passages WHERE kind LIKE ? ESCAPE '\\' ORDER BY kind", _prefix(incomplete))


def prepare() -> None:
    """Register the shells' completion classes; Typer does it only with its own
    ``--install-completion`` options, which carbon does not add to every command."""
    from typer._completion_classes import completion_init

    completion_init()


def script(shell: str) -> str:
    """The completion script for ``shell``, to source from its start-up file."""
    prepare()
    from typer.completion import get_completion_script

    return get_completion_script(prog_name="carbon", complete_var=COMPLETE_VAR, shell=shell)
