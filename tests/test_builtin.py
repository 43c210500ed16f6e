"""The shipped documents in a user's library: shown, marked built in, hidden, shown again."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import OPINIONS

TEASERS = [f"news-{n:02d}" for n in range(1, 11)]


def _ids(cli) -> list[str]:
    return [doc["id"] for doc in json.loads(cli("docs", "list", "--json").stdout)]


def _hits(cli, query: str) -> list[str]:
    result = cli("search", "--json", query)
    return [hit["doc"] for hit in json.loads(result.stdout)["results"]]


def test_the_teasers_can_be_hidden_and_shown_again(cli, home: Path):
    assert cli("docs", "add", str(OPINIONS)).code == 0
    assert "news-05" in _hits(cli, "生物制造")  # a teaser answers a topic it mentions once
    hidden = cli("docs", "hide", "news-*", "--json")
    assert hidden.code == 0 and json.loads(hidden.stdout) == {"hidden": TEASERS}
    assert _ids(cli) == ["qa", "cpc-sc-dual-carbon-opinions-2021"]
    assert "news-05" not in _hits(cli, "生物制造")
    assert "news-01" not in cli("outline").stdout
    listed = cli("docs", "list")
    assert "hidden: news-01, news-02" in listed.stderr and "carbon docs unhide" in listed.stderr
    shown = cli("docs", "unhide", "news-05", "--json")
    assert json.loads(shown.stdout) == {"shown": ["news-05"]}
    assert "news-05" in _hits(cli, "生物制造")
    assert cli("docs", "unhide", "news-*").code == 0
    assert _ids(cli) == ["qa", *TEASERS, "cpc-sc-dual-carbon-opinions-2021"]


def test_removing_a_built_in_document_hides_it(cli):
    removed = cli("docs", "remove", "qa", "--json")
    assert removed.code == 0 and json.loads(removed.stdout) == {"hidden": ["qa"]}
    assert "qa" not in _ids(cli)
    assert cli("actions", "--list").code == 1  # the Q&A held the only actions
    assert cli("docs", "unhide", "qa").stdout == "shown qa\n"
    assert cli("actions", "--list").code == 0


def test_hiding_survives_a_rebuild_and_is_not_a_document(cli, home: Path):
    assert cli("docs", "hide", "news-0*").code == 0
    (home / "index.sqlite").unlink()
    assert _ids(cli) == ["qa", "news-10"]
    assert not (home / "library" / "orphans").exists()  # the hidden list is no library record


def test_docs_list_marks_built_in_documents(cli):
    data = json.loads(cli("docs", "list", "--json").stdout)
    assert {doc["id"]: doc["builtin"] for doc in data}["qa"] is True
    assert "built-in" in cli("docs", "list").stdout


def test_only_built_in_documents_can_be_hidden(cli):
    assert cli("docs", "add", str(OPINIONS)).code == 0
    result = cli("docs", "hide", "cpc-sc-dual-carbon-opinions-2021")
    assert result.code == 2 and "is not a built-in document" in result.stderr and "carbon docs remove" in result.stderr
    result = cli("docs", "hide", "news")
    assert result.code == 2 and "fits several built-in documents" in result.stderr
    assert cli("docs", "hide", "news-03").code == 0
    again = cli("docs", "hide", "news-03")
    assert again.code == 0 and again.stdout == "" and "already hidden" in again.stderr
