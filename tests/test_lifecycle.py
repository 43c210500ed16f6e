"""The stored index: reused while nothing changed, rebuilt when anything that shapes it does."""

from __future__ import annotations

import json
import sqlite3

import pytest

from carbon_cli import resources, text


def _build_key(home):
    conn = sqlite3.connect(home / "index.sqlite")
    try:
        return dict(conn.execute("SELECT k, v FROM meta"))["build"]
    finally:
        conn.close()


@pytest.fixture
def edited_data(tmp_path, monkeypatch):
    """A copy of data/ that a test may edit, used in place of the shipped one."""
    folder = tmp_path / "data"
    folder.mkdir()
    for path in resources.data_dir().iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(text, "data_file", lambda name: folder / name)
    return folder


def test_stop_word_change_rebuilds_the_index(cli, home, edited_data):
    assert cli("search", "碳汇", "--json").code == 0
    before = _build_key(home)
    with open(edited_data / "stopwords.txt", "a", encoding="utf-8") as handle:
        handle.write("碳汇\n绿色碳汇\n蓝色碳汇\n")
    result = cli("search", "碳汇", "--json")
    assert _build_key(home) != before
    # 碳汇 is no longer a word of the index: only the fallback inside longer words remains
    assert all(t != "碳汇" for t in json.loads(result.stdout)["tokens"])


def test_user_dictionary_change_rebuilds_the_index(cli, home, edited_data):
    cli("search", "CCUS", "--json")
    before = _build_key(home)
    with open(edited_data / "userdict.txt", "a", encoding="utf-8") as handle:
        handle.write("技术能力提升 50000\n")
    data = json.loads(cli("search", "技术能力提升", "--json").stdout)
    assert _build_key(home) != before
    assert "技术能力提升" in data["tokens"]
    assert data["results"][0]["id"] == "qa/action/4"


def test_pipeline_version_change_rebuilds(cli, home, monkeypatch):
    cli("actions", "--list", "--json")
    before = _build_key(home)
    monkeypatch.setattr(text, "PIPELINE_VERSION", text.PIPELINE_VERSION + "-next")
    assert cli("actions", "--list", "--json").code == 0
    assert _build_key(home) != before


def test_nothing_changed_means_no_rebuild(cli, home):
    cli("search", "CCUS", "--json")
    stamp = (home / "index.sqlite").stat().st_mtime_ns
    for query in ("碳汇", "储能", "技术"):
        cli("search", query, "--json")
    assert (home / "index.sqlite").stat().st_mtime_ns == stamp
    assert not list(home.glob(".index.*"))  # no temporary files left behind


def test_index_is_plain_sqlite_with_documents_passages_and_postings(cli, home):
    cli("search", "CCUS", "--json")
    conn = sqlite3.connect(home / "index.sqlite")
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "documents", "passages", "terms", "postings"} <= tables
    (n,) = conn.execute("SELECT count(*) FROM passages WHERE doc = 'qa' AND kind = 'action'").fetchone()
    assert n == 10
    conn.close()


def test_library_edit_outside_carbon_is_reconciled(cli, home, tmp_path):
    """A library changed behind the index's back (e.g. an add killed after saving the
    document) is applied to the index on the next call."""
    from conftest import STORAGE

    assert cli("docs", "add", str(STORAGE)).code == 0
    manifest = json.loads((home / "library" / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == ["ndrc-nea-new-energy-storage-guidance-2021"]
    # remove the document from the library only: the index still has it
    (home / "library" / "ndrc-nea-new-energy-storage-guidance-2021.json").unlink()
    (home / "library" / "manifest.json").write_text("{}", encoding="utf-8")
    data = json.loads(cli("docs", "list", "--json").stdout)
    assert "ndrc-nea-new-energy-storage-guidance-2021" not in {d["id"] for d in data}
