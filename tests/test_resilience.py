"""Crash safety, concurrency and index damage, with the installed program.

Every test here runs ``carbon`` as a subprocess on a scratch CARBON_HOME. The
counts are small enough for CI; the long runs use the same tests with larger
counts (see docs/reliability.md)::

    CARBON_KILLS=300 CARBON_CONCURRENT_ROUNDS=10 python -m pytest -q tests/test_resilience.py
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from carbon_cli.index import iter_postings
from carbon_cli.outline import parse_documents
from helpers import OPINIONS, STORAGE, only_waited, record_file

KILLS = int(os.environ.get("CARBON_KILLS", "20"))
ROUNDS = int(os.environ.get("CARBON_CONCURRENT_ROUNDS", "1"))
STORAGE_ID = "ndrc-nea-new-energy-storage-guidance-2021"


def make_documents(folder: Path, count: int, prefix: str = "doc") -> dict[str, Path]:
    """``count`` distinct small policy documents, id -> path (ids are slugs of the names)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [line for line in OPINIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    made = {}
    for n in range(count):
        body = "\n".join(lines[(n * 3) % len(lines) : (n * 3) % len(lines) + 12])
        path = folder / f"{prefix}{n:03d}.txt"
        path.write_text(f"关于第{n}批{prefix}工作的通知\n一、总体要求\n（一）编号{prefix}{n}。{body}\n", encoding="utf-8")
        made[f"{prefix}{n:03d}"] = path
    return made


def carbon(exe: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout)


def listed(exe: str) -> dict[str, dict]:
    result = carbon(exe, "docs", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return {d["id"]: d for d in json.loads(result.stdout)}


def expected_passages(path: Path, doc_id: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p.text for d in parse_documents(text, doc_id) for p in d.passages]


def assert_whole(exe: str, doc_id: str, path: Path) -> None:
    """The document is in the index with every passage it should have, text intact."""
    result = carbon(exe, "show", doc_id, "--json")
    assert result.returncode == 0, result.stderr
    shown = [p["text"] for p in json.loads(result.stdout)]
    assert shown == expected_passages(path, doc_id), doc_id


def index_is_sound(home: Path) -> None:
    conn = sqlite3.connect(home / "index.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n, total = (int(dict(conn.execute("SELECT k, v FROM meta"))[k]) for k in ("n", "total"))
        assert (n, total) == conn.execute("SELECT count(*), coalesce(sum(length), 0) FROM passages").fetchone()
        pids = {pid for (pid,) in conn.execute("SELECT pid FROM passages")}
        assert all(pid in pids for _, pid, _, _ in iter_postings(conn))  # no posting outlives its passage
    finally:
        conn.close()


# -- crash safety -------------------------------------------------------------------


@pytest.mark.slow
def test_killed_adds_lose_nothing(home, carbon_exe, tmp_path, monkeypatch):
    """SIGKILL ``docs add`` (and the call after it, which may be finishing its work)
    at random moments; after each kill the index opens, every document added before
    is there, a document of the killed call is either absent or whole, and nothing
    is left in the temporary folder."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    rng = random.Random(int(os.environ.get("CARBON_KILL_SEED", "8")))
    assert carbon(carbon_exe, "docs", "add", str(STORAGE)).returncode == 0
    started = time.perf_counter()
    assert carbon(carbon_exe, "docs", "add", str(make_documents(tmp_path / "probe", 1, "probe")["probe000"])).returncode == 0
    span = max(0.3, (time.perf_counter() - started) * 1.5)  # how long one add takes here
    docs = make_documents(tmp_path / "incoming", 3 * KILLS)
    confirmed = {STORAGE_ID, "probe000"}
    pending = list(docs)
    kills = 0
    for round_ in range(KILLS):
        batch, pending = pending[:3], pending[3:]
        if round_ % 5 == 4:
            (home / "index.sqlite").unlink(missing_ok=True)  # the add must rebuild: kill a rebuild too
        proc = subprocess.Popen([carbon_exe, "docs", "add", *(str(docs[d]) for d in batch)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0, span))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        code = proc.wait()
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        assert "Traceback" not in stderr
        if code == 0:
            confirmed.update(batch)
        if round_ % 3 == 2:  # kill the next reader too: it may be reconciling the library
            reader = subprocess.Popen([carbon_exe, "search", "碳达峰", "--json"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, span / 2))
            if reader.poll() is None:
                reader.send_signal(signal.SIGKILL)
                kills += 1
            reader.wait()
        present = listed(carbon_exe)
        assert confirmed <= set(present), confirmed - set(present)
        for doc_id in batch:
            if doc_id in present:
                assert present[doc_id]["passages"] == len(expected_passages(docs[doc_id], doc_id)), doc_id
    assert kills >= KILLS // 3, f"only {kills} processes were still running when killed"
    present = listed(carbon_exe)
    for doc_id in present.keys() & docs.keys():
        assert_whole(carbon_exe, doc_id, docs[doc_id])
    result = carbon(carbon_exe, "search", "碳达峰", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["results"]
    index_is_sound(home)
    assert not list(home.glob(".index.*.tmp")) and not list((home / "library").glob(".*.tmp")), "temporary files left"
    assert not list(scratch.iterdir()), "left in the temporary folder"
    print(f"\nkills: {kills}, documents confirmed: {len(confirmed)}, present: {len(present)}")


# -- concurrency --------------------------------------------------------------------


@pytest.mark.slow
def test_adders_and_searchers_at_once(home, carbon_exe, tmp_path):
    """4 processes adding and 4 searching at the same time: every add lands, every
    search answers 0 or 1 with valid JSON."""
    assert carbon(carbon_exe, "docs", "add", str(STORAGE)).returncode == 0
    for round_ in range(ROUNDS):
        docs = make_documents(tmp_path / f"round{round_}", 16, f"r{round_}x")
        names = list(docs)
        queries = ["碳达峰", "储能", "CCUS", "绿色金融 碳汇", '"新型储能"', "编号", "zzzz不存在", "kind:action 行动"]

        def add(worker: int, mine: list[str], docs: dict[str, Path]) -> list[subprocess.CompletedProcess]:
            return [carbon(carbon_exe, "docs", "add", *(str(docs[d]) for d in mine[k : k + 2]), "--json")
                    for k in range(0, len(mine), 2)]

        def search(worker: int, queries: list[str]) -> list[subprocess.CompletedProcess]:
            return [carbon(carbon_exe, "search", queries[(worker + k) % len(queries)], "--json") for k in range(6)]

        with ThreadPoolExecutor(max_workers=8) as pool:
            adds = [pool.submit(add, w, names[w::4], docs) for w in range(4)]
            searches = [pool.submit(search, w, queries) for w in range(4)]
            add_results = [r for f in adds for r in f.result()]
            search_results = [r for f in searches for r in f.result()]
        for result in add_results:
            assert result.returncode == 0, result.stderr
            assert only_waited(result.stderr), result.stderr
        for result in search_results:
            assert result.returncode in (0, 1), result.stderr
            data = json.loads(result.stdout)
            assert isinstance(data["results"], list) and bool(data["results"]) == (result.returncode == 0)
        present = listed(carbon_exe)
        assert set(names) | {STORAGE_ID} <= set(present)
        print(f"\nround {round_}: {len(add_results)} adds ({len(names)} documents) and {len(search_results)} searches at once")
    index_is_sound(home)


@pytest.mark.slow
def test_two_processes_build_a_fresh_index_at_once(home, carbon_exe, tmp_path):
    for _ in range(3):
        shutil.rmtree(home, ignore_errors=True)
        procs = [subprocess.Popen([carbon_exe, "search", "CCUS", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        assert outs[0][0] == outs[1][0] and outs[0][1] == outs[1][1] == b""
        index_is_sound(home)


@pytest.mark.slow
@pytest.mark.empty_home
def test_two_first_adds_into_a_fresh_home(home, carbon_exe, tmp_path):
    docs = make_documents(tmp_path / "fresh", 2, "fresh")
    procs = [subprocess.Popen([carbon_exe, "docs", "add", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for path in docs.values()]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert set(docs) <= set(listed(carbon_exe))


# -- index damage -------------------------------------------------------------------


@pytest.fixture
def library(home, carbon_exe):
    """A home with one added document and a built index; the ids of the top hits of 储能."""
    assert carbon(carbon_exe, "docs", "add", str(STORAGE)).returncode == 0
    result = carbon(carbon_exe, "search", "储能", "--json")
    assert result.returncode == 0
    return [h["id"] for h in json.loads(result.stdout)["results"]]


def answers_after_damage(exe: str, before: list[str], warned: bool | None = True, ordered: bool = True) -> str:
    """The search answers as before the damage, with at most one warning line.

    ``ordered=False`` when the library itself changed meanwhile: other documents move
    the corpus statistics, and with them the order, but not which passages match."""
    result = carbon(exe, "search", "储能", "--json")
    assert result.returncode == 0, result.stderr
    found = [h["id"] for h in json.loads(result.stdout)["results"]]
    assert found == before if ordered else sorted(found) == sorted(before)
    lines = result.stderr.splitlines()
    if warned is not None:
        assert len(lines) == int(warned), result.stderr
    assert all(line.startswith("carbon: warning: ") for line in lines), result.stderr
    assert STORAGE_ID in listed(exe)
    return result.stderr


def test_missing_index(home, carbon_exe, library):
    (home / "index.sqlite").unlink()
    assert "is missing; rebuilding it from the library" in answers_after_damage(carbon_exe, library)
    index_is_sound(home)


@pytest.mark.parametrize("keep", [0, 50, 100, 4096, 20_000])
def test_truncated_index(home, carbon_exe, library, keep):
    path = home / "index.sqlite"
    path.write_bytes(path.read_bytes()[:keep])
    assert "damaged" in answers_after_damage(carbon_exe, library)
    index_is_sound(home)


def test_garbage_index(home, carbon_exe, library):
    path = home / "index.sqlite"
    path.write_bytes(os.urandom(path.stat().st_size))
    assert "damaged (not an index file)" in answers_after_damage(carbon_exe, library)


def test_every_body_page_garbage(home, carbon_exe, library):
    path = home / "index.sqlite"
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    rng = random.Random(3)
    data[page:] = bytes(rng.randrange(256) for _ in range(len(data) - page))
    path.write_bytes(bytes(data))
    assert "damaged" in answers_after_damage(carbon_exe, library)
    index_is_sound(home)


@pytest.mark.slow
def test_one_damaged_page_at_a_time(home, carbon_exe, library):
    """A garbage page anywhere in the body: detected when a command reaches it (and the
    index rebuilt), or never read; the answers stay the same either way.
    CARBON_DAMAGED_PAGES sets how many pages are tried (6 in CI)."""
    path = home / "index.sqlite"
    good = path.read_bytes()
    page = int.from_bytes(good[16:18], "big")
    pages = len(good) // page
    rng = random.Random(5)
    repaired = 0
    for number in sorted(rng.sample(range(1, pages), min(int(os.environ.get("CARBON_DAMAGED_PAGES", "6")), pages - 1))):
        data = bytearray(good)
        data[number * page : (number + 1) * page] = bytes(rng.randrange(256) for _ in range(page))
        path.write_bytes(bytes(data))
        stderr = answers_after_damage(carbon_exe, library, warned=None)
        repaired += "damaged" in stderr
        for args in (("outline", "--json"), ("actions", "--list", "--json")):  # commands reading other pages
            result = carbon(carbon_exe, *args)
            assert result.returncode == 0 and "Traceback" not in result.stderr, (number, args, result.stderr)
            json.loads(result.stdout)
        path.write_bytes(good)
    assert repaired >= 1


def test_damaged_text_in_a_row(home, carbon_exe, library):
    """Bytes that are not UTF-8 inside a stored passage: SQLite reads the page, Python
    cannot decode the text; that is damage too."""
    conn = sqlite3.connect(home / "index.sqlite")
    conn.execute("UPDATE passages SET title = CAST(X'e8b4ff' AS TEXT) WHERE id = 'qa/action/4'")
    conn.commit()
    conn.close()
    result = carbon(carbon_exe, "actions", "--list", "--json")
    assert result.returncode == 0 and "damaged" in result.stderr and result.stderr.count("\n") == 1
    assert len(json.loads(result.stdout)) >= 10
    index_is_sound(home)


def test_badly_edited_library_record(home, carbon_exe, library, tmp_path):
    docs = make_documents(tmp_path / "more", 2, "more")
    assert carbon(carbon_exe, "docs", "add", *map(str, docs.values())).returncode == 0
    record = record_file(home, "more000")
    data = json.loads(record.read_text(encoding="utf-8"))
    del data["encoding"]  # valid JSON, a field gone
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    manifest = home / "library" / "manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    entries["more000"]["sha256"] = "edited"  # the library changed behind the index's back: reconciled
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    stderr = answers_after_damage(carbon_exe, library, ordered=False)
    assert "more000" in stderr and "damaged" in stderr
    present = listed(carbon_exe)
    assert {"more001", STORAGE_ID} <= set(present) and "more000" not in present
    (home / "index.sqlite").unlink()  # a full rebuild says the same
    stderr = answers_after_damage(carbon_exe, library, warned=None, ordered=False)
    assert stderr.count("more000") == 1 and len(stderr.splitlines()) == 2
    record.write_text("{not json", encoding="utf-8")
    (home / "index.sqlite").unlink()
    assert "more000" in answers_after_damage(carbon_exe, library, warned=None, ordered=False)
    assert "more001" in listed(carbon_exe)


def test_garbage_manifest_is_rebuilt_from_the_records(home, carbon_exe, library):
    (home / "library" / "manifest.json").write_bytes(b"\x00\xff garbage")
    answers_after_damage(carbon_exe, library, warned=None)
    assert STORAGE_ID in listed(carbon_exe)


# -- a home that cannot be written --------------------------------------------------


def _read_only(home: Path, exe: str, *args: str) -> subprocess.CompletedProcess:
    """Run carbon with CARBON_HOME bind-mounted read-only in a private mount namespace
    (root ignores file modes, not a read-only mount)."""
    script = 'mount --bind "$H" "$H" && mount -o remount,ro,bind "$H" "$H" && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", exe, *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "H": str(home)})


def _can_mount_read_only(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind "{probe}" "{probe}" && '
                           f'mount -o remount,ro,bind "{probe}" "{probe}" && ! touch "{probe}/x"'],
                          capture_output=True)
    return done.returncode == 0


def _snapshot(home: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in home.rglob("*") if p.is_file()}


def test_read_only_home_answers_from_memory(home, carbon_exe, library, tmp_path):
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no private read-only mounts here")
    (home / "index.sqlite").unlink()  # nothing to read: the index must be built in memory
    before = _snapshot(home)
    result = _read_only(home, carbon_exe, "search", "储能", "--json")
    assert result.returncode == 0, result.stderr
    assert [h["id"] for h in json.loads(result.stdout)["results"]] == library
    assert result.stderr.splitlines() == [f"carbon: warning: {home} cannot be written; searching an index built in memory"]
    added = _read_only(home, carbon_exe, "docs", "add", str(OPINIONS))
    assert added.returncode == 2 and added.stderr.splitlines() == [f"carbon: error: {OPINIONS}: {home} cannot be written"]
    removed = _read_only(home, carbon_exe, "docs", "remove", STORAGE_ID)
    assert removed.returncode == 2 and removed.stderr.count("\n") == 1 and "cannot be written" in removed.stderr
    assert _snapshot(home) == before
    assert carbon(carbon_exe, "search", "储能").returncode == 0  # writable again: back to normal


def test_read_only_home_in_process(cli, home, monkeypatch):
    """The same without mount privileges: the home reports itself unwritable, and any
    write to it would fail."""
    from carbon_cli import store

    assert cli("docs", "add", str(STORAGE)).code == 0
    (home / "index.sqlite").unlink()
    before = _snapshot(home)
    monkeypatch.setattr(store.Home, "ensure", lambda self: False)

    def refuse(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(store, "atomic_write", refuse)
    result = cli("search", "储能", "--json")
    assert result.code == 0 and json.loads(result.stdout)["results"]
    assert "searching an index built in memory" in result.stderr and result.stderr.count("\n") == 1
    added = cli("docs", "add", str(OPINIONS))
    assert added.code == 2 and "cannot be written" in added.stderr and added.stderr.count("\n") == 1
    assert _snapshot(home) == before


def test_an_unusable_cache_folder_does_not_make_the_home_read_only(home, carbon_exe, tmp_path):
    """CARBON_CACHE holds derived files only: when it cannot be created the index is
    still stored in the home, not rebuilt in memory on every call."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, "CARBON_CACHE": str(blocker / "cache")}
    for _ in range(2):
        result = subprocess.run([carbon_exe, "search", "碳汇", "--json"], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert (home / "index.sqlite").is_file()


def test_read_only_home_with_a_damaged_index_answers_from_memory(home, carbon_exe, library, tmp_path):
    """Damage SQLite finds only when a query reaches it, in a home that cannot be
    written: the index can be neither replaced nor removed, so the command answers from
    an index built in memory, with one warning, and the home is left as it was."""
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no private read-only mounts here")
    conn = sqlite3.connect(home / "index.sqlite")
    conn.execute("UPDATE passages SET title = CAST(X'e8b4ff' AS TEXT) WHERE id = 'qa/action/4'")
    conn.commit()
    conn.close()
    before = _snapshot(home)
    result = _read_only(home, carbon_exe, "actions", "--list", "--json")
    assert result.returncode == 0, result.stderr
    assert "qa/action/4" in {a["id"] for a in json.loads(result.stdout)}
    assert result.stderr.count("\n") == 1
    assert "is damaged" in result.stderr and "cannot be replaced; searching an index built in memory" in result.stderr
    assert _snapshot(home) == before
