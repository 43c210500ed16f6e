"""Shared fixtures: a scratch CARBON_HOME per test, the CLI in-process and as a program.

The jieba lexicon depends only on the installed packages, so one cache serves the
whole session (CARBON_CACHE). The seed's index is built once per session too, and
each test gets a copy of that home of its own: a test's first command finds the
index its own first run would have built. A test about what happens before any
index exists asks for an empty home with ``@pytest.mark.empty_home``. Paths and ids
every module uses live in ``helpers.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import OPINIONS, STORAGE


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("carbon-cache")


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    """A home whose index holds the seed, built once: what a first command leaves."""
    from carbon_cli.catalog import Catalog
    from carbon_cli.store import Home

    home = Home(tmp_path_factory.mktemp("carbon-seeded") / "home")
    home.cache = shared_cache
    Catalog(home).open().conn.close()
    return home.root


@pytest.fixture(scope="session")
def library_home(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    """A home with the seed and the two real documents added, as ``carbon docs add``
    adds them, built once."""
    from carbon_cli.catalog import Catalog
    from carbon_cli.readers import discover
    from carbon_cli.store import Home

    home = Home(tmp_path_factory.mktemp("carbon-library") / "home")
    home.cache = shared_cache
    files, problems = discover([OPINIONS, STORAGE])
    report = Catalog(home).add_files(files)
    assert not problems and not report.problems, (problems, report.problems)
    return home.root


@pytest.fixture
def home(
    request: pytest.FixtureRequest, tmp_path: Path, shared_cache: Path, seeded_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """This test's CARBON_HOME, set in the environment: a copy of ``seeded_home``, or
    nothing at all under ``@pytest.mark.empty_home``."""
    path = tmp_path / "home"
    if request.node.get_closest_marker("empty_home") is None:
        shutil.copytree(seeded_home, path)
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


@pytest.fixture
def library(cli: Callable[..., Result], home: Path, library_home: Path) -> Callable[..., Result]:
    """The CLI over a home holding the seed and the two real documents of tests/fixtures."""
    shutil.rmtree(home)
    shutil.copytree(library_home, home)
    return cli


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
