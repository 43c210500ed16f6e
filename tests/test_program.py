"""The installed ``carbon`` program as a user's shell runs it: pipes, colours, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ANSI = "\x1b["


def test_search_piped_has_no_ansi_and_exit_0(run_carbon):
    result = run_carbon("search", "CCUS")
    assert result.code == 0
    assert ANSI not in result.stdout and "qa/action/4" in result.stdout
    assert result.stderr == ""  # jieba prints nothing


def test_json_is_one_document_on_stdout(run_carbon):
    result = run_carbon("search", "碳汇", "--json")
    assert result.code == 0
    data = json.loads(result.stdout)
    assert data["results"] and result.stdout.count("\n") == 1
    assert "\\u" not in result.stdout  # Chinese written as is


def test_no_hits_exit_1_and_usage_exit_2(run_carbon):
    assert run_carbon("search", "量子计算").code == 1
    result = run_carbon("actions", "12")
    assert result.code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_pipe_into_head_ends_quietly(home, carbon_exe):
    shell = f"'{carbon_exe}' search 碳 -n 50 | head -1"
    for _ in range(5):  # whether carbon is still writing when head leaves depends on timing
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, env=os.environ, timeout=60)
        assert proc.stdout.decode().strip().startswith("1.")
        assert proc.stderr == b""
        assert proc.returncode == 0  # hits were found: a closed pipe does not turn them into "no results"


def test_no_color_and_forced_terminal(run_carbon):
    forced = run_carbon("search", "CCUS", env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert ANSI in forced.stdout  # styles exist when a terminal is claimed
    plain = run_carbon("search", "CCUS", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm-256color"})
    assert "\x1b[3" not in plain.stdout and "\x1b[9" not in plain.stdout  # NO_COLOR: no colours


def test_version_and_module_entry(run_carbon, home):
    from carbon_cli import __version__

    assert run_carbon("--version").stdout.strip() == f"carbon {__version__}"
    proc = subprocess.run([sys.executable, "-m", "carbon_cli", "actions", "--list", "--json"], capture_output=True, timeout=60)
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 10


def test_first_run_builds_then_reuses_the_index(run_carbon, home):
    assert not (home / "index.sqlite").exists()
    assert run_carbon("search", "CCUS", "--json").code == 0
    built = (home / "index.sqlite").stat().st_mtime_ns
    assert run_carbon("search", "碳汇", "--json").code == 0
    assert (home / "index.sqlite").stat().st_mtime_ns == built


# Distribution names whose import name differs from the name on PyPI.
_IMPORT_NAMES = {"beautifulsoup4": "bs4", "python-docx": "docx", "charset-normalizer": "charset_normalizer"}


def test_every_runtime_dependency_is_imported_by_the_product():
    """A runtime dependency is one the product imports: nothing is installed for
    carbon that it never loads (test-only libraries belong to the test extra)."""
    import ast
    import re

    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and newer

    root = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=\[ ;]", spec, maxsplit=1)[0].lower() for spec in declared}
    imported: set[str] = set()
    for path in (root / "carbon_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    unused = sorted(name for name in names if _IMPORT_NAMES.get(name, name.replace("-", "_")) not in imported)
    assert not unused, f"declared but never imported by carbon_cli: {unused}"


def test_help_reads_plainly(cli):
    """-h is --help; usage lines and options name their values (QUERY..., N, ID), not
    Typer's internals ({query}..., <int range>, <str>)."""
    import re

    for command in (["search"], ["actions"], ["show"], ["docs", "add"], ["kwic"], ["export"], ["eval"], ["vocab", "add"]):
        result = cli(*command, "-h")
        assert result.code == 0 and result.stdout.startswith("Usage: carbon " + " ".join(command)), (command, result)
        assert not re.search(r"\{\w+\}|<[a-z ]+>", result.stdout), (command, result.stdout)
    assert "Usage: carbon search [OPTIONS] QUERY..." in cli("search", "--help").stdout
    assert "-n, --limit N" in cli("search", "--help").stdout


def test_a_usage_error_names_the_whole_command(cli):
    result = cli("docs", "add")
    assert result.code == 2 and "(see: carbon docs add --help)" in result.stderr
