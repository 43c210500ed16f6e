"""Shell completion: ``carbon completion SHELL`` and the values a shell is offered."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import OPINIONS

OPINIONS_ID = "cpc-sc-dual-carbon-opinions-2021"


def _offers(carbon_exe: str, shell: str, line: str) -> list[str]:
    """What ``carbon`` offers a shell for the command line ``line`` (the cursor at its end)."""
    words = line.split(" ")
    env = {**os.environ, "_CARBON_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=line, _TYPER_COMPLETE_FISH_ACTION="get-args")
    proc = subprocess.run([carbon_exe], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.fixture
def library(run_carbon) -> None:
    assert run_carbon("docs", "add", str(OPINIONS)).code == 0


def test_commands_and_options_complete(home: Path, carbon_exe: str):
    assert "search" in _offers(carbon_exe, "bash", "carbon se")
    assert {"add", "list", "remove", "show"} <= set(_offers(carbon_exe, "bash", "carbon docs "))
    assert "--doc" in _offers(carbon_exe, "bash", "carbon keywords --d")


def test_document_ids_passage_ids_and_kinds_complete(library, carbon_exe: str):
    assert _offers(carbon_exe, "bash", "carbon show cpc") == [OPINIONS_ID]
    assert _offers(carbon_exe, "bash", "carbon docs remove cpc") == [OPINIONS_ID]
    actions = _offers(carbon_exe, "bash", "carbon show qa/action/")
    assert actions == [f"qa/action/{n}" for n in range(1, 11)]
    assert "principle" in _offers(carbon_exe, "bash", "carbon search 碳 --kind pri")
    assert OPINIONS_ID in _offers(carbon_exe, "fish", "carbon search 碳 --doc cpc")
    assert any(OPINIONS_ID in offer for offer in _offers(carbon_exe, "zsh", "carbon kwic 碳 --doc cpc"))


def test_completion_without_an_index_offers_nothing_and_builds_nothing(home: Path, carbon_exe: str):
    assert _offers(carbon_exe, "bash", "carbon show q") == []
    assert not (home / "index.sqlite").exists()


def test_the_bash_script_completes_in_a_real_bash(library, carbon_exe: str):
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash on this machine")
    script = subprocess.run([carbon_exe, "completion", "bash"], capture_output=True, text=True, check=True).stdout
    probe = script + '\nCOMP_WORDS=(carbon show cpc); COMP_CWORD=2; _carbon_completion carbon; printf "%s\\n" "${COMPREPLY[@]}"\n'
    env = {**os.environ, "PATH": f"{Path(carbon_exe).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([bash, "--norc", "--noprofile"], input=probe, capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.split() == [OPINIONS_ID], out.stderr


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o default -F"), ("zsh", "#compdef carbon"), ("fish", "complete --command carbon")])
def test_each_shell_gets_its_script(cli, shell: str, marker: str):
    result = cli("completion", shell)
    assert result.code == 0 and marker in result.stdout and "_CARBON_COMPLETE" in result.stdout


def test_an_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "tcsh")
    assert result.code == 2 and "bash, zsh, fish" in result.stderr
