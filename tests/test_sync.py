"""docs sync, --include/--exclude, a folder's notes, --id, and progress that counts files."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import FIXTURES, OPINIONS, STORAGE

SHANGHAI = FIXTURES / "real" / "shanghai_carbon_peak_implementation_plan_2022.txt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's folder: two documents, one in a subfolder, its notes and a hidden file."""
    top = tmp_path / "policies"
    (top / "shanghai").mkdir(parents=True)
    shutil.copy(OPINIONS, top)
    shutil.copy(STORAGE, top)
    shutil.copy(SHANGHAI, top / "shanghai")
    (top / "README.md").write_text("# 我的政策文件\n说明。\n", encoding="utf-8")
    (top / "SOURCES-2021.md").write_text("来源：国务院网站\n", encoding="utf-8")
    (top / ".draft.txt").write_text("草稿，不是文件。\n", encoding="utf-8")
    return top


def _sync(cli, folder: Path, *options: str) -> dict:
    result = cli("docs", "sync", str(folder), "--json", *options)
    assert result.code == 0, result
    return json.loads(result.stdout)


def test_sync_adds_changes_and_removes_what_the_folder_does(cli, folder: Path):
    first = _sync(cli, folder)
    assert first["counts"] == {"added": 3, "replaced": 0, "unchanged": 0, "removed": 0, "errors": 0}
    ids = {a["id"] for a in first["added"]}
    assert "readme" not in ids and "sources-2021" not in ids and "draft" not in ids
    assert _sync(cli, folder)["counts"]["unchanged"] == 3
    with (folder / OPINIONS.name).open("a", encoding="utf-8") as handle:
        handle.write("\n（此件公开发布）\n")
    (folder / "shanghai" / SHANGHAI.name).unlink()
    third = _sync(cli, folder)
    assert third["counts"] == {"added": 0, "replaced": 1, "unchanged": 1, "removed": 1, "errors": 0}
    assert third["removed"] == ["shanghai-carbon-peak-implementation-plan-2022"]
    listed = {doc["id"] for doc in json.loads(cli("docs", "list", "--json").stdout)}
    assert "shanghai-carbon-peak-implementation-plan-2022" not in listed
    assert "（此件公开发布）" in cli("show", "cpc-sc-dual-carbon-opinions-2021").stdout


def test_sync_leaves_documents_added_from_elsewhere(cli, folder: Path, tmp_path: Path):
    other = tmp_path / "other.txt"
    shutil.copy(SHANGHAI, other)
    assert cli("docs", "add", str(other)).code == 0
    shutil.rmtree(folder / "shanghai")
    assert _sync(cli, folder)["removed"] == []
    assert "other" in {doc["id"] for doc in json.loads(cli("docs", "list", "--json").stdout)}


def test_include_and_exclude(cli, folder: Path):
    only = json.loads(cli("docs", "add", str(folder), "--include", "shanghai/*", "--json").stdout)
    assert [a["id"] for a in only["added"]] == ["shanghai-carbon-peak-implementation-plan-2022"]
    rest = json.loads(cli("docs", "add", str(folder), "--exclude", "ndrc*", "--json").stdout)
    assert {a["id"] for a in rest["added"]} == {"cpc-sc-dual-carbon-opinions-2021",
                                               "shanghai-carbon-peak-implementation-plan-2022"}
    notes = json.loads(cli("docs", "add", str(folder), "--include", "README.md", "--json").stdout)
    assert [a["id"] for a in notes["added"]] == ["readme"]  # included by name: a document after all


def test_an_id_of_ones_own(cli):
    assert cli("docs", "add", str(OPINIONS), "--id", "dual-carbon").code == 0
    assert cli("show", "dual-carbon/s12.33").code == 0
    taken = cli("docs", "add", str(STORAGE), "--id", "dual-carbon")
    assert taken.code == 2 and "is taken by" in taken.stderr
    for bad in ("Dual Carbon", "qa", "news-03", "x" * 61):
        assert cli("docs", "add", str(STORAGE), "--id", bad).code == 2, bad
    several = cli("docs", "add", str(STORAGE), str(SHANGHAI), "--id", "two")
    assert several.code == 2 and "--id names one document; 2 were given" in several.stderr


def test_progress_counts_files_from_the_start(home: Path, carbon_exe: str, tmp_path: Path):
    """On a terminal, a batch shows ``reading … N/M`` while it reads, before anything is indexed."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(8):
        (batch / f"notice-{n}.txt").write_text(OPINIONS.read_text(encoding="utf-8") + f"\n第{n}份。\n", encoding="utf-8")
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.run([carbon_exe, "docs", "add", str(batch)], stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=follower, env=env, timeout=120)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode == 0
    text = seen.decode("utf-8", "replace")
    assert "reading" in text and "/8" in text and "indexing" in text
