"""The ``carbon`` command line: each command parses options, calls the library, renders.

Exit codes follow ripgrep: 0 results, 1 no results, 2 usage errors and failures.

- ``app.py``: the Typer app, ``--version``, and the lazy loading of the command modules.
- ``options.py``: the options every group shares, the warning line, opening the index.
- one module per command group, each registering its commands on ``app`` when
  imported: ``search.py`` (search), ``plan.py`` (actions, principles, guarantees,
  show, outline), ``docs.py`` (docs add/list/show/remove), ``analysis.py``
  (keywords, kwic, stats, export), ``eval.py`` (eval), ``records.py`` (refs, cited-by,
  similar, diff).

The command modules do not use ``from __future__ import annotations``: Typer reads
every command's signature on every call, and string annotations would make it
evaluate each one again.
"""

from .app import app, load_commands
from .options import warn

__all__ = ["app", "load_commands", "warn"]
