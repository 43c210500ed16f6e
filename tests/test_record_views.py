"""Filters, sort, facets and grouped counts by record, through the CLI, on a library
of real documents: the seed, the two documents of ``shared/corpus`` and the real
fixtures. The expected values are counted by hand from the documents (see each test).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES

OPINIONS = "cpc-sc-dual-carbon-opinions-2021"  # 中共中央 国务院 … 意见, undated
STORAGE = "ndrc-nea-new-energy-storage-guidance-2021"  # 国家发展改革委 国家能源局, 2021-07-15, 指导意见
PEAK = "sc-peak-action-plan-2030-2021"  # 国务院, 2021-10-24, 通知 (国发〔2021〕23 号)
FARM = "gov-cn-page-farm-machinery-2018"  # 国务院, 2018-12-21, 指导意见 (国发〔2018〕42号)
WASTE = "gov-cn-page-zero-waste-city-2018"  # 国务院办公厅, 2018-12-29, 通知 (国办发〔2018〕128号)
LIBRARY = [FIXTURES / "cpc_sc_dual_carbon_opinions_2021.txt", FIXTURES / "ndrc_nea_new_energy_storage_guidance_2021.txt",
           FIXTURES / "real" / "sc_peak_action_plan_2030_2021.txt", FIXTURES / "real" / "gov_cn_page_farm_machinery_2018.html",
           FIXTURES / "real" / "gov_cn_page_zero_waste_city_2018.html"]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    path = tmp_path_factory.mktemp("library") / "home"
    env = {**os.environ, "CARBON_HOME": str(path), "CARBON_CACHE": str(shared_cache)}
    subprocess.run([sys.executable, "-m", "carbon_cli", "docs", "add", *map(str, LIBRARY)], env=env, check=True,
                   capture_output=True)
    return path


@pytest.fixture
def home(library: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared library of this module, for the ``cli`` fixture."""
    monkeypatch.setenv("CARBON_HOME", str(library))
    monkeypatch.setenv("CARBON_CACHE", str(shared_cache))
    return library


def _ids(cli, *args: str) -> list[str]:
    result = cli(*args, "--json")
    assert result.code in (0, 1), result
    return [d["id"] for d in json.loads(result.stdout)]


@pytest.mark.parametrize(("args", "expected"), [
    (("--issuer", "国务院"), [OPINIONS, PEAK, FARM]),  # 国务院办公厅 is another issuer
    (("--issuer", "国家发改委"), [STORAGE]),  # any name of the authority
    (("--issuer", "国家发展和改革委员会", "--issuer", "国务院办公厅"), [STORAGE, WASTE]),
    (("--type", "意见"), [OPINIONS, STORAGE, FARM]),  # 指导意见 is an 意见
    (("--type", "指导意见"), [STORAGE, FARM]),
    (("--type", "答记者问"), ["qa"]),
    (("--since", "2021"), [STORAGE, PEAK]),  # the opinion has no date: left out
    (("--until", "2018"), [FARM, WASTE]),
    (("--since", "2018-12-25", "--until", "2021-07-15"), [STORAGE, WASTE]),
    (("--number", "国发"), [PEAK, FARM]),  # 国办发 does not hold 国发
    (("--number", "国发[2021]23号"), [PEAK]),  # brackets and spaces as typed do not matter
    (("--issuer", "国务院", "--type", "通知"), [PEAK]),
    (("--issuer", "生态环境部"), []),
])
def test_docs_list_keeps_the_documents_whose_record_passes_the_filters(cli, args, expected):
    assert _ids(cli, "docs", "list", *args) == expected


def test_a_filter_that_matches_nothing_exits_1_and_says_so(cli):
    result = cli("search", "储能", "--issuer", "生态环境部")
    assert result.code == 1 and result.stdout == "" and "no document matches" in result.stderr


def test_a_date_that_is_no_date_is_a_usage_error(cli):
    result = cli("docs", "list", "--since", "last year")
    assert result.code == 2 and "not a date" in result.stderr and "Traceback" not in result.stderr


def test_docs_list_sorts_by_date_newest_first_undated_last(cli):
    assert _ids(cli, "docs", "list", "--sort", "date")[:5] == [PEAK, STORAGE, WASTE, FARM, "qa"]


def _search(cli, *args: str) -> dict:
    result = cli("search", *args, "--json")
    assert result.code in (0, 1), result
    return json.loads(result.stdout)


# 抽水蓄能 is in three passages, one per document (counted with grep in the files: the
# three lines of the PDF's item 加快建设新型电力系统 are one paragraph): the opinion's
# item （十二）, the guidance's preamble, the action plan's item.
def test_facets_count_every_hit_by_document_issuer_year_and_kind(cli):
    data = _search(cli, "抽水蓄能", "-n", "1")
    assert data["total"] == 3 and len(data["results"]) == 1
    assert data["facets"] == {
        "doc": {OPINIONS: 1, STORAGE: 1, PEAK: 1},
        "issuer": {"国务院": 2, "中共中央": 1, "国家发展改革委": 1, "国家能源局": 1},
        "year": {"2021": 2, "unknown": 1},
        "kind": {"item": 2, "preamble": 1},
    }


def test_a_removed_document_leaves_the_facets(library, shared_cache, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(library, home)
    env = {**os.environ, "CARBON_HOME": str(home), "CARBON_CACHE": str(shared_cache)}
    subprocess.run([sys.executable, "-m", "carbon_cli", "docs", "remove", STORAGE], env=env, check=True,
                   capture_output=True)
    found = subprocess.run([sys.executable, "-m", "carbon_cli", "search", "抽水蓄能", "--json"], env=env, check=True,
                           capture_output=True, text=True)
    facets = json.loads(found.stdout)["facets"]
    assert facets["doc"] == {OPINIONS: 1, PEAK: 1} and "国家能源局" not in facets["issuer"]
    with sqlite3.connect(home / "index.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM facet_fields WHERE doc = ?", (STORAGE,)).fetchone() == (0,)


def test_the_terminal_shows_facets_when_asked(cli):
    result = cli("search", "抽水蓄能", "--facets")
    assert result.code == 0
    assert "hits by" in result.stdout and "国务院 2" in result.stdout and "2021 2 · unknown 1" in result.stdout
    assert "hits by" not in cli("search", "抽水蓄能").stdout


@pytest.mark.parametrize(("args", "docs"), [
    (("--issuer", "国务院"), {OPINIONS, PEAK}),
    (("--since", "2021-08"), {PEAK}),
    (("issuer:国家能源局",), {STORAGE}),
    (("year:2021",), {STORAGE, PEAK}),
    (("type:意见",), {OPINIONS, STORAGE}),
    (("type:意见", "year:2021"), {STORAGE}),
])
def test_search_filters_scope_the_hits_to_the_documents_they_leave(cli, args, docs):
    data = _search(cli, "抽水蓄能", *args)
    assert {hit["doc"] for hit in data["results"]} == docs and data["total"] == len(docs)


def test_search_sorted_by_date_puts_the_newest_document_first(cli):
    by_date = [hit["doc"] for hit in _search(cli, "抽水蓄能", "--sort", "date")["results"]]
    assert by_date == [PEAK, STORAGE, OPINIONS]  # 2021-10-24, 2021-07-15, undated
    by_score = _search(cli, "抽水蓄能")["results"]
    assert sorted(hit["doc"] for hit in by_score) == sorted(by_date)


def test_a_search_without_filters_answers_as_before(cli):
    plain, scoped = _search(cli, "储能"), _search(cli, "储能", "--since", "1900")
    dated = {STORAGE, PEAK, FARM, WASTE}
    assert [h["id"] for h in plain["results"] if h["doc"] in dated][:3] == [h["id"] for h in scoped["results"]][:3]


@pytest.mark.parametrize("command", ["actions", "principles", "guarantees"])
def test_the_plan_views_take_the_filters(cli, command):
    listed = json.loads(cli(command, "--issuer", "国务院", "--until", "2021-12-31", "--json").stdout)
    assert {p["doc"] for p in listed} <= {PEAK, FARM} and listed


def test_export_takes_the_filters(cli):
    rows = [json.loads(line) for line in cli("export", "--number", "发改能源规〔2021〕1051号").stdout.splitlines()]
    assert rows and {row["doc"] for row in rows} == {STORAGE}


def test_stats_by_year_counts_terms_in_each_year(cli):
    data = json.loads(cli("stats", "--by", "year", "--term", "农机", "--json").stdout)
    assert [g["group"] for g in data["groups"]] == ["2018", "2021", "unknown"]
    (row,) = data["terms"]
    # the 2021 plan has it once (淘汰…节能环保农机和渔船), the undated opinion never; the rest is the 2018 opinion's
    assert row["counts"]["2021"] == 1 and row["counts"]["unknown"] == 0
    assert row["counts"]["2018"] == row["total"] - 1 > 100


def test_stats_by_issuer_puts_a_joint_document_under_each_issuer(cli):
    data = json.loads(cli("stats", "--by", "issuer", "--term", "新型储能", "--json").stdout)
    counts = data["terms"][0]["counts"]
    assert counts["国家发展改革委"] == counts["国家能源局"] > 0
