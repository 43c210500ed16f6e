"""Shared fixtures: a scratch CARBON_HOME per test, the CLI in-process and as a program.

The jieba lexicon depends only on the installed packages, so one cache serves the
whole session (CARBON_CACHE); each test still gets an empty home of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = ROOT / "seeds" / "000_2c374d999f13170b.txt"
OPINIONS = FIXTURES / "cpc_sc_dual_carbon_opinions_2021.txt"
STORAGE = FIXTURES / "ndrc_nea_new_energy_storage_guidance_2021.txt"


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("carbon-cache")


@pytest.fixture
def home(tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty CARBON_HOME for this test, set in the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("CARBON_HOME", str(path))
    monkeypatch.setenv("CARBON_CACHE", str(shared_cache))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return path


class Result:
    """What a CLI run left behind: exit code, stdout, stderr."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return f"Result(code={self.code}, stdout={self.stdout[:200]!r}, stderr={self.stderr[:200]!r})"


@pytest.fixture
def cli(home: Path) -> Iterator:
    """Run ``carbon`` in-process: the real entry point inside CliRunner's captured streams."""
    from carbon_cli.__main__ import run

    runner = CliRunner()

    def invoke(*args: str) -> Result:
        with runner.isolation() as streams:
            code = run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            stdout, stderr = streams[0].getvalue(), streams[1].getvalue()
        return Result(code, stdout.decode("utf-8"), stderr.decode("utf-8"))

    yield invoke


@pytest.fixture(scope="session")
def carbon_exe() -> str:
    """The installed ``carbon`` program of this environment."""
    exe = shutil.which("carbon", path=os.path.dirname(sys.executable)) or shutil.which("carbon")
    if exe is None:
        pytest.fail("the carbon program is not installed: pip install -e .")
    return exe


@pytest.fixture
def run_carbon(home: Path, carbon_exe: str) -> Iterator:
    """Run the installed ``carbon`` as a subprocess, stdout and stderr captured (not a terminal)."""

    def run(*args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> Result:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run([carbon_exe, *args], capture_output=True, env=full_env, input=input, timeout=120)
        return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))

    yield run


def record_file(home: Path, doc_id: str) -> Path:
    """Where the library stores the record of ``doc_id`` (named by the manifest's hash)."""
    from carbon_cli.store import Home

    store = Home(home)
    return store.record_path(doc_id, store.manifest()[doc_id]["sha256"])


def only_waited(stderr: str) -> bool:
    """Nothing on stderr but, at most, the line of a writer that waited for another."""
    return all(line.startswith("carbon: warning: waiting for ") for line in stderr.splitlines())
