"""The stored index: reused while nothing changed, rebuilt when anything that shapes it
does, repaired when damaged, read-only homes and concurrent builds; the warm path's cost."""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from carbon_cli import resources, text
from helpers import STORAGE, only_waited


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
    from helpers import STORAGE, record_file

    assert cli("docs", "add", str(STORAGE)).code == 0
    manifest = json.loads((home / "library" / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == ["ndrc-nea-new-energy-storage-guidance-2021"]
    # remove the document from the library only: the index still has it
    record_file(home, "ndrc-nea-new-energy-storage-guidance-2021").unlink()
    (home / "library" / "manifest.json").write_text("{}", encoding="utf-8")
    data = json.loads(cli("docs", "list", "--json").stdout)
    assert "ndrc-nea-new-energy-storage-guidance-2021" not in {d["id"] for d in data}


def test_seed_change_rebuilds_the_index(cli, home, tmp_path, monkeypatch):
    from carbon_cli import catalog

    cli("search", "CCUS", "--json")
    before = _build_key(home)
    seed = tmp_path / "seed.txt"
    seed.write_text(resources.seed_file().read_text(encoding="utf-8") + "\n鲲鹏计划推动氢冶金示范。\n", encoding="utf-8")
    monkeypatch.setattr(catalog, "seed_file", lambda: seed)
    data = json.loads(cli("search", "氢冶金", "--json").stdout)
    assert _build_key(home) != before
    assert any("氢冶金" in r["text"] for r in data["results"])


# -- damage: detected, rebuilt from the seed and the library, one line on stderr --------


def _ccus(cli) -> list[str]:
    result = cli("search", "CCUS", "--json")
    assert result.code == 0, result
    return [r["id"] for r in json.loads(result.stdout)["results"]]


def _truncate(path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def _empty(path) -> None:
    path.write_bytes(b"")


def _foreign(path) -> None:
    path.write_bytes(b"PK\x03\x04 not an index" * 100)


def _garbled_pages(path) -> None:
    """Garbage past the header and the schema: only a read of those pages notices."""
    data = bytearray(path.read_bytes())
    start, end = 3 * 4096, len(data) - 4096
    data[start:end] = bytes((i * 37 + 11) % 256 for i in range(end - start))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_truncate, _empty, _foreign, _garbled_pages, lambda path: path.unlink()])
def test_damaged_or_missing_index_is_rebuilt_with_one_line(cli, home, damage):
    from helpers import STORAGE

    assert cli("docs", "add", str(STORAGE)).code == 0
    expected = _ccus(cli)
    storage = json.loads(cli("search", "新型储能", "--doc", "ndrc-nea-new-energy-storage-guidance-2021", "--json").stdout)
    damage(home / "index.sqlite")
    result = cli("search", "CCUS", "--json")
    assert result.code == 0
    assert [r["id"] for r in json.loads(result.stdout)["results"]] == expected
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("carbon: warning: the index in ")
    assert "rebuilding it" in result.stderr
    # the library's documents are back, and the next call is quiet
    again = cli("search", "新型储能", "--doc", "ndrc-nea-new-energy-storage-guidance-2021", "--json")
    assert again.stderr == "" and json.loads(again.stdout)["results"] == storage["results"]


def test_first_call_builds_quietly(cli, home):
    result = cli("search", "CCUS", "--json")
    assert result.code == 0 and result.stderr == ""


# -- a home that cannot be written ------------------------------------------------------


@contextlib.contextmanager
def _read_only(folder):
    """Make a folder unwritable, as a read-only mount would; for root too (chattr +i)."""
    paths = [folder, *folder.rglob("*")]
    for path in paths:
        path.chmod(path.stat().st_mode & ~0o222)
    immutable = os.geteuid() == 0
    try:
        if immutable:
            chattr = shutil.which("chattr")
            if chattr is None or subprocess.run([chattr, "-R", "+i", str(folder)], capture_output=True).returncode:
                immutable = False
                pytest.skip("root writes anywhere, and chattr +i is not available here")
        yield
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr") or "chattr", "-R", "-i", str(folder)], check=True)
        for path in paths:
            path.chmod(path.stat().st_mode | 0o200)


@pytest.mark.empty_home
def test_read_only_home_answers_from_memory_with_a_warning(cli, home, monkeypatch):
    """Nothing there yet, not even a cache: everything is built in memory, one warning."""
    home.mkdir()
    monkeypatch.delenv("CARBON_CACHE")
    with _read_only(home):
        result = cli("search", "CCUS", "--json")
        assert list(home.iterdir()) == []
    assert result.code == 0
    assert [r["id"] for r in json.loads(result.stdout)["results"]] == ["qa/action/4"]
    assert result.stderr.count("\n") == 1
    assert "cannot be written; searching an index built in memory" in result.stderr


def test_read_only_home_with_a_library_and_a_stale_index(cli, home):
    from helpers import STORAGE

    assert cli("docs", "add", str(STORAGE)).code == 0
    expected = json.loads(cli("search", "新型储能", "--json").stdout)["results"]
    manifest = home / "library" / "manifest.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text(encoding="utf-8")), indent=4), encoding="utf-8")
    # the same entries written otherwise: the index's library key no longer matches
    with _read_only(home):
        result = cli("search", "新型储能", "--json")
        unchanged = cli("search", "CCUS", "--json")
    assert result.code == 0 and result.stderr.count("\n") == 1 and "built in memory" in result.stderr
    # the library's records are read, so the answer is the same as before
    assert json.loads(result.stdout)["results"] == expected
    assert unchanged.code == 0


def test_read_only_home_with_a_good_index_is_quiet(cli, home):
    expected = _ccus(cli)
    with _read_only(home):
        result = cli("search", "CCUS", "--json")
    assert result.code == 0 and result.stderr == ""
    assert [r["id"] for r in json.loads(result.stdout)["results"]] == expected


# -- several processes at once ------------------------------------------------------------


def _spawn(carbon_exe: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([carbon_exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ)


@pytest.mark.slow
def test_processes_building_at_once_all_succeed(home, carbon_exe):
    procs = [_spawn(carbon_exe, "search", "碳汇", "--json") for _ in range(4)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4
    assert all(only_waited(err.decode()) for _, err in outputs), outputs
    assert len({out for out, _ in outputs}) == 1
    assert not list(home.glob(".index.*"))


@pytest.mark.slow
def test_processes_rebuilding_a_library_at_once_all_succeed(cli, home, carbon_exe):
    from helpers import OPINIONS, STORAGE

    assert cli("docs", "add", str(OPINIONS), str(STORAGE)).code == 0
    expected = cli("search", "储能", "-n", "20", "--json").stdout
    (home / "index.sqlite").unlink()
    procs = [_spawn(carbon_exe, "search", "储能", "-n", "20", "--json") for _ in range(3)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 3
    assert all(out.decode() == expected for out, _ in outputs)
    # one of them rebuilt (and said so, once); the others found its index
    assert sum(err.decode().count("\n") for _, err in outputs) == 1


def test_the_home_holds_plain_data_only(cli, home, monkeypatch):
    """SQLite, JSON and text: nothing that loading could execute (no pickle)."""
    from helpers import STORAGE

    monkeypatch.delenv("CARBON_CACHE")
    assert cli("docs", "add", str(STORAGE)).code == 0
    assert cli("search", "CCUS", "--json").code == 0
    files = [path for path in home.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {"index.sqlite", "manifest.json", "lock"}
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".sqlite":
            assert data.startswith(b"SQLite format 3\x00")
        elif path.suffix == ".json":
            json.loads(data)
        else:
            data.decode("utf-8")  # the lexicon, the traditional characters, the empty lock file
        assert not data.startswith(b"\x80"), path  # a pickle's protocol marker


# -- the warm path ------------------------------------------------------------------------


_WARM = """
import sys
from pathlib import Path
from carbon_cli.__main__ import run
code = run(["search", "CCUS", "--json"])
loaded = {name.split(".")[0] for name in sys.modules} & {"rich", "jieba", "numpy", "rank_bm25", "opencc", "logging"}
print(code, sorted(loaded), file=sys.stderr)
"""


def test_a_warm_json_search_loads_neither_rich_nor_jieba(run_carbon, home):
    """No terminal rendering, no jieba (nor its dictionary, nor jieba.analyse), no NumPy."""
    assert run_carbon("search", "CCUS", "--json").code == 0  # builds the index
    proc = subprocess.run([sys.executable, "-c", _WARM], capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "0 []", proc.stderr


def test_a_warm_query_peaks_below_80_mb(run_carbon, home, carbon_exe):
    """Measured as bench/warm.py measures it."""
    from helpers import ROOT

    peak_rss_mb = runpy.run_path(str(ROOT / "bench" / "warm.py"), run_name="bench_warm")["peak_rss_mb"]
    assert run_carbon("search", "CCUS", "--json").code == 0
    assert peak_rss_mb([carbon_exe, "search", "碳汇", "储能", "--json"], dict(os.environ)) < 80


def test_editing_any_outline_module_changes_the_build_key(tmp_path):
    """The parser is a package: each of its modules decides what is indexed."""
    from carbon_cli import catalog

    package = tmp_path / "carbon_cli"
    shutil.copytree(os.path.dirname(catalog.__file__), package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    modules = sorted((package / "outline").glob("*.py"))
    assert {p.name for p in modules} >= {"__init__.py", "tree.py", "kinds.py", "passages.py"}
    assert set(modules) <= set(catalog.source_files(package))
    keys = {catalog._build_key(package=package)}
    for module in modules:
        with module.open("a", encoding="utf-8") as handle:
            handle.write("\n# edited\n")
        keys.add(catalog._build_key(package=package))
    assert len(keys) == len(modules) + 1


def test_a_section_word_change_rebuilds_the_index(cli, home, tmp_path, monkeypatch):
    """A word added to section_words.tsv changes what the outline marks, so the index."""
    from carbon_cli import catalog

    cli("guarantees", "--list", "--json")
    before = _build_key(home)
    table = tmp_path / "section_words.tsv"
    table.write_text(resources.data_file("section_words.tsv").read_text(encoding="utf-8")
                     + "guarantee\tin\t支撑体系\t-\n", encoding="utf-8")
    monkeypatch.setattr(catalog, "data_file", lambda name: table if name == "section_words.tsv" else resources.data_file(name))
    assert cli("guarantees", "--list", "--json").code == 0
    assert _build_key(home) != before


# Modules a build imports that decide nothing of what the index holds: how files are
# stored and written, locks and signals, where data lives, the index's life cycle itself.
# vocabulary and tuning choose the expansions an index records as written: a record
# only spares reading texts, and one that does not fit an expansion is not used
# (``scoring.recorded_expansions``), so they change no answer an index gives
NOT_DECIDING = {"catalog", "store", "fsio", "interrupts", "resources", "user_vocab", "ids", "readers", "vocabulary",
                "tuning"}


def test_the_build_key_covers_every_module_a_build_runs(home, tmp_path):
    """A module that a build imports either is hashed into the build key or is one that
    cannot change what is indexed: a new module that decides something must be listed."""
    from carbon_cli import catalog

    probe = (
        "import sys; from pathlib import Path; from carbon_cli.catalog import Catalog; "
        "from carbon_cli.store import Home; "
        f"Catalog(Home(Path({str(tmp_path / 'h')!r}))).add_files([Path({str(STORAGE)!r})]); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('carbon_cli.'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    package = Path(catalog.__file__).parent
    hashed = {str(path.relative_to(package).with_suffix("")).replace("/", ".") for path in catalog.source_files()}
    hashed |= {name.removesuffix(".__init__") for name in hashed}
    imported = {name.removeprefix("carbon_cli.") for name in out.split()}
    assert imported - hashed - NOT_DECIDING == set()
