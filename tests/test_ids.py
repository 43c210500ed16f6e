"""Document ids as people type them: a unique prefix or the start of its words, everywhere."""

from __future__ import annotations

import json

import pytest

from carbon_cli.ids import matches, resolve
from carbon_cli.model import CarbonError
from helpers import OPINIONS, STORAGE

OPINIONS_ID = "cpc-sc-dual-carbon-opinions-2021"
STORAGE_ID = "ndrc-nea-new-energy-storage-guidance-2021"
IDS = [OPINIONS_ID, STORAGE_ID, "qa", "news-01", "news-02"]


@pytest.mark.parametrize("typed, expected", [
    (OPINIONS_ID, OPINIONS_ID),
    ("cpc", OPINIONS_ID),
    ("ndrc-nea-new", STORAGE_ID),
    ("ndrc-nea-energy", STORAGE_ID),  # the start of some of its words, in order
    ("cpc-opinions", OPINIONS_ID),
    ("qa", "qa"),  # an exact id wins over the ids it begins
])
def test_a_short_form_names_one_document(typed: str, expected: str):
    assert resolve(typed, IDS) == expected


def test_a_form_that_fits_several_names_them():
    with pytest.raises(CarbonError, match="fits several documents: news-01, news-02"):
        resolve("news", IDS)


def test_a_form_that_fits_none_suggests_the_nearest():
    with pytest.raises(CarbonError, match=f"did you mean {OPINIONS_ID}"):
        resolve("cpc-sc-dual-carbn-opinions", IDS)
    assert matches("", IDS) == [] and matches("energy-ndrc", IDS) == []


@pytest.fixture
def library(cli):
    assert cli("docs", "add", str(OPINIONS), str(STORAGE)).code == 0
    return cli


def test_every_command_takes_a_short_id(library):
    cli = library
    shown = json.loads(cli("show", "cpc-opinions/s12.33", "--json").stdout)
    assert shown["id"] == f"{OPINIONS_ID}/s12.33"
    principles = json.loads(cli("principles", "--doc", "ndrc-nea-energy", "--json").stdout)
    assert {p["doc"] for p in principles} == {STORAGE_ID}
    hits = json.loads(cli("search", "储能", "--doc", "ndrc", "--json").stdout)["results"]
    assert hits and {hit["doc"] for hit in hits} == {STORAGE_ID}
    assert json.loads(cli("docs", "show", "cpc", "--json").stdout)[0]["id"] == OPINIONS_ID
    assert cli("keywords", "--doc", "cpc", "--json").code == 0
    removed = cli("docs", "remove", "ndrc", "--json")
    assert json.loads(removed.stdout) == {"removed": STORAGE_ID}
    assert STORAGE_ID not in cli("docs", "list").stdout


def test_a_miss_says_what_was_meant(library):
    result = library("show", "cpc-sc-dual-carbn")
    assert result.code == 2 and f"did you mean {OPINIONS_ID}?" in result.stderr
    result = library("docs", "remove", "cpc-sc-dual-carbn")
    assert result.code == 2 and f"did you mean {OPINIONS_ID}?" in result.stderr
    assert OPINIONS_ID in library("docs", "list").stdout  # nothing removed


def test_an_ambiguous_form_removes_nothing(cli, tmp_path):
    for name in ("plan_a.txt", "plan_b.txt"):
        (tmp_path / name).write_text(OPINIONS.read_text(encoding="utf-8") + name, encoding="utf-8")
    assert cli("docs", "add", str(tmp_path)).code == 0
    result = cli("docs", "remove", "plan")
    assert result.code == 2 and "fits several documents: plan-a, plan-b" in result.stderr
    listed = cli("docs", "list").stdout
    assert "plan-a" in listed and "plan-b" in listed


def test_the_link_commands_take_short_ids_too(cli):
    """refs, cited-by, similar and diff resolve ids as every other command does."""
    assert cli("docs", "add", str(OPINIONS), str(STORAGE)).code == 0
    cited = json.loads(cli("cited-by", "cpc", "--json").stdout)
    assert [c["passage"] for c in cited] == ["qa/answer/2"]
    refs = json.loads(cli("refs", "cpc-opinions", "--json").stdout)
    assert refs and {r["doc"] for r in refs} == {OPINIONS_ID}
    similar = json.loads(cli("similar", "cpc-opinions/s12.33", "-n", "1", "--json").stdout)
    assert similar["passage"] == f"{OPINIONS_ID}/s12.33"
    compared = json.loads(cli("diff", "cpc", "ndrc", "--json").stdout)
    assert (compared["a"], compared["b"]) == (OPINIONS_ID, STORAGE_ID)
